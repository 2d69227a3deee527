/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The recorded machine: processes and their memory maps, threads and their
 * command names, rebuilt from side-band records in time order the way
 * perf's machine.c does (a new mapping replaces the parts of older ones it
 * overlaps; a forked process copies its parent's maps, a new thread shares
 * its process's), and address resolution on top of it.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pf/pf.h>
#include "perfdata/format.h"
#include "util/pf-int.h"
#include "symbols/machine-int.h"

PF_EXPORT pf_machine *pf_machine_new(int flags)
{
	pf_machine *m;

#ifndef HAVE_DEBUGINFOD
	if (flags & PF_SYM_DEBUGINFOD) {
		error_set("debuginfod: this build has no debuginfod support "
			  "(configure --with-debuginfod)");
		return NULL;
	}
#endif
	if (!(m = calloc(1, sizeof *m))) {
		error_set("out of memory");
		return NULL;
	}
	m->flags = flags;
	return m;
}

PF_EXPORT void pf_machine_free(pf_machine *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->procs_cap; i++)
		if (m->procs[i]) {
			if (m->procs[i]->dwfl)
				dwfl_end(m->procs[i]->dwfl);
			free(m->procs[i]->uw);
			maps_clear(m->procs[i]);
			free(m->procs[i]);
		}
	free(m->procs);
	for (size_t i = 0; i < m->threads_cap; i++)
		free(m->threads[i].comm);
	free(m->threads);
	for (size_t i = 0; i < m->dsos_cap; i++)
		for (struct dso *d = m->dsos[i], *n; d; d = n) {
			n = d->next;
			dso_free(d);
		}
	free(m->dsos);
	symtab_free(&m->kernel);
	free(m->kallsyms_path);
	free(m->vmlinux);
	free(m->symfs);
	free(m);
}

void machine_warn(pf_machine *m, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!m->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	m->warn(m->warn_arg, msg);
}

PF_EXPORT void pf_machine_set_warn(pf_machine *m, pf_machine_warn_fn *fn, void *arg)
{
	m->warn = fn;
	m->warn_arg = arg;
}

static int set_string(char **to, const char *s)
{
	char *c = s ? strdup(s) : NULL;

	if (s && !c) {
		error_set("out of memory");
		return -1;
	}
	free(*to);
	*to = c;
	return 0;
}

PF_EXPORT int pf_machine_set_symfs(pf_machine *m, const char *dir)
{
	size_t n = dir ? strlen(dir) : 0;

	/* "/" or "" is no prefix; "dir/" is "dir". */
	while (n > 0 && dir[n - 1] == '/')
		n--;
	free(m->symfs);
	m->symfs = NULL;
	if (n && !(m->symfs = strndup(dir, n))) {
		error_set("out of memory");
		return -1;
	}
	return 0;
}

PF_EXPORT int pf_machine_set_vmlinux(pf_machine *m, const char *path)
{
	if (set_string(&m->vmlinux, path) < 0)
		return -1;
	m->flags |= PF_SYM_KERNEL;
	return 0;
}

PF_EXPORT int pf_machine_add_build_id(pf_machine *m, const char *path,
				      const unsigned char *id, size_t len)
{
	struct dso *d;

	/* [kernel.kallsyms], [vdso]: no file of that name to check. */
	if (!path || path[0] != '/' || len == 0)
		return 0;
	if (!(d = dso_get(m, path, DSO_FILE))) {
		error_set("out of memory");
		return -1;
	}
	if (d->kind != DSO_FILE || d->loaded)
		return 0;
	d->want_len = (int)(len > sizeof d->want_id ? sizeof d->want_id : len);
	memcpy(d->want_id, id, (size_t)d->want_len);
	return 0;
}

PF_EXPORT int pf_machine_use_recording(pf_machine *m, pf_perfdata *pd)
{
	size_t size, pos = 0;
	const unsigned char *p = pf_perfdata_feature(pd, HEADER_BUILD_ID, &size);

	while (p && size - pos >= sizeof(struct perfdata_build_id_event)) {
		struct perfdata_build_id_event b;
		size_t n, len = PERFDATA_BUILD_ID_SIZE;

		/* Feature data need not be aligned: the fixed part from a copy. */
		memcpy(&b, p + pos, sizeof b);
		n = b.header.size;
		if (n <= sizeof b || n > size - pos)
			break;
		if (b.header.misc & PERFDATA_MISC_BUILD_ID_SIZE)
			len = b.build_id[PERFDATA_BUILD_ID_SIZE] < len ?
			      b.build_id[PERFDATA_BUILD_ID_SIZE] : len;
		char *name = strndup((const char *)p + pos + sizeof b, n - sizeof b);
		int rc = name ? pf_machine_add_build_id(m, name, b.build_id, len) : -1;
		free(name);
		if (rc < 0) {
			error_set("out of memory");
			return -1;
		}
		pos += n;
	}
	return 0;
}

