/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A recording as the Firefox Profiler's Gecko profile (JSON), pinned at
 * format version 31: the shape of src/types/gecko-profile.ts in
 * firefox-devtools/profiler, which the profiler upgrades and processes on
 * import.  One thread per recorded thread (name, pid, tid), one sample per
 * event with its time in milliseconds since meta.startTime, and per thread
 * a string table, a frame table (categories Kernel, User, JIT) and a stack
 * table, all interned.  COMM and EXIT records and lost-sample records are
 * instant markers, off-CPU samples also interval markers over the time the
 * thread was blocked: Gecko samples have no weight column.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include <pf/demangle.h>
#include "util/pf-int.h"
#include "util/arena.h"
#include "util/hash-int.h"
#include "util/table.h"
#include "perfdata/format.h"
#include "export/export-int.h"

#define GECKO_VERSION 31

enum { CAT_OTHER, CAT_KERNEL, CAT_USER, CAT_JIT };

/* (a, b) -> index: frames (string, category) and stacks (prefix + 1, frame). */
struct pair_ent {
	struct table_entry h;
	uint64_t a, b;
	size_t index;
};

struct marker {
	size_t name;			/* string */
	uint64_t start, end;		/* ns; end 0: instant */
	int cat;
	char *text;			/* payload field, JSON-ready text */
	const char *key;
	uint64_t number;
};

struct gthread {
	int pid, tid;
	char *name;			/* arena */
	struct strmap strings;
	const char **str;
	size_t nr_str, str_cap;
	struct table frames, stacks;
	uint64_t *frame_tab;		/* (string << 8 | category) per frame */
	size_t nr_frame, frame_cap;
	uint64_t *stack_tab;		/* (prefix + 1) << 32 | frame */
	size_t nr_stack, stack_cap;
	uint64_t *smp;			/* (stack, time) pairs */
	size_t nr_smp, smp_cap;
	struct marker *mk;
	size_t nr_mk, mk_cap;
	uint64_t first;			/* time of its first event */
};

struct gecko {
	struct arena arena;
	struct table by_tid;		/* tid -> thread index */
	struct gthread *th;
	size_t nr_th, th_cap;
	uint64_t base;			/* ns of the first event; UINT64_MAX */
	uint64_t wall_ms_base;		/* wall clock there, ms; 0: unknown */
	uint64_t clock_wall, clock_ref;
	int last_thread;		/* of the last sample, -1 */
	int frames_idx[EX_MAX_FRAMES];
};

static int begin(pf_export *x)
{
	struct gecko *g = calloc(1, sizeof *g);

	if (!g || (x->state = g, table_init(&g->by_tid, sizeof(struct pair_ent), 64) < 0)) {
		error_set("out of memory");
		return -1;
	}
	g->base = UINT64_MAX;
	g->last_thread = -1;
	return 0;
}

static struct pair_ent *pair_find(struct table *t, uint64_t a, uint64_t b, int *found)
{
	uint64_t h = table_hash_u64(a * 0x9E3779B97F4A7C15ULL ^ b);
	struct pair_ent *e;
	int grown;

	TABLE_PROBE(t, h, e)
		if (e->h.hash == h && e->a == a && e->b == b) {
			*found = 1;
			return e;
		}
	*found = 0;
	if ((grown = table_reserve(t)) < 0)
		return NULL;
	if (grown)
		TABLE_PROBE(t, h, e)
			;
	e->h.hash = h;
	e->a = a;
	e->b = b;
	table_filled(t);
	return e;
}

static int64_t th_string(struct gecko *g, struct gthread *t, const char *s)
{
	size_t len = strlen(s);
	struct strmap_entry *e = strmap_find(&t->strings, s, len);
	char *copy;

	if (e)
		return (int64_t)e->value;
	if (GROW(t->str, t->str_cap, t->nr_str + 1) < 0 ||
	    !(copy = arena_strndup(&g->arena, s, len)) ||
	    strmap_put(&t->strings, copy, len, t->nr_str) < 0)
		return -1;
	t->str[t->nr_str] = copy;
	return (int64_t)t->nr_str++;
}

