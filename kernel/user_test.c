// SPDX-License-Identifier: MIT
/*
 * Self-tests of user processes, with the programs of
 * tools/testing/selftests/user/ that the build packs into the
 * initramfs.  Each program runs as a process of its own; the test
 * checks its wait status and, for hello, its output byte for byte
 * against what the same binary printed on the build host's Linux
 * (/expected/hello.out, written by the build).  The forking programs
 * check fork, execve and wait4 themselves; here the kernel checks that
 * every process they made is gone afterwards, and that copy-on-write
 * gave back every frame.
 */
#include <pvk/kernel.h>
#include <pvk/arch.h>
#include <pvk/initramfs.h>
#include <pvk/mm.h>
#include <pvk/sched.h>
#include <pvk/process.h>
#include <pvk/selftest.h>
#include <pvk/smp.h>
#include <pvk/string.h>
#include <asm/page.h>

#define OUT_MAX	1024

static char out[OUT_MAX];
static struct user_output output = { .buf = out, .cap = OUT_MAX - 1 };

static bool user_ready(struct kunit *test)
{
	if (!initramfs_present()) {
		kunit_skip(test, "no initramfs (boot module)");
		return false;
	}
	return true;
}

/* Run @path with @argv; its wait status, the exec's error in *@err. */
static int run(struct kunit *test, const char *path, const char *const argv[],
	       int *err)
{
	struct process *p;
	int status;

	memset(out, 0, sizeof(out));
	output.len = 0;
	p = process_spawn(path, argv, &output);
	if (!p) {
		kunit_fail(test, __FILE__, __LINE__, "cannot spawn %s", path);
		return -1;
	}
	status = process_wait(p, err);
	kunit_info(test, "%s: status %#x, error %d, %zu bytes of output",
		   path, status, *err, strlen(out));
	return status;
}

static bool ends_with_ok(const char *s)
{
	size_t n = strlen(s);

	return n >= 3 && !strcmp(s + n - 3, "ok\n");
}

/* Run @path, which must exit 0 printing "... ok"; false if it could not run. */
static bool expect_ok(struct kunit *test, const char *path)
{
	const char *argv[] = { path, NULL };
	int err, status;

	if (!user_ready(test))
		return false;
	status = run(test, path, argv, &err);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_TRUE(test, WIFEXITED(status));
	KUNIT_EXPECT_EQ(test, WEXITSTATUS(status), 0);
	if (!ends_with_ok(out))
		kunit_fail(test, __FILE__, __LINE__, "%s printed '%s', not ending in 'ok'",
			   path, out);
	return true;
}

static void user_hello_as_on_linux(struct kunit *test)
{
	static const char *const argv[] = { "hello", "one", "two words", NULL };
	const struct initramfs_file *want;
	int err, status;

	if (!user_ready(test))
		return;
	want = initramfs_lookup("/expected/hello.out");
	KUNIT_ASSERT_TRUE(test, want != NULL);
	status = run(test, "/bin/hello", argv, &err);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_TRUE(test, WIFEXITED(status));
	KUNIT_EXPECT_EQ(test, WEXITSTATUS(status), 3);
	KUNIT_EXPECT_EQ(test, strlen(out), want->size);
	KUNIT_EXPECT_TRUE(test, !memcmp(out, want->data, MIN(strlen(out), want->size)));
}

static void user_bad_syscall_enosys(struct kunit *test)
{
	expect_ok(test, "/bin/enosys");
}

static void user_bad_pointer_efault(struct kunit *test)
{
	expect_ok(test, "/bin/efault");
}

static void user_tls_fs_base(struct kunit *test)
{
	expect_ok(test, "/bin/tls");
}

/* The first run leaves MXCSR and the x87 control word changed. */
static void user_fpu_state_per_process(struct kunit *test)
{
	expect_ok(test, "/bin/fpu");
	expect_ok(test, "/bin/fpu");
}

static void user_identity_and_clock(struct kunit *test)
{
	expect_ok(test, "/bin/sys");
}

static void user_null_deref_killed(struct kunit *test)
{
	static const char *const argv[] = { "nullderef", NULL };
	int err, status;

	if (!user_ready(test))
		return;
	status = run(test, "/bin/nullderef", argv, &err);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_FALSE(test, WIFEXITED(status));
	KUNIT_EXPECT_EQ(test, WTERMSIG(status), SIGSEGV);
	/* It got as far as saying it would fault, and no further. */
	KUNIT_EXPECT_EQ(test, strcmp(out, "nullderef: faulting\n"), 0);
	/* The kernel lives on and runs the next process. */
	expect_ok(test, "/bin/tls");
}

