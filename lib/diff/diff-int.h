/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of pfdiff's core: the joined stacks (diff.c), the report over
 * them (report.c) and the streaming merge of sorted files (stream.c).
 */
#ifndef PF_DIFF_INT_H
#define PF_DIFF_INT_H

#include <stddef.h>
#include <stdint.h>

#include <pf/diff.h>
#include "folded/folded-int.h"
#include "util/arena.h"
#include "util/table.h"

/* One distinct stack and its counts in either file. */
struct dstack {
	struct table_entry h;
	const char *key;	/* in a file or pf_diff.keys; no NUL */
	size_t len;
	size_t seq;		/* stacks seen before it */
	struct fcount before, after;
};

/* A file read whole (diff.c). */
struct whole {
	char *p;
	size_t size;
};

struct pf_diff {
	struct table t;		/* of struct dstack */
	struct arena keys;	/* keys not in files[] */
	struct whole files[2];	/* BEFORE and AFTER when read whole */
	struct dstack **order;	/* by key, once loaded */
	struct pf_diff_stats st;
	unsigned flags;
	char *scratch;		/* keys rewritten by -s */
	size_t scratch_cap;
};

/* Merge BEFORE and AFTER as they are read, if both are sorted regular
   files (see pf_diff_write()): 1 when written, 0 when they need
   pf_diff_load(), -1 on errors. */
int diff_stream(const char *before, const char *after, unsigned flags, FILE *out);

/* difffolded.pl's -n: C scaled by T2 / T1, truncated. */
struct fcount diff_scale(const struct fcount *c, const struct fcount *t1,
			 const struct fcount *t2, int decimal);

/* "stack before after\n" */
void diff_put_line(FILE *out, const char *key, size_t len, const struct fcount *c1,
		   const struct fcount *c2, int decimal);

#endif /* PF_DIFF_INT_H */
