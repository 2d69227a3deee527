/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of libsuperslab with threads and processes: thread caches,
 * frees from another thread, reclaim at thread exit, fork() in a threaded
 * program, a multi-threaded stress run with content checks, and misuse
 * (double free, invalid and interior pointers), which must print one line
 * and abort: run in a child whose stderr is captured.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "superslab.h"
#include "check-run.h"

/* The misuse tests free what GCC rightly finds invalid. */
#pragma GCC diagnostic ignored "-Wfree-nonheap-object"

/* Called through volatile pointers: GCC may not drop a malloc/free pair
   it can see, nor the deliberate misuse below. */
static void *(*volatile xmalloc)(size_t) = malloc;
static void (*volatile xfree)(void *) = free;
static void *(*volatile xrealloc)(void *, size_t) = realloc;
static void *volatile sink;

/* ---- thread caches and cross-thread frees ---- */

struct handoff {
	void **blocks;
	int n;
	size_t size;
};

static void *alloc_blocks(void *arg)
{
	struct handoff *h = arg;
	for (int i = 0; i < h->n; i++) {
		h->blocks[i] = malloc(h->size);
		memset(h->blocks[i], i & 0xff, h->size);
	}
	return NULL;
}

static void *free_blocks(void *arg)
{
	struct handoff *h = arg;
	for (int i = 0; i < h->n; i++) {
		unsigned char *p = h->blocks[i];
		ck_assert_uint_eq(p[0], (unsigned)(i & 0xff));
		ck_assert_uint_eq(p[h->size - 1], (unsigned)(i & 0xff));
		free(p);
	}
	return NULL;
}

static pthread_barrier_t both_allocated, checked;

static void *alloc_and_wait(void *arg)
{
	alloc_blocks(arg);
	pthread_barrier_wait(&both_allocated);
	pthread_barrier_wait(&checked);
	return NULL;
}

START_TEST(test_thread_caches)
{
	/* Live threads allocate from slabs of their own: blocks of two
	   threads never share a 64 KiB slab. */
	void *a[100], *b[100];
	struct handoff ha = { a, 100, 48 }, hb = { b, 100, 48 };
	pthread_t t1, t2;
	pthread_barrier_init(&both_allocated, NULL, 3);
	pthread_barrier_init(&checked, NULL, 3);
	pthread_create(&t1, NULL, alloc_and_wait, &ha);
	pthread_create(&t2, NULL, alloc_and_wait, &hb);
	pthread_barrier_wait(&both_allocated);
	for (int i = 0; i < 100; i++)
		for (int k = 0; k < 100; k++)
			ck_assert((uintptr_t)a[i] >> 16 != (uintptr_t)b[k] >> 16);
	pthread_barrier_wait(&checked);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	free_blocks(&ha);
	free_blocks(&hb);
}
END_TEST

struct reuse {
	void **blocks;
	int n;
	_Atomic int stage;
	int reused;
};

/* Allocate r->n blocks of 200 bytes, then wait until the other thread
   has freed them. */
static void *alloc_and_hold(void *arg)
{
	struct reuse *r = arg;
	for (int i = 0; i < r->n; i++)
		r->blocks[i] = malloc(200);
	atomic_store(&r->stage, 1);
	while (atomic_load(&r->stage) != 2)
		sched_yield();
	return NULL;
}

/* Owner: allocate, let the other thread free, then allocate again and
   see the blocks come back (collected from the slab's remote list). */
static void *owner_thread(void *arg)
{
	struct reuse *r = arg;
	alloc_and_hold(r);
	void **again = malloc((size_t)r->n * sizeof *again);
	for (int i = 0; i < r->n; i++) {
		again[i] = malloc(200);
		for (int k = 0; k < r->n; k++)
			if (again[i] == r->blocks[k]) {
				r->reused++;
				break;
			}
	}
	for (int i = 0; i < r->n; i++)
		free(again[i]);
	free(again);
	return NULL;
}

