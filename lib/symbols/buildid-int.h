/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Build ids (the GNU build-id note) of ELF files and of the running kernel,
 * for the HEADER_BUILD_ID section of perf.data.  Never installed.
 */
#ifndef PF_BUILDID_INT_H
#define PF_BUILDID_INT_H

#include <stddef.h>

/* Read the build id of the ELF file at path into id (up to 20 bytes).
   Returns its length, 0 when the file has none, -1 when unreadable. */
int buildid_of_file(const char *path, unsigned char id[20]);
/* The same of the ELF file open on FD (left open). */
int buildid_of_fd(int fd, unsigned char id[20]);

/* The running kernel's build id, from /sys/kernel/notes; same returns. */
int buildid_of_kernel(unsigned char id[20]);

#endif /* PF_BUILDID_INT_H */
