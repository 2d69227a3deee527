/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * DSOs: the files code was mapped from.  Each is opened once with libdwfl,
 * which finds separate debug info by build id (/usr/lib/debug/.build-id)
 * and .gnu_debuglink; its function symbols become one sorted table, and
 * the inline chain and source line of an address (from DWARF) are cached
 * per (DSO, address), so each address is resolved once however many
 * samples hit it.
 */
#include "config.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <inttypes.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pf/pf.h>
#include <pf/demangle.h>
#include "util/pf-int.h"
#include "symbols/machine-int.h"
#include "symbols/buildid-int.h"
#include "symbols/files-int.h"
#include "symbols/inline-index-int.h"

/* The main file is always given to libdwfl, which then has no need to find
   it: it must not ask debuginfod either. */
static int no_elf(Dwfl_Module *mod, void **userdata, const char *modname,
		  Dwarf_Addr base, char **file_name, Elf **elfp)
{
	(void)mod; (void)userdata; (void)modname; (void)base; (void)file_name; (void)elfp;
	return -1;
}

/* PATH as a safe ELF file whose build-id is ID (any when LEN is 0); its
   descriptor, or -1. */
static int open_matching(const char *path, const unsigned char *id, int len)
{
	unsigned char got[20];
	int fd = elf_open_checked(path);

	if (fd < 0 || len <= 0)
		return fd;
	if (buildid_of_fd(fd, got) != len || memcmp(got, id, (size_t)len) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* "PREFIX/xx/yyyy...SUFFIX" for build-id ID, as the build-id directories
   name files; NULL when out of memory. */
static char *id_path(const char *prefix, const unsigned char *id, int len, const char *suffix)
{
	char hex[41];
	char *p;

	for (int i = 0; i < len && i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", id[i]);
	if (asprintf(&p, "%s/%.2s/%s%s", prefix, hex, hex + 2, suffix) < 0)
		return NULL;
	return p;
}

/* Try the file made by asprintf(FMT, ...); the descriptor with its path in
   *FOUND, or -1. */
static int try_path(char **found, const unsigned char *id, int len, char *path)
{
	int fd = path ? open_matching(path, id, len) : -1;

	if (fd >= 0)
		*found = path;
	else
		free(path);
	return fd;
}

/* A build-id's copies on this machine, in perf's order: perf's cache
   (~/.debug/.build-id/xx/yyy/WHAT: "elf" for the file, "debug" for its
   debug info), then for debug info the distribution's debug directory. */
static int find_by_id(pf_machine *m, const unsigned char *id, int len, int debug,
		      char **found)
{
	const char *home = getenv("HOME");
	char *dir;
	int fd = -1;

	if (len <= 0)
		return -1;
	if (home && *home && asprintf(&dir, "%s/.debug/.build-id", home) >= 0) {
		fd = try_path(found, id, len, id_path(dir, id, len, debug ? "/debug" : "/elf"));
		free(dir);
	}
	if (fd < 0 && debug &&
	    asprintf(&dir, "%s/usr/lib/debug/.build-id", m && m->symfs ? m->symfs : "") >= 0) {
		fd = try_path(found, id, len, id_path(dir, id, len, ".debug"));
		free(dir);
	}
	return fd;
}

/* Separate debug info, found on this machine only: by build-id, then by
   .gnu_debuglink next to the file, in its .debug directory and under
   /usr/lib/debug, as libdwfl does, but without libdwfl's debuginfod
   fallback, which would reach the network whenever DEBUGINFOD_URLS is set.
   That happens only with PF_SYM_DEBUGINFOD. */
static int find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
			  Dwarf_Addr base, const char *file_name, const char *debuglink,
			  GElf_Word crc, char **debuginfo_file_name)
{
	struct dso *d = userdata ? *userdata : NULL;
	pf_machine *m = d ? d->machine : NULL;
	const unsigned char *id;
	GElf_Addr vaddr;
	int len = dwfl_module_build_id(mod, &id, &vaddr), fd;
	const char *name = d ? d->name : file_name, *slash;

	/* A debuglink names a file, never a path ("../../etc/shadow"). */
	if (debuglink && strchr(debuglink, '/'))
		debuglink = NULL;
#ifdef HAVE_DEBUGINFOD
	if (m && (m->flags & PF_SYM_DEBUGINFOD))
		return dwfl_standard_find_debuginfo(mod, userdata, modname, base, file_name,
						    debuglink, crc, debuginfo_file_name);
#else
	(void)modname; (void)base; (void)crc;
#endif
	if ((fd = find_by_id(m, id, len, 1, debuginfo_file_name)) >= 0)
		return fd;
	if (!debuglink || !name || !(slash = strrchr(name, '/')))
		return -1;
	int dirlen = (int)(slash - name);
	const char *root = m && m->symfs ? m->symfs : "";
	char *p;
	if (asprintf(&p, "%s%.*s/%s", root, dirlen, name, debuglink) >= 0 &&
	    (fd = try_path(debuginfo_file_name, id, len, p)) >= 0)
		return fd;
	if (asprintf(&p, "%s%.*s/.debug/%s", root, dirlen, name, debuglink) >= 0 &&
	    (fd = try_path(debuginfo_file_name, id, len, p)) >= 0)
		return fd;
	if (asprintf(&p, "%s/usr/lib/debug%.*s/%s", root, dirlen, name, debuglink) >= 0 &&
	    (fd = try_path(debuginfo_file_name, id, len, p)) >= 0)
		return fd;
	return -1;
}

void dso_callbacks(Dwfl_Callbacks *cb)
{
	memset(cb, 0, sizeof *cb);
	cb->find_elf = no_elf;
	cb->find_debuginfo = find_debuginfo;
	cb->section_address = dwfl_offline_section_address;
}

static size_t hash_str(const char *s, size_t cap)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return (size_t)h & (cap - 1);
}

struct dso *dso_get(pf_machine *m, const char *name, enum dso_kind kind)
{
	struct dso *d;
	size_t h;

	if (!m->dsos_cap) {
		m->dsos = calloc(1024, sizeof *m->dsos);
		if (!m->dsos)
			return NULL;
		m->dsos_cap = 1024;
	}
	h = hash_str(name, m->dsos_cap);
	for (d = m->dsos[h]; d; d = d->next)
		if (strcmp(d->name, name) == 0)
			return d;
	d = calloc(1, sizeof *d);
	if (!d || !(d->name = strdup(name))) {
		free(d);
		return NULL;
	}
	d->kind = kind;
	d->machine = m;
	d->next = m->dsos[h];
	m->dsos[h] = d;
	return d;
}

static struct inline_index *scope_index(struct dso *d)
{
	if (!d->scopes)
		d->scopes = inline_index_new();
	return d->scopes;
}

void dso_free(struct dso *d)
{
	symtab_free(&d->st);
	inline_index_free(d->scopes);
	if (d->dwfl)
		dwfl_end(d->dwfl);
	for (size_t i = 0; i < d->cache_cap; i++) {
		struct addr_info *a = &d->cache[i];

		if (!a->addr)
			continue;
		for (int k = 0; k < a->nr_inl; k++) {
			free(a->inl[k].name);
			free(a->inl[k].srcline);
		}
		free(a->inl);
		free(a->srcline);
		free(a->leaf_srcline);
	}
	free(d->cache);
	free(d->load);
	if (d->path != d->name)
		free(d->path);
	free(d->name);
	free(d);
}

static char *maybe_demangle(pf_machine *m, const char *name)
{
	char *dm = NULL;

	if (m->flags & PF_SYM_DEMANGLE)
		dm = pf_demangle(name);
	return dm ? dm : strdup(name);
}

/* perf also keeps untyped symbols in code (assembler labels like _start). */
static int is_label(Elf *elf, int type, GElf_Word shndx)
{
	GElf_Shdr sh;
	Elf_Scn *scn;

	if (type != STT_NOTYPE || shndx == SHN_ABS || shndx >= SHN_LORESERVE)
		return 0;
	scn = elf_getscn(elf, shndx);
	return scn && gelf_getshdr(scn, &sh) && (sh.sh_flags & SHF_EXECINSTR);
}

static Elf_Scn *section(Elf *elf, const char *want, GElf_Shdr *sh)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *n;

		if (gelf_getshdr(scn, sh) && (n = elf_strptr(elf, shstrndx, sh->sh_name)) &&
		    strcmp(n, want) == 0)
			return scn;
	}
	return NULL;
}

