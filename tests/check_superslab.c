/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of libsuperslab's API contracts: every call of the malloc
 * family over sizes 0..4 MiB and all alignments, realloc and calloc
 * semantics, overflow and errno, the size classes and their waste bound,
 * and that the standard names really reach this allocator (the test binary
 * is linked with -lsuperslab, so its malloc is ours), and free()'s
 * block-boundary arithmetic against plain division.  Threads, fork and
 * misuse are in check_superslab_mt.c.
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "superslab.h"
#include "ss-int.h"      /* block_index(): free()'s boundary check */
#include "check-run.h"

/* The overflow tests pass sizes that GCC rightly finds absurd. */
#pragma GCC diagnostic ignored "-Walloc-size-larger-than="

/* C23 names that glibc 2.36's headers do not declare yet. */
void free_sized(void *ptr, size_t size);
void free_aligned_sized(void *ptr, size_t alignment, size_t size);

static const size_t sizes[] = {
	0, 1, 7, 8, 15, 16, 17, 24, 31, 32, 33, 48, 63, 64, 65, 100, 127, 128, 129,
	255, 256, 257, 500, 1000, 1023, 1024, 1025, 1039, 2000, 4095, 4096, 4097,
	8191, 8192, 8193, 10000, 16384, 32767, 32768, 32769, 65536, 100000,
	131071, 131072, 131073, 200000, 524288, 1048576, 1048577, 2000000,
	2097152, 3000000, 4194304,
};
#define NSIZES (sizeof sizes / sizeof sizes[0])

/* Keeps GCC from pairing away a malloc and its free. */
static void *volatile sink;

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 31 + seed);
}

static int check_fill(const unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(i * 31 + seed))
			return 0;
	return 1;
}

START_TEST(test_malloc_sizes)
{
	for (size_t i = 0; i < NSIZES; i++) {
		size_t n = sizes[i];
		unsigned char *p = malloc(n);
		ck_assert_msg(p != NULL, "malloc(%zu)", n);
		ck_assert_msg(((uintptr_t)p & 15) == 0, "malloc(%zu) = %p not 16-aligned", n, p);
		ck_assert_uint_ge(malloc_usable_size(p), n);
		fill(p, n, (unsigned)i);
		ck_assert(check_fill(p, n, (unsigned)i));
		free(p);
	}
}
END_TEST

START_TEST(test_ss_names)
{
	void *p = ss_malloc(100);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(ss_malloc_usable_size(p), ss_good_size(100));
	p = ss_realloc(p, 5000);
	ck_assert_uint_ge(ss_malloc_usable_size(p), 5000);
	free(p);                       /* the two families mix */
	p = ss_calloc(10, 10);
	ss_free_sized(p, 100);
	ck_assert_int_eq(ss_posix_memalign(&p, 64, 10), 0);
	ss_free_aligned_sized(p, 64, 10);
	p = ss_aligned_alloc(32, 64);
	ss_free(p);
	p = ss_memalign(128, 1);
	ss_free(p);
	p = ss_valloc(1);
	ss_free(p);
	p = ss_pvalloc(1);
	ss_free(p);
	p = ss_reallocarray(NULL, 3, 5);
	ss_free(p);
	free_sized(malloc(10), 10);
	free_aligned_sized(aligned_alloc(256, 256), 256, 256);
}
END_TEST

