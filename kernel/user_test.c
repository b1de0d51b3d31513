// SPDX-License-Identifier: MIT
/*
 * Self-tests of user processes, with the programs of
 * tools/testing/selftests/user/ that the build packs into the
 * initramfs.  Each program runs as a process of its own; the test
 * checks its wait status and, for hello, its output byte for byte
 * against what the same binary printed on the build host's Linux
 * (/expected/hello.out, written by the build).
 */
#include <pvk/kernel.h>
#include <pvk/initramfs.h>
#include <pvk/process.h>
#include <pvk/selftest.h>
#include <pvk/string.h>

#define OUT_MAX	1024

static char out[OUT_MAX];

static bool user_ready(struct kunit *test)
{
	if (!user_mode_supported()) {
		kunit_skip(test, "no user mode on Xen PV yet (no pv_ops hooks for its entry, iret and pinned user page tables)");
		return false;
	}
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
	p = process_spawn(path, argv, out, sizeof(out) - 1);
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

/* Run a program that checks itself: it must exit 0 and print "ok". */
static void expect_ok(struct kunit *test, const char *path)
{
	const char *argv[] = { path, NULL };
	int err, status;

	if (!user_ready(test))
		return;
	status = run(test, path, argv, &err);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_TRUE(test, WIFEXITED(status));
	KUNIT_EXPECT_EQ(test, WEXITSTATUS(status), 0);
	if (!ends_with_ok(out))
		kunit_fail(test, __FILE__, __LINE__, "%s printed '%s', not ending in 'ok'",
			   path, out);
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
	KUNIT_CASE(user_exec_refused));