/* "name@plt" symbols for the PLT stubs, as perf synthesizes them on x86-64:
   one 16-byte entry per .rela.plt relocation in table order, after the
   16-byte header of .plt (in .plt.sec when the binary has one). */
static int synth_plt(pf_machine *m, struct dso *d)
{
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(d->mod, &bias);
	GElf_Shdr rel_sh, plt_sh, sec_sh, dyn_sh;
	Elf_Scn *rel, *dyn;
	GElf_Ehdr eh;
	uint64_t at;
	int r = 0;

	if (!elf || !gelf_getehdr(elf, &eh) || eh.e_machine != EM_X86_64 ||
	    !(rel = section(elf, ".rela.plt", &rel_sh)) || rel_sh.sh_type != SHT_RELA ||
	    !section(elf, ".plt", &plt_sh) || !(dyn = elf_getscn(elf, rel_sh.sh_link)) ||
	    !gelf_getshdr(dyn, &dyn_sh) || dyn_sh.sh_type != SHT_DYNSYM)
		return 0;
	Elf_Data *rd = elf_getdata(rel, NULL), *sd = elf_getdata(dyn, NULL);
	size_t n = rel_sh.sh_entsize ? rel_sh.sh_size / rel_sh.sh_entsize : 0;
	if (!rd || !sd || n == 0)
		return 0;
	GElf_Rela *v = calloc(n, sizeof *v);
	if (!v)
		return -1;
	for (size_t i = 0; i < n; i++)
		gelf_getrela(rd, (int)i, &v[i]);
	/* No symbol for the header itself: perf 6.1, the perf of Debian 12,
	   prints its addresses as [unknown] (later versions call it .plt). */
	at = section(elf, ".plt.sec", &sec_sh) ? sec_sh.sh_addr : plt_sh.sh_addr + 16;
	for (size_t i = 0; i < n && r == 0; i++, at += 16) {
		GElf_Sym sym;
		const char *name = "";
		char *dm = NULL, *full;

		if (gelf_getsym(sd, (int)GELF_R_SYM(v[i].r_info), &sym))
			name = elf_strptr(elf, dyn_sh.sh_link, sym.st_name);
		if (!name)
			name = "";
		if (m->flags & PF_SYM_DEMANGLE)
			dm = pf_demangle(name);
		if (asprintf(&full, "%s@plt", dm ? dm : name) < 0)
			full = NULL;
		r = full ? symtab_add(&d->st, at, 16, full, STB_GLOBAL, NULL) : -1;
		free(full);
		free(dm);
	}
	free(v);
	return r;
}

