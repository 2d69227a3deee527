/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * perf script's default text, reproduced from tools/perf/builtin-script.c
 * (perf 6.1) field by field: the sample line ("%s " or "%16s " comm,
 * "%5d" tid, "[%03d]" cpu, "%12s:" time in microseconds, "%10lu" period,
 * the event name padded to the longest), then one "\t%16lx sym+0xoff (dso)"
 * line per frame and a blank line.  Fields the recording lacks are dropped
 * from the defaults silently and refused when asked for, like perf.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <pf/pf.h>
#include <pf/perfdata.h>
#include <pf/symbols.h>
#include <pf/scriptprint.h>
#include "util/pf-int.h"
#include "perfdata/format.h"
#include "script/print-int.h"
#include "script/chain-int.h"
#include "script/tracefmt-int.h"

#define DEFAULT_FIELDS (PF_F_COMM | PF_F_TID | PF_F_CPU | PF_F_TIME | PF_F_EVENT | \
			PF_F_IP | PF_F_SYM | PF_F_SYMOFF | PF_F_DSO | PF_F_PERIOD)

static const struct { const char *name; unsigned bit; uint64_t needs; } field_names[] = {
	{ "comm", PF_F_COMM, 0 },
	{ "tid", PF_F_TID, PERF_SAMPLE_TID },
	{ "pid", PF_F_PID, PERF_SAMPLE_TID },
	{ "cpu", PF_F_CPU, PERF_SAMPLE_CPU },
	{ "time", PF_F_TIME, PERF_SAMPLE_TIME },
	{ "event", PF_F_EVENT, 0 },
	{ "ip", PF_F_IP, PERF_SAMPLE_IP },
	{ "sym", PF_F_SYM, 0 },
	{ "symoff", PF_F_SYMOFF, 0 },
	{ "dso", PF_F_DSO, 0 },
	{ "addr", PF_F_ADDR, PERF_SAMPLE_ADDR },
	{ "period", PF_F_PERIOD, 0 },      /* else attr.sample_period */
	{ "srcline", PF_F_SRCLINE, 0 },
	{ "trace", PF_F_TRACE, PERF_SAMPLE_RAW },
};
#define NR_FIELDS (sizeof field_names / sizeof *field_names)

PF_EXPORT void pf_scriptprint_opts_init(struct pf_scriptprint_opts *o)
{
	memset(o, 0, sizeof *o);
	o->size = sizeof *o;
	o->input = "perf.data";
	o->max_stack = 127;
	o->flags = PF_SCRIPTPRINT_INLINE | PF_SCRIPTPRINT_DEMANGLE | PF_SCRIPTPRINT_KERNEL;
	o->out = stdout;
}

