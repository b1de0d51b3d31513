// SPDX-License-Identifier: MIT
/*
 * Bounded formatted output, see include/pvk/vsprintf.h.
 *
 * Output goes through a cursor that counts every byte but only stores
 * those that fit, which gives C99 snprintf semantics (the return value
 * is the untruncated length) without a second formatting pass.
 */
#include <stdint.h>
#include <pvk/vsprintf.h>

#define FL_LEFT		0x01	/* '-': pad on the right */
#define FL_ZERO		0x02	/* '0': pad numbers with zeros */
#define FL_PLUS		0x04	/* '+': always print a sign */
#define FL_SPACE	0x08	/* ' ': space where a '+' would go */
#define FL_ALT		0x10	/* '#': 0x hex, 0-prefixed octal */
#define FL_UPPER	0x20	/* upper-case hex digits */

#define MAX_FIELD	(1 << 20)	/* clamp absurd widths/precisions */

enum length_mod { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T,
		  LEN_J };

struct out {
	char *buf;
	size_t size;
	size_t pos;
};

struct spec {
	unsigned int flags;
	int width;
	int prec;	/* -1 when absent */
	enum length_mod len;
	char conv;
};

static void put(struct out *o, char c)
{
	if (o->pos + 1 < o->size)
		o->buf[o->pos] = c;
	o->pos++;
}

static void put_n(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_str(struct out *o, const char *s, size_t n)
{
	while (n--)
		put(o, *s++);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Parse a decimal field, saturating so huge widths cannot overflow. */
static const char *parse_num(const char *f, int *val)
{
	int v = 0;

	for (; is_digit(*f); f++) {
		v = v * 10 + (*f - '0');
		if (v > MAX_FIELD)
			v = MAX_FIELD;
	}
	*val = v;
	return f;
}

static const char *parse_flags(const char *f, unsigned int *flags)
{
	for (;; f++) {
		switch (*f) {
		case '-':
			*flags |= FL_LEFT;
			break;
		case '0':
			*flags |= FL_ZERO;
			break;
		case '+':
			*flags |= FL_PLUS;
			break;
		case ' ':
			*flags |= FL_SPACE;
			break;
		case '#':
			*flags |= FL_ALT;
			break;
		default:
			return f;
		}
	}
}

/* A negative '*' width means left-justify, as in C. */
static const char *parse_width(const char *f, struct spec *sp, va_list *ap)
{
	if (*f != '*')
		return parse_num(f, &sp->width);
	sp->width = va_arg(*ap, int);
	if (sp->width < 0) {
		sp->flags |= FL_LEFT;
		sp->width = sp->width < -MAX_FIELD ? MAX_FIELD : -sp->width;
	} else if (sp->width > MAX_FIELD) {
		sp->width = MAX_FIELD;
	}
	return f + 1;
}

/* A negative '*' precision counts as if none was given. */
static const char *parse_prec(const char *f, struct spec *sp, va_list *ap)
{
	sp->prec = -1;
	if (*f != '.')
		return f;
	f++;
	if (*f != '*')
		return parse_num(f, &sp->prec);
	sp->prec = va_arg(*ap, int);
	if (sp->prec < 0)
		sp->prec = -1;
	else if (sp->prec > MAX_FIELD)
		sp->prec = MAX_FIELD;
	return f + 1;
}

static const char *parse_len(const char *f, enum length_mod *len)
{
	switch (*f) {
	case 'h':
		if (f[1] == 'h') {
			*len = LEN_HH;
			return f + 2;
		}
		*len = LEN_H;
		return f + 1;
	case 'l':
		if (f[1] == 'l') {
			*len = LEN_LL;
			return f + 2;
		}
		*len = LEN_L;
		return f + 1;
	case 'z':
		*len = LEN_Z;
		return f + 1;
	case 't':
		*len = LEN_T;
		return f + 1;
	case 'j':
		*len = LEN_J;
		return f + 1;
	default:
		*len = LEN_NONE;
		return f;
	}
}

/* Parse everything between '%' and the conversion character. */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	sp->flags = 0;
	f = parse_flags(f, &sp->flags);
	f = parse_width(f, sp, ap);
	f = parse_prec(f, sp, ap);
	f = parse_len(f, &sp->len);
	sp->conv = *f;
	return f;
}

/* Fetch a signed argument of the promoted type the length implies. */
static s64 fetch_signed(enum length_mod len, va_list *ap)
{
	switch (len) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_Z:
		return (s64)va_arg(*ap, size_t);
	case LEN_T:
		return va_arg(*ap, ptrdiff_t);
	case LEN_J:
		return va_arg(*ap, intmax_t);
	default:
		return va_arg(*ap, int);
	}
}

