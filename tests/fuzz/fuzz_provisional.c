/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz harness for what a killed recorder leaves behind: records made from
 * the input are written by pfrecord's writer (lib/perfdata/write.c), then
 * the file is put in the state of a recorder stopped at a byte chosen by
 * the input, before it wrote its features: the header saying data size 0
 * (as pfrecord's provisional header and perf record's do), or the size of
 * the records a finished chunk holds.  The reader must then deliver every
 * record whole in the file and no other, without an error; the first byte
 * selects zstd compression (-z), where only "no error" is checked.
 *
 * Input: byte 0 options, bytes 1-2 where the recorder stops, then records:
 * a kind byte (sample, round marker, unknown type) and its payload length.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pf/pf.h>
#include "perfdata/format.h"
#include "perfdata/write-int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SAMPLE_TYPE (PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME)

/* Write the records the input describes; their number, or -1. */
static long write_records(struct pdw *w, const uint8_t *p, size_t n)
{
	long count = 0;

	for (size_t i = 0; i + 2 <= n; i += 2) {
		unsigned kind = p[i] % 4, len = p[i + 1];

		if (kind == 0) {
			if (pdw_round(w, 0) < 0)
				return -1;
			continue;
		}
		/* A sample (ip, pid/tid, time) or a record of an unknown type
		   with LEN payload bytes taken from the input. */
		size_t body = kind == 1 ? 24 : (len % 64) * 8;
		struct perf_event_header h = { kind == 1 ? PERF_RECORD_SAMPLE : 200u + kind, 0,
					       (uint16_t)(8 + body) };
		unsigned char *r = pdw_reserve(w, h.size);

		if (!r)
			return -1;
		memset(r, 0, h.size);
		memcpy(r, &h, sizeof h);
		for (size_t k = 0; k < body && i + 2 + k < n; k++)
			r[8 + k] = p[i + 2 + k];
		count++;
	}
	return count;
}

/* The records whole in [from, to) of F; -1 if the walk finds a bad size. */
static long whole_records(const unsigned char *f, uint64_t from, uint64_t to)
{
	long n = 0;

	while (to - from >= 8) {
		struct perf_event_header h;

		memcpy(&h, f + from, sizeof h);
		if (h.size < 8)
			return -1;
		if (h.size > to - from)
			break;
		n += h.type == PERF_RECORD_SAMPLE || h.type > 200;
		from += h.size;
	}
	return n;
}

/* The offset of the last record boundary at or before LIMIT. */
static uint64_t boundary_before(const unsigned char *f, uint64_t from, uint64_t limit)
{
	while (limit - from >= 8) {
		struct perf_event_header h;

		memcpy(&h, f + from, sizeof h);
		if (h.size < 8 || h.size > limit - from)
			break;
		from += h.size;
	}
	return from;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pdw_event ev;
	struct pdw_meta meta;
	struct pdw_opts opts = { 0, 0, 0 };
	uint64_t ids[1] = { 7 }, bytes;
	char *argv[] = { "fuzz", NULL };
	struct stat st;
	int fd;

	if (size < 3)
		return 0;
	memset(&ev, 0, sizeof ev);
	ev.attr.size = sizeof ev.attr;
	ev.attr.type = PERF_TYPE_SOFTWARE;
	ev.attr.config = PERF_COUNT_SW_PAGE_FAULTS;
	ev.attr.sample_period = 1;
	ev.attr.sample_type = SAMPLE_TYPE;
	strcpy(ev.name, "page-faults");
	ev.ids = ids;
	ev.nids = 1;
	memset(&meta, 0, sizeof meta);
	meta.events = &ev;
	meta.nevents = 1;
	meta.argc = 1;
	meta.argv = argv;
	meta.clockid = -1;
#ifdef HAVE_ZSTD
	opts.zstd_level = data[0] & 1;
#endif
	if ((fd = memfd_create("provisional", 0)) < 0)
		return 0;
	struct pdw *w = pdw_open("fuzz", fd, &opts, &meta);
	if (!w) {
		close(fd);
		return 0;
	}
	long written = write_records(w, data + 3, size - 3);
	if (pdw_close(w, &meta, NULL, 0, &bytes) < 0 || written < 0 || fstat(fd, &st) < 0) {
		close(fd);
		return 0;
	}

	/* The file as the recorder left it when it stopped. */
	unsigned char *f = malloc((size_t)st.st_size);
	struct perfdata_header h;
	if (!f || pread(fd, f, (size_t)st.st_size, 0) != st.st_size) {
		free(f);
		close(fd);
		return 0;
	}
	memcpy(&h, f, sizeof h);
	uint64_t stop = ((uint64_t)data[1] | (uint64_t)data[2] << 8) % (h.data.size + 1);
	uint64_t end = h.data.offset + stop, covered;
	int zero = !(data[0] & 2) || opts.zstd_level;

	/* Provisional: data size 0 and no features; else a chunk's worth. */
	covered = zero ? end : boundary_before(f, h.data.offset, end);
	h.data.size = zero ? 0 : covered - h.data.offset;
	memset(h.adds_features, 0, sizeof h.adds_features);
	memcpy(f, &h, sizeof h);
	if (ftruncate(fd, 0) < 0 || pwrite(fd, f, end, 0) != (ssize_t)end) {
		free(f);
		close(fd);
		return 0;
	}

	pf_perfdata *pd = pf_perfdata_fdopen(fd, "fuzz");
	struct pf_record r;
	long got = 0;
	int res;

	if (!pd)
		abort();        /* a valid header: always opens */
	while ((res = pf_perfdata_next(pd, &r)) == 1)
		got += r.type == PERF_RECORD_SAMPLE || r.type > 200;
	if (res < 0) {
		fprintf(stderr, "%s\n", pf_errmsg());
		abort();
	}
	if (!opts.zstd_level && got != whole_records(f, h.data.offset, covered))
		abort();
	pf_perfdata_close(pd);
	free(f);
	return 0;
}
