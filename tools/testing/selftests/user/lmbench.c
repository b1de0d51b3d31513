// SPDX-License-Identifier: MIT
/*
 * lmbench-style latencies of the operations a kernel's user side is
 * made of, as one static musl program that runs unchanged on pvk and
 * on Linux (issue #13, `make bench`'s "user" pass):
 *
 *   null_syscall   getppid()
 *   ctxsw_pipe     one byte there and back between two processes over
 *                  two pipes (a round trip: two context switches)
 *   pagefault      the first write to a page of fresh anonymous memory
 *   mmap64         mmap of 64 anonymous pages, a write to each, munmap
 *   fork_exit_wait fork(), the child _exit(0)s, the parent waits for it
 *   mmap64_1thr    mmap64 once more, right before mmap64_2thr
 *   mmap64_2thr    mmap64 while a second thread of the process (clone
 *                  CLONE_VM|CLONE_THREAD) spins on the other vCPU: each
 *                  munmap must shoot the TLB of that vCPU down
 *
 *   lmbench [-t MS] [METRIC ...]     (default: all, about MS each)
 *
 * Each metric is calibrated to batches of about MS/5 ms (default 500),
 * then runs 5 batches; it prints the median and the best batch's
 * nanoseconds per operation (CLOCK_MONOTONIC) and TSC ticks per
 * operation of the median batch, as one line:
 *
 *   lmbench: METRIC ns_per_op=F min_ns_per_op=F tsc_per_op=F iters=N batches=5
 *
 * On pvk the line ends in " hypercalls_per_op=F" too: the hypercalls
 * all vCPUs made during the median batch (pvk's own system call,
 * NR_PVK_HYPERCALLS; 0 on bare metal), per operation.  Linux has no
 * such call (ENOSYS) and the field is left out.
 *
 * A metric the kernel cannot run (a system call it does not have, or
 * flags it refuses: ENOSYS, or EINVAL from clone) prints instead
 *
 *   lmbench: METRIC unavailable reason=CALL:ERRNO
 *
 * and any other failure "lmbench: METRIC failed reason=CALL:ERRNO".
 * The last line is "lmbench: done ok=N unavailable=N failed=N"; the
 * exit status is 0 unless a metric failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE		4096UL
#define BATCHES		5
#define MMAP_PAGES	64
/* Fresh memory per timed slice of the page fault metric: 1 MiB. */
#define FAULT_CHUNK	256UL
/* pvk's hypercall counter (arch/x86/kernel/syscall_64.c); ENOSYS on Linux. */
#define NR_PVK_HYPERCALLS	0x70766bL
/* Calibration: the smallest batch whose time says anything. */
#define MIN_CAL_NS	2000000ULL
/*
 * Each calibration step's time is the best of this many runs: one stall
 * of the (virtual) CPU in a single run would otherwise make a cheap
 * operation look dear and its batches one operation long, timing the
 * clock reads more than the operation.
 */
#define CAL_TRIES	3

/* What failed, for the line: the call and its errno (positive). */
struct failure {
	const char *call;
	int err;
};

struct metric {
	const char *name;
	/* Sets up what the batches share; 0 or the errno. */
	int (*setup)(struct failure *f);
	/* @n operations; adds their time to *ns and TSC ticks to *tsc. */
	int (*run)(unsigned long n, uint64_t *ns, uint64_t *tsc,
		   struct failure *f);
	void (*teardown)(void);
	/* After the batches: 0, or the errno; text for the line in @extra. */
	int (*check)(struct failure *f, char *extra, size_t len);
	/* A refusal of the feature itself: ENOSYS, or EINVAL for clone. */
	int unavailable_einval;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* A timed section: its start, then stop() adds it to the totals. */
struct stopwatch {
	uint64_t ns, tsc;
};

static void sw_start(struct stopwatch *s)
{
	s->tsc = rdtsc();
	s->ns = now_ns();
}

static void sw_stop(const struct stopwatch *s, uint64_t *ns, uint64_t *tsc)
{
	uint64_t t = now_ns(), c = rdtsc();

	*ns += t - s->ns;
	*tsc += c - s->tsc;
}

static int fail(struct failure *f, const char *call)
{
	f->call = call;
	f->err = errno ? errno : EIO;
	return f->err;
}

/* ---- null_syscall ---- */

static int run_null(unsigned long n, uint64_t *ns, uint64_t *tsc,
		    struct failure *f __attribute__((unused)))
{
	struct stopwatch s;