static u64 fetch_unsigned(enum length_mod len, va_list *ap)
{
	switch (len) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_Z:
		return va_arg(*ap, size_t);
	case LEN_T:
		return (u64)va_arg(*ap, ptrdiff_t);
	case LEN_J:
		return va_arg(*ap, uintmax_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/* Write @v in @base backwards into the end of @tmp; return digit count. */
static int to_digits(char *tmp_end, u64 v, unsigned int base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		*--tmp_end = digits[v % base];
		v /= base;
		n++;
	} while (v);
	return n;
}

/*
 * Lay out one integer: [spaces][prefix][zeros][digits][spaces]. The
 * precision is a minimum digit count, and an explicit precision of 0
 * prints nothing at all for the value 0, as C requires.
 */
static void emit_number(struct out *o, const struct spec *sp, u64 mag,
			bool neg, unsigned int base)
{
	char tmp[24];
	const char *prefix = "";
	int ndig = 0, zeros, pad, plen;

	if (mag || sp->prec != 0)
		ndig = to_digits(tmp + sizeof(tmp), mag, base,
				 sp->flags & FL_UPPER);
	zeros = sp->prec > ndig ? sp->prec - ndig : 0;

	if (neg)
		prefix = "-";
	else if (sp->flags & FL_PLUS)
		prefix = "+";
	else if (sp->flags & FL_SPACE)
		prefix = " ";
	else if ((sp->flags & FL_ALT) && base == 16 && mag)
		prefix = (sp->flags & FL_UPPER) ? "0X" : "0x";
	else if ((sp->flags & FL_ALT) && base == 8 && !zeros &&
		 (!ndig || tmp[sizeof(tmp) - ndig] != '0'))
		zeros = 1;
	plen = prefix[0] ? (prefix[1] ? 2 : 1) : 0;

	pad = sp->width - plen - zeros - ndig;
	if (pad > 0 && (sp->flags & (FL_ZERO | FL_LEFT)) == FL_ZERO &&
	    sp->prec < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!(sp->flags & FL_LEFT))
		put_n(o, ' ', pad);
	put_str(o, prefix, plen);
	put_n(o, '0', zeros);
	put_str(o, tmp + sizeof(tmp) - ndig, ndig);
	if (sp->flags & FL_LEFT)
		put_n(o, ' ', pad);
}

/* Emit @n bytes of @s justified in the field width. */
static void emit_padded(struct out *o, const struct spec *sp, const char *s,
			size_t n)
{
	int pad = (size_t)sp->width > n ? sp->width - (int)n : 0;

	if (!(sp->flags & FL_LEFT))
		put_n(o, ' ', pad);
	put_str(o, s, n);
	if (sp->flags & FL_LEFT)
		put_n(o, ' ', pad);
}

/* Never reads past the precision, so unterminated buffers are safe. */
static void emit_string(struct out *o, const struct spec *sp, const char *s)
{
	size_t n = 0;

	if (!s)
		s = "(null)";
	while ((sp->prec < 0 || n < (size_t)sp->prec) && s[n])
		n++;
	emit_padded(o, sp, s, n);
}

static void emit_pointer(struct out *o, const struct spec *sp, void *p)
{
	char tmp[18];
	u64 v = (uintptr_t)p;
	int i;

	tmp[0] = '0';
	tmp[1] = 'x';
	for (i = 17; i >= 2; i--, v >>= 4)
		tmp[i] = "0123456789abcdef"[v & 0xf];
	emit_padded(o, sp, tmp, sizeof(tmp));
}

static void emit_integer(struct out *o, struct spec *sp, va_list *ap)
{
	s64 sv;

	switch (sp->conv) {
	case 'd':
	case 'i':
		sv = fetch_signed(sp->len, ap);
		/* Magnitude via unsigned negation: INT64_MIN has no s64 abs. */
		emit_number(o, sp, sv < 0 ? 0 - (u64)sv : (u64)sv, sv < 0, 10);
		return;
	case 'X':
		sp->flags |= FL_UPPER;
		/* fall through */
	case 'x':
		sp->flags &= ~(FL_PLUS | FL_SPACE);
		emit_number(o, sp, fetch_unsigned(sp->len, ap), false, 16);
		return;
	case 'o':
		sp->flags &= ~(FL_PLUS | FL_SPACE);
		emit_number(o, sp, fetch_unsigned(sp->len, ap), false, 8);
		return;
	default:
		sp->flags &= ~(FL_PLUS | FL_SPACE);
		emit_number(o, sp, fetch_unsigned(sp->len, ap), false, 10);
		return;
	}
}

/*
 * Handle one parsed conversion. Returns false for an unknown conversion
 * (including %n, deliberately unsupported) so the caller can copy the
 * specification literally.
 */
static bool emit_conv(struct out *o, struct spec *sp, va_list *ap)
{
	char c;

	switch (sp->conv) {
	case 'd':
	case 'i':
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		emit_integer(o, sp, ap);
		return true;
	case 'c':
		c = (char)va_arg(*ap, int);
		emit_padded(o, sp, &c, 1);
		return true;
	case 's':
		emit_string(o, sp, va_arg(*ap, const char *));
		return true;
	case 'p':
		emit_pointer(o, sp, va_arg(*ap, void *));
		return true;
	case '%':
		put(o, '%');
		return true;
	default:
		return false;
	}
}

/**
 * vsnprintf() - format a string into a bounded buffer
 * @buf: destination; may be NULL when @size is 0
 * @size: size of @buf in bytes
 * @fmt: format string, see include/pvk/vsprintf.h for what is supported
 * @ap: arguments
 *
 * Never writes more than @size bytes and always NUL-terminates when
 * @size > 0. Returns the length the full output would have had (not
 * counting the NUL), so a result >= @size means it was truncated.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size, .pos = 0 };
	struct spec sp;
	va_list args;

	/* Work on a copy so helpers can take its address portably. */
	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;

		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &args);
		if (!*fmt) {
			/* Truncated specification at the end: print as is. */
			put_str(&o, start, fmt - start);
			break;
		}
		if (!emit_conv(&o, &sp, &args))
			put_str(&o, start, fmt + 1 - start);
		fmt++;
	}
	va_end(args);

	if (size)
		buf[o.pos < size ? o.pos : size - 1] = '\0';
	return o.pos > (size_t)__INT_MAX__ ? __INT_MAX__ : (int)o.pos;
}

/**
 * snprintf() - format a string into a bounded buffer
 * @buf: destination; may be NULL when @size is 0
 * @size: size of @buf in bytes
 * @fmt: format string
 *
 * Variadic front end to vsnprintf(), with the same return value.
 */
int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return ret;
}
