/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz harness for the tracepoint formats of a recording's TRACING_DATA
 * (lib/script/tracefmt*.c): the input is a little-endian u16 length L, L
 * bytes of a sample's raw data, then the TRACING_DATA blob.  The blob is
 * parsed from an exact-size copy (ASan sees any read past the section) and
 * every event it defines formats the raw data into a small buffer.
 *
 * Built by `make fuzz` with libFuzzer, replayed in `make check` over the
 * seed corpus and the regressions by tests/fuzz/driver.c (tests/run-fuzz.sh).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "script/tracefmt-int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *no_symbol(void *arg, uint64_t addr, uint64_t *off)
{
	(void)arg;
	*off = addr & 0xff;
	return addr & 0x100 ? "func" : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[512];
	size_t raw_len;

	if (size < 2)
		return 0;
	raw_len = (size_t)data[0] | (size_t)data[1] << 8;
	if (raw_len > size - 2)
		raw_len = size - 2;
	size_t blob_len = size - 2 - raw_len;
	unsigned char *raw = malloc(raw_len ? raw_len : 1);
	unsigned char *blob = malloc(blob_len ? blob_len : 1);

	if (raw && blob) {
		memcpy(raw, data + 2, raw_len);
		memcpy(blob, data + 2 + raw_len, blob_len);
		struct tf_set *set = tf_parse(blob, blob_len);
		const struct tf_event *ev;

		if (set)
			tf_set_resolver(set, no_symbol, NULL);
		for (size_t i = 0; (ev = tf_nth(set, i)); i++) {
			size_t n = tf_format(set, ev, raw, raw_len, out, sizeof out);

			if (n >= sizeof out || out[n] != 0)
				abort();
		}
		tf_free(set);
	}
	free(raw);
	free(blob);
	return 0;
}