START_TEST(test_alignments)
{
	for (size_t a = 1; a <= ((size_t)8 << 20); a <<= 1) {
		for (size_t i = 0; i < NSIZES; i += 5) {
			size_t n = sizes[i];
			void *p = memalign(a, n);
			ck_assert_msg(p && ((uintptr_t)p & (a - 1)) == 0, "memalign(%zu, %zu)", a, n);
			ck_assert_uint_ge(malloc_usable_size(p), n);
			memset(p, 0xab, n);
			free(p);
			p = aligned_alloc(a, n);
			ck_assert_msg(p && ((uintptr_t)p & (a - 1)) == 0, "aligned_alloc(%zu, %zu)", a, n);
			free(p);
			if (a >= sizeof(void *)) {
				p = NULL;
				ck_assert_int_eq(posix_memalign(&p, a, n), 0);
				ck_assert_msg(((uintptr_t)p & (a - 1)) == 0, "posix_memalign(%zu, %zu)", a, n);
				ck_assert_uint_ge(malloc_usable_size(p), n);
				free(p);
			}
		}
	}
	/* glibc rounds a non-power-of-two memalign alignment up. */
	void *p = memalign(48, 10);
	ck_assert(((uintptr_t)p & 63) == 0);
	free(p);
	p = (void *)1;
	ck_assert_int_eq(posix_memalign(&p, 24, 10), EINVAL);
	ck_assert_int_eq(posix_memalign(&p, 2, 10), EINVAL);
	ck_assert_ptr_eq(p, (void *)1);        /* untouched on failure */
	errno = 0;
	ck_assert_ptr_null(memalign(SIZE_MAX / 2 + 2, 10));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(test_valloc)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p = valloc(10);
	ck_assert(((uintptr_t)p & (uintptr_t)(page - 1)) == 0);
	free(p);
	p = pvalloc(1);
	ck_assert(((uintptr_t)p & (uintptr_t)(page - 1)) == 0);
	ck_assert_uint_ge(malloc_usable_size(p), (size_t)page);
	free(p);
	p = pvalloc(0);
	ck_assert_ptr_nonnull(p);
	free(p);
}
END_TEST

START_TEST(test_realloc_keeps_contents)
{
	size_t n = 1;
	unsigned char *p = malloc(n);
	fill(p, n, 3);
	while (n < ((size_t)6 << 20)) {              /* grow through every kind */
		size_t m = n + n / 3 + 1;
		p = realloc(p, m);
		ck_assert_ptr_nonnull(p);
		ck_assert_msg(check_fill(p, n, 3), "contents lost growing %zu -> %zu", n, m);
		fill(p, m, 3);
		n = m;
	}
	while (n > 1) {                               /* and shrink back */
		size_t m = n / 2;
		p = realloc(p, m);
		ck_assert_ptr_nonnull(p);
		ck_assert_msg(check_fill(p, m, 3), "contents lost shrinking %zu -> %zu", n, m);
		n = m;
	}
	free(p);
}
END_TEST

START_TEST(test_realloc_edges)
{
	void *p = realloc(NULL, 40);        /* realloc(NULL, n) is malloc */
	ck_assert_ptr_nonnull(p);
	errno = 0;
	ck_assert_ptr_null(realloc(p, 0));  /* glibc: frees, returns NULL */
	free(NULL);
	ck_assert_uint_eq(malloc_usable_size(NULL), 0);
	/* Growing a large block within its SuperSlab stays in place. */
	p = malloc(300000);
	void *q = realloc(p, 1500000);
	ck_assert_ptr_eq(p, q);
	/* A failed realloc leaves the block alone. */
	errno = 0;
	ck_assert_ptr_null(realloc(q, SIZE_MAX - 4096));
	ck_assert_int_eq(errno, ENOMEM);
	free(q);
}
END_TEST

START_TEST(test_calloc_zeroes)
{
	for (size_t i = 0; i < NSIZES; i++) {
		size_t n = sizes[i];
		unsigned char *p = malloc(n);
		memset(p, 0x5a, n);
		free(p);
		p = calloc(1, n);
		ck_assert_ptr_nonnull(p);
		size_t k = 0;
		while (k < n && p[k] == 0)
			k++;
		ck_assert_msg(k == n, "calloc(1, %zu)[%zu] = %d", n, k, p[k]);
		free(p);
	}
	unsigned *v = calloc(1000, sizeof *v);
	for (int k = 0; k < 1000; k++)
		ck_assert_uint_eq(v[k], 0);
	free(v);
}
END_TEST

