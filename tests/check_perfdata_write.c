/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the perf.data writer: the file header and its sections,
 * the feature table, the pipe stream's leading records and build ids,
 * checked byte by byte against the layout of perfdata-format.h.
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "symbols/buildid-int.h"
#include "record/capture-int.h"
#include "perfdata/format.h"
#include "perfdata/write-int.h"
#include "check-run.h"

static char path[] = "/tmp/check_perfdata_write.XXXXXX";
static uint64_t ids[2] = { 41, 42 };
static struct pdw_event ev;
static char *argv0[] = { "pfrecord", "-g", NULL };
static struct pdw_meta meta;
static const struct pdw_opts file_opts = { 0, 0, 0 }, pipe_opts = { 1, 0, 0 };

static void setup(void)
{
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	memset(&ev, 0, sizeof ev);
	ev.attr.size = PERFDATA_ATTR_SIZE;
	ev.attr.type = PERF_TYPE_SOFTWARE;
	ev.attr.config = PERF_COUNT_SW_PAGE_FAULTS;
	ev.attr.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME;
	ev.attr.sample_id_all = 1;
	strcpy(ev.name, "page-faults");
	ev.ids = ids;
	ev.nids = 2;
	meta = (struct pdw_meta){ .events = &ev, .nevents = 1, .argc = 2, .argv = argv0,
		.clockid = -1 };
}

static void teardown(void)
{
	unlink(path);
	strcpy(path, "/tmp/check_perfdata_write.XXXXXX");
}

static unsigned char *slurp(size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY);
	unsigned char *p;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	p = malloc(st.st_size + 1);
	ck_assert_int_eq(read(fd, p, st.st_size), st.st_size);
	close(fd);
	*len = st.st_size;
	return p;
}

/* A COMM record with the sample_id trailer of ev's sample type. */
static void add_comm(struct pdw *w)
{
	size_t size = 8 + 8 + 8 + pdw_id_hdr_size(ev.attr.sample_type);
	unsigned char *p = pdw_reserve(w, size);
	struct perf_event_header h = { PERF_RECORD_COMM, 0, size };

	ck_assert_ptr_nonnull(p);
	memset(p, 0, size);
	memcpy(p, &h, sizeof h);
	memcpy(p + 16, "demo", 5);
}

START_TEST(test_id_hdr_size)
{
	ck_assert_uint_eq(pdw_id_hdr_size(PERF_SAMPLE_TID | PERF_SAMPLE_TIME), 16);
	ck_assert_uint_eq(pdw_id_hdr_size(PERF_SAMPLE_IP | PERF_SAMPLE_CALLCHAIN), 0);
	ck_assert_uint_eq(pdw_id_hdr_size(PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU |
					  PERF_SAMPLE_IDENTIFIER), 32);
}
END_TEST

