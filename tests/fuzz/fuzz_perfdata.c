/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz harness for the perf.data reader and the machine state built from
 * its records (lib/perfdata-*.c, lib/symbols.c): the input is opened as a
 * file (memfd) or, when the first byte is odd and it fits a pipe's buffer,
 * read through a pipe; every record is decoded, side-band records are
 * applied (build-ids included) and every callchain address is resolved.
 *
 * Built by `make fuzz` with libFuzzer, replayed in `make check` over the
 * seed corpus and the regressions by tests/fuzz/driver.c (tests/run-fuzz.sh).
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
	/* The header's build-ids (and MMAP2 ones, below) checked against the
	   files on this machine. */
	if (m && pf_machine_use_recording(m, pd) < 0) {
		pf_perfdata_close(pd);
		return 0;
	}
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
