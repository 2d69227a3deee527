/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * flamegraph.pl's palettes.  Colours are derived from the frame name so
 * that a function keeps its colour across graphs: by default as
 * flamegraph.pl does (perl's drand48 seeded with the sum of the name's
 * code points), with --hash from its weighted name hash.  --random draws
 * from drand48 with a fixed seed, so even it is reproducible.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/pf-int.h"
#include "flame/flame-int.h"

static const char *const palettes[] = {
	"hot", "mem", "io", "wakeup", "chain", "java", "js", "perl",
	"red", "green", "blue", "aqua", "yellow", "purple", "orange", NULL
};

int palette_known(const char *name)
{
	size_t i;

	for (i = 0; palettes[i]; i++)
		if (strcmp(palettes[i], name) == 0)
			return 1;
	return 0;
}

const char *palette_bg_default(const char *p)
{
	if (strcmp(p, "mem") == 0)
		return "green";
	if (strcmp(p, "io") == 0 || strcmp(p, "wakeup") == 0 || strcmp(p, "chain") == 0)
		return "blue";
	if (strcmp(p, "hot") == 0 || strcmp(p, "java") == 0 || strcmp(p, "js") == 0 ||
	    strcmp(p, "perl") == 0)
		return "yellow";
	return "grey";
}

/* perl's own drand48 (used by rand() since 5.20), so colours match. */
static double drand48_next(uint64_t *x)
{
	*x = (*x * 0x5DEECE66DULL + 0xB) & ((1ULL << 48) - 1);
	return ldexp((double)*x, -48);
}

static uint64_t drand48_seed(uint32_t seed)
{
	return ((uint64_t)seed << 16) + 0x330E;
}

/* Decode one UTF-8 code point at *P (invalid bytes stand for themselves),
   as perl sees the characters of a name read through :utf8. */
static uint32_t utf8_next(const unsigned char **p, const unsigned char *end)
{
	const unsigned char *s = *p;
	uint32_t c = *s;
	int n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
	int i;

	if (n == 0 || end - s <= n) {
		*p = s + 1;
		return c;
	}
	c &= 0x3f >> n;
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*p = s + 1;
			return *s;
		}
		c = c << 6 | (s[i] & 0x3f);
	}
	*p = s + n + 1;
	return c;
}

#define MAXCP 4096

/* The name as code points, at most MAXCP of them. */
static size_t code_points(const char *name, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)name, *end = p + len;
	size_t n = 0;

	while (p < end && n < MAXCP)
		cp[n++] = utf8_next(&p, end);
	return n;
}

/* flamegraph.pl's namehash: the first three characters weighted, after
   dropping a "module`" prefix. */
