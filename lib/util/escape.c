/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Control characters of names escaped for text outputs (util/escape.h). */
#include "config.h"

#include "util/escape.h"

static int is_ctrl(unsigned char ch)
{
	return ch < 0x20 || ch == 0x7f;
}

size_t esc_span(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && !is_ctrl((unsigned char)s[i]))
		i++;
	return i;
}

size_t esc_ctrl(unsigned char ch, char out[4])
{
	static const char hex[] = "0123456789abcdef";

	out[0] = '\\';
	switch (ch) {
	case '\t': out[1] = 't'; return 2;
	case '\n': out[1] = 'n'; return 2;
	case '\r': out[1] = 'r'; return 2;
	}
	out[1] = 'x';
	out[2] = hex[ch >> 4];
	out[3] = hex[ch & 15];
	return 4;
}

void esc_fputs(FILE *out, const char *s, size_t n)
{
	for (;;) {
		size_t k = esc_span(s, n);
		char e[4];

		fwrite_unlocked(s, 1, k, out);
		if (k == n)
			return;
		fwrite_unlocked(e, 1, esc_ctrl((unsigned char)s[k], e), out);
		s += k + 1;
		n -= k + 1;
	}
}
