/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Numbers as the perl tools print them (util/numfmt.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "util/numfmt.h"

void perl_num(char *buf, size_t size, double v)
{
	snprintf(buf, size, "%.15g", v);
	if (strcmp(buf, "-0") == 0)
		snprintf(buf, size, "0");
}

void commify(char *buf, size_t size, double v)
{
	char tmp[64];
	size_t n, i, o = 0, digits, lead;
	const char *p = tmp;

	snprintf(tmp, sizeof tmp, "%.0f", v);
	if (*p == '-' || *p == '+')
		buf[o++] = *p++;
	n = strlen(p);
	digits = n;
	lead = digits % 3 ? digits % 3 : 3;
	for (i = 0; i < n && o + 2 < size; i++) {
		if (i > 0 && (i - lead) % 3 == 0 && i >= lead)
			buf[o++] = ',';
		buf[o++] = p[i];
	}
	buf[o] = '\0';
}
