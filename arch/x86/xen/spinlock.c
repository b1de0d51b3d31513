// SPDX-License-Identifier: MIT
/*
 * Paravirt spinlocks under Xen PV: the pv_ops.lock half of the ticket
 * lock slow path (kernel/spinlock.c).
 *
 * Every vCPU has an IPI port that stays masked for good.  A waiter
 * clears it, checks the lock once more and blocks in SCHEDOP_poll on it;
 * an unlocker notifies it.  Xen marks the port pending, which ends the
 * poll without ever running an upcall.  A blocked vCPU gives its
 * physical CPU to the lock holder: with more vCPUs than physical CPUs
 * (4 vCPUs on a 2-core host under emulation) spinning waiters would
 * otherwise keep preempting the holder and the next waiter.
 *
 * "xen_nopvspin" on the command line keeps plain spinning.
 */
#include <pvk/kernel.h>
#include <pvk/params.h>
#include <pvk/smp.h>
#include <asm/paravirt.h>
#include <asm/processor.h>
#include <asm/xen/hypercall.h>

static int kick_port[NR_CPUS];		/* 0: none (yet) */

/* pv_ops.lock.wait: block while *ptr == val, until kicked. */
static void xen_lock_wait(u16 *ptr, u16 val)
{
	struct xen_percpu *x = xen_this_cpu();
	int port = kick_port[smp_processor_id()];

	if (port <= 0) {
		cpu_relax();
		return;
	}
	/* A kick that comes after the clear stays pending: poll returns. */
	xen_evtchn_clear_pending(port);
	if (__atomic_load_n(ptr, __ATOMIC_SEQ_CST) != val)
		return;
	x->lock_waits++;
	xen_evtchn_poll(port);
}

/* pv_ops.lock.kick */
static void xen_lock_kick(unsigned int cpu)
{
	int port = cpu < NR_CPUS ? kick_port[cpu] : 0;

	if (port > 0) {
		xen_this_cpu()->lock_kicks++;
		xen_evtchn_notify(port);
	}
}

/**
 * xen_init_lock_ops - install the Xen pv_ops.lock hooks
 *
 * Runs before call sites are patched; the hooks do nothing useful until
 * xen_spinlock_enable().
 */
void xen_init_lock_ops(void)
{
	pv_ops.lock.wait = xen_lock_wait;
	pv_ops.lock.kick = xen_lock_kick;
}

/**
 * xen_spinlock_init_cpu - bind the kick port of a vCPU
 * @cpu: the vCPU (bound from the boot CPU before it starts, and again
 *       after a restore)
 *
 * Without a port the vCPU's waiters just keep spinning.
 */
void xen_spinlock_init_cpu(unsigned int cpu)
{
	int port = xen_bind_ipi_poll(cpu);

	kick_port[cpu] = port > 0 ? port : 0;
}

/**
 * xen_spinlock_cpu_offline - close the kick port of a vCPU going offline
 * @cpu: the vCPU, which waits for no lock (it is in its idle loop)
 *
 * A kick that still finds the old port fails harmlessly.
 */
void xen_spinlock_cpu_offline(unsigned int cpu)
{
	int port = kick_port[cpu];

	WRITE_ONCE(kick_port[cpu], 0);
	if (port > 0)
		xen_unbind(port);
}

/* xen_nopvspin: waiters keep spinning instead of blocking in Xen. */
static bool xen_nopvspin;
param_bool("xen_nopvspin", xen_nopvspin);

/**
 * xen_spinlock_enable - let spinlock waiters block from now on
 *
 * Called on the boot CPU while it is the only one running, so no lock
 * has a waiter that could miss the switch.
 */
void xen_spinlock_enable(void)
{
	if (xen_nopvspin) {
		pr_info("xen: paravirt spinlocks off (xen_nopvspin)\n");
		return;
	}
	__atomic_store_n(&pv_spin_slowpath, true, __ATOMIC_SEQ_CST);
	pr_info("xen: paravirt spinlocks: waiters block in SCHEDOP_poll\n");
}
