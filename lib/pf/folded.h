/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Folded stacks: the "frame;frame;frame count" lines that stackcollapse-*.pl
 * and pfcollapse write, and the differential "stack before after" lines of
 * difffolded.pl and pfdiff.  A line is split as flamegraph.pl splits it:
 * the count is the last blank-separated token (digits with an optional
 * fraction), the stack is everything before the blank that precedes it, and
 * a stack that itself ends in a count makes the line differential.
 *
 * pf_folded keeps whole profiles in memory compactly: frame names are
 * interned once and each line is a run of frame ids plus its counts, so a
 * profile of a million deep stacks costs a fraction of its text size.
 */
#ifndef PF_FOLDED_H
#define PF_FOLDED_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Split the line LINE of LEN bytes.  On success returns the number of
   counts (1 or 2), sets *STACK_LEN to the length of the stack text and
   *C1 (and *C2 for two counts) to the counts as the perl tools read them
   (doubles: exact below 2^53).  Returns 0 when the line is not a folded
   stack.  With one count *C2 is set to *C1. */
int pf_folded_split(const char *line, size_t len, size_t *stack_len,
		    double *c1, double *c2);

typedef struct pf_folded pf_folded;

/* Flags for pf_folded_new(). */
enum pf_folded_flags {
	PF_FOLDED_REVERSE = 0x1,	/* reverse each stack (flamegraph.pl --reverse) */
	PF_FOLDED_STRIPHEX = 0x2	/* replace 0x[0-9a-fA-F]+ with 0x... in stacks */
};

/* A new, empty profile.  NULL on failure.  Free with pf_folded_free(). */
pf_folded *pf_folded_new(unsigned flags);
void pf_folded_free(pf_folded *f);

/* Read the folded file PATH ("-" for standard input; plain or gzip) and
   append its lines.  Lines that are not folded stacks are skipped and
   counted; blank lines are ignored.  Returns -1 on a read error, and when
   a count, or the sum of a column, does not fit in 64 bits. */
int pf_folded_read(pf_folded *f, const char *path);

/* Append one line, as read from file NAME at line LINENO (for messages).
   Returns 1 if it was kept, 0 if skipped, -1 on failure (out of memory, a
   count past 64 bits). */
int pf_folded_add_line(pf_folded *f, const char *line, size_t len,
		       const char *name, uint64_t lineno);

/* What a profile holds so far.  Counts are integers, exact up to 2^64 - 1,
   unless a count had a fraction ("2.5"): then decimal is set and the
   *_value doubles, summed as perl sums them, are the ones to use. */
struct pf_folded_stats {
	size_t lines;		/* stack lines kept */
	size_t names;		/* distinct frame names */
	uint64_t skipped;	/* lines skipped as not folded stacks ... */
	const char *first_skipped;	/* ... the first as "FILE:LINE", or NULL */
	int diff;		/* a line had two counts (differential input) */
	int decimal;		/* a count had a fraction */
	uint64_t total;		/* sum of the last count column */
	uint64_t total_first;	/* sum of the first (equal for two columns) */
	double total_value, total_first_value;	/* the same as doubles */
};

/* The statistics of F.  They belong to F and change as lines are added;
   fields may be added at the end in later versions. */
const struct pf_folded_stats *pf_folded_stats(const pf_folded *f);

/* Line I (0 <= I < lines) in input order: its frames as interned ids
   (valid until the next change of F), their number, and its counts as
   doubles (either pointer may be NULL).  For a two-column line *C1 and
   *C2 are both the count. */
const uint32_t *pf_folded_line(const pf_folded *f, size_t i, size_t *nframes,
			       double *c1, double *c2);

/* The name of frame id ID and its length.  Belongs to F. */
const char *pf_folded_name(const pf_folded *f, uint32_t id, size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* PF_FOLDED_H */