	sw_start(&s);
	for (unsigned long i = 0; i < n; i++)
		syscall(SYS_getppid);
	sw_stop(&s, ns, tsc);
	return 0;
}

/* ---- ctxsw_pipe: a child echoes each byte back ---- */

static int to_child[2] = { -1, -1 }, to_parent[2] = { -1, -1 };
static pid_t echo_pid = -1;

static void close_pipes(void)
{
	int *fds[] = { to_child, to_parent };

	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			if (fds[i][j] >= 0) {
				close(fds[i][j]);
				fds[i][j] = -1;
			}
}

static void echo_loop(void)
{
	char c;

	close(to_child[1]);
	close(to_parent[0]);
	while (read(to_child[0], &c, 1) == 1)
		if (write(to_parent[1], &c, 1) != 1)
			_exit(1);
	_exit(0);
}

static int setup_pipe(struct failure *f)
{
	if (pipe(to_child) || pipe(to_parent)) {
		fail(f, "pipe");
		close_pipes();
		return f->err;
	}
	echo_pid = fork();
	if (echo_pid < 0) {
		fail(f, "fork");
		close_pipes();
		return f->err;
	}
	if (!echo_pid)
		echo_loop();
	close(to_child[0]);
	close(to_parent[1]);
	to_child[0] = to_parent[1] = -1;
	return 0;
}

static int run_pipe(unsigned long n, uint64_t *ns, uint64_t *tsc,
		    struct failure *f)
{
	struct stopwatch s;
	char c = 'x';

	sw_start(&s);
	for (unsigned long i = 0; i < n; i++) {
		if (write(to_child[1], &c, 1) != 1)
			return fail(f, "write");
		if (read(to_parent[0], &c, 1) != 1)
			return fail(f, "read");
	}
	sw_stop(&s, ns, tsc);
	return 0;
}

static void teardown_pipe(void)
{
	close_pipes();
	if (echo_pid > 0)
		waitpid(echo_pid, NULL, 0);
	echo_pid = -1;
}

/* ---- pagefault: only the first writes are timed ---- */

static int run_fault(unsigned long n, uint64_t *ns, uint64_t *tsc,
		     struct failure *f)
{
	while (n) {
		unsigned long pages = n < FAULT_CHUNK ? n : FAULT_CHUNK;
		volatile char *p;
		struct stopwatch s;

		p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return fail(f, "mmap");
		sw_start(&s);
		for (unsigned long i = 0; i < pages; i++)
			p[i * PAGE] = 1;
		sw_stop(&s, ns, tsc);
		if (munmap((void *)p, pages * PAGE))
			return fail(f, "munmap");
		n -= pages;
	}
	return 0;
}

/* ---- mmap64 (and its one- and two-thread runs) ---- */

static int run_mmap(unsigned long n, uint64_t *ns, uint64_t *tsc,
		    struct failure *f)
{
	struct stopwatch s;

	sw_start(&s);
	for (unsigned long i = 0; i < n; i++) {
		volatile char *p = mmap(NULL, MMAP_PAGES * PAGE,
					PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return fail(f, "mmap");
		for (unsigned long j = 0; j < MMAP_PAGES; j++)
			p[j * PAGE] = 1;
		if (munmap((void *)p, MMAP_PAGES * PAGE))
			return fail(f, "munmap");
	}
	sw_stop(&s, ns, tsc);
	return 0;
}

/* ---- fork_exit_wait ---- */

static int run_fork(unsigned long n, uint64_t *ns, uint64_t *tsc,
		    struct failure *f)
{
	struct stopwatch s;

