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

#include "demangle-int.h"

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

static void out_mem(struct v0 *p, const char *s, size_t n)
{
	if (p->err || p->quiet)
		return;
	if (p->len + n + 1 > MAX_OUT) {
		p->err = 1;
		return;
	}
	if (p->len + n + 1 > p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 128;
		while (cap < p->len + n + 1)
			cap *= 2;
		char *o = realloc(p->out, cap);
		if (!o) {
			p->err = 1;
			return;
		}
		p->out = o;
		p->cap = cap;
	}
	memcpy(p->out + p->len, s, n);
	p->len += n;
	p->out[p->len] = 0;
}

static void out(struct v0 *p, const char *s)
{
	out_mem(p, s, strlen(s));
}

static void out_u64(struct v0 *p, uint64_t v)
{
	char b[24];
	int i = sizeof b;

	b[--i] = 0;
	do
		b[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i > 0);
	out(p, b + i);
}

/* UTF-8 of code point C. */
static void out_cp(struct v0 *p, uint32_t c)
{
	char b[4];

	if (c < 0x80) {
		b[0] = (char)c;
		out_mem(p, b, 1);
	} else if (c < 0x800) {
		b[0] = (char)(0xc0 | c >> 6);
		b[1] = (char)(0x80 | (c & 0x3f));
		out_mem(p, b, 2);
	} else if (c < 0x10000) {
		b[0] = (char)(0xe0 | c >> 12);
		b[1] = (char)(0x80 | (c >> 6 & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		out_mem(p, b, 3);
	} else {
		b[0] = (char)(0xf0 | c >> 18);
		b[1] = (char)(0x80 | (c >> 12 & 0x3f));
		b[2] = (char)(0x80 | (c >> 6 & 0x3f));
		b[3] = (char)(0x80 | (c & 0x3f));
		out_mem(p, b, 4);
	}
}

static int fail(struct v0 *p)
{
	p->err = 1;
	return -1;
}

static int peek(struct v0 *p)
{
	return p->pos < p->n ? (unsigned char)p->s[p->pos] : -1;
}

static int eat(struct v0 *p, int c)
{
	if (p->err || peek(p) != c)
		return 0;
	p->pos++;
	return 1;
}

static int next(struct v0 *p)
{
	int c = peek(p);

	if (c < 0)
		return fail(p);
	p->pos++;
	return c;
}

/* Enter a nested production; 0 when a bound is hit. */
static int enter(struct v0 *p)
{
	if (p->err || ++p->depth > MAX_DEPTH || ++p->steps > MAX_STEPS) {
		p->err = 1;
		return 0;
	}
	return 1;
}

static void leave(struct v0 *p)
{
	p->depth--;
}

/* <base-62-number>: "_" is 0, "<digits>_" is value + 1. */
static uint64_t integer_62(struct v0 *p)
{
	uint64_t x = 0;

	if (eat(p, '_'))
		return 0;
	for (;;) {
		int c = next(p), d;

		if (c < 0)
			return 0;
		if (c == '_')
			break;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'z')
			d = 10 + c - 'a';
		else if (c >= 'A' && c <= 'Z')
			d = 36 + c - 'A';
		else
			return (uint64_t)fail(p);
		if (x > (UINT64_MAX - (uint64_t)d) / 62)
			return (uint64_t)fail(p);
		x = x * 62 + (uint64_t)d;
	}
	if (x == UINT64_MAX)
		return (uint64_t)fail(p);
	return x + 1;
}

/* An optional TAG-prefixed number: 0 when absent, else value + 1. */
static uint64_t opt_integer_62(struct v0 *p, int tag)
{
	if (!eat(p, tag))
		return 0;
	uint64_t x = integer_62(p);
	return x == UINT64_MAX ? (uint64_t)fail(p) : x + 1;
}

struct ident {
	const char *ascii, *puny;
	size_t alen, plen;
};

/* <identifier> = ["u"] <decimal-number> ["_"] <bytes> */
static int ident(struct v0 *p, struct ident *id)
{
	int puny = eat(p, 'u');
	size_t len = 0;
	int c = peek(p);

	memset(id, 0, sizeof *id);
	if (c < '0' || c > '9')
		return fail(p);
	p->pos++;
	len = (size_t)(c - '0');
	if (len)
		while ((c = peek(p)) >= '0' && c <= '9') {
			if (len > p->n)
				return fail(p);
			len = len * 10 + (size_t)(c - '0');
			p->pos++;
		}
	eat(p, '_');
	if (len > p->n - p->pos)
		return fail(p);
	const char *s = p->s + p->pos;
	p->pos += len;
	if (!puny) {
		id->ascii = s;
		id->alen = len;
		return 0;
	}
	size_t us = len;
	while (us > 0 && s[us - 1] != '_')
		us--;
	id->ascii = s;
	id->alen = us ? us - 1 : 0;
	id->puny = s + us;
	id->plen = len - us;
	return id->plen ? 0 : fail(p);
}

/* RFC 3492 decoding into at most 128 code points. */
static int punycode(const struct ident *id, uint32_t *cp, size_t *ncp)
{
	size_t len = 0, i = 0, k_pos = 0;
	uint64_t n = 0x80, bias = 72, damp = 700;

	if (id->alen > 128)
		return -1;
	for (size_t j = 0; j < id->alen; j++)
		cp[len++] = (unsigned char)id->ascii[j];
	while (k_pos < id->plen) {
		uint64_t delta = 0, w = 1;

		for (uint64_t k = 36;; k += 36) {
			if (k_pos >= id->plen)
				return -1;
			int c = id->puny[k_pos++];
			uint64_t d, t;

			if (c >= 'a' && c <= 'z')
				d = (uint64_t)(c - 'a');
			else if (c >= '0' && c <= '9')
				d = (uint64_t)(26 + c - '0');
			else
				return -1;
			t = k <= bias ? 1 : k - bias >= 26 ? 26 : k - bias;
			if (w && d > (UINT32_MAX - delta) / w)
				return -1;
			delta += d * w;
			if (d < t)
				break;
			w *= 36 - t;
			if (w > UINT32_MAX)
				return -1;
		}
		if (len >= 128)
			return -1;
		len++;
		i += (size_t)delta;
		n += i / len;
		i %= len;
		if (n > 0x10ffff || (n >= 0xd800 && n < 0xe000))
			return -1;
		memmove(cp + i + 1, cp + i, (len - 1 - i) * sizeof *cp);
		cp[i++] = (uint32_t)n;
		delta /= damp;
		damp = 2;
		delta += delta / len;
		uint64_t k = 0;
		while (delta > (35 * 26) / 2) {
			delta /= 35;
			k += 36;
		}
		bias = k + (36 * delta) / (delta + 38);
	}
	*ncp = len;
	return 0;
}

static void out_ident(struct v0 *p, const struct ident *id)
{
	uint32_t cp[128];
	size_t n;

	if (!id->plen) {
		out_mem(p, id->ascii, id->alen);
		return;
	}
	if (punycode(id, cp, &n) == 0) {
		for (size_t i = 0; i < n; i++)
			out_cp(p, cp[i]);
		return;
	}
	out(p, "punycode{");
	if (id->alen) {
		out_mem(p, id->ascii, id->alen);
		out(p, "-");
	}
	out_mem(p, id->puny, id->plen);
	out(p, "}");
}

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

static void path(struct v0 *p, int in_value);
static void type(struct v0 *p);
static void constant(struct v0 *p);
static void inner_constant(struct v0 *p);

/* Run FN at the position a backref names, then come back. */
static void backref(struct v0 *p, void (*fn)(struct v0 *, int), int arg)
{
	size_t start = p->pos - 1;
	uint64_t i = integer_62(p);

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

static void const_value(struct v0 *p, int in_value);

static void const_arg(struct v0 *p, int in_value)
{
	const_value(p, in_value);
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
		out_u64(p, d);
	}
}

/* An optional "G" binder: prints "for<'a, 'b> " and returns the count. */
static uint64_t binder(struct v0 *p)
{
	uint64_t n = opt_integer_62(p, 'G');

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
		lifetime(p, integer_62(p));
	else if (eat(p, 'K'))
		constant(p);
	else
		type(p);
}

/* Items up to "E" separated by SEP; returns their count. */
static int list(struct v0 *p, void (*fn)(struct v0 *), const char *sep)
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
	struct ident id;

	if (ns < 0 || !((ns >= 'A' && ns <= 'Z') || (ns >= 'a' && ns <= 'z'))) {
		fail(p);
		return;
	}
	path(p, in_value);
	uint64_t dis = opt_integer_62(p, 's');
	if (ident(p, &id) < 0)
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
			out_ident(p, &id);
		}
		out(p, "#");
		out_u64(p, dis);
		out(p, "}");
	} else if (id.alen || id.plen) {
		out(p, "::");
		out_ident(p, &id);
	}
}

