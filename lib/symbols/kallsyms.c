/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kernel symbols from /proc/kallsyms ("ADDR TYPE NAME [MODULE]").  perf
 * keeps text, weak, data and bss symbols (types T, W, D, B in either case),
 * gives them no size (the next symbol ends them) and files module symbols
 * under a DSO named "[MODULE]"; we do the same so that names match.
 */
#include "config.h"

#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/pf-int.h"
#include "symbols/symtab-int.h"

static const char *module_name(struct symtab *t, const char *mod)
{
	for (size_t i = t->nr_modules; i-- > 0;)
		if (strcmp(t->modules[i], mod) == 0)
			return t->modules[i];
	void *p = mem_realloc(t->modules, (t->nr_modules + 1) * sizeof *t->modules);
	if (!p)
		return NULL;
	t->modules = p;
	if (!(t->modules[t->nr_modules] = strdup(mod)))
		return NULL;
	return t->modules[t->nr_modules++];
}

int kallsyms_parse(struct symtab *t, FILE *f)
{
	char line[1024];

	while (fgets(line, sizeof line, f)) {
		char *end, *name, *mod = NULL, type;
		unsigned long long addr = strtoull(line, &end, 16);
		int binding;

		if (end == line || *end != ' ')
			continue;
		type = end[1];
		if (!type || end[2] != ' ')
			continue;
		name = end + 3;
		name[strcspn(name, "\n")] = 0;
		char *tab = strchr(name, '\t');
		if (tab) {
			*tab = 0;
			mod = tab + 1;
		}
		int up = toupper((unsigned char)type);
		if (up != 'T' && up != 'W' && up != 'D' && up != 'B')
			continue;
		binding = type == 'W' ? STB_WEAK : isupper((unsigned char)type) ? STB_GLOBAL : STB_LOCAL;
		const char *m = NULL;
		if (mod && *mod) {
			if (!(m = module_name(t, mod)))
				return -1;
		}
		if (symtab_add(t, addr, 0, name, binding, m) < 0)
			return -1;
	}
	symtab_finish(t, 1);
	return 0;
}

int kallsyms_load(struct symtab *t, const char *path)
{
	FILE *f = fopen(path, "re");
	int r;

	if (!f) {
		error_set_errno(errno, "%s", path);
		return -1;
	}
	r = kallsyms_parse(t, f);
	fclose(f);
	/* With kptr_restrict every address reads as zero: useless. */
	if (r == 0 && t->n > 0 && t->v[t->n - 1].start == 0) {
		symtab_free(t);
		error_set("%s: addresses are hidden (kernel.kptr_restrict)", path);
		return -1;
	}
	return r;
}
