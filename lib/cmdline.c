// SPDX-License-Identifier: MIT
/*
 * Kernel command-line parser, see include/pvk/cmdline.h.
 *
 * The input is const and may be arbitrarily long, so tokens are handled
 * as (pointer, length) slices of the original string instead of being
 * copied; only integers are copied, into a small bounded buffer, because
 * kstrtox wants a NUL-terminated string.
 */
#include <pvk/cmdline.h>
#include <pvk/errno.h>
#include <pvk/kstrtox.h>
#include <pvk/string.h>

/* Longest name or value echoed back in a warning. */
#define ECHO_MAX	64
/* Longer integer values cannot be valid, so are rejected unparsed. */
#define INT_BUF		64

struct slice {
	const char *p;
	size_t len;
};

struct token {
	struct slice name;
	struct slice value;
	bool has_value;
	bool unterminated;
};

struct parser {
	const struct kernel_param *params;
	size_t nparams;
	cmdline_warn_fn warn;
	void *ctx;
	int warnings;
};

/* Every problem is counted even when the caller passes no callback. */
#define report(ps, fmt, ...)						\
	do {								\
		(ps)->warnings++;					\
		if ((ps)->warn)						\
			(ps)->warn((ps)->ctx, fmt, __VA_ARGS__);	\
	} while (0)

/* Width argument for "%.*s" so huge tokens do not flood the console. */
static int echo_len(struct slice s)
{
	return s.len > ECHO_MAX ? ECHO_MAX : (int)s.len;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool slice_eq(struct slice s, const char *str)
{
	return strlen(str) == s.len && memcmp(s.p, str, s.len) == 0;
}

/* Strip one leading quote and, if the quote was closed, a trailing one. */
static void unquote(struct slice *s, bool unterminated)
{
	if (!s->len || s->p[0] != '"')
		return;
	s->p++;
	s->len--;
	if (!unterminated && s->len && s->p[s->len - 1] == '"')
		s->len--;
}

/*
 * Find the end of the token starting at @p: the first blank outside
 * double quotes, or the NUL. An unclosed quote swallows the rest.
 */
static const char *scan_token(const char *p, bool *unterminated)
{
	bool quoted = false;

	for (; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && is_space(*p))
			break;
	}
	*unterminated = quoted;
	return p;
}

/* Split [start, end) into name and optional value, honouring quotes. */
static void split_token(const char *start, const char *end,
			struct token *tok)
{
	struct slice whole = { start, end - start };
	size_t i;

	/* Linux-style quoting of the whole token: "name=a b" */
	unquote(&whole, tok->unterminated);
	for (i = 0; i < whole.len && whole.p[i] != '='; i++)
		;
	tok->name.p = whole.p;
	tok->name.len = i;
	tok->has_value = i < whole.len;
	tok->value.p = tok->has_value ? whole.p + i + 1 : whole.p + i;
	tok->value.len = tok->has_value ? whole.len - i - 1 : 0;
	unquote(&tok->value, tok->unterminated);
}

static const struct kernel_param *find_param(const struct parser *ps,
					     struct slice name)
{
	size_t i;

	for (i = 0; i < ps->nparams; i++) {
		if (ps->params[i].name && slice_eq(name, ps->params[i].name))
			return &ps->params[i];
	}
	return NULL;
}

static int parse_bool(struct slice v, bool *res)
{
	if (slice_eq(v, "1") || slice_eq(v, "y") || slice_eq(v, "Y") ||
	    slice_eq(v, "on")) {
		*res = true;
		return 0;
	}
	if (slice_eq(v, "0") || slice_eq(v, "n") || slice_eq(v, "N") ||
	    slice_eq(v, "off")) {
		*res = false;
		return 0;
	}
	return -EINVAL;
}

static void set_bool(struct parser *ps, const struct kernel_param *kp,
		     const struct token *tok)
{
	bool val = true;

	if (tok->has_value && parse_bool(tok->value, &val)) {
		report(ps, "option '%s': invalid boolean '%.*s' ignored",
		       kp->name, echo_len(tok->value), tok->value.p);
		return;
	}
	*(bool *)kp->value = val;
}

static bool int_in_range(const struct kernel_param *kp, s64 v)
{
	s64 lo = -__INT_MAX__ - 1, hi = __INT_MAX__;

	if (kp->min || kp->max) {
		lo = MAX(lo, (s64)kp->min);
		hi = MIN(hi, (s64)kp->max);
	}
	return v >= lo && v <= hi;
}

