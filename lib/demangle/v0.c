/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Rust v0 symbol demangling (RFC 2603, symbols starting with "_R").  No
 * shared library that Debian and Fedora ship decodes them, so this is a
 * small recursive-descent printer of the grammar.  The text is the one
 * rustc-demangle gives in its alternate form, which rustfilt and most
 * profilers show: crate disambiguators and the types of const generic
 * values are left out ("<std::path::Path>::join", "f::<u8, 3>").
 *
 * Malformed input must never crash or loop: the nesting depth, the number
 * of parse steps (backrefs may point at a subtree many times) and the size
 * of the output are bounded, and any error makes the whole result NULL so
 * the caller shows the raw name.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "demangle/demangle-int.h"
#include "demangle/v0-int.h"

static const char *basic_type(int tag)
{
	switch (tag) {
	case 'b': return "bool";
	case 'c': return "char";
	case 'e': return "str";
	case 'u': return "()";
	case 'a': return "i8";
	case 's': return "i16";
	case 'l': return "i32";
	case 'x': return "i64";
	case 'n': return "i128";
	case 'i': return "isize";
	case 'h': return "u8";
	case 't': return "u16";
	case 'm': return "u32";
	case 'y': return "u64";
	case 'o': return "u128";
	case 'j': return "usize";
	case 'f': return "f32";
	case 'd': return "f64";
	case 'z': return "!";
	case 'p': return "_";
	case 'v': return "...";
	}
	return NULL;
}

static void type(struct v0 *p);

/* Run FN at the position a backref names, then come back. */
void v0_backref(struct v0 *p, void (*fn)(struct v0 *, int), int arg)
{
	size_t start = p->pos - 1;
	uint64_t i = v0_integer_62(p);

	if (p->err || i >= start) {
		fail(p);
		return;
	}
	size_t save = p->pos;
	p->pos = (size_t)i;
	fn(p, arg);
	p->pos = save;
}

static void type_arg(struct v0 *p, int unused)
{
	(void)unused;
	type(p);
}

static void lifetime(struct v0 *p, uint64_t lt)
{
	out(p, "'");
	if (lt == 0) {
		out(p, "_");
		return;
	}
	if (lt > p->bound_lt) {
		fail(p);
		return;
	}
	uint64_t d = p->bound_lt - lt;
	if (d < 26) {
		char c[2] = { (char)('a' + d), 0 };
		out(p, c);
	} else {
		out(p, "_");
		v0_out_u64(p, d);
	}
}

/* An optional "G" binder: prints "for<'a, 'b> " and returns the count. */
static uint64_t binder(struct v0 *p)
{
	uint64_t n = v0_opt_integer_62(p, 'G');

	if (n > 1000)
		return (uint64_t)fail(p);
	if (n) {
		out(p, "for<");
		for (uint64_t i = 0; i < n; i++) {
			if (i)
				out(p, ", ");
			p->bound_lt++;
			lifetime(p, 1);
		}
		out(p, "> ");
	}
	return n;
}

static void generic_arg(struct v0 *p)
{
	if (eat(p, 'L'))
		lifetime(p, v0_integer_62(p));
	else if (eat(p, 'K'))
		v0_constant(p);
	else
		type(p);
}

/* Items up to "E" separated by SEP; returns their count. */
int v0_list(struct v0 *p, void (*fn)(struct v0 *), const char *sep)
{
	int i = 0;

	while (!p->err && !eat(p, 'E')) {
		if (peek(p) < 0) {
			fail(p);
			break;
		}
		if (i++)
			out(p, sep);
		fn(p);
	}
	return i;
}

static void path_named(struct v0 *p, int in_value)
{
	int ns = next(p);
	struct v0_ident id;

	if (ns < 0 || !((ns >= 'A' && ns <= 'Z') || (ns >= 'a' && ns <= 'z'))) {
		fail(p);
		return;
	}
	v0_path(p, in_value);
	uint64_t dis = v0_opt_integer_62(p, 's');
	if (v0_ident(p, &id) < 0)
		return;
	if (ns >= 'A' && ns <= 'Z') {
		out(p, "::{");
		if (ns == 'C')
			out(p, "closure");
		else if (ns == 'S')
			out(p, "shim");
		else {
			char c[2] = { (char)ns, 0 };
			out(p, c);
		}
		if (id.alen || id.plen) {
			out(p, ":");
			v0_out_ident(p, &id);
		}
		out(p, "#");
		v0_out_u64(p, dis);
		out(p, "}");
	} else if (id.alen || id.plen) {
		out(p, "::");
		v0_out_ident(p, &id);
	}
}

void v0_path(struct v0 *p, int in_value)
{
	struct v0_ident id;
	int tag;

	if (!enter(p))
		return;
	switch (tag = next(p)) {
	case 'C':
		v0_opt_integer_62(p, 's');
		if (v0_ident(p, &id) == 0)
			v0_out_ident(p, &id);
		break;
	case 'N':
		path_named(p, in_value);
		break;
	case 'M': case 'X': case 'Y':
		if (tag != 'Y') {	/* the impl's own path is not shown */
			v0_opt_integer_62(p, 's');
			p->quiet++;
			v0_path(p, 0);
			p->quiet--;
		}
		out(p, "<");
		type(p);
		if (tag != 'M') {
			out(p, " as ");
			v0_path(p, 0);
		}
		out(p, ">");
		break;
	case 'I':
		v0_path(p, in_value);
		out(p, in_value ? "::<" : "<");
		v0_list(p, generic_arg, ", ");
		out(p, ">");
		break;
	case 'B':
		v0_backref(p, v0_path, in_value);
		break;
	default:
		fail(p);
	}
	leave(p);
}

