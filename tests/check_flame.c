/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the flame graph builder and writers: the merge (lines
 * sorted as text, so "a 1" and "a;b" and "a1" order as flamegraph.pl
 * orders them), pruning by --minwidth, --total, option checks, the frame
 * markup and flamegraph.pl's colours, and the --text tables.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "check-run.h"

static pf_folded *load(const char *text)
{
	pf_folded *f = pf_folded_new(0);
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		ck_assert_int_ge(pf_folded_add_line(f, p, len, "t", 1), 0);
		p += len + (nl ? 1 : 0);
	}
	return f;
}

/* The SVG for TEXT with options O, in a string the caller frees. */
static char *svg(const char *text, const pf_flame_opts *o, size_t *frames)
{
	pf_folded *f = load(text);
	pf_flame *g = pf_flame_build(f, o);
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(g);
	if (frames)
		*frames = pf_flame_frames(g);
	ck_assert_int_eq(pf_flame_write_svg(g, out), 0);
	fclose(out);
	pf_flame_free(g);
	pf_folded_free(f);
	return buf;
}

START_TEST(test_frame_markup)
{
	pf_flame_opts o;
	size_t n;
	char *s;

	pf_flame_opts_init(&o);
	o.hash = 1;
	s = svg("a;b;c 10\na;b;d 5\na;e 3\nf 200\n", &o, &n);
	ck_assert_uint_eq(n, 7);
	ck_assert(strstr(s, "<g >\n<title>b (15 samples, 6.88%)</title><rect x=\"10.0\" y=\"53\" "
			    "width=\"81.2\" height=\"15.0\" fill=\"rgb(232,127,30)\" rx=\"2\" ry=\"2\" />\n"
			    "<text  x=\"13.00\" y=\"63.5\" >b</text>\n</g>\n") != NULL);
	ck_assert(strstr(s, "<title>all (218 samples, 100%)</title>") != NULL);
	ck_assert(strstr(s, "<svg version=\"1.1\" width=\"1200\" height=\"134\"") != NULL);
	free(s);
}
END_TEST

START_TEST(test_order_and_merge)
{
	pf_flame_opts o;
	size_t n;
	char *s, *a1, *a2, *a3;

	pf_flame_opts_init(&o);
	/* "a 1" < "a1 1" < "a;z 1" as text: two separate "a" frames */
	s = svg("a;z 1\na1 1\na 1\n", &o, &n);
	ck_assert_uint_eq(n, 5);
	a1 = strstr(s, "<title>a (1 samples");
	ck_assert_ptr_nonnull(a1);
	a2 = strstr(a1 + 1, "<title>a1 (1 samples");
	ck_assert_ptr_nonnull(a2);
	a3 = strstr(a2 + 1, "<title>a (1 samples");
	ck_assert_ptr_nonnull(a3);
	free(s);
	/* equal stacks merge, wherever they were */
	s = svg("x;y 2\nq 1\nx;y 3\n", &o, &n);
	ck_assert_uint_eq(n, 4);
	ck_assert(strstr(s, "<title>y (5 samples, 83.33%)</title>") != NULL);
	free(s);
	/* a flame chart keeps the input order and merges only neighbours */
	o.flamechart = 1;
	s = svg("x;y 2\nq 1\nx;y 3\n", &o, &n);
	ck_assert_uint_eq(n, 6);
	ck_assert(strstr(s, ">Flame Chart</text>") != NULL);
	free(s);
}
END_TEST

