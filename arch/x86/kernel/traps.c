// SPDX-License-Identifier: MIT
/*
 * IDT set-up and the C side of every interrupt and exception: external
 * vectors go to registered handlers, exceptions to a register dump, a
 * symbolised backtrace and panic (or a self-test's expected-fault fix-up).
 */
#include <pvk/kernel.h>
#include <pvk/power.h>
#include <pvk/smp.h>
#include <pvk/spinlock.h>
#include <pvk/ksyms.h>
#include <asm/paravirt.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/desc.h>
#include <asm/extable.h>
#include <asm/traps.h>
#include <asm/pgtable.h>
#include <asm/user.h>
#include <pvk/mm.h>
#include <pvk/process.h>
#include <pvk/ratelimit.h>
#include <pvk/uaccess.h>

#define IDT_INTERRUPT_GATE 0x8e
#define IDT_ENTRY_STUB_SIZE 16
#define IST_DOUBLE_FAULT 1

extern char idt_stubs[];

static struct idt_entry idt[256] __aligned(16);
static irq_handler_t vector_handlers[256];
/* Serialises changes to vector_handlers; do_interrupt() reads it bare. */
static DEFINE_SPINLOCK(vector_lock);

static void default_eoi(void)
{
}

void (*arch_irq_eoi)(void) = default_eoi;

static const char *const exception_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"bound range", "invalid opcode", "device not available",
	"double fault", "coprocessor overrun", "invalid TSS",
	"segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 FPU error", "alignment check",
	"machine check", "SIMD error", "virtualization", "control protection",
};

static void set_gate(unsigned int vec, unsigned long handler, unsigned int ist)
{
	struct idt_entry *e = &idt[vec];

	e->offset_lo = handler & 0xffff;
	e->selector = __KERNEL_CS;
	e->ist = ist;
	e->type_attr = IDT_INTERRUPT_GATE;
	e->offset_mid = (handler >> 16) & 0xffff;
	e->offset_hi = handler >> 32;
	e->reserved = 0;
}

/**
 * trap_init - build the IDT (once, shared by all CPUs) and load it
 */
void trap_init(void)
{
	for (unsigned int v = 0; v < 256; v++)
		set_gate(v, (unsigned long)idt_stubs + v * IDT_ENTRY_STUB_SIZE,
			 v == X86_TRAP_DF ? IST_DOUBLE_FAULT : 0);
	idt_load_this_cpu();
}

void idt_load_this_cpu(void)
{
	struct desc_ptr dp = { sizeof(idt) - 1, (u64)(unsigned long)idt };

	load_idt(&dp);
}

/**
 * request_vector - install the handler of an interrupt vector
 * @vector: FIRST_EXTERNAL_VECTOR..255
 * @handler: called with interrupts off, before the platform's EOI
 */
int request_vector(unsigned int vector, irq_handler_t handler)
{
	unsigned long flags;
	int ret = 0;

	if (vector < FIRST_EXTERNAL_VECTOR || vector > 255)
		return -EINVAL;
	spin_lock_irqsave(&vector_lock, flags);
	if (vector_handlers[vector] && vector_handlers[vector] != handler)
		ret = -EBUSY;
	else
		WRITE_ONCE(vector_handlers[vector], handler);
	spin_unlock_irqrestore(&vector_lock, flags);
	return ret;
}

/**
 * request_any_vector - install a handler on a vector nobody uses
 * @handler: called with interrupts off, before the platform's EOI
 *
 * For interrupt sources that can be steered to any vector (IOAPIC pins,
 * MSIs): the fixed vectors of traps.h lie outside the range searched.
 * Returns the vector, or -ENOSPC when every device vector is taken.
 */
int request_any_vector(irq_handler_t handler)
{
	unsigned long flags;
	int ret = -ENOSPC;
	unsigned int v;

	spin_lock_irqsave(&vector_lock, flags);
	for (v = FIRST_DEVICE_VECTOR; v <= LAST_DEVICE_VECTOR; v++) {
		if (!vector_handlers[v]) {
			WRITE_ONCE(vector_handlers[v], handler);
			ret = (int)v;
			break;
		}
	}
	spin_unlock_irqrestore(&vector_lock, flags);
	return ret;
}

