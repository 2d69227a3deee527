/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A tracepoint's "print fmt": the format string and its arguments, which
 * are C expressions over REC->field.  They are parsed once per event into
 * trees and evaluated per sample.  Understood: integer and string
 * literals, REC->field, casts to integer and pointer types, the unary,
 * binary and ?: operators, __get_str(), __print_flags() and
 * __print_symbolic(); conversions %d %i %u %x %X %o %c %s %p (and %ps &c.,
 * shown as 0x<hex> as libtraceevent does for addresses it cannot name)
 * with flags, width, precision and h/hh/l/ll/z length modifiers.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracefmt-expr-int.h"

enum { MAX_NEST = 64, SCRATCH = 2048 };

enum kind { N_NUM, N_STR, N_FIELD, N_INDEX, N_UN, N_BIN, N_TERN, N_CAST, N_FLAGS, N_SYM, N_GETSTR };

struct pair {
	uint64_t v;
	char *s;
};

struct tf_node {
	enum kind kind;
	int op;                 /* operator: a char, or a two-char code */
	uint64_t num;
	char *str;
	const struct tf_field *field;
	struct tf_node *a, *b, *c;
	unsigned csize;         /* cast: 1, 2, 4, 8 */
	int csigned;
	struct pair *pairs;
	size_t npairs;
};

/* Operator codes for two-character operators. */
#define OP2(a, b) ((a) << 8 | (b))

struct lex {
	const char *p;
	const struct tf_event *ev;
	int depth, err;
	int atoms;              /* unknown names seen */
};

static void skip_ws(struct lex *l)
{
	while (*l->p == ' ' || *l->p == '\t' || *l->p == '\n')
		l->p++;
}

static int is_id(int c, int first)
{
	return c == '_' || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (!first && c >= '0' && c <= '9');
}

/* Consume operator OP (one or two characters) if it is next. */
static int accept(struct lex *l, const char *op)
{
	size_t n = strlen(op);

	skip_ws(l);
	if (strncmp(l->p, op, n) != 0)
		return 0;
	/* "<" is not the start of "<<" or "<=", "&" not of "&&", &c. */
	if (n == 1 && l->p[1] && strchr("<>&|=", op[0]) && (l->p[1] == op[0] || l->p[1] == '='))
		return 0;
	if (n == 1 && op[0] == '-' && l->p[1] == '>')
		return 0;
	if (n == 1 && op[0] == '!' && l->p[1] == '=')
		return 0;
	l->p += n;
	return 1;
}

static struct tf_node *node(struct lex *l, enum kind k)
{
	struct tf_node *n = calloc(1, sizeof *n);

	if (!n)
		l->err = 1;
	else
		n->kind = k;
	return n;
}

static void node_free(struct tf_node *n)
{
	if (!n)
		return;
	node_free(n->a);
	node_free(n->b);
	node_free(n->c);
	for (size_t i = 0; i < n->npairs; i++)
		free(n->pairs[i].s);
	free(n->pairs);
	free(n->str);
	free(n);
}

/* A C string literal (adjacent literals joined); NULL if none is next. */
static char *string_lit(struct lex *l)
{
	size_t cap = 64, len = 0;
	char *s;

	skip_ws(l);
	if (*l->p != '"' || !(s = malloc(cap)))
		return NULL;
	while (*l->p == '"') {
		for (l->p++; *l->p && *l->p != '"'; l->p++) {
			char c = *l->p;

			if (c == '\\' && l->p[1]) {
				c = *++l->p;
				c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
			}
			if (len + 2 > cap) {
				char *t = realloc(s, cap *= 2);
				if (!t) {
					free(s);
					return NULL;
				}
				s = t;
			}
			s[len++] = c;
		}
		if (*l->p != '"') {
			free(s);
			return NULL;
		}
		l->p++;
		skip_ws(l);
	}
	s[len] = 0;
	return s;
}

