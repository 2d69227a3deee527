/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Const generic arguments of Rust v0 symbols: integers, bools, chars and
 * strings, and the arrays, tuples, references and ADT values built of
 * them, printed as rustc-demangle's alternate form does (no type
 * suffixes; a structured value in braces: "f::<{(1, 2)}>").
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "demangle/v0-int.h"

static void const_value(struct v0 *p, int in_value);
static void inner_constant(struct v0 *p);

static void const_arg(struct v0 *p, int in_value)
{
	const_value(p, in_value);
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
		v0_out_mem(p, h, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
		v = v << 4 | (uint64_t)hexval(h[i]);
	v0_out_u64(p, v);
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
		v0_out_mem(p, b, 2);
	} else if (c < 0x20 || c == 0x7f) {
		static const char hx[] = "0123456789abcdef";
		b[0] = '\\'; b[1] = 'u'; b[2] = '{';
		int i = 3;
		if (c >= 0x10)
			b[i++] = hx[c >> 4];
		b[i++] = hx[c & 15];
		b[i++] = '}';
		v0_out_mem(p, b, (size_t)i);
	} else
		v0_out_cp(p, c);
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
	struct v0_ident id;

	v0_opt_integer_62(p, 's');
	if (v0_ident(p, &id) < 0)
		return;
	v0_out_ident(p, &id);
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
		v0_backref(p, const_arg, in_value);
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
		v0_list(p, inner_constant, ", ");
		out(p, "]");
		break;
	case 'T':
		out(p, "(");
		if (v0_list(p, inner_constant, ", ") == 1)
			out(p, ",");
		out(p, ")");
		break;
	case 'V':
		v0_path(p, 1);
		switch (next(p)) {
		case 'U':
			break;
		case 'T':
			out(p, "(");
			v0_list(p, inner_constant, ", ");
			out(p, ")");
			break;
		case 'S':
			out(p, " { ");
			v0_list(p, field, ", ");
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

void v0_constant(struct v0 *p)
{
	const_value(p, 0);
}

static void inner_constant(struct v0 *p)
{
	const_value(p, 1);
}
