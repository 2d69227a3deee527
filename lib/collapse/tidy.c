/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Symbol tidying for folded stacks.  One pass over the name copies it and
 * acts only on the few bytes that matter (; " ' ( < > { } and the end of an
 * "operator" keyword), so long C++ names cost little more than a memcpy.
 */
#include "config.h"

#include <string.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "collapse/collapse-int.h"

enum { C_PLAIN, C_SEMI, C_QUOTE, C_OPEN, C_CLOSE, C_PAREN, C_PCLOSE };

static unsigned char cls[256] = {
	[';'] = C_SEMI, ['"'] = C_QUOTE, ['\''] = C_QUOTE,
	['<'] = C_OPEN, ['{'] = C_OPEN, ['>'] = C_CLOSE, ['}'] = C_CLOSE,
	['('] = C_PAREN, [')'] = C_PCLOSE,
};

static int is_ident(unsigned char c)
{
	return c == '_' || (c >= '0' && c <= '9') ||
	       ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* perl keeps Go method names ("net/http.(*Client).Do") whole: a ".(" with
   a ")." somewhere after it. */
static int go_method(const char *s, size_t n)
{
	size_t i, first = n;

	for (i = 0; i + 1 < n; i++)
		if (s[i] == '.' && s[i + 1] == '(') {
			first = i;
			break;
		}
	if (first == n)
		return 0;
	for (i = n - 1; i > first + 2; i--)
		if (s[i] == '.' && s[i - 1] == ')')
			return 1;
	return 0;
}

/* Does the text before position I end with the keyword "operator"? */
static int after_operator(const char *s, size_t i)
{
	return i >= 8 && memcmp(s + i - 8, "operator", 8) == 0 &&
	       (i == 8 || !is_ident((unsigned char)s[i - 9]));
}

/* Length of the operator token at S ("()", "<<=", "->*" ...). */
static size_t operator_token(const char *s, size_t n)
{
	size_t i = 0;

	if (n >= 2 && s[0] == '(' && s[1] == ')')
		return 2;
	while (i < n && strchr("<>=!+-*/%^&|~,", s[i]) && s[i])
		i++;
	return i;
}

/* Offset just past the ')' matching the '(' at S[0], or 0. */
static size_t match_paren(const char *s, size_t n)
{
	size_t i, depth = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && --depth == 0)
			return i + 1;
	}
	return 0;
}

void tidy_symbol(struct buf *out, const char *s, size_t n, int java)
{
	char *o = out->p + out->len, *start = o;
	int nocut = go_method(s, n);
	size_t i, depth = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		size_t k;

		switch (cls[c]) {
		case C_PLAIN:
			*o++ = (char)c;
			continue;
		case C_SEMI:
			*o++ = ':';
			continue;
		case C_QUOTE:
			continue;
		case C_OPEN:
		case C_CLOSE:
			if (after_operator(s, i) &&
			    (k = operator_token(s + i, n - i)) > 0) {
				memcpy(o, s + i, k);
				o += k;
				i += k - 1;
				continue;
			}
			if (cls[c] == C_OPEN)
				depth++;
			else if (depth)
				depth--;
			*o++ = (char)c;
			continue;
		case C_PCLOSE:
			if (depth)
				depth--;
			*o++ = (char)c;
			continue;
		}
		/* '(' */
		if (after_operator(s, i) && i + 1 < n && s[i + 1] == ')') {
			*o++ = '(';
			*o++ = ')';
			i++;
			continue;
		}
		if (n - i >= 21 && memcmp(s + i, "(anonymous namespace)", 21) == 0) {
			memcpy(o, s + i, 21);
			o += 21;
			i += 20;
			continue;
		}
		if (depth || nocut) {
			depth++;
			*o++ = '(';
			continue;
		}
		/* At the top level: an argument list, unless a scope follows
		   it as in "main()::<lambda(int)>". */
		k = match_paren(s + i, n - i);
		if (k && i + k + 2 <= n && s[i + k] == ':' && s[i + k + 1] == ':') {
			depth++;
			*o++ = '(';
			continue;
		}
		break;
	}
	/* Java: after the tidying, as perl does it. */
	if (java && o > start && *start == 'L' &&
	    memchr(start, '/', (size_t)(o - start))) {
		memmove(start, start + 1, (size_t)(o - start - 1));
		o--;
	}
	out->len += (size_t)(o - start);
}