static int load_symbols(pf_machine *m, struct dso *d)
{
	int n = dwfl_module_getsymtab(d->mod);

	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr, bias;
		GElf_Word shndx;
		Elf *elf;
		const char *name = dwfl_module_getsym_info(d->mod, i, &sym, &addr,
							   &shndx, &elf, &bias);
		int type = GELF_ST_TYPE(sym.st_info);

		if (!name || !*name || shndx == SHN_UNDEF)
			continue;
		/* Objects too, as perf loads them: the data addresses of page
		   faults (-F +addr) resolve to the variable they hit.  Not the
		   absolute ones: symbol versions (GLIBC_2.3) are objects at 0. */
		if (type != STT_FUNC && type != STT_GNU_IFUNC &&
		    !(type == STT_OBJECT && shndx != SHN_ABS) && !is_label(elf, type, shndx))
			continue;
		char *dm = maybe_demangle(m, name);
		/* libdwfl moves section symbols by the module's bias, not
		   absolute ones. */
		if (!dm || symtab_add(&d->st, shndx == SHN_ABS ? addr : addr - d->bias, sym.st_size, dm,
				      GELF_ST_BIND(sym.st_info), NULL) < 0) {
			free(dm);
			return -1;
		}
		free(dm);
	}
	if (synth_plt(m, d) < 0)
		return -1;
	symtab_finish(&d->st, 0);
	return 0;
}

