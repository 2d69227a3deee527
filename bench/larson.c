/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * larson THREADS SLOTS OPS GENERATIONS MIN MAX SEED
 *
 * A server after Larson and Krishnan: each of THREADS lineages holds
 * SLOTS blocks (MIN..MAX bytes, allocated by the main thread before the
 * start); a thread replaces a random block OPS times (checks and frees
 * it, allocates a new size) and then hands its array to a new thread and
 * exits, GENERATIONS times.  Blocks are freed by threads that did not
 * allocate them, and by threads that start after their allocator exited:
 * the cross-thread and thread-exit paths of an allocator.  A malloc and
 * a free count as two operations.
 */
#include "bench-alloc.h"

#define USAGE "larson THREADS SLOTS OPS GENERATIONS MIN MAX SEED"

struct lineage {
	void **slot;
	size_t *size;
	long generation;
	uint32_t rng;
	pthread_t *tid;         /* the thread of each generation */
};

static long g_slots, g_ops, g_generations, g_min, g_max;

static size_t pick_size(uint32_t *rng)
{
	return (size_t)g_min + xorshift32(rng) % (uint32_t)(g_max - g_min + 1);
}

static void *worker(void *arg)
{
	struct lineage *l = arg;
	for (long i = 0; i < g_ops; i++) {
		long k = (long)(xorshift32(&l->rng) % (uint32_t)g_slots);
		bench_delete(l->slot[k], l->size[k], (uint64_t)k);
		l->size[k] = pick_size(&l->rng);
		l->slot[k] = bench_new(l->size[k], (uint64_t)k);
	}
	/* The successor's id is stored before this thread exits, so the
	   main thread, which joins the generations in order, finds it. */
	long g = ++l->generation;
	if (g < g_generations) {
		int e = pthread_create(&l->tid[g], NULL, worker, l);
		if (e) {
			fprintf(stderr, "larson: pthread_create: %s\n", strerror(e));
			exit(1);
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long threads, seed;
	long *v[] = { &threads, &g_slots, &g_ops, &g_generations, &g_min, &g_max, &seed };
	bench_args(argc, argv, USAGE, v, 7);
	if (g_min > g_max) {
		fprintf(stderr, "usage: %s (MIN <= MAX)\n", USAGE);
		return 2;
	}
	bench_print_allocator();
	struct lineage *l = bench_calloc((size_t)threads, sizeof *l);
	for (long t = 0; t < threads; t++) {
		l[t].slot = bench_calloc((size_t)g_slots, sizeof *l[t].slot);
		l[t].size = bench_calloc((size_t)g_slots, sizeof *l[t].size);
		l[t].tid = bench_calloc((size_t)g_generations, sizeof *l[t].tid);
		l[t].rng = (uint32_t)(seed * 7919 + t) | 1;
		for (long k = 0; k < g_slots; k++) {
			l[t].size[k] = pick_size(&l[t].rng);
			l[t].slot[k] = bench_new(l[t].size[k], (uint64_t)k);
		}
	}
	struct bench_timer timer;
	bench_start(&timer);
	for (long t = 0; t < threads; t++) {
		int e = pthread_create(&l[t].tid[0], NULL, worker, &l[t]);
		if (e) {
			fprintf(stderr, "larson: pthread_create: %s\n", strerror(e));
			return 1;
		}
	}
	for (long t = 0; t < threads; t++)
		for (long g = 0; g < g_generations; g++)
			pthread_join(l[t].tid[g], NULL);
	bench_reportf(&timer, 2 * threads * g_ops * g_generations, "threads=%ld slots=%ld ops=%ld gen=%ld",
		      threads, g_slots, g_ops, g_generations);
	long bad = 0;
	for (long t = 0; t < threads; t++) {
		bad += l[t].generation != g_generations;
		for (long k = 0; k < g_slots; k++)
			bench_delete(l[t].slot[k], l[t].size[k], (uint64_t)k);
		free(l[t].slot);
		free(l[t].size);
		free(l[t].tid);
	}
	free(l);
	return bench_verify(bad);
}
