/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * DWARF unwinding of samples recorded with --call-graph dwarf: the user
 * registers and a copy of the user stack taken at the sample are handed to
 * libdwfl (dwfl_attach_state with our own thread callbacks), which walks
 * the frames with the modules' CFI.  Memory outside the copied stack is
 * read from the mapped ELF files.  One Dwfl per process is kept and
 * rebuilt only when the process's maps change, unlike perf's one per
 * sample.  x86-64 only, like the register mapping below.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "symbols/machine-int.h"
#include "symbols/files-int.h"

#if defined(__x86_64__)

/* DWARF register n (rax rdx rcx rbx rsi rdi rbp rsp r8..r15 rip) is perf
   register PERF_REG_X86_* number perf_of_dwarf[n] (asm/perf_regs.h). */
static const int perf_of_dwarf[17] = {
	0, 3, 2, 1, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23, 8,
};

struct uw_state {
	pf_machine *m;
	const struct maps *maps;
	const struct pf_sample *s;
	uint64_t sp;
	uint64_t *ips;
	int n, max;
	int beyond_stack;       /* a read past the copied stack failed */
};

static int perf_reg(const struct pf_sample *s, int reg, uint64_t *v)
{
	uint64_t mask = s->user_regs_mask;

	if (!(mask & (1ULL << reg)) || !s->user_regs)
		return -1;
	*v = s->user_regs[__builtin_popcountll(mask & ((1ULL << reg) - 1))];
	return 0;
}

static pid_t next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	if (*thread_argp)
		return 0;
	*thread_argp = arg;
	return dwfl_pid(dwfl);
}

static bool get_thread(Dwfl *dwfl, pid_t tid, void *arg, void **thread_argp)
{
	(void)dwfl;
	(void)tid;
	*thread_argp = arg;
	return true;
}

static bool read_file(struct uw_state *u, Dwarf_Addr addr, Dwarf_Word *result)
{
	const struct map *mp = maps_find(u->maps, addr);
	size_t size;

	if (!mp || mp->anon || !mp->dso->mod)
		return false;
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(mp->dso->mod, &bias);
	char *raw = elf ? elf_rawfile(elf, &size) : NULL;
	uint64_t off = addr - mp->start + mp->pgoff;
	if (!raw || off > size || size - off < 8)
		return false;
	memcpy(result, raw + off, 8);
	return true;
}

static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	struct uw_state *u = arg;
	const struct pf_sample *s = u->s;

	(void)dwfl;
	if (addr >= u->sp && addr - u->sp + 8 <= s->stack_dyn_size) {
		memcpy(result, s->stack + (addr - u->sp), 8);
		return true;
	}
	if (read_file(u, addr, result))
		return true;
	if (addr >= u->sp)
		u->beyond_stack = 1;
	return false;
}

static bool set_initial_registers(Dwfl_Thread *thread, void *arg)
{
	struct uw_state *u = arg;
	Dwarf_Word regs[17];

	for (int i = 0; i < 17; i++) {
		uint64_t v = 0;

		perf_reg(u->s, perf_of_dwarf[i], &v);
		regs[i] = v;
	}
	return dwfl_thread_state_registers(thread, 0, 17, regs);
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
	.next_thread = next_thread,
	.get_thread = get_thread,
	.memory_read = memory_read,
	.set_initial_registers = set_initial_registers,
};

/* Unwinding needs the binaries' .eh_frame, not their separate debug
   files: not opening those saves decompressing their DWARF. */
static int no_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname,
			Dwarf_Addr base, const char *file_name, const char *debuglink_file,
			GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	(void)mod; (void)userdata; (void)modname; (void)base; (void)file_name;
	(void)debuglink_file; (void)debuglink_crc; (void)debuginfo_file_name;
	return -1;
}

static const Dwfl_Callbacks proc_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = no_debuginfo,
};

static int frame_cb(Dwfl_Frame *state, void *arg)
{
	struct uw_state *u = arg;
	Dwarf_Addr pc;
	bool activation;

	if (!dwfl_frame_pc(state, &pc, &activation))
		return DWARF_CB_ABORT;
	/* A return address points after the call: look up the call itself. */
	if (!activation)
		pc--;
	u->ips[u->n++] = pc;
	return u->n < u->max ? DWARF_CB_OK : DWARF_CB_ABORT;
}