PF_EXPORT int pf_machine_set_kallsyms(pf_machine *m, const char *path)
{
	free(m->kallsyms_path);
	m->kallsyms_path = strdup(path);
	m->flags |= PF_SYM_KERNEL;
	return m->kallsyms_path ? 0 : -1;
}

static size_t hash_int(int k, size_t cap)
{
	return ((uint32_t)k * 2654435761u) & (cap - 1);
}

/* Open hash of processes by pid. */
struct maps *machine_maps(pf_machine *m, int pid, int create)
{
	size_t i;

	if (m->procs_cap) {
		for (i = hash_int(pid, m->procs_cap); m->procs[i]; i = (i + 1) & (m->procs_cap - 1))
			if (m->procs[i]->pid == pid)
				return m->procs[i];
	}
	if (!create)
		return NULL;
	if (2 * (m->procs_n + 1) > m->procs_cap) {
		size_t cap = m->procs_cap ? m->procs_cap * 2 : 64;
		struct maps **v = calloc(cap, sizeof *v);

		if (!v)
			return NULL;
		for (size_t k = 0; k < m->procs_cap; k++)
			if (m->procs[k]) {
				for (i = hash_int(m->procs[k]->pid, cap); v[i]; i = (i + 1) & (cap - 1))
					;
				v[i] = m->procs[k];
			}
		free(m->procs);
		m->procs = v;
		m->procs_cap = cap;
	}
	struct maps *ms = calloc(1, sizeof *ms);
	if (!ms)
		return NULL;
	ms->pid = pid;
	for (i = hash_int(pid, m->procs_cap); m->procs[i]; i = (i + 1) & (m->procs_cap - 1))
		;
	m->procs[i] = ms;
	m->procs_n++;
	return ms;
}

static size_t thread_slot(pf_machine *m, int tid, int create)
{
	size_t i;

	if (create && 2 * (m->threads_n + 1) > m->threads_cap) {
		size_t cap = m->threads_cap ? m->threads_cap * 2 : 256;
		struct thread *v = calloc(cap, sizeof *v);

		if (!v)
			return SIZE_MAX;
		for (size_t k = 0; k < m->threads_cap; k++)
			if (m->threads[k].comm) {
				for (i = hash_int(m->threads[k].tid, cap); v[i].comm;
				     i = (i + 1) & (cap - 1))
					;
				v[i] = m->threads[k];
			}
		free(m->threads);
		m->threads = v;
		m->threads_cap = cap;
	}
	if (!m->threads_cap)
		return SIZE_MAX;
	for (i = hash_int(tid, m->threads_cap); m->threads[i].comm; i = (i + 1) & (m->threads_cap - 1))
		if (m->threads[i].tid == tid)
			return i;
	return create ? i : SIZE_MAX;
}

static int set_comm(pf_machine *m, int tid, const char *comm)
{
	size_t i = thread_slot(m, tid, 1);
	char *c;

	if (i == SIZE_MAX || !(c = strdup(comm)))
		return -1;
	if (m->threads[i].comm)
		free(m->threads[i].comm);
	else
		m->threads_n++;
	m->threads[i].tid = tid;
	m->threads[i].comm = c;
	return 0;
}

PF_EXPORT const char *pf_machine_comm(pf_machine *m, int pid, int tid)
{
	size_t i = thread_slot(m, tid, 0);

	(void)pid;
	if (i != SIZE_MAX)
		return m->threads[i].comm;
	if (tid == 0)
		return "swapper";       /* perf's name for the idle task */
	snprintf(m->tmp, sizeof m->tmp, ":%d", tid);
	return m->tmp;
}

static int is_anon(const char *f)
{
	return strcmp(f, "//anon") == 0 || strncmp(f, "/dev/zero", 9) == 0 ||
	       strncmp(f, "/anon_hugepage", 14) == 0;
}

