/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the line reader (lib/lines.c): plain files, gzip (also
 * concatenated members), pipes, CRLF, a last line without newline, NUL
 * bytes inside lines, 1 MB lines, the length limit and truncated gzip.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <pf/pf.h>
#include "check-run.h"

static char path[64];

static void setup(void)
{
	int fd;

	strcpy(path, "/tmp/check_lines.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void teardown(void)
{
	unlink(path);
}

static void write_plain(const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* Gzip DATA as one member, appended to the file when APPEND. */
static void write_gzip(const char *data, size_t len, int append)
{
	gzFile g = gzopen(path, append ? "ab" : "wb");

	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(gzwrite(g, data, (unsigned)len), (int)len);
	ck_assert_int_eq(gzclose(g), Z_OK);
}

/* Expect the next line to be EXP (EXPLEN bytes). */
static void expect(pf_lines *r, const char *exp, size_t explen)
{
	size_t len = 12345;
	char *line = pf_lines_next(r, &len);

	ck_assert_ptr_nonnull(line);
	ck_assert_uint_eq(len, explen);
	ck_assert(memcmp(line, exp, len) == 0);
	ck_assert_int_eq(line[len], '\0');
}

static void expect_end(pf_lines *r)
{
	size_t len;

	ck_assert_ptr_null(pf_lines_next(r, &len));
	ck_assert_int_eq(pf_lines_failed(r), 0);
	ck_assert_int_eq(pf_lines_close(r), 0);
}

#define EXPECT(r, s) expect((r), (s), sizeof(s) - 1)

START_TEST(plain_lines)
{
	pf_lines *r;

	write_plain("one\ntwo\n\nfour", 13);
	r = pf_lines_open(path);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(pf_lines_name(r), path);
	EXPECT(r, "one");
	ck_assert_uint_eq(pf_lines_lineno(r), 1);
	EXPECT(r, "two");
	EXPECT(r, "");
	EXPECT(r, "four");	/* no final newline */
	ck_assert_uint_eq(pf_lines_lineno(r), 4);
	expect_end(r);
}
END_TEST

START_TEST(crlf_and_nul)
{
	pf_lines *r;

	write_plain("a\r\nb\0c\r\n\r\nlast\r", 15);
	r = pf_lines_open(path);
	ck_assert_ptr_nonnull(r);
	EXPECT(r, "a");
	expect(r, "b\0c", 3);
	EXPECT(r, "");
	EXPECT(r, "last");
	expect_end(r);
}
END_TEST

START_TEST(gzip_members)
{
	pf_lines *r;

	write_gzip("first\nsecond\nsplit ", 19, 0);
	write_gzip("line\nthird\n", 11, 1);
	r = pf_lines_open(path);
	ck_assert_ptr_nonnull(r);
	EXPECT(r, "first");
	EXPECT(r, "second");
	EXPECT(r, "split line");	/* a line across two members */
	EXPECT(r, "third");
	expect_end(r);
}
END_TEST

START_TEST(gzip_truncated)
{
	char *text = malloc(200000), *gz;
	size_t i, len;
	FILE *f;
	pf_lines *r;

	ck_assert_ptr_nonnull(text);
	for (i = 0; i < 200000; i++)
		text[i] = i % 61 == 60 ? '\n' : (char)('a' + (i * 7919) % 26);
	write_gzip(text, 200000, 0);
	/* Keep the first half of the compressed file. */
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	gz = malloc(400000);
	len = fread(gz, 1, 400000, f);
	fclose(f);
	write_plain(gz, len / 2);
	r = pf_lines_open(path);
	ck_assert_ptr_nonnull(r);
	while (pf_lines_next(r, &len))
		;
	ck_assert_int_ne(pf_lines_failed(r), 0);
	ck_assert_ptr_nonnull(strstr(pf_errmsg(), "truncated gzip data"));
	ck_assert_ptr_nonnull(strstr(pf_errmsg(), path));
	pf_lines_close(r);
	free(gz);
	free(text);
}
END_TEST

START_TEST(pipe_input)
{
	int fds[2];
	pf_lines *r;

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], "through\na pipe\n", 15), 15);
	close(fds[1]);
	r = pf_lines_fdopen(fds[0], "pipe");
	ck_assert_ptr_nonnull(r);
	EXPECT(r, "through");
	EXPECT(r, "a pipe");
	expect_end(r);
}
END_TEST

START_TEST(long_lines)
{
	size_t n = (size_t)1 << 20, len;
	char *big = malloc(2 * n + 10);
	pf_lines *r;

	ck_assert_ptr_nonnull(big);
	memset(big, 'x', 2 * n + 10);
	big[n] = '\n';			/* a 1 MB line, */
	memcpy(big + n + 1, "end\n", 4);	/* a short one, */
	big[2 * n + 9] = '\n';		/* then a long one */
	write_plain(big, 2 * n + 10);
	r = pf_lines_open(path);
	ck_assert_ptr_nonnull(r);
	expect(r, big, n);
	EXPECT(r, "end");
	ck_assert_ptr_nonnull(pf_lines_next(r, &len));
	ck_assert_uint_eq(len, n + 4);
	expect_end(r);

	/* Over the limit: an error naming the line. */
	r = pf_lines_open(path);
	pf_lines_set_max(r, 1000);
	ck_assert_ptr_null(pf_lines_next(r, &len));
	ck_assert_int_ne(pf_lines_failed(r), 0);
	ck_assert_ptr_nonnull(strstr(pf_errmsg(), "line 1"));
	pf_lines_close(r);
	free(big);
}
END_TEST

START_TEST(missing_file)
{
	ck_assert_ptr_null(pf_lines_open("/nonexistent/file"));
	ck_assert_ptr_nonnull(strstr(pf_errmsg(), "/nonexistent/file"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lines");
	TCase *tc = tcase_create("reader");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, plain_lines);
	tcase_add_test(tc, crlf_and_nul);
	tcase_add_test(tc, gzip_members);
	tcase_add_test(tc, gzip_truncated);
	tcase_add_test(tc, pipe_input);
	tcase_add_test(tc, long_lines);
	tcase_add_test(tc, missing_file);
	suite_add_tcase(s, tc);
	return check_run(s);
}