START_TEST(test_overflow)
{
	errno = 0;
	ck_assert_ptr_null(calloc(SIZE_MAX / 2, 3));
	ck_assert_int_eq(errno, ENOMEM);
	errno = 0;
	ck_assert_ptr_null(malloc(SIZE_MAX));
	ck_assert_int_eq(errno, ENOMEM);
	errno = 0;
	ck_assert_ptr_null(malloc((size_t)PTRDIFF_MAX + 1));
	ck_assert_int_eq(errno, ENOMEM);
	void *p = malloc(16);
	errno = 0;
	ck_assert_ptr_null(reallocarray(p, SIZE_MAX / 4, 8));
	ck_assert_int_eq(errno, ENOMEM);
	p = reallocarray(p, 4, 8);                   /* p was left valid */
	ck_assert_ptr_nonnull(p);
	free(p);
	errno = 0;
	ck_assert_ptr_null(pvalloc(SIZE_MAX - 10));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_int_eq(posix_memalign(&p, 64, SIZE_MAX - 100), ENOMEM);
	ck_assert_ptr_null(aligned_alloc(64, SIZE_MAX - 100));
}
END_TEST

START_TEST(test_size_classes)
{
	size_t prev = 0;
	for (size_t n = 1; n <= 131072; n++) {
		size_t g = ss_good_size(n);
		ck_assert_msg(g >= n && g % 16 == 0, "class of %zu is %zu", n, g);
		ck_assert_uint_ge(g, prev);
		/* Waste stays under 12.5% once 16-byte alignment allows it. */
		if (n > 128)
			ck_assert_msg((double)(g - n) / (double)g < 0.125,
				      "class of %zu is %zu: %.1f%% waste", n, g,
				      100.0 * (double)(g - n) / (double)g);
		prev = g;
	}
	/* Usable sizes follow the classes: malloc is this allocator. */
	for (size_t i = 0; i < NSIZES; i++) {
		void *p = malloc(sizes[i]);
		ck_assert_uint_eq(malloc_usable_size(p), ss_good_size(sizes[i]));
		free(p);
	}
	ck_assert_uint_eq(ss_good_size(0), 16);
	ck_assert_uint_eq(ss_good_size(129), 144);
	ck_assert_uint_eq(ss_good_size(1039), 1152);
}
END_TEST

/* free() accepts an offset into a slab iff block_index() is below the
   number of carved blocks: that must hold exactly for the multiples of
   the block size, for every class, and fail for offsets before the start. */
START_TEST(test_block_index)
{
	size_t prev = 0;
	for (size_t n = 1; n <= SS_CLASS_MAX; n++) {
		size_t b = ss_good_size(n);
		if (b == prev)
			continue;
		prev = b;
		unsigned tz = (unsigned)__builtin_ctzl(b);
		uint64_t dinv = odd_inverse(b >> tz);
		uint64_t carved = ((size_t)1 << SLAB_SHIFT_MEDIUM) / b;
		size_t end = (carved + 2) * b;
		for (size_t off = 0; off < end; off += off < 4 * b ? 1 : 61) {
			uint64_t idx = block_index(off, dinv, tz);
			bool ok = off % b == 0 && off / b < carved;
			if ((idx < carved) != ok || (ok && idx != off / b) ||
			    block_index(-(uintptr_t)off - 1, dinv, tz) < carved ||
			    block_index(-(uintptr_t)(off + 1) * b, dinv, tz) < carved)
				ck_abort_msg("size %zu offset %zu: index %llu", b, off,
					     (unsigned long long)idx);
		}
		for (uint64_t i = 0; i < carved + 2; i++) {   /* every boundary */
			uint64_t idx = block_index(i * b, dinv, tz);
			if (i < carved ? idx != i : idx < carved)
				ck_abort_msg("size %zu block %llu", b, (unsigned long long)i);
		}
	}
}
END_TEST

START_TEST(test_owner_regions)
{
	/* 20000 small blocks from one thread fill few naturally aligned
	   SuperSlabs: the owner of each is its address masked. */
	enum { N = 20000 };
	static void *p[N];
	size_t ss = (size_t)ss_option_get(SS_OPT_SIZE);
	uintptr_t regions[64];
	unsigned nreg = 0;
	for (int i = 0; i < N; i++) {
		p[i] = malloc(16 + (size_t)(i % 200));
		uintptr_t r = (uintptr_t)p[i] & ~(uintptr_t)(ss - 1);
		unsigned k;
		for (k = 0; k < nreg && regions[k] != r; k++)
			;
		if (k == nreg) {
			ck_assert_uint_lt(nreg, 64);
			regions[nreg++] = r;
		}
	}
	ck_assert_uint_le(nreg, 4);
	for (int i = 0; i < N; i++)
		free(p[i]);
}
END_TEST

