/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The print fmt's arguments evaluated against a sample's raw data, and the
 * format string applied to them as libtraceevent does (see
 * tracefmt-expr.c for what is understood).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/pf-int.h"
#include "script/tracefmt-expr-int.h"

enum { SCRATCH = 2048 };

/* A value: a number, or a string that is not NUL-terminated. */
struct val {
	int is_str;
	uint64_t v;
	const char *s;
	size_t len;
	int uns;                /* an unsigned number, for comparisons */
};

struct ctx {
	const struct tf_names *names;
	const unsigned char *raw;
	size_t n;
	char scratch[SCRATCH];  /* texts __print_flags and __print_symbolic make */
	size_t used;
	int err;
};

/* Append to the scratch area; returns where the text starts. */
static char *scratch_put(struct ctx *c, const char *s, size_t n)
{
	char *at = c->scratch + c->used;

	if (n > SCRATCH - c->used) {
		c->err = 1;
		return at;
	}
	memcpy(at, s, n);
	c->used += n;
	return at;
}

static struct val eval(const struct tf_node *n, struct ctx *c);

static struct val unum(uint64_t v)
{
	return (struct val){ 0, v, NULL, 0, 1 };
}

static struct val num(uint64_t v)
{
	return (struct val){ 0, v, NULL, 0, 0 };
}

static struct val flags(const struct tf_node *n, struct ctx *c)
{
	uint64_t v = eval(n->a, c).v;
	char *start = c->scratch + c->used;
	int any = 0;

	/* libtraceevent compares the flag values as signed: a "negative"
	   one (an unknown name is all ones) names the value 0, and a flag
	   of 0 is never shown. */
	for (size_t i = 0; i < n->npairs; i++) {
		uint64_t f = n->pairs[i].v;

		if (!v && (int64_t)f < 0) {
			scratch_put(c, n->pairs[i].s, strlen(n->pairs[i].s));
			any = 1;
			break;
		}
		if ((int64_t)f > 0 && (v & f) == f) {
			if (any)
				scratch_put(c, n->str, strlen(n->str));
			scratch_put(c, n->pairs[i].s, strlen(n->pairs[i].s));
			any = 1;
			v &= ~f;
		}
	}
	if (v) {
		char hex[24];
		int k = snprintf(hex, sizeof hex, "0x%" PRIx64, v);
		if (any)
			scratch_put(c, n->str, strlen(n->str));
		scratch_put(c, hex, (size_t)k);
	}
	return (struct val){ 1, 0, start, (size_t)(c->scratch + c->used - start), 0 };
}

static struct val symbolic(const struct tf_node *n, struct ctx *c)
{
	uint64_t v = eval(n->a, c).v;
	char hex[24];

	for (size_t i = 0; i < n->npairs; i++)
		if (n->pairs[i].v == v)
			return (struct val){ 1, 0, n->pairs[i].s, strlen(n->pairs[i].s), 0 };
	int k = snprintf(hex, sizeof hex, "0x%" PRIx64, v);
	const char *s = scratch_put(c, hex, (size_t)k);
	return (struct val){ 1, 0, s, (size_t)k, 0 };
}

/* A binary operator, in unsigned arithmetic when either side is unsigned,
   as C's usual conversions make it. */
static uint64_t binop(int op, uint64_t a, uint64_t b, int uns, struct ctx *c)
{
	int64_t sa = (int64_t)a, sb = (int64_t)b;

	if (uns)
		switch (op) {
		case OP2('<', '='): return a <= b;
		case OP2('>', '='): return a >= b;
		case '<': return a < b;
		case '>': return a > b;
		case '/': case '%':
			if (b == 0) {
				c->err = 1;
				return 0;
			}
			return op == '/' ? a / b : a % b;
		}
	switch (op) {
	case OP2('|', '|'): return a || b;
	case OP2('&', '&'): return a && b;
	case '|': return a | b;
	case '^': return a ^ b;
	case '&': return a & b;
	case OP2('=', '='): return a == b;
	case OP2('!', '='): return a != b;
	case OP2('<', '='): return sa <= sb;
	case OP2('>', '='): return sa >= sb;
	case '<': return sa < sb;
	case '>': return sa > sb;
	case OP2('<', '<'): return b < 64 ? a << b : 0;
	case OP2('>', '>'): return b < 64 ? a >> b : 0;
	case '+': return a + b;
	case '-': return a - b;
	case '*': return a * b;
	case '/': case '%':
		if (b == 0 || (sa == INT64_MIN && sb == -1)) {
			c->err = 1;
			return 0;
		}
		return op == '/' ? (uint64_t)(sa / sb) : (uint64_t)(sa % sb);
	}
	c->err = 1;
	return 0;
}

static struct val eval(const struct tf_node *n, struct ctx *c)
{
	struct val a;