static struct tf_node *expr(struct lex *l);
static struct tf_node *unary(struct lex *l);
static uint64_t eval_const(struct tf_node *n, int *ok);

static const struct tf_field *find_field(const struct tf_event *ev, const char *name, size_t n)
{
	for (size_t i = 0; i < ev->nfields; i++)
		if (strlen(ev->fields[i].name) == n && strncmp(ev->fields[i].name, name, n) == 0)
			return &ev->fields[i];
	return NULL;
}

/* An identifier's length at P. */
static size_t id_len(const char *p)
{
	size_t n = 0;

	if (!is_id(p[0], 1))
		return 0;
	while (is_id(p[n], 0))
		n++;
	return n;
}

/* "{ value, "name" }, ..." of __print_flags and __print_symbolic. */
static int pairs(struct lex *l, struct tf_node *n)
{
	while (accept(l, ",")) {
		struct pair *np;
		int ok = 1;

		if (!accept(l, "{"))
			return -1;
		int atoms = l->atoms;
		struct tf_node *v = expr(l);
		uint64_t val = v ? eval_const(v, &ok) : 0;
		node_free(v);
		/* An enum name the kernel did not resolve is 0 to
		   libtraceevent in __print_flags but matches nothing in
		   __print_symbolic. */
		int skip = n->kind == N_SYM && l->atoms != atoms;
		if (!accept(l, ","))
			return -1;
		skip_ws(l);
		char *s = NULL;
		if (*l->p == '"') {
			s = string_lit(l);
		} else {
			/* "{ 0, NULL }" ends some tables. */
			struct tf_node *z = expr(l);
			int zok = 1;
			uint64_t zv = z ? eval_const(z, &zok) : 1;
			node_free(z);
			if (!z || !zok || zv)
				return -1;
			skip = 1;
		}
		if (!ok || (!s && !skip) || !accept(l, "}")) {
			free(s);
			return -1;
		}
		if (skip) {
			free(s);
			continue;
		}
		np = realloc(n->pairs, (n->npairs + 1) * sizeof *np);
		if (!np) {
			free(s);
			return -1;
		}
		n->pairs = np;
		n->pairs[n->npairs++] = (struct pair){ val, s };
	}
	return accept(l, ")") ? 0 : -1;
}

static struct tf_node *call(struct lex *l, const char *name, size_t len)
{
	struct tf_node *n = NULL;

	if (len == 9 && strncmp(name, "__get_str", 9) == 0) {
		skip_ws(l);
		size_t k = id_len(l->p);
		const struct tf_field *f = k ? find_field(l->ev, l->p, k) : NULL;
		l->p += k;
		if (!f || !accept(l, ")") || !(n = node(l, N_GETSTR)))
			return NULL;
		n->field = f;
		return n;
	}
	int flags = len == 13 && strncmp(name, "__print_flags", 13) == 0;
	int sym = len == 16 && strncmp(name, "__print_symbolic", 16) == 0;
	if (!flags && !sym)
		return NULL;
	if (!(n = node(l, flags ? N_FLAGS : N_SYM)))
		return NULL;
	n->a = expr(l);
	if (!n->a || (flags && (!accept(l, ",") || !(n->str = string_lit(l)))) ||
	    pairs(l, n) < 0) {
		node_free(n);
		return NULL;
	}
	return n;
}

/* After "(": a type name and ")" make a cast; anything else is not one. */
static int cast_type(struct lex *l, unsigned *size, int *sgn)
{
	const char *p = l->p;
	int words = 0, star = 0, uns = 0, longs = 0, tag = 0;
	unsigned sz = 4;

	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == '*') {
			star = 1;
			p++;
			continue;
		}
		size_t k = id_len(p);
		if (!k)
			break;
