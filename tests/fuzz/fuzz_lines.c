/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz harness for the line reader (lib/lines.c): plain or gzip input (it
 * decides by the magic bytes), from a memory file or a pipe, with a line
 * limit chosen by the first byte, read to the end or the first error.  A
 * gzip bomb must stop at the line limit, not at the memory limit.
 *
 * Built by `make fuzz` with libFuzzer, replayed in `make check` over the
 * seed corpus and the regressions by tests/fuzz/driver.c (tests/run-fuzz.sh).
 */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pf/pf.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int open_input(int as_pipe, const uint8_t *data, size_t size)
{
	int fds[2], fd;

	/* A pipe only when the input fits its buffer: no writer thread. */
	if (as_pipe && size < 60000 && pipe(fds) == 0) {
		if (write(fds[1], data, size) != (ssize_t)size) {
			close(fds[0]);
			fds[0] = -1;
		}
		close(fds[1]);
		return fds[0];
	}
	fd = memfd_create("fuzz", 0);
	if (fd >= 0 && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pf_lines *r;
	size_t len, total = 0;
	char *line;
	int fd;

	if (size == 0 || (fd = open_input(data[0] & 1, data + 1, size - 1)) < 0)
		return 0;
	r = pf_lines_fdopen(fd, "fuzz");	/* closes FD on failure */
	if (!r)
		return 0;
	/* 1 KiB to 64 MiB: short limits reach the overlong-line error. */
	pf_lines_set_max(r, (size_t)1024 << ((data[0] >> 1) % 17));
	while ((line = pf_lines_next(r, &len)) != NULL) {
		if (strlen(line) > len)
			__builtin_trap();
		total += len;
	}
	pf_lines_failed(r);
	pf_lines_close(r);
	return (int)(total & 0);
}
