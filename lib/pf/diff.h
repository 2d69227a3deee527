/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Differential profiles: two folded files merged into "stack before after"
 * lines, as difffolded.pl writes them for flamegraph.pl, and a ranked report
 * of the stacks and functions that grew or shrank the most.
 */
#ifndef PF_DIFF_H
#define PF_DIFF_H

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pf_diff pf_diff;

/* Flags for pf_diff_load(). */
#define PF_DIFF_NORMALIZE 0x1	/* scale BEFORE's counts to AFTER's total (-n) */
#define PF_DIFF_STRIPHEX 0x2	/* replace 0x[0-9a-fA-F]+ by 0x... in stacks (-s) */

/* Read and merge the folded files BEFORE and AFTER ("-" for standard
   input; plain or gzip).  Stacks are compared as text, everything before
   the last count.  A line that is not a folded stack, or a file that is
   differential already, is an error naming the file and line.  NULL on
   failure.  Release with pf_diff_free(). */
pf_diff *pf_diff_load(const char *before, const char *after, unsigned flags);

/* The fast path for the common case: if BEFORE and AFTER are regular
   files whose lines are sorted by stack (as pfcollapse writes them) and
   -s is not asked for, write their merge -- the same lines that
   pf_diff_load() and pf_diff_write() give -- to OUT in constant memory
   and return 1.  Returns 0, having written nothing, when the files need
   pf_diff_load(), and -1 on errors (bad input is found before anything
   is written). */
int pf_diff_merge_sorted(const char *before, const char *after, unsigned flags, FILE *out);

/* Totals of BEFORE (after -n scaling) and of AFTER. */
double pf_diff_total_before(const pf_diff *d);
double pf_diff_total_after(const pf_diff *d);

/* Number of distinct stacks. */
size_t pf_diff_stacks(const pf_diff *d);

/* Write "stack before after" for every stack, sorted by stack.  -1 on a
   write error. */
int pf_diff_write(const pf_diff *d, FILE *out);

/* Write the report: totals, then the TOP stacks and the TOP functions (by
   inclusive count) that grew and that shrank the most, with counts before
   and after, the change and its share of the total change. */
int pf_diff_report(const pf_diff *d, FILE *out, size_t top);

void pf_diff_free(pf_diff *d);

#ifdef __cplusplus
}
#endif

#endif /* PF_DIFF_H */