#define IS(w) (k == sizeof w - 1 && strncmp(p, w, k) == 0)
		if (IS("unsigned"))
			uns = 1;
		else if (IS("struct") || IS("union") || IS("enum"))
			tag = 1;
		else if (tag)
			tag = 0;        /* the struct's name */
		else if (IS("signed") || IS("int") || IS("const"))
			;
		else if (IS("long"))
			longs++;
		else if (IS("short"))
			sz = 2;
		else if (IS("char") || IS("bool") || IS("_Bool"))
			sz = 1;
		else if (IS("void"))
			sz = 8;
		else if (IS("u8") || IS("__u8") || IS("uint8_t"))
			sz = 1, uns = 1;
		else if (IS("s8") || IS("__s8") || IS("int8_t"))
			sz = 1;
		else if (IS("u16") || IS("__u16") || IS("uint16_t"))
			sz = 2, uns = 1;
		else if (IS("s16") || IS("__s16") || IS("int16_t"))
			sz = 2;
		else if (IS("u32") || IS("__u32") || IS("uint32_t") || IS("gfp_t"))
			sz = 4, uns = 1;
		else if (IS("s32") || IS("__s32") || IS("int32_t") || IS("pid_t"))
			sz = 4;
		else if (IS("u64") || IS("__u64") || IS("uint64_t") || IS("size_t"))
			sz = 8, uns = 1;
		else if (IS("s64") || IS("__s64") || IS("int64_t") || IS("ssize_t") ||
			 IS("loff_t"))
			sz = 8;
		else if (words == 0)
			return 0;       /* not a type: a parenthesised expression */
		else if (!star)
			return 0;
#undef IS
		words++;
		p += k;
	}
	if (!words || *p != ')')
		return 0;
	if (longs)
		sz = 8;
	if (star)
		sz = 8, uns = 1;
	l->p = p + 1;
	*size = sz;
	*sgn = !uns;
	return 1;
}

static struct tf_node *primary(struct lex *l)
{
	struct tf_node *n;

	skip_ws(l);
	if (*l->p == '"') {
		if (!(n = node(l, N_STR)) || !(n->str = string_lit(l))) {
			node_free(n);
			return NULL;
		}
		return n;
	}
	if (*l->p >= '0' && *l->p <= '9') {
		char *end;
		if (!(n = node(l, N_NUM)))
			return NULL;
		n->num = strtoull(l->p, &end, 0);
		l->p = end;
		while (*l->p == 'u' || *l->p == 'U' || *l->p == 'l' || *l->p == 'L')
			l->p++;
		return n;
	}
	if (accept(l, "(")) {
		unsigned size;
		int sgn;

		if (cast_type(l, &size, &sgn)) {
			if (!(n = node(l, N_CAST)))
				return NULL;
			n->csize = size;
			n->csigned = sgn;
			if (!(n->a = unary(l))) {
				node_free(n);
				return NULL;
			}
			return n;
		}
		n = expr(l);
		if (n && !accept(l, ")")) {
			node_free(n);
			return NULL;
		}
		return n;
	}
	size_t k = id_len(l->p);
	if (k == 3 && strncmp(l->p, "REC", 3) == 0) {
		l->p += 3;
		if (!accept(l, "->"))
			return NULL;
		skip_ws(l);
		k = id_len(l->p);
		const struct tf_field *f = k ? find_field(l->ev, l->p, k) : NULL;
		if (!f || !(n = node(l, N_FIELD)))
			return NULL;
		l->p += k;
		n->field = f;
		if (f->count && accept(l, "[")) {
			n->kind = N_INDEX;
			if (!(n->a = expr(l)) || !accept(l, "]")) {
				node_free(n);
				return NULL;
			}
		}
		return n;
	}
	if (k) {
		const char *name = l->p;
		l->p += k;
		if (accept(l, "("))
			return call(l, name, k);
		/* An enum or macro name the kernel left in the format: 0, as
		   libtraceevent reads it (strtoull of the name). */
		l->atoms++;
		return node(l, N_NUM);
	}
	return NULL;
}

static struct tf_node *unary(struct lex *l)
{
	static const char ops[] = "!~-";