/**
 * free_vector - remove a handler installed by request_(any_)vector()
 * @vector: the vector
 * @handler: the handler that must be installed there; another is left
 *
 * The caller must already have stopped the source: an interrupt still
 * in flight finds no handler and is logged as unexpected.
 */
void free_vector(unsigned int vector, irq_handler_t handler)
{
	unsigned long flags;

	if (vector < FIRST_EXTERNAL_VECTOR || vector > 255)
		return;
	spin_lock_irqsave(&vector_lock, flags);
	if (vector_handlers[vector] == handler)
		WRITE_ONCE(vector_handlers[vector], NULL);
	spin_unlock_irqrestore(&vector_lock, flags);
}

extern const struct exception_table_entry __start___ex_table[];
extern const struct exception_table_entry __stop___ex_table[];

unsigned long search_exception_table(unsigned long rip)
{
	for (const struct exception_table_entry *e = __start___ex_table;
	     e < __stop___ex_table; e++)
		if (e->insn == rip)
			return e->fixup;
	return 0;
}

void show_regs(const struct pt_regs *r)
{
	const struct { const char *name; u64 val; } regs[] = {
		{ "RIP", r->rip }, { "CS", r->cs }, { "RFLAGS", r->rflags },
		{ "RSP", r->rsp }, { "SS", r->ss }, { "ERR", r->error_code },
		{ "RAX", r->rax }, { "RBX", r->rbx }, { "RCX", r->rcx },
		{ "RDX", r->rdx }, { "RSI", r->rsi }, { "RDI", r->rdi },
		{ "RBP", r->rbp }, { "R08", r->r8 }, { "R09", r->r9 },
		{ "R10", r->r10 }, { "R11", r->r11 }, { "R12", r->r12 },
		{ "R13", r->r13 }, { "R14", r->r14 }, { "R15", r->r15 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(regs); i += 3)
		pr_emerg("%-6s %016llx %-6s %016llx %-6s %016llx\n",
			 regs[i].name, (unsigned long long)regs[i].val,
			 regs[i + 1].name, (unsigned long long)regs[i + 1].val,
			 regs[i + 2].name, (unsigned long long)regs[i + 2].val);
	print_symbol("RIP is at ", r->rip);
	backtrace_from(r->rbp);
}

/* A listed instruction faulted: resume at its fix-up. */
static bool fixup_exception(struct pt_regs *regs)
{
	unsigned long fixup = search_exception_table(regs->rip);

	if (!fixup)
		return false;
	regs->rip = fixup;
	return true;
}

/*
 * A kernel access to user memory that faults at the same place again
 * and again, each fault served, would spin for ever (the CPU takes no
 * other work while in the kernel).  This many in a row on one CPU: say
 * what the tables hold and fail the access instead.
 */
#define SAME_FAULT_MAX	10000

struct fault_repeat {
	unsigned long rip, addr;
	unsigned int count;
};
static struct fault_repeat fault_repeats[NR_CPUS];

static bool kernel_fault_repeats(const struct pt_regs *regs,
				 unsigned long addr, struct mm_struct *mm)
{
	struct fault_repeat *r = &fault_repeats[smp_processor_id()];

	if (user_mode(regs) || r->rip != regs->rip || r->addr != addr) {
		r->rip = regs->rip;
		r->addr = addr;
		r->count = 0;
		return false;
	}
	if (++r->count < SAME_FAULT_MAX)
		return false;
	r->count = 0;
	pr_err("traps: CPU %u: fault at %#lx (ip %#lx, error %#llx) served %u times and taken again: cr3 %#lx, the process's root %#lx holds %#llx; failing the access\n",
	       smp_processor_id(), addr, regs->rip,
	       (unsigned long long)regs->error_code, SAME_FAULT_MAX,
	       read_cr3(), (unsigned long)__pa(mm->pgd),
	       (unsigned long long)user_pte(mm->pgd, addr));
	return true;
}

/*
 * A page fault on a user address, from user mode or from the kernel
 * reaching user memory (copy_to_user): a page touched for the first
 * time inside a mapping, or a write to a page a fork left copy-on-write,
 * is served and the access retried.  Out of memory there kills the
 * process from user mode (the kernel's own access fails with -EFAULT).
 */
static bool user_mm_fault(const struct pt_regs *regs)
{
	unsigned long addr;
	struct process *p;
	int err;

	if (regs->vector != X86_TRAP_PF)
		return false;
	addr = read_cr2();
	p = current_process();
	if (addr >= TASK_SIZE || !p || !p->mm)
		return false;
	if (kernel_fault_repeats(regs, addr, p->mm))
		return false;
	err = handle_mm_fault(p->mm, addr, regs->error_code);
	if (err == -ENOMEM && user_mode(regs))
		force_sig_fault(SIGKILL, "out of memory in page fault", regs->rip,
				addr);
	return !err;
}

/*
 * A fault in ring 3 ends the process, never the kernel: a page fault
 * outside every mapping or against its protection, a protection fault,
 * the rest too, as SIGSEGV.
 */
static __noreturn void do_user_exception(struct pt_regs *regs)
{
	unsigned int v = regs->vector;
	const char *what = v < 32 && exception_names[v] ? exception_names[v]
							 : "reserved";

	force_sig_fault(SIGSEGV, what, regs->rip,
			v == X86_TRAP_PF ? read_cr2() : 0);
}

static void do_exception(struct pt_regs *regs)
{
	unsigned int v = regs->vector;

	if (user_mm_fault(regs))
		return;
	if (user_mode(regs))
		do_user_exception(regs);
	/* A process's root may lack a kernel mapping made after it. */
	if (v == X86_TRAP_PF && vmalloc_sync_fault(read_cr2()))
		return;
	if (fixup_exception(regs))
		return;
	printk_bust_lock();
	pr_emerg("exception %llu (%s) on CPU %u\n", (unsigned long long)v,
		 v < 32 && exception_names[v] ? exception_names[v] : "reserved",
		 smp_processor_id());
	if (v == X86_TRAP_PF)
		pr_emerg("fault address %016lx (%s, %s)\n", read_cr2(),
			 regs->error_code & 1 ? "protection" : "not present",
			 regs->error_code & 2 ? "write" : "read");
	show_regs(regs);
	panic("unhandled exception %llu", (unsigned long long)v);
}

#define HLT_OPCODE 0xf4

static unsigned long interrupts_on_hlt;

/**
 * interrupt_step_over_hlt - an interrupt that came right before a hlt ends it
 * @regs: the interrupted frame
 *
 * "sti; hlt" trusts the interrupt shadow: no interrupt between the two,
 * so the one a halting CPU waits for cannot come just before the hlt
 * and leave it halted.  Xen HVM/PVH guests under QEMU's emulated SVM do
 * take interrupts there: a PVH dom0's idle CPU took its one-shot tick at
 * the hlt of cpu_idle() and then sat halted for 90 s with no timer
 * armed.  An interrupt that lands on a hlt is the wake-up that hlt
 * would wait for, so returning past it is always right: every halting
 * loop re-checks after a wake-up.  Returns true when it stepped over.
 */
bool interrupt_step_over_hlt(struct pt_regs *regs)
{
	unsigned long off = 0, count;
	const char *sym;

	if (user_mode(regs) || *(const u8 *)regs->rip != HLT_OPCODE)
		return false;
	sym = ksym_lookup(regs->rip, &off);
	regs->rip++;
	count = __atomic_add_fetch(&interrupts_on_hlt, 1, __ATOMIC_RELAXED);
	pr_info_ratelimited("traps: vector %llu on CPU %u came right before the hlt at %s+%#lx; stepped over it (%lu so far)\n",
			    (unsigned long long)regs->vector, smp_processor_id(),
			    sym ? sym : "?", off, count);
	return true;
}

/* Entered from entry_64.S for every vector, interrupts off. */
void do_interrupt(struct pt_regs *regs)
{
	unsigned int v = regs->vector;
	irq_handler_t handler;

	if (v < FIRST_EXTERNAL_VECTOR) {
		do_exception(regs);
		return;
	}
	interrupt_step_over_hlt(regs);
	handler = READ_ONCE(vector_handlers[v]);
	if (handler)
		handler(regs);
	else if (v != SPURIOUS_APIC_VECTOR)
		pr_warn("unexpected interrupt vector %u on CPU %u\n", v,
			smp_processor_id());
	if (v != SPURIOUS_APIC_VECTOR)
		arch_irq_eoi();
	/* A thread of a process being killed ends here, even if it spins. */
	if (user_mode(regs))
		process_check_killed();
}
