// SPDX-License-Identifier: MIT
/*
 * x86-64 user mode on hardware (bare metal): each CPU's SYSCALL set-up,
 * the first entry to ring 3, and what a switch between processes must
 * carry over: the kernel stack of the TSS and of entry_SYSCALL_64, the
 * page-table base, FS base and the FPU/SSE registers (FXSAVE area).
 *
 * The kernel is built without SSE, so FPU state changes only in user
 * mode: it is saved when a process's thread is switched out and loaded
 * when one is switched in, never for kernel threads.
 */
#include <pvk/kernel.h>
#include <pvk/mm.h>
#include <pvk/process.h>
#include <pvk/sched.h>
#include <pvk/smp.h>
#include <pvk/string.h>
#include <pvk/uaccess.h>
#include <asm/native.h>
#include <asm/paravirt.h>
#include <asm/platform.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/user.h>

#define ARCH_SET_GS	0x1001
#define ARCH_SET_FS	0x1002
#define ARCH_GET_FS	0x1003
#define ARCH_GET_GS	0x1004

/* RFLAGS bits cleared on SYSCALL: TF, IF, DF, IOPL, NT, AC (as Linux). */
#define SYSCALL_MASK	0x47700
#define USER_RFLAGS	0x202		/* IF and the always-one bit */
#define MXCSR_DEFAULT	0x1f80
#define FCW_DEFAULT	0x037f

struct fxregs {
	u8 b[512];
} __aligned(16);

struct arch_process {
	struct fxregs fpu;		/* FXSAVE area, 16-byte aligned */
	unsigned long fs_base;
	struct pt_regs fork_regs;	/* a forked child's first return */
};

extern char entry_SYSCALL_64[];

/**
 * native_syscall_init - pv_ops.cpu.syscall_init on hardware
 *
 * STAR's selector bases follow asm/segment.h: SYSCALL loads the kernel
 * CS and SS (CS + 8), SYSRET the user SS (base + 8) and CS (base + 16).
 */