	sw_start(&s);
	for (unsigned long i = 0; i < n; i++) {
		pid_t pid = fork();
		int status;

		if (pid < 0)
			return fail(f, "fork");
		if (!pid)
			_exit(0);
		if (waitpid(pid, &status, 0) != pid)
			return fail(f, "waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			errno = ECHILD;
			return fail(f, "child-status");
		}
	}
	sw_stop(&s, ns, tsc);
	return 0;
}

/*
 * ---- mmap64_2thr: a sibling thread on the other vCPU ----
 *
 * The sibling is made by a raw clone (no libc thread: it must not touch
 * TLS, errno or locks) and only spins, counting, until told to stop.
 */
#define SIBLING_STACK	(64 * 1024)

static char sibling_stack[SIBLING_STACK] __attribute__((aligned(16)));
static volatile unsigned long sibling_spins;
static volatile int sibling_stop, sibling_gone;
/*
 * Batches (calibration's too) during which the sibling ran: it is
 * waited for before each, but a host may take its vCPU for a while.
 */
static unsigned int batches_run, batches_concurrent;

static long raw_syscall3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

/* Pin the calling thread to CPU @cpu; Linux only, errors ignored. */
static void pin_to(int cpu)
{
	unsigned long mask = 1UL << cpu;

	raw_syscall3(SYS_sched_setaffinity, 0, sizeof(mask), (long)&mask);
}

static int sibling(void *unused __attribute__((unused)))
{
	pin_to(1);
	while (!sibling_stop)
		sibling_spins++;
	sibling_gone = 1;
	return 0;
}

/*
 * clone(@flags) onto @stack_top, the child calling @fn(@arg) and then
 * exit(2)ing with its value: the new thread's ID, or -errno.
 */
static long thread_clone(unsigned long flags, char *stack_top,
			 int (*fn)(void *), void *arg)
{
	void **sp = (void **)stack_top;
	register long r10 __asm__("r10") = 0;
	register long r8 __asm__("r8") = 0;
	long ret;

	*--sp = arg;
	*--sp = (void *)fn;
	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 /* The child: fn and arg from its new stack. */
			 "xor %%ebp, %%ebp\n\t"
			 "pop %%rax\n\t"
			 "pop %%rdi\n\t"
			 "call *%%rax\n\t"
			 "mov %%eax, %%edi\n\t"
			 "mov %[nr_exit], %%eax\n\t"
			 "syscall\n\t"
			 "ud2\n"
			 "1:"
			 : "=a"(ret)
			 : "0"((long)SYS_clone), "D"(flags), "S"(sp), "d"(0L),
			   "r"(r10), "r"(r8), [nr_exit] "i"(SYS_exit)
			 : "rcx", "r11", "memory");
	return ret;
}

static int setup_thread(struct failure *f)
{
	unsigned long flags = CLONE_VM | CLONE_FS | CLONE_FILES |
			      CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
	uint64_t deadline;
	long tid;

	sibling_stop = 0;
	sibling_gone = 0;
	batches_run = batches_concurrent = 0;
	pin_to(0);
	tid = thread_clone(flags, sibling_stack + SIBLING_STACK, sibling, NULL);
	if (tid < 0) {
		errno = (int)-tid;
		return fail(f, "clone(CLONE_VM|CLONE_THREAD)");
	}
	/* Measured only once the sibling runs beside us. */
	deadline = now_ns() + 2000000000ULL;
	while (!sibling_spins && now_ns() < deadline)
		;
	if (!sibling_spins) {
		sibling_stop = 1;
		errno = ETIMEDOUT;
		return fail(f, "sibling-never-ran");
	}
	return 0;
}

/* Until the sibling's count moves (it is on a CPU now), 100 ms at most. */
static unsigned long sibling_running(void)
{
	uint64_t deadline = now_ns() + 100000000ULL;
	unsigned long seen = sibling_spins;

	while (sibling_spins == seen && now_ns() < deadline)
		;
	return sibling_spins;
}

static int run_mmap_2thr(unsigned long n, uint64_t *ns, uint64_t *tsc,
			 struct failure *f)
{
	unsigned long before = sibling_running();
	int err = run_mmap(n, ns, tsc, f);