START_TEST(test_file_layout)
{
	struct pdw_build_id bid = { "/bin/true", { 1, 2, 3 }, 20, 0 };
	struct pdw *w = pdw_open(path, -1, &file_opts, &meta);
	struct perfdata_header h;
	struct perfdata_file_attr fa;
	struct perfdata_section sec[16];
	uint64_t bytes, got_ids[2];
	size_t len, nfeat = 0;
	unsigned char *f;

	ck_assert_ptr_nonnull(w);
	add_comm(w);
	ck_assert_int_eq(pdw_round(w, 1), 0);
	ck_assert_int_eq(pdw_close(w, &meta, &bid, 1, &bytes), 0);
	f = slurp(&len);
	ck_assert_uint_eq(len, bytes);
	memcpy(&h, f, sizeof h);
	ck_assert(h.magic == PERFDATA_MAGIC);
	ck_assert_uint_eq(h.size, PERFDATA_HEADER_SIZE);
	ck_assert_uint_eq(h.attr_size, PERFDATA_ATTR_SIZE + 16);
	ck_assert_uint_eq(h.attrs.offset, PERFDATA_HEADER_SIZE);
	ck_assert_uint_eq(h.attrs.size, PERFDATA_ATTR_SIZE + 16);
	/* the COMM record (40 bytes) and a FINISHED_ROUND (8) */
	ck_assert_uint_eq(h.data.size, 48);
	ck_assert_uint_eq(f[h.data.offset + 40], PERF_RECORD_FINISHED_ROUND);
	memcpy(&fa, f + h.attrs.offset, sizeof fa);
	ck_assert_uint_eq(((struct perf_event_attr *)fa.attr)->size, 128);
	ck_assert_uint_eq(fa.ids.size, 16);
	memcpy(got_ids, f + fa.ids.offset, 16);
	ck_assert_uint_eq(got_ids[1], 42);
	ck_assert(!(h.adds_features[0] & (1ULL << HEADER_TRACING_DATA)));
	for (int b = 1; b < 64; b++)
		nfeat += (h.adds_features[0] >> b) & 1;
	ck_assert_uint_eq(nfeat, 9);
	memcpy(sec, f + h.data.offset + h.data.size, nfeat * sizeof sec[0]);
	for (size_t i = 0; i < nfeat; i++)
		ck_assert_uint_le(sec[i].offset + sec[i].size, len);
	/* BUILD_ID comes first: one entry padded to 64 bytes of name. */
	struct perfdata_build_id_event be;
	memcpy(&be, f + sec[0].offset, sizeof be);
	ck_assert_uint_eq(sec[0].size, sizeof be + 64);
	ck_assert_uint_eq(be.header.size, sizeof be + 64);
	ck_assert_int_eq(be.pid, -1);
	ck_assert_uint_eq(be.build_id[2], 3);
	ck_assert_uint_eq(be.build_id[PERFDATA_BUILD_ID_SIZE], 20);
	ck_assert_str_eq((char *)f + sec[0].offset + sizeof be, "/bin/true");
	/* CMDLINE (the 8th present feature): count, then padded strings. */
	uint32_t n, slen;
	memcpy(&n, f + sec[7].offset, 4);
	memcpy(&slen, f + sec[7].offset + 4, 4);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(slen, 64);
	ck_assert_str_eq((char *)f + sec[7].offset + 8, "pfrecord");
	free(f);
}
END_TEST

/* The file's header as it is on disk now. */
static struct perfdata_header header_now(void)
{
	struct perfdata_header h;
	int fd = open(path, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &h, sizeof h, 0), sizeof h);
	close(fd);
	return h;
}

/* A recording killed half way: the header is valid from the start (no
   data yet, as perf record writes it) and covers each chunk written. */
START_TEST(test_provisional_header)
{
	struct pdw *w = pdw_open(path, -1, &file_opts, &meta);
	struct perfdata_header h;
	uint64_t bytes;

	ck_assert_ptr_nonnull(w);
	h = header_now();
	ck_assert(h.magic == PERFDATA_MAGIC);
	ck_assert_uint_eq(h.data.size, 0);
	ck_assert_uint_eq(h.data.offset, PERFDATA_HEADER_SIZE + PERFDATA_ATTR_SIZE + 16 + 16);
	ck_assert_uint_eq(h.adds_features[0], 0);
	add_comm(w);
	ck_assert_int_eq(pdw_round(w, 1), 0);
	/* The writer thread writes the chunk, then the size. */
	for (int i = 0; i < 6000 && header_now().data.size == 0; i++)
		usleep(10000);
	h = header_now();
	ck_assert_uint_eq(h.data.size, 48);
	ck_assert_uint_eq(pdw_bytes(w), h.data.offset + 48);
	ck_assert_int_eq(pdw_close(w, &meta, NULL, 0, &bytes), 0);
	ck_assert_uint_eq(header_now().data.size, 48);
	ck_assert_uint_ne(header_now().adds_features[0], 0);
}
END_TEST

