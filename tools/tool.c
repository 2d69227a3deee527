/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Messages, usage errors and the version line of every tool (tool.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <pf/pf.h>
#include "tool.h"

const char *tool_name = "pftools";

void tool_init(const char *name)
{
	tool_name = name;
}

static void vwarn(const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", tool_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(1);
}

void die_lib(void)
{
	die("%s", pf_errmsg());
}

void usage_hint(void)
{
	fprintf(stderr, "Try '%s --help' for more information.\n", tool_name);
	exit(2);
}

void usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	usage_hint();
}

void print_version(void)
{
	printf("%s (pftools) %s\n", tool_name, PACKAGE_VERSION);
	exit(fflush(stdout) == 0 ? 0 : 1);
}
