/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PERF_RECORD_COMPRESSED (perf record -z): the payload is zstd data that
 * decompresses into further records.  A record may continue in the next
 * compressed record, so decompressed bytes are kept until a whole record
 * is there.  Built only with libzstd (configure's HAVE_ZSTD); without it
 * such recordings are refused with a clear message.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "perfdata/read-int.h"

#ifdef HAVE_ZSTD
#include <zstd.h>

/* What one compressed record may decompress to when the recording does not
   say (perf sizes its buffer by HEADER_COMPRESSED's mmap_len, the size of
   the ring buffer a record was compressed from; -m 16M at most here). */
#define Z_RECORD_DEFAULT ((size_t)16 << 20)
#define Z_RECORD_MAX     ((size_t)256 << 20)

/* The bound of one record's output: the header's mmap_len, as perf;
   *WHY says where it comes from. */
static size_t z_limit(pf_perfdata *pd, const char **why)
{
	size_t size;
	const unsigned char *f = pf_perfdata_feature(pd, HEADER_COMPRESSED, &size);
	uint32_t mmap_len;

	*why = "the limit for recordings without a valid HEADER_COMPRESSED";
	if (!f || size < 20)
		return Z_RECORD_DEFAULT;
	memcpy(&mmap_len, f + 16, 4);
	if (!mmap_len || mmap_len > Z_RECORD_MAX)
		return Z_RECORD_DEFAULT;
	*why = "the mmap_len of its HEADER_COMPRESSED";
	return mmap_len;
}

int pd_z_feed(pf_perfdata *pd, const unsigned char *data, size_t n, uint64_t off)
{
	ZSTD_inBuffer in = { data, n, 0 };
	const char *why;
	size_t made = 0, limit = z_limit(pd, &why);

	if (!pd->zctx && !(pd->zctx = ZSTD_createDStream())) {
		error_set("%s: out of memory", pd->name);
		return -1;
	}
	/* Keep only what was not handed out yet, at the start. */
	if (pd->zbuf)	/* NULL before the first record */
		memmove(pd->zbuf, pd->zbuf + pd->zpos, pd->zlen - pd->zpos);
	pd->zlen -= pd->zpos;
	pd->zpos = 0;
	pd->zoff = off;
	while (in.pos < in.size) {
		if (pd->zcap - pd->zlen < ZSTD_DStreamOutSize()) {
			size_t cap = pd->zcap ? pd->zcap * 2 : 4 * ZSTD_DStreamOutSize();
			void *p = mem_realloc(pd->zbuf, cap);

			if (!p)
				return -1;
			pd->zbuf = p;
			pd->zcap = cap;
		}
		ZSTD_outBuffer out = { pd->zbuf + pd->zlen, pd->zcap - pd->zlen, 0 };
		size_t r = ZSTD_decompressStream(pd->zctx, &out, &in);

		if (ZSTD_isError(r)) {
			error_set("%s: bad compressed data at offset %llu: %s", pd->name,
				  (unsigned long long)off, ZSTD_getErrorName(r));
			return -1;
		}
		pd->zlen += out.pos;
		made += out.pos;
		if (made > limit) {
			error_set("%s: compressed record at offset %llu decompresses to more than %zu bytes (%s)",
				  pd->name, (unsigned long long)off, limit, why);
			return -1;
		}
		if (out.pos == 0 && in.pos < in.size && out.size > 0)
			break;          /* no progress: a truncated frame */
	}
	return 0;
}

void pd_z_free(pf_perfdata *pd)
{
	ZSTD_freeDStream(pd->zctx);
	free(pd->zbuf);
}

#else

int pd_z_feed(pf_perfdata *pd, const unsigned char *data, size_t n, uint64_t off)
{
	(void)data;
	(void)n;
	error_set("%s: compressed records (perf record -z) at offset %llu need zstd, which this libpf was built without",
		  pd->name, (unsigned long long)off);
	return -1;
}

void pd_z_free(pf_perfdata *pd)
{
	free(pd->zbuf);
}

#endif

int pd_z_next(pf_perfdata *pd, const unsigned char **rec, uint64_t *off)
{
	struct perf_event_header h;
	size_t left = pd->zlen - pd->zpos;

	if (left < sizeof h)
		return 0;
	memcpy(&h, pd->zbuf + pd->zpos, sizeof h);
	if (h.size < sizeof h) {
		error_set("%s: record size %u too small in the compressed data at offset %llu",
			  pd->name, h.size, (unsigned long long)pd->zoff);
		return -1;
	}
	if (h.size > left)
		return 0;       /* continues in the next compressed record */
	pf_assert(pd->zpos + h.size <= pd->zlen && pd->zlen <= pd->zcap);
	*rec = pd->zbuf + pd->zpos;
	*off = pd->zoff;
	pd->zpos += h.size;
	return 1;
}