START_TEST(test_cross_thread_free)
{
	struct reuse r = { .n = 2000 };
	struct ss_stats a, b;
	r.blocks = calloc((size_t)r.n, sizeof *r.blocks);
	ss_stats_get(&a, sizeof a);
	pthread_t t;
	pthread_create(&t, NULL, owner_thread, &r);
	while (atomic_load(&r.stage) != 1)
		sched_yield();
	for (int i = 0; i < r.n; i++)
		free(r.blocks[i]);         /* not the owner: remote frees */
	atomic_store(&r.stage, 2);
	pthread_join(t, NULL);
	ss_stats_get(&b, sizeof b);
	ck_assert_uint_ge(b.remote_frees - a.remote_frees, (uint64_t)r.n);
	ck_assert_int_gt(r.reused, r.n / 2);
	free(r.blocks);
}
END_TEST

/* A thread that frees blocks of another thread gets them back from its
   next allocations of the class, newest first, while they are in its
   core's cache; the owner does not see them again. */
START_TEST(test_foreign_blocks_reused_first)
{
	void *blocks[8], *again[8];
	struct reuse r = { .n = 8, .blocks = blocks };
	sink = malloc(200);               /* this thread has a heap */
	free(sink);
	pthread_t t;
	pthread_create(&t, NULL, alloc_and_hold, &r);
	while (atomic_load(&r.stage) != 1)
		sched_yield();
	for (int i = 0; i < r.n; i++)
		free(blocks[i]);
	for (int i = 0; i < r.n; i++)
		again[i] = malloc(195);       /* same class (208), another size */
	for (int i = 0; i < r.n; i++)
		ck_assert_ptr_eq(again[i], blocks[r.n - 1 - i]);
	atomic_store(&r.stage, 2);
	pthread_join(t, NULL);
	for (int i = 0; i < r.n; i++)
		free(again[i]);
}
END_TEST

/* A thread keeps 64 KiB of another thread's blocks per class of up to
   1 KiB (315 of 208 bytes, alloc/sizeclass.c); the ones it frees beyond
   that go straight back to the owner, which gets exactly those.
   (Handing back the whole cache when it overflowed kept fewer and sent
   more back.) */
START_TEST(test_foreign_cache_full)
{
	enum { N = 400, KEPT = 65536 / 208 };
	void *blocks[N];
	struct reuse r = { .n = N, .blocks = blocks };
	sink = malloc(200);               /* this thread has a heap */
	free(sink);
	pthread_t t;
	pthread_create(&t, NULL, owner_thread, &r);
	while (atomic_load(&r.stage) != 1)
		sched_yield();
	for (int i = 0; i < N; i++)
		free(blocks[i]);
	void *again[N];
	int kept = 0;
	for (int i = 0; i < N; i++) {
		again[i] = malloc(200);
		for (int k = 0; k < N; k++)
			if (again[i] == blocks[k]) {
				kept++;
				break;
			}
	}
	atomic_store(&r.stage, 2);        /* the owner allocates N again */
	pthread_join(t, NULL);
	ck_assert_int_eq(kept, KEPT);
	ck_assert_int_eq(r.reused, N - KEPT);
	for (int i = 0; i < N; i++)
		free(again[i]);
}
END_TEST

static void *leave_blocks(void *arg)
{
	struct handoff *h = arg;
	alloc_blocks(h);
	/* Free half here; the rest outlives the thread. */
	for (int i = 0; i < h->n; i += 2)
		free(h->blocks[i]);
	return NULL;
}

static void *churn(void *arg)
{
	(void)arg;
	for (int i = 0; i < 5000; i++)
		xfree(xmalloc(64 + (size_t)(i % 1000)));
	return NULL;
}

