/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main() of every check unit test: run the suite (each test in its own
 * process, check's default) and turn the failures into the exit status
 * automake's harness reads.
 */
#ifndef PF_TESTS_CHECK_RUN_H
#define PF_TESTS_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

static inline int check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif /* PF_TESTS_CHECK_RUN_H */
