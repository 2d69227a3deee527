/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * glibc-thread THREADS OPS SEED
 *
 * After glibc's bench-malloc-thread: each thread keeps a working set of
 * 1024 blocks and, OPS times, frees a random one and allocates a
 * replacement whose size falls off as 1/size between 8 bytes and 64 KiB.
 * Blocks never cross threads: the cost of the thread-local paths, with
 * several threads in the process.
 */
#include "bench-alloc.h"

#define USAGE "glibc-thread THREADS OPS SEED"
#define WORKING_SET 1024

static long g_threads, g_ops, g_seed;

static size_t pick_size(uint32_t *rng)
{
	uint32_t r = xorshift32(rng);
	/* Two thirds of the blocks below 128 bytes, the rest up to 64 KiB. */
	size_t base = (size_t)8 << (r % 3 ? r % 4 : 4 + r % 9);
	return base + (r >> 8) % base;
}

static void *run(void *arg)
{
	struct bench_worker *w = arg;
	uint32_t rng = (uint32_t)(g_seed * 2654435761u + (uint64_t)w->id) | 1;
	void *slot[WORKING_SET];
	size_t size[WORKING_SET];
	for (int k = 0; k < WORKING_SET; k++) {
		size[k] = pick_size(&rng);
		slot[k] = bench_new(size[k], (uint64_t)k);
	}
	for (long i = 0; i < g_ops; i++) {
		unsigned k = xorshift32(&rng) % WORKING_SET;
		bench_delete(slot[k], size[k], k);
		size[k] = pick_size(&rng);
		slot[k] = bench_new(size[k], k);
		w->ops++;
	}
	for (int k = 0; k < WORKING_SET; k++)
		bench_delete(slot[k], size[k], (uint64_t)k);
	return NULL;
}

int main(int argc, char **argv)
{
	long *v[] = { &g_threads, &g_ops, &g_seed };
	bench_args(argc, argv, USAGE, v, 3);
	bench_print_allocator();
	struct bench_timer timer;
	struct bench_worker *w = bench_timed_workers(g_threads, run, &timer);
	bench_reportf(&timer, 2 * g_threads * g_ops, "threads=%ld", g_threads);
	return bench_workers_done(w, g_threads, g_ops);
}
