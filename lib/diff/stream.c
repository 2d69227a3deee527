/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pfdiff's fast path.  Folded files are usually sorted by stack already
 * (pfcollapse and stackcollapse-perf.pl write them so); two such files are
 * merged as they are read, in constant memory and without interning a
 * frame: a first pass checks the order, the lines and the totals (so that
 * bad input fails before anything is written), a second one merges.  Any
 * other input goes the general way, pf_diff_load().
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "diff/diff-int.h"

struct src {
	pf_lines *r;
	char *line;		/* current line, NULL at the end */
	size_t key_len;
	struct fcount count;
	int frac;		/* the count has a fraction */
	int diff;		/* the stack ends in a count too */
};

static int key_cmp(const char *a, size_t la, const char *b, size_t lb)
{
	int c = memcmp(a, b, la < lb ? la : lb);

	return c ? c : (la > lb) - (la < lb);
}

/* The next stack line of S; -1 on a read error or a bad line. */
static int next(struct src *s)
{
	size_t len;
	int k;

	while ((s->line = pf_lines_next(s->r, &len))) {
		k = folded_key(s->line, len, &s->key_len, &s->count, &s->frac, &s->diff);
		if (k > 0)
			return 0;
		if (k == -2) {
			error_set("%s:%llu: count does not fit in 64 bits",
				  pf_lines_name(s->r), (unsigned long long)pf_lines_lineno(s->r));
			return -1;
		}
		if (k < 0) {
			error_set("%s:%llu: not a folded stack line (\"frame;frame count\")",
				  pf_lines_name(s->r), (unsigned long long)pf_lines_lineno(s->r));
			return -1;
		}
	}
	return pf_lines_failed(s->r) ? -1 : 0;
}

/* First pass over PATH: 1 if sorted (and *TOTAL its sum, *REPEATS whether
   a stack occurs more than once, *FRAC whether a count has a fraction), 0
   if not, -1 on errors, which are the same as pf_diff_load()'s. */
static int check(const char *path, struct fcount *total, int *repeats, int *frac)
{
	struct src s = { pf_lines_open(path), NULL, 0, { 0, 0 }, 0, 0 };
	char *prev = NULL;
	size_t prev_len = 0, prev_cap = 0, lines = 0, diffs = 0;
	uint64_t first = 0;
	int rc = 1, c;

	if (!s.r)
		return -1;
	*total = (struct fcount){ 0, 0 };
	*repeats = 0;
	*frac = 0;
	for (;;) {
		if (next(&s) < 0) {
			rc = -1;
			break;
		}
		if (!s.line)
			break;
		if (lines && (c = key_cmp(prev, prev_len, s.line, s.key_len)) >= 0) {
			if (c > 0) {
				rc = 0;
				break;
			}
			*repeats = 1;
		}
		if (s.key_len + 1 > prev_cap) {
			char *p = mem_realloc(prev, (prev_cap = s.key_len * 2 + 64));

			if (!p) {
				rc = -1;
				break;
			}
			prev = p;
		}
		memcpy(prev, s.line, s.key_len);
		prev_len = s.key_len;
		*frac |= s.frac;
		if (fcount_add(total, &s.count) < 0) {
			/* as pf_folded_add_line() refuses it */
			error_set("%s:%llu: counts add up to more than 64 bits",
				  pf_lines_name(s.r), (unsigned long long)pf_lines_lineno(s.r));
			rc = -1;
			break;
		}
		if (lines++ == 0)
			first = pf_lines_lineno(s.r);
		diffs += s.diff;
	}
	if (rc == 1 && lines && diffs == lines) {
		error_set("%s:%llu: differential input (\"stack before after\"); "
			  "pfdiff compares two-column folded files", pf_lines_name(s.r),
			  (unsigned long long)first);
		rc = -1;
	}
	free(prev);
	if (rc < 0)
		folded_close_quietly(s.r);
	else if (pf_lines_close(s.r) < 0)
		rc = -1;
	return rc;
}

/* Second pass when no stack repeats within a file, the usual case: one
   comparison per line written, and no copy of the stack. */
struct totals {
	struct fcount t1, t2;
	int normalize, decimal;
};

static struct fcount scale(const struct fcount *c, const struct totals *t)
{
	return t->normalize ? diff_scale(c, &t->t1, &t->t2, t->decimal) : *c;
}

