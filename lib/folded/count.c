/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Counts of folded stacks.  Integer counts stay 64-bit integers from the
 * text read to the text written, so that sums are exact up to 2^64 - 1 and
 * a sum past it is an error, never a rounded float; a profile whose input
 * has a fraction ("2.5") is summed in doubles, as the perl tools sum it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/pf-int.h"
#include "util/numfmt.h"
#include "util/escape.h"
#include "folded/folded-int.h"

int folded_count(const char *p, size_t n, struct fcount *c)
{
	char buf[64];
	uint64_t v = 0;
	size_t i;
	int frac;

	for (i = 0; i < n && p[i] != '.'; i++) {
		unsigned d = (unsigned)(p[i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	frac = i + 1 < n;	/* a digit after the '.' */
	c->n = v;
	if (!frac) {
		c->v = (double)v;
		return 0;
	}
	if (n >= sizeof buf)
		n = sizeof buf - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	c->v = strtod(buf, NULL);
	return 1;
}

int fcount_add(struct fcount *sum, const struct fcount *c)
{
	if (sum->n + c->n < sum->n)
		return -1;
	sum->n += c->n;
	sum->v += c->v;
	return 0;
}

/* The digits of N, with a comma every three when COMMAS. */
static size_t u64_text(char *buf, size_t size, uint64_t n, int commas)
{
	char tmp[32];
	size_t k = 0, o = 0, i;

	do
		tmp[k++] = (char)('0' + n % 10);
	while ((n /= 10) != 0);
	for (i = k; i-- > 0 && o + 2 < size;) {
		buf[o++] = tmp[i];
		if (commas && i > 0 && i % 3 == 0)
			buf[o++] = ',';
	}
	buf[o] = '\0';
	return o;
}

void fcount_format(char *buf, size_t size, const struct fcount *c, int decimal,
		   enum fcount_style style)
{
	if (style == FCOUNT_PLAIN) {
		if (decimal)
			perl_num(buf, size, c->v);
		else
			u64_text(buf, size, c->n, 0);
	} else if (decimal) {
		commify(buf, size, c->v);
	} else {
		u64_text(buf, size, c->n, 1);
	}
}

void fcount_put(FILE *out, const struct fcount *c, int decimal)
{
	char buf[64];

	fcount_format(buf, sizeof buf, c, decimal, FCOUNT_PLAIN);
	fputs_unlocked(buf, out);
}

void folded_put_text(FILE *out, const char *s, size_t n)
{
	esc_fputs(out, s, n);
}