static void user_exec_refused(struct kunit *test)
{
	static const char *const argv[] = { "x", NULL };
	int err, status;

	if (!user_ready(test))
		return;
	status = run(test, "/bin/no-such-program", argv, &err);
	KUNIT_EXPECT_EQ(test, err, -ENOENT);
	KUNIT_EXPECT_EQ(test, WEXITSTATUS(status), 127);
	status = run(test, "/expected/hello.out", argv, &err);
	KUNIT_EXPECT_EQ(test, err, -ENOEXEC);
	KUNIT_EXPECT_EQ(test, WEXITSTATUS(status), 127);
}

/* The processes a forking program left, once the orphans had a chance. */
static void expect_no_process_left(struct kunit *test)
{
	for (int i = 0; i < 100 && process_count(); i++) {
		msleep(1);		/* orphans run on this CPU meanwhile */
		reap_orphans();
	}
	KUNIT_EXPECT_EQ(test, process_count(), 0);
}

/* Frames kmalloc may keep between runs; one run's leak would be dozens. */
#define FRAMES_KEPT_MAX	8

/* The frames free @before a test came back, give or take FRAMES_KEPT_MAX. */
static void expect_frames_back(struct kunit *test, u64 before)
{
	u64 now = free_frames();

	kunit_info(test, "free frames %llu before, %llu after",
		   (unsigned long long)before, (unsigned long long)now);
	KUNIT_EXPECT_TRUE(test, now + FRAMES_KEPT_MAX >= before);
}

/*
 * Run @path once, then three times more: each run passes and leaves no
 * process, and the three give back every frame they took.  The first
 * run may allocate tables that stay, so the count starts after it.
 */
static void expect_runs_leak_nothing(struct kunit *test, const char *path)
{
	u64 before;

	if (!expect_ok(test, path))
		return;
	expect_no_process_left(test);
	before = free_frames();
	for (int i = 0; i < 3; i++)
		expect_ok(test, path);
	expect_no_process_left(test);
	expect_frames_back(test, before);
}

/* fork, execve with arguments and environment, wait4, three deep. */
static void user_fork_exec_wait_chain(struct kunit *test)
{
	expect_ok(test, "/bin/forkexec");
	expect_no_process_left(test);
}

/*
 * Parent and child see their own writes after fork; run again and
 * again, the frames come back (a lost copy-on-write reference would
 * leak each shared page).  The first run may allocate the table of
 * frame references, so the count starts after it.
 */
static void user_cow_isolation(struct kunit *test)
{
	expect_runs_leak_nothing(test, "/bin/cow");
}

/* A child killed by SIGSEGV is reported to wait4 as signalled. */
static void user_child_segv_signalled(struct kunit *test)
{
	static const char want[] = "segvchild: child faulting\nsegvchild: ok\n";

	if (!expect_ok(test, "/bin/segvchild"))
		return;
	KUNIT_EXPECT_EQ(test, strcmp(out, want), 0);
	expect_no_process_left(test);
}

/* A fork bomb stops at the process limit (EAGAIN); all collected. */
static void user_fork_bomb_bounded(struct kunit *test)
{
	expect_ok(test, "/bin/forkbomb");
	expect_no_process_left(test);
}

/* A child outliving its parent runs to its end and is collected. */
static void user_orphan_reaped(struct kunit *test)
{
	static const char want[] = "orphan: parent exits\norphan: child ran\n";
	const char *argv[] = { "orphan", NULL };
	int err, status;

	if (!user_ready(test))
		return;
	status = run(test, "/bin/orphan", argv, &err);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_TRUE(test, WIFEXITED(status));
	KUNIT_EXPECT_EQ(test, WEXITSTATUS(status), 0);
	expect_no_process_left(test);
	KUNIT_EXPECT_EQ(test, strcmp(out, want), 0);
}

/* The decimal number a program printed after @prefix, or -1. */
static int number_after(const char *s, const char *prefix)
{
	size_t len = strlen(prefix);
	const char *at = s;
	int n = 0;

	while (*at && strncmp(at, prefix, len))
		at++;
	if (!*at)
		return -1;
	at += len;
	if (*at < '0' || *at > '9')
		return -1;
	for (; *at >= '0' && *at <= '9' && n < 100000000; at++)
		n = n * 10 + (*at - '0');
	return n;
}