static int load_segments(struct dso *d, Elf *elf)
{
	size_t nph;
	GElf_Ehdr eh;

	if (!gelf_getehdr(elf, &eh) || elf_getphdrnum(elf, &nph) != 0)
		return -1;
	d->is_exec = eh.e_type == ET_EXEC;
	d->load = calloc(nph ? nph : 1, sizeof *d->load);
	if (!d->load)
		return -1;
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD) {
			d->load[d->nr_load].off = ph.p_offset;
			d->load[d->nr_load].filesz = ph.p_filesz;
			d->load[d->nr_load].flags = ph.p_flags;
			d->load[d->nr_load++].vaddr = ph.p_vaddr;
		}
	}
	return 0;
}

/* The vDSO is no file: take the running kernel's, which is the recorded
   one when pfscript runs where the recording was made (perf keeps a copy
   in its build-id cache for the same purpose). */
static int load_vdso(pf_machine *m, struct dso *d)
{
	const unsigned char *img = (const void *)getauxval(AT_SYSINFO_EHDR);
	GElf_Ehdr eh;
	Elf *elf;
	Elf_Scn *scn = NULL;
	int r = -1;

	if (!img || memcmp(img, ELFMAG, SELFMAG) != 0)
		return -1;
	elf_version(EV_CURRENT);
	const Elf64_Ehdr *e = (const void *)img;
	size_t size = e->e_shoff + (size_t)e->e_shnum * e->e_shentsize;
	elf = elf_memory((char *)img, size);
	if (!elf || !gelf_getehdr(elf, &eh) || load_segments(d, elf) < 0)
		goto out;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNSYM ||
		    !(data = elf_getdata(scn, NULL)) || !sh.sh_entsize)
			continue;
		for (size_t i = 1; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *name;

			if (!gelf_getsym(data, (int)i, &sym) ||
			    GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF ||
			    !(name = elf_strptr(elf, sh.sh_link, sym.st_name)) || !*name)
				continue;
			if (symtab_add(&d->st, sym.st_value, sym.st_size, name,
				       GELF_ST_BIND(sym.st_info), NULL) < 0)
				goto out;
		}
	}
	symtab_finish(&d->st, 0);
	r = 0;
out:
	if (elf)
		elf_end(elf);
	(void)m;
	return r;
}

static char *hex_id(const unsigned char *id, int len, char *buf)
{
	for (int i = 0; i < len; i++)
		snprintf(buf + 2 * i, 3, "%02x", id[i]);
	buf[2 * (len > 0 ? len : 0)] = 0;
	return buf;
}

/* The file to read for D: D's own (under --symfs) when it is safe and has
   the build-id the recording saw, else a cached copy with that build-id
   (the file itself, else its debug info: symbols without code).  The
   descriptor, with D->path set; -1 and at most one warning when none. */
static int open_dso(pf_machine *m, struct dso *d)
{
	unsigned char got[20];
	char *path, want[41], now[41];
	int fd, n;

	if (asprintf(&path, "%s%s", m->symfs ? m->symfs : "", d->name) < 0)
		return -1;
	fd = elf_open_checked(path);
	if (fd < 0 && access(path, F_OK) == 0)
		machine_warn(m, "%s; no symbols from it", pf_errmsg());
	if (fd >= 0 && d->want_len &&
	    ((n = buildid_of_fd(fd, got)) != d->want_len || memcmp(got, d->want_id, (size_t)n))) {
		close(fd);
		fd = find_by_id(m, d->want_id, d->want_len, 0, &d->path);
		if (fd < 0)
			fd = find_by_id(m, d->want_id, d->want_len, 1, &d->path);
		if (fd < 0)
			machine_warn(m, "%s: not the file the recording saw (build-id %s, "
				     "recorded %s) and no copy in the build-id cache: "
				     "its frames are [unknown]", path,
				     n > 0 ? hex_id(got, n, now) : "none",
				     hex_id(d->want_id, d->want_len, want));
		free(path);
		return fd;
	}
	if (fd < 0 && d->want_len &&
	    ((fd = find_by_id(m, d->want_id, d->want_len, 0, &d->path)) >= 0 ||
	     (fd = find_by_id(m, d->want_id, d->want_len, 1, &d->path)) >= 0)) {
		free(path);
		return fd;
	}
	if (fd >= 0)
		d->path = path;
	else
		free(path);
	return fd;
}

