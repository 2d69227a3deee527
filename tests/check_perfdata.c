/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the perf.data reader on recordings built here byte by
 * byte: the file and pipe formats, every field of a sample, side-band
 * records and their sample_id trailer, unknown records skipped by size,
 * perf's time ordering between FINISHED_ROUND markers, malformed inputs
 * (each must fail with the offset in the message, never crash), and in
 * debug builds every allocation of a pipe reader failed in turn.
 */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "perfdata/format.h"
#include "perfdata/read-int.h"
#include "check-run.h"

#define SAMPLE_TYPE (PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | \
		     PERF_SAMPLE_ADDR | PERF_SAMPLE_ID | PERF_SAMPLE_CPU | \
		     PERF_SAMPLE_PERIOD | PERF_SAMPLE_CALLCHAIN)

struct buf {
	unsigned char *p;
	size_t n, cap;
};

static void put(struct buf *b, const void *data, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 256;
		b->p = realloc(b->p, b->cap);
		ck_assert_ptr_nonnull(b->p);
	}
	memcpy(b->p + b->n, data, n);
	b->n += n;
}

static void put64(struct buf *b, uint64_t v)
{
	put(b, &v, 8);
}

static void put32(struct buf *b, uint32_t v)
{
	put(b, &v, 4);
}

static void header(struct buf *b, uint32_t type, uint16_t misc, uint16_t size)
{
	struct perf_event_header h = { type, misc, size };

	put(b, &h, sizeof h);
}

static struct perf_event_attr test_attr(void)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof a);
	a.type = PERF_TYPE_SOFTWARE;
	a.size = PERFDATA_ATTR_SIZE;
	a.config = PERF_COUNT_SW_PAGE_FAULTS;
	a.sample_period = 1;
	a.sample_type = SAMPLE_TYPE;
	a.sample_id_all = 1;
	return a;
}

/* sample_id trailer for SAMPLE_TYPE: tid, time, id, cpu. */
static void trailer(struct buf *b, uint32_t pid, uint32_t tid, uint64_t time)
{
	put32(b, pid);
	put32(b, tid);
	put64(b, time);
	put64(b, 42);
	put64(b, 1);
}

static void comm(struct buf *b, uint32_t pid, const char *name, uint64_t time)
{
	char c[16] = { 0 };

	strncpy(c, name, sizeof c - 1);
	header(b, PERF_RECORD_COMM, 0, 8 + 8 + 16 + 32);
	put32(b, pid);
	put32(b, pid);
	put(b, c, 16);
	trailer(b, pid, pid, time);
}

static void sample(struct buf *b, uint32_t pid, uint64_t time, uint64_t ip)
{
	header(b, PERF_RECORD_SAMPLE, PERF_RECORD_MISC_USER, 8 + 8 * 8 + 8 * 3);
	put64(b, ip);
	put32(b, pid);
	put32(b, pid + 1);
	put64(b, time);
	put64(b, 0xdead000);           /* addr */
	put64(b, 42);                  /* id */
	put32(b, 3);                   /* cpu */
	put32(b, 0);
	put64(b, 7);                   /* period */
	put64(b, 3);                   /* callchain */
	put64(b, (uint64_t)PERF_CONTEXT_USER);
	put64(b, ip);
	put64(b, 0x401000);
}

/* The records: times deliberately out of order within round one. */
static void records(struct buf *b)
{
	comm(b, 100, "demo", 10);
	sample(b, 100, 30, 0x400100);
	sample(b, 100, 20, 0x400200);
	header(b, 200, 0, 16);         /* a type nobody knows: skipped */
	put64(b, 0);
	header(b, PERF_RECORD_FINISHED_ROUND, 0, 8);
	sample(b, 100, 25, 0x400300);  /* older than round one's newest */
	header(b, PERF_RECORD_LOST, 0, 24 + 32);
	put64(b, 42);
	put64(b, 5);
	trailer(b, 100, 100, 40);
	header(b, PERF_RECORD_FINISHED_ROUND, 0, 8);
}

static char *write_file(const struct buf *b)
{
	char *path = strdup("/tmp/check_perfdata.XXXXXX");
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, b->p, b->n), (ssize_t)b->n);
	close(fd);
	return path;
}