PF_EXPORT int pf_scriptprint_fields(struct pf_scriptprint_opts *o, const char *arg)
{
	char *copy = strdup(arg), *save = NULL;
	int mode = 0;           /* 0: list, '+': add, '-': remove */

	if (!copy)
		return -1;
	/* "sw:..." / "trace:..." type prefixes apply to all events here. */
	char *p = copy, *colon = strchr(copy, ':');
	if (colon && colon[1] != 0 && !strchr(copy, ','))
		p = colon + 1;
	else if (colon && colon < strchr(copy, ','))
		p = colon + 1;
	for (char *tok = strtok_r(p, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t i;
		int signed_tok = *tok == '+' || *tok == '-';

		/* perf takes a list of fields or a list of changes, not both. */
		if (tok != p && signed_tok != (mode != 0)) {
			error_set("cannot mix +-field with overridden fields");
			free(copy);
			return -1;
		}
		if (signed_tok)
			mode = *tok++;
		for (i = 0; i < NR_FIELDS; i++)
			if (strcmp(tok, field_names[i].name) == 0)
				break;
		if (i == NR_FIELDS) {
			error_set("unknown field '%s'", tok);
			free(copy);
			return -1;
		}
		if (mode == '+')
			o->fields_add |= field_names[i].bit;
		else if (mode == '-')
			o->fields_del |= field_names[i].bit;
		else
			o->fields_set |= field_names[i].bit;
	}
	free(copy);
	return 0;
}

void sp_ob_flush(struct printer *pr)
{
	if (pr->on && fwrite(pr->ob, 1, pr->on, pr->out) != pr->on)
		pr->write_failed = 1;
	pr->on = 0;
	pr->flushes++;
}


void sp_ob_write(struct printer *pr, const char *s, size_t n)
{
	if (n > OB_SIZE / 2) {
		sp_ob_flush(pr);
		if (fwrite(s, 1, n, pr->out) != n)
			pr->write_failed = 1;
		return;
	}
	ob_reserve(pr, n);
	memcpy(pr->ob + pr->on, s, n);
	pr->on += n;
}


__attribute__((format(printf, 2, 3)))
void sp_ob_printf(struct printer *pr, const char *fmt, ...)
{
	va_list ap;
	int n;

	ob_reserve(pr, OB_ROOM);
	va_start(ap, fmt);
	n = vsnprintf(pr->ob + pr->on, OB_SIZE - pr->on, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < OB_SIZE - pr->on) {
		pr->on += (size_t)n;
		return;
	}
	/* Longer than the buffer: format it on its own. */
	char *tmp = malloc((size_t)n + 1);
	if (!tmp)
		return;
	va_start(ap, fmt);
	vsnprintf(tmp, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sp_ob_write(pr, tmp, (size_t)n);
	free(tmp);
}


/* A comma list of numbers or names. */
int sp_in_list(const char *list, const char *s, long n)
{
	if (!list)
		return 1;
	const char *p = list;
	while (*p) {
		size_t len = strcspn(p, ",");
		if (s ? (strlen(s) == len && strncmp(p, s, len) == 0)
		      : (strtol(p, NULL, 10) == n))
			return 1;
		p += len + (p[len] == ',');
	}
	return 0;
}

static int setup_fields(struct printer *pr)
{
	size_t n = pf_perfdata_nr_evsel(pr->pd);
	const struct pf_scriptprint_opts *o = pr->o;
	int have_addr = 0;

	free(pr->fields);
	pr->fields = calloc(n ? n : 1, sizeof *pr->fields);
	if (!pr->fields)
		return -1;
	pr->name_width = 0;
	pr->use_callchain = 0;
	for (size_t i = 0; i < n; i++) {
		const struct pf_evsel *e = pf_perfdata_evsel(pr->pd, i);
		unsigned f = o->fields_set ? o->fields_set : DEFAULT_FIELDS;
		unsigned asked = o->fields_set | o->fields_add;
		uint64_t st = e->attr.sample_type;

		/* Tracepoints show their data, and their stacks if they have
		   call chains and -F changed nothing (perf's output[] defaults
		   and perf_session__check_output_opt). */
		if (e->attr.type == PERF_TYPE_TRACEPOINT && !o->fields_set) {
			f = (f & ~PF_F_PERIOD) | PF_F_TRACE;
			if (!(st & PERF_SAMPLE_CALLCHAIN) || o->fields_add || o->fields_del)
				f &= ~(PF_F_IP | PF_F_SYM | PF_F_SYMOFF | PF_F_DSO);
		}
		f = (f | o->fields_add) & ~o->fields_del;
		/* perf ignores trace for other events ("'trace' not valid for
		   software events. Ignoring."). */
		if (e->attr.type != PERF_TYPE_TRACEPOINT)
			f &= ~PF_F_TRACE;
		for (size_t k = 0; k < NR_FIELDS; k++) {
			if (!(f & field_names[k].bit) || !field_names[k].needs ||
			    (st & field_names[k].needs))
				continue;
			if (asked & field_names[k].bit) {
				error_set("samples for '%s' event do not have the %s attribute set; cannot print the '%s' field",
					  e->name, field_names[k].name, field_names[k].name);
				return -1;
			}
			f &= ~field_names[k].bit;
		}
		/* perf_evsel__check_attr()'s refusals. */
		if ((f & PF_F_SYMOFF) && !(f & PF_F_SYM)) {
			error_set("display of offsets requested but symbol is not selected");
			return -1;
		}
		if ((f & PF_F_SRCLINE) && !(f & PF_F_IP)) {
			error_set("display of source line number requested but sample IP is not selected");
			return -1;
		}
		/* A pipe's events come as records, and for each with call
		   chains perf turns ip and sym on unless -F removed them, after
		   the checks above (process_attr in builtin-script.c). */
		if (pf_perfdata_is_pipe(pr->pd) && ((st & PERF_SAMPLE_CALLCHAIN) ||
		    ((st & PERF_SAMPLE_REGS_USER) && (st & PERF_SAMPLE_STACK_USER))))
			f |= (PF_F_IP | PF_F_SYM) & ~o->fields_del;
		have_addr |= !!(st & PERF_SAMPLE_ADDR);
		pr->fields[i] = f;
		int w = (int)strlen(e->name);
		if (w > pr->name_width)
			pr->name_width = w;
		if (st & PERF_SAMPLE_CALLCHAIN)
			pr->use_callchain = 1;
	}
	if ((o->flags & PF_SCRIPTPRINT_DATA_FRAME) && n && !have_addr) {
		error_set("the recording has no data addresses for --data-frame (record with -d)");
		return -1;
	}
	return 0;
}

/* "%12s: " of seconds.microseconds (perf's timestamp__scnprintf_usec), or
   with --ns "%5lu.%09llu: "; with --reltime since the first time printed,
   with --deltatime since the previous one. */
static void print_time(struct printer *pr, uint64_t t)
{
	unsigned flags = pr->o->flags;
	int ns = !!(flags & PF_SCRIPTPRINT_NS), frac = ns ? 9 : 6;

	if (flags & PF_SCRIPTPRINT_RELTIME) {
		if (!pr->initial_time)
			pr->initial_time = t;
		t -= pr->initial_time;
	} else if (flags & PF_SCRIPTPRINT_DELTATIME) {
		uint64_t prev = pr->previous_time;

		pr->previous_time = t;
		t = prev ? t - prev : 0;
	}
	uint64_t secs = t / 1000000000, sub = t % 1000000000 / (ns ? 1 : 1000);
	int digits = 1;

	for (uint64_t v = secs; v >= 10; v /= 10)
		digits++;
	ob_dec(pr, secs, ns ? 5 : 12 - 7 > digits ? 12 - 7 : digits);
	ob_reserve(pr, 16);
	pr->ob[pr->on++] = '.';
	for (int i = frac - 1; i >= 0; i--, sub /= 10)
		pr->ob[pr->on + i] = (char)('0' + sub % 10);
	pr->on += (size_t)frac;
	pr->ob[pr->on++] = ':';
	pr->ob[pr->on++] = ' ';
}

/* The start of a line: comm, pid/tid, cpu, time (perf_sample__fprintf_start). */
void sp_print_start(struct printer *pr, unsigned f, int chain, const char *comm,
		 int pid, int tid, uint32_t cpu, uint64_t time)
{

	if (f & PF_F_COMM) {
		size_t n = strlen(comm);

		for (; !chain && n < 16; n++)
			ob_putc(pr, ' ');
		ob_name(pr, comm);
		ob_putc(pr, ' ');
	}
	if ((f & PF_F_PID) && (f & PF_F_TID))
		sp_ob_printf(pr, "%5d/%-5d ", pid, tid);
	else if (f & PF_F_PID)
		sp_ob_printf(pr, "%5d ", pid);
	else if ((f & PF_F_TID) && tid >= 0) {
		ob_dec(pr, (uint64_t)tid, 5);
		ob_putc(pr, ' ');
	} else if (f & PF_F_TID)
		sp_ob_printf(pr, "%5d ", tid);
	if (f & PF_F_CPU)
		sp_ob_printf(pr, "[%03u] ", cpu);
	if (f & PF_F_TIME)
		print_time(pr, time);
}

/* 1 when binutils' addr2line, which perf runs for source lines, names the
   function at FR from the binary's symbol table even without a line: not
   for the kernel, JIT maps or the PLT stubs perf makes up. */
static int addr2line_names(const struct pf_frame *fr)
{
	const char *base = fr->dso ? strrchr(fr->dso, '/') : NULL;
	size_t n = fr->sym ? strlen(fr->sym) : 0;

	return n && fr->dso && fr->dso[0] != '[' && !(base && strncmp(base, "/perf-", 6) == 0) &&
	       !(n >= 4 && strcmp(fr->sym + n - 4, "@plt") == 0) && strcmp(fr->sym, ".plt") != 0;
}

/* A frame's srcline as perf 6.1 prints it: the line; else nothing when
   addr2line names the function but knows no line (perf leaves its "??:0"
   out, but for inline-expanded frames: see collect()); else, addr2line
   knowing nothing, the binary's short name and the address in it,
   "libc.so.6[262c0]", "[kernel.kallsyms][ffffffff8105e2a0]". */
static void print_srcline(struct printer *pr, const struct pf_frame *fr)
{
	if (fr->srcline) {
		sp_ob_write(pr, "\n  ", 3);
		ob_name(pr, fr->srcline);
		return;
	}
	if (!fr->dso || addr2line_names(fr))
		return;
	const char *base = fr->dso[0] == '[' ? NULL : strrchr(fr->dso, '/');
	sp_ob_printf(pr, "\n  %s[%" PRIx64 "]", base ? base + 1 : fr->dso, fr->elf_addr);
}

static void print_frame(struct printer *pr, unsigned f, const struct pf_frame *fr, char lead)
{

	if (f & PF_F_IP) {
		ob_putc(pr, lead);
		ob_hex(pr, fr->addr, 16);
	}
	if (f & PF_F_SYM) {
		ob_putc(pr, ' ');
		if (fr->sym) {
			ob_name(pr, fr->sym);
			if (f & PF_F_SYMOFF) {
				sp_ob_write(pr, "+0x", 3);
				ob_hex(pr, fr->symoff, 0);
			}
		} else {
			ob_puts(pr, "[unknown]");
		}
	}
	if ((f & PF_F_DSO) && !fr->inlined) {
		sp_ob_write(pr, " (", 2);
		ob_name(pr, fr->dso ? fr->dso : "[unknown]");
		ob_putc(pr, ')');
	}
	if (f & PF_F_SRCLINE)
		print_srcline(pr, fr);
	if (fr->inlined)
		ob_puts(pr, " (inlined)");
}

static const char *fault_name(const char *map, char *buf, size_t size)
{
	if (!map)
		return "unknown";
	if (map[0] == '[') {
		snprintf(buf, size, "%.*s", (int)strcspn(map + 1, "]"), map + 1);
		return buf;
	}
	const char *b = strrchr(map, '/');
	return b ? b + 1 : map;
}

/* The frames of sample S: kernel part from the callchain, user part from
   the callchain or from DWARF unwinding. */
static int collect(struct printer *pr, const struct pf_sample *s)
{
	const struct pf_scriptprint_opts *o = pr->o;
	int n = 0, max = o->max_stack < MAX_FRAMES ? o->max_stack : MAX_FRAMES;
	unsigned mode = s->cpumode;
	int dwarf = (s->evsel->attr.sample_type & PERF_SAMPLE_STACK_USER) && s->user_regs;

	if ((o->flags & PF_SCRIPTPRINT_DATA_FRAME) && (s->evsel->attr.sample_type & PERF_SAMPLE_ADDR) &&
	    n < max) {
		char buf[256];
		const char *map = heaps_data_map(&pr->heaps, pr->m, s->pid, s->addr);

		snprintf(pr->fault_frame, sizeof pr->fault_frame, "[fault: %s]",
			 fault_name(map, buf, sizeof buf));
		memset(&pr->frames[n], 0, sizeof pr->frames[n]);
		pr->frames[n].ip = pr->frames[n].addr = s->addr;
		pr->frames[n].sym = pr->fault_frame;
		pr->frames[n].dso = "[data]";
		n++;
	}
	if (!s->callchain) {
		if (n < max)
			n += pf_machine_resolve(pr->m, s->pid, mode, s->ip, 0,
						pr->frames + n, max - n);
		return n;
	}
	for (uint64_t i = 0; i < s->nr_callchain && n < max; i++) {
		uint64_t ip = s->callchain[i];

		if (chain_context(ip, &mode))
			continue;
		if (dwarf && mode == PERF_RECORD_MISC_USER)
			break;  /* perf takes the user part from unwinding */
		n += pf_machine_resolve(pr->m, s->pid, mode, ip, 0, pr->frames + n, max - n);
	}
	if (dwarf && n < max) {
		int k = pf_machine_unwind(pr->m, s, pr->ips, max - n);

		for (int i = 0; i < k && n < max; i++) {
			int first = n;

			n += pf_machine_resolve(pr->m, s->pid, PERF_RECORD_MISC_USER, pr->ips[i],
						!!(o->flags & PF_SCRIPTPRINT_INLINE),
						pr->frames + n, max - n);
			/* perf takes the lines of inline-expanded frames from
			   addr2line's answer as it is, "??:0" included. */
			for (int j = first; j < n && (o->flags & PF_SCRIPTPRINT_INLINE); j++)
				if (!pr->frames[j].srcline && addr2line_names(&pr->frames[j]))
					pr->frames[j].srcline = "??:0";
		}
	}
	return n;
}

/* Print one frame of a frame-pointer call chain.  Each distinct line is
   resolved and formatted once; later samples copy it. */
static void print_chain_frame(struct printer *pr, const struct pf_sample *s, unsigned f,
			      unsigned mode, uint64_t ip)
{
	unsigned gen = 0;
	const void *ms = mode == PERF_RECORD_MISC_KERNEL ? NULL :
			 pf_machine_maps_key(pr->m, s->pid, &gen);
	uint64_t h = (ip ^ ((uintptr_t)ms >> 4) * 31 ^ mode) * 0x9E3779B97F4A7C15ULL;
	struct line_cache *c = &pr->lines[h >> 48 & (LINE_CACHE_SIZE - 1)];

	if (c->text && c->ip == ip && c->maps == ms && c->gen == gen && c->mode == mode &&
	    c->fields == f) {
		sp_ob_write(pr, c->text, c->len);
		return;
	}
	if (pf_machine_resolve(pr->m, s->pid, mode, ip, 0, pr->frames, 1) < 1)
		return;
	ob_reserve(pr, 8192);
	size_t start = pr->on;
	unsigned flushes = pr->flushes;
	print_frame(pr, f | PF_F_IP, &pr->frames[0], '\t');
	ob_putc(pr, '\n');
	if (flushes != pr->flushes)
		return;         /* too long to keep */
	char *text = malloc(pr->on - start);
	if (!text)
		return;
	memcpy(text, pr->ob + start, pr->on - start);
	free(c->text);
	*c = (struct line_cache){ ms, gen, mode, f, ip, text, pr->on - start };
}

/* The fast path of the common case, a frame-pointer call chain. */
static void print_chain(struct printer *pr, const struct pf_sample *s, unsigned f)
{
	unsigned mode = s->cpumode;
	int n = 0;

	for (uint64_t i = 0; i < s->nr_callchain && n < pr->o->max_stack; i++) {
		uint64_t ip = s->callchain[i];

		if (chain_context(ip, &mode))
			continue;
		print_chain_frame(pr, s, f, mode, ip);
		n++;
	}
}

/* The trace field: the tracepoint's print fmt applied to its raw data, as
   perf prints it (event_format__fprintf); nothing without the format. */
static void print_trace(struct printer *pr, const struct pf_sample *s)
{
	const struct tf_event *ev;

	if (s->evsel->attr.type != PERF_TYPE_TRACEPOINT ||
	    !(ev = tf_find(pr->tf, s->evsel->attr.config)))
		return;
	if (!pr->trace_text && !(pr->trace_text = malloc(TRACE_TEXT_SIZE)))
		return;
	ob_text(pr, pr->trace_text,
		tf_format(pr->tf, ev, s->raw, s->raw_size, pr->trace_text, TRACE_TEXT_SIZE));
}

/* Kernel function names for %ps and %pS. */
static const char *kernel_sym(void *arg, uint64_t addr, uint64_t *off)
{
	struct printer *pr = arg;
	struct pf_frame fr;

	if (pf_machine_resolve(pr->m, -1, PERF_RECORD_MISC_KERNEL, addr, 0, &fr, 1) < 1 ||
	    !fr.sym)
		return NULL;
	*off = fr.symoff;
	return fr.sym;
}

/* Formats from the TRACING_DATA feature: the file header's, or the copy the
   reader keeps of a pipe stream's inline tracing data. */
static void load_tracing_data(struct printer *pr)
{
	size_t size;
	const void *data;

	if (pr->tf)
		return;
	data = pf_perfdata_feature(pr->pd, HEADER_TRACING_DATA, &size);
	/* Bad tracing data costs the trace field, not the samples. */
	if (data && size && (pr->tf = tf_parse(data, size)))
		tf_set_resolver(pr->tf, kernel_sym, pr);
}

/* The addr field, perf_sample__fprintf_addr(): the address, and for page
   faults the symbol and the mapping it falls in, each if its field is on,
   looked up as code is in the kernel's or the process's maps. */
static void print_addr(struct printer *pr, const struct pf_sample *s, unsigned f)
{
	const struct perf_event_attr *a = &s->evsel->attr;
	struct pf_frame fr;

	ob_hex(pr, s->addr, 16);
	if (a->type != PERF_TYPE_SOFTWARE || (a->config != PERF_COUNT_SW_PAGE_FAULTS &&
					      a->config != PERF_COUNT_SW_PAGE_FAULTS_MIN &&
					      a->config != PERF_COUNT_SW_PAGE_FAULTS_MAJ))
		return;
	unsigned mode = s->addr >> 63 ? PERF_RECORD_MISC_KERNEL : PERF_RECORD_MISC_USER;
	pf_machine_resolve(pr->m, s->pid, mode, s->addr, 0, &fr, 1);
	if (f & PF_F_SYM) {
		ob_putc(pr, ' ');
		if (fr.sym)
			ob_name(pr, fr.sym);
		else
			ob_puts(pr, "[unknown]");
		if (fr.sym && (f & PF_F_SYMOFF)) {
			sp_ob_write(pr, "+0x", 3);
			ob_hex(pr, fr.symoff, 0);
		}
	}
	if (f & PF_F_DSO) {
		sp_ob_write(pr, " (", 2);
		if (fr.dso)
			ob_name(pr, fr.dso);
		else
			ob_puts(pr, "[unknown]");
		ob_putc(pr, ')');
	}
}

static int print_sample(struct printer *pr, const struct pf_record *rec)
{
	const struct pf_scriptprint_opts *o = pr->o;
	struct pf_sample s;

	if (pf_perfdata_sample(pr->pd, rec, &s) < 0)
		return -1;
	const char *comm = pf_machine_comm(pr->m, s.pid, s.tid);
	if (sp_skip_sample(pr, &s, comm))
		return 0;
	unsigned f = pr->fields[s.evsel->idx];
	int chain = pr->use_callchain && s.callchain && (f & PF_F_IP);

	if (!f)
		return 0;       /* perf prints nothing, not even a blank line */

	sp_print_start(pr, f, chain, comm, s.pid, s.tid, s.cpu, s.time);
	if (f & PF_F_PERIOD) {
		ob_dec(pr, s.period, 10);
		ob_putc(pr, ' ');
	}
	if (f & PF_F_EVENT) {
		for (size_t n = strlen(s.evsel->name); n < (size_t)pr->name_width; n++)
			ob_putc(pr, ' ');
		ob_name(pr, s.evsel->name);
		sp_ob_write(pr, ": ", 2);
	}
	if (f & PF_F_TRACE && s.raw)
		print_trace(pr, &s);
	if (f & PF_F_ADDR)
		print_addr(pr, &s, f);
	int dwarf = (s.evsel->attr.sample_type & PERF_SAMPLE_STACK_USER) && s.user_regs;
	if (chain && !dwarf && !(o->flags & PF_SCRIPTPRINT_DATA_FRAME) && !(f & PF_F_SRCLINE) &&
	    pr->lines) {
		ob_putc(pr, '\n');
		print_chain(pr, &s, f);
	} else if (f & PF_F_IP) {
		int n = collect(pr, &s);

		if (chain || ((o->flags & PF_SCRIPTPRINT_DATA_FRAME) && n > 1)) {
			ob_putc(pr, '\n');
			for (int i = 0; i < n; i++) {
				print_frame(pr, f | PF_F_IP, &pr->frames[i], '\t');
				ob_putc(pr, '\n');
			}
		} else if (n > 0) {
			/* perf prints the sampled address itself here. */
			pr->frames[0].addr = pr->frames[0].ip;
			print_frame(pr, f, &pr->frames[0], ' ');
		}
	}
	ob_putc(pr, '\n');
	return 0;
}

/* Reports every 16 MiB of inputs of 64 MiB and more. */
static void progress(struct printer *pr)
{
	uint64_t total = pf_perfdata_total(pr->pd), pos = pf_perfdata_pos(pr->pd);

	if (!pr->o->progress || total < (64 << 20) || pos - pr->progress_pos < (16 << 20))
		return;
	pr->progress_pos = pos;
	pr->o->progress(pr->o->progress_arg, pf_perfdata_name(pr->pd), pos, total, 0);
}

static int run(struct printer *pr)
{
	struct pf_record rec;
	size_t nev = (size_t)-1;
	int r;

	if (pr->o->flags & PF_SCRIPTPRINT_HEADER)
		sp_print_header(pr);
	load_tracing_data(pr);
	while ((r = pf_perfdata_next(pr->pd, &rec)) > 0) {
		if (pf_perfdata_nr_evsel(pr->pd) != nev) {
			nev = pf_perfdata_nr_evsel(pr->pd);
			if (setup_fields(pr) < 0)
				return -1;
		}
		if (rec.type == PERF_RECORD_SAMPLE) {
			if (print_sample(pr, &rec) < 0)
				return -1;
		} else if (rec.type == PERF_RECORD_HEADER_TRACING_DATA) {
			load_tracing_data(pr);
		} else if (rec.type == PERF_RECORD_HEADER_FEATURE) {
			uint64_t feat = UINT64_MAX;

			if (rec.size >= 16)
				memcpy(&feat, (const char *)rec.data + 8, 8);
			if ((pr->o->flags & PF_SCRIPTPRINT_HEADER) && pf_perfdata_is_pipe(pr->pd) &&
			    feat < HEADER_LAST_FEATURE)
				sp_print_feature(pr, (int)feat);
		} else if (rec.type == PERF_RECORD_EVENT_UPDATE) {
			/* A pipe's event names come after the events: measure
			   the name column again. */
			nev = (size_t)-1;
		} else if (sp_machine_record(pr, &rec) < 0) {
			return -1;
		}
		progress(pr);
		/* Live input (a pipe from pfrecord): what is printed goes out
		   before the reader waits for more. */
		if (pf_perfdata_drained(pr->pd)) {
			sp_ob_flush(pr);
			fflush(pr->out);
		}
	}
	if (pr->o->progress && pr->progress_pos)
		pr->o->progress(pr->o->progress_arg, pf_perfdata_name(pr->pd),
				pf_perfdata_pos(pr->pd), pf_perfdata_total(pr->pd), 1);
	return r;
}

PF_EXPORT int pf_scriptprint_run(const struct pf_scriptprint_opts *opts)
{
	struct printer *pr = calloc(1, sizeof *pr);
	int r = -1;

	if (!pr) {
		error_set("out of memory");
		return -1;
	}
	pf_scriptprint_opts_init(&pr->opts);
	if (opts_copy(&pr->opts, sizeof pr->opts, opts, "pf_scriptprint_run") < 0) {
		free(pr);
		return -1;
	}
	const struct pf_scriptprint_opts *o = pr->o = &pr->opts;
	int flags = ((o->flags & PF_SCRIPTPRINT_DEMANGLE) ? PF_SYM_DEMANGLE : 0) |
		    ((o->flags & PF_SCRIPTPRINT_KERNEL) ? PF_SYM_KERNEL : 0);

	if (o->flags & PF_SCRIPTPRINT_FAULTS) {
		r = sp_print_faults(o);
		free(pr);
		return r;
	}
	pr->out = o->out ? o->out : stdout;
	pr->ob = malloc(OB_SIZE);
	pr->lines = calloc(LINE_CACHE_SIZE, sizeof *pr->lines);
	if (!pr->ob) {
		free(pr);
		error_set("out of memory");
		return -1;
	}
	if (o->fields_set & PF_F_SRCLINE || o->fields_add & PF_F_SRCLINE)
		flags |= PF_SYM_SRCLINE;
	pr->pd = pf_perfdata_open(o->input);
	if (!pr->pd)
		goto out;
	pr->m = sp_machine_new(o, pr->pd, flags);
	if (!pr->m)
		goto out;
	if (sp_filter_setup(pr) < 0 ||
	    ((o->flags & PF_SCRIPTPRINT_DATA_FRAME) && heaps_scan(&pr->heaps, o->input) < 0))
		goto out;
	r = run(pr);
	sp_ob_flush(pr);
	if (r >= 0 && pr->write_failed) {
		error_set_errno(errno, "write error");
		r = -1;
	}
out:
	if (o->stats && pr->pd)
		pf_perfdata_stats(pr->pd, o->stats, sizeof *o->stats);
	free(pr->ob);
	if (pr->lines)
		for (size_t i = 0; i < LINE_CACHE_SIZE; i++)
			free(pr->lines[i].text);
	free(pr->lines);
	pf_machine_free(pr->m);
	pf_perfdata_close(pr->pd);
	free(pr->fields);
	tf_free(pr->tf);
	sp_filter_free(pr);
	heaps_free(&pr->heaps);
	free(pr->trace_text);
	free(pr);
	return r < 0 ? -1 : 0;
}
