/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz harness for the folded-stack reader and the flame graph built from
 * it (lib/folded.c, lib/flame*.c): the input is fed line by line, as
 * pfflame reads a file, then laid out and written as SVG and as the text
 * summary.  The first byte picks the options (reverse, strip hex, palette,
 * icicle, flame chart, minwidth in percent, hash colours), so that
 * one-column and differential (two-column) input both reach every path.
 *
 * Built by `make fuzz` with libFuzzer, replayed in `make check` over the
 * seed corpus and the regressions by tests/fuzz/driver.c (tests/run-fuzz.sh).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <pf/pf.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const palettes[] = {
	"hot", "mem", "io", "wakeup", "chain", "java", "js", "perl", "red",
	"green", "blue", "aqua", "yellow", "purple", "orange",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	const char *p, *end, *nl;
	pf_flame_opts o;
	pf_folded *f;
	pf_flame *g;
	uint64_t lineno = 0;

	if (size == 0)
		return 0;
	if (!null && !(null = fopen("/dev/null", "w")))
		return 0;
	f = pf_folded_new((data[0] & 1 ? PF_FOLDED_REVERSE : 0) |
			  (data[0] & 2 ? PF_FOLDED_STRIPHEX : 0));
	if (!f)
		return 0;
	p = (const char *)data + 1;
	end = (const char *)data + size;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (pf_folded_add_line(f, p, (size_t)(nl - p), "fuzz", ++lineno) < 0)
			break;
		p = nl + 1;
	}
	pf_flame_opts_init(&o);
	o.colors = palettes[(data[0] >> 4) % (sizeof palettes / sizeof palettes[0])];
	o.inverted = data[0] & 4;
	o.flamechart = data[0] & 8;
	o.hash = data[0] & 0x40;
	o.minwidth_pct = data[0] & 0x80;
	if (o.minwidth_pct)
		o.minwidth = 0.5;
	if (pf_flame_opts_check(&o) < 0 || !(pf_folded_stats(f)->total_value > 0)) {
		pf_folded_free(f);
		return 0;
	}
	g = pf_flame_build(f, &o);
	if (g)
		pf_flame_write_svg(g, null);
	pf_flame_free(g);
	pf_flame_write_text(f, null, 5, "samples");
	pf_folded_free(f);
	return 0;
}
