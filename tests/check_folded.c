/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the folded-stack reader: the split of a line into stack
 * and counts exactly as flamegraph.pl's regular expression splits it, the
 * frames (perl's split drops trailing empty fields), --reverse, -s, the
 * skipped-line count, and the reuse of frame ids between lines.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pf/pf.h>
#include "check-run.h"

static int split(const char *line, size_t *stack_len, double *c1, double *c2)
{
	return pf_folded_split(line, strlen(line), stack_len, c1, c2);
}

START_TEST(test_split)
{
	size_t sl;
	double a, b;

	ck_assert_int_eq(split("a;b;c 42", &sl, &a, &b), 1);
	ck_assert_uint_eq(sl, 5);
	ck_assert(a == 42 && b == 42);
	/* the blank before the count is one; others stay in the stack */
	ck_assert_int_eq(split("a;b  7", &sl, &a, &b), 1);
	ck_assert_uint_eq(sl, 4);
	ck_assert_int_eq(split("a;b\t7", &sl, &a, &b), 1);
	ck_assert_uint_eq(sl, 3);
	/* fractions, and perl's "5." */
	ck_assert_int_eq(split("x 1.25", &sl, &a, &b), 1);
	ck_assert(a == 1.25);
	ck_assert_int_eq(split("x 5.", &sl, &a, &b), 1);
	ck_assert(a == 5);
	/* integers up to 15 digits are read without strtod: both sides of it */
	ck_assert_int_eq(split("x 999999999999999", &sl, &a, &b), 1);
	ck_assert(a == 999999999999999.0);
	ck_assert_int_eq(split("x 9007199254740993", &sl, &a, &b), 1);
	ck_assert(a == 9007199254740992.0);	/* rounded as strtod rounds */
	ck_assert_int_eq(split("x 000000000000000000042", &sl, &a, &b), 1);
	ck_assert(a == 42);
	ck_assert_int_eq(split("x 0.5", &sl, &a, &b), 1);
	ck_assert(a == 0.5);
	/* two counts: differential */
	ck_assert_int_eq(split("a;b 3 10", &sl, &a, &b), 2);
	ck_assert_uint_eq(sl, 3);
	ck_assert(a == 3 && b == 10);
	/* an empty stack is still a stack */
	ck_assert_int_eq(split(" 5", &sl, &a, &b), 1);
	ck_assert_uint_eq(sl, 0);
	/* not folded */
	ck_assert_int_eq(split("a;b", &sl, &a, &b), 0);
	ck_assert_int_eq(split("a;b .5", &sl, &a, &b), 0);
	ck_assert_int_eq(split("a;b 1.2.3", &sl, &a, &b), 0);
	ck_assert_int_eq(split("a;b -3", &sl, &a, &b), 0);
	ck_assert_int_eq(split("5", &sl, &a, &b), 0);
	ck_assert_int_eq(split("", &sl, &a, &b), 0);
}
END_TEST

static void add(pf_folded *f, const char *line, int want)
{
	ck_assert_int_eq(pf_folded_add_line(f, line, strlen(line), "t", 1), want);
}

/* The frames of line I joined with '|'. */
static const char *frames(pf_folded *f, size_t i)
{
	static char buf[512];
	size_t n, k, len, o = 0;
	const uint32_t *ids = pf_folded_line(f, i, &n, NULL, NULL);

	buf[0] = '\0';
	for (k = 0; k < n; k++) {
		const char *s = pf_folded_name(f, ids[k], &len);

		o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%.*s", k ? "|" : "", (int)len, s);
	}
	return buf;
}

START_TEST(test_frames)
{
	pf_folded *f = pf_folded_new(0);
	const struct pf_folded_stats *st;

	add(f, "a;b;c 3", 1);
	add(f, "a;b; 2", 1);
	add(f, ";x;;y 1", 1);
	add(f, "   ", 0);
	add(f, "", 0);
	add(f, "no count here", 0);
	add(f, "a;b 1 4", 1);
	ck_assert_uint_eq(pf_folded_stats(f)->lines, 4);
	ck_assert_str_eq(frames(f, 0), "a|b|c");
	ck_assert_str_eq(frames(f, 1), "a|b");	/* trailing empty field dropped */
	ck_assert_str_eq(frames(f, 2), "|x||y");	/* inner and leading ones kept */
	ck_assert_str_eq(frames(f, 3), "a|b");
	st = pf_folded_stats(f);
	ck_assert_uint_eq(st->skipped, 1);
	ck_assert_str_eq(st->first_skipped, "t:1");
	ck_assert(st->diff);
	ck_assert(!st->decimal);
	ck_assert_uint_eq(st->total, 3 + 2 + 1 + 4);
	ck_assert_uint_eq(st->total_first, 3 + 2 + 1 + 1);
	pf_folded_free(f);
}
END_TEST

START_TEST(test_reuse)
{
	pf_folded *f = pf_folded_new(0);
	size_t n1, n2;
	const uint32_t *l1, *l2;

	add(f, "main;work;compute 1", 1);
	add(f, "main;work;computer 1", 1);	/* the last frame only looks shared */
	add(f, "main;worker 1", 1);
	add(f, "main;work;compute;x 1", 1);
	ck_assert_str_eq(frames(f, 1), "main|work|computer");
	ck_assert_str_eq(frames(f, 2), "main|worker");
	ck_assert_str_eq(frames(f, 3), "main|work|compute|x");
	l1 = pf_folded_line(f, 0, &n1, NULL, NULL);
	l2 = pf_folded_line(f, 3, &n2, NULL, NULL);
	ck_assert(l1[0] == l2[0] && l1[1] == l2[1] && l1[2] == l2[2]);
	ck_assert_uint_eq(pf_folded_stats(f)->names, 6);
	pf_folded_free(f);
}
END_TEST

START_TEST(test_reverse_striphex)
{
	pf_folded *f = pf_folded_new(PF_FOLDED_REVERSE);
	pf_folded *g = pf_folded_new(PF_FOLDED_STRIPHEX);

	add(f, "a;b;c 3", 1);
	add(f, "a;b 1 2", 1);
	ck_assert_str_eq(frames(f, 0), "c|b|a");
	ck_assert_str_eq(frames(f, 1), "b|a");
	ck_assert_uint_eq(pf_folded_stats(f)->total, 5);
	add(g, "f;0x1f;g0xABCq;0x;0xz 2", 1);
	ck_assert_str_eq(frames(g, 0), "f|0x...|g0x...q|0x|0xz");
	pf_folded_free(f);
	pf_folded_free(g);
}
END_TEST

START_TEST(test_read)
{
	char path[] = "/tmp/check_folded.XXXXXX";
	int fd = mkstemp(path);
	FILE *out;
	pf_folded *f = pf_folded_new(0);

	ck_assert_int_ge(fd, 0);
	out = fdopen(fd, "w");
	fputs("a;b 1\r\nbad\r\na;c 2", out);	/* CRLF, no final newline */
	fclose(out);
	ck_assert_int_eq(pf_folded_read(f, path), 0);
	ck_assert_uint_eq(pf_folded_stats(f)->lines, 2);
	ck_assert_uint_eq(pf_folded_stats(f)->skipped, 1);
	ck_assert(strstr(pf_folded_stats(f)->first_skipped, ":2") != NULL);
	ck_assert_int_eq(pf_folded_read(f, "/nonexistent/x.folded"), -1);
	ck_assert(strstr(pf_errmsg(), "/nonexistent/x.folded") != NULL);
	unlink(path);
	pf_folded_free(f);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("folded");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_split);
	tcase_add_test(tc, test_frames);
	tcase_add_test(tc, test_reuse);
	tcase_add_test(tc, test_reverse_striphex);
	tcase_add_test(tc, test_read);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
