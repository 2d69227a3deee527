/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the folded-stack table (lib/fold.c): merging, bytewise
 * order, growth over many stacks, saturation, keys with NUL bytes, and the
 * written format; plus the collapser on top of it (lib/collapse.c).
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "check-run.h"

static char *written(pf_fold *f)
{
	static char buf[4096];
	FILE *mem = fmemopen(buf, sizeof buf, "w");

	ck_assert_ptr_nonnull(mem);
	ck_assert_int_eq(pf_fold_write(f, mem), 0);
	fclose(mem);
	return buf;
}

static void add(pf_fold *f, const char *s, uint64_t n)
{
	ck_assert_int_eq(pf_fold_add(f, s, strlen(s), n), 0);
}

START_TEST(merge_and_sort)
{
	pf_fold *f = pf_fold_new();

	ck_assert_ptr_nonnull(f);
	add(f, "b;x", 1);
	add(f, "a;b", 2);
	add(f, "a", 3);
	add(f, "a;b", 5);
	add(f, "\xc3\xa9t\xc3\xa9", 1);	/* bytes over 0x7f sort last */
	add(f, "B", 1);			/* upper case before lower */
	ck_assert_uint_eq(pf_fold_size(f), 5);
	ck_assert_uint_eq(pf_fold_get(f, "a;b", 3), 7);
	ck_assert_uint_eq(pf_fold_get(f, "a;c", 3), 0);
	ck_assert_str_eq(written(f), "B 1\na 3\na;b 7\nb;x 1\n\xc3\xa9t\xc3\xa9 1\n");
	pf_fold_free(f);
}
END_TEST

START_TEST(many_stacks)
{
	pf_fold *f = pf_fold_new();
	char key[64];
	int i, round;

	for (round = 1; round <= 3; round++)
		for (i = 0; i < 100000; i++) {
			snprintf(key, sizeof key, "comm;main;f%d;g", i);
			add(f, key, (uint64_t)i);
		}
	ck_assert_uint_eq(pf_fold_size(f), 100000);
	for (i = 0; i < 100000; i += 997) {
		snprintf(key, sizeof key, "comm;main;f%d;g", i);
		ck_assert_uint_eq(pf_fold_get(f, key, strlen(key)), 3 * (uint64_t)i);
	}
	pf_fold_free(f);
}
END_TEST

START_TEST(overflow_and_nul)
{
	pf_fold *f = pf_fold_new();

	/* A sum past 2^64 - 1 is an error, not a saturated count. */
	add(f, "x", UINT64_MAX - 5);
	add(f, "x", 5);
	ck_assert_uint_eq(pf_fold_get(f, "x", 1), UINT64_MAX);
	ck_assert_int_eq(pf_fold_add(f, "x", 1, 1), -1);
	ck_assert_str_eq(pf_errmsg(), "the count of a stack does not fit in 64 bits");
	ck_assert_uint_eq(pf_fold_get(f, "x", 1), UINT64_MAX);
	ck_assert_int_eq(pf_fold_add(f, "a\0b", 3, 1), 0);
	ck_assert_int_eq(pf_fold_add(f, "a\0c", 3, 1), 0);
	ck_assert_uint_eq(pf_fold_size(f), 3);
	ck_assert_uint_eq(pf_fold_get(f, "a\0b", 3), 1);
	pf_fold_free(f);
}
END_TEST

static void feed(pf_collapse *c, const char *text)
{
	char *copy = strdup(text), *line, *save = NULL;

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		ck_assert_int_ge(pf_collapse_line(c, strcmp(line, ".") ? line : "",
						  strcmp(line, ".") ? strlen(line) : 0), 0);
	free(copy);
}

START_TEST(collapse_api)
{
	struct pf_collapse_opts o;
	pf_collapse *c;

	pf_collapse_opts_init(&o);
	o.tid = o.kernel = 1;
	c = pf_collapse_new(&o);
	ck_assert_ptr_nonnull(c);
	/* "." stands for a blank line. */
	feed(c, "app 10/11 1.0: 3 page-faults: \n"
		"\tffffffff81000c82 asm_exc_page_fault+0x22 ([kernel.kallsyms])\n"
		"\t401136 main+0x16 (/usr/bin/app)\n"
		".\n"
		"app 10/11 1.1: 2 page-faults: \n"
		"\tffffffff81000c82 asm_exc_page_fault+0x30 ([kernel.kallsyms])\n"
		"\t401136 main+0x20 (/usr/bin/app)\n"
		".\n"
		"app 10/11 1.2: 7 cpu-clock: \n"
		"\t401136 main+0x20 (/usr/bin/app)\n");
	ck_assert_int_eq(pf_collapse_end(c), 0);
	ck_assert_str_eq(written(pf_collapse_fold(c)),
			 "app-10/11;main;asm_exc_page_fault_[k] 5\n");
	ck_assert_str_eq(pf_collapse_kept_event(c), "page-faults");
	ck_assert_int_eq(pf_collapse_line(c, "a\x01\x02", 3), -1);
	ck_assert_int_eq(pf_collapse_line(c, "not perf script", 15), 1);
	pf_collapse_free(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fold");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, merge_and_sort);
	tcase_add_test(tc, many_stacks);
	tcase_add_test(tc, overflow_and_nul);
	tcase_add_test(tc, collapse_api);
	suite_add_tcase(s, tc);
	return check_run(s);
}
