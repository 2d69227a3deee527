/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * malloc-large OPS SLOTS MIN_KIB MAX_KIB SEED
 *
 * After mimalloc-bench's malloc-large: one thread keeps SLOTS buffers of
 * MIN_KIB..MAX_KIB KiB (5-25 MiB in the suite) and OPS times replaces a
 * random one, writing one byte in each 4 KiB page of the new buffer as a
 * program filling it would.  What counts is how an allocator maps and
 * unmaps big blocks: time, page faults and the memory it keeps.
 */
#include "bench-alloc.h"

#define USAGE "malloc-large OPS SLOTS MIN_KIB MAX_KIB SEED"

static void touch(unsigned char *p, size_t n, unsigned char v)
{
	for (size_t i = 0; i < n; i += 4096)
		p[i] = v;
}

static long untouched(const unsigned char *p, size_t n, unsigned char v)
{
	long bad = 0;
	for (size_t i = 4096; i < n - 8; i += 4096)
		bad += p[i] != v;
	return bad;
}

int main(int argc, char **argv)
{
	long ops, slots, min_kib, max_kib, seed;
	long *v[] = { &ops, &slots, &min_kib, &max_kib, &seed };
	bench_args(argc, argv, USAGE, v, 5);
	if (min_kib > max_kib) {
		fprintf(stderr, "usage: %s (MIN_KIB <= MAX_KIB)\n", USAGE);
		return 2;
	}
	bench_print_allocator();
	unsigned char **buf = bench_calloc((size_t)slots, sizeof *buf);
	size_t *size = bench_calloc((size_t)slots, sizeof *size);
	uint32_t rng = (uint32_t)seed | 1;
	long bad = 0;
	struct bench_timer timer;
	bench_start(&timer);
	for (long i = 0; i < ops; i++) {
		unsigned k = xorshift32(&rng) % (unsigned)slots;
		if (buf[k]) {
			bad += untouched(buf[k], size[k], (unsigned char)k);
			bench_delete(buf[k], size[k], k);
		}
		size[k] = ((size_t)min_kib + xorshift32(&rng) % (uint32_t)(max_kib - min_kib + 1)) << 10;
		buf[k] = malloc(size[k]);
		if (!buf[k]) {
			perror("malloc");
			return 1;
		}
		touch(buf[k], size[k], (unsigned char)k);
		bench_fill(buf[k], size[k], k);
	}
	bench_reportf(&timer, ops, "slots=%ld size=%ld-%ld KiB", slots, min_kib, max_kib);
	for (long k = 0; k < slots; k++)
		if (buf[k])
			bench_delete(buf[k], size[k], (uint64_t)k);
	free(buf);
	free(size);
	return bench_verify(bad);
}
