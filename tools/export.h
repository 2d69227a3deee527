/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What pfscript --format and pfcollapse share: the format names, a
 * recording told from text by its first bytes (files and pipes alike), and
 * the exporter run over inputs with its messages (lost samples, the event
 * kept).
 */
#ifndef PF_TOOLS_EXPORT_H
#define PF_TOOLS_EXPORT_H

#include <pf/pf.h>

/* Flush standard output; -1 after saying why it failed. */
int tool_flush_stdout(void);

/* "perf" (0), "folded", "pprof", "gecko" (enum pf_export_format), or -1. */
int tool_format(const char *name);

/* Open PATH ("-": standard input) and look at its first bytes: *IS_DATA
   tells whether it is a perf.data file or pipe stream (gzip-compressed
   or not).  The descriptor returned reads the input from its start, pipes
   included.  -1 after saying why. */
int tool_open_sniffed(const char *path, int *is_data);

/* Add the recording on FD (from tool_open_sniffed; -1: open PATH) to X,
   then say on
   standard error how many samples the kernel lost.  -1 after saying why. */
int tool_export_read(pf_export *x, const struct pf_scriptprint_opts *so, int fd,
		     const char *path);

/* pfscript --format=FORMAT (not perf): the recording O names written to
   standard output.  The exit status. */
int tool_script_export(const struct pf_scriptprint_opts *o, int format);

/* Folded files (none: standard input) as one pprof on standard output,
   every frame a function, samples of type TYPE ("samples" when NULL).
   The exit status. */
int tool_folded_pprof(char **paths, int n, const char *type);

#endif /* PF_TOOLS_EXPORT_H */