static int no_dso(const char *f)
{
	return strncmp(f, "[stack", 6) == 0 || strncmp(f, "/SYSV", 5) == 0 ||
	       strcmp(f, "[heap]") == 0;
}

static int add_mmap(pf_machine *m, int pid, uint64_t start, uint64_t len,
		    uint64_t pgoff, uint32_t prot, uint32_t flags,
		    const char *filename, int cpumode)
{
	struct maps *ms;
	struct map nm = { start, start + len, pgoff, prot, flags, NULL, 0 };
	char buf[64];
	enum dso_kind kind = DSO_FILE;

	/* The kernel's text, for a vmlinux: perf names it
	   "[kernel.kallsyms]_text" and maps it where _text is. */
	if (cpumode == PERF_RECORD_MISC_KERNEL &&
	    strncmp(filename, "[kernel.kallsyms]", 17) == 0 && !m->kernel_text)
		m->kernel_text = start;
	if (cpumode == PERF_RECORD_MISC_KERNEL || pid == -1 || len == 0 || start + len < start)
		return 0;               /* the kernel comes from kallsyms */
	int anon = is_anon(filename) || (flags & MAP_HUGETLB);
	if ((anon || no_dso(filename)) && (prot & PROT_EXEC)) {
		snprintf(buf, sizeof buf, "/tmp/perf-%d.map", pid);
		filename = buf;
		kind = DSO_PERFMAP;
	} else if (anon || no_dso(filename) || filename[0] == '[') {
		kind = DSO_SPECIAL;
	}
	nm.anon = anon;
	nm.dso = dso_get(m, filename, kind);
	if (!nm.dso || !(ms = machine_maps(m, pid, 1)))
		return -1;
	return maps_insert(ms, &nm);
}

static int fork_process(pf_machine *m, int pid, int ppid, int tid, int ptid)
{
	size_t i = thread_slot(m, ptid, 0);

	/* The children of the idle task (init, kthreadd) start as "swapper". */
	if (i != SIZE_MAX || ptid == 0) {
		char *c = strdup(i != SIZE_MAX ? m->threads[i].comm : "swapper");
		if (!c || set_comm(m, tid, c) < 0) {
			free(c);
			return -1;
		}
		free(c);
	}
	if (pid == ppid)
		return 0;               /* a thread: shares its process's maps */
	struct maps *parent = machine_maps(m, ppid, 0);
	struct maps *child = machine_maps(m, pid, 1);
	if (!child)
		return -1;
	if (!parent) {
		maps_clear(child);
		return 0;
	}
	child->gen++;
	return maps_copy(child, parent);
}

static int32_t rd32(const unsigned char *p)
{
	int32_t v;

	memcpy(&v, p, 4);
	return v;
}

static const char *str_at(const unsigned char *rec, size_t off, size_t size,
			  char *buf, size_t bufsize)
{
	size_t n = 0;

	while (off + n < size && rec[off + n] && n + 1 < bufsize)
		n++;
	memcpy(buf, rec + off, n);
	buf[n] = 0;
	return buf;
}

PF_EXPORT int pf_machine_record(pf_machine *m, const struct pf_record *rec)
{
	const unsigned char *p = rec->data;
	char name[4096];
	int cpumode = rec->misc & PERF_RECORD_MISC_CPUMODE_MASK;

	switch (rec->type) {
	case PERF_RECORD_MMAP:
		if (rec->size < 41)
			return 0;
		return add_mmap(m, rd32(p + 8), load_u64(p + 16), load_u64(p + 24), load_u64(p + 32),
				PROT_EXEC, 0, str_at(p, 40, rec->size, name, sizeof name),
				cpumode);
	case PERF_RECORD_MMAP2:
		if (rec->size < 73)
			return 0;
		/* perf record --buildid-mmap: the id instead of the inode. */
		if ((rec->misc & PERF_RECORD_MISC_MMAP_BUILD_ID) && p[40] &&
		    pf_machine_add_build_id(m, str_at(p, 72, rec->size, name, sizeof name),
					    p + 44, p[40] > 20 ? 20 : p[40]) < 0)
			return -1;
		return add_mmap(m, rd32(p + 8), load_u64(p + 16), load_u64(p + 24), load_u64(p + 32),
				(uint32_t)rd32(p + 64), (uint32_t)rd32(p + 68),
				str_at(p, 72, rec->size, name, sizeof name), cpumode);
	case PERF_RECORD_COMM:
		if (rec->size < 17)
			return 0;
		return set_comm(m, rd32(p + 12), str_at(p, 16, rec->size, name, 64));
	case PERF_RECORD_FORK:
		if (rec->size < 24)
			return 0;
		return fork_process(m, rd32(p + 8), rd32(p + 12), rd32(p + 16), rd32(p + 20));
	}
	return 0;
}