/* The thread TID of process PID, made when new. */
static struct gthread *thread_of(pf_export *x, struct gecko *g, int pid, int tid, uint64_t time)
{
	int found;
	struct pair_ent *e = pair_find(&g->by_tid, (uint64_t)(uint32_t)tid, 0, &found);
	struct gthread *t;

	if (!e)
		return NULL;
	if (found) {
		t = &g->th[e->index];
		if (t->pid < 0 && pid >= 0)
			t->pid = pid;
		return t;
	}
	e->index = g->nr_th;
	if (GROW(g->th, g->th_cap, g->nr_th + 1) < 0)
		return NULL;
	t = &g->th[g->nr_th++];
	memset(t, 0, sizeof *t);
	t->pid = pid;
	t->tid = tid;
	t->first = time;
	t->name = arena_strndup(&g->arena, "", 0);
	if (x->m && tid >= 0) {
		const char *c = pf_machine_comm(x->m, pid, tid);
		t->name = arena_strndup(&g->arena, c, strlen(c));
	}
	if (!t->name || strmap_init(&t->strings) < 0 ||
	    table_init(&t->frames, sizeof(struct pair_ent), 64) < 0 ||
	    table_init(&t->stacks, sizeof(struct pair_ent), 64) < 0)
		return NULL;
	return t;
}

static void see_time(struct gecko *g, uint64_t time)
{
	if (time != UINT64_MAX && g->base == UINT64_MAX)
		g->base = time;
}

static int category(const struct ex_sample *es, const struct pf_frame *fr, int group)
{
	size_t n;

	if (group < 0)
		return CAT_OTHER;
	if (es->raw[group].mode == PERF_RECORD_MISC_KERNEL ||
	    es->raw[group].mode == PERF_RECORD_MISC_GUEST_KERNEL)
		return CAT_KERNEL;
	if (fr->dso && (n = strlen(fr->dso)) > 14 && !strncmp(fr->dso, "/tmp/perf-", 10) &&
	    !strcmp(fr->dso + n - 4, ".map"))
		return CAT_JIT;
	return CAT_USER;
}

/* A frame's name: its function (demangled unless told not to), else its
   binary's base name in brackets as folded stacks show it. */
static int64_t frame_name(pf_export *x, struct gecko *g, struct gthread *t,
			  const struct pf_frame *fr)
{
	char buf[300];
	char *dm;
	int64_t s;

	if (fr->sym) {
		if (!(x->so->flags & PF_SCRIPTPRINT_DEMANGLE) || !(dm = pf_demangle(fr->sym)))
			return th_string(g, t, fr->sym);
		s = th_string(g, t, dm);
		free(dm);
		return s;
	}
	const char *base = fr->dso ? strrchr(fr->dso, '/') : NULL;
	snprintf(buf, sizeof buf, "[%s]", base ? base + 1 : fr->dso ? fr->dso : "unknown");
	return th_string(g, t, buf);
}

/* Marker M named NAME on thread T; -1 (error set) when out of memory. */
static int add_marker(struct gecko *g, struct gthread *t, const char *name, struct marker *m)
{
	int64_t s = th_string(g, t, name);

	if (s < 0 || GROW(t->mk, t->mk_cap, t->nr_mk + 1) < 0) {
		error_set("out of memory");
		return -1;
	}
	m->name = (size_t)s;
	t->mk[t->nr_mk++] = *m;
	return 0;
}