/* perf record's habit: an earlier recording becomes FILE.old. */
START_TEST(test_keep_old)
{
	struct pdw_opts o = { 0, 1, 0 };
	char old[64];
	struct stat st;
	struct pdw *w;

	snprintf(old, sizeof old, "%s.old", path);
	ck_assert_int_eq(truncate(path, 0), 0);
	w = pdw_open(path, -1, &o, &meta);                /* empty: not kept */
	ck_assert_ptr_nonnull(w);
	ck_assert_int_eq(pdw_close(w, &meta, NULL, 0, NULL), 0);
	ck_assert_int_ne(stat(old, &st), 0);
	w = pdw_open(path, -1, &o, &meta);
	ck_assert_ptr_nonnull(w);
	ck_assert_int_eq(pdw_close(w, &meta, NULL, 0, NULL), 0);
	ck_assert_int_eq(stat(old, &st), 0);
	ck_assert_int_gt(st.st_size, 0);
	unlink(old);
}
END_TEST

#ifdef HAVE_ZSTD
/* -z: runs of records in PERF_RECORD_COMPRESSED, round markers plain, and
   the HEADER_COMPRESSED feature. */
START_TEST(test_compressed)
{
	struct pdw_opts o = { 0, 0, 3 };
	struct pdw *w = pdw_open(path, -1, &o, &meta);
	struct perfdata_header h;
	struct perf_event_header rh;
	uint64_t bytes;
	size_t len, off;
	unsigned char *f;
	int compressed = 0, rounds = 0;

	ck_assert_ptr_nonnull(w);
	for (int i = 0; i < 5000; i++)
		add_comm(w);
	ck_assert_int_eq(pdw_round(w, 1), 0);
	add_comm(w);
	ck_assert_int_eq(pdw_close(w, &meta, NULL, 0, &bytes), 0);
	f = slurp(&len);
	memcpy(&h, f, sizeof h);
	ck_assert(h.adds_features[0] & (1ULL << HEADER_COMPRESSED));
	ck_assert_uint_lt(h.data.size, 5001 * 40 / 4);          /* it did compress */
	for (off = h.data.offset; off < h.data.offset + h.data.size; off += rh.size) {
		memcpy(&rh, f + off, sizeof rh);
		ck_assert_uint_ge(rh.size, 8);
		compressed += rh.type == PERF_RECORD_COMPRESSED;
		rounds += rh.type == PERF_RECORD_FINISHED_ROUND;
	}
	ck_assert_uint_eq(off, h.data.offset + h.data.size);
	ck_assert_int_ge(compressed, 2);
	ck_assert_int_eq(rounds, 1);
	free(f);
}
END_TEST
#endif

START_TEST(test_pipe_start)
{
	struct pdw *w = pdw_open(path, -1, &pipe_opts, &meta);
	struct perf_event_header rh;
	uint64_t magic, hsize, bytes, id;
	size_t len, off;
	unsigned char *f;
	int features = 0, updates = 0;

	ck_assert_ptr_nonnull(w);
	add_comm(w);
	ck_assert_int_eq(pdw_close(w, &meta, NULL, 0, &bytes), 0);
	f = slurp(&len);
	ck_assert_uint_eq(len, bytes);
	memcpy(&magic, f, 8);
	memcpy(&hsize, f + 8, 8);
	ck_assert(magic == PERFDATA_MAGIC);
	ck_assert_uint_eq(hsize, 16);
	memcpy(&rh, f + 16, sizeof rh);
	ck_assert_uint_eq(rh.type, PERF_RECORD_HEADER_ATTR);
	ck_assert_uint_eq(rh.size, 8 + 128 + 16);
	memcpy(&id, f + 16 + 8 + 128 + 8, 8);
	ck_assert_uint_eq(id, 42);
	/* Then features, then the data; the records tile the stream. */
	for (off = 16; off + 8 <= len; off += rh.size) {
		memcpy(&rh, f + off, sizeof rh);
		ck_assert_uint_ge(rh.size, 8);
		features += rh.type == PERF_RECORD_HEADER_FEATURE;
		if (rh.type == PERF_RECORD_EVENT_UPDATE) {
			updates++;
			ck_assert_str_eq((char *)f + off + 24, "page-faults");
		}
	}
	ck_assert_uint_eq(off, len);
	ck_assert_int_eq(features, 7);
	ck_assert_int_eq(updates, 1);
	free(f);
}
END_TEST

