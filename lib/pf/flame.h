/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Flame graphs from folded stacks, laid out exactly as flamegraph.pl lays
 * them out (same sort, merge, pruning, coordinates and frame markup) but
 * deterministic: the same input and options always give the same bytes.
 */
#ifndef PF_FLAME_H
#define PF_FLAME_H

#include <stdio.h>

#include <pf/folded.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Options, named and defaulted like flamegraph.pl's.  Fill with
   pf_flame_opts_init(), then set what differs; fields may be added at the
   end, and size tells the library which the caller has. */
typedef struct pf_flame_opts {
	size_t size;		/* sizeof, set by pf_flame_opts_init() */
	const char *title;	/* NULL: "Flame Graph", "Icicle Graph" or "Flame Chart" */
	const char *subtitle;	/* NULL or "": none */
	int width;		/* image width in pixels: 1200 */
	int frame_height;	/* 16 */
	double minwidth;	/* 0.1 pixels, or percent of the total ... */
	int minwidth_pct;	/* ... when this is set */
	const char *fonttype;	/* "Verdana" */
	double fontsize;	/* 12 */
	double fontwidth;	/* 0.59 */
	const char *countname;	/* "samples" */
	const char *nametype;	/* "Function:" */
	const char *colors;	/* palette: "hot" */
	const char *bgcolors;	/* NULL: chosen by palette */
	int hash;		/* colour by name hash (--hash) */
	int random;		/* colour from a fixed-seed random sequence */
	const char *palette_file;	/* --cp: read and update this palette map */
	int inverted;		/* icicle graph */
	int flamechart;		/* input order, no sort */
	int negate;		/* swap differential hues */
	const char *notes;	/* text of the NOTES comment */
	double total;		/* 0: the sum of the counts */
	double factor;		/* scale counts in titles: 1 */
	const char *search_color;	/* "rgb(230,0,230)" */
	const char *encoding;	/* XML encoding attribute, NULL for none */
	const char *nameattr_file;	/* --nameattr: frame attributes by function */
} pf_flame_opts;

void pf_flame_opts_init(pf_flame_opts *o);

/* Check O (palette and background names, notes, and that
   pf_flame_opts_init() set it up); -1 with a message. */
int pf_flame_opts_check(const pf_flame_opts *o);

typedef struct pf_flame pf_flame;

/* Merge the stacks of F into frames as flamegraph.pl does: lines sorted
   bytewise (input order with flamechart), merged left to right, frames
   narrower than minwidth dropped.  F must stay alive and unchanged while
   the result is used (the chain palette interns names in F).  NULL on
   failure, and when F holds no counts ("no stack counts found"). */
pf_flame *pf_flame_build(pf_folded *f, const pf_flame_opts *o);

/* Number of frames that will be drawn, the root included. */
size_t pf_flame_frames(const pf_flame *g);

/* The total the widths are relative to (the sum of counts or --total). */
double pf_flame_total(const pf_flame *g);

/* Write the standalone SVG with its interactive script.  -1 on failure
   (write error, palette map I/O). */
int pf_flame_write_svg(pf_flame *g, FILE *out);

void pf_flame_free(pf_flame *g);

/* Plain-text summary of F: the TOP hottest functions by self and by total
   count, as aligned tables.  -1 on write failure. */
int pf_flame_write_text(const pf_folded *f, FILE *out, size_t top,
			const char *countname);

#ifdef __cplusplus
}
#endif

#endif /* PF_FLAME_H */
