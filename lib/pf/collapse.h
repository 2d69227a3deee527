/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Collapse `perf script` text into folded stacks, as stackcollapse-perf.pl
 * does: one "comm;root;...;leaf" line per distinct stack with the sum of the
 * sample periods.  Feed it lines (from pf_lines) and read the pf_fold table.
 */
#ifndef PF_COLLAPSE_H
#define PF_COLLAPSE_H

#include <stddef.h>
#include <stdint.h>

#include <pf/fold.h>
#include <pf/script.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pf_collapse pf_collapse;

/* Options: fill with pf_collapse_opts_init(), then set what differs.
   Fields may be added at the end; size tells the library which exist. */
struct pf_collapse_opts {
	size_t size;		/* sizeof, set by pf_collapse_opts_init() */
	int pid;		/* "comm-PID" */
	int tid;		/* "comm-PID/TID" (wins over pid) */
	int kernel;		/* kernel frames get "_[k]" */
	int jit;		/* /tmp/perf-PID.map frames get "_[j]" */
	int addrs;		/* "[dso <addr>]" for frames without a symbol */
	int inline_frames;	/* expand inlined calls from DWARF (libdw) */
	int context;		/* with inline_frames: "func:file.c:12" */
	const char *event_filter;	/* NULL: the first event seen */
	int count_samples;	/* each sample counts 1, whatever its period */
};

/* Set O to the defaults: no annotations, the first event, periods. */
void pf_collapse_opts_init(struct pf_collapse_opts *o);

/* A collapser with the given options (NULL: defaults).  NULL when out of
   memory or when OPT was not set up by pf_collapse_opts_init().  Free
   with pf_collapse_free(). */
pf_collapse *pf_collapse_new(const struct pf_collapse_opts *opt);

/* Feed one line without its newline.  Returns 0 when the line was used or
   ignored as perl ignores it, 1 when it is not perf-script text (perl warns
   "Unrecognized line" and goes on), -1 when it is binary data, a count
   does not fit in 64 bits or memory ran out: pf_errmsg() says which; the
   caller adds file and line. */
int pf_collapse_line(pf_collapse *c, const char *line, size_t len);

/* End of one input: a last sample without a blank line after it is
   counted.  -1 as for pf_collapse_line(). */
int pf_collapse_end(pf_collapse *c);

/* The table of stacks so far; it belongs to C. */
pf_fold *pf_collapse_fold(pf_collapse *c);

/* When no event filter was given and samples of other events than the
   first one were dropped, the name of the event kept, else NULL. */
const char *pf_collapse_kept_event(const pf_collapse *c);

void pf_collapse_free(pf_collapse *c);

#ifdef __cplusplus
}
#endif

#endif /* PF_COLLAPSE_H */