static int sample(pf_export *x, const struct ex_sample *es)
{
	struct gecko *g = x->state;
	const struct pf_sample *s = es->s;
	struct gthread *t;
	int n, found;
	uint64_t prefix = 0;		/* stack index + 1; 0: none */

	see_time(g, s->time);
	if (!(t = thread_of(x, g, s->pid, s->tid, s->time)))
		goto oom;
	g->last_thread = (int)(t - g->th);
	n = ex_frames(x, es, g->frames_idx);
	for (int i = n - 1; i >= 0; i--) {
		const struct pf_frame *fr = &x->frames[i];
		int64_t name = frame_name(x, g, t, fr);
		int cat = category(es, fr, g->frames_idx[i]);
		struct pair_ent *f, *st;

		if (name < 0 || !(f = pair_find(&t->frames, (uint64_t)name, (uint64_t)cat, &found)))
			goto oom;
		if (!found) {
			if (GROW(t->frame_tab, t->frame_cap, t->nr_frame + 1) < 0)
				goto oom;
			f->index = t->nr_frame;
			t->frame_tab[t->nr_frame++] = (uint64_t)name << 8 | (uint64_t)cat;
		}
		if (!(st = pair_find(&t->stacks, prefix, f->index, &found)))
			goto oom;
		if (!found) {
			if (GROW(t->stack_tab, t->stack_cap, t->nr_stack + 1) < 0)
				goto oom;
			st->index = t->nr_stack;
			t->stack_tab[t->nr_stack++] = prefix << 32 | f->index;
		}
		prefix = st->index + 1;
	}
	if (GROW(t->smp, t->smp_cap, t->nr_smp + 2) < 0)
		goto oom;
	t->smp[t->nr_smp++] = prefix;
	t->smp[t->nr_smp++] = s->time;
	if (!strcmp(s->evsel->name, "offcpu-time") && s->period && s->time >= s->period) {
		struct marker m = { 0, s->time - s->period, s->time, CAT_OTHER, NULL, "ns", s->period };

		return add_marker(g, t, "off-CPU", &m);
	}
	return 0;
oom:
	error_set("out of memory");
	return -1;
}

static int start(pf_export *x)
{
	struct gecko *g = x->state;
	size_t size;
	const unsigned char *cd = pf_perfdata_feature(x->pd, HEADER_CLOCK_DATA, &size);

	if (cd && size >= 24 && load_u32(cd) >= 1 && !g->clock_wall) {
		g->clock_wall = load_u64(cd + 8);
		g->clock_ref = load_u64(cd + 16);
	}
	return 0;
}

/* COMM and EXIT of a thread, and lost samples, as instant markers. */
static int record(pf_export *x, const struct pf_record *rec)
{
	struct gecko *g = x->state;
	const char *p = rec->data;
	struct marker m = { 0 };
	struct gthread *t;
	int pid = -1, tid = -1;

	see_time(g, rec->time);
	if (rec->type == PERF_RECORD_COMM && rec->size >= 16) {
		pid = (int)load_u32(p + 8);
		tid = (int)load_u32(p + 12);
	} else if (rec->type == PERF_RECORD_EXIT && rec->size >= 24) {
		pid = (int)load_u32(p + 8);
		tid = (int)load_u32(p + 16);
	} else if (rec->tid >= 0) {
		pid = rec->pid;
		tid = rec->tid;
	}
	if (tid < 0 && g->last_thread >= 0)
		t = &g->th[g->last_thread];
	else if (!(t = thread_of(x, g, pid, tid < 0 ? 0 : tid, rec->time))) {
		/* A thread without samples yet gets its markers too. */
		error_set("out of memory");
		return -1;
	}
	m.start = rec->time == UINT64_MAX ? (g->base == UINT64_MAX ? 0 : g->base) : rec->time;
	m.cat = CAT_OTHER;
	if (rec->type == PERF_RECORD_COMM) {
		if (!(m.text = arena_strndup(&g->arena, p + 16, strnlen(p + 16, rec->size - 16u)))) {
			error_set("out of memory");
			return -1;
		}
		m.key = "name";
		t->name = m.text;	/* the thread's latest name */
		return add_marker(g, t, "COMM", &m);
	}
	if (rec->type == PERF_RECORD_EXIT)
		return add_marker(g, t, "EXIT", &m);
	/* The samples this record says were lost: LOST { id, lost },
	   LOST_SAMPLES { lost }. */
	m.key = "lost";
	if (rec->type == PERF_RECORD_LOST)
		m.number = rec->size >= 24 ? load_u64(p + 16) : 0;
	else
		m.number = rec->size >= 16 ? load_u64(p + 8) : 0;
	return add_marker(g, t, rec->type == PERF_RECORD_LOST ? "LOST" : "LOST_SAMPLES", &m);
}

/* S as a JSON string: quotes, backslashes and control characters escaped,
   bytes that are not UTF-8 replaced by U+FFFD. */
