/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mstress THREADS SCALE ROUNDS SEED
 *
 * After mimalloc's stress test: ROUNDS times, THREADS threads start,
 * allocate (about 100 x SCALE blocks each, more for some threads), free
 * a random earlier block two times in three, keep some blocks to the
 * end, and swap blocks with a shared transfer array, so blocks outlive
 * the thread that allocated them and are freed by threads of later
 * rounds.  Blocks are 8 to 256 words, 1% of them 100 times that, 0.1%
 * 1000 times (up to 2 MiB): the small paths, the large ones and
 * memory given back between rounds.  Every word of a block is written
 * and checked before the free.
 */
#include "bench-alloc.h"

#define USAGE "mstress THREADS SCALE ROUNDS SEED"
#define TRANSFERS 1000

static _Atomic(uintptr_t *) g_transfer[TRANSFERS];
static long g_threads, g_scale, g_rounds, g_seed;
static const uintptr_t cookie = 0xbf58476d1ce4e5b9u;

static uint64_t pick(uint64_t *r)
{
	uint64_t x = *r;
	x ^= x >> 17;   /* xorshift64 */
	x ^= x << 31;
	x ^= x >> 8;
	return *r = x;
}

static int chance(unsigned percent, uint64_t *r)
{
	return pick(r) % 100 < percent;
}

static uintptr_t *alloc_items(size_t items, uint64_t *r)
{
	if (chance(1, r))
		items *= chance(10, r) ? 1000 : 100;
	uintptr_t *p = malloc(items * sizeof *p);
	if (!p) {
		perror("malloc");
		exit(1);
	}
	p[0] = items;
	for (size_t i = 1; i < items; i++)
		p[i] = (items - i) ^ cookie;
	return p;
}

static void free_items(uintptr_t *p)
{
	if (!p)
		return;
	size_t items = p[0];
	for (size_t i = 1; i < items; i++) {
		if (p[i] != ((items - i) ^ cookie)) {
			atomic_fetch_add(&bench_bad, 1);
			break;
		}
	}
	free(p);
}

static void *stress(void *arg)
{
	struct bench_worker *w = arg;
	uint64_t r = ((uint64_t)g_seed << 32 | (uint64_t)w->id) * 0x9E3779B97F4A7C15ull | 1;
	size_t allocs = 100 * (size_t)g_scale * (size_t)(w->id % 8 + 1), retain = allocs / 2;
	size_t data_size = allocs + 1, data_top = 0, retain_top = 0;
	uintptr_t **data = bench_calloc(data_size, sizeof *data);
	uintptr_t **retained = bench_calloc(retain + 1, sizeof *retained);
	while (allocs > 0 || retain > 0) {
		if (retain == 0 || (chance(50, &r) && allocs > 0)) {
			allocs--;
			data[data_top++] = alloc_items((size_t)8 << (pick(&r) % 5), &r);
		} else {
			retain--;
			retained[retain_top++] = alloc_items((size_t)8 << (pick(&r) % 6), &r);
		}
		if (chance(66, &r) && data_top > 0) {
			size_t k = pick(&r) % data_top;
			free_items(data[k]);
			data[k] = NULL;
		}
		if (chance(25, &r) && data_top > 0) {
			size_t k = pick(&r) % data_top;
			data[k] = atomic_exchange(&g_transfer[pick(&r) % TRANSFERS], data[k]);
		}
	}
	for (size_t i = 0; i < retain_top; i++)
		free_items(retained[i]);
	for (size_t i = 0; i < data_top; i++)
		free_items(data[i]);
	free(retained);
	free(data);
	return NULL;
}

int main(int argc, char **argv)
{
	long *v[] = { &g_threads, &g_scale, &g_rounds, &g_seed };
	bench_args(argc, argv, USAGE, v, 4);
	bench_print_allocator();
	struct bench_worker *w = bench_workers(g_threads);
	uint64_t r = (uint64_t)g_seed | 1;
	struct bench_timer timer;
	bench_start(&timer);
	for (long n = 0; n < g_rounds; n++) {
		bench_run_threads(g_threads, stress, w, sizeof *w);
		/* Half of what is in transit is freed between rounds. */
		for (int i = 0; i < TRANSFERS; i++)
			if (chance(50, &r))
				free_items(atomic_exchange(&g_transfer[i], NULL));
	}
	/* Operations: the blocks each round's threads allocate. */
	long ops = 0;
	for (long t = 0; t < g_threads; t++)
		ops += 150 * g_scale * (t % 8 + 1);
	bench_reportf(&timer, ops * g_rounds, "threads=%ld scale=%ld rounds=%ld", g_threads, g_scale,
		      g_rounds);
	for (int i = 0; i < TRANSFERS; i++)
		free_items(atomic_exchange(&g_transfer[i], NULL));
	free(w);
	return bench_verify(0);
}
