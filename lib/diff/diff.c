/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * pfdiff's core: both files are joined by stack in one hash table, as
 * difffolded.pl joins them, and the distinct stacks are then sorted once
 * (an LCP merge sort, below), which makes the output deterministic where
 * difffolded.pl prints in hash order.  Stacks are compared as text: the
 * key of a line is everything before its last blank and count.  A plain regular file is mapped whole,
 * its pages populated in one go, and the keys point into it: copying keys
 * out of a read buffer cost more in page faults than the join itself.
 * Other input (gzip, pipes) goes through pf_lines and its keys are copied.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "util/hash-int.h"
#include "diff/diff-int.h"

static struct dstack *find(const pf_diff *d, const char *key, size_t len, uint64_t h)
{
	struct dstack *e;

	TABLE_PROBE(&d->t, h, e)
		if (e->h.hash == h && e->len == len && memcmp(e->key, key, len) == 0)
			break;
	return e;
}

/* The stack KEY, added on first sight; KEEP when KEY stays valid as it
   is (in a whole file), else it is copied. */
static struct dstack *stack_of(pf_diff *d, const char *key, size_t len, int keep)
{
	uint64_t h = table_hash(pf_hash(key, len));
	struct dstack *e = find(d, key, len, h);

	if (e->h.hash)
		return e;
	switch (table_reserve(&d->t)) {
	case -1:
		return NULL;
	case 1:
		e = find(d, key, len, h);
	}
	e->key = keep ? key : arena_strndup(&d->keys, key, len);
	if (!e->key)
		return NULL;
	e->h.hash = h;
	e->len = len;
	e->seq = d->t.used;
	e->before = e->after = (struct fcount){ 0, 0 };
	table_filled(&d->t);
	return e;
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The key as the flags rewrite it: s/0x[0-9a-fA-F]+/0x.../g, then the
   first frame dropped.  NULL when out of memory. */
static const char *rewrite(pf_diff *d, const char *key, size_t *len)
{
	if (d->flags & PF_DIFF_STRIPHEX) {
		size_t i = 0, o = 0, n = *len;

		if (GROW(d->scratch, d->scratch_cap, n * 2 + 8) < 0)
			return NULL;
		while (i < n) {
			if (i + 2 < n && key[i] == '0' && key[i + 1] == 'x' && is_hex(key[i + 2])) {
				for (i += 2; i < n && is_hex(key[i]); i++)
					;
				memcpy(d->scratch + o, "0x...", 5);
				o += 5;
			} else {
				d->scratch[o++] = key[i++];
			}
		}
		key = d->scratch;
		*len = o;
	}
	if (d->flags & PF_DIFF_STRIPCOMM) {
		const char *semi = memchr(key, ';', *len);
		size_t skip = semi ? (size_t)(semi - key) + 1 : *len;

		key += skip;
		*len -= skip;
	}
	return key;
}

/* PATH mapped whole into W, or 0 when it is not a plain regular file
   (then pf_lines reads it, and says what is wrong with it).  The file is
   read-only to us; like any reader of a mapped file, pfdiff would die of
   SIGBUS if another process truncated it meanwhile. */
static int read_whole(const char *path, struct whole *w)
{
	struct stat st;
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	char *p;

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 2 ||
	    (uint64_t)st.st_size > SIZE_MAX / 2) {
		close(fd);
		return 0;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return 0;
	if ((unsigned char)p[0] == 0x1f && (unsigned char)p[1] == 0x8b) {	/* gzip */
		munmap(p, (size_t)st.st_size);
		return 0;
	}
	w->p = p;
	w->size = (size_t)st.st_size;
	return 1;
}

/* The next line of a whole file, without its newline or CR; NULL at the
   end. */
static const char *whole_next(struct whole *w, size_t *pos, size_t *len)
{
	const char *line = w->p + *pos, *nl;
	size_t n;

	if (*pos >= w->size)
		return NULL;
	nl = memchr(line, '\n', w->size - *pos);
	n = nl ? (size_t)(nl - line) : w->size - *pos;
	*pos += n + 1;
	if (n > 0 && line[n - 1] == '\r')
		n--;
	*len = n;
	return line;
}

/* Size the empty table for the lines of W, as many as its first lines'
   length suggests: growing it step by step costs more than the join. */
static int presize(pf_diff *d, struct whole *w)
{
	size_t pos = 0, len, lines = 0, bytes;

	if (d->t.used)
		return 0;
	while (lines < 64 && whole_next(w, &pos, &len))
		lines++;
	bytes = pos < w->size ? pos : w->size;
	if (!lines || w->size / bytes * lines <= 1024)
		return 0;
	table_release(&d->t);
	return table_init(&d->t, sizeof(struct dstack),
			  w->size / bytes * lines < ((size_t)1 << 26) ?
			  w->size / bytes * lines : (size_t)1 << 26);
}

/* Add every line of PATH to side SIDE (0: before, 1: after). */
static int load_file(pf_diff *d, const char *path, int side, struct fcount *total)
{
	struct whole *w = &d->files[side];
	pf_lines *r = NULL;
	uint64_t lines = 0, diffs = 0, first = 0, lineno = 0;
	const char *name = path, *line;
	size_t len, key_len, pos = 0;
	int rc = 0, k, frac, diff;

	if (!read_whole(path, w)) {
		if (!(r = pf_lines_open(path)))
			return -1;
		name = pf_lines_name(r);
	} else if (presize(d, w) < 0) {
		return -1;
	}
	while ((line = r ? pf_lines_next(r, &len) : whole_next(w, &pos, &len))) {
		lineno++;
		struct fcount c;
		struct dstack *e;
		const char *key;

		k = folded_key(line, len, &key_len, &c, &frac, &diff);
		if (k == 0)
			continue;
		if (k < 0) {
			error_set(k == -2 ? "%s:%llu: count does not fit in 64 bits" :
				  "%s:%llu: not a folded stack line (\"frame;frame count\")",
				  name, (unsigned long long)lineno);
			rc = -1;
			break;
		}
		if (lines++ == 0)
			first = lineno;
		diffs += diff;
		d->st.decimal |= frac;
		if (!(key = rewrite(d, line, &key_len)) ||
		    !(e = stack_of(d, key, key_len, !r && key == line))) {
			rc = -1;
			break;
		}
		if (fcount_add(side ? &e->after : &e->before, &c) < 0 ||
		    fcount_add(total, &c) < 0) {
			error_set("%s:%llu: counts add up to more than 64 bits", name,
				  (unsigned long long)lineno);
			rc = -1;
			break;
		}
	}
	if (rc == 0 && r && pf_lines_failed(r))
		rc = -1;
	if (rc == 0 && lines && diffs == lines) {
		error_set("%s:%llu: differential input (\"stack before after\"); "
			  "pfdiff compares two-column folded files", name,
			  (unsigned long long)first);
		rc = -1;
	}
	if (r && rc < 0)
		folded_close_quietly(r);	/* keep the message of the failure */
	else if (r && pf_lines_close(r) < 0)
		rc = -1;
	return rc;
}

/*
 * The sort: a merge sort that keeps, for each stack, the length of the
 * prefix it shares with the one before it (LCP merge sort, after Ng and
 * Kakehi).  Stacks of a profile share long prefixes -- hundreds of bytes
 * of the same callers -- and a plain comparison sort would compare them
 * again at every step; here most steps are decided by the prefix lengths
 * alone, without reading the stacks, and the others compare from where
 * the shared prefix ends.
 */
struct sitem {
	struct dstack *e;
	size_t lcp;		/* bytes shared with the item before it */
};

/* Compare A and B, which share their first *H bytes; *H becomes the
   length of their common prefix.  Keys are distinct. */
static int cmp_from(const struct dstack *a, const struct dstack *b, size_t *h)
{
	size_t i = *h, n = a->len < b->len ? a->len : b->len;

	while (i < n && a->key[i] == b->key[i])
		i++;
	*h = i;
	if (i == n)
		return a->len < b->len ? -1 : 1;
	return (unsigned char)a->key[i] < (unsigned char)b->key[i] ? -1 : 1;
}

/* Merge the sorted runs X (NX items) and Y (NY) into OUT. */
static void lcp_merge(const struct sitem *x, size_t nx, const struct sitem *y, size_t ny,
		      struct sitem *out)
{
	size_t i = 0, j = 0, k = 0, hx = x[0].lcp, hy = y[0].lcp, h;