static char *file_recording(struct buf *b)
{
	struct perfdata_header h;
	struct perf_event_attr a = test_attr();
	struct buf data = { 0 };
	uint64_t id = 42;

	records(&data);
	memset(&h, 0, sizeof h);
	h.magic = PERFDATA_MAGIC;
	h.size = sizeof h;
	h.attr_size = PERFDATA_ATTR_SIZE + sizeof(struct perfdata_section);
	h.attrs.offset = sizeof h;
	h.attrs.size = h.attr_size;
	h.data.offset = sizeof h + h.attr_size + 8;
	h.data.size = data.n;
	put(b, &h, sizeof h);
	put(b, &a, PERFDATA_ATTR_SIZE);
	put64(b, sizeof h + h.attr_size);      /* ids section */
	put64(b, 8);
	put(b, &id, 8);
	put(b, data.p, data.n);
	free(data.p);
	return write_file(b);
}

static char *pipe_recording(struct buf *b)
{
	struct perf_event_attr a = test_attr();

	put64(b, PERFDATA_MAGIC);
	put64(b, 16);
	header(b, PERF_RECORD_HEADER_ATTR, 0, 8 + PERFDATA_ATTR_SIZE + 8);
	put(b, &a, PERFDATA_ATTR_SIZE);
	put64(b, 42);
	records(b);
	return write_file(b);
}

static void check_records(pf_perfdata *pd)
{
	/* A round's records are delivered at the end of the next round, so
	   the late 25 still goes before 30. */
	static const uint64_t times[] = { 10, 20, 25, 30, 40 };
	static const uint32_t types[] = { PERF_RECORD_COMM, PERF_RECORD_SAMPLE,
		PERF_RECORD_SAMPLE, PERF_RECORD_SAMPLE, PERF_RECORD_LOST };
	struct pf_record r;
	struct pf_sample s;
	int i = 0, unknown = 0;

	while (pf_perfdata_next(pd, &r) == 1) {
		if (r.type == 200 || r.type == PERF_RECORD_FINISHED_ROUND ||
		    r.type == PERF_RECORD_HEADER_ATTR) {
			unknown += r.type == 200;
			continue;
		}
		ck_assert_int_lt(i, 5);
		ck_assert_uint_eq(r.type, types[i]);
		ck_assert_uint_eq(r.time, times[i]);
		if (r.type == PERF_RECORD_SAMPLE) {
			ck_assert_int_eq(pf_perfdata_sample(pd, &r, &s), 0);
			ck_assert_uint_eq(s.time, times[i]);
			ck_assert_int_eq(s.pid, 100);
			ck_assert_int_eq(s.tid, 101);
			ck_assert_uint_eq(s.addr, 0xdead000);
			ck_assert_uint_eq(s.cpu, 3);
			ck_assert_uint_eq(s.period, 7);
			ck_assert_uint_eq(s.id, 42);
			ck_assert_uint_eq(s.nr_callchain, 3);
			ck_assert_uint_eq(s.callchain[1], s.ip);
			ck_assert_uint_eq(s.cpumode, PERF_RECORD_MISC_USER);
		} else {
			ck_assert_int_eq(r.pid, 100);
			ck_assert_int_eq(r.cpu, 1);
		}
		i++;
	}
	ck_assert_int_eq(i, 5);
	ck_assert_int_eq(unknown, 1);
	ck_assert_uint_eq(pf_perfdata_nr_evsel(pd), 1);
	ck_assert_str_eq(pf_perfdata_evsel(pd, 0)->name, "page-faults");
	ck_assert_uint_eq(pf_perfdata_lost(pd), 5);

	struct pf_perfdata_stats st;
	memset(&st, 0xff, sizeof st);
	ck_assert_uint_eq(pf_perfdata_stats(pd, &st, sizeof st), sizeof st);
	ck_assert_uint_eq(st.lost_samples, 5);
	ck_assert_uint_eq(st.lost_chunks, 1);
	ck_assert_uint_eq(st.lost_samples_records, 0);
	ck_assert_uint_eq(st.unknown_records, 1);
	ck_assert_uint_eq(st.nr_unknown_types, 1);
	ck_assert_uint_eq(st.unknown_types[0], 200);
	ck_assert_int_eq(st.unfinished, 0);
	ck_assert_uint_eq(st.partial_at, 0);
	/* An older caller's smaller struct gets its fields only. */
	ck_assert_uint_eq(pf_perfdata_stats(pd, &st, 8), 8);
}

