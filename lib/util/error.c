/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Per-thread message of the last failure, the libpf counterpart of
 * dwarf_errmsg(-1): the library reports, the tools decide what to print.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "util/pf-int.h"

static _Thread_local char last_error[512];

PF_EXPORT const char *pf_errmsg(void)
{
	return last_error;
}

void error_set(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof last_error, fmt, ap);
	va_end(ap);
}

void error_set_errno(int errnum, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(last_error, sizeof last_error, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof last_error)
		snprintf(last_error + n, sizeof last_error - n, ": %s",
			 strerror(errnum));
}
