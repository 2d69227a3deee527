/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of the Rust v0 demangler: the parser's state and output,
 * shared by demangle-v0.c (paths and types), demangle-v0-const.c (const
 * generic values) and demangle-v0-text.c (numbers, identifiers, punycode,
 * the output buffer).
 */
#ifndef PF_DEMANGLE_V0_INT_H
#define PF_DEMANGLE_V0_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum { MAX_DEPTH = 200, MAX_STEPS = 100000, MAX_OUT = 64 * 1024 };

struct v0 {
	const char *s;		/* after "_R" */
	size_t n, pos;
	int depth, err, quiet, open;
	long steps;
	unsigned bound_lt;	/* lifetimes bound by enclosing binders */
	char *out;
	size_t len, cap;
};

struct v0_ident {
	const char *ascii, *puny;
	size_t alen, plen;
};

/* <identifier> = ["u"] <decimal-number> ["_"] <bytes> */

/* demangle-v0-text.c */
void v0_out_mem(struct v0 *p, const char *s, size_t n);
void v0_out_u64(struct v0 *p, uint64_t v);
void v0_out_cp(struct v0 *p, uint32_t c);      /* as UTF-8 */
uint64_t v0_integer_62(struct v0 *p);
uint64_t v0_opt_integer_62(struct v0 *p, int tag);
int v0_ident(struct v0 *p, struct v0_ident *id);
void v0_out_ident(struct v0 *p, const struct v0_ident *id);

/* demangle-v0.c */
void v0_path(struct v0 *p, int in_value);
void v0_backref(struct v0 *p, void (*fn)(struct v0 *, int), int arg);
int v0_list(struct v0 *p, void (*fn)(struct v0 *), const char *sep);

/* demangle-v0-const.c: a const generic argument */
void v0_constant(struct v0 *p);

static inline void out(struct v0 *p, const char *s)
{
	v0_out_mem(p, s, strlen(s));
}

static inline int fail(struct v0 *p)
{
	p->err = 1;
	return -1;
}

static inline int peek(struct v0 *p)
{
	return p->pos < p->n ? (unsigned char)p->s[p->pos] : -1;
}

static inline int eat(struct v0 *p, int c)
{
	if (p->err || peek(p) != c)
		return 0;
	p->pos++;
	return 1;
}

static inline int next(struct v0 *p)
{
	int c = peek(p);

	if (c < 0)
		return fail(p);
	p->pos++;
	return c;
}

/* Enter a nested production; 0 when a bound is hit. */
static inline int enter(struct v0 *p)
{
	if (p->err || ++p->depth > MAX_DEPTH || ++p->steps > MAX_STEPS) {
		p->err = 1;
		return 0;
	}
	return 1;
}

static inline void leave(struct v0 *p)
{
	p->depth--;
}

/* <base-62-number>: "_" is 0, "<digits>_" is value + 1. */

#endif /* PF_DEMANGLE_V0_INT_H */