static void json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putc('"', out);
	while (*p) {
		unsigned c = *p;
		int n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 :
			(c & 0xf8) == 0xf0 ? 3 : -1;
		int ok = n >= 0 && !(n == 1 && c < 0xc2) && !(n == 3 && c > 0xf4);

		for (int i = 1; ok && i <= n; i++)
			ok = (p[i] & 0xc0) == 0x80;
		if (!ok) {
			fputs("\\ufffd", out);
			p++;
		} else if (n > 0) {
			fwrite(p, 1, (size_t)n + 1, out);
			p += n + 1;
		} else {
			if (c == '"' || c == '\\')
				fprintf(out, "\\%c", c);
			else if (c < 0x20)
				fprintf(out, "\\u%04x", c);
			else
				putc((int)c, out);
			p++;
		}
	}
	putc('"', out);
}

/* Nanoseconds T as milliseconds since the profile's start. */
static void ms(FILE *out, const struct gecko *g, uint64_t t)
{
	uint64_t d = t >= g->base ? t - g->base : 0;

	fprintf(out, "%" PRIu64 ".%06" PRIu64, d / 1000000, d % 1000000);
}

static void write_thread(FILE *out, const struct gecko *g, const struct gthread *t,
			 const char *process)
{
	fputs("{\"name\":", out);
	json_string(out, t->name);
	fputs(",\"processType\":\"default\",\"processName\":", out);
	json_string(out, process);
	fprintf(out, ",\"pid\":%d,\"tid\":%d,\"registerTime\":", t->pid, t->tid);
	ms(out, g, t->first == UINT64_MAX ? g->base : t->first);
	fputs(",\"unregisterTime\":null,\n\"samples\":{\"schema\":{\"stack\":0,\"time\":1,\"eventDelay\":2},\"data\":[", out);
	for (size_t i = 0; i < t->nr_smp; i += 2) {
		fputs(i ? ",\n[" : "\n[", out);
		if (t->smp[i])
			fprintf(out, "%" PRIu64, t->smp[i] - 1);
		else
			fputs("null", out);
		putc(',', out);
		ms(out, g, t->smp[i + 1]);
		fputs(",0]", out);
	}
	fputs("]},\n\"markers\":{\"schema\":{\"name\":0,\"startTime\":1,\"endTime\":2,\"phase\":3,\"category\":4,\"data\":5},\"data\":[", out);
	for (size_t i = 0; i < t->nr_mk; i++) {
		const struct marker *m = &t->mk[i];

		fprintf(out, "%s[%zu,", i ? ",\n" : "\n", m->name);
		ms(out, g, m->start);
		if (m->end) {
			putc(',', out);
			ms(out, g, m->end);
			fprintf(out, ",1,%d,{\"type\":", m->cat);
		} else {
			fprintf(out, ",null,0,%d,{\"type\":", m->cat);
		}
		json_string(out, t->str[m->name]);
		if (m->text) {
			fprintf(out, ",\"%s\":", m->key);
			json_string(out, m->text);
		} else if (m->key) {
			fprintf(out, ",\"%s\":%" PRIu64, m->key, m->number);
		}
		fputs("}]", out);
	}
	fputs("]},\n\"frameTable\":{\"schema\":{\"location\":0,\"relevantForJS\":1,\"innerWindowID\":2,"
	      "\"implementation\":3,\"line\":4,\"column\":5,\"category\":6,\"subcategory\":7},\"data\":[", out);
	for (size_t i = 0; i < t->nr_frame; i++)
		fprintf(out, "%s[%" PRIu64 ",false,0,null,null,null,%u,0]", i ? ",\n" : "\n",
			t->frame_tab[i] >> 8, (unsigned)(t->frame_tab[i] & 0xff));
	fputs("]},\n\"stackTable\":{\"schema\":{\"prefix\":0,\"frame\":1},\"data\":[", out);
	for (size_t i = 0; i < t->nr_stack; i++) {
		uint64_t prefix = t->stack_tab[i] >> 32;

		fputs(i ? ",\n[" : "\n[", out);
		if (prefix)
			fprintf(out, "%" PRIu64, prefix - 1);
		else
			fputs("null", out);
		fprintf(out, ",%" PRIu64 "]", t->stack_tab[i] & 0xffffffff);
	}
	fputs("]},\n\"stringTable\":[", out);
	for (size_t i = 0; i < t->nr_str; i++) {
		if (i)
			putc(',', out);
		json_string(out, t->str[i]);
	}
	fputs("]}", out);
}