static double namehash(const uint32_t *cp, size_t n)
{
	double vector = 0, weight = 1, max = 1;
	int mod = 10;
	size_t i, start = 0;

	for (i = 1; i < n; i++) {
		if (cp[i] == '`') {
			start = i + 1;
			break;
		}
	}
	for (i = start; i < n; i++) {
		int v = (int)(cp[i] % (uint32_t)mod);

		vector += ((double)v / (mod++ - 1)) * weight;
		max += 1 * weight;
		weight *= 0.70;
		if (mod > 12)
			break;
	}
	return 1 - vector / max;
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

static int contains(const char *s, size_t len, const char *needle)
{
	return memmem(s, len, needle, strlen(needle)) != NULL;
}

static int java_prefix(const char *s, size_t len)
{
	static const char *const pkgs[] = {
		"java/", "javax/", "jdk/", "net/", "org/", "com/", "io/", "sun/", NULL
	};
	size_t i;

	if (len > 0 && s[0] == 'L') {
		s++;
		len--;
	}
	for (i = 0; pkgs[i]; i++)
		if (len >= strlen(pkgs[i]) && memcmp(s, pkgs[i], strlen(pkgs[i])) == 0)
			return 1;
	return 0;
}

/* The flat palette that a multi palette picks for NAME. */
static const char *pick(const char *type, const char *s, size_t n)
{
	if (strcmp(type, "java") == 0) {
		if (ends_with(s, n, "_[j]"))
			return "green";
		if (ends_with(s, n, "_[i]"))
			return "aqua";
		if (java_prefix(s, n) || contains(s, n, ":::"))
			return "green";
		if (contains(s, n, "::"))
			return "yellow";
		if (ends_with(s, n, "_[k]"))
			return "orange";
		return "red";
	}
	if (strcmp(type, "perl") == 0) {
		if (contains(s, n, "::"))
			return "yellow";
		if (contains(s, n, "Perl") || contains(s, n, ".pl"))
			return "green";
		if (ends_with(s, n, "_[k]"))
			return "orange";
		return "red";
	}
	if (strcmp(type, "js") == 0) {
		const char *slash = memchr(s, '/', n);

		if (ends_with(s, n, "_[j]"))
			return slash ? "green" : "aqua";
		if (contains(s, n, "::"))
			return "yellow";
		if (slash && contains(slash, n - (size_t)(slash - s), ".js"))
			return "green";
		if (memchr(s, ':', n))
			return "aqua";
		if (n == 1 && s[0] == ' ')
			return "green";
		if (contains(s, n, "_[k]"))
			return "orange";
		return "red";
	}
	if (strcmp(type, "wakeup") == 0)
		return "aqua";
	if (strcmp(type, "chain") == 0)
		return contains(s, n, "_[w]") ? "aqua" : "blue";
	return type;
}

void colour_name(struct colour_state *cs, const char *name, size_t len, char *buf)
{
	uint32_t cp[MAXCP], rev[MAXCP];
	double v1, v2, v3;
	const char *t;
	int r, g, b;

	if (cs->hash) {
		size_t n = code_points(name, len, cp), i;

		for (i = 0; i < n; i++)
			rev[i] = cp[n - 1 - i];
		v1 = namehash(cp, n);
		v2 = v3 = namehash(rev, n);
	} else if (cs->random) {
		v1 = drand48_next(&cs->rand_state);
		v2 = drand48_next(&cs->rand_state);
		v3 = drand48_next(&cs->rand_state);
	} else {
		/* srand(sum of code points); rand(1), three times over */
		const unsigned char *p = (const unsigned char *)name, *end = p + len;
		uint32_t sum = 0;
		uint64_t x;

		while (p < end)
			sum += utf8_next(&p, end);
		x = drand48_seed(sum);
		v1 = v2 = v3 = drand48_next(&x);
	}
	t = cs->palette;
	if (strcmp(t, "hot") == 0) {
		r = 205 + (int)(50 * v3);
		g = (int)(230 * v1);
		b = (int)(55 * v2);
	} else if (strcmp(t, "mem") == 0) {
		r = 0;
		g = 190 + (int)(50 * v2);
		b = (int)(210 * v1);
	} else if (strcmp(t, "io") == 0) {
		r = g = 80 + (int)(60 * v1);
		b = 190 + (int)(55 * v2);
	} else {
		t = pick(t, name, len);
		if (strcmp(t, "red") == 0) {
			r = 200 + (int)(55 * v1);
			g = b = 50 + (int)(80 * v1);
		} else if (strcmp(t, "green") == 0) {
			g = 200 + (int)(55 * v1);
			r = b = 50 + (int)(60 * v1);
		} else if (strcmp(t, "blue") == 0) {
			b = 205 + (int)(50 * v1);
			r = g = 80 + (int)(60 * v1);
		} else if (strcmp(t, "yellow") == 0) {
			r = g = 175 + (int)(55 * v1);
			b = 50 + (int)(20 * v1);
		} else if (strcmp(t, "purple") == 0) {
			r = b = 190 + (int)(65 * v1);
			g = 80 + (int)(60 * v1);
		} else if (strcmp(t, "aqua") == 0) {
			r = 50 + (int)(60 * v1);
			g = b = 165 + (int)(55 * v1);
		} else if (strcmp(t, "orange") == 0) {
			r = 190 + (int)(65 * v1);
			g = 90 + (int)(65 * v1);
			b = 0;
		} else {
			r = g = b = 0;
		}
	}
	snprintf(buf, 32, "rgb(%d,%d,%d)", r, g, b);
}

void colour_delta(double value, double max, int negate, char *buf)
{
	int r = 255, g = 255, b = 255;

	if (negate)
		value = -value;
	if (value > 0)
		g = b = (int)(210 * (max - value) / max);
	else if (value < 0)
		r = g = (int)(210 * (max + value) / max);
	snprintf(buf, 32, "rgb(%d,%d,%d)", r, g, b);
}