START_TEST(test_thread_exit_reclaim)
{
	struct ss_stats a, b;
	enum { N = 4000 };
	void *blocks[N];
	/* Warm the pool so the counts below compare like with like. */
	pthread_t t;
	pthread_create(&t, NULL, churn, NULL);
	pthread_join(t, NULL);
	ss_stats_get(&a, sizeof a);
	for (int round = 0; round < 20; round++) {
		pthread_create(&t, NULL, churn, NULL);
		pthread_join(t, NULL);
	}
	ss_stats_get(&b, sizeof b);
	/* Exited threads' caches come back: 20 threads, no growth. */
	ck_assert_uint_eq(b.superslabs_reserved, a.superslabs_reserved);

	/* A thread exits with live blocks: they stay valid, are freed
	   from here, and the SuperSlab is adopted by the next thread. */
	struct handoff h = { blocks, N, 100 };
	pthread_create(&t, NULL, leave_blocks, &h);
	pthread_join(t, NULL);
	ss_stats_get(&b, sizeof b);
	ck_assert_uint_ge(b.superslabs_abandoned, 1);
	for (int i = 1; i < N; i += 2) {
		unsigned char *p = blocks[i];
		ck_assert_uint_eq(p[99], (unsigned)(i & 0xff));
		free(p);
	}
	/* This thread keeps blocks of other threads it freed for its own
	   next allocations; hand them back now. */
	ss_collect();
	/* The next thread that needs a SuperSlab adopts the abandoned ones
	   (earlier tests may have left more) until one serves it. */
	uint64_t left = b.superslabs_abandoned;
	pthread_create(&t, NULL, churn, NULL);
	pthread_join(t, NULL);
	ss_stats_get(&b, sizeof b);
	ck_assert_uint_lt(b.superslabs_abandoned, left);
}
END_TEST

/* ---- fork ---- */

static _Atomic int stop_busy;

static void *busy(void *arg)
{
	(void)arg;
	void *keep[64] = { 0 };
	unsigned r = 1;
	while (!atomic_load(&stop_busy)) {
		r = r * 1103515245 + 12345;
		unsigned k = (r >> 8) % 64;
		free(keep[k]);
		keep[k] = malloc((r >> 16) % 3000 + (r % 7 == 0 ? 200000 : 0));
	}
	for (int k = 0; k < 64; k++)
		free(keep[k]);
	return NULL;
}

START_TEST(test_fork_threaded)
{
	pthread_t t[3];
	atomic_store(&stop_busy, 0);
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, busy, NULL);
	for (int round = 0; round < 30; round++) {
		pid_t pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			/* The child uses the allocator, threads included. */
			void *p[500];
			for (int i = 0; i < 500; i++)
				p[i] = malloc((size_t)i * 37 + (i % 50 == 0 ? 300000 : 0));
			for (int i = 0; i < 500; i++)
				free(p[i]);
			pthread_t c;
			if (pthread_create(&c, NULL, churn, NULL) != 0 || pthread_join(c, NULL) != 0)
				_exit(2);
			_exit(0);
		}
		int st;
		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %d", st);
	}
	atomic_store(&stop_busy, 1);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
}
END_TEST

/* ---- stress: random sizes, cross-thread frees, content checks ---- */

#define STRESS_THREADS 4
#define STRESS_SLOTS 2000
#define RING 1024

struct stress {
	_Atomic size_t head, tail;
	void *ring[RING];
	size_t ring_size[RING];
	unsigned seed;
	_Atomic int *done;
	long errors;
};

static struct stress st[STRESS_THREADS];

static int verify(const unsigned char *p, size_t n)
{
	unsigned char tag = (unsigned char)((uintptr_t)p >> 4);
	return n == 0 || (p[0] == tag && p[n / 2] == tag && p[n - 1] == tag);
}

static void drain_ring(struct stress *me)
{
	size_t t = atomic_load(&me->tail), h = atomic_load_explicit(&me->head, memory_order_acquire);
	for (; t != h; t++) {
		if (!verify(me->ring[t % RING], me->ring_size[t % RING]))
			me->errors++;
		free(me->ring[t % RING]);
	}
	atomic_store_explicit(&me->tail, t, memory_order_release);
}