static const char marker_schema[] =
	"[{\"name\":\"COMM\",\"display\":[\"marker-chart\",\"marker-table\"],"
	"\"tableLabel\":\"{marker.data.name}\","
	"\"data\":[{\"key\":\"name\",\"label\":\"New command name\",\"format\":\"string\",\"searchable\":true}]},"
	"{\"name\":\"EXIT\",\"display\":[\"marker-chart\",\"marker-table\"],\"data\":[]},"
	"{\"name\":\"LOST\",\"display\":[\"marker-chart\",\"marker-table\"],"
	"\"data\":[{\"key\":\"lost\",\"label\":\"Samples lost\",\"format\":\"integer\"}]},"
	"{\"name\":\"LOST_SAMPLES\",\"display\":[\"marker-chart\",\"marker-table\"],"
	"\"data\":[{\"key\":\"lost\",\"label\":\"Samples lost\",\"format\":\"integer\"}]},"
	"{\"name\":\"off-CPU\",\"display\":[\"marker-chart\",\"marker-table\",\"timeline-overview\"],"
	"\"data\":[{\"key\":\"ns\",\"label\":\"Blocked\",\"format\":\"nanoseconds\"}]}]";

static int write_gecko(pf_export *x, FILE *out)
{
	struct gecko *g = x->state;

	if (g->base == UINT64_MAX)
		g->base = 0;
	if (g->clock_wall)
		g->wall_ms_base = (g->clock_wall - g->clock_ref + g->base) / 1000000;
	fprintf(out, "{\"meta\":{\"version\":%d,\"startTime\":%" PRIu64 ",\"shutdownTime\":null,"
		"\"interval\":1,\"stackwalk\":1,\"debug\":0,\"gcpoison\":0,\"asyncstack\":0,"
		"\"processType\":0,\"product\":\"pftools " PACKAGE_VERSION "\","
		"\"presymbolicated\":true,\"categories\":["
		"{\"name\":\"Other\",\"color\":\"grey\",\"subcategories\":[\"Other\"]},"
		"{\"name\":\"Kernel\",\"color\":\"orange\",\"subcategories\":[\"Other\"]},"
		"{\"name\":\"User\",\"color\":\"yellow\",\"subcategories\":[\"Other\"]},"
		"{\"name\":\"JIT\",\"color\":\"green\",\"subcategories\":[\"Other\"]}],"
		"\"markerSchema\":%s},\n\"libs\":[],\"pausedRanges\":[],\"processes\":[],\n\"threads\":[\n",
		GECKO_VERSION, g->wall_ms_base, marker_schema);
	for (size_t i = 0; i < g->nr_th; i++) {
		const struct gthread *t = &g->th[i];
		const char *process = t->name;

		/* The process's name is its main thread's. */
		for (size_t k = 0; k < g->nr_th; k++)
			if (g->th[k].tid == t->pid)
				process = g->th[k].name;
		if (i)
			fputs(",\n", out);
		write_thread(out, g, t, process);
	}
	fputs("\n]}\n", out);
	if (ferror(out)) {
		error_set_errno(errno, "write error");
		return -1;
	}
	return 0;
}

static void free_gecko(pf_export *x)
{
	struct gecko *g = x->state;

	if (!g)
		return;
	for (size_t i = 0; i < g->nr_th; i++) {
		struct gthread *t = &g->th[i];

		strmap_release(&t->strings);
		table_release(&t->frames);
		table_release(&t->stacks);
		free(t->str);
		free(t->frame_tab);
		free(t->stack_tab);
		free(t->smp);
		free(t->mk);
	}
	free(g->th);
	table_release(&g->by_tid);
	arena_release(&g->arena);
	free(g);
	x->state = NULL;
}

const struct ex_format ex_gecko = {
	.begin = begin, .start = start, .sample = sample, .record = record,
	.write = write_gecko, .free = free_gecko,
};