	if (++l->depth > MAX_NEST)
		return NULL;
	for (const char *o = ops; *o; o++) {
		char s[2] = { *o, 0 };
		if (accept(l, s)) {
			struct tf_node *n = node(l, N_UN);
			if (n && !(n->a = unary(l))) {
				node_free(n);
				n = NULL;
			}
			if (n)
				n->op = *o;
			l->depth--;
			return n;
		}
	}
	struct tf_node *n = primary(l);
	l->depth--;
	return n;
}

/* Binary operators by precedence, loosest first. */
static const char *const levels[][4] = {
	{ "||" }, { "&&" }, { "|" }, { "^" }, { "&" }, { "==", "!=" },
	{ "<=", ">=", "<", ">" }, { "<<", ">>" }, { "+", "-" }, { "*", "/", "%" },
};
#define NLEVELS (int)(sizeof levels / sizeof *levels)

static struct tf_node *binary(struct lex *l, int level)
{
	if (level == NLEVELS)
		return unary(l);
	struct tf_node *left = binary(l, level + 1);

	while (left) {
		const char *op = NULL;

		for (int i = 0; i < 4 && levels[level][i]; i++)
			if (accept(l, levels[level][i])) {
				op = levels[level][i];
				break;
			}
		if (!op)
			break;
		struct tf_node *n = node(l, N_BIN);
		if (!n) {
			node_free(left);
			return NULL;
		}
		n->op = op[1] ? OP2(op[0], op[1]) : op[0];
		n->a = left;
		left = n;
		if (!(n->b = binary(l, level + 1))) {
			node_free(left);
			return NULL;
		}
	}
	return left;
}

static struct tf_node *expr(struct lex *l)
{
	if (++l->depth > MAX_NEST)
		return NULL;
	struct tf_node *c = binary(l, 0);

	if (c && accept(l, "?")) {
		struct tf_node *n = node(l, N_TERN);
		if (!n) {
			node_free(c);
			return NULL;
		}
		n->a = c;
		n->b = expr(l);
		if (!n->b || !accept(l, ":") || !(n->c = expr(l))) {
			node_free(n);
			n = NULL;
		}
		c = n;
	}
	l->depth--;
	return c;
}

int tf_expr_parse(struct tf_event *ev, const char *printfmt)
{
	struct lex l = { printfmt, ev, 0, 0, 0 };

	if (!(ev->fmt = string_lit(&l)))
		return -1;
	while (accept(&l, ",")) {
		struct tf_node **a = realloc(ev->args, (ev->nargs + 1) * sizeof *a);
		if (!a)
			return -1;
		ev->args = a;
		if (!(ev->args[ev->nargs] = expr(&l)))
			return -1;
		ev->nargs++;
	}
	skip_ws(&l);
	return *l.p || l.err ? -1 : 0;
}

void tf_expr_free(struct tf_event *ev)
{
	for (size_t i = 0; i < ev->nargs; i++)
		node_free(ev->args[i]);
	free(ev->args);
	free(ev->fmt);
}

/* A value: a number, or a string that is not NUL-terminated. */
struct val {
	int is_str;
	uint64_t v;
	const char *s;
	size_t len;
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

static struct val num(uint64_t v)
{
	return (struct val){ 0, v, NULL, 0 };
}

static struct val flags(const struct tf_node *n, struct ctx *c)
{
	uint64_t v = eval(n->a, c).v;
	char *start = c->scratch + c->used;
	int any = 0;

