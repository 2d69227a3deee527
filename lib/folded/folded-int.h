/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of the folded-stack store shared by the flame graph and diff
 * modules: the line records and the byte order of whole lines that
 * flamegraph.pl sorts by.
 */
#ifndef PF_FOLDED_INT_H
#define PF_FOLDED_INT_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include <pf/folded.h>
#include <pf/lines.h>
#include "util/table.h"

/* A count: the integer part exactly, and the value as the perl tools read
   it (a double).  A profile is "decimal" when a count had a fraction; its
   sums and output are then the doubles, else the integers. */
struct fcount {
	uint64_t n;
	double v;
};

/* Read the count token P[0..N) (digits, optionally '.' and digits).  1 if
   it has a fraction, 0 if not, -1 when its integer part does not fit in 64
   bits. */
int folded_count(const char *p, size_t n, struct fcount *c);

/* SUM += C; -1, leaving SUM alone, when the integer would overflow. */
int fcount_add(struct fcount *sum, const struct fcount *c);

enum fcount_style {
	FCOUNT_PLAIN,		/* as folded files have it: 1234, 2.5 */
	FCOUNT_COMMAS		/* for people: 1,234 */
};

/* C as text: its integer, or for a DECIMAL profile its double as perl
   prints it ("%.15g", or rounded with commas). */
void fcount_format(char *buf, size_t size, const struct fcount *c, int decimal,
		   enum fcount_style style);
void fcount_put(FILE *out, const struct fcount *c, int decimal);

/* Write the name S[0..N) for a terminal: control characters become \t,
   \n, \r or \xHH, so that a name read from a recording can neither break
   a table into forged lines nor send escape sequences. */
void folded_put_text(FILE *out, const char *s, size_t n);

/* One kept line.  Its text is the frames joined with ';' followed by the
   tail: the stack's trailing empty fields (stack_tail bytes) and then the
   blank(s) and count(s) exactly as read. */
struct fline {
	size_t frames;		/* offset of the first frame id in f->ids */
	size_t tail;		/* offset of the tail in f->tails */
	uint32_t nframes;
	uint32_t tail_len;
	uint32_t stack_tail;	/* bytes of the tail that belong to the stack */
	uint32_t ncounts;	/* 1 or 2 */
	struct fcount c1, c2;	/* c2 == c1 with one count */
};

struct name_entry {
	struct table_entry h;
	uint32_t id;
};

/* A profile in memory: interned names, line records, statistics. */
struct pf_folded {
	unsigned flags;
	/* interned names: NUL-terminated in one arena */
	char *names;
	size_t names_len, names_cap;
	size_t *name_off;
	uint32_t *name_len;
	size_t nnames, nnames_cap;
	struct table name_table;	/* of struct name_entry */
	/* lines */
	uint32_t *ids;
	size_t nids, ids_cap;
	struct fline *lines;
	size_t nlines, lines_cap;
	char *tails;
	size_t tails_len, tails_cap;
	/* statistics */
	struct pf_folded_stats st;
	struct fcount total, total1;
	char *first_bad;
	/* scratch for rewritten lines (--reverse, -s) */
	char *scratch, *rscratch;
	size_t scratch_cap, rscratch_cap;
	uint32_t *fields;
	size_t fields_cap;
	/* the previous line's stack and frames, for frame_ids() */
	char *prev;
	size_t prev_len, prev_cap, prev_n;
	size_t *prev_end;	/* where each field ends (';' or the stack's end) */
	size_t prev_end_cap;
	uint32_t *prev_ids;
	size_t prev_ids_cap;
};

/* difffolded.pl's view of LINE: the stack is everything before the last
   blank and count (*KEY_LEN bytes), *COUNT that count (*FRAC set when it
   has a fraction), *DIFF set when the stack itself ends in a count.  1 for
   a stack, 0 for a blank line, -1 when the line is not folded, -2 when its
   count needs more than 64 bits. */
int folded_key(const char *line, size_t len, size_t *key_len, struct fcount *count,
	       int *frac, int *diff);

/* Close R without letting a failure to close replace the message of the
   failure that came first. */
void folded_close_quietly(pf_lines *r);

/* Call FN for each line of the file PATH (plain or gzip, "-" for standard
   input), with the file's name and the line's number, until FN returns
   -1.  -1 when FN did, or on read errors (pf_errmsg() says which). */
typedef int (*folded_line_fn)(void *arg, char *line, size_t len, const char *name,
			      uint64_t lineno);
int folded_each_line(const char *path, folded_line_fn fn, void *arg);

const struct fline *folded_lines(const pf_folded *f);
const uint32_t *folded_ids(const pf_folded *f);
const char *folded_tail(const pf_folded *f, const struct fline *l);

/* Intern NAME (LEN bytes); its id, or UINT32_MAX when out of memory. */
uint32_t folded_intern(pf_folded *f, const char *name, size_t len);

/* Compare lines A and B, counts included, as perl compares their text
   (flamegraph.pl's sort): bytewise, a prefix first. */
int folded_cmp(const pf_folded *f, const struct fline *a, const struct fline *b);

/* Non-zero if lines FROM..TO-1 are already in order: folded files
   usually are, and checking is much cheaper than sorting. */
int folded_sorted(const pf_folded *f, size_t from, size_t to);

#endif /* PF_FOLDED_INT_H */