START_TEST(test_holes_before_new_pages)
{
	/* A slab of a class up to 2 KiB holds at least 256 blocks, so frees
	   mostly go back to the slab malloc takes from.  Once the class
	   spills into a second slab, malloc takes the holes freed in the
	   first before it carves new pages of the second. */
	enum { MAX = 4096 };
	static void *p[MAX];
	const size_t size = 1500;
	const uintptr_t slab_mask = ~(((uintptr_t)1 << SLAB_SHIFT_MEDIUM) - 1);
	int n = 1;
	p[0] = malloc(size);
	while (n < MAX) {
		p[n] = malloc(size);
		if (((uintptr_t)p[n] & slab_mask) != ((uintptr_t)p[0] & slab_mask))
			break;
		n++;
	}
	ck_assert_int_lt(n, MAX);
	ck_assert_int_ge(n, 256);
	/* p[n] opened the second slab, which carved a page: two blocks. */
	p[n + 1] = malloc(size);
	ck_assert_uint_eq((uintptr_t)p[n + 1] & slab_mask, (uintptr_t)p[n] & slab_mask);
	void *hole = p[n / 2];
	free(hole);
	p[n / 2] = malloc(size);
	ck_assert_ptr_eq(p[n / 2], hole);
	for (int i = 0; i <= n + 1; i++)
		free(p[i]);
}
END_TEST

