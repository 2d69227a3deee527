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
   *C1 (and *C2 for two counts) to the counts.  Returns 0 when the line is
   not a folded stack.  With one count *C2 is set to *C1. */
int pf_folded_split(const char *line, size_t len, size_t *stack_len,
		    double *c1, double *c2);

typedef struct pf_folded pf_folded;

/* Flags for pf_folded_new(). */
#define PF_FOLDED_REVERSE 0x1	/* reverse each stack (flamegraph.pl --reverse) */
#define PF_FOLDED_STRIPHEX 0x2	/* replace 0x[0-9a-fA-F]+ with 0x... in stacks */

/* A new, empty profile.  NULL on failure.  Free with pf_folded_free(). */
pf_folded *pf_folded_new(unsigned flags);
void pf_folded_free(pf_folded *f);

/* Read the folded file PATH ("-" for standard input; plain or gzip) and
   append its lines.  Lines that are not folded stacks are skipped and
   counted; blank lines are ignored.  Returns -1 on a read error. */
int pf_folded_read(pf_folded *f, const char *path);

/* Append one line, as read from file NAME at line LINENO (for messages).
   Returns 1 if it was kept, 0 if skipped, -1 on failure (out of memory). */
int pf_folded_add_line(pf_folded *f, const char *line, size_t len,
		       const char *name, uint64_t lineno);

/* Number of stack lines kept. */
size_t pf_folded_count(const pf_folded *f);

/* Number of lines skipped as not folded, and where the first one was
   ("FILE:LINE"; NULL when none was skipped).  The string belongs to F. */
uint64_t pf_folded_skipped(const pf_folded *f, const char **first);

/* Non-zero if any line had two counts (differential input). */
int pf_folded_is_diff(const pf_folded *f);

/* Sums of the first and of the last count column over all lines (equal
   for two-column input). */
double pf_folded_total(const pf_folded *f);
double pf_folded_total_first(const pf_folded *f);

/* Line I (0 <= I < count) in input order: its frames as interned ids
   (valid until the next change of F), their number, and its counts.  For
   a two-column line *C1 and *C2 are both the count. */
const uint32_t *pf_folded_line(const pf_folded *f, size_t i, size_t *nframes,
			       double *c1, double *c2);

/* The name of frame id ID and its length.  Belongs to F. */
const char *pf_folded_name(const pf_folded *f, uint32_t id, size_t *len);

/* Number of distinct frame names. */
size_t pf_folded_names(const pf_folded *f);

#ifdef __cplusplus
}
#endif

#endif /* PF_FOLDED_H */
