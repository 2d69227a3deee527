/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xmalloc-test PAIRS OPS SEED
 *
 * After Lever and Boreham's xmalloc test: PAIRS producer threads
 * allocate blocks of 8 to 512 bytes and pass them, in batches of 64
 * through a shared bounded queue, to PAIRS consumer threads that free
 * them.  Allocation and free never happen on the same thread: the
 * allocator must move memory back from the freeing threads.  Each
 * producer allocates OPS blocks; a malloc and a free count as two
 * operations.
 */
#include "bench-alloc.h"

#define USAGE "xmalloc-test PAIRS OPS SEED"
#define BATCH 64
#define QUEUE 64        /* batches in flight: bounds the memory */

struct batch {
	void *p[BATCH];
	size_t n[BATCH];
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct batch *q[QUEUE];
	unsigned head, count, producers;
} g = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, { 0 }, 0, 0, 0 };

static long g_pairs, g_ops, g_seed;
static _Atomic long g_freed;

static void put(struct batch *b)
{
	pthread_mutex_lock(&g.lock);
	while (g.count == QUEUE)
		pthread_cond_wait(&g.changed, &g.lock);
	g.q[(g.head + g.count++) % QUEUE] = b;
	pthread_cond_broadcast(&g.changed);
	pthread_mutex_unlock(&g.lock);
}

/* The next batch, or NULL once the producers are done and the queue empty. */
static struct batch *take(void)
{
	pthread_mutex_lock(&g.lock);
	while (g.count == 0 && g.producers > 0)
		pthread_cond_wait(&g.changed, &g.lock);
	struct batch *b = NULL;
	if (g.count) {
		b = g.q[g.head];
		g.head = (g.head + 1) % QUEUE;
		g.count--;
		pthread_cond_broadcast(&g.changed);
	}
	pthread_mutex_unlock(&g.lock);
	return b;
}

static void *produce(void *arg)
{
	struct bench_worker *w = arg;
	uint32_t rng = (uint32_t)(g_seed * 2654435761u + (uint64_t)w->id) | 1;
	for (long i = 0; i < g_ops; i += BATCH) {
		struct batch *b = bench_new(sizeof *b, 1);
		for (int k = 0; k < BATCH; k++) {
			b->n[k] = 8 + xorshift32(&rng) % 505;
			b->p[k] = k < g_ops - i ? bench_new(b->n[k], (uint64_t)k) : NULL;
		}
		put(b);
	}
	pthread_mutex_lock(&g.lock);
	g.producers--;
	pthread_cond_broadcast(&g.changed);
	pthread_mutex_unlock(&g.lock);
	return NULL;
}

static void *consume(void *arg)
{
	struct batch *b;
	(void)arg;
	while ((b = take())) {
		long n = 0;
		for (int k = 0; k < BATCH; k++) {
			if (b->p[k]) {
				bench_delete(b->p[k], b->n[k], (uint64_t)k);
				n++;
			}
		}
		atomic_fetch_add(&g_freed, n);
		free(b);
	}
	return NULL;
}

static void *role(void *arg)
{
	struct bench_worker *w = arg;
	return w->id < g_pairs ? produce(w) : consume(w);
}

int main(int argc, char **argv)
{
	long *v[] = { &g_pairs, &g_ops, &g_seed };
	bench_args(argc, argv, USAGE, v, 3);
	bench_print_allocator();
	g.producers = (unsigned)g_pairs;
	struct bench_worker *w = bench_workers(2 * g_pairs);
	struct bench_timer timer;
	bench_start(&timer);
	bench_run_threads(2 * g_pairs, role, w, sizeof *w);
	bench_reportf(&timer, 2 * g_pairs * g_ops, "pairs=%ld", g_pairs);
	free(w);
	return bench_verify(atomic_load(&g_freed) != g_pairs * g_ops);
}