/*
 * open, read, fstat, lseek, getdents64 and close over the initramfs,
 * with Linux's errors (ENOENT, ENOTDIR, EISDIR, EBADF, EMFILE at 64
 * descriptors, EFAULT, EINVAL, EROFS), and exec closing O_CLOEXEC
 * descriptors only: files checks each and prints "files: ok".
 */
static void user_files_initramfs(struct kunit *test)
{
	const struct initramfs_file *f;

	if (!user_ready(test))
		return;
	f = initramfs_lookup("/etc/fstest.txt");
	KUNIT_ASSERT_TRUE(test, f != NULL);
	expect_ok(test, "/bin/files");
	expect_no_process_left(test);
}

/*
 * Pipes between a parent and its child: dup2 of stdout into a pipe, a
 * ping-pong ended by EOF, 64 KiB through one page, EPIPE, EAGAIN, dup
 * rules.  Run again and again, every pipe page comes back.
 */
static void user_pipes_fork_dup2(struct kunit *test)
{
	expect_runs_leak_nothing(test, "/bin/pipes");
}

/* Does the output of the last run hold a line that starts with @prefix? */
/* The line of out starting with @prefix, in @buf ("" when none). */
static void out_line(const char *prefix, char *buf, size_t size)
{
	size_t n = strlen(prefix), len = 0;

	buf[0] = '\0';
	for (const char *l = out; *l; l++) {
		if (!strncmp(l, prefix, n)) {
			while (l[len] && l[len] != '\n' && len + 1 < size)
				len++;
			memcpy(buf, l, len);
			buf[len] = '\0';
			return;
		}
		l = strchr(l, '\n');
		if (!l)
			break;
	}
}

/* min_ns_per_op of the lmbench line starting with @prefix, -1 if none. */
static int best_ns_per_op(const char *prefix)
{
	char line[256];

	out_line(prefix, line, sizeof(line));
	return number_after(line, "min_ns_per_op=");
}

/*
 * hypercalls_per_op of lmbench's null_syscall line: a Xen PV process
 * returns from each call through HYPERVISOR_iret, so at least one per
 * call (more when other vCPUs' work falls into the short batches of
 * this run); on bare metal none at all.
 */
static void expect_null_syscall_hypercalls(struct kunit *test)
{
	bool pv = !strcmp(arch_platform_name(), "xen-pv");
	char line[256];
	int n;

	out_line("lmbench: null_syscall ", line, sizeof(line));
	n = number_after(line, "hypercalls_per_op=");
	kunit_info(test, "%s", line);
	if (pv)
		KUNIT_EXPECT_TRUE(test, n >= 1);
	else if (!strcmp(arch_platform_name(), "bare-metal"))
		KUNIT_EXPECT_EQ(test, n, 0);
	else
		KUNIT_EXPECT_TRUE(test, n >= 0);
}

static bool out_has_line(const char *prefix)
{
	size_t n = strlen(prefix);

	for (const char *l = out; *l; l++) {
		if (!strncmp(l, prefix, n))
			return true;
		l = strchr(l, '\n');
		if (!l)
			break;
	}
	return false;
}

/*
 * make bench's user pass (lmbench.c) runs on pvk: a short run of the
 * metrics pvk has (a null syscall, a pipe round trip between two
 * processes, page faults, fork+exit+wait) gives a figure for each (a
 * page fault, now a real demand fault, costs more than a null system
 * call), the two-thread one a figure or the reason pvk cannot
 * have it (clone(CLONE_VM) refused), and none fails.  pvk's lines count
 * hypercalls per operation too (expect_null_syscall_hypercalls()).
 */