START_TEST(test_build_id)
{
	unsigned char id[20];

	ck_assert_int_eq(buildid_of_file("/no/such/file", id), -1);
	ck_assert_int_eq(buildid_of_file("/proc/self/status", id), -1);
	ck_assert_int_eq(buildid_of_file("/proc/self/exe", id), 20);
}
END_TEST

/* A DWARF sample: IP, TID, TIME, REGS_USER (ABI 64 and 2 registers), then
   STACK_USER with room for 64 bytes of which dyn bytes were filled. */
static size_t dwarf_sample(unsigned char *p, uint64_t dyn)
{
	uint64_t w[3 + 3 + 1 + 8 + 1];
	size_t n = 0;
	struct perf_event_header h = { PERF_RECORD_SAMPLE, 0, 8 + sizeof w };

	w[n++] = 0x401000;              /* ip */
	w[n++] = 7;                     /* pid, tid */
	w[n++] = 123;                   /* time */
	w[n++] = PERF_SAMPLE_REGS_ABI_64;
	w[n++] = 0x7ffc0000;            /* two registers */
	w[n++] = 0x7ffc0010;
	w[n++] = 64;                    /* stack size */
	for (int i = 0; i < 8; i++)
		w[n++] = 0x1111111111111111ULL * (i + 1);
	w[n++] = dyn;
	memcpy(p, &h, 8);
	memcpy(p + 8, w, sizeof w);
	return 8 + sizeof w;
}

START_TEST(test_trim_stacks)
{
	static pf_capture r;            /* large: not on the stack */
	unsigned char buf[512], *p = buf;
	struct perf_event_header h;
	uint64_t v;
	size_t len = 0, n;

	memset(&r, 0, sizeof r);
	r.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
		PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
	r.ev[0].attr.sample_regs_user = 0x3;
	len += dwarf_sample(buf + len, 20);     /* kept: 24 bytes */
	len += dwarf_sample(buf + len, 64);     /* full: unchanged */
	h = (struct perf_event_header){ PERF_RECORD_FINISHED_ROUND, 0, 8 };
	memcpy(buf + len, &h, 8);
	len += 8;
	n = trim_stacks(&r, buf, len);
	ck_assert_uint_eq(n, len - 40);
	memcpy(&h, p, 8);
	ck_assert_uint_eq(h.size, 8 + 8 * 16 - 40);
	memcpy(&v, p + 8 + 6 * 8, 8);
	ck_assert_uint_eq(v, 24);               /* new size */
	memcpy(&v, p + 8 + 7 * 8 + 16, 8);
	ck_assert(v == 0x3333333333333333ULL);  /* last kept word */
	memcpy(&v, p + 8 + 7 * 8 + 24, 8);
	ck_assert_uint_eq(v, 20);               /* dyn_size follows */
	p += h.size;
	memcpy(&h, p, 8);
	ck_assert_uint_eq(h.size, 8 + 8 * 16);
	memcpy(&v, p + 8 + 7 * 8 + 64, 8);
	ck_assert_uint_eq(v, 64);
	p += h.size;
	memcpy(&h, p, 8);
	ck_assert_uint_eq(h.type, PERF_RECORD_FINISHED_ROUND);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("perfdata-write");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_id_hdr_size);
	tcase_add_test(tc, test_file_layout);
	tcase_add_test(tc, test_provisional_header);
	tcase_add_test(tc, test_keep_old);
#ifdef HAVE_ZSTD
	tcase_add_test(tc, test_compressed);
#endif
	tcase_add_test(tc, test_pipe_start);
	tcase_add_test(tc, test_build_id);
	tcase_add_test(tc, test_trim_stacks);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
