/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Tracepoint formats from a recording's TRACING_DATA (the header feature
 * or the pipe stream's record) and the text of a tracepoint sample's raw
 * data as perf script's "trace" field shows it: the format's "print fmt"
 * evaluated for the common constructs (integer and string conversions,
 * REC->field, casts, arithmetic, ?:, __get_str, __print_flags,
 * __print_symbolic).  An event whose print fmt uses anything else is shown
 * the way libtraceevent shows formats it cannot parse:
 * "[FAILED TO PARSE] field=value ...".
 */
#ifndef PF_TRACEFMT_INT_H
#define PF_TRACEFMT_INT_H

#include <stddef.h>
#include <stdint.h>

struct tf_set;
struct tf_event;

/* The formats in the TRACING_DATA blob DATA of SIZE bytes; NULL with the
   message set when it is malformed or out of memory. */
struct tf_set *tf_parse(const void *data, size_t size);
void tf_free(struct tf_set *set);

/* The event with tracepoint id ID (attr.config), or NULL. */
const struct tf_event *tf_find(const struct tf_set *set, uint64_t id);

/* The Ith event in id order, or NULL past the last (the fuzz harness walks
   them all). */
const struct tf_event *tf_nth(const struct tf_set *set, size_t i);

/* Name kernel addresses (%ps, %pS) with SYM, which returns the function
   containing ADDR and sets *OFF to ADDR's offset in it, or returns NULL. */
void tf_set_resolver(struct tf_set *set,
		     const char *(*sym)(void *arg, uint64_t addr, uint64_t *off), void *arg);

/* Write the text of the sample data RAW (RAW_SIZE bytes) of EV into OUT,
   at most OUT_SIZE - 1 bytes and a NUL.  Returns the length written. */
size_t tf_format(const struct tf_set *set, const struct tf_event *ev, const void *raw,
		 size_t raw_size, char *out, size_t out_size);

#endif /* PF_TRACEFMT_INT_H */