static void *stress_thread(void *arg)
{
	struct stress *me = arg, *next = &st[(me - st + 1) % STRESS_THREADS];
	void *slot[STRESS_SLOTS] = { 0 };
	size_t size[STRESS_SLOTS];
	unsigned r = me->seed;
	for (int it = 0; it < 200000; it++) {
		r ^= r << 13;
		r ^= r >> 17;
		r ^= r << 5;
		unsigned k = r % STRESS_SLOTS;
		if (slot[k]) {
			if (!verify(slot[k], size[k]))
				me->errors++;
			size_t h = atomic_load(&next->head);
			if ((r & 3) && h - atomic_load_explicit(&next->tail, memory_order_acquire) < RING) {
				next->ring[h % RING] = slot[k];     /* freed by the next thread */
				next->ring_size[h % RING] = size[k];
				atomic_store_explicit(&next->head, h + 1, memory_order_release);
			} else if (r & 64) {
				size_t n = (r >> 7) % 5000;
				unsigned char *p = realloc(slot[k], n);
				if (n && !p) {
					me->errors++;
				} else {
					size_t keep = n < size[k] ? n : size[k];
					unsigned char old = (unsigned char)((uintptr_t)slot[k] >> 4);
					if (keep && (p[0] != old || p[keep - 1] != old))
						me->errors++;
					if (n) {
						memset(p, (unsigned char)((uintptr_t)p >> 4), n);
						slot[k] = p;
						size[k] = n;
						continue;
					}
				}
			} else {
				free(slot[k]);
			}
			slot[k] = NULL;
		} else {
			size_t n = (r >> 12) % (r & 1024 ? 70000 : 1100);
			unsigned char *p = (r & 0x30000) == 0x30000 ? calloc(1, n) : malloc(n);
			if (!p) {
				me->errors++;
				continue;
			}
			memset(p, (unsigned char)((uintptr_t)p >> 4), n);
			slot[k] = p;
			size[k] = n;
		}
		if ((it & 31) == 0)
			drain_ring(me);
	}
	for (int k = 0; k < STRESS_SLOTS; k++)
		free(slot[k]);
	atomic_fetch_add(me->done, 1);
	while (atomic_load(me->done) < STRESS_THREADS)
		drain_ring(me);
	drain_ring(me);
	return NULL;
}

START_TEST(test_stress)
{
	pthread_t t[STRESS_THREADS];
	_Atomic int done = 0;
	for (int i = 0; i < STRESS_THREADS; i++) {
		memset(&st[i], 0, sizeof st[i]);
		st[i].seed = 12345u + (unsigned)i * 7919u;
		st[i].done = &done;
	}
	for (int i = 0; i < STRESS_THREADS; i++)
		pthread_create(&t[i], NULL, stress_thread, &st[i]);
	for (int i = 0; i < STRESS_THREADS; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < STRESS_THREADS; i++)
		ck_assert_int_eq(st[i].errors, 0);
}
END_TEST

/* ---- misuse: one line on stderr, then abort ---- */

static char child_err[512];

/* Run fn in a child with stderr captured; return its wait status. */
static int run_child(void (*fn)(void))
{
	int pfd[2];
	ck_assert_int_eq(pipe(pfd), 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(pfd[1], 2);
		close(pfd[0]);
		fn();
		_exit(0);
	}
	close(pfd[1]);
	ssize_t n, len = 0;
	while ((n = read(pfd[0], child_err + len, sizeof child_err - 1 - (size_t)len)) > 0)
		len += n;
	child_err[len] = '\0';
	close(pfd[0]);
	int status;
	waitpid(pid, &status, 0);
	return status;
}

static void expect_abort(void (*fn)(void), const char *msg)
{
	int status = run_child(fn);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
		      "expected abort with \"%s\", status %d, stderr \"%s\"", msg, status, child_err);
	ck_assert_msg(strncmp(child_err, msg, strlen(msg)) == 0 &&
		      strstr(child_err, " 0x") && strchr(child_err, '\n') == child_err + strlen(child_err) - 1,
		      "stderr \"%s\", expected one line starting \"%s\"", child_err, msg);
}

