/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A tracepoint's "print fmt": the format string and its arguments, which
 * are C expressions over REC->field.  They are parsed here once per event
 * into trees, which tracefmt-print.c evaluates per sample.  Understood: integer and string
 * literals, REC->field, casts to integer and pointer types, the unary,
 * binary and ?: operators, __get_str(), __print_flags(),
 * __print_symbolic() and __builtin_expect(); conversions %d %i %u %x %X %o %c %s %p (and %ps &c.,
 * shown as 0x<hex> as libtraceevent does for addresses it cannot name)
 * with flags, width, precision and h/hh/l/ll/z length modifiers.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/tracefmt-expr-int.h"

enum { MAX_NEST = 256 };

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

static struct tf_node *node(struct lex *l, enum tf_kind k)
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

/* The value libtraceevent gives a name in a flag table (eval_flag). */
static uint64_t known_name(const char *name)
{
	static const char *const names[] = {
		"HI_SOFTIRQ", "TIMER_SOFTIRQ", "NET_TX_SOFTIRQ", "NET_RX_SOFTIRQ",
		"BLOCK_SOFTIRQ", "IRQ_POLL_SOFTIRQ", "TASKLET_SOFTIRQ", "SCHED_SOFTIRQ",
		"HRTIMER_SOFTIRQ", "RCU_SOFTIRQ",
	};

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	if (strcmp(name, "HRTIMER_NORESTART") == 0)
		return 0;
	if (strcmp(name, "HRTIMER_RESTART") == 0)
		return 1;
	return UINT64_MAX;
}

/* "{ value, "name" }, ..." of __print_flags and __print_symbolic. */
static int pairs(struct lex *l, struct tf_node *n)
{
	while (accept(l, ",")) {
		struct tf_pair *np;
		int ok = 1;

		if (!accept(l, "{"))
			return -1;
		int atoms = l->atoms, skip = 0;
		struct tf_node *v = expr(l);
		uint64_t val = v ? tf_eval_const(v, &ok) : 0;
		/* A name the kernel did not resolve: libtraceevent knows a
		   few, and takes any other for all ones. */
		if (v && l->atoms != atoms)
			val = v->kind == N_NUM && v->str ? known_name(v->str) : UINT64_MAX;
		node_free(v);
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
			uint64_t zv = z ? tf_eval_const(z, &zok) : 1;
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
		n->pairs[n->npairs++] = (struct tf_pair){ val, s };
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
	if (len == 16 && strncmp(name, "__builtin_expect", 16) == 0) {
		/* A branch hint: its value is the first argument's. */
		n = expr(l);
		struct tf_node *hint = n && accept(l, ",") ? expr(l) : NULL;
		node_free(hint);
		if (!hint || !accept(l, ")")) {
			node_free(n);
			return NULL;
		}
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
		else if (IS("u32") || IS("__u32") || IS("uint32_t") || IS("gfp_t") || IS("uint"))
			sz = 4, uns = 1;
		else if (IS("ulong"))
			sz = 8, uns = 1;
		else if (IS("s32") || IS("__s32") || IS("int32_t") || IS("pid_t"))
			sz = 4;
		else if (IS("u64") || IS("__u64") || IS("uint64_t") || IS("size_t"))
			sz = 8, uns = 1;
		else if (IS("s64") || IS("__s64") || IS("int64_t") || IS("ssize_t") ||
			 IS("loff_t"))
			sz = 8;
		else if (k > 2 && p[k - 2] == '_' && p[k - 1] == 't')
			sz = 8;         /* another typedef: keep the value whole */
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
		n->csigned = 1;         /* for numbers: a signed literal */
		for (; *l->p == 'u' || *l->p == 'U' || *l->p == 'l' || *l->p == 'L'; l->p++)
			if ((*l->p | 0x20) == 'u')
				n->csigned = 0;
		return n;
	}
	if (strncmp(l->p, "(REC)", 5) != 0 && accept(l, "(")) {
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
	if ((k == 3 && strncmp(l->p, "REC", 3) == 0) || strncmp(l->p, "(REC)", 5) == 0) {
		l->p += *l->p == '(' ? 5 : 3;
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
		/* An enum or macro name the kernel left in the format: 0 in
		   an expression, as libtraceevent reads it (strtoull). */
		l->atoms++;
		struct tf_node *atom = node(l, N_NUM);
		if (atom && !(atom->str = strndup(name, k))) {
			node_free(atom);
			atom = NULL;
		}
		return atom;
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
	const char *op = NULL;

	for (int i = 0; left && i < 4 && levels[level][i]; i++)
		if (accept(l, levels[level][i])) {
			op = levels[level][i];
			break;
		}
	if (!op)
		return left;
	struct tf_node *n = node(l, N_BIN);
	if (!n || ++l->depth > MAX_NEST) {
		node_free(left);
		node_free(n);
		return NULL;
	}
	n->op = op[1] ? OP2(op[0], op[1]) : op[0];
	n->prec = level;
	n->a = left;
	/* libtraceevent groups operators of one precedence from the right
	   ("a - b - c" is "a - (b - c)" to it), and perf prints what that
	   computes, so do the same. */
	n->b = binary(l, level);
	l->depth--;
	if (!n->b) {
		node_free(n);
		return NULL;
	}
	/* It also rotates a parenthesised right operand whose operator
	   binds less tightly: "x & (a | b)" is "(x & a) | b" to it. */
	struct tf_node *r = n->b;
	if (r->kind == N_BIN && r->prec < level) {
		n->b = r->a;
		r->a = n;
		return r;
	}
	return n;
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

