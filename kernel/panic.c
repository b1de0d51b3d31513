// SPDX-License-Identifier: MIT
/*
 * panic(): say why, stop the other CPUs, and leave a line the host runner
 * recognises ("pvk: PANIC ...") before halting or powering off.
 */
#include <pvk/kernel.h>
#include <pvk/smp.h>
#include <pvk/power.h>
#include <asm/paravirt.h>

static int panicking;

/**
 * panic - report a fatal error and stop the machine
 * @fmt: printf-style reason
 *
 * A nested panic (on this or another CPU) only halts the CPU it runs on,
 * so the first report is the one that reaches the console.
 */
void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	arch_local_irq_disable();
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST))
		machine_halt();
	printk_bust_lock();
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pr_raw("pvk: PANIC on CPU %u: %s\n", smp_processor_id(), buf);
	dump_stack();
	smp_stop_other_cpus();
	machine_crash();
}