	while (i < nx && j < ny) {
		if (hx > hy || (hx == hy && (h = hx, cmp_from(x[i].e, y[j].e, &h) < 0) &&
				(hy = h, 1))) {
			out[k++] = (struct sitem){ x[i].e, hx };
			if (++i < nx)
				hx = x[i].lcp;
		} else {
			if (hx == hy)
				hx = h;
			out[k++] = (struct sitem){ y[j].e, hy };
			if (++j < ny)
				hy = y[j].lcp;
		}
	}
	if (i < nx) {
		out[k++] = (struct sitem){ x[i].e, hx };
		while (++i < nx)
			out[k++] = x[i];
	}
	if (j < ny) {
		out[k++] = (struct sitem){ y[j].e, hy };
		while (++j < ny)
			out[k++] = y[j];
	}
}

/* Sort A (N items) using TMP (N items); the first item's lcp is 0. */
static void lcp_sort(struct sitem *a, size_t n, struct sitem *tmp)
{
	size_t h = n / 2;

	if (n < 2) {
		if (n)
			a[0].lcp = 0;
		return;
	}
	lcp_sort(a, h, tmp);
	lcp_sort(a + h, n - h, tmp);
	lcp_merge(a, h, a + h, n - h, tmp);
	memcpy(a, tmp, n * sizeof *a);
}

struct fcount diff_scale(const struct fcount *c, const struct fcount *t1,
			 const struct fcount *t2, int decimal)
{
	struct fcount s = *c;

	if (decimal) {
		if (t1->v != t2->v && t1->v > 0)
			s.v = trunc(c->v * t2->v / t1->v);
	} else if (t1->n != t2->n && t1->n > 0) {
		/* exact: the product needs up to 128 bits, the quotient fits
		   as C <= T1 */
		s.n = (uint64_t)((unsigned __int128)c->n * t2->n / t1->n);
		s.v = (double)s.n;
	}
	return s;
}

/* Sort, scale (-n) and sum up. */
static int finish(pf_diff *d, struct fcount t1, struct fcount t2)
{
	struct pf_diff_stats *st = &d->st;
	struct fcount sum = { 0, 0 }, grow = { 0, 0 }, shrink = { 0, 0 };
	struct dstack *e;
	size_t n = 0, i;

	struct sitem *items = mem_alloc((d->t.used ? d->t.used : 1) * 2 * sizeof *items);

	d->order = mem_alloc((d->t.used ? d->t.used : 1) * sizeof *d->order);
	if (!d->order || !items) {
		free(items);
		return -1;
	}
	/* in the order first seen: neighbours in a file tend to share their
	   prefix, and sit side by side in memory */
	TABLE_EACH(&d->t, e)
		items[e->seq].e = e;
	n = d->t.used;
	lcp_sort(items, n, items + n);
	for (i = 0; i < n; i++)
		d->order[i] = items[i].e;
	free(items);
	for (i = 0; i < n; i++) {
		struct fcount *b = &d->order[i]->before, *a = &d->order[i]->after, ch;

		if (d->flags & PF_DIFF_NORMALIZE)
			*b = diff_scale(b, &t1, &t2, st->decimal);
		fcount_add(&sum, b);	/* no more than T1 */
		if (st->decimal ? a->v > b->v : a->n > b->n) {
			ch = (struct fcount){ a->n - b->n, a->v - b->v };
			fcount_add(&grow, &ch);
		} else {
			ch = (struct fcount){ b->n - a->n, b->v - a->v };
			fcount_add(&shrink, &ch);
		}
	}
	st->stacks = n;
	st->total_before = sum.n;
	st->total_before_value = sum.v;
	st->total_after = t2.n;
	st->total_after_value = t2.v;
	st->growth = grow.n;
	st->growth_value = grow.v;
	st->shrinkage = shrink.n;
	st->shrinkage_value = shrink.v;
	return 0;
}

PF_EXPORT pf_diff *pf_diff_load(const char *before, const char *after, unsigned flags)
{
	pf_diff *d = mem_zalloc(sizeof *d);
	struct fcount t1 = { 0, 0 }, t2 = { 0, 0 };

	if (!d)
		return NULL;
	d->flags = flags;
	if (table_init(&d->t, sizeof(struct dstack), 1024) < 0 ||
	    load_file(d, before, 0, &t1) < 0 || load_file(d, after, 1, &t2) < 0 ||
	    finish(d, t1, t2) < 0) {
		pf_diff_free(d);
		return NULL;
	}
	return d;
}

PF_EXPORT const struct pf_diff_stats *pf_diff_stats(const pf_diff *d)
{
	return &d->st;
}

void diff_put_line(FILE *out, const char *key, size_t len, const struct fcount *c1,
		   const struct fcount *c2, int decimal)
{
	fwrite_unlocked(key, 1, len, out);
	putc_unlocked(' ', out);
	fcount_put(out, c1, decimal);
	putc_unlocked(' ', out);
	fcount_put(out, c2, decimal);
	putc_unlocked('\n', out);
}

PF_EXPORT int pf_diff_write(const char *before, const char *after, unsigned flags, FILE *out)
{
	pf_diff *d;
	size_t i;
	int rc = diff_stream(before, after, flags, out);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (!(d = pf_diff_load(before, after, flags)))
		return -1;
	for (i = 0; i < d->st.stacks; i++) {
		const struct dstack *e = d->order[i];

		diff_put_line(out, e->key, e->len, &e->before, &e->after, d->st.decimal);
	}
	pf_diff_free(d);
	if (fflush(out) != 0 || ferror(out)) {
		error_set_errno(errno, "write failed");
		return -1;
	}
	return 0;
}

PF_EXPORT void pf_diff_free(pf_diff *d)
{
	int i;

	if (!d)
		return;
	table_release(&d->t);
	arena_release(&d->keys);
	for (i = 0; i < 2; i++)
		if (d->files[i].p)
			munmap(d->files[i].p, d->files[i].size);
	free(d->order);
	free(d->scratch);
	free(d);
}