static void set_int(struct parser *ps, const struct kernel_param *kp,
		    const struct token *tok)
{
	char buf[INT_BUF];
	s64 val;
	int ret = -EINVAL;

	if (tok->value.len < sizeof(buf)) {
		memcpy(buf, tok->value.p, tok->value.len);
		buf[tok->value.len] = '\0';
		ret = kstrtos64(buf, 0, &val);
	}
	if (!ret && !int_in_range(kp, val))
		ret = -ERANGE;
	if (ret == -ERANGE)
		report(ps, "option '%s': value '%.*s' out of range, ignored",
		       kp->name, echo_len(tok->value), tok->value.p);
	else if (ret)
		report(ps, "option '%s': invalid integer '%.*s' ignored",
		       kp->name, echo_len(tok->value), tok->value.p);
	else
		*(int *)kp->value = (int)val;
}

static void set_string(struct parser *ps, const struct kernel_param *kp,
		       const struct token *tok)
{
	char *dst = kp->value;

	if (tok->value.len >= kp->size) {
		report(ps, "option '%s': value too long (%zu bytes, max %zu), ignored",
		       kp->name, tok->value.len,
		       kp->size ? kp->size - 1 : 0);
		return;
	}
	memcpy(dst, tok->value.p, tok->value.len);
	dst[tok->value.len] = '\0';
}

static void apply_token(struct parser *ps, const struct token *tok)
{
	const struct kernel_param *kp = find_param(ps, tok->name);

	if (tok->unterminated)
		report(ps, "unterminated quote in option '%.*s'",
		       echo_len(tok->name), tok->name.p);
	if (!kp) {
		report(ps, "unknown option '%.*s' ignored",
		       echo_len(tok->name), tok->name.p);
		return;
	}
	if (kp->type == KPARAM_BOOL) {
		set_bool(ps, kp, tok);
		return;
	}
	if (!tok->has_value) {
		report(ps, "option '%s' needs a value, ignored", kp->name);
		return;
	}
	if (kp->type == KPARAM_INT)
		set_int(ps, kp, tok);
	else if (kp->type == KPARAM_STRING)
		set_string(ps, kp, tok);
	else
		report(ps, "option '%s' has a bad type, ignored", kp->name);
}

/**
 * cmdline_parse() - apply a kernel command line to a parameter table
 * @cmdline: NUL-terminated command line; NULL or empty is fine
 * @params: table of recognised options
 * @nparams: number of entries in @params
 * @warn: printf-like callback for problems, may be NULL
 * @ctx: opaque pointer passed to @warn
 *
 * Tokens are separated by blanks and are "name" or "name=value"; the
 * value, or the whole token, may be double-quoted to contain blanks. A
 * bare boolean name means true; other types need a value. Invalid, out
 * of range, too long and unknown options are reported and leave the
 * parameter at its default; later duplicates override earlier ones.
 * Returns the number of warnings.
 */
int cmdline_parse(const char *cmdline, const struct kernel_param *params,
		  size_t nparams, cmdline_warn_fn warn, void *ctx)
{
	struct parser ps = {
		.params = params, .nparams = nparams,
		.warn = warn, .ctx = ctx, .warnings = 0,
	};
	const char *p = cmdline;

	if (!p)
		return 0;
	for (;;) {
		struct token tok;
		const char *end;

		while (is_space(*p))
			p++;
		if (!*p)
			break;
		end = scan_token(p, &tok.unterminated);
		split_token(p, end, &tok);
		apply_token(&ps, &tok);
		p = end;
	}
	return ps.warnings;
}

/**
 * cmdline_list_next() - the next entry of a comma-separated list
 * @pos: cursor into the list; advanced past the entry and its comma
 * @len: set to the entry's length
 *
 * Empty entries ("a,,b", a trailing comma) are skipped.  Returns the
 * start of the entry (not NUL-terminated: use @len), or NULL at the end.
 */
const char *cmdline_list_next(const char **pos, size_t *len)
{
	const char *p = *pos, *end;

	while (*p == ',')
		p++;
	if (!*p) {
		*pos = p;
		return NULL;
	}
	end = strchr(p, ',');
	if (!end)
		end = p + strlen(p);
	*len = (size_t)(end - p);
	*pos = end;
	return p;
}

/**
 * cmdline_list_has() - is @name one of the entries of a list?
 * @list: comma-separated list
 * @name: the entry to look for (whole entries only, case sensitive)
 */
bool cmdline_list_has(const char *list, const char *name)
{
	const char *pos = list, *entry;
	size_t len;

	while ((entry = cmdline_list_next(&pos, &len)))
		if (slice_eq((struct slice){ entry, len }, name))
			return true;
	return false;
}
