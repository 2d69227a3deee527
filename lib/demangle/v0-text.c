/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The lexical part of Rust v0 demangling: base-62 numbers, identifiers
 * (with RFC 3492 punycode for non-ASCII ones) and the bounded output
 * buffer.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "demangle/v0-int.h"

void v0_out_mem(struct v0 *p, const char *s, size_t n)
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

void v0_out_u64(struct v0 *p, uint64_t v)
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
void v0_out_cp(struct v0 *p, uint32_t c)
{
	char b[4];

	if (c < 0x80) {
		b[0] = (char)c;
		v0_out_mem(p, b, 1);
	} else if (c < 0x800) {
		b[0] = (char)(0xc0 | c >> 6);
		b[1] = (char)(0x80 | (c & 0x3f));
		v0_out_mem(p, b, 2);
	} else if (c < 0x10000) {
		b[0] = (char)(0xe0 | c >> 12);
		b[1] = (char)(0x80 | (c >> 6 & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		v0_out_mem(p, b, 3);
	} else {
		b[0] = (char)(0xf0 | c >> 18);
		b[1] = (char)(0x80 | (c >> 12 & 0x3f));
		b[2] = (char)(0x80 | (c >> 6 & 0x3f));
		b[3] = (char)(0x80 | (c & 0x3f));
		v0_out_mem(p, b, 4);
	}
}

uint64_t v0_integer_62(struct v0 *p)
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
uint64_t v0_opt_integer_62(struct v0 *p, int tag)
{
	if (!eat(p, tag))
		return 0;
	uint64_t x = v0_integer_62(p);
	return x == UINT64_MAX ? (uint64_t)fail(p) : x + 1;
}

int v0_ident(struct v0 *p, struct v0_ident *id)
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
static int punycode(const struct v0_ident *id, uint32_t *cp, size_t *ncp)
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

void v0_out_ident(struct v0 *p, const struct v0_ident *id)
{
	uint32_t cp[128];
	size_t n;

	if (!id->plen) {
		v0_out_mem(p, id->ascii, id->alen);
		return;
	}
	if (punycode(id, cp, &n) == 0) {
		for (size_t i = 0; i < n; i++)
			v0_out_cp(p, cp[i]);
		return;
	}
	out(p, "punycode{");
	if (id->alen) {
		v0_out_mem(p, id->ascii, id->alen);
		out(p, "-");
	}
	v0_out_mem(p, id->puny, id->plen);
	out(p, "}");
}
