/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for lib/util: the hash table (growth keeps every entry,
 * colliding keys, integer keys), the name map, arenas (alignment, large
 * requests), growable buffers and array growth (overflow refused).
 */
#include "config.h"

#include <check.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/escape.h"
#include "util/hash-int.h"
#include "util/table.h"
#include "check-run.h"

struct ent {
	struct table_entry h;
	uint64_t key;
	uint64_t value;
};

static struct ent *find_u64(struct table *t, uint64_t key)
{
	uint64_t h = table_hash_u64(key);
	struct ent *e;

	TABLE_PROBE(t, h, e)
		if (e->key == key)
			break;
	return e;
}

START_TEST(test_table_grows_and_keeps_entries)
{
	struct table t;
	struct ent *e;
	size_t n = 0;

	ck_assert_int_eq(table_init(&t, sizeof(struct ent), 1), 0);
	for (uint64_t k = 1; k <= 100000; k++) {
		e = find_u64(&t, k * 4096);
		ck_assert_uint_eq(e->h.hash, 0);
		if (table_reserve(&t) == 1)
			e = find_u64(&t, k * 4096);
		e->h.hash = table_hash_u64(k * 4096);
		e->key = k * 4096;
		e->value = k;
		table_filled(&t);
	}
	ck_assert_uint_eq(t.used, 100000);
	ck_assert_uint_le(t.used * 2, t.mask + 1);
	for (uint64_t k = 1; k <= 100000; k++) {
		e = find_u64(&t, k * 4096);
		ck_assert_uint_ne(e->h.hash, 0);
		ck_assert_uint_eq(e->value, k);
	}
	ck_assert_uint_eq(find_u64(&t, 4095)->h.hash, 0);
	TABLE_EACH(&t, e)
		n++;
	ck_assert_uint_eq(n, 100000);
	table_release(&t);
	/* A released (zeroed) table has nothing to visit. */
	TABLE_EACH(&t, e)
		ck_abort();
}
END_TEST

START_TEST(test_table_hash_never_empty)
{
	ck_assert_uint_ne(table_hash(0), 0);
	ck_assert_uint_ne(table_hash_u64(0), 0);
	/* Equal strings hash equal, whatever their alignment. */
	char a[40] = "xxsame frame name, longer than 16", b[40] = "same frame name, longer than 16";
	ck_assert_uint_eq(pf_hash(a + 2, strlen(b)), pf_hash(b, strlen(b)));
	ck_assert_uint_ne(pf_hash("ab", 2), pf_hash("ba", 2));
}
END_TEST

START_TEST(test_strmap)
{
	struct strmap m;
	char names[1000][16];
	struct strmap_entry *e;

	ck_assert_int_eq(strmap_init(&m), 0);
	for (int i = 0; i < 1000; i++) {
		snprintf(names[i], sizeof names[i], "name%d", i);
		ck_assert_int_eq(strmap_put(&m, names[i], strlen(names[i]), (size_t)i), 0);
	}
	ck_assert_uint_eq(m.t.used, 1000);
	for (int i = 0; i < 1000; i++) {
		e = strmap_find(&m, names[i], strlen(names[i]));
		ck_assert_ptr_nonnull(e);
		ck_assert_uint_eq(e->value, (size_t)i);
	}
	/* A prefix is another key; a put on a known key replaces its value. */
	ck_assert_ptr_null(strmap_find(&m, "name1", 4));
	ck_assert_int_eq(strmap_put(&m, "name7", 5, 70), 0);
	ck_assert_uint_eq(m.t.used, 1000);
	ck_assert_uint_eq(strmap_find(&m, "name7", 5)->value, 70);
	strmap_release(&m);
}
END_TEST

START_TEST(test_arena)
{
	struct arena a = { 0 };
	char *big, *s;

	for (int i = 0; i < 100000; i++) {
		void *p = arena_alloc(&a, (size_t)(i % 37) + 1);

		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq((uintptr_t)p % alignof(max_align_t), 0);
		memset(p, 0xab, (size_t)(i % 37) + 1);
	}
	big = arena_alloc(&a, (size_t)3 << 20);
	ck_assert_ptr_nonnull(big);
	memset(big, 1, (size_t)3 << 20);
	s = arena_strndup(&a, "frame;name", 5);
	ck_assert_str_eq(s, "frame");
	arena_release(&a);
	ck_assert_ptr_null(a.head);
	ck_assert_uint_eq(a.bytes, 0);
}
END_TEST

START_TEST(test_buf)
{
	struct buf b = { 0 };

	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(buf_addf(&b, "%d;", i), 0);
	ck_assert_int_eq(buf_addstr(&b, "end"), 0);
	ck_assert_int_eq(buf_addc(&b, '\0'), 0);
	ck_assert_uint_eq(strlen(b.p), 3893);
	ck_assert(strncmp(b.p, "0;1;2;", 6) == 0);
	ck_assert_str_eq(b.p + strlen(b.p) - 7, "999;end");
	buf_release(&b);
	ck_assert_ptr_null(b.p);
	ck_assert_uint_eq(b.cap, 0);
}
END_TEST

START_TEST(test_grow)
{
	uint64_t *v = NULL;
	size_t cap = 0;

	ck_assert_int_eq(GROW(v, cap, 1), 0);
	ck_assert_uint_ge(cap, 1);
	ck_assert_int_eq(GROW(v, cap, 1000), 0);
	ck_assert_uint_ge(cap, 1000);
	v[999] = 7;
	/* A count whose size overflows is refused and leaves the array. */
	ck_assert_int_eq(GROW(v, cap, SIZE_MAX / 4), -1);
	ck_assert(strstr(pf_errmsg(), "out of memory") != NULL);
	ck_assert_uint_eq(v[999], 7);
	free(v);
}
END_TEST

/* Names with control characters: one escape each, the rest as it is. */
START_TEST(test_escape)
{
	static const char name[] = "a\nb\tc\rd\x1b[31me\x7f\x01";
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_uint_eq(esc_span(name, sizeof name - 1), 1);
	ck_assert_uint_eq(esc_span("plain", 5), 5);
	ck_assert_uint_eq(esc_span("caf\xc3\xa9", 5), 5);  /* UTF-8 is no control */
	esc_fputs(f, name, sizeof name - 1);
	esc_fputs(f, "|\0|", 3);
	fclose(f);
	ck_assert_str_eq(text, "a\\nb\\tc\\rd\\x1b[31me\\x7f\\x01|\\x00|");
	free(text);
}
END_TEST

static Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_table_grows_and_keeps_entries);
	tcase_add_test(tc, test_table_hash_never_empty);
	tcase_add_test(tc, test_strmap);
	tcase_add_test(tc, test_arena);
	tcase_add_test(tc, test_buf);
	tcase_add_test(tc, test_grow);
	tcase_add_test(tc, test_escape);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(util_suite());
}
