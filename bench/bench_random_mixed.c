/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_random_mixed ITERS WS SEED [THREADS [CROSS_PERCENT]]
 *
 * The allocator reference benchmark: each thread keeps WS slots; per
 * iteration a random slot (xorshift32 seeded by SEED, plus the thread
 * number) is freed if full, or else gets malloc(16 + (r & 0x3FF)) with
 * its first and last byte written.  An untimed warm-up of ITERS/10
 * iterations comes first.  With CROSS_PERCENT, that share of the frees is
 * handed to the next thread through a single-producer ring and freed
 * there (the cross-thread variant).
 *
 * Besides ops per second of wall-clock time, it prints ops per CPU second
 * of the timed region (all threads), which other load on the machine
 * disturbs less.
 *
 * The allocator is whatever `malloc` binds to: run it with LD_PRELOAD to
 * compare.  It prints the object that defines malloc, so a driver can
 * prove the preloaded allocator is the one measured.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "bench-alloc.h"

#define RING 4096

struct ring {
	_Atomic size_t head, tail;
	void *slot[RING];
};

struct worker {
	pthread_t tid;
	unsigned idx;
	uint32_t seed;
	long iters;
	struct ring *in, *out;    /* frees received / handed over */
} __attribute__((aligned(64)));

static long g_iters, g_ws;
static unsigned g_cross;
static pthread_barrier_t g_start, g_warm, g_go, g_done;

static void drain(struct ring *in)
{
	size_t t = atomic_load_explicit(&in->tail, memory_order_relaxed);
	size_t h = atomic_load_explicit(&in->head, memory_order_acquire);
	for (; t != h; t++)
		free(in->slot[t % RING]);
	atomic_store_explicit(&in->tail, t, memory_order_release);
}

static void give(struct ring *out, void *p)
{
	size_t h = atomic_load_explicit(&out->head, memory_order_relaxed);
	if (h - atomic_load_explicit(&out->tail, memory_order_acquire) >= RING) {
		free(p);      /* the other thread is behind: do not wait */
		return;
	}
	out->slot[h % RING] = p;
	atomic_store_explicit(&out->head, h + 1, memory_order_release);
}

static void run(struct worker *w, void **slots, long iters, uint32_t *seed)
{
	for (long i = 0; i < iters; i++) {
		uint32_t r = xorshift32(seed);
		long k = (long)(r % (uint32_t)g_ws);
		if (slots[k]) {
			if (g_cross && xorshift32(seed) % 100 < g_cross)
				give(w->out, slots[k]);
			else
				free(slots[k]);
			slots[k] = NULL;
		} else {
			slots[k] = bench_alloc(r);
		}
		if (g_cross && (i & 63) == 0)
			drain(w->in);
	}
}

static void *thread_main(void *arg)
{
	struct worker *w = arg;
	void **slots = calloc((size_t)g_ws, sizeof *slots);
	uint32_t seed = w->seed ? w->seed : 1;
	if (!slots) {
		perror("bench_random_mixed: calloc");
		exit(1);
	}
	pthread_barrier_wait(&g_start);
	run(w, slots, g_iters / 10, &seed);
	pthread_barrier_wait(&g_warm);
	pthread_barrier_wait(&g_go);
	run(w, slots, w->iters, &seed);
	pthread_barrier_wait(&g_done);
	/* Untimed: empty the rings and the slots. */
	if (g_cross)
		drain(w->in);
	for (long k = 0; k < g_ws; k++)
		free(slots[k]);
	free(slots);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 4 || argc > 6) {
		fprintf(stderr, "usage: bench_random_mixed ITERS WS SEED [THREADS [CROSS_PERCENT]]\n");
		return 2;
	}
	g_iters = atol(argv[1]);
	g_ws = atol(argv[2]);
	uint32_t seed = (uint32_t)strtoul(argv[3], NULL, 10);
	unsigned nthreads = argc > 4 ? (unsigned)atoi(argv[4]) : 1;
	g_cross = argc > 5 ? (unsigned)atoi(argv[5]) : 0;
	if (g_iters <= 0 || g_ws <= 0 || nthreads < 1 || nthreads > 256 || g_cross > 100 ||
	    (g_cross && nthreads < 2)) {
		fprintf(stderr, "bench_random_mixed: bad arguments (CROSS_PERCENT needs 2+ threads)\n");
		return 2;
	}

	bench_print_allocator();

	struct worker *w = calloc(nthreads, sizeof *w);
	struct ring *rings = calloc(nthreads, sizeof *rings);
	if (!w || !rings) {
		perror("bench_random_mixed: calloc");
		return 1;
	}
	pthread_barrier_init(&g_start, NULL, nthreads + 1);
	pthread_barrier_init(&g_warm, NULL, nthreads + 1);
	pthread_barrier_init(&g_go, NULL, nthreads + 1);
	pthread_barrier_init(&g_done, NULL, nthreads + 1);
	for (unsigned i = 0; i < nthreads; i++) {
		w[i].idx = i;
		w[i].seed = seed + i;
		w[i].iters = g_iters;
		w[i].in = &rings[i];
		w[i].out = &rings[(i + 1) % nthreads];
		if (pthread_create(&w[i].tid, NULL, thread_main, &w[i]) != 0) {
			perror("bench_random_mixed: pthread_create");
			return 1;
		}
	}
	pthread_barrier_wait(&g_start);
	pthread_barrier_wait(&g_warm);
	struct bench_timer timer;
	bench_start(&timer);
	pthread_barrier_wait(&g_go);
	pthread_barrier_wait(&g_done);
	char what[128];
	snprintf(what, sizeof what, "iter=%ld ws=%ld threads=%u cross=%u%%", g_iters, g_ws,
		 nthreads, g_cross);
	bench_report(&timer, g_iters * (long)nthreads, what);
	for (unsigned i = 0; i < nthreads; i++)
		pthread_join(w[i].tid, NULL);
	free(w);
	free(rings);
	return 0;
}