START_TEST(file_format)
{
	struct buf b = { 0 };
	char *path = file_recording(&b);
	pf_perfdata *pd = pf_perfdata_open(path);

	ck_assert_msg(pd != NULL, "%s", pf_errmsg());
	ck_assert_int_eq(pf_perfdata_is_pipe(pd), 0);
	check_records(pd);
	pf_perfdata_close(pd);
	unlink(path);
	free(path);
	free(b.p);
}
END_TEST

START_TEST(pipe_format)
{
	struct buf b = { 0 };
	char *path = pipe_recording(&b);
	pf_perfdata *pd = pf_perfdata_open(path);

	ck_assert_msg(pd != NULL, "%s", pf_errmsg());
	ck_assert_int_eq(pf_perfdata_is_pipe(pd), 1);
	check_records(pd);
	pf_perfdata_close(pd);
	unlink(path);
	free(path);
	free(b.p);
}
END_TEST

/* Open a copy of B changed by EDIT and expect an error mentioning WHAT. */
static void expect_error(struct buf *b, size_t at, const void *edit, size_t n,
			 size_t truncate, const char *what)
{
	struct buf c = { 0 };
	struct pf_record r;
	int res = 0;

	put(&c, b->p, truncate ? truncate : b->n);
	if (edit)
		memcpy(c.p + at, edit, n);
	char *path = write_file(&c);
	pf_perfdata *pd = pf_perfdata_open(path);
	if (pd) {
		while ((res = pf_perfdata_next(pd, &r)) == 1) {
			struct pf_sample s;

			if (r.type == PERF_RECORD_SAMPLE && pf_perfdata_sample(pd, &r, &s) < 0) {
				res = -1;
				break;
			}
		}
		pf_perfdata_close(pd);
	}
	ck_assert_msg(!pd || res < 0, "no error for '%s'", what);
	ck_assert_msg(strstr(pf_errmsg(), what) != NULL, "'%s' lacks '%s'", pf_errmsg(), what);
	unlink(path);
	free(path);
	free(c.p);
}

START_TEST(malformed)
{
	struct buf b = { 0 };
	char *path = file_recording(&b);
	uint64_t v;
	uint16_t small = 4, huge = 0xfff8;
	const struct perfdata_header *h = (const void *)b.p;
	size_t data = h->data.offset;

	expect_error(&b, 0, "PERFILE9", 8, 0, "bad magic at offset 0");
	v = PERFDATA_MAGIC_SWAPPED;
	expect_error(&b, 0, &v, 8, 0, "other byte order");
	expect_error(&b, 0, NULL, 0, 12, "too short");
	expect_error(&b, 0, NULL, 0, 60, "truncated header");
	v = UINT64_MAX - 8;
	expect_error(&b, 48, &v, 8, 0, "outside the file");
	expect_error(&b, data + 6, &small, 2, 0, "too small at offset");
	expect_error(&b, data + 6, &huge, 2, 0, "runs past the end");
	/* The first sample's callchain claims more entries than it has. */
	v = 1000;
	expect_error(&b, data + 64 + 8 + 56, &v, 8, 0, "malformed sample (callchain) at offset");
	unlink(path);
	free(path);
	free(b.p);

	struct buf p = { 0 };
	path = pipe_recording(&p);
	expect_error(&p, 0, NULL, 0, p.n - 3, "offset");
	unlink(path);
	free(path);
	free(p.p);
}
END_TEST

START_TEST(unordered)
{
	struct buf b = { 0 };
	char *path = file_recording(&b);
	pf_perfdata *pd = pf_perfdata_open(path);
	struct pf_record r;
	uint64_t last = 0, n = 0;
	int backwards = 0;

	pf_perfdata_set_unordered(pd, 1);
	while (pf_perfdata_next(pd, &r) == 1) {
		if (r.type != PERF_RECORD_SAMPLE)
			continue;
		backwards |= r.time < last;
		last = r.time;
		n++;
	}
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(backwards, 1);        /* file order: 30, 20, 25 */
	pf_perfdata_close(pd);
	unlink(path);
	free(path);
	free(b.p);
}
END_TEST

/* Read B from a pipe fed by a child (a stream's records are copies, which
   the time-ordering queues own); the records read, or -1 on an error. */