static void path(struct v0 *p, int in_value)
{
	struct ident id;
	int tag;

	if (!enter(p))
		return;
	switch (tag = next(p)) {
	case 'C':
		opt_integer_62(p, 's');
		if (ident(p, &id) == 0)
			out_ident(p, &id);
		break;
	case 'N':
		path_named(p, in_value);
		break;
	case 'M': case 'X': case 'Y':
		if (tag != 'Y') {	/* the impl's own path is not shown */
			opt_integer_62(p, 's');
			p->quiet++;
			path(p, 0);
			p->quiet--;
		}
		out(p, "<");
		type(p);
		if (tag != 'M') {
			out(p, " as ");
			path(p, 0);
		}
		out(p, ">");
		break;
	case 'I':
		path(p, in_value);
		out(p, in_value ? "::<" : "<");
		list(p, generic_arg, ", ");
		out(p, ">");
		break;
	case 'B':
		backref(p, path, in_value);
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
			struct ident id;
			if (ident(p, &id) < 0 || !id.alen || id.plen) {
				fail(p);
				return;
			}
			for (size_t i = 0; i < id.alen; i++)
				out_mem(p, id.ascii[i] == '_' ? "-" : id.ascii + i, 1);
		}
		out(p, "\" ");
	}
	out(p, "fn(");
	list(p, type, ", ");
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
		backref(p, path_open, 0);
	else if (eat(p, 'I')) {
		path(p, 0);
		out(p, "<");
		list(p, generic_arg, ", ");
		p->open = 1;
	} else
		path(p, 0);
	leave(p);
}