	switch (n->kind) {
	case N_NUM:
		return n->csigned ? num(n->num) : unum(n->num);
	case N_STR:
		return (struct val){ 1, 0, n->str, strlen(n->str), 0 };
	case N_FIELD:
		if (n->field->is_string || n->field->is_array) {
			size_t len;
			const char *s = tf_field_str(n->field, c->raw, c->n, &len);
			return (struct val){ 1, 0, s, len, 0 };
		}
		a = num(tf_field_num(n->field, c->raw, c->n));
		a.uns = !n->field->is_signed;
		return a;
	case N_INDEX: {
		uint64_t i = eval(n->a, c).v;
		struct tf_field el = *n->field;
		el.size = n->field->size / n->field->count;
		el.count = 0;
		if (i >= n->field->count || !el.size) {
			c->err = 1;
			return num(0);
		}
		el.offset += (unsigned)i * el.size;
		a = num(tf_field_num(&el, c->raw, c->n));
		a.uns = !el.is_signed;
		return a;
	}
	case N_GETSTR: {
		size_t len;
		const char *s = tf_field_str(n->field, c->raw, c->n, &len);
		return (struct val){ 1, 0, s, len, 0 };
	}
	case N_UN:
		a = eval(n->a, c);
		if (n->op == '!')
			return num(!a.v);
		a.v = n->op == '~' ? ~a.v : (uint64_t)-(int64_t)a.v;
		return a;
	case N_BIN: {
		struct val x = eval(n->a, c), y = eval(n->b, c);
		int cmp = strchr("<>", n->op & 0xff) && n->op != OP2('<', '<') &&
			  n->op != OP2('>', '>');
		int logical = n->op == OP2('&', '&') || n->op == OP2('|', '|') ||
			      n->op == OP2('=', '=') || n->op == OP2('!', '=');
		a = num(binop(n->op, x.v, y.v, x.uns || y.uns, c));
		/* Comparisons give an int; shifts the left side's type. */
		a.uns = cmp || logical ? 0 : (n->op == OP2('<', '<') || n->op == OP2('>', '>')) ?
			x.uns : x.uns || y.uns;
		return a;
	}
	case N_TERN:
		return eval(n->a, c).v ? eval(n->b, c) : eval(n->c, c);
	case N_CAST:
		a = eval(n->a, c);
		if (a.is_str)
			return a;
		if (n->csize < 8) {
			unsigned bits = n->csize * 8;
			a.v &= (UINT64_C(1) << bits) - 1;
			if (n->csigned && (a.v >> (bits - 1)))
				a.v |= ~((UINT64_C(1) << bits) - 1);
		}
		a.uns = !n->csigned;
		return a;
	case N_FLAGS:
		return flags(n, c);
	case N_SYM:
		return symbolic(n, c);
	}
	c->err = 1;
	return num(0);
}

/* Constant values of __print_flags' table, evaluated once at parse time. */
uint64_t tf_eval_const(struct tf_node *n, int *ok)
{
	struct ctx c;

	c.names = NULL;
	c.raw = NULL;
	c.n = 0;
	c.used = 0;
	c.err = 0;
	struct val v = eval(n, &c);
	*ok = !c.err && !v.is_str;
	return v.v;
}

/* The format given to snprintf is built here from a checked conversion
   spec (flags, digits, one conversion), never taken from the input. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

/* The digits at *I of SPEC (up to SLEN) as a number, saturated at LIMIT. */
static size_t spec_number(const char *spec, size_t slen, size_t *i, size_t limit)
{
	size_t v = 0;

	for (; *i < slen && spec[*i] >= '0' && spec[*i] <= '9'; ++*i)
		v = v > limit / 10 ? limit : v * 10 + (size_t)(spec[*i] - '0');
	return v < limit ? v : limit;
}

/* One conversion SPEC (flags, width, precision, no length, CONV) of V.
   Width and precision come from the recording: they are clamped to the
   output's SIZE, since glibc pads all of %2147483647d (seconds of CPU per
   sample) even when it keeps a few bytes. */