static void user_lmbench_measures(struct kunit *test)
{
	static const char *const argv[] = { "lmbench", "-t", "20",
		"null_syscall", "ctxsw_pipe", "pagefault", "fork_exit_wait",
		"mmap64_2thr", NULL };
	static const char *const want[] = {
		"lmbench: null_syscall ns_per_op=",
		"lmbench: ctxsw_pipe ns_per_op=",
		"lmbench: pagefault ns_per_op=",
		"lmbench: fork_exit_wait ns_per_op=",
	};
	int err, status, pf, null, ctxsw;

	if (!user_ready(test))
		return;
	status = run(test, "/bin/lmbench", argv, &err);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_TRUE(test, WIFEXITED(status));
	KUNIT_EXPECT_EQ(test, WEXITSTATUS(status), 0);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		if (!out_has_line(want[i]))
			kunit_fail(test, __FILE__, __LINE__, "no line '%s...' in '%s'",
				   want[i], out);
	if (!out_has_line("lmbench: mmap64_2thr ns_per_op=") &&
	    !out_has_line("lmbench: mmap64_2thr unavailable reason="))
		kunit_fail(test, __FILE__, __LINE__, "no mmap64_2thr line in '%s'", out);
	/*
	 * Each timed write is a demand fault: dearer than a null call.  The
	 * best batches are compared: on a one-vCPU Xen domU the median one
	 * also holds the device threads' work.
	 */
	pf = best_ns_per_op("lmbench: pagefault ");
	null = best_ns_per_op("lmbench: null_syscall ");
	kunit_info(test, "page fault %d ns, null syscall %d ns (best batches)", pf, null);
	KUNIT_EXPECT_TRUE(test, pf > null && null >= 0);
	ctxsw = number_after(out, "lmbench: ctxsw_pipe ns_per_op=");
	kunit_info(test, "ctxsw_pipe: %d ns per round trip", ctxsw);
	KUNIT_EXPECT_TRUE(test, ctxsw > 0);
	expect_null_syscall_hypercalls(test);
	if (!out_has_line("lmbench: done ok=") ||
	    out_has_line("lmbench: done ok=0 "))
		kunit_fail(test, __FILE__, __LINE__, "no done line with figures in '%s'", out);
	expect_no_process_left(test);
}

/*
 * mprotect(2): a child's write to a page made read-only is killed by
 * SIGSEGV (the program checks its wait status), the page takes writes
 * again once made writable, a page a fork shares read-only and the
 * child reopens is copied, PROT_NONE faults until opened, and bad
 * arguments give EINVAL or ENOMEM.  Every frame comes back.
 */
static void user_mprotect_segv_and_back(struct kunit *test)
{
	u64 before = free_frames();

	if (!expect_ok(test, "/bin/mprotect"))
		return;
	expect_no_process_left(test);
	expect_frames_back(test, before);
}

/*
 * Demand paging: of a 64 MiB anonymous mapping with one page touched
 * per 2 MiB, mincore(2) shows exactly the 32 touched pages (parent and
 * forked child), each read zero first; eager mapping would show all
 * 16384 (or fail at the process's page limit).  The kernel's own write
 * to an untouched page (clock_gettime) is served too, and brk() maps
 * lazily.  Every frame comes back.
 */
static void user_demand_paging_lazy(struct kunit *test)
{
	u64 before = free_frames();

	if (!expect_ok(test, "/bin/demand"))
		return;
	KUNIT_EXPECT_EQ(test, number_after(out, "resident="), 32);
	expect_no_process_left(test);
	expect_frames_back(test, before);
}

/*
 * nanosleep and clock_nanosleep sleep at least the time asked and
 * refuse bad times and pointers; kill(SIGKILL) ends a child spinning
 * in a sched_yield() loop and one asleep for 10 s at once (WTERMSIG is
 * SIGKILL); kill(pid, 0) is ESRCH once the child is reaped.
 */
static void user_sleep_and_kill(struct kunit *test)
{
	if (!expect_ok(test, "/bin/sleepkill"))
		return;
	expect_no_process_left(test);
}

/*
 * Memory exhaustion: with the per-process limit at 16 MiB, a child that
 * touches 256 MiB dies of SIGKILL ("out of memory in page fault") and
 * its parent still gets memory afterwards (the program checks both).
 * The kernel lives on and every frame comes back.
 */
static void user_memory_exhaustion_killed(struct kunit *test)
{
	unsigned long limit = mm_set_pages_limit(16UL << 20 >> PAGE_SHIFT);
	u64 before = free_frames();
	bool ran = expect_ok(test, "/bin/oom");

	mm_set_pages_limit(limit);
	if (!ran)
		return;
	expect_no_process_left(test);
	expect_frames_back(test, before);
}

/*
 * init= ran before the self-tests: as PID 1, to its exit(3).  The row
 * that gives init="/bin/hello ..." requires this suite.
 */
static void user_init_ran_as_pid1(struct kunit *test)
{
	const struct init_result *r = init_process_result();

	if (!user_ready(test))
		return;
	if (!r->ran) {
		kunit_skip(test, "no init= on the command line");
		return;
	}
	KUNIT_EXPECT_EQ(test, r->pid, 1);
	KUNIT_EXPECT_EQ(test, r->exec_error, 0);
	KUNIT_EXPECT_TRUE(test, WIFEXITED(r->status));
	KUNIT_EXPECT_EQ(test, WEXITSTATUS(r->status), 3);
}