static void double_free_small(void)
{
	void *p = xmalloc(40);
	sink = xmalloc(40);
	xfree(p);
	xfree(sink);
	xfree(p);
	/* free() does not read the block: the second free of p (not the
	   last block freed) is caught when p would be handed out again. */
	for (int i = 0; i < 3; i++)
		sink = xmalloc(40);
}

static void double_free_last(void)
{
	void *p = xmalloc(40);
	xfree(p);
	xfree(p);
}

static void double_free_large(void)
{
	void *p = xmalloc(500000);
	xfree(p);
	xfree(p);
}

static void double_free_huge(void)
{
	void *p = xmalloc(5 << 20);
	xfree(p);
	xfree(p);
}

static void invalid_stack(void)
{
	char buf[32];
	sink = buf;
	xfree(sink);
}

static void invalid_interior(void)
{
	char *p = xmalloc(100);
	xfree(p + 16);
}

static void invalid_interior_large(void)
{
	char *p = xmalloc(300000);
	xfree(p + 4096);
}

static void invalid_global(void)
{
	static char g[64];
	sink = g + 16;
	xfree(sink);
}

static void invalid_realloc(void)
{
	char *p = xmalloc(64);
	sink = xrealloc(p + 8, 200);
}

static void *free_it(void *p)
{
	xfree(p);
	return NULL;
}

static void double_free_cross_thread(void)
{
	void *p = xmalloc(64);
	pthread_t t;
	pthread_create(&t, NULL, free_it, p);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, free_it, p);   /* second remote free */
	pthread_join(t, NULL);
}

static void *free_twice_with_heap(void *p)
{
	sink = xmalloc(64);       /* this thread has a heap and a cache */
	xfree(p);
	xfree(p);
	for (int i = 0; i < 3; i++)
		sink = xmalloc(64);
	return NULL;
}

static void double_free_foreign_cached(void)
{
	void *p = xmalloc(64);
	pthread_t t;
	pthread_create(&t, NULL, free_twice_with_heap, p);
	pthread_join(t, NULL);
}

static void double_free_remote_then_local(void)
{
	void *p = xmalloc(64);
	pthread_t t;
	pthread_create(&t, NULL, free_it, p);
	pthread_join(t, NULL);
	xfree(p);
	/* Noticed when the owner collects the remote list: when its slab
	   runs out, at the latest. */
	for (int i = 0; i < 3000; i++)
		sink = xmalloc(64);
}

START_TEST(test_misuse)
{
	expect_abort(double_free_small, "superslab: free(): double free detected 0x");
	expect_abort(double_free_last, "superslab: free(): double free detected 0x");
	expect_abort(double_free_large, "superslab: free(): double free detected 0x");
	expect_abort(double_free_huge, "superslab: free(): double free detected 0x");
	expect_abort(invalid_stack, "superslab: free(): invalid pointer 0x");
	expect_abort(invalid_interior, "superslab: free(): invalid pointer 0x");
	expect_abort(invalid_interior_large, "superslab: free(): invalid pointer 0x");
	expect_abort(invalid_global, "superslab: free(): invalid pointer 0x");
	expect_abort(invalid_realloc, "superslab: realloc(): invalid pointer 0x");
	expect_abort(double_free_cross_thread, "superslab: free(): double free detected 0x");
	expect_abort(double_free_remote_then_local, "superslab: free(): double free detected 0x");
	expect_abort(double_free_foreign_cached, "superslab: free(): double free detected 0x");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("superslab-mt");
	TCase *tc = tcase_create("threads");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_thread_caches);
	tcase_add_test(tc, test_cross_thread_free);
	tcase_add_test(tc, test_foreign_blocks_reused_first);
	tcase_add_test(tc, test_foreign_cache_full);
	tcase_add_test(tc, test_thread_exit_reclaim);
	tcase_add_test(tc, test_fork_threaded);
	tcase_add_test(tc, test_stress);
	tcase_add_test(tc, test_misuse);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