START_TEST(test_stats_and_options)
{
	struct ss_stats a, b;
	ck_assert_int_eq(ss_stats_get(&a, sizeof a), 0);
	void *p[1000];
	for (int i = 0; i < 1000; i++)
		p[i] = malloc(3000);
	for (int i = 0; i < 1000; i++)
		free(p[i]);
	sink = malloc(8 << 20);
	free(sink);
	ck_assert_int_eq(ss_stats_get(&b, sizeof b), 0);
	ck_assert_uint_gt(b.refills, a.refills);      /* counters move */
	ck_assert_uint_gt(b.large_allocs, a.large_allocs);
	ck_assert_uint_gt(b.superslabs_reserved, 0);
	errno = 0;
	ck_assert_int_eq(ss_stats_get(&a, 8), -1);
	ck_assert_int_eq(errno, EINVAL);

	ck_assert_int_eq(ss_option_get(SS_OPT_SIZE), 2 << 20);
	ck_assert_int_eq(ss_option_set(SS_OPT_SIZE, 4 << 20), -1);
	ck_assert_int_eq(errno, EBUSY);
	ck_assert_int_eq(ss_option_set(SS_OPT_PURGE_DELAY_MS, -2), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(ss_option_set(SS_OPT_PURGE_DELAY_MS, 5000), 0);
	ck_assert_int_eq(ss_option_get(SS_OPT_PURGE_DELAY_MS), 5000);
	ck_assert_int_eq(ss_option_get((enum ss_option)99), -1);

	/* ss_collect gives the free SuperSlabs and cached blocks back. */
	for (int i = 0; i < 1000; i++)
		p[i] = malloc(20000);
	for (int i = 0; i < 1000; i++)
		free(p[i]);
	ss_collect();
	ck_assert_int_eq(ss_stats_get(&a, sizeof a), 0);
	ck_assert_uint_gt(a.bytes_purged, b.bytes_purged);
	ck_assert_uint_gt(a.madvise_calls, b.madvise_calls);
}
END_TEST

START_TEST(test_steady_state_no_syscalls)
{
	/* A loop that allocates and frees the same mix makes no OS calls
	   once warm, large blocks included. */
	struct ss_stats a, b;
	for (int round = 0; round < 2; round++) {
		if (round == 1)
			ss_stats_get(&a, sizeof a);
		for (int i = 0; i < 200; i++) {
			void *x = malloc(100), *y = malloc(300000);
			sink = malloc(3 << 20);
			memset(y, 1, 4096);
			free(sink);
			free(y);
			free(x);
		}
	}
	ss_stats_get(&b, sizeof b);
	ck_assert_uint_eq(b.mmap_calls, a.mmap_calls);
	ck_assert_uint_eq(b.munmap_calls, a.munmap_calls);
}
END_TEST

START_TEST(test_refills_with_random_frees)
{
	/* Random frees and mallocs over a class spread across several full
	   slabs: a slab that gets one block back must not be the next one
	   refilled from, or every few mallocs would run a slab dry again
	   (with it at the head of the partial queue: about one refill in
	   two operations; 1 in 28 as it is). */
	enum { LIVE = 30000, OPS = 300000 };
	void **v = calloc(LIVE, sizeof *v);
	uint32_t r = 12345;
	struct ss_stats a, b;
	for (int i = 0; i < LIVE; i++)
		v[i] = malloc(24);
	ss_stats_get(&a, sizeof a);
	for (int i = 0; i < OPS; i++) {
		r ^= r << 13;
		r ^= r >> 17;
		r ^= r << 5;
		free(v[r % LIVE]);
		v[r % LIVE] = malloc(24);
	}
	ss_stats_get(&b, sizeof b);
	for (int i = 0; i < LIVE; i++)
		free(v[i]);
	free(v);
	ck_assert_msg(b.refills - a.refills < OPS / 10, "%llu refills in %d operations",
		      (unsigned long long)(b.refills - a.refills), OPS);
}
END_TEST

START_TEST(test_huge_cache_resizes)
{
	/* Blocks beyond a SuperSlab: a freed mapping serves a smaller block
	   cut to size and a bigger one with its pages moved (realloc grows
	   the same way); contents survive, usable sizes are exact to the
	   page, and what the cache keeps stays bounded. */
	struct ss_stats a, b;
	ss_collect();
	ss_stats_get(&a, sizeof a);
	size_t n = (size_t)8 << 20;
	unsigned char *p = malloc(n);
	fill(p, n, 5);
	unsigned char *q = realloc(p, (size_t)20 << 20);
	ck_assert_ptr_nonnull(q);
	ck_assert_msg(check_fill(q, n, 5), "contents lost moving a huge block");
	ck_assert_uint_ge(malloc_usable_size(q), (size_t)20 << 20);
	fill(q, (size_t)20 << 20, 6);
	free(q);

	n = (size_t)6 << 20;
	p = malloc(n);                       /* from the cache, cut to size */
	ck_assert_uint_ge(malloc_usable_size(p), n);
	ck_assert_uint_lt(malloc_usable_size(p), n + 4096);
	fill(p, n, 7);
	ck_assert(check_fill(p, n, 7));
	free(p);
	n = (size_t)30 << 20;
	p = malloc(n);                       /* moved and filled from the cache */
	ck_assert_uint_ge(malloc_usable_size(p), n);
	fill(p, n, 8);
	ck_assert(check_fill(p, n, 8));
	free(p);
	ss_stats_get(&b, sizeof b);
	ck_assert_uint_ge(b.large_cache_hits, a.large_cache_hits + 2);
	ck_assert_uint_le(b.bytes_mapped, a.bytes_mapped + ((size_t)66 << 20));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("superslab");
	TCase *tc = tcase_create("api");
	tcase_add_test(tc, test_malloc_sizes);
	tcase_add_test(tc, test_ss_names);
	tcase_add_test(tc, test_alignments);
	tcase_add_test(tc, test_valloc);
	tcase_add_test(tc, test_realloc_keeps_contents);
	tcase_add_test(tc, test_realloc_edges);
	tcase_add_test(tc, test_calloc_zeroes);
	tcase_add_test(tc, test_overflow);
	tcase_add_test(tc, test_size_classes);
	tcase_add_test(tc, test_block_index);
	tcase_add_test(tc, test_owner_regions);
	tcase_add_test(tc, test_holes_before_new_pages);
	tcase_add_test(tc, test_stats_and_options);
	tcase_add_test(tc, test_steady_state_no_syscalls);
	tcase_add_test(tc, test_huge_cache_resizes);
	tcase_add_test(tc, test_refills_with_random_frees);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
