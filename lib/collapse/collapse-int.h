/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of the collapser shared between collapse.c (sample state
 * machine), tidy.c (symbol clean-up), framecache.c (memo of tidied frame
 * lines) and srcline.c (inline expansion).
 */
#ifndef PF_COLLAPSE_INT_H
#define PF_COLLAPSE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <pf/collapse.h>
#include "util/buf.h"
#include "util/table.h"

/*
 * Append SYM tidied as stackcollapse-perf.pl does ("tidy_generic"): ';'
 * becomes ':', quotes go, and a C/C++ argument list is cut off, except
 * for Go method names ("pkg.(*T).M").  Unlike perl, the cut is aware of
 * brackets and scopes, so "std::function<void (int)>::operator()" and
 * "main()::<lambda(int)>" stay whole.  JAVA drops the "L" of a Java class
 * signature.  The caller reserved LEN bytes.
 */
void tidy_symbol(struct buf *out, const char *sym, size_t len, int java);

/* Frame cache (framecache.c): frame line -> the text it folds to. */
struct framecache;
struct fc_entry {
	struct table_entry h;
	const char *key;
	size_t key_len;
	const char *text;
	long text_len;		/* -1: the line adds no frame */
};

struct framecache *fc_new(void);
void fc_free(struct framecache *fc);
/* The entry for LINE (hashed to HASH), or NULL. */
const struct fc_entry *fc_find(const struct framecache *fc, const char *line,
			       size_t len, uint64_t hash);
/* Remember TEXT for LINE; silently not when the cache is full.  -1 when
   out of memory. */
int fc_insert(struct framecache *fc, const char *line, size_t len,
	      uint64_t hash, const char *text, long text_len);

/* For folding a recording without its text (lib/export): the name a
   sample with the event line EV gets under C's options ("comm",
   "comm-PID/TID"), in *NAME, which stays valid until the next call and
   sets the Java flag that collapse_frame_line() then applies.  -1 when
   out of memory. */
int collapse_sample_name(pf_collapse *c, const struct pf_script_event *ev,
			 struct pf_span *name);

/* The text one frame line (or the frame at the end of an event line)
   folds to, as pf_collapse_line() would prepend it: 1 with *TEXT set
   (valid until the next call), 0 when it adds no frame, -1 when out of
   memory. */
int collapse_frame_line(pf_collapse *c, const char *line, size_t len,
			struct pf_span *text);

#endif /* PF_COLLAPSE_INT_H */
