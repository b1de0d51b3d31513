// SPDX-License-Identifier: MIT
/* Unit tests for lib/cmdline.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pvk/cmdline.h>
#include <pvk/params.h>
#include "harness.h"

struct warn_log {
	int count;
	char last[512];
};

static void record_warn(void *ctx, const char *fmt, ...)
{
	struct warn_log *log = ctx;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(log->last, sizeof(log->last), fmt, ap);
	va_end(ap);
	log->count++;
}

static bool quiet, debug;
static int maxcpus, loglevel;
static char console[16], root[8];

static const struct kernel_param params[] = {
	{ .name = "quiet", .type = KPARAM_BOOL, .value = &quiet },
	{ .name = "debug", .type = KPARAM_BOOL, .value = &debug },
	{ .name = "maxcpus", .type = KPARAM_INT, .value = &maxcpus,
	  .min = 1, .max = 256 },
	{ .name = "loglevel", .type = KPARAM_INT, .value = &loglevel },
	{ .name = "console", .type = KPARAM_STRING, .value = console,
	  .size = sizeof(console) },
	{ .name = "root", .type = KPARAM_STRING, .value = root,
	  .size = sizeof(root) },
	{ .name = NULL },
};

static struct warn_log wlog;

static void reset(void)
{
	quiet = false;
	debug = false;
	maxcpus = 4;
	loglevel = 7;
	strcpy(console, "tty0");
	strcpy(root, "xvda");
	memset(&wlog, 0, sizeof(wlog));
}

/*
 * Parse a heap copy of exactly strlen + 1 bytes so ASan catches any
 * read past the terminating NUL. Returns the parser's warning count.
 */
static int parse(const char *s)
{
	char *copy = malloc(strlen(s) + 1);
	int ret;

	strcpy(copy, s);
	reset();
	ret = cmdline_parse(copy, params, ARRAY_SIZE(params), record_warn,
			    &wlog);
	free(copy);
	if (ret != wlog.count)
		printf("#   return %d but %d warnings\n", ret, wlog.count);
	return ret;
}

TEST(empty)
{
	reset();
	EXPECT_EQ(cmdline_parse(NULL, params, ARRAY_SIZE(params),
				record_warn, &wlog), 0);
	EXPECT_EQ(parse(""), 0);
	EXPECT_EQ(parse(" \t\n\r  "), 0);
	EXPECT_EQ(maxcpus, 4);
	EXPECT_STR(console, "tty0");
	EXPECT_EQ(cmdline_parse("quiet", NULL, 0, NULL, NULL), 1);
}

TEST(bools)
{
	EXPECT_EQ(parse("quiet"), 0);
	EXPECT(quiet);
	EXPECT(!debug);
	EXPECT_EQ(parse("quiet=1 debug=y"), 0);
	EXPECT(quiet && debug);
	EXPECT_EQ(parse("quiet=on debug=Y"), 0);
	EXPECT(quiet && debug);
	EXPECT_EQ(parse("quiet quiet=0"), 0);
	EXPECT(!quiet);
	EXPECT_EQ(parse("quiet quiet=off debug debug=n"), 0);
	EXPECT(!quiet && !debug);
	EXPECT_EQ(parse("debug debug=N"), 0);
	EXPECT(!debug);
	EXPECT_EQ(parse("quiet=maybe"), 1);
	EXPECT(!quiet);
	EXPECT_STR(wlog.last, "option 'quiet': invalid boolean 'maybe' ignored");
	EXPECT_EQ(parse("quiet="), 1);
	EXPECT_EQ(parse("quiet=yes quiet=ON quiet=11"), 3);
	EXPECT(!quiet);
	EXPECT_EQ(parse("quiet=\"1\""), 0);
	EXPECT(quiet);
}

TEST(ints)
{
	EXPECT_EQ(parse("maxcpus=8"), 0);
	EXPECT_EQ(maxcpus, 8);
	EXPECT_EQ(parse("maxcpus=0x10"), 0);
	EXPECT_EQ(maxcpus, 16);
	EXPECT_EQ(parse("maxcpus=010"), 0);
	EXPECT_EQ(maxcpus, 8);
	EXPECT_EQ(parse("maxcpus=1 maxcpus=256"), 0);
	EXPECT_EQ(maxcpus, 256);
	EXPECT_EQ(parse("maxcpus=\"12\""), 0);
	EXPECT_EQ(maxcpus, 12);
	EXPECT_EQ(parse("maxcpus=2 maxcpus=bad"), 1);
	EXPECT_EQ(maxcpus, 2);
	EXPECT_EQ(parse("loglevel=-2147483648"), 0);
	EXPECT_EQ(loglevel, -2147483647 - 1);
	EXPECT_EQ(parse("loglevel=2147483647"), 0);
	EXPECT_EQ(loglevel, 2147483647);
}

