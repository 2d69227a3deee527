/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Inline expansion for pfcollapse --inline/--context: what
 * stackcollapse-perf.pl gets from "addr2line -a PC -e DSO -i -f -s -C",
 * computed by dso.c, pfscript's DWARF layer, and cached there per (dso,
 * address).
 */
#ifndef PF_SRCLINE_INT_H
#define PF_SRCLINE_INT_H

#include <pf/pf.h>
#include "util/buf.h"

struct srcline;

/* A resolver; CONTEXT appends ":file.c:LINE" to each function.  NULL when
   out of memory. */
struct srcline *srcline_new(int context);
void srcline_free(struct srcline *s);

/* Replace OUT's contents with FR's call chain at its address, outermost
   function first, ';'-separated ("outer;middle;leaf"), and return 1.
   Return 0 when perl would fall back to the symbol: a kernel, JIT or
   bracketed dso, an unreadable file, an address without a function.
   -1 when out of memory. */
int srcline_expand(struct srcline *s, const struct pf_script_frame *fr,
		   struct buf *out);

#endif /* PF_SRCLINE_INT_H */