void native_syscall_init(void)
{
	wrmsr(MSR_STAR, ((u64)(__USER32_CS & ~3) << 48) | ((u64)__KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (u64)(unsigned long)entry_SYSCALL_64);
	wrmsr(MSR_SYSCALL_MASK, SYSCALL_MASK);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

/**
 * syscall_init - enable system calls and SSE for user code on this CPU
 */
void syscall_init(void)
{
	paravirt_syscall_init();
	write_cr0((read_cr0() & ~(X86_CR0_EM | X86_CR0_TS)) | X86_CR0_MP);
	write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
}

/* FXSAVE layout: FCW at 0, MXCSR at 24 (what FNINIT/reset give). */
static void fpu_init_state(struct fxregs *fpu)
{
	memset(fpu, 0, sizeof(*fpu));
	*(u16 *)&fpu->b[0] = FCW_DEFAULT;
	*(u32 *)&fpu->b[24] = MXCSR_DEFAULT;
}

int arch_process_init(struct process *p)
{
	/* kmalloc's size classes are naturally aligned: FXSAVE's 16 bytes hold. */
	struct arch_process *a = kzalloc(sizeof(*a));

	if (!a)
		return -ENOMEM;
	fpu_init_state(&a->fpu);
	p->arch = a;
	return 0;
}

void arch_process_free(struct process *p)
{
	kfree(p->arch);
	p->arch = NULL;
}

/* The stack entry_SYSCALL_64 and the TSS switch to for this process. */
static void load_kernel_stack(struct process *p)
{
	unsigned long top = kthread_stack_top(p->thread);

	this_cpu()->kernel_sp = top;
	load_sp0(top);
}

/*
 * In one batch where the platform batches (Xen PV: the stack switch,
 * page tables and FS base as one multicall); nothing reads user memory
 * before the batch ends.
 */
static void load_user_state(struct process *p)
{
	arch_start_context_switch();
	load_kernel_stack(p);
	mm_activate(p->mm);
	wrmsr(MSR_FS_BASE, p->arch->fs_base);
	arch_end_context_switch();
	asm volatile("fxrstor64 %0" : : "m"(p->arch->fpu));
}

void arch_switch_user(struct process *prev, struct process *next)
{
	if (prev)
		asm volatile("fxsave64 %0" : "=m"(prev->arch->fpu));
	if (next)
		load_user_state(next);
}

/**
 * arch_fork - a forked child starts as its parent left off
 * @child: the new process
 * @parent: the caller, in its fork system call
 * @regs: the parent's user registers
 *
 * The parent's FPU state lives in the registers while it runs (it is
 * saved only when its thread is switched out), so it is saved from
 * there.
 */
void arch_fork(struct process *child, struct process *parent,
	       const struct pt_regs *regs)
{
	struct arch_process *a = child->arch;

	asm volatile("fxsave64 %0" : "=m"(a->fpu));
	a->fs_base = parent->arch->fs_base;
	a->fork_regs = *regs;
	a->fork_regs.rax = 0;		/* fork() returns 0 in the child */
}

/**
 * arch_clone_thread - a new thread starts where its creator left off
 * @child: the new thread
 * @parent: the caller, in its clone system call
 * @regs: the caller's user registers
 * @sp: the new thread's stack pointer
 * @tls: its FS base (musl's thread pointer)
 *
 * Like a fork, clone() returns 0 in the new thread, with the caller's
 * FPU state; it runs on its own stack.
 */
void arch_clone_thread(struct process *child, struct process *parent,
		       const struct pt_regs *regs, unsigned long sp,
		       unsigned long tls)
{
	arch_fork(child, parent, regs);
	child->arch->fs_base = tls;
	child->arch->fork_regs.rsp = sp;
}

unsigned long arch_fs_base(const struct process *p)
{
	return p->arch->fs_base;
}

/* A forked child's thread enters user mode where its parent left it. */
void arch_fork_return(struct process *p)
{
	struct pt_regs regs = p->arch->fork_regs;

	arch_local_irq_disable();
	load_user_state(p);
	paravirt_ret_to_user(&regs);
}

void arch_exec_reset(struct process *p)
{
	fpu_init_state(&p->arch->fpu);
	p->arch->fs_base = 0;
}

/**
 * arch_start_user - enter ring 3 for the first time
 * @p: the calling thread's process, its address space loaded
 * @ip: entry point
 * @sp: user stack pointer (argc at @sp)
 *
 * The frame lives in this function's own stack frame, below everything
 * the thread used so far; every later entry from user mode starts at
 * the top of the kernel stack (kernel_sp, TSS sp0), and nothing of
 * what is there now is ever returned to.
 */
void arch_start_user(struct process *p, unsigned long ip, unsigned long sp)
{
	struct pt_regs regs;

	memset(&regs, 0, sizeof(regs));
	regs.rip = ip;
	regs.cs = __USER_CS;
	regs.rflags = USER_RFLAGS;
	regs.rsp = sp;
	regs.ss = __USER_DS;
	arch_local_irq_disable();
	load_user_state(p);
	paravirt_ret_to_user(&regs);
}

/* Boot-time entropy for AT_RANDOM: TSC samples through a mixer. */
void arch_random_bytes(u8 *buf, size_t len)
{
	u64 x = rdtsc();

	for (size_t i = 0; i < len; i++) {
		x ^= rdtsc() + (x << 7) + (x >> 3);
		x *= 0x9e3779b97f4a7c15ULL;
		buf[i] = (u8)(x >> 56);
	}
}

/* arch_prctl(2): the FS base is what musl's TLS hangs off. */
long sys_arch_prctl(int code, unsigned long addr)
{
	struct process *p = current_process();

	switch (code) {
	case ARCH_SET_FS:
		if (addr >= TASK_SIZE)
			return -EPERM;
		p->arch->fs_base = addr;
		wrmsr(MSR_FS_BASE, addr);
		return 0;
	case ARCH_GET_FS:
		return copy_to_user((void *)addr, &p->arch->fs_base,
				    sizeof(p->arch->fs_base));
	default:
		return -EINVAL;
	}
}

/**
 * do_syscall_64 - the C side of entry_SYSCALL_64
 * @regs: the user's registers; %rax gets the result
 *
 * Runs the call with interrupts on and returns with them off.  The
 * frame's %rip is the one SYSCALL saved, which is canonical.
 */
void do_syscall_64(struct pt_regs *regs)
{
	unsigned long nr = regs->error_code;

	arch_local_irq_enable();
	regs->rax = (u64)x64_sys_call(regs, nr);
	process_check_killed();
	arch_local_irq_disable();
}