START_TEST(test_prune_total)
{
	pf_flame_opts o;
	size_t n;
	char *s;

	pf_flame_opts_init(&o);
	/* 1 of 100000 is 0.0118 px: dropped, and its child with it */
	s = svg("big 99999\nsmall;child 1\n", &o, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert(strstr(s, "small") == NULL);
	free(s);
	o.minwidth = 0;
	s = svg("big 99999\nsmall;child 1\n", &o, &n);
	ck_assert_uint_eq(n, 4);
	free(s);
	/* percent of the total */
	o.minwidth = 30;
	o.minwidth_pct = 1;
	s = svg("a 70\nb 25\nc 5\n", &o, &n);
	ck_assert_uint_eq(n, 2);
	free(s);
	/* --total widens the scale; --factor scales titles */
	pf_flame_opts_init(&o);
	o.total = 200;
	o.factor = 3;
	s = svg("a 100\n", &o, &n);
	ck_assert(strstr(s, "<title>a (300 samples, 50.00%)</title><rect x=\"10.0\" y=\"37\" width=\"590.0\"") != NULL);
	ck_assert(strstr(s, "<title>all (600 samples, 100%)</title>") != NULL);
	free(s);
}
END_TEST

START_TEST(test_diff_colours)
{
	pf_flame_opts o;
	char *s;

	pf_flame_opts_init(&o);
	s = svg("m;grew 10 20\nm;same 5 5\nm;shrank 20 10\n", &o, NULL);
	ck_assert(strstr(s, "<title>grew (20 samples, 57.14%; +28.57%)</title>") != NULL);
	ck_assert(strstr(s, "fill=\"rgb(255,0,0)\"") != NULL);	/* the largest growth */
	ck_assert(strstr(s, "fill=\"rgb(0,0,255)\"") != NULL);	/* the largest loss */
	ck_assert(strstr(s, "fill=\"rgb(255,255,255)\"") != NULL);
	free(s);
	o.negate = 1;
	s = svg("m;grew 10 20\n", &o, NULL);
	ck_assert(strstr(s, "<title>grew (20 samples, 100.00%; -50.00%)</title>") != NULL);
	free(s);
}
END_TEST

START_TEST(test_colours)
{
	pf_flame_opts o;
	char *s;

	pf_flame_opts_init(&o);
	/* flamegraph.pl's default: srand(sum of code points), rand(1) */
	s = svg("a 1\n-;-- 1\n", &o, NULL);
	ck_assert(strstr(s, "<title>all (2 samples, 100%)</title><rect x=\"10.0\" y=\"69\" "
			    "width=\"1180.0\" height=\"15.0\" fill=\"rgb(213,39,9)\"") != NULL);
	ck_assert(strstr(s, "<title>- (1 samples, 50.00%)</title><rect x=\"10.0\" y=\"53\" "
			    "width=\"590.0\" height=\"15.0\" fill=\"rgb(200,200,200)\"") != NULL);
	ck_assert(strstr(s, "fill=\"rgb(160,160,160)\"") != NULL);
	free(s);
	/* java: annotations pick the hue and are not shown */
	o.colors = "java";
	o.hash = 1;
	s = svg("k_[k] 1\nj_[j] 1\ni_[i] 1\nfoo::bar 1\njava/lang/X 1\nc 1\n", &o, NULL);
	ck_assert(strstr(s, "<title>k (1 samples") != NULL);
	ck_assert(strstr(s, ">k</text>") != NULL);
	ck_assert(strstr(s, "_[k]") == NULL);
	ck_assert(strstr(s, "<title>k (1 samples, 16.67%)</title><rect x=\"993.3\" y=\"37\" "
			    "width=\"196.7\" height=\"15.0\" fill=\"rgb(222,122,0)\"") != NULL);
	free(s);
}
END_TEST

START_TEST(test_errors)
{
	pf_flame_opts o;
	pf_folded *f;

	pf_flame_opts_init(&o);
	o.colors = "plaid";
	ck_assert_int_eq(pf_flame_opts_check(&o), -1);
	ck_assert(strstr(pf_errmsg(), "plaid") != NULL);
	pf_flame_opts_init(&o);
	o.bgcolors = "#12345";
	ck_assert_int_eq(pf_flame_opts_check(&o), -1);
	o.bgcolors = "#123abc";
	ck_assert_int_eq(pf_flame_opts_check(&o), 0);
	o.notes = "a <b>";
	ck_assert_int_eq(pf_flame_opts_check(&o), -1);
	pf_flame_opts_init(&o);
	f = load("a 0\nbad\n");
	ck_assert_ptr_null(pf_flame_build(f, &o));
	ck_assert_str_eq(pf_errmsg(), "no stack counts found");
	pf_folded_free(f);
}
END_TEST

START_TEST(test_text)
{
	pf_folded *f = load("m;a;a 3\nm;b 1\nm 1\n");
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	ck_assert_int_eq(pf_flame_write_text(f, out, 2, "faults"), 0);
	fclose(out);
	ck_assert(strstr(buf, "Total: 5 faults in 3 stacks, 3 functions\n") != NULL);
	/* ties by name; recursion counts once in the total */
	ck_assert(strstr(buf, "Top 2 functions by self faults:\n"
			      "  self    self%  total   total%  function\n"
			      "     3   60.00%      3   60.00%  a\n"
			      "     1   20.00%      1   20.00%  b\n") != NULL);
	ck_assert(strstr(buf, "Top 2 functions by total faults:\n"
			      "  self    self%  total   total%  function\n"
			      "     1   20.00%      5  100.00%  m\n"
			      "     3   60.00%      3   60.00%  a\n") != NULL);
	free(buf);
	pf_folded_free(f);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("flame");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_frame_markup);
	tcase_add_test(tc, test_order_and_merge);
	tcase_add_test(tc, test_prune_total);
	tcase_add_test(tc, test_diff_colours);
	tcase_add_test(tc, test_colours);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_text);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