	batches_run++;
	batches_concurrent += sibling_spins != before;
	return err;
}

/* The batches the sibling ran during, or a failure if none. */
static int check_thread(struct failure *f, char *extra, size_t len)
{
	snprintf(extra, len, " concurrent_batches=%u/%u", batches_concurrent,
		 batches_run);
	if (batches_concurrent)
		return 0;
	errno = EAGAIN;
	return fail(f, "sibling-not-concurrent");
}

static void teardown_thread(void)
{
	uint64_t deadline = now_ns() + 1000000000ULL;

	sibling_stop = 1;
	while (!sibling_gone && now_ns() < deadline)
		;
}

static const struct metric metrics[] = {
	{ "null_syscall", NULL, run_null, NULL, NULL, 0 },
	{ "ctxsw_pipe", setup_pipe, run_pipe, teardown_pipe, NULL, 0 },
	{ "pagefault", NULL, run_fault, NULL, NULL, 0 },
	{ "mmap64", NULL, run_mmap, NULL, NULL, 0 },
	{ "fork_exit_wait", NULL, run_fork, NULL, NULL, 0 },
	{ "mmap64_1thr", NULL, run_mmap, NULL, NULL, 0 },
	{ "mmap64_2thr", setup_thread, run_mmap_2thr, teardown_thread,
	  check_thread, 1 },
};

static const char *errno_name(int err)
{
	static const struct { int err; const char *name; } names[] = {
		{ ENOSYS, "ENOSYS" }, { EINVAL, "EINVAL" }, { ENOMEM, "ENOMEM" },
		{ EAGAIN, "EAGAIN" }, { EPERM, "EPERM" }, { EFAULT, "EFAULT" },
		{ ECHILD, "ECHILD" }, { EBADF, "EBADF" }, { EIO, "EIO" },
		{ ETIMEDOUT, "ETIMEDOUT" }, { EMFILE, "EMFILE" },
	};
	static char buf[16];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The best of CAL_TRIES runs of @n operations, in *@ns. */
static int best_run(const struct metric *m, unsigned long n, uint64_t *ns,
		    struct failure *f)
{
	*ns = UINT64_MAX;
	for (int t = 0; t < CAL_TRIES; t++) {
		uint64_t one = 0, tsc = 0;
		int err = m->run(n, &one, &tsc, f);

		if (err)
			return err;
		if (one < *ns)
			*ns = one;
	}
	return 0;
}

/* Iterations for a batch of about @batch_ns, from doubling runs. */
static int calibrate(const struct metric *m, uint64_t batch_ns,
		     unsigned long *iters, struct failure *f)
{
	unsigned long n = 1;

	for (;;) {
		uint64_t ns;
		int err = best_run(m, n, &ns, f);

		if (err)
			return err;
		if (ns >= MIN_CAL_NS || n >= (1UL << 30)) {
			double scaled = (double)n * (double)batch_ns /
					(double)(ns ? ns : 1);

			*iters = scaled < 1 ? 1 : (unsigned long)scaled;
			return 0;
		}
		n *= 2;
	}
}

/* The hypercalls made so far, or -1 where nobody counts them (Linux). */
static long hypercalls_so_far(void)
{
	return syscall(NR_PVK_HYPERCALLS);
}

/* 0 ok, 1 unavailable, 2 failed. */
static int measure(const struct metric *m, uint64_t batch_ns)
{
	double per[BATCHES], tsc_per[BATCHES], sorted[BATCHES];
	double hcalls_per[BATCHES];
	struct failure f = { NULL, 0 };
	char extra[64] = "", hcalls[48] = "";
	unsigned long iters = 0;
	int err = 0, mid = BATCHES / 2;

	errno = 0;
	if (m->setup)
		err = m->setup(&f);
	if (!err)
		err = calibrate(m, batch_ns, &iters, &f);
	for (int b = 0; !err && b < BATCHES; b++) {
		uint64_t ns = 0, tsc = 0;
		long h0 = hypercalls_so_far();

		err = m->run(iters, &ns, &tsc, &f);
		per[b] = (double)ns / (double)iters;
		tsc_per[b] = (double)tsc / (double)iters;
		hcalls_per[b] = h0 < 0 ? -1 :
			(double)(hypercalls_so_far() - h0) / (double)iters;
	}
	if (m->teardown)
		m->teardown();
	if (!err && m->check)
		err = m->check(&f, extra, sizeof(extra));
	if (err) {
		int refused = f.err == ENOSYS ||
			      (m->unavailable_einval && f.err == EINVAL) ||
			      (m->setup && !strncmp(f.call, "sibling-", 8));

		printf("lmbench: %s %s reason=%s:%s\n", m->name,
		       refused ? "unavailable" : "failed", f.call,
		       errno_name(f.err));
		fflush(stdout);
		return refused ? 1 : 2;
	}
	memcpy(sorted, per, sizeof(per));
	qsort(sorted, BATCHES, sizeof(sorted[0]), cmp_double);
	for (int b = 0; b < BATCHES; b++)
		if (per[b] == sorted[mid]) {
			mid = b;
			break;
		}
	if (hcalls_per[mid] >= 0)
		snprintf(hcalls, sizeof(hcalls), " hypercalls_per_op=%.2f",
			 hcalls_per[mid]);
	printf("lmbench: %s ns_per_op=%.1f min_ns_per_op=%.1f tsc_per_op=%.1f "
	       "iters=%lu batches=%d%s%s\n", m->name, per[mid], sorted[0],
	       tsc_per[mid], iters, BATCHES, extra, hcalls);
	fflush(stdout);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: lmbench [-t MS] [METRIC ...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const size_t nr = sizeof(metrics) / sizeof(metrics[0]);
	unsigned long ms = 500;
	int counts[3] = { 0, 0, 0 }, argi = 1;
	int want[sizeof(metrics) / sizeof(metrics[0])] = { 0 }, any = 0;

	if (argc > 2 && !strcmp(argv[1], "-t")) {
		char *end;

		ms = strtoul(argv[2], &end, 10);
		if (*end || !ms)
			return usage();
		argi = 3;
	}
	for (; argi < argc; argi++) {
		size_t i;

		for (i = 0; i < nr && strcmp(metrics[i].name, argv[argi]); i++)
			;
		if (i == nr)
			return usage();
		want[i] = any = 1;
	}
	printf("lmbench: start ms_per_metric=%lu\n", ms);
	fflush(stdout);
	for (size_t i = 0; i < nr; i++)
		if (!any || want[i])
			counts[measure(&metrics[i],
				       ms * 1000000ULL / BATCHES)]++;
	printf("lmbench: done ok=%d unavailable=%d failed=%d\n", counts[0],
	       counts[1], counts[2]);
	return counts[2] ? 1 : 0;
}
