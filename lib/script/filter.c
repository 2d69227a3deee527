/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which records perf script shows: --time ranges (perf's util/time-utils.c:
 * "START,END" in seconds.nanoseconds with open ends, several ranges
 * separated by spaces, or slices of the recording in percent, "10%/2",
 * "0%-10%,30%-40%"), --cpu lists ("0-2,5"), -S symbol lists and the
 * --comm/--pid/--tid lists.  Samples pass every filter; side-band records
 * (maps, tasks, switches) only the CPU one, as in perf.
 */
#include "config.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pf/pf.h>
#include "util/pf-int.h"
#include "perfdata/format.h"
#include "script/print-int.h"

#define MAX_CPU 65535           /* a bitmap of this many bits at most */

/* perf's parse_nsec_time(): "SECS[.FRACTION]", at most 9 fraction digits. */
static int parse_nsec(const char *s, uint64_t *t)
{
	char *end;
	uint64_t sec, nsec = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	sec = strtoull(s, &end, 10);
	if (*end == '.') {
		const char *f = end + 1;
		size_t n = strlen(f);

		if (n > 9 || strspn(f, "0123456789") != n)
			return -1;
		for (size_t i = 0; i < 9; i++)
			nsec = nsec * 10 + (i < n ? (uint64_t)(f[i] - '0') : 0);
	} else if (*end) {
		return -1;
	}
	if (sec > UINT64_MAX / 1000000000 - 1)
		return -1;
	*t = sec * 1000000000 + nsec;
	return 0;
}

/* "N%" as a fraction of 1. */
static int parse_percent(const char *s, size_t len, double *v)
{
	char tmp[64], *end;

	if (len < 2 || len >= sizeof tmp || s[len - 1] != '%')
		return -1;
	memcpy(tmp, s, len - 1);
	tmp[len - 1] = 0;
	*v = strtod(tmp, &end) / 100.0;
	return *end || end == tmp ? -1 : 0;
}

/* perf's set_percent_time(): the slice [A, B] of [first, last], the end
   one nanosecond short unless it is the last sample's time. */
static int percent_range(struct time_range *r, double a, double b, uint64_t first, uint64_t last)
{
	uint64_t total = last - first;

	if (a < 0 || a > 1 || b < 0 || b > 1)
		return -1;
	r->start = first + (uint64_t)(a * (double)total + 0.5);
	r->end = first + (uint64_t)(b * (double)total + 0.5);
	if (r->end > r->start && r->end != last)
		r->end--;
	return 0;
}

/* One percent item: "10%/2" (the second tenth), "0%-10%" or "10%" (the
   first tenth). */
static int parse_percent_item(const char *s, size_t len, struct time_range *r,
			      uint64_t first, uint64_t last)
{
	const char *slash = memchr(s, '/', len), *dash = memchr(s, '-', len);
	double a, b;

	if (slash) {
		char tmp[32], *end;
		size_t n = len - (size_t)(slash + 1 - s);

		if (parse_percent(s, (size_t)(slash - s), &a) < 0 || a <= 0 || n == 0 ||
		    n >= sizeof tmp)
			return -1;
		memcpy(tmp, slash + 1, n);
		tmp[n] = 0;
		long i = strtol(tmp, &end, 10);
		if (*end || i < 1)
			return -1;
		return percent_range(r, a * (double)(i - 1), a * (double)i, first, last);
	}
	if (dash)
		return parse_percent(s, (size_t)(dash - s), &a) < 0 ||
		       parse_percent(dash + 1, len - (size_t)(dash + 1 - s), &b) < 0 ||
		       a > b ? -1 : percent_range(r, a, b, first, last);
	return parse_percent(s, len, &a) < 0 || a <= 0 ? -1 : percent_range(r, 0, a, first, last);
}

/* One "START,END" range; either end may be empty. */
static int parse_abs_range(char *s, struct time_range *r)
{
	char *comma = strchr(s, ',');

	if (!comma || strchr(comma + 1, ','))
		return -1;
	*comma = 0;
	r->start = r->end = 0;
	if ((*s && parse_nsec(s, &r->start) < 0) ||
	    (comma[1] && parse_nsec(comma + 1, &r->end) < 0))
		return -1;
	return r->start && r->end && r->start > r->end ? -1 : 0;
}

/* The first and last sample times perf record writes in the header. */
static int sample_times(struct printer *pr, uint64_t *first, uint64_t *last)
{
	size_t size;
	const unsigned char *p = pf_perfdata_feature(pr->pd, HEADER_SAMPLE_TIME, &size);

	if (!p || size < 16 || (load_u64(p) == 0 && load_u64(p + 8) == 0)) {
		error_set("%s: --time with percentages or --reltime needs the times of the "
			  "first and last samples, which the recording lacks",
			  pf_perfdata_name(pr->pd));
		return -1;
	}
	*first = load_u64(p);
	*last = load_u64(p + 8);
	return 0;
}

