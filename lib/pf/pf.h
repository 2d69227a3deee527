/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libpf: the core of pftools.  This umbrella header includes every public
 * part of the library.
 *
 * Conventions shared by all of libpf:
 *  - Functions that return a handle return NULL on failure; the others
 *    return -1 (or a negative count).  libpf never prints and never exits.
 *  - pf_errmsg() returns the reason for the last failure of a libpf call in
 *    the calling thread, e.g. "pf.data: truncated record at offset 81920".
 *    The string belongs to libpf and stays valid until the next failing call
 *    in the same thread.
 *  - Whoever gets a handle from pf_X_open()/pf_X_new() releases it with the
 *    matching pf_X_close()/pf_X_free().
 */
#ifndef PF_PF_H
#define PF_PF_H

#ifdef __cplusplus
extern "C" {
#endif

/* Message for the last failure in this thread ("" when none). */
const char *pf_errmsg(void);

#ifdef __cplusplus
}
#endif

#include <pf/lines.h>
#include <pf/collapse.h>
#include <pf/record.h>
#include <pf/folded.h>
#include <pf/flame.h>
#include <pf/diff.h>
#include <pf/scriptprint.h>
#include <pf/export.h>

#endif /* PF_PF_H */
