/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz harness for pfdiff's merge of two folded profiles (lib/diff/): the
 * input after the first byte is split at its first NUL byte into BEFORE
 * and AFTER, each written to a memory file and read by name as pfdiff
 * reads files (whole, mapped); the merge (streamed when both are sorted)
 * and the report are written.  The first byte picks -n, -s and
 * --strip-comm.
 *
 * Built by `make fuzz` with libFuzzer, replayed in `make check` over the
 * seed corpus and the regressions by tests/fuzz/driver.c (tests/run-fuzz.sh).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pf/pf.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A memory file holding LEN bytes of DATA, its name in NAME. */
static int memfile(const uint8_t *data, size_t len, char *name, size_t size)
{
	int fd = memfd_create("fuzz", 0);

	if (fd < 0)
		return -1;
	if (write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	snprintf(name, size, "/proc/self/fd/%d", fd);
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	char before[64], after[64];
	const uint8_t *sep;
	int fd1, fd2;
	pf_diff *d;

	if (size == 0)
		return 0;
	if (!null && !(null = fopen("/dev/null", "w")))
		return 0;
	sep = memchr(data + 1, 0, size - 1);
	if (!sep)
		sep = data + size;
	fd1 = memfile(data + 1, (size_t)(sep - data - 1), before, sizeof before);
	fd2 = sep < data + size ?
		memfile(sep + 1, (size_t)(data + size - sep - 1), after, sizeof after) :
		memfile(NULL, 0, after, sizeof after);
	if (fd1 >= 0 && fd2 >= 0) {
		unsigned flags = (data[0] & 1 ? PF_DIFF_NORMALIZE : 0) |
				 (data[0] & 2 ? PF_DIFF_STRIPHEX : 0) |
				 (data[0] & 4 ? PF_DIFF_STRIPCOMM : 0);

		pf_diff_write(before, after, flags, null);
		d = pf_diff_load(before, after, flags);
		if (d) {
			pf_diff_report(d, null, (size_t)(data[0] >> 4));
			pf_diff_free(d);
		}
	}
	if (fd1 >= 0)
		close(fd1);
	if (fd2 >= 0)
		close(fd2);
	return 0;
}