static long read_through_pipe(const struct buf *b)
{
	struct pf_record r;
	int fds[2], res;
	long n = 0;
	pid_t child;

	ck_assert_int_eq(pipe(fds), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		close(fds[0]);
		signal(SIGPIPE, SIG_DFL);
		_exit(write(fds[1], b->p, b->n) == (ssize_t)b->n ? 0 : 1);
	}
	close(fds[1]);
	pf_perfdata *pd = pf_perfdata_fdopen(fds[0], "pipe");
	if (!pd) {
		n = -1;
	} else {
		while ((res = pf_perfdata_next(pd, &r)) == 1)
			n++;
		if (res < 0)
			n = -1;
		pf_perfdata_close(pd);
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return n;
}

/* A round bigger than the ordering queue may hold is delivered older half
   first instead of being held whole: the queue stays near its limit and
   every record comes out. */
START_TEST(queue_limit)
{
	struct perf_event_attr a = test_attr();
	struct pf_record r;
	struct buf b = { 0 };
	int fds[2];
	long n = 0;

	put64(&b, PERFDATA_MAGIC);
	put64(&b, 16);
	header(&b, PERF_RECORD_HEADER_ATTR, 0, 8 + PERFDATA_ATTR_SIZE + 8);
	put(&b, &a, PERFDATA_ATTR_SIZE);
	put64(&b, 42);
	for (int i = 0; i < 3000; i++)
		sample(&b, 100, 100000 - (uint64_t)i, 0x400000);
	header(&b, PERF_RECORD_FINISHED_ROUND, 0, 8);
	ck_assert_int_eq(pipe(fds), 0);
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		close(fds[0]);
		_exit(write(fds[1], b.p, b.n) == (ssize_t)b.n ? 0 : 1);
	}
	close(fds[1]);
	pf_perfdata *pd = pf_perfdata_fdopen(fds[0], "pipe");
	ck_assert_ptr_nonnull(pd);
	pd->queue_max = 16 << 10;
	size_t most = 0;
	while (pf_perfdata_next(pd, &r) == 1) {
		n += r.type == PERF_RECORD_SAMPLE;
		if (pd->pending_bytes > most)
			most = pd->pending_bytes;
	}
	ck_assert_int_eq(n, 3000);
	ck_assert_uint_le(most, pd->queue_max + 256);
	ck_assert_uint_gt(most, pd->queue_max / 2);
	pf_perfdata_close(pd);
	waitpid(child, NULL, 0);
	free(b.p);
}
END_TEST

#ifdef PF_DEBUG
/* Fail the Nth allocation for every N: each run ends with "out of memory"
   or reads everything, never frees a record twice nor leaks it to ASan.
   A round of more records than the ready queue held made flush_upto() fail
   half way with the moved records still pending (a double free). */
START_TEST(alloc_failures)
{
	struct perf_event_attr a = test_attr();
	struct buf b = { 0 };
	long total = 0, failed = 0;
	enum { BIG_ROUND = 1100 };

	put64(&b, PERFDATA_MAGIC);
	put64(&b, 16);
	header(&b, PERF_RECORD_HEADER_ATTR, 0, 8 + PERFDATA_ATTR_SIZE + 8);
	put(&b, &a, PERFDATA_ATTR_SIZE);
	put64(&b, 42);
	total++;
	for (int i = 0; i < BIG_ROUND; i++, total++)
		sample(&b, 100, 100000 - (uint64_t)i, 0x400000 + (uint64_t)i);
	header(&b, PERF_RECORD_FINISHED_ROUND, 0, 8);
	records(&b);
	total += 1 + 8;
	for (unsigned long n = 1;; n++) {
		mem_fail_at(n);
		long got = read_through_pipe(&b);
		int hit = mem_fail_count() >= n;

		mem_fail_at(0);
		if (!hit) {
			ck_assert_int_eq(got, total);
			break;
		}
		ck_assert_msg(got == -1 || got == total, "allocation %lu: %ld records", n, got);
		if (got == -1) {
			ck_assert_msg(strstr(pf_errmsg(), "out of memory") != NULL,
				      "allocation %lu: %s", n, pf_errmsg());
			failed++;
		}
	}
	ck_assert_int_gt(failed, BIG_ROUND);
	free(b.p);
}
END_TEST
#endif

int main(void)
{
	Suite *s = suite_create("perfdata");
	TCase *tc = tcase_create("reader");

	tcase_add_test(tc, file_format);
	tcase_add_test(tc, pipe_format);
	tcase_add_test(tc, malformed);
	tcase_add_test(tc, unordered);
	tcase_add_test(tc, queue_limit);
	suite_add_tcase(s, tc);
#ifdef PF_DEBUG
	tc = tcase_create("allocation failures");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, alloc_failures);
	suite_add_tcase(s, tc);
#endif
	return check_run(s);
}