/* Report the executable file mappings of MS not yet in its Dwfl.  1 if a
   module lies where the maps now have another file (the Dwfl is stale). */
static int report_new(pf_machine *m, struct maps *ms)
{
	int stale = 0;

	dwfl_report_begin_add(ms->dwfl);
	for (const struct map *mp = maps_next(ms, NULL); mp && !stale; mp = maps_next(ms, mp)) {
		Dwfl_Module *old;
		const char *name;
		uint64_t bias;
		int fd;

		if (!(mp->prot & PROT_EXEC) || mp->dso->kind != DSO_FILE)
			continue;
		if ((old = dwfl_addrmodule(ms->dwfl, mp->start))) {
			name = dwfl_module_info(old, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
			stale = !name || strcmp(name, mp->dso->name) != 0;
			continue;
		}
		/* The bias from the program headers, not start - pgoff: lld,
		   mold and rust-lld put code at an address other than its file
		   offset. */
		dso_load(m, mp->dso);
		if (!mp->dso->mod || dso_bias(mp->dso, mp->start, mp->pgoff, PROT_READ | PROT_EXEC, &bias) < 0 ||
		    (fd = elf_open_checked(mp->dso->path)) < 0)
			continue;
		/* The module owns FD, unless it is refused (already there). */
		if (!dwfl_report_elf(ms->dwfl, mp->dso->name, mp->dso->path, fd, bias, true))
			close(fd);
	}
	dwfl_report_end(ms->dwfl, NULL, NULL);
	return stale;
}

/* The per-process Dwfl with every executable file mapping reported at its
   address.  New mappings are added as they come; each module's CFI is
   thus read once per process, not once per change of the maps. */
static Dwfl *proc_dwfl(pf_machine *m, struct maps *ms, struct uw_state *u)
{
	if (ms->dwfl && ms->dwfl_gen == ms->gen)
		return ms->dwfl;
	ms->dwfl_gen = ms->gen;
	if (ms->dwfl && report_new(m, ms) == 0)
		return ms->dwfl;
	if (ms->dwfl)
		dwfl_end(ms->dwfl);
	ms->dwfl = dwfl_begin(&proc_callbacks);
	if (!ms->dwfl)
		return NULL;
	report_new(m, ms);
	if (!dwfl_attach_state(ms->dwfl, NULL, ms->pid, &thread_callbacks, u)) {
		dwfl_end(ms->dwfl);
		ms->dwfl = NULL;
	}
	return ms->dwfl;
}

PF_EXPORT int pf_machine_unwind(pf_machine *m, const struct pf_sample *s,
				uint64_t *ips, int max)
{
	struct maps *ms = machine_maps(m, s->pid, 0);
	struct uw_state *u;
	Dwfl *dwfl;

	if (!ms || !s->user_regs || s->stack_dyn_size == 0 || max <= 0)
		return 0;
	if (!ms->uw) {
		ms->uw = calloc(1, sizeof(struct uw_state));
		if (!ms->uw)
			return 0;
	}
	u = ms->uw;
	u->m = m;
	u->maps = ms;
	u->s = s;
	u->ips = ips;
	u->n = 0;
	u->max = max;
	u->beyond_stack = 0;
	if (perf_reg(s, 7, &u->sp) < 0)
		return 0;
	dwfl = proc_dwfl(m, ms, u);
	if (!dwfl)
		return 0;
	/* When the stack copy ends before the stack does, perf's unwinder reads
	   a zero return address and shows one last frame at -1 (0 minus one);
	   do the same so that the stacks match. */
	dwfl_getthread_frames(dwfl, ms->pid, frame_cb, u);
	if (u->beyond_stack && u->n > 0 && u->n < max)
		ips[u->n++] = UINT64_MAX;
	return u->n;
}

#else

PF_EXPORT int pf_machine_unwind(pf_machine *m, const struct pf_sample *s,
				uint64_t *ips, int max)
{
	(void)m; (void)s; (void)ips; (void)max;
	return 0;
}

#endif
