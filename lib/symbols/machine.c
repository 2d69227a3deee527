/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The recorded machine: processes and their memory maps, threads and their
 * command names, rebuilt from side-band records in time order the way
 * perf's machine.c does (a new mapping replaces the parts of older ones it
 * overlaps; a forked process copies its parent's maps, a new thread shares
 * its process's), and address resolution on top of it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "symbols/machine-int.h"

PF_EXPORT pf_machine *pf_machine_new(int flags)
{
	pf_machine *m = calloc(1, sizeof *m);

	if (!m) {
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
			free(m->procs[i]->v);
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
	free(m);
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

const struct map *maps_find(const struct maps *ms, uint64_t addr)
{
	size_t lo = 0, hi;

	if (!ms)
		return NULL;
	hi = ms->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ms->v[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && addr < ms->v[lo - 1].end)
		return &ms->v[lo - 1];
	return NULL;
}

static int maps_reserve(struct maps *ms, size_t extra)
{
	if (ms->n + extra <= ms->cap)
		return 0;
	size_t cap = ms->cap ? ms->cap * 2 : 32;
	while (cap < ms->n + extra)
		cap *= 2;
	void *p = mem_realloc(ms->v, cap * sizeof *ms->v);
	if (!p)
		return -1;
	ms->v = p;
	ms->cap = cap;
	return 0;
}

/* Insert NM, cutting away what older maps had in its range. */
static int maps_insert(struct maps *ms, const struct map *nm)
{
	size_t i, out = 0;
	struct map keep[2];
	int nkeep;

	if (maps_reserve(ms, 3) < 0)
		return -1;
	struct map *tmp = malloc((ms->n + 3) * sizeof *tmp);
	if (!tmp)
		return -1;
	for (i = 0; i < ms->n; i++) {
		struct map *o = &ms->v[i];

		if (o->end <= nm->start || o->start >= nm->end) {
			tmp[out++] = *o;
			continue;
		}
		nkeep = 0;
		if (o->start < nm->start) {
			keep[nkeep] = *o;
			keep[nkeep++].end = nm->start;
		}
		if (o->end > nm->end) {
			keep[nkeep] = *o;
			keep[nkeep].start = nm->end;
			if (!o->anon)
				keep[nkeep].pgoff += nm->end - o->start;
			nkeep++;
		}
		for (int k = 0; k < nkeep; k++)
			tmp[out++] = keep[k];
	}
	/* Keep the array sorted by start. */
	for (i = out; i > 0 && tmp[i - 1].start > nm->start; i--)
		tmp[i] = tmp[i - 1];
	tmp[i] = *nm;
	out++;
	if (maps_reserve(ms, out > ms->n ? out - ms->n : 0) < 0) {
		free(tmp);
		return -1;
	}
	memcpy(ms->v, tmp, out * sizeof *tmp);
	ms->n = out;
	ms->gen++;
	free(tmp);
	return 0;
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
	child->n = 0;
	child->gen++;
	if (parent && parent->n) {
		if (maps_reserve(child, parent->n) < 0)
			return -1;
		memcpy(child->v, parent->v, parent->n * sizeof *parent->v);
		child->n = parent->n;
	}
	return 0;
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
		if (m->flags & PF_SYM_KERNEL)
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
	vaddr = off;
	s = dso_find(m, mp->dso, off, &vaddr);
	f->elf_addr = identity ? ip : vaddr;
	if (!s) {
		const struct addr_info *ai;

		if ((m->flags & PF_SYM_SRCLINE) && (ai = dso_addr_info(m, mp->dso, off, NULL)))
			f->srcline = ai->leaf_srcline;
		return 1;
	}
	f->sym = s->name;
	f->symoff = vaddr - s->start;
	if (!inlines && !(m->flags & PF_SYM_SRCLINE))
		return 1;
	const struct addr_info *ai = dso_addr_info(m, mp->dso, off, s);
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
