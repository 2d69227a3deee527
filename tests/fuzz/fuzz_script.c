/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz harness for the perf-script text parser and the collapser
 * (lib/script.c, lib/collapse.c, lib/tidy.c).  The first input byte picks
 * the options, the rest is fed line by line; the folded result is walked.
 *
 * With libFuzzer:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -DPF_LIBFUZZER \
 *     -Ilib -I. tests/fuzz/fuzz_script.c lib/.libs/libpf.so -o fuzz_script
 *   ./fuzz_script tests/data/collapse/
 * In `make check` (tests/run-fuzz-script.sh) the built-in driver below runs
 * every seed file given on the command line and a few thousand
 * deterministic mutations of each, so the harness cannot rot.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int walk(const char *stack, size_t len, uint64_t count, void *arg)
{
	size_t *total = arg;

	*total += len + (size_t)(count & 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pf_collapse_options o = { 0 };
	const char *p, *end, *nl;
	pf_collapse *c;
	size_t total = 0;

	if (size == 0)
		return 0;
	o.pid = data[0] & 1;
	o.tid = data[0] & 2;
	o.kernel = data[0] & 4;
	o.jit = data[0] & 8;
	o.addrs = data[0] & 16;
	if (data[0] & 32)
		o.event_filter = "page-faults";
	c = pf_collapse_new(&o);
	if (!c)
		return 0;
	p = (const char *)data + 1;
	end = (const char *)data + size;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (pf_collapse_line(c, p, (size_t)(nl - p)) < 0)
			break;
		p = nl + 1;
	}
	pf_collapse_end(c);
	pf_fold_each_sorted(pf_collapse_fold(c), walk, &total);
	pf_collapse_free(c);
	return 0;
}

#ifndef PF_LIBFUZZER
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Apply a few random edits that perf-script parsing is sensitive to. */
static size_t mutate(uint8_t *d, size_t n, size_t cap)
{
	static const char bytes[] = " \t\n()[]<>{};:-+/.0123456789abcdefx\"'";
	int edits = 1 + (int)(next() % 16);

	while (edits-- > 0 && n > 0) {
		size_t i = next() % n, k = 1 + next() % 40;

		switch (next() % 4) {
		case 0:
			d[i] = (uint8_t)bytes[next() % (sizeof bytes - 1)];
			break;
		case 1:
			d[i] = (uint8_t)next();
			break;
		case 2:
			if (k > n - i)
				k = n - i;
			memmove(d + i, d + i + k, n - i - k);
			n -= k;
			break;
		default:
			if (n + k <= cap) {
				size_t from = next() % n;

				if (k > n - from)
					k = n - from;
				memmove(d + i + k, d + i, n - i);
				memmove(d + i, d + from + (from >= i ? k : 0), k);
				n += k;
			}
		}
	}
	return n;
}

int main(int argc, char **argv)
{
	int i, round, rounds = 2000;

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *seed, *buf;
		size_t n, cap;

		if (!f) {
			perror(argv[i]);
			return 1;
		}
		seed = malloc(1 << 20);
		n = fread(seed + 1, 1, (1 << 20) - 1, f) + 1;
		fclose(f);
		cap = n + 4096;
		buf = malloc(cap);
		if (!seed || !buf)
			return 1;
		for (round = 0; round < rounds; round++) {
			memcpy(buf, seed, n);
			buf[0] = (uint8_t)round;
			LLVMFuzzerTestOneInput(buf, round < 64 ? n : mutate(buf, n, cap));
		}
		printf("ok: %s, %d inputs\n", argv[i], rounds);
		free(buf);
		free(seed);
	}
	return 0;
}
#endif
