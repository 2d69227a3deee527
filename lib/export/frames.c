/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A selected sample's raw addresses resolved to the frames pfscript
 * prints for it: the fault frame first with --data-frame, then each
 * address's function (with the functions inlined there first when the
 * address asks for them), cut at the frame limit.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "export/export-int.h"

const char *ex_fault_frame(const char *map, char *buf, size_t size)
{
	const char *name = "unknown", *slash;
	int len = -1;

	if (map && map[0] == '[') {
		name = map + 1;
		len = (int)strcspn(name, "]");
	} else if (map) {
		slash = strrchr(map, '/');
		name = slash ? slash + 1 : map;
	}
	if (len < 0)
		len = (int)strlen(name);
	snprintf(buf, size, "[fault: %.*s]", len, name);
	return buf;
}

int ex_frames(pf_export *x, const struct ex_sample *es, int *group)
{
	int n = 0, max = es->max < EX_MAX_FRAMES ? es->max : EX_MAX_FRAMES;

	if (es->data_frame && n < max) {
		memset(&x->frames[n], 0, sizeof x->frames[n]);
		x->frames[n].ip = x->frames[n].addr = es->s->addr;
		x->frames[n].sym = ex_fault_frame(es->data_map, x->fault, sizeof x->fault);
		x->frames[n].dso = "[data]";
		if (group)
			group[n] = -1;
		n++;
	}
	for (int i = 0; i < es->nraw && n < max; i++) {
		const struct ex_raw *r = &es->raw[i];
		int k = pf_machine_resolve(x->m, es->s->pid, r->mode, r->ip, r->inl,
					   x->frames + n, max - n);

		for (int j = 0; group && j < k; j++)
			group[n + j] = i;
		n += k;
	}
	if (!es->lines && n > 1)
		n = 1;
	if (!es->lines && n == 1)
		x->frames[0].addr = x->frames[0].ip;	/* as pfscript prints it */
	return n;
}
