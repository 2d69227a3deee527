/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Differential profiles: two folded files merged into "stack before after"
 * lines, as difffolded.pl writes them for flamegraph.pl, and a ranked report
 * of the functions and stacks that grew or shrank the most.
 */
#ifndef PF_DIFF_H
#define PF_DIFF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pf_diff pf_diff;

/* Flags for pf_diff_load() and pf_diff_write(). */
enum pf_diff_flags {
	PF_DIFF_NORMALIZE = 0x1,	/* scale BEFORE's counts to AFTER's total (-n) */
	PF_DIFF_STRIPHEX = 0x2,		/* replace 0x[0-9a-fA-F]+ by 0x... in stacks (-s) */
	PF_DIFF_STRIPCOMM = 0x4		/* drop each stack's first frame, the
					   process name, so that builds with
					   different names compare */
};

/* Read the folded files BEFORE and AFTER ("-" for standard input; plain or
   gzip) and join them by stack, as text: everything before the last count.
   A line that is not a folded stack, a file that is differential already,
   or a sum past 2^64 - 1 is an error naming the file and line.  NULL on
   failure.  Release with pf_diff_free(). */
pf_diff *pf_diff_load(const char *before, const char *after, unsigned flags);

/* The totals and changes of a joined profile.  Counts are integers, exact
   up to 2^64 - 1, unless an input count had a fraction: then decimal is
   set and the *_value doubles are the ones to use.  Belongs to D; fields
   may be added at the end in later versions. */
struct pf_diff_stats {
	size_t stacks;		/* distinct stacks */
	int decimal;		/* a count had a fraction */
	uint64_t total_before;	/* after -n scaling */
	uint64_t total_after;
	uint64_t growth;	/* sum of the stacks' increases */
	uint64_t shrinkage;	/* sum of the stacks' decreases */
	double total_before_value, total_after_value, growth_value, shrinkage_value;
};
const struct pf_diff_stats *pf_diff_stats(const pf_diff *d);

/* Write "stack before after" for every stack of BEFORE and AFTER, sorted
   by stack.  Two regular files sorted by stack (as pfcollapse writes them)
   are merged as they are read, in constant memory, unless FLAGS asks for
   -s or PF_DIFF_STRIPCOMM; other input is joined in memory first.  Bad
   input is found before anything is written.  -1 on failure. */
int pf_diff_write(const char *before, const char *after, unsigned flags, FILE *out);

/* Write the report: totals, then the TOP functions by their own (self)
   count, the TOP functions by inclusive count and the TOP stacks that grew
   and that shrank the most, with counts before and after, the change, and
   its share of all growth (of all shrinkage for those that shrank).  Names
   are written with control characters escaped (\t, \n, \r, \xHH).  -1 on
   a write error. */
int pf_diff_report(const pf_diff *d, FILE *out, size_t top);

void pf_diff_free(pf_diff *d);

#ifdef __cplusplus
}
#endif

#endif /* PF_DIFF_H */