static int parse_time(struct printer *pr, const char *arg)
{
	char *copy = strdup(arg);
	size_t n = 1, i = 0;
	uint64_t first = 0, last = 0;
	int reltime = !!(pr->o->flags & PF_SCRIPTPRINT_RELTIME);

	if (!copy) {
		error_set("out of memory");
		return -1;
	}
	for (const char *p = arg; *p; p++)
		n += *p == ',' || *p == ' ';
	pr->ranges = calloc(n, sizeof *pr->ranges);
	if (!pr->ranges) {
		free(copy);
		error_set("out of memory");
		return -1;
	}
	if ((strchr(arg, '%') || reltime) && sample_times(pr, &first, &last) < 0)
		goto fail_quiet;
	if (strchr(arg, '%')) {
		/* Comma-separated slices. */
		for (char *p = copy, *next; p; p = next) {
			next = strchr(p, ',');
			if (next)
				*next++ = 0;
			if (parse_percent_item(p, strlen(p), &pr->ranges[i++], first, last) < 0)
				goto fail;
		}
	} else {
		/* Space-separated "START,END" ranges, in order, apart. */
		char *save = NULL;

		for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			if (parse_abs_range(tok, &pr->ranges[i]) < 0)
				goto fail;
			if (reltime) {
				pr->ranges[i].start += first;
				pr->ranges[i].end += pr->ranges[i].end ? first : 0;
			}
			if (i && (!pr->ranges[i - 1].end || pr->ranges[i - 1].end >= pr->ranges[i].start))
				goto fail;
			i++;
		}
		if (i == 0)
			goto fail;
	}
	pr->nr_ranges = i;
	free(copy);
	return 0;
fail:
	error_set("invalid --time: '%s'", arg);
fail_quiet:
	free(copy);
	return -1;
}

/* perf_time__ranges_skip_sample(): samples without a time always pass. */
static int time_skipped(const struct printer *pr, uint64_t t)
{
	if (!pr->nr_ranges || t == 0 || t == UINT64_MAX)
		return 0;
	for (size_t i = 0; i < pr->nr_ranges; i++) {
		const struct time_range *r = &pr->ranges[i];

		if ((!r->start || t >= r->start) && (!r->end || t <= r->end))
			return 0;
	}
	return 1;
}

/* "0-2,5" into a bitmap. */
static int parse_cpus(struct printer *pr, const char *arg)
{
	const char *p = arg;

	pr->cpu_set = calloc(MAX_CPU / 8 + 1, 1);
	if (!pr->cpu_set) {
		error_set("out of memory");
		return -1;
	}
	do {
		char *end;
		long a = strtol(p, &end, 10), b = a;

		if (end == p || !isdigit((unsigned char)*p))
			goto bad;
		if (*end == '-') {
			p = end + 1;
			b = strtol(p, &end, 10);
			if (end == p || !isdigit((unsigned char)*p))
				goto bad;
		}
		if (a > b || b > MAX_CPU) {
			if (b > MAX_CPU)
				error_set("--cpu: CPU %ld is too large", b);
			else
				goto bad;
			return -1;
		}
		for (long c = a; c <= b; c++)
			pr->cpu_set[c / 8] |= (unsigned char)(1u << (c % 8));
		p = end;
	} while (*p == ',' && *++p);
	if (*p == 0)
		return 0;
bad:
	error_set("invalid --cpu list: '%s'", arg);
	return -1;
}

static int cpu_skipped(const struct printer *pr, int32_t cpu)
{
	return pr->cpu_set && cpu >= 0 &&
	       ((uint32_t)cpu > MAX_CPU || !(pr->cpu_set[cpu / 8] >> (cpu % 8) & 1));
}

int sp_filter_setup(struct printer *pr)
{
	const struct pf_scriptprint_opts *o = pr->o;

	if ((o->flags & PF_SCRIPTPRINT_RELTIME) && (o->flags & PF_SCRIPTPRINT_DELTATIME)) {
		error_set("--reltime and --deltatime exclude each other");
		return -1;
	}
	if (o->cpus && parse_cpus(pr, o->cpus) < 0)
		return -1;
	if (o->time && parse_time(pr, o->time) < 0)
		return -1;
	if (o->cpus) {
		size_t n = pf_perfdata_nr_evsel(pr->pd), i;

		for (i = 0; i < n; i++)
			if (pf_perfdata_evsel(pr->pd, i)->attr.sample_type & PERF_SAMPLE_CPU)
				break;
		if (n && i == n) {
			error_set("%s: the recording has no CPU numbers for --cpu (record with -a or -C)",
				  pf_perfdata_name(pr->pd));
			return -1;
		}
	}
	return 0;
}

void sp_filter_free(struct printer *pr)
{
	free(pr->ranges);
	free(pr->cpu_set);
}

int sp_skip_sideband(const struct printer *pr, int32_t cpu)
{
	return cpu_skipped(pr, cpu);
}

/* -S (perf's symbol_conf.sym_list in machine__resolve): an entry that
   reads as a hexadecimal number is an address, which the sampled address
   must be; any other, the name of the function it lies in. */
static int symbol_skipped(struct printer *pr, const struct pf_sample *s)
{
	struct pf_frame fr;
	const char *p = pr->o->symbols;

	if (pf_machine_resolve(pr->m, s->pid, s->cpumode, s->ip, 0, &fr, 1) < 1)
		return 1;
	while (*p) {
		size_t len = strcspn(p, ",");
		char *end;
		uint64_t addr = strtoull(p, &end, 16);

		if (end != p && (size_t)(end - p) == len) {
			if (fr.dso && addr == s->ip)
				return 0;
		} else if (fr.sym && strlen(fr.sym) == len && strncmp(fr.sym, p, len) == 0) {
			return 0;
		}
		p += len + (p[len] == ',');
	}
	return 1;
}

int sp_skip_sample(struct printer *pr, const struct pf_sample *s, const char *comm)
{
	const struct pf_scriptprint_opts *o = pr->o;

	return time_skipped(pr, s->time) ||
	       ((s->evsel->attr.sample_type & PERF_SAMPLE_CPU) && cpu_skipped(pr, (int32_t)s->cpu)) ||
	       !sp_in_list(o->comms, comm, 0) || !sp_in_list(o->pids, NULL, s->pid) ||
	       !sp_in_list(o->tids, NULL, s->tid) || (o->symbols && symbol_skipped(pr, s));
}
