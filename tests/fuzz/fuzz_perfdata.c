/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz harness for the perf.data reader and the machine state built from
 * its records (lib/perfdata-*.c, lib/symbols.c): the input is opened as a
 * file (memfd) or, when the first byte is odd and it fits a pipe's buffer,
 * read through a pipe; every record is decoded, side-band records are
 * applied and every callchain address is resolved.
 *
 * With libFuzzer:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -DPF_LIBFUZZER \
 *     -Ilib -I. tests/fuzz/fuzz_perfdata.c lib/.libs/libpf.so -o fuzz_perfdata
 *   ./fuzz_perfdata tests/data/script/
 * In `make check` (tests/run-fuzz-perfdata.sh) the built-in driver below
 * runs every seed file given on the command line and a few thousand
 * deterministic mutations of each.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pf/pf.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int open_input(const uint8_t *data, size_t size)
{
	int fds[2];

	if ((data[0] & 1) && size - 1 < 60000 && pipe(fds) == 0) {
		if (write(fds[1], data + 1, size - 1) != (ssize_t)(size - 1)) {
			close(fds[0]);
			fds[0] = -1;
		}
		close(fds[1]);
		return fds[0];
	}
	int fd = memfd_create("fuzz", 0);
	if (fd >= 0 && write(fd, data + 1, size - 1) != (ssize_t)(size - 1)) {
		close(fd);
		return -1;
	}
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* One machine for all inputs: the binaries the recordings name are
	   then loaded once, and state carried over is fuzzed too. */
	static pf_machine *m;
	struct pf_frame frames[8];
	struct pf_record r;
	struct pf_sample s;
	pf_perfdata *pd;
	int fd;

	if (size == 0 || (fd = open_input(data, size)) < 0)
		return 0;
	pd = pf_perfdata_fdopen(fd, "fuzz");
	if (!pd)
		return 0;
	pf_perfdata_set_unordered(pd, data[0] & 2);
	if (!m)
		m = pf_machine_new(0);
	while (m && pf_perfdata_next(pd, &r) == 1) {
		if (r.type != PERF_RECORD_SAMPLE) {
			pf_machine_record(m, &r);
			continue;
		}
		if (pf_perfdata_sample(pd, &r, &s) < 0)
			continue;
		pf_machine_comm(m, s.pid, s.tid);
		pf_machine_data_map(m, s.pid, s.addr);
		for (uint64_t i = 0; i < s.nr_callchain && i < 64; i++)
			pf_machine_resolve(m, s.pid, s.cpumode, s.callchain[i], 1, frames, 8);
	}
	pf_perfdata_close(pd);
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

/* A few edits of the kinds that matter to a binary format: bytes set to
   boundary values, random bytes, cuts. */
static size_t mutate(uint8_t *d, size_t n)
{
	static const uint8_t values[] = { 0, 1, 7, 8, 0x7f, 0x80, 0xfe, 0xff };
	int edits = 1 + (int)(next() % 8);

	while (edits-- > 0 && n > 1) {
		size_t i = 1 + next() % (n - 1);

		switch (next() % 4) {
		case 0:
			d[i] = values[next() % sizeof values];
			break;
		case 1:
			d[i] = (uint8_t)next();
			break;
		case 2:
			n = i + (n - i) / 2;
			break;
		default:
			d[i] ^= (uint8_t)(1u << (next() % 8));
		}
	}
	return n;
}

int main(int argc, char **argv)
{
	int rounds = 500;

	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *seed = malloc(1 << 20), *buf = malloc(1 << 20);
		size_t n;

		if (!f || !seed || !buf) {
			perror(argv[i]);
			return 1;
		}
		n = fread(seed + 1, 1, (1 << 20) - 1, f) + 1;
		fclose(f);
		for (int round = 0; round < rounds; round++) {
			memcpy(buf, seed, n);
			buf[0] = (uint8_t)round;
			LLVMFuzzerTestOneInput(buf, round < 8 ? n : mutate(buf, n));
		}
		printf("%s: %d inputs\n", argv[i], rounds);
		free(seed);
		free(buf);
	}
	return 0;
}
#endif