int dso_load(pf_machine *m, struct dso *d)
{
	if (d->loaded)
		return d->st.n ? 0 : -1;
	d->loaded = 1;
	if (d->kind == DSO_PERFMAP) {
		if (perfmap_load(&d->st, d->name) < 0 && access(d->name, F_OK) == 0)
			machine_warn(m, "%s; no symbols from it", pf_errmsg());
		return d->st.n ? 0 : -1;
	}
	if (d->kind == DSO_SPECIAL && strcmp(d->name, "[vdso]") == 0)
		return load_vdso(m, d);
	if (d->kind != DSO_FILE)
		return -1;
	int fd = open_dso(m, d);
	if (fd < 0)
		return -1;
	if (!m->callbacks.find_debuginfo)
		dso_callbacks(&m->callbacks);
	d->dwfl = dwfl_begin(&m->callbacks);
	if (!d->dwfl) {
		close(fd);
		return -1;
	}
	/* dwfl owns FD from here on. */
	d->mod = dwfl_report_offline(d->dwfl, d->name, d->path, fd);
	dwfl_report_end(d->dwfl, NULL, NULL);
	if (!d->mod)
		return -1;
	/* For find_debuginfo, which gets the module's user data. */
	void **slot;
	if (dwfl_module_info(d->mod, &slot, NULL, NULL, NULL, NULL, NULL, NULL))
		*slot = d;
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(d->mod, &bias);
	if (!elf)
		return -1;
	d->bias = bias;
	if (load_segments(d, elf) < 0)
		return -1;
	return load_symbols(m, d);
}

/* As libdwfl and the dynamic loader see it: the mapping starts at the page
   of file offset PGOFF inside the segment the loader mapped there, so ELF
   address p_vaddr - p_offset + PGOFF is at START.  The segment is the one
   whose first page is PGOFF (the loader maps each from there), else the one
   covering PGOFF (a mapping split by mprotect); when two segments share the
   page (lld and mold's rodata and text, GNU ld's .eh_frame and .data), the
   one whose permissions match. */
int dso_bias(const struct dso *d, uint64_t start, uint64_t pgoff, int prot,
	     uint64_t *bias)
{
	int best = -1, best_score = 0;

	for (size_t i = 0; i < d->nr_load; i++) {
		uint64_t off = d->load[i].off, first = off & ~(uint64_t)0xfff;
		int score;

		if (pgoff < first || pgoff >= off + d->load[i].filesz)
			continue;
		score = 1 + 2 * (first == pgoff) +
			4 * (!(d->load[i].flags & PF_X) == !(prot & PROT_EXEC)) +
			4 * (!(d->load[i].flags & PF_W) == !(prot & PROT_WRITE));
		if (score > best_score) {
			best = (int)i;
			best_score = score;
		}
	}
	if (best < 0)
		return -1;
	*bias = start - (d->load[best].vaddr - d->load[best].off + pgoff);
	return 0;
}

uint64_t dso_map_vaddr(pf_machine *m, const struct map *mp, uint64_t ip)
{
	uint64_t off = ip - mp->start + mp->pgoff, bias;

	dso_load(m, mp->dso);
	if (!mp->dso->nr_load ||
	    dso_bias(mp->dso, mp->start, mp->pgoff, mp->prot, &bias) < 0)
		return off;
	return ip - bias;
}

const struct sym *dso_find(pf_machine *m, struct dso *d, uint64_t vaddr)
{
	if (dso_load(m, d) < 0)
		return NULL;
	return symtab_find(&d->st, vaddr);
}

/* "file:line" with the file's base name, as perf prints source lines. */
static char *srcline_of(const char *file, int line)
{
	char *s;

	if (!file || line <= 0)
		return NULL;
	const char *b = strrchr(file, '/');
	if (asprintf(&s, "%s:%d", b ? b + 1 : file, line) < 0)
		return NULL;
	return s;
}

static struct inline_index *scope_index(struct dso *d);

static char *addr_srcline(struct dso *d, uint64_t dwaddr)
{
	int line = 0;
	const char *file = inline_index_line(scope_index(d), d->mod, dwaddr, &line);
	Dwarf_Addr bias;

	/* In a unit without a line for it (assembly), addr2line answers
	   ":?", which perf shows as ":0". */
	if (!file) {
		Dwarf_Die *cu = inline_index_cu(scope_index(d), d->mod, dwaddr, &bias);

		return cu && dwarf_haspc(cu, dwaddr - bias) == 1 ? strdup(":0") : NULL;
	}
	return srcline_of(file, line);
}

