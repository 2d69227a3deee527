/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz harness for the perf-script text parser and the collapser
 * (lib/script.c, lib/collapse.c, lib/tidy.c).  The first input byte picks
 * the options, the rest is fed line by line; the folded result is walked.
 *
 * Built by `make fuzz` with libFuzzer, replayed in `make check` over the
 * seed corpus and the regressions by tests/fuzz/driver.c (tests/run-fuzz.sh).
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
	struct pf_collapse_opts o;
	const char *p, *end, *nl;
	pf_collapse *c;
	size_t total = 0;

	if (size == 0)
		return 0;
	pf_collapse_opts_init(&o);
	o.pid = data[0] & 1;
	o.tid = data[0] & 2;
	o.kernel = data[0] & 4;
	o.jit = data[0] & 8;
	o.addrs = data[0] & 16;
	if (data[0] & 32)
		o.event_filter = "page-faults";
	o.count_samples = data[0] & 64;
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
