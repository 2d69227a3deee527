/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pfrecord --stat's rows against perf stat 6.1's formats, fed the counts
 * of a machine with a PMU (this test needs none): insn per cycle and the
 * miss ratios, a multiplexed counter's scaling and share, <not supported>
 * and <not counted>, the spread of repeated runs, and the -x columns.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/perf-open-int.h"
#include "pfrecord-stat.h"
#include "check-run.h"

/* The rows printed, in a string the test owns. */
static char *print(const struct stat_row *rows, size_t n, int runs, double wall_ns,
		   const char *sep)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	stat_print_rows(f, rows, n, runs, wall_ns, sep);
	fclose(f);
	return text;
}

START_TEST(test_scale)
{
	ck_assert(perf_scale(1000, 200, 200) == 1000);
	ck_assert(perf_scale(1000, 300, 100) == 3000);          /* ran a third of the time */
	ck_assert(perf_scale(1000, 300, 0) == 1000);            /* never ran: not scaled */
}
END_TEST

START_TEST(test_derived)
{
	struct stat_row rows[] = {
		{ "cycles", 1, 2000000, 0, 100, 100 },
		{ "instructions", 1, 3000000, 0, 100, 100 },
		{ "branches", 1, 400000, 0, 100, 100 },
		{ "branch-misses", 1, 20000, 0, 100, 100 },
		{ "cache-references", 1, 80000, 0, 100, 50 },
		{ "cache-misses", 1, 8000, 0, 100, 50 },
	};
	char *t = print(rows, 6, 1, 0, NULL);

	ck_assert_ptr_nonnull(strstr(t,
		"           3000000      instructions                     #    1.50  insn per cycle\n"));
	ck_assert_ptr_nonnull(strstr(t,
		"             20000      branch-misses                    #    5.00% of all branches\n"));
	/* Multiplexed: scaled already, the share it ran follows. */
	ck_assert_ptr_nonnull(strstr(t,
		"              8000      cache-misses                     #   10.000 % of all cache refs"
		"      (50.00%)\n"));
	ck_assert_ptr_nonnull(strstr(t, "           2000000      cycles\n"));
	free(t);
	t = print(rows, 6, 1, 0, ",");
	ck_assert_ptr_nonnull(strstr(t, "3000000,,instructions,100,100.00,1.50,insn per cycle\n"));
	ck_assert_ptr_nonnull(strstr(t, "8000,,cache-misses,50,50.00,10.000,of all cache refs\n"));
	ck_assert_ptr_nonnull(strstr(t, "2000000,,cycles,100,100.00,,\n"));
	free(t);
}
END_TEST

START_TEST(test_clock_and_rates)
{
	struct stat_row rows[] = {
		{ "task-clock", 1, 4000000, 0, 4000000, 4000000 },
		{ "page-faults", 1, 60, 0, 4000000, 4000000 },
		{ "cycles", 1, 8000000, 0, 4000000, 4000000 },
	};
	char *t = print(rows, 3, 1, 8000000, NULL);

	ck_assert_ptr_nonnull(strstr(t,
		"              4.00 msec task-clock                       #    0.500 CPUs utilized\n"));
	ck_assert_ptr_nonnull(strstr(t,
		"                60      page-faults                      #   15.000 K/sec\n"));
	ck_assert_ptr_nonnull(strstr(t,
		"           8000000      cycles                           #    2.000 GHz\n"));
	free(t);
	t = print(rows, 3, 1, 8000000, ",");
	ck_assert_ptr_nonnull(strstr(t, "4.00,msec,task-clock,4000000,100.00,0.500,CPUs utilized\n"));
	free(t);
}
END_TEST

START_TEST(test_missing_and_runs)
{
	struct stat_row rows[] = {
		{ "cycles", 0, 0, 0, 0, 0 },
		{ "instructions", 1, 0, 0, 500, 0 },
		{ "page-faults", 1, 49, 1.18, 3436198, 3436198 },
	};
	char *t = print(rows, 3, 3, 0, NULL);

	ck_assert_ptr_nonnull(strstr(t, "   <not supported>      cycles\n"));
	ck_assert_ptr_nonnull(strstr(t, "     <not counted>      instructions\n"));
	ck_assert_ptr_nonnull(strstr(t, "                49      page-faults"
		"                                                          ( +-  1.18% )\n"));
	free(t);
	/* perf stat -r 3 -x,: value, unit, event, spread, run, share, metric, unit */
	t = print(rows, 3, 3, 0, ",");
	ck_assert_ptr_nonnull(strstr(t, "<not supported>,,cycles,0.00%,0,100.00,,\n"));
	ck_assert_ptr_nonnull(strstr(t, "49,,page-faults,1.18%,3436198,100.00,,\n"));
	free(t);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("statprint");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_scale);
	tcase_add_test(tc, test_derived);
	tcase_add_test(tc, test_clock_and_rates);
	tcase_add_test(tc, test_missing_and_runs);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