/* A function's name as binutils' addr2line gives it (perf runs that):
   the linkage name if there is one, else DW_AT_name.  *LINKAGE tells
   which. */
static const char *die_name(Dwarf_Die *die, int *linkage)
{
	Dwarf_Attribute attr;
	const char *n;

	*linkage = 1;
	n = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &attr));
	if (!n)
		n = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &attr));
	if (n)
		return n;
	*linkage = 0;
	n = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &attr));
	if (!n) {
		Dwarf_Die origin;
		if (dwarf_formref_die(dwarf_attr(die, DW_AT_abstract_origin, &attr), &origin))
			n = dwarf_diename(&origin);
	}
	return n;
}

static int is_c(Dwarf_Die *cu)
{
	int lang = dwarf_srclang(cu);

	return lang == DW_LANG_C89 || lang == DW_LANG_C || lang == DW_LANG_C99 ||
	       lang == DW_LANG_C11;
}

static char *call_srcline(Dwarf_Die *cu, Dwarf_Die *inl)
{
	Dwarf_Attribute attr;
	Dwarf_Word file = 0, line = 0;
	Dwarf_Files *files;
	size_t nfiles;

	if (dwarf_formudata(dwarf_attr(inl, DW_AT_call_file, &attr), &file) != 0 ||
	    dwarf_formudata(dwarf_attr(inl, DW_AT_call_line, &attr), &line) != 0)
		return NULL;
	if (dwarf_getsrcfiles(cu, &files, &nfiles) != 0 || file >= nfiles)
		return NULL;
	return srcline_of(dwarf_filesrc(files, file, NULL, NULL), (int)line);
}

static int add_inl(struct addr_info *ai, char *name, char *srcline)
{
	void *p = realloc(ai->inl, (ai->nr_inl + 1) * sizeof *ai->inl);

	if (!p || !name) {
		free(name);
		free(srcline);
		return -1;
	}
	ai->inl = p;
	ai->inl[ai->nr_inl].name = name;
	ai->inl[ai->nr_inl++].srcline = srcline;
	return 0;
}

/* The name addr2line (binutils) gives a level, which perf compares with the
   symbol's: DWARF's, except that the innermost level of a non-C function
   without a linkage name is named after the ELF symbol at the address (the
   first of the largest aliases). */
static char *record_name(pf_machine *m, Dwarf_Die *cu, Dwarf_Die *die, int innermost,
			 const struct sym *s)
{
	int linkage;
	const char *nm = die_name(die, &linkage);

	if (innermost && !linkage && !is_c(cu))
		return strdup(s->alt ? s->alt : s->name);
	return maybe_demangle(m, nm ? nm : "??");
}

/* The functions inlined at VADDR, innermost first, named as perf shows
   them (it asks addr2line, which names the outermost function after the ELF
   symbol starting where it starts). */
static void find_inlines(pf_machine *m, struct dso *d, uint64_t vaddr,
			 const struct sym *s, struct addr_info *ai)
{
	Dwarf_Addr dwbias, dwaddr = vaddr + d->bias;
	Dwarf_Die *cu = inline_index_cu(scope_index(d), d->mod, dwaddr, &dwbias);
	Dwarf_Die *scopes = NULL;
	int n, i;
	char *line;

	/* No DWARF at all: perf shows "binary[address]" as the line. */
	if (!dwfl_module_getdwarf(d->mod, &dwbias)) {
		const char *b = strrchr(d->name, '/');

		if (asprintf(&ai->srcline, "%s[%" PRIx64 "]", b ? b + 1 : d->name, vaddr) < 0)
			ai->srcline = NULL;
		ai->leaf_srcline = ai->srcline ? strdup(ai->srcline) : NULL;
		return;
	}
	line = addr_srcline(d, dwaddr);
	ai->leaf_srcline = line ? strdup(line) : NULL;
	if (!s || !cu ||
	    (n = inline_index_scopes(scope_index(d), cu, dwaddr - dwbias, &scopes)) <= 0) {
		ai->srcline = line;
		return;
	}
	/* The callers an inlined function was inlined into are the physical
	   parents of its innermost instance; scopes inside it do not count. */
	for (i = 0; i < n; i++)
		if (dwarf_tag(&scopes[i]) == DW_TAG_inlined_subroutine)
			break;
	if (i == n)
		i = 0;
	for (; i < n; i++) {
		int tag = dwarf_tag(&scopes[i]);

		if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram)
			continue;
		char *name = record_name(m, cu, &scopes[i], ai->nr_inl == 0, s);
		if (tag == DW_TAG_inlined_subroutine) {
			if (add_inl(ai, name, line) < 0)
				break;
			line = call_srcline(cu, &scopes[i]);
			continue;
		}
		/* The function itself: shown as an inlined level when
		   addr2line's name for it differs from the symbol's. */
		if (name && strcmp(name, s->name) != 0) {
			ai->outer_inlined = 1;
			add_inl(ai, name, line);
			line = NULL;
		} else {
			free(name);
		}
		break;
	}
	ai->srcline = line;
	free(scopes);
}