static void dyn_trait(struct v0 *p)
{
	path_open(p, 0);
	int open = p->open;

	while (eat(p, 'p')) {
		struct ident id;

		out(p, open ? ", " : "<");
		open = 1;
		if (ident(p, &id) < 0)
			return;
		out_ident(p, &id);
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
			uint64_t lt = integer_62(p);
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
			constant(p);
		}
		out(p, "]");
		break;
	case 'T':
		out(p, "(");
		if (list(p, type, ", ") == 1)
			out(p, ",");
		out(p, ")");
		break;
	case 'F':
		fn_type(p);
		break;
	case 'D': {
		out(p, "dyn ");
		uint64_t n = binder(p);
		list(p, dyn_trait, " + ");
		p->bound_lt -= (unsigned)n;
		if (!eat(p, 'L')) {
			fail(p);
			break;
		}
		uint64_t lt = integer_62(p);
		if (lt) {
			out(p, " + ");
			lifetime(p, lt);
		}
		break;
	}
	case 'B':
		backref(p, type_arg, 0);
		break;
	default:
		p->pos--;
		path(p, 0);
	}
	leave(p);
}

/* <hex-digits> "_" */
static int hex_nibbles(struct v0 *p, const char **h, size_t *len)
{
	size_t start = p->pos;
	int c;

	while ((c = next(p)) != '_') {
		if (c < 0 || !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return fail(p);
	}
	*h = p->s + start;
	*len = p->pos - 1 - start;
	return 0;
}

static int hexval(int c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

static void const_uint(struct v0 *p)
{
	const char *h;
	size_t n;
	uint64_t v = 0;

	if (hex_nibbles(p, &h, &n) < 0)
		return;
	if (n > 16) {
		out(p, "0x");
		out_mem(p, h, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		v = v << 4 | (uint64_t)hexval(h[i]);
	out_u64(p, v);
}

/* Code point C inside a QUOTE-delimited literal, escaped as Rust's
   escape_debug does for the common cases. */
static void out_lit_char(struct v0 *p, uint32_t c, char quote)
{
	char b[16];

	switch (c) {
	case '\t': out(p, "\\t"); return;
	case '\n': out(p, "\\n"); return;
	case '\r': out(p, "\\r"); return;
	case '\\': out(p, "\\\\"); return;
	case 0: out(p, "\\0"); return;
	}
	if (c == (uint32_t)quote) {
		b[0] = '\\';
		b[1] = quote;
		out_mem(p, b, 2);
	} else if (c < 0x20 || c == 0x7f) {
		static const char hx[] = "0123456789abcdef";
		b[0] = '\\'; b[1] = 'u'; b[2] = '{';
		int i = 3;
		if (c >= 0x10)
			b[i++] = hx[c >> 4];
		b[i++] = hx[c & 15];
		b[i++] = '}';
		out_mem(p, b, (size_t)i);
	} else
		out_cp(p, c);
}

static void const_char(struct v0 *p)
{
	const char *h;
	size_t n;
	uint32_t v = 0;

	if (hex_nibbles(p, &h, &n) < 0)
		return;
	if (n > 8) {
		fail(p);
		return;
	}
	for (size_t i = 0; i < n; i++)
		v = v << 4 | (uint32_t)hexval(h[i]);
	if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) {
		fail(p);
		return;
	}
	out(p, "'");
	out_lit_char(p, v, '\'');
	out(p, "'");
}

/* A str constant: its UTF-8 bytes as hex pairs. */
static void const_str(struct v0 *p)
{
	const char *h;
	size_t n;

	if (hex_nibbles(p, &h, &n) < 0)
		return;
	if (n % 2) {
		fail(p);
		return;
	}
	out(p, "\"");
	for (size_t i = 0; i < n;) {
		uint32_t c = (uint32_t)(hexval(h[i]) << 4 | hexval(h[i + 1]));
		int more = c < 0x80 ? 0 : c >= 0xf0 && c < 0xf5 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 ? 1 : -1;

		i += 2;
		if (more < 0 || c >= 0xf5) {
			fail(p);
			return;
		}
		c &= more == 3 ? 0x07 : more == 2 ? 0x0f : more == 1 ? 0x1f : 0x7f;
		for (; more > 0; more--, i += 2) {
			if (i >= n) {
				fail(p);
				return;
			}
			uint32_t b = (uint32_t)(hexval(h[i]) << 4 | hexval(h[i + 1]));
			if ((b & 0xc0) != 0x80) {
				fail(p);
				return;
			}
			c = c << 6 | (b & 0x3f);
		}
		out_lit_char(p, c, '"');
	}
	out(p, "\"");
}

static void field(struct v0 *p)
{
	struct ident id;

	opt_integer_62(p, 's');
	if (ident(p, &id) < 0)
		return;
	out_ident(p, &id);
	out(p, ": ");
	inner_constant(p);
}

/* A const generic value.  Outside another value (IN_VALUE 0), an array,
   tuple, ADT or reference is braced, as in Rust source: "f::<{(1, 2)}>". */
static void const_value(struct v0 *p, int in_value)
{
	int tag = next(p), brace;

	if (tag < 0 || !enter(p))
		return;
	brace = !in_value && (tag == 'A' || tag == 'T' || tag == 'V' || tag == 'Q' ||
			      (tag == 'R' && peek(p) != 'e'));
	if (brace)
		out(p, "{");
	switch (tag) {
	case 'B':
		backref(p, const_arg, in_value);
		break;
	case 'p':
		out(p, "_");
		break;
	case 'h': case 't': case 'm': case 'y': case 'o': case 'j':
		const_uint(p);
		break;
	case 'a': case 's': case 'l': case 'x': case 'n': case 'i':
		if (eat(p, 'n'))
			out(p, "-");
		const_uint(p);
		break;
	case 'b': {
		const char *h;
		size_t n;
		if (hex_nibbles(p, &h, &n) == 0) {
			if (n == 1 && (h[0] == '0' || h[0] == '1'))
				out(p, h[0] == '1' ? "true" : "false");
			else
				fail(p);
		}
		break;
	}
	case 'c':
		const_char(p);
		break;
	case 'e':
		const_str(p);
		break;
	case 'R': case 'Q':
		/* A str literal is already a reference. */
		if (tag == 'R' && eat(p, 'e'))
			const_str(p);
		else {
			out(p, tag == 'R' ? "&" : "&mut ");
			inner_constant(p);
		}
		break;
	case 'A':
		out(p, "[");
		list(p, inner_constant, ", ");
		out(p, "]");
		break;
	case 'T':
		out(p, "(");
		if (list(p, inner_constant, ", ") == 1)
			out(p, ",");
		out(p, ")");
		break;
	case 'V':
		path(p, 1);
		switch (next(p)) {
		case 'U':
			break;
		case 'T':
			out(p, "(");
			list(p, inner_constant, ", ");
			out(p, ")");
			break;
		case 'S':
			out(p, " { ");
			list(p, field, ", ");
			out(p, " }");
			break;
		default:
			fail(p);
		}
		break;
	default:
		fail(p);
	}
	if (brace)
		out(p, "}");
	leave(p);
}

static void constant(struct v0 *p)
{
	const_value(p, 0);
}

static void inner_constant(struct v0 *p)
{
	const_value(p, 1);
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
	path(&p, 1);
	/* The instantiating crate is not shown; rustc-demangle does not even
	   follow a backref there, so neither do we. */
	if (!p.err && peek(&p) >= 'A' && peek(&p) <= 'Z') {
		size_t start = p.pos;

		if (eat(&p, 'B')) {
			if (integer_62(&p) >= start)
				p.err = 1;
		} else {
			p.quiet++;
			path(&p, 0);
			p.quiet--;
		}
	}
	if (!p.err && p.pos < p.n) {
		if (p.s[p.pos] != '.' || !symbol_like(p.s + p.pos, p.n - p.pos))
			p.err = 1;
		else
			out_mem(&p, p.s + p.pos, p.n - p.pos);
	}
	if (p.err || !p.out) {
		free(p.out);
		return NULL;
	}
	return p.out;
}
