/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache-scratch THREADS OPS WRITES SIZE
 * cache-thrash THREADS OPS WRITES SIZE
 *
 * False sharing, after Hoard's benchmarks.  Each thread OPS times
 * allocates a block of SIZE bytes, writes every byte of it WRITES times
 * and frees it.  An allocator that gives two threads blocks in the same
 * cache line makes their writes fight over it.  cache-thrash (active
 * false sharing) is just that; in cache-scratch (passive) the main thread
 * first allocates one small block per thread, next to each other, and
 * each thread starts by freeing its own: an allocator that reuses a freed
 * block where it was freed hands the threads neighbouring blocks.
 */
#include "bench-alloc.h"

struct worker {
	long id;
	unsigned char *initial;   /* cache-scratch: freed first */
	long bad;               /* bytes that did not hold what was written */
	char pad[64];
};

static long g_threads, g_ops, g_writes, g_size;

static void *run(void *arg)
{
	struct worker *w = arg;
	if (w->initial)
		bench_delete(w->initial, (size_t)g_size, 0);
	for (long i = 0; i < g_ops; i++) {
		volatile unsigned char *p = malloc((size_t)g_size);
		if (!p) {
			perror("malloc");
			exit(1);
		}
		for (long j = 0; j < g_size; j++)
			p[j] = (unsigned char)j;
		for (long k = 0; k < g_writes; k++)
			for (long j = 0; j < g_size; j++)
				p[j] = (unsigned char)(p[j] + 1);
		for (long j = 0; j < g_size; j++)
			w->bad += p[j] != (unsigned char)(j + g_writes);
		free((void *)p);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	int scratch = strstr(name, "scratch") != NULL;
	const char *usage = scratch ? "cache-scratch THREADS OPS WRITES SIZE"
				    : "cache-thrash THREADS OPS WRITES SIZE";
	long *v[] = { &g_threads, &g_ops, &g_writes, &g_size };
	bench_args(argc, argv, usage, v, 4);
	if (g_size < 2) {
		fprintf(stderr, "usage: %s (SIZE >= 2)\n", usage);
		return 2;
	}
	bench_print_allocator();
	struct worker *w = bench_calloc((size_t)g_threads, sizeof *w);
	for (long t = 0; t < g_threads; t++) {
		w[t].id = t;
		if (scratch)
			w[t].initial = bench_new((size_t)g_size, 0);
	}
	struct bench_timer timer;
	bench_start(&timer);
	bench_run_threads(g_threads, run, w, sizeof *w);
	bench_reportf(&timer, g_threads * g_ops, "threads=%ld size=%ld writes=%ld", g_threads, g_size,
		      g_writes);
	long bad = 0;
	for (long t = 0; t < g_threads; t++)
		bad += w[t].bad;
	free(w);
	return bench_verify(bad);
}