static struct addr_info *cache_slot(struct dso *d, uint64_t key)
{
	size_t i;

	if (2 * (d->cache_n + 1) > d->cache_cap) {
		size_t cap = d->cache_cap ? d->cache_cap * 2 : 256;
		struct addr_info *v = calloc(cap, sizeof *v);

		if (!v)
			return NULL;
		for (size_t k = 0; k < d->cache_cap; k++)
			if (d->cache[k].addr) {
				for (i = (size_t)(d->cache[k].addr * 0x9E3779B97F4A7C15ULL >> 20) & (cap - 1);
				     v[i].addr; i = (i + 1) & (cap - 1))
					;
				v[i] = d->cache[k];
			}
		free(d->cache);
		d->cache = v;
		d->cache_cap = cap;
	}
	for (i = (size_t)(key * 0x9E3779B97F4A7C15ULL >> 20) & (d->cache_cap - 1);
	     d->cache[i].addr; i = (i + 1) & (d->cache_cap - 1))
		if (d->cache[i].addr == key)
			return &d->cache[i];
	return &d->cache[i];
}

const struct addr_info *dso_addr_info(pf_machine *m, struct dso *d, uint64_t vaddr,
				      const struct sym *s)
{
	struct addr_info *ai;

	if (!d->mod)
		return NULL;
	ai = cache_slot(d, vaddr + 1);
	if (!ai)
		return NULL;
	if (ai->addr)
		return ai;
	ai->addr = vaddr + 1;
	d->cache_n++;
	find_inlines(m, d, vaddr, s, ai);
	return ai;
}

/* The symbol table of a vmlinux: its text symbols as kallsyms lists them,
   moved by where the recorded kernel's _text was (KASLR). */
int vmlinux_load(pf_machine *m, struct symtab *t, const char *path, uint64_t text)
{
	int fd = elf_open_checked(path);
	Elf *elf;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	Elf_Data *data = NULL;
	uint64_t reloc = 0;
	size_t n = 0;
	int r = -1;

	if (fd < 0)
		return -1;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	while (elf && (scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB &&
		    (data = elf_getdata(scn, NULL)))
			break;
	if (!scn || !data) {
		error_set("%s: no symbol table", path);
		goto out;
	}
	n = sh.sh_size / sh.sh_entsize;
	for (size_t pass = 0; pass < 2; pass++)
		for (size_t i = 1; i < n; i++) {
			GElf_Sym sym;
			const char *name;
			int type;

			if (!gelf_getsym(data, (int)i, &sym) || sym.st_shndx == SHN_UNDEF ||
			    !(name = elf_strptr(elf, sh.sh_link, sym.st_name)) || !*name)
				continue;
			if (pass == 0) {
				if (text && strcmp(name, "_text") == 0)
					reloc = text - sym.st_value;
				continue;
			}
			type = GELF_ST_TYPE(sym.st_info);
			if (type != STT_FUNC && !is_label(elf, type, sym.st_shndx))
				continue;
			if (symtab_add(t, sym.st_value + reloc, sym.st_size, name,
				       GELF_ST_BIND(sym.st_info), NULL) < 0)
				goto out;
		}
	symtab_finish(t, 1);
	r = t->n ? 0 : -1;
	if (r < 0)
		error_set("%s: no function symbols", path);
out:
	elf_end(elf);
	close(fd);
	(void)m;
	return r;
}
