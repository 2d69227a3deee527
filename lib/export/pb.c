/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Protocol buffer encoding and gzip output for pprof (pb-int.h).
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <zlib.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "export/pb-int.h"

static void put_varint(struct pb *p, uint64_t v)
{
	unsigned char tmp[10];
	size_t n = 0;

	do {
		tmp[n++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	if (!p->failed && buf_add(&p->b, tmp, n) < 0)
		p->failed = 1;
}

void pb_uint(struct pb *p, unsigned field, uint64_t v)
{
	if (!v)
		return;
	put_varint(p, (uint64_t)field << 3);
	put_varint(p, v);
}

void pb_bytes(struct pb *p, unsigned field, const void *data, size_t n)
{
	put_varint(p, (uint64_t)field << 3 | 2);
	put_varint(p, n);
	if (!p->failed && buf_add(&p->b, data, n) < 0)
		p->failed = 1;
}

void pb_packed(struct pb *p, unsigned field, const uint64_t *v, size_t n)
{
	struct pb sub = { { 0 }, 0 };

	if (!n)
		return;
	for (size_t i = 0; i < n; i++)
		put_varint(&sub, v[i]);
	pb_message(p, field, &sub);
}

void pb_message(struct pb *p, unsigned field, struct pb *sub)
{
	p->failed |= sub->failed;
	pb_bytes(p, field, sub->b.p, sub->b.len);
	sub->b.len = 0;
	sub->failed = 0;
}

void pb_release(struct pb *p)
{
	buf_release(&p->b);
	p->failed = 0;
}

int pb_gzip(const void *data, size_t n, FILE *out)
{
	unsigned char chunk[1 << 16];
	z_stream z;
	int rc;

	memset(&z, 0, sizeof z);
	/* windowBits 16 + 15: a gzip wrapper; zlib writes mtime 0, no name. */
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK) {
		error_set("out of memory");
		return -1;
	}
	z.next_in = (unsigned char *)(uintptr_t)data;
	do {
		size_t step = n > (1u << 30) ? (1u << 30) : n;

		z.avail_in = (uInt)step;
		n -= step;
		do {
			z.next_out = chunk;
			z.avail_out = sizeof chunk;
			rc = deflate(&z, n ? Z_NO_FLUSH : Z_FINISH);
			size_t have = sizeof chunk - z.avail_out;
			if (have && fwrite(chunk, 1, have, out) != have) {
				deflateEnd(&z);
				error_set_errno(errno, "write error");
				return -1;
			}
		} while (z.avail_out == 0);
	} while (n);
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		error_set("gzip: deflate failed");
		return -1;
	}
	return 0;
}