	for (size_t i = 0; i < n->npairs; i++) {
		uint64_t f = n->pairs[i].v;

		if (!v && !f) {
			scratch_put(c, n->pairs[i].s, strlen(n->pairs[i].s));
			any = 1;
			break;
		}
		if (f && (v & f) == f) {
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
	return (struct val){ 1, 0, start, (size_t)(c->scratch + c->used - start) };
}

static struct val symbolic(const struct tf_node *n, struct ctx *c)
{
	uint64_t v = eval(n->a, c).v;
	char hex[24];

	for (size_t i = 0; i < n->npairs; i++)
		if (n->pairs[i].v == v)
			return (struct val){ 1, 0, n->pairs[i].s, strlen(n->pairs[i].s) };
	int k = snprintf(hex, sizeof hex, "0x%" PRIx64, v);
	const char *s = scratch_put(c, hex, (size_t)k);
	return (struct val){ 1, 0, s, (size_t)k };
}

static uint64_t binop(int op, uint64_t a, uint64_t b, struct ctx *c)
{
	int64_t sa = (int64_t)a, sb = (int64_t)b;

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
		return num(n->num);
	case N_STR:
		return (struct val){ 1, 0, n->str, strlen(n->str) };
	case N_FIELD:
		if (n->field->is_string || n->field->is_array) {
			size_t len;
			const char *s = tf_field_str(n->field, c->raw, c->n, &len);
			return (struct val){ 1, 0, s, len };
		}
		return num(tf_field_num(n->field, c->raw, c->n));
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
		return num(tf_field_num(&el, c->raw, c->n));
	}
	case N_GETSTR: {
		size_t len;
		const char *s = tf_field_str(n->field, c->raw, c->n, &len);
		return (struct val){ 1, 0, s, len };
	}
	case N_UN:
		a = eval(n->a, c);
		return num(n->op == '!' ? !a.v : n->op == '~' ? ~a.v : (uint64_t)-(int64_t)a.v);
	case N_BIN: {
		uint64_t x = eval(n->a, c).v;
		return num(binop(n->op, x, eval(n->b, c).v, c));
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
static uint64_t eval_const(struct tf_node *n, int *ok)
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

/* One conversion SPEC (flags, width, precision, no length, CONV) of V. */
static int convert(char *out, size_t size, const char *spec, size_t slen, int len_mod,
		   char conv, struct val v)
{
	char f[32];

	if (slen > 16)
		return -1;
	memcpy(f, spec, slen);
	if (conv == 's') {
		if (!v.is_str)
			return -1;
		/* The string is not NUL-terminated: give its length as the
		   precision unless the format has a smaller one. */
		const char *dot = memchr(spec, '.', slen);
		int prec = (int)v.len;
		if (dot && atoi(dot + 1) < prec)
			prec = atoi(dot + 1);
		size_t k = dot ? (size_t)(dot - spec) : slen;
		memcpy(f, spec, k);
		memcpy(f + k, ".*s", 4);
		return snprintf(out, size, f, prec, v.s);
	}
	if (v.is_str)
		return -1;
	if (conv == 'p' && v.v == 0) {
		/* libtraceevent hands %p to printf, which writes NULL so. */
		memcpy(f + slen, "s", 2);
		return snprintf(out, size, f, "(nil)");
	}
	if (conv == 'p') {
		memcpy(f + slen, "llx", 4);
		if (size > 2) {
			memcpy(out, "0x", 2);
			int k = snprintf(out + 2, size - 2, f, (unsigned long long)v.v);
			return k < 0 ? k : k + 2;
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
		f[slen] = 'c';
		f[slen + 1] = 0;
		return snprintf(out, size, f, (int)(unsigned char)x);
	}
	f[slen] = 'l';
	f[slen + 1] = 'l';
	f[slen + 2] = conv;
	f[slen + 3] = 0;
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
	struct ctx *c = malloc(sizeof *c);
	size_t o = 0, arg = 0;
	const char *p = ev->fmt;

	if (!c)
		return (size_t)-1;
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
		if (pkind && strchr("sSfF", pkind))
			k = func_name(c, &v, pkind, out + o, size - o);
		if (k < 0)
			k = convert(out + o, size - o, spec, slen, len_mod, conv, v);
		if (k < 0)
			goto fail;
		o += (size_t)k < size - o ? (size_t)k : size - o - 1;
	}
	out[o] = 0;
	free(c);
	return o;
fail:
	free(c);
	return (size_t)-1;
}
