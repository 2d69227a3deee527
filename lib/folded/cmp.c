/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The order of folded lines.  flamegraph.pl sorts whole lines as text;
 * lines here are frame ids plus a tail, so they are compared frame by
 * frame, and byte by byte only from the first frame that differs, with a
 * cursor that yields a line's text without ever joining it.
 */
#include "config.h"

#include <string.h>

#include "util/pf-int.h"
#include "folded/folded-int.h"

/* A cursor over the text of a line from frame I on, produced lazily so
   that comparing two lines never joins their frames. */
struct cursor {
	const pf_folded *f;
	const struct fline *l;
	const uint32_t *ids;
	size_t frame;		/* current frame, nframes for the tail */
	const char *p, *end;	/* rest of the current piece */
	int sep;		/* a ';' is due before the next frame */
	size_t tail_len;
};

static void cursor_piece(struct cursor *c)
{
	if (c->frame < c->l->nframes) {
		uint32_t id = c->ids[c->frame];

		c->p = c->f->names + c->f->name_off[id];
		c->end = c->p + c->f->name_len[id];
	} else {
		c->p = c->f->tails + c->l->tail;
		c->end = c->p + c->tail_len;
	}
}

/* Next byte, or -1 at the end. */
static int cursor_next(struct cursor *c)
{
	for (;;) {
		if (c->sep) {
			c->sep = 0;
			if (c->frame < c->l->nframes)
				return ';';
		}
		if (c->p < c->end)
			return (unsigned char)*c->p++;
		if (c->frame >= c->l->nframes)
			return -1;
		c->frame++;
		cursor_piece(c);
		c->sep = 1;
	}
}

int folded_cmp(const pf_folded *f, const struct fline *a, const struct fline *b)
{
	const uint32_t *ia = f->ids + a->frames, *ib = f->ids + b->frames;
	size_t n = a->nframes < b->nframes ? a->nframes : b->nframes;
	size_t i = 0;
	struct cursor ca, cb;

	while (i < n && ia[i] == ib[i])
		i++;
	ca = (struct cursor){ f, a, ia, i, NULL, NULL, 0, a->tail_len };
	cb = (struct cursor){ f, b, ib, i, NULL, NULL, 0, b->tail_len };
	/* Different frames: unless one name is a prefix of the other, the
	   names alone decide. */
	if (i < n) {
		size_t la = f->name_len[ia[i]], lb = f->name_len[ib[i]];
		int c = memcmp(f->names + f->name_off[ia[i]], f->names + f->name_off[ib[i]],
			       la < lb ? la : lb);

		if (c)
			return c < 0 ? -1 : 1;
	}
	/* Frames 0..i-1 are equal; the text from frame i on decides. */
	if (i > 0) {
		ca.frame = cb.frame = i - 1;
		ca.p = ca.end = cb.p = cb.end = "";
	} else {
		cursor_piece(&ca);
		cursor_piece(&cb);
	}
	for (;;) {
		int x = cursor_next(&ca), y = cursor_next(&cb);

		if (x != y)
			return x < y ? -1 : 1;
		if (x < 0)
			return 0;
	}
}

int folded_sorted(const pf_folded *f, size_t from, size_t to)
{
	size_t i;

	for (i = from + 1; i < to; i++)
		if (folded_cmp(f, &f->lines[i - 1], &f->lines[i]) > 0)
			return 0;
	return 1;
}