static int merge_unique(struct src *a, struct src *b, const struct totals *t, FILE *out)
{
	static const struct fcount zero;
	int c;

	if (next(a) < 0 || next(b) < 0)
		return -1;
	while (a->line || b->line) {
		c = !b->line ? -1 : !a->line ? 1 :
		    key_cmp(a->line, a->key_len, b->line, b->key_len);
		if (c <= 0) {
			struct fcount c1 = scale(&a->count, t);

			diff_put_line(out, a->line, a->key_len, &c1, c == 0 ? &b->count : &zero,
				      t->decimal);
		} else {
			diff_put_line(out, b->line, b->key_len, &zero, &b->count, t->decimal);
		}
		if ((c <= 0 && next(a) < 0) || (c >= 0 && next(b) < 0))
			return -1;
	}
	return 0;
}

/* Second pass: merge A and B, summing equal stacks. */
static int merge(struct src *a, struct src *b, const struct totals *t, FILE *out)
{
	char *key = NULL;
	size_t cap = 0, len;
	int rc = 0;

	if (next(a) < 0 || next(b) < 0)
		return -1;
	while (a->line || b->line) {
		struct src *lo = !b->line || (a->line &&
			key_cmp(a->line, a->key_len, b->line, b->key_len) <= 0) ? a : b;
		struct fcount c1 = { 0, 0 }, c2 = { 0, 0 };

		len = lo->key_len;
		if (len + 1 > cap) {
			char *p = mem_realloc(key, (cap = len * 2 + 64));

			if (!p) {
				rc = -1;
				break;
			}
			key = p;
		}
		memcpy(key, lo->line, len);
		while (a->line && key_cmp(a->line, a->key_len, key, len) == 0) {
			fcount_add(&c1, &a->count);	/* checked in check() */
			if (next(a) < 0)
				goto fail;
		}
		while (b->line && key_cmp(b->line, b->key_len, key, len) == 0) {
			fcount_add(&c2, &b->count);
			if (next(b) < 0)
				goto fail;
		}
		c1 = scale(&c1, t);
		diff_put_line(out, key, len, &c1, &c2, t->decimal);
	}
	free(key);
	return rc;
fail:
	free(key);
	return -1;
}

/* The first pass over AFTER, on a thread of its own while BEFORE's runs:
   the two files are independent, and the pass is half the work. */
struct check_job {
	const char *path;
	struct fcount total;
	int repeats, frac, rc;
	char msg[512];		/* pf_errmsg() is per thread */
};

static void *check_thread(void *arg)
{
	struct check_job *j = arg;

	j->rc = check(j->path, &j->total, &j->repeats, &j->frac);
	if (j->rc < 0)
		snprintf(j->msg, sizeof j->msg, "%s", pf_errmsg());
	return NULL;
}

/* check() on both files, as if BEFORE's came first: its result decides
   when it is not a sorted file.  Returns the lower of the two results. */
static int check_both(const char *before, const char *after, struct totals *tt,
		      int *rep1, int *rep2)
{
	struct check_job j = { .path = after };
	pthread_t t;
	int threaded = pthread_create(&t, NULL, check_thread, &j) == 0;
	int rc = check(before, &tt->t1, rep1, &tt->decimal);

	if (threaded)
		pthread_join(t, NULL);
	else if (rc > 0)
		check_thread(&j);
	if (rc <= 0)
		return rc;
	if (j.rc < 0)
		error_set("%s", j.msg);
	tt->t2 = j.total;
	tt->decimal |= j.frac;
	*rep2 = j.repeats;
	return j.rc;
}

static int regular(const char *path)
{
	struct stat st;

	return strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int diff_stream(const char *before, const char *after, unsigned flags, FILE *out)
{
	struct src a = { 0 }, b = { 0 };
	struct totals t = { .normalize = !!(flags & PF_DIFF_NORMALIZE) };
	int rc, rep1, rep2;

	/* -s and --strip-comm change keys, and with them the order */
	if ((flags & (PF_DIFF_STRIPHEX | PF_DIFF_STRIPCOMM)) || !regular(before) ||
	    !regular(after))
		return 0;
	if ((rc = check_both(before, after, &t, &rep1, &rep2)) <= 0)
		return rc;
	a.r = pf_lines_open(before);
	b.r = a.r ? pf_lines_open(after) : NULL;
	if (!a.r || !b.r)
		rc = -1;
	else if (rep1 || rep2)
		rc = merge(&a, &b, &t, out);
	else
		rc = merge_unique(&a, &b, &t, out);
	if (rc < 0) {
		if (a.r)
			folded_close_quietly(a.r);
		if (b.r)
			folded_close_quietly(b.r);
	} else {
		if (pf_lines_close(a.r) < 0)
			rc = -1;
		if (pf_lines_close(b.r) < 0)
			rc = -1;
	}
	if (rc == 0 && (fflush(out) != 0 || ferror(out))) {
		error_set_errno(errno, "write failed");
		rc = -1;
	}
	return rc < 0 ? -1 : 1;
}