static int convert(char *out, size_t size, const char *spec, size_t slen, int len_mod,
		   char conv, struct val v)
{
	char f[48];
	size_t i = 1, width, prec = 0;
	int has_prec = 0, k;

	if (slen > 16)
		return -1;
	while (i < slen && strchr("-+ #0", spec[i]))
		i++;
	memcpy(f, spec, i);
	k = (int)i;
	width = spec_number(spec, slen, &i, size);
	if (i < slen && spec[i] == '.') {
		i++;
		has_prec = 1;
		prec = spec_number(spec, slen, &i, size);
	}
	pf_assert(i == slen);
	if (width)
		k += snprintf(f + k, sizeof f - (size_t)k, "%zu", width);
	if (conv == 's') {
		if (!v.is_str)
			return -1;
		/* The string is not NUL-terminated: give its length as the
		   precision unless the format has a smaller one. */
		int len = v.len < size ? (int)v.len : (int)size;
		memcpy(f + k, ".*s", 4);
		return snprintf(out, size, f, has_prec && (int)prec < len ? (int)prec : len, v.s);
	}
	if (has_prec)
		k += snprintf(f + k, sizeof f - (size_t)k, ".%zu", prec);
	size_t flen = (size_t)k;        /* the conversion goes here */
	if (v.is_str)
		return -1;
	if (conv == 'p' && v.v == 0) {
		/* libtraceevent hands %p to printf, which writes NULL so. */
		memcpy(f + flen, "s", 2);
		return snprintf(out, size, f, "(nil)");
	}
	if (conv == 'p') {
		memcpy(f + flen, "llx", 4);
		if (size > 2) {
			memcpy(out, "0x", 2);
			int w = snprintf(out + 2, size - 2, f, (unsigned long long)v.v);
			return w < 0 ? w : w + 2;
		}
		return snprintf(out, size, f, (unsigned long long)v.v);
	}
	uint64_t x = v.v;
	int sgn = conv == 'd' || conv == 'i';
	/* Without l or ll the argument is an int (or short, char). */
	if (len_mod == 0 || len_mod == 'h' || len_mod == 'H') {
		unsigned bits = len_mod == 'h' ? 16 : len_mod == 'H' ? 8 : 32;
		x &= (UINT64_C(1) << bits) - 1;
		if (sgn && (x >> (bits - 1)))
			x |= ~((UINT64_C(1) << bits) - 1);
	}
	if (conv == 'c') {
		f[flen] = 'c';
		f[flen + 1] = 0;
		return snprintf(out, size, f, (int)(unsigned char)x);
	}
	f[flen] = 'l';
	f[flen + 1] = 'l';
	f[flen + 2] = conv;
	f[flen + 3] = 0;
	return sgn ? snprintf(out, size, f, (long long)x) : snprintf(out, size, f, (unsigned long long)x);
}
#pragma GCC diagnostic pop

/* %s of a number: the kernel string at that address, from the printk
   formats of the tracing data. */
static int printk_string(struct ctx *c, struct val *v)
{
	if (v->is_str || !c->names)
		return v->is_str ? 0 : -1;
	for (size_t i = 0; i < c->names->nprintk; i++)
		if (c->names->printk[i].addr == v->v) {
			v->is_str = 1;
			v->s = c->names->printk[i].text;
			v->len = strlen(v->s);
			return 0;
		}
	return -1;
}

/* %ps and %pS: the function's name, and for %pS its offset. */
static int func_name(struct ctx *c, struct val *v, char kind, char *out, size_t size)
{
	uint64_t off = 0;
	const char *name = c->names && c->names->sym && !v->is_str ?
		c->names->sym(c->names->arg, v->v, &off) : NULL;

	if (!name)
		return -1;
	if (kind == 'S' || kind == 'F')
		return snprintf(out, size, "%s+0x%" PRIx64, name, off);
	return snprintf(out, size, "%s", name);
}

size_t tf_expr_print(const struct tf_event *ev, const struct tf_names *names,
		     const unsigned char *raw, size_t n, char *out, size_t size)
{
	struct ctx cbuf, *c = &cbuf;
	size_t o = 0, arg = 0;
	const char *p = ev->fmt;

	pf_assert(p && size > 0);
	c->names = names;
	c->raw = raw;
	c->n = n;
	c->used = 0;
	c->err = 0;
	while (*p && o + 1 < size) {
		if (*p != '%' || p[1] == '%') {
			out[o++] = *p;
			p += *p == '%' ? 2 : 1;
			continue;
		}
		const char *spec = p++;
		while (*p && strchr("-+ #0", *p))
			p++;
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p == '.')
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
		size_t slen = (size_t)(p - spec);
		int len_mod = 0;
		while (*p && strchr("hlLzjt", *p)) {
			len_mod = *p == 'h' && len_mod == 'h' ? 'H' : *p == 'h' ? 'h' : 'l';
			p++;
		}
		char conv = *p ? *p++ : 0;
		if (conv == 'i')
			conv = 'd';
		if (!strchr("duxXocsp", conv) || !conv || arg >= ev->nargs)
			goto fail;
		char pkind = 0;
		if (conv == 'p' && *p && strchr("sSfFBKxRrh", *p))
			pkind = *p;
		if (conv == 'p')
			while (*p && strchr("sSfFBKxRrh", *p))
				p++;
		struct val v = eval(ev->args[arg++], c);
		if (c->err || (conv == 's' && printk_string(c, &v) < 0))
			goto fail;
		int k = -1;
		if (pkind && strchr("sSfF", pkind)) {
			/* Unnamed addresses, NULL too, show as hex. */
			k = func_name(c, &v, pkind, out + o, size - o);
			if (k < 0 && !v.is_str)
				k = snprintf(out + o, size - o, "0x%" PRIx64, v.v);
		}
		if (k < 0)
			k = convert(out + o, size - o, spec, slen, len_mod, conv, v);
		if (k < 0)
			goto fail;
		o += (size_t)k < size - o ? (size_t)k : size - o - 1;
	}
	out[o] = 0;
	return o;
fail:
	return (size_t)-1;
}