static void fn_type(struct v0 *p)
{
	uint64_t n = binder(p);

	if (eat(p, 'U'))
		out(p, "unsafe ");
	if (eat(p, 'K')) {
		out(p, "extern \"");
		if (eat(p, 'C'))
			out(p, "C");
		else {
			struct v0_ident id;
			if (v0_ident(p, &id) < 0 || !id.alen || id.plen) {
				fail(p);
				return;
			}
			for (size_t i = 0; i < id.alen; i++)
				v0_out_mem(p, id.ascii[i] == '_' ? "-" : id.ascii + i, 1);
		}
		out(p, "\" ");
	}
	out(p, "fn(");
	v0_list(p, type, ", ");
	out(p, ")");
	if (!eat(p, 'u')) {
		out(p, " -> ");
		type(p);
	}
	p->bound_lt -= (unsigned)n;
}

/* A trait path that leaves its generic brackets open when it has any, so
   associated-type bindings go inside them: "dyn Iterator<Item = u8>". */
static void path_open(struct v0 *p, int unused)
{
	(void)unused;
	if (!enter(p))
		return;
	p->open = 0;
	if (eat(p, 'B'))
		v0_backref(p, path_open, 0);
	else if (eat(p, 'I')) {
		v0_path(p, 0);
		out(p, "<");
		v0_list(p, generic_arg, ", ");
		p->open = 1;
	} else
		v0_path(p, 0);
	leave(p);
}

static void dyn_trait(struct v0 *p)
{
	path_open(p, 0);
	int open = p->open;

	while (eat(p, 'p')) {
		struct v0_ident id;

		out(p, open ? ", " : "<");
		open = 1;
		if (v0_ident(p, &id) < 0)
			return;
		v0_out_ident(p, &id);
		out(p, " = ");
		type(p);
	}
	if (open)
		out(p, ">");
}

static void type(struct v0 *p)
{
	int tag = next(p);
	const char *b = tag < 0 ? NULL : basic_type(tag);

	if (tag < 0)
		return;
	if (b) {
		out(p, b);
		return;
	}
	if (!enter(p))
		return;
	switch (tag) {
	case 'R': case 'Q':
		out(p, "&");
		if (eat(p, 'L')) {
			uint64_t lt = v0_integer_62(p);
			if (lt) {
				lifetime(p, lt);
				out(p, " ");
			}
		}
		if (tag == 'Q')
			out(p, "mut ");
		type(p);
		break;
	case 'P': case 'O':
		out(p, tag == 'P' ? "*const " : "*mut ");
		type(p);
		break;
	case 'A': case 'S':
		out(p, "[");
		type(p);
		if (tag == 'A') {
			out(p, "; ");
			v0_constant(p);
		}
		out(p, "]");
		break;
	case 'T':
		out(p, "(");
		if (v0_list(p, type, ", ") == 1)
			out(p, ",");
		out(p, ")");
		break;
	case 'F':
		fn_type(p);
		break;
	case 'D': {
		out(p, "dyn ");
		uint64_t n = binder(p);
		v0_list(p, dyn_trait, " + ");
		p->bound_lt -= (unsigned)n;
		if (!eat(p, 'L')) {
			fail(p);
			break;
		}
		uint64_t lt = v0_integer_62(p);
		if (lt) {
			out(p, " + ");
			lifetime(p, lt);
		}
		break;
	}
	case 'B':
		v0_backref(p, type_arg, 0);
		break;
	default:
		p->pos--;
		v0_path(p, 0);
	}
	leave(p);
}

/* Trailing ".llvm.<hex>" is LLVM's, not part of the name; other
   period-separated suffixes (".cold") are kept as they are. */
static size_t strip_llvm(const char *s, size_t n)
{
	const char *l = strstr(s, ".llvm.");

	if (!l)
		return n;
	for (const char *c = l + 6; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'A' && *c <= 'F') || *c == '@'))
			return n;
	return (size_t)(l - s);
}

static int symbol_like(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c >= 0x7f)
			return 0;
	}
	return 1;
}

char *pf_demangle_rust_v0(const char *name)
{
	struct v0 p;

	if (!name || name[0] != '_' || name[1] != 'R')
		return NULL;
	memset(&p, 0, sizeof p);
	p.s = name + 2;
	p.n = strip_llvm(p.s, strlen(p.s));
	if (p.n == 0 || p.s[0] < 'A' || p.s[0] > 'Z')
		return NULL;
	for (size_t i = 0; i < p.n; i++)
		if ((unsigned char)p.s[i] & 0x80)
			return NULL;
	v0_path(&p, 1);
	/* The instantiating crate is not shown; rustc-demangle does not even
	   follow a backref there, so neither do we. */
	if (!p.err && peek(&p) >= 'A' && peek(&p) <= 'Z') {
		size_t start = p.pos;

		if (eat(&p, 'B')) {
			if (v0_integer_62(&p) >= start)
				p.err = 1;
		} else {
			p.quiet++;
			v0_path(&p, 0);
			p.quiet--;
		}
	}
	if (!p.err && p.pos < p.n) {
		if (p.s[p.pos] != '.' || !symbol_like(p.s + p.pos, p.n - p.pos))
			p.err = 1;
		else
			v0_out_mem(&p, p.s + p.pos, p.n - p.pos);
	}
	if (p.err || !p.out) {
		free(p.out);
		return NULL;
	}
	return p.out;
}
