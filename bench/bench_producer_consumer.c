/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_producer_consumer ITERS SEED
 *
 * One thread allocates, another frees everything: per iteration the
 * producer takes malloc(16 + (r & 0x3FF)) (xorshift32 seeded by SEED),
 * writes its first and last byte and hands it over through a
 * single-producer ring; the consumer frees what arrives.  Every free is
 * a cross-thread free and the consumer allocates nothing, so an allocator
 * cannot reuse the blocks where they are freed: they must travel back to
 * the producer (a pipeline, a logger thread, a queue of requests).  An
 * untimed warm-up of ITERS/10 iterations comes first.  The consumer
 * allocates one block before it starts, as almost every thread does.
 *
 * It prints the same lines as bench_random_mixed, counting a malloc and a
 * free as two operations.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "bench-alloc.h"

#define RING 4096

static struct {
	_Atomic size_t head __attribute__((aligned(64)));
	_Atomic size_t tail __attribute__((aligned(64)));
	void *slot[RING] __attribute__((aligned(64)));
} ring;

static long g_iters;
static uint32_t g_seed;
static pthread_barrier_t g_warm, g_go, g_done;

/* Spin a little, then give the core away: on a loaded machine the other
   thread may be waiting for it. */
static void backoff(unsigned *spins)
{
	if (++*spins > 64) {
		sched_yield();
		*spins = 0;
	}
}

static void produce(long iters, uint32_t *seed)
{
	size_t h = atomic_load_explicit(&ring.head, memory_order_relaxed);
	for (long i = 0; i < iters; i++) {
		void *p = bench_alloc(xorshift32(seed));
		unsigned spins = 0;
		while (h - atomic_load_explicit(&ring.tail, memory_order_acquire) >= RING)
			backoff(&spins);
		ring.slot[h % RING] = p;
		atomic_store_explicit(&ring.head, ++h, memory_order_release);
	}
}

static void consume(long iters)
{
	size_t t = atomic_load_explicit(&ring.tail, memory_order_relaxed);
	size_t end = t + (size_t)iters;
	unsigned spins = 0;
	while (t != end) {
		size_t h = atomic_load_explicit(&ring.head, memory_order_acquire);
		if (h == t) {
			backoff(&spins);
			continue;
		}
		spins = 0;
		for (; t != h; t++)
			free(ring.slot[t % RING]);
		atomic_store_explicit(&ring.tail, t, memory_order_release);
	}
}

static void *producer_main(void *arg)
{
	uint32_t seed = g_seed ? g_seed : 1;
	(void)arg;
	produce(g_iters / 10, &seed);
	pthread_barrier_wait(&g_warm);
	pthread_barrier_wait(&g_go);
	produce(g_iters, &seed);
	pthread_barrier_wait(&g_done);
	return NULL;
}

static void *consumer_main(void *arg)
{
	(void)arg;
	/* Like most threads (stdio, the C library and the program itself
	   allocate), the consumer has allocated once, so an allocator has
	   given it a thread cache. */
	void *volatile first = malloc(64);   /* volatile: not optimized away */
	free(first);
	consume(g_iters / 10);
	pthread_barrier_wait(&g_warm);
	pthread_barrier_wait(&g_go);
	consume(g_iters);
	pthread_barrier_wait(&g_done);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_producer_consumer ITERS SEED\n");
		return 2;
	}
	g_iters = atol(argv[1]);
	g_seed = (uint32_t)strtoul(argv[2], NULL, 10);
	if (g_iters <= 0) {
		fprintf(stderr, "bench_producer_consumer: bad arguments\n");
		return 2;
	}

	bench_print_allocator();

	pthread_barrier_init(&g_warm, NULL, 3);
	pthread_barrier_init(&g_go, NULL, 3);
	pthread_barrier_init(&g_done, NULL, 3);
	pthread_t prod, cons;
	if (pthread_create(&prod, NULL, producer_main, NULL) != 0 ||
	    pthread_create(&cons, NULL, consumer_main, NULL) != 0) {
		perror("bench_producer_consumer: pthread_create");
		return 1;
	}
	pthread_barrier_wait(&g_warm);
	struct bench_timer timer;
	bench_start(&timer);
	pthread_barrier_wait(&g_go);
	pthread_barrier_wait(&g_done);
	char what[64];
	snprintf(what, sizeof what, "iter=%ld producer-consumer", g_iters);
	bench_report(&timer, 2 * g_iters, what);
	pthread_join(prod, NULL);
	pthread_join(cons, NULL);
	return 0;
}
