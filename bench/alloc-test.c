/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * alloc-test THREADS OPS LIVE SEED
 *
 * Churn after the alloc-test of "Testing Memory Allocators" (ithare):
 * each thread keeps LIVE slots and, OPS times, picks a random slot and
 * frees its block or, if empty, allocates one.  Sizes fall off as 1/size
 * from 8 bytes to 8 KiB (a power of two picked uniformly, then a uniform
 * size below the next), so most blocks are small and the classes of a
 * few dozen bytes see the most traffic.  Threads never share blocks.
 */
#include "bench-alloc.h"

#define USAGE "alloc-test THREADS OPS LIVE SEED"

static long g_threads, g_ops, g_live, g_seed;

static size_t pick_size(uint32_t *rng)
{
	uint32_t r = xorshift32(rng);
	size_t base = (size_t)8 << (r % 10);
	return base + (r >> 8) % base;
}

static void *run(void *arg)
{
	struct bench_worker *w = arg;
	uint32_t rng = (uint32_t)(g_seed * 2654435761u + (uint64_t)w->id) | 1;
	void **slot = bench_calloc((size_t)g_live, sizeof *slot);
	size_t *size = bench_calloc((size_t)g_live, sizeof *size);
	for (long i = 0; i < g_ops; i++) {
		long k = (long)(xorshift32(&rng) % (uint32_t)g_live);
		if (slot[k]) {
			bench_delete(slot[k], size[k], (uint64_t)k);
			slot[k] = NULL;
		} else {
			size[k] = pick_size(&rng);
			slot[k] = bench_new(size[k], (uint64_t)k);
		}
		w->ops++;
	}
	for (long k = 0; k < g_live; k++)
		if (slot[k])
			bench_delete(slot[k], size[k], (uint64_t)k);
	free(slot);
	free(size);
	return NULL;
}

int main(int argc, char **argv)
{
	long *v[] = { &g_threads, &g_ops, &g_live, &g_seed };
	bench_args(argc, argv, USAGE, v, 4);
	bench_print_allocator();
	struct bench_timer timer;
	struct bench_worker *w = bench_timed_workers(g_threads, run, &timer);
	bench_reportf(&timer, g_threads * g_ops, "threads=%ld live=%ld", g_threads, g_live);
	return bench_workers_done(w, g_threads, g_ops);
}