TEST(bad_ints_keep_default)
{
	static const char *const bad[] = {
		"maxcpus=-1", "maxcpus=99999", "maxcpus=abc", "maxcpus=0",
		"maxcpus=257", "maxcpus=", "maxcpus=99999999999999999999999",
		"maxcpus=0x", "maxcpus= 5", "maxcpus=5 ", "maxcpus=+5",
		"maxcpus=08", "maxcpus=1.5", "maxcpus=\"\"", "maxcpus",
		"loglevel=2147483648", "loglevel=-2147483649",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		/*
		 * "maxcpus=5 " is valid: the blank just ends the token;
		 * "maxcpus= 5" is an empty value plus an unknown "5".
		 */
		int expect = !strcmp(bad[i], "maxcpus=5 ") ? 0 :
			     !strcmp(bad[i], "maxcpus= 5") ? 2 : 1;

		EXPECT_EQ(parse(bad[i]), expect);
		if (expect) {
			EXPECT_EQ(maxcpus, 4);
			EXPECT_EQ(loglevel, 7);
		}
	}
	parse("maxcpus=-1");
	EXPECT_STR(wlog.last, "option 'maxcpus': value '-1' out of range, ignored");
	parse("maxcpus=abc");
	EXPECT_STR(wlog.last, "option 'maxcpus': invalid integer 'abc' ignored");
	parse("maxcpus");
	EXPECT_STR(wlog.last, "option 'maxcpus' needs a value, ignored");
}

TEST(strings)
{
	EXPECT_EQ(parse("console=ttyS0"), 0);
	EXPECT_STR(console, "ttyS0");
	EXPECT_EQ(parse("console=\"a b\""), 0);
	EXPECT_STR(console, "a b");
	EXPECT_EQ(parse("\"console=c d\" quiet"), 0);
	EXPECT_STR(console, "c d");
	EXPECT(quiet);
	EXPECT_EQ(parse("console="), 0);
	EXPECT_STR(console, "");
	EXPECT_EQ(parse("console=\"\""), 0);
	EXPECT_STR(console, "");
	EXPECT_EQ(parse("console=ttyS0,115200n8X"), 0);	/* 15 bytes fit */
	EXPECT_STR(console, "ttyS0,115200n8X");
	EXPECT_EQ(parse("console=ttyS0,115200n8XY"), 1);	/* 16 do not */
	EXPECT_STR(console, "tty0");
	EXPECT_STR(wlog.last,
		   "option 'console': value too long (16 bytes, max 15), ignored");
	EXPECT_EQ(parse("console"), 1);
	EXPECT_STR(console, "tty0");
	EXPECT_EQ(parse("console=a=b"), 0);
	EXPECT_STR(console, "a=b");
	EXPECT_EQ(parse("console=a\"b c\"d"), 0);
	EXPECT_STR(console, "a\"b c\"d");
	EXPECT_EQ(parse("root=1234567 console=x"), 0);
	EXPECT_STR(root, "1234567");
	EXPECT_EQ(parse("root=12345678"), 1);
	EXPECT_STR(root, "xvda");
}

TEST(unknown_and_separators)
{
	EXPECT_EQ(parse("foo"), 1);
	EXPECT_STR(wlog.last, "unknown option 'foo' ignored");
	EXPECT_EQ(parse("quietx quie =5 foo=bar"), 4);
	EXPECT(!quiet);
	EXPECT_EQ(parse("  quiet\tmaxcpus=2\n\rconsole=x   debug  "), 0);
	EXPECT(quiet && debug);
	EXPECT_EQ(maxcpus, 2);
	EXPECT_STR(console, "x");
	EXPECT_EQ(cmdline_parse("foo bar quiet", params, ARRAY_SIZE(params),
				NULL, NULL), 2);
}

TEST(unterminated_quote)
{
	EXPECT_EQ(parse("quiet console=\"abc def"), 1);
	EXPECT(quiet);
	EXPECT_STR(console, "abc def");
	EXPECT_STR(wlog.last, "unterminated quote in option 'console'");
	EXPECT_EQ(parse("console=\""), 1);
	EXPECT_STR(console, "");
	EXPECT_EQ(parse("\""), 2);	/* unterminated + unknown '' */
	EXPECT_EQ(parse("console=\"a b c d e f g h i j k"), 2);
	EXPECT_STR(console, "tty0");	/* rest of line too long */
	EXPECT_EQ(parse("maxcpus=\"7"), 1);
	EXPECT_EQ(maxcpus, 7);
	EXPECT_EQ(parse("console=ab\" quiet"), 1);	/* quote opens at end */
	EXPECT(!quiet);
	EXPECT_STR(console, "ab\" quiet");
}

