/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pfrecord --stat's counter rows as perf stat 6.1 prints them: the count,
 * <not supported> or <not counted>, the spread of repeated runs, the share
 * of time a multiplexed counter ran, and the derived figures (insn per
 * cycle, miss ratios, GHz, rates per second); with -x SEP, perf stat's
 * columns.  Apart from pfrecord.c so that a unit test can feed it the
 * counts of a machine with a PMU.
 */
#ifndef PF_TOOLS_PFRECORD_STAT_H
#define PF_TOOLS_PFRECORD_STAT_H

#include <stdint.h>
#include <stdio.h>

/* One counter over all runs. */
struct stat_row {
	const char *name;
	int supported;          /* 0: the machine has no such counter */
	double value;           /* mean of the scaled counts */
	double spread;          /* relative standard error of the mean, % */
	uint64_t enabled, running;      /* ns, summed over the runs */
};

/* Print rows[0..n) to f.  runs > 1 adds the spread; wall_ns (the mean
   elapsed time) gives a task-clock row its "CPUs utilized"; sep NULL: perf
   stat's table, else its -x rows. */
void stat_print_rows(FILE *f, const struct stat_row *rows, size_t n, int runs,
		     double wall_ns, const char *sep);

#endif /* PF_TOOLS_PFRECORD_STAT_H */
