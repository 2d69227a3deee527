/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of the flame graph modules: the merged frames, the palettes
 * and the perl-compatible number formatting the SVG needs.
 */
#ifndef PF_FLAME_INT_H
#define PF_FLAME_INT_H

#include <stddef.h>
#include <stdint.h>

#include <pf/flame.h>
#include "util/numfmt.h"

#define ROOT_NAME UINT32_MAX

/* One frame to draw.  Frames are kept in the order they were opened,
   which is a pre-order walk: parents before children, left to right. */
struct frame {
	uint32_t name;		/* folded name id, ROOT_NAME for the root */
	uint32_t depth;
	double stime, etime;	/* in counts from the left edge */
	uint64_t count;		/* etime - stime exactly (integer profiles) */
	double delta;		/* differential: the frame's own change */
	int has_delta;
};

struct pf_flame {
	pf_folded *f;
	pf_flame_opts o;
	struct frame *frames;
	size_t nframes, cap;
	uint32_t depthmax;
	double time;		/* sum of the counts */
	uint64_t count;		/* the same exactly (integer profiles) */
	int decimal;		/* a count had a fraction: doubles only */
	double timemax;		/* what widths are relative to */
	double maxdelta;
};

/* The interactive script (generated from flame.js). */
extern const char flame_script[];

/* Palettes. */
int palette_known(const char *name);
const char *palette_bg_default(const char *palette);

struct colour_state {
	const char *palette;
	int hash;
	int random;
	uint64_t rand_state;	/* drand48 state for --random */
};

/* Write "rgb(r,g,b)" for frame NAME (LEN bytes) to BUF (>= 32 bytes). */
void colour_name(struct colour_state *cs, const char *name, size_t len, char *buf);

/* flamegraph.pl's differential colour: red for growth, blue for loss. */
void colour_delta(double delta, double maxdelta, int negate, char *buf);

/* --cp: a palette map file of "name->rgb(r,g,b)" lines, read before
   drawing and written back, sorted, with the colours of new names. */
struct palette_map;
struct palette_map *palette_map_load(const char *path);
const char *palette_map_get(struct palette_map *pm, const char *name, size_t len);
int palette_map_put(struct palette_map *pm, const char *name, size_t len, const char *colour);
int palette_map_save(struct palette_map *pm, const char *path);
void palette_map_free(struct palette_map *pm);

/* --nameattr: a file of "function<TAB>name=value..." lines.  Values are
   text (escaped when written) except g_extra and a_extra, which are
   attribute markup copied as they are; NULL where a name is not given. */
struct frame_attrs {
	const char *title, *id, *class_name, *g_extra;
	const char *href, *target, *a_extra;	/* href: the frame is a link */
};
struct name_attrs;
struct name_attrs *name_attrs_load(const char *path);
const struct frame_attrs *name_attrs_get(const struct name_attrs *na, const char *name,
					 size_t len);
void name_attrs_free(struct name_attrs *na);

#endif /* PF_FLAME_INT_H */