static char *repeat(char c, size_t n, const char *prefix)
{
	size_t plen = strlen(prefix);
	char *s = malloc(plen + n + 1);

	memcpy(s, prefix, plen);
	memset(s + plen, c, n);
	s[plen + n] = '\0';
	return s;
}

TEST(huge_tokens)
{
	char *name = repeat('a', 5000, "");
	char *val = repeat('b', 5000, "console=");
	char *num = repeat('9', 5000, "maxcpus=");
	char *zeros = repeat('0', 5000, "maxcpus=");
	char expect[128];

	EXPECT_EQ(parse(name), 1);
	snprintf(expect, sizeof(expect), "unknown option '%.64s' ignored",
		 name);
	EXPECT_STR(wlog.last, expect);
	EXPECT_EQ(parse(val), 1);
	EXPECT_STR(console, "tty0");
	EXPECT(strlen(wlog.last) < 200);
	EXPECT_EQ(parse(num), 1);
	EXPECT_EQ(maxcpus, 4);
	EXPECT_EQ(parse(zeros), 1);
	EXPECT_EQ(maxcpus, 4);
	free(name);
	free(val);
	free(num);
	free(zeros);
}

TEST(huge_quoted_line)
{
	char *s = repeat(' ', 6000, "console=\"");

	EXPECT_EQ(parse(s), 2);	/* unterminated, too long */
	EXPECT_STR(console, "tty0");
	free(s);
}

/* Join the entries of @list with '|' into @out, as the walk sees them. */
static const char *walk(const char *list, char *out, size_t size)
{
	const char *pos = list, *e;
	size_t len, n = 0;

	out[0] = '\0';
	while ((e = cmdline_list_next(&pos, &len)))
		n += snprintf(out + n, size - n, "%s%.*s", n ? "|" : "",
			      (int)len, e);
	return out;
}

TEST(lists)
{
	char buf[128];

	EXPECT_STR(walk("", buf, sizeof(buf)), "");
	EXPECT_STR(walk(",,", buf, sizeof(buf)), "");
	EXPECT_STR(walk("paravirt", buf, sizeof(buf)), "paravirt");
	EXPECT_STR(walk("a,b,,c,", buf, sizeof(buf)), "a|b|c");
	EXPECT_STR(walk(",xen_blkfront,typo", buf, sizeof(buf)),
		   "xen_blkfront|typo");
	EXPECT(cmdline_list_has("xen_blkfront,typo", "typo"));
	EXPECT(cmdline_list_has("xen_blkfront,typo", "xen_blkfront"));
	/* Whole entries only. */
	EXPECT(!cmdline_list_has("xen_blkfront,typo", "xen"));
	EXPECT(!cmdline_list_has("xen_blkfront_bench", "xen_blkfront"));
	EXPECT(!cmdline_list_has("xen_blkfront", "xen_blkfront_bench"));
	EXPECT(!cmdline_list_has("", ""));
	EXPECT(!cmdline_list_has("a,,b", ""));
}

/*
 * Options declared where they are owned, as in the kernel: each macro
 * adds one entry to the __param section, whose bounds ld provides.
 */
static bool sec_flag;
param_bool("sec_flag", sec_flag);
static int sec_level = 3;
param_int("sec.level", sec_level, 0, 7);
static char sec_mode[4] = "on";
param_string("sec_mode", sec_mode);

static int parse_section(const char *s)
{
	memset(&wlog, 0, sizeof(wlog));
	return cmdline_parse(s, __start___param,
			     (size_t)(__stop___param - __start___param),
			     record_warn, &wlog);
}

TEST(declared_options)
{
	/* Packed back to back: no padding between the entries. */
	EXPECT_EQ(__stop___param - __start___param, 3);
	EXPECT_EQ(parse_section("sec_flag sec.level=5 sec_mode=v2"), 0);
	EXPECT(sec_flag);
	EXPECT_EQ(sec_level, 5);
	EXPECT_STR(sec_mode, "v2");
	/* Bad values and unknown names: logged, defaults kept. */
	EXPECT_EQ(parse_section("sec.level=8 sec_mode=long netfront=x"), 3);
	EXPECT_EQ(sec_level, 5);
	EXPECT_STR(sec_mode, "v2");
	EXPECT_STR(wlog.last, "unknown option 'netfront' ignored");
}

int main(void)
{
	RUN(empty);
	RUN(bools);
	RUN(ints);
	RUN(bad_ints_keep_default);
	RUN(strings);
	RUN(unknown_and_separators);
	RUN(unterminated_quote);
	RUN(huge_tokens);
	RUN(huge_quoted_line);
	RUN(declared_options);
	RUN(lists);
	return TEST_DONE();
}