/*
 * pthread_create/join of four threads adding into shared memory, and a
 * futex ping-pong: with two CPUs, the threads ran on both.
 */
static void user_threads_sum_join(struct kunit *test)
{
	int cpus;

	if (!expect_ok(test, "/bin/threads"))
		return;
	cpus = number_after(out, "cpus=");
	kunit_info(test, "threads ran on %d CPUs of %u", cpus, num_online_cpus());
	KUNIT_EXPECT_TRUE(test, cpus >= 1);
	if (num_online_cpus() >= 2)
		KUNIT_EXPECT_TRUE(test, cpus >= 2);
	expect_no_process_left(test);
}

static void user_threads_futex_bad_input(struct kunit *test)
{
	expect_ok(test, "/bin/futexbad");
	expect_no_process_left(test);
}

/*
 * Threads that compute hold their CPU (no preemption): a process whose
 * thread spins needs a second CPU for its others.
 */
static bool two_cpus(struct kunit *test)
{
	if (num_online_cpus() >= 2)
		return true;
	kunit_skip(test, "one CPU: a spinning thread would hold it");
	return false;
}

/*
 * exit(2) of one thread leaves the process; exit_group(2) ends a thread
 * asleep in a futex and one spinning in user mode on another CPU.
 * Every frame comes back.
 */
static void user_threads_exit_group(struct kunit *test)
{
	static const char *const argv[] = { "threadexit", NULL };
	int err, status;
	u64 before;

	if (!user_ready(test) || !two_cpus(test))
		return;
	before = free_frames();
	status = run(test, "/bin/threadexit", argv, &err);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_TRUE(test, WIFEXITED(status));
	KUNIT_EXPECT_EQ(test, WEXITSTATUS(status), 7);
	KUNIT_EXPECT_EQ(test, strcmp(out, "threadexit: exit_group\n"), 0);
	expect_no_process_left(test);
	expect_frames_back(test, before);
}

/*
 * munmap() while a thread on another CPU spins reading the page: that
 * CPU's TLB is flushed, its next read faults, SIGSEGV kills the child
 * and its parent sees it.  A missing flush leaves the spinner reading
 * (the child exits 3, the program fails).
 */
static void user_threads_munmap_shootdown(struct kunit *test)
{
	int main_cpu, spin_cpu;

	if (!user_ready(test) || !two_cpus(test) || !expect_ok(test, "/bin/tlbshoot"))
		return;
	main_cpu = number_after(out, "main on cpu ");
	spin_cpu = number_after(out, "spinner on cpu ");
	KUNIT_EXPECT_TRUE(test, main_cpu >= 0 && spin_cpu >= 0);
	/* Else the test proves nothing about another CPU's TLB. */
	KUNIT_EXPECT_NE(test, main_cpu, spin_cpu);
	expect_no_process_left(test);
}

SELFTEST_SUITE(user_threads,
	KUNIT_CASE(user_threads_sum_join),
	KUNIT_CASE(user_threads_futex_bad_input),
	KUNIT_CASE(user_threads_exit_group),
	KUNIT_CASE(user_threads_munmap_shootdown));

SELFTEST_SUITE(user_init,
	KUNIT_CASE(user_init_ran_as_pid1));

SELFTEST_SUITE(user,
	KUNIT_CASE(user_hello_as_on_linux),
	KUNIT_CASE(user_bad_syscall_enosys),
	KUNIT_CASE(user_bad_pointer_efault),
	KUNIT_CASE(user_tls_fs_base),
	KUNIT_CASE(user_fpu_state_per_process),
	KUNIT_CASE(user_identity_and_clock),
	KUNIT_CASE(user_null_deref_killed),
	KUNIT_CASE(user_exec_refused),
	KUNIT_CASE(user_fork_exec_wait_chain),
	KUNIT_CASE(user_cow_isolation),
	KUNIT_CASE(user_child_segv_signalled),
	KUNIT_CASE(user_fork_bomb_bounded),
	KUNIT_CASE(user_orphan_reaped),
	KUNIT_CASE(user_lmbench_measures),
	KUNIT_CASE(user_mprotect_segv_and_back),
	KUNIT_CASE(user_demand_paging_lazy),
	KUNIT_CASE(user_sleep_and_kill),
	KUNIT_CASE(user_memory_exhaustion_killed),
	KUNIT_CASE(user_files_initramfs),
	KUNIT_CASE(user_pipes_fork_dup2));
