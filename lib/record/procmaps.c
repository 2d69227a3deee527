/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What already runs, described from /proc the way perf synthesizes it: a
 * PERF_RECORD_COMM per thread and a PERF_RECORD_MMAP2 per mapping of
 * /proc/PID/maps, plus the kernel's own text mapping.  The kernel reports
 * only what happens after the events are opened; without these records
 * nothing of a process attached with -p or -a could be symbolized.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "util/pf-int.h"
#include "record/capture-int.h"

/* The sample_id trailer of a synthesized record: the task, nothing else
   (time 0 sorts it before every real event; id 0 means the first event). */
static void fill_id(unsigned char *p, uint64_t t, pid_t pid, pid_t tid)
{
	memset(p, 0, pdw_id_hdr_size(t));
	if (t & PERF_SAMPLE_TID) {
		uint32_t v[2] = { pid, tid };
		memcpy(p, v, 8);
	}
}

static int emit(const struct synth *s, uint32_t type, uint16_t misc, const void *body,
		size_t body_len, const char *str, pid_t pid, pid_t tid)
{
	size_t slen = strlen(str) + 1;
	size_t spad = (slen + 7) & ~(size_t)7;
	size_t idl = pdw_id_hdr_size(s->sample_type);
	size_t size = sizeof(struct perf_event_header) + body_len + spad + idl;
	unsigned char *p = pdw_reserve(s->w, size);
	struct perf_event_header h = { type, misc, size };

	if (!p)
		return -1;
	memcpy(p, &h, sizeof h);
	memcpy(p + sizeof h, body, body_len);
	memcpy(p + sizeof h + body_len, str, slen);
	memset(p + sizeof h + body_len + slen, 0, spad - slen);
	fill_id(p + sizeof h + body_len + spad, s->sample_type, pid, tid);
	return 0;
}

int synth_comm(const struct synth *s, pid_t pid, pid_t tid, const char *comm)
{
	uint32_t ids[2] = { pid, tid };

	return emit(s, PERF_RECORD_COMM, 0, ids, sizeof ids, comm, pid, tid);
}

/* struct perf_record_mmap2 up to the file name. */
struct mmap2_body {
	uint32_t pid, tid;
	uint64_t start, len, pgoff;
	uint32_t maj, min;
	uint64_t ino, ino_generation;
	uint32_t prot, flags;
};

static int synth_maps(const struct synth *s, pid_t pid)
{
	char path[64], line[4096 + 256];
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;       /* gone meanwhile */
	while (rc == 0 && fgets(line, sizeof line, f)) {
		struct mmap2_body m = { .pid = pid, .tid = pid };
		uint64_t start, end, off, ino;
		unsigned maj, min;
		char perm[8];
		int name_at = 0;

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %x:%x %" SCNu64 " %n",
			   &start, &end, perm, &off, &maj, &min, &ino, &name_at) < 7)
			continue;
		char *name = line + name_at;
		name[strcspn(name, "\n")] = 0;
		if (!*name)
			name = "//anon";
		if (perm[2] != 'x' && !s->with_data)
			continue;
		m.start = start;
		m.len = end - start;
		m.pgoff = off;
		m.maj = maj;
		m.min = min;
		m.ino = ino;
		m.prot = (perm[0] == 'r' ? PROT_READ : 0) | (perm[1] == 'w' ? PROT_WRITE : 0)
			| (perm[2] == 'x' ? PROT_EXEC : 0);
		m.flags = perm[3] == 's' ? MAP_SHARED : MAP_PRIVATE;
		rc = emit(s, PERF_RECORD_MMAP2,
			  perm[2] == 'x' ? PERF_RECORD_MISC_USER : PERF_RECORD_MISC_USER | PERF_RECORD_MISC_MMAP_DATA,
			  &m, sizeof m, name, pid, pid);
		if (rc == 0 && s->saw_dso && name[0] == '/' && perm[2] == 'x')
			s->saw_dso(s->arg, name);
	}
	fclose(f);
	return rc;
}