static int resolve_kernel(pf_machine *m, uint64_t ip, struct pf_frame *f)
{
	if (!m->kernel_tried) {
		m->kernel_tried = 1;
		if (m->vmlinux && vmlinux_load(m, &m->kernel, m->vmlinux, m->kernel_text) < 0)
			machine_warn(m, "%s; kernel symbols from kallsyms", pf_errmsg());
		if (m->flags & PF_SYM_KERNEL && !m->kernel.n)
			kallsyms_load(&m->kernel, m->kallsyms_path ? m->kallsyms_path
								    : "/proc/kallsyms");
	}
	f->addr = f->elf_addr = ip;
	f->dso = "[kernel.kallsyms]";
	const struct sym *s = symtab_find(&m->kernel, ip);
	if (s) {
		f->sym = s->name;
		f->symoff = ip - s->start;
		if (s->module)
			f->dso = s->module;
	}
	return 1;
}

PF_EXPORT int pf_machine_resolve(pf_machine *m, int pid, unsigned cpumode, uint64_t ip,
				 int inlines, struct pf_frame *out, int max)
{
	struct pf_frame *f = out;
	const struct map *mp;
	const struct sym *s;
	uint64_t off, vaddr;

	if (max <= 0)
		return 0;
	memset(f, 0, sizeof *f);
	f->ip = f->addr = ip;
	if (cpumode == PERF_RECORD_MISC_KERNEL || cpumode == PERF_RECORD_MISC_GUEST_KERNEL)
		return resolve_kernel(m, ip, f);
	mp = maps_find(machine_maps(m, pid, 0), ip);
	if (!mp)
		return 1;
	f->dso = mp->dso->name;
	/* Anonymous memory, stacks, the heap and SysV segments are addressed
	   as they are (perf's identity map). */
	int identity = mp->anon || (mp->dso->kind == DSO_SPECIAL && no_dso(mp->dso->name));
	off = identity ? ip : ip - mp->start + mp->pgoff;
	f->addr = off;
	vaddr = identity ? ip : dso_map_vaddr(m, mp, ip);
	s = dso_find(m, mp->dso, vaddr);
	f->elf_addr = vaddr;
	if (!s) {
		const struct addr_info *ai;

		if ((m->flags & PF_SYM_SRCLINE) && (ai = dso_addr_info(m, mp->dso, vaddr, NULL)))
			f->srcline = ai->leaf_srcline;
		return 1;
	}
	f->sym = s->name;
	f->symoff = vaddr - s->start;
	if (!inlines && !(m->flags & PF_SYM_SRCLINE))
		return 1;
	const struct addr_info *ai = dso_addr_info(m, mp->dso, vaddr, s);
	if (!ai)
		return 1;
	struct pf_frame base = *f;
	int n = 0;
	if (inlines) {
		for (int i = 0; i < ai->nr_inl && n < max - 1; i++, n++) {
			out[n] = base;
			out[n].sym = ai->inl[i].name;
			out[n].srcline = ai->inl[i].srcline;
			/* perf shows a level named like the symbol as the symbol. */
			out[n].inlined = strcmp(ai->inl[i].name, base.sym) != 0;
		}
	}
	if (inlines && ai->outer_inlined)
		return n;
	out[n] = base;
	/* Not expanded, a frame's line is the address's own (addr2line's
	   first answer), even inside an inlined function. */
	out[n].srcline = inlines ? ai->srcline : ai->leaf_srcline;
	return n + 1;
}

PF_EXPORT const char *pf_machine_data_map(pf_machine *m, int pid, uint64_t addr)
{
	const struct map *mp = maps_find(machine_maps(m, pid, 0), addr);

	if (!mp)
		return NULL;
	if (mp->anon)
		return "[anon]";
	if (mp->dso->kind == DSO_PERFMAP)
		return "[anon]";
	return mp->dso->name;
}

PF_EXPORT const void *pf_machine_maps_key(pf_machine *m, int pid, unsigned *gen)
{
	const struct maps *ms = machine_maps(m, pid, 0);

	*gen = ms ? ms->gen : 0;
	return ms;
}
