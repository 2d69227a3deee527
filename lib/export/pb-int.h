/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The little of protocol buffers pprof needs (encoding only): varints,
 * length-delimited fields and packed repeated varints, written into growable
 * buffers, and a gzip writer.  Wire format: developers.google.com/protocol-
 * buffers/docs/encoding.  Errors stick: after a failed allocation every
 * call does nothing and pb_failed() is true, so building code need not
 * check each field.
 */
#ifndef PF_EXPORT_PB_INT_H
#define PF_EXPORT_PB_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/buf.h"

struct pb {
	struct buf b;
	int failed;
};

/* A varint field (wire type 0), left out when V is 0 as proto3 does. */
void pb_uint(struct pb *p, unsigned field, uint64_t v);
/* int64 fields are varints of the two's complement. */
static inline void pb_int(struct pb *p, unsigned field, int64_t v)
{
	pb_uint(p, field, (uint64_t)v);
}
/* A length-delimited field (wire type 2): bytes, a string, a message. */
void pb_bytes(struct pb *p, unsigned field, const void *data, size_t n);
/* Packed repeated varints; nothing when N is 0. */
void pb_packed(struct pb *p, unsigned field, const uint64_t *v, size_t n);
/* The message built in SUB as field FIELD of P; SUB is emptied. */
void pb_message(struct pb *p, unsigned field, struct pb *sub);
static inline int pb_failed(const struct pb *p)
{
	return p->failed;
}
void pb_release(struct pb *p);

/* Write N bytes at DATA to OUT gzip-compressed: a gzip header without
   a name or a time, so the same bytes always compress the same.  -1 with
   pf_errmsg() set. */
int pb_gzip(const void *data, size_t n, FILE *out);

#endif /* PF_EXPORT_PB_INT_H */