static int read_comm(pid_t pid, pid_t tid, char *comm, size_t size)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/task/%d/comm", (int)pid, (int)tid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	if (!fgets(comm, size, f))
		comm[0] = 0;
	comm[strcspn(comm, "\n")] = 0;
	fclose(f);
	return 0;
}

int synth_process(const struct synth *s, pid_t pid, pid_t tid)
{
	char path[64], comm[64];
	struct dirent *d;
	DIR *dir;
	int rc = 0;

	if (tid > 0) {
		if (read_comm(pid, tid, comm, sizeof comm) == 0)
			rc = synth_comm(s, pid, tid, comm);
		return rc ? rc : synth_maps(s, pid);
	}
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return 0;
	while (rc == 0 && (d = readdir(dir))) {
		if (!isdigit((unsigned char)d->d_name[0]))
			continue;
		pid_t t = atoi(d->d_name);
		if (read_comm(pid, t, comm, sizeof comm) == 0)
			rc = synth_comm(s, pid, t, comm);
	}
	closedir(dir);
	return rc ? rc : synth_maps(s, pid);
}

int synth_all(const struct synth *s)
{
	struct dirent *d;
	DIR *dir = opendir("/proc");
	int rc = 0;

	if (!dir) {
		error_set_errno(errno, "/proc");
		return -1;
	}
	while (rc == 0 && (d = readdir(dir))) {
		if (isdigit((unsigned char)d->d_name[0]))
			rc = synth_process(s, atoi(d->d_name), 0);
	}
	closedir(dir);
	return rc;
}

/* The parent of pid from /proc/PID/stat ("pid (comm) state ppid ..."). */
static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512];
	FILE *f;
	pid_t ppid = 0;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "re")))
		return 0;
	if (fgets(buf, sizeof buf, f)) {
		const char *p = strrchr(buf, ')');

		if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
			ppid = 0;
	}
	fclose(f);
	return ppid;
}

int synth_tree(const struct synth *s, pid_t root)
{
	struct dirent *d;
	DIR *dir = opendir("/proc");
	int rc = synth_process(s, root, 0);

	if (!dir)
		return rc;
	while (rc == 0 && (d = readdir(dir))) {
		pid_t pid = isdigit((unsigned char)d->d_name[0]) ? atoi(d->d_name) : 0, p = pid;

		if (pid <= 0 || pid == root)
			continue;
		/* A descendant: root is on its way up to init. */
		for (int depth = 0; p > 1 && p != root && depth < 64; depth++)
			p = parent_of(p);
		if (p == root)
			rc = synth_process(s, pid, 0);
	}
	closedir(dir);
	return rc;
}

/* The kernel's text as perf describes it: pid -1, from _text to the top of
   the address space, pgoff the address of _text (perf's ref_reloc_sym). */
int synth_kernel_mmap(const struct synth *s)
{
	struct { uint32_t pid, tid; uint64_t start, len, pgoff; } m = { (uint32_t)-1, 0, 0, 0, 0 };
	char line[512];
	FILE *f = fopen("/proc/kallsyms", "re");
	uint64_t text = 0;

	if (f) {
		while (fgets(line, sizeof line, f)) {
			uint64_t addr;
			char type, name[256];

			if (sscanf(line, "%" SCNx64 " %c %255s", &addr, &type, name) == 3 &&
			    strcmp(name, "_text") == 0) {
				text = addr;
				break;
			}
		}
		fclose(f);
	}
	if (text == 0)
		return 0;       /* addresses hidden (kptr_restrict): nothing to say */
	m.start = text;
	m.len = ~0ULL - text;
	m.pgoff = text;
	return emit(s, PERF_RECORD_MMAP, PERF_RECORD_MISC_KERNEL, &m, sizeof m,
		    "[kernel.kallsyms]_text", -1, 0);
}
