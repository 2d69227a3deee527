/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Line reader over files and pipes, plain or gzip-compressed.  Compression
 * is detected from the data's magic bytes, never from the file name, and
 * concatenated gzip members are read as one stream.  Lines may be of any
 * length up to a limit and may contain NUL bytes.
 */
#ifndef PF_LINES_H
#define PF_LINES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pf_lines pf_lines;

/* Longest line accepted by default; longer ones are an error, so that
   binary garbage or a gzip bomb cannot take all memory. */
#define PF_LINES_MAX_DEFAULT ((size_t)64 << 20)

/* Open PATH for reading, "-" meaning standard input.  NULL on failure. */
pf_lines *pf_lines_open(const char *path);

/* Read from the open descriptor FD, named NAME in messages.  The reader
   owns FD from now on and closes it in pf_lines_close(). */
pf_lines *pf_lines_fdopen(int fd, const char *name);

/* Change the longest line accepted (0 keeps the current limit). */
void pf_lines_set_max(pf_lines *r, size_t max_len);

/* The next line without its "\n" or "\r\n", NUL-terminated, its length in
   *LEN.  The text belongs to the reader and may be modified by the caller
   up to its length; it is valid until the next call.  Returns NULL at the
   end of input or on error: tell them apart with pf_lines_failed(). */
char *pf_lines_next(pf_lines *r, size_t *len);

/* Non-zero once a read failed (I/O error, corrupt or truncated gzip data,
   overlong line); pf_errmsg() then names the file and the line. */
int pf_lines_failed(const pf_lines *r);

/* Number of the line last returned, counting from 1. */
uint64_t pf_lines_lineno(const pf_lines *r);

/* Name given at open ("-" reads as "<stdin>"). */
const char *pf_lines_name(const pf_lines *r);

/* Release the reader.  Returns -1 if closing failed, else 0. */
int pf_lines_close(pf_lines *r);

#ifdef __cplusplus
}
#endif

#endif /* PF_LINES_H */
