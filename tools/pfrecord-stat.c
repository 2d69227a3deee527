/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * perf stat's counter rows (tools/perf/util/stat-display.c and
 * stat-shadow.c of perf 6.1): the value in 18 columns, the unit in 4, the
 * name in 32 (25 when there is no count), then the derived figure, "# " and
 * a value and unit in 35 columns, the spread "( +- x% )" with -r (0.00%
 * too, as perf prints it when the runs agree),
 * and "(x%)" when the counter ran only part of the time it was enabled and
 * the count is scaled up.  With -x SEP: value, unit, name, [spread%,] run
 * time, percentage running, derived value, derived unit.
 */
#include "config.h"

#include <string.h>

#include "pfrecord-stat.h"

#define METRIC_LEN      35

/* A derived figure's printf: %WIDTH.PRECf then SUFFIX. */
struct metric_fmt {
	int width, prec;
	const char *suffix;
};

static const struct stat_row *find(const struct stat_row *rows, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].name, name) == 0 && rows[i].supported && rows[i].running)
			return &rows[i];
	return NULL;
}

/* Clocks count nanoseconds and show as milliseconds. */
static int is_clock(const char *name)
{
	return strcmp(name, "task-clock") == 0 || strcmp(name, "cpu-clock") == 0;
}

/* The derived figure perf stat shows beside row r, or 0 for none: ratios
   to another counter, or with a task-clock row, CPUs used, GHz and rates. */
static int derived(const struct stat_row *rows, size_t n, const struct stat_row *r,
		   double wall_ns, const struct metric_fmt **fmt, const char **unit, double *val,
		   char *unit_buf, size_t unit_size)
{
	static const struct {
		const char *name, *base;
		struct metric_fmt fmt;
		const char *unit;
		double scale;
	} ratios[] = {
		{ "instructions", "cycles", { 7, 2, " " }, "insn per cycle", 1 },
		{ "branch-misses", "branches", { 7, 2, "%" }, "of all branches", 100 },
		{ "cache-misses", "cache-references", { 8, 3, " %" }, "of all cache refs", 100 },
		{ "L1-dcache-load-misses", "L1-dcache-loads", { 7, 2, "%" },
		  "of all L1-dcache accesses", 100 },
		{ "LLC-load-misses", "LLC-loads", { 7, 2, "%" }, "of all LL-cache accesses", 100 },
		{ "dTLB-load-misses", "dTLB-loads", { 7, 2, "%" }, "of all dTLB cache accesses", 100 },
		{ "iTLB-load-misses", "iTLB-loads", { 7, 2, "%" }, "of all iTLB cache accesses", 100 },
	};
	static const struct metric_fmt rate = { 8, 3, "" };

	const struct stat_row *tc = find(rows, n, "task-clock");
	double task_clock_ns = tc ? tc->value : 0;

	for (size_t i = 0; i < sizeof ratios / sizeof ratios[0]; i++) {
		if (strcmp(r->name, ratios[i].name) != 0)
			continue;
		const struct stat_row *b = find(rows, n, ratios[i].base);
		if (!b || b->value == 0)
			return 0;
		*fmt = &ratios[i].fmt;
		*unit = ratios[i].unit;
		*val = r->value / b->value * ratios[i].scale;
		return 1;
	}
	if (is_clock(r->name)) {
		if (!wall_ns)
			return 0;
		*fmt = &rate;
		*unit = "CPUs utilized";
		*val = r->value / wall_ns;
		return 1;
	}
	if (!task_clock_ns)
		return 0;
	if (strcmp(r->name, "cycles") == 0 || strcmp(r->name, "cpu-cycles") == 0) {
		*fmt = &rate;
		*unit = "GHz";
		*val = r->value / task_clock_ns;
		return 1;
	}
	/* Other counts as a rate, "K/sec", "M/sec" (convert_unit_double). */
	double per_sec = 1e9 * r->value / task_clock_ns;
	const char *prefix = "";

	if (per_sec > 1e9) {
		per_sec /= 1e9;
		prefix = "G";
	} else if (per_sec > 1e6) {
		per_sec /= 1e6;
		prefix = "M";
	} else if (per_sec > 1e3) {
		per_sec /= 1e3;
		prefix = "K";
	}
	snprintf(unit_buf, unit_size, "%s/sec", prefix);
	*fmt = &rate;
	*unit = unit_buf;
	*val = per_sec;
	return 1;
}

/* A row of perf stat's table, into line (without trailing blanks: perf
   pads every column, pfrecord only those that something follows). */
static void print_std(char *line, size_t size, const struct stat_row *rows, size_t n,
		      const struct stat_row *r, int runs, double wall_ns)
{
	int counted = r->supported && r->running;
	const struct metric_fmt *fmt;
	const char *unit;
	char unit_buf[16], m[64];
	double val;
	size_t w;

	if (!counted) {
		snprintf(line, size, "%18s %-4s %-25s", r->supported ? "<not counted>"
			 : "<not supported>", "", r->name);
		return;         /* perf prints neither spread nor share then */
	}
	if (is_clock(r->name))
		w = snprintf(line, size, "%18.2f %-4s %-32s", r->value / 1e6, "msec", r->name);
	else
		w = snprintf(line, size, "%18.0f %-4s %-32s", r->value, "", r->name);
	if (w < size && derived(rows, n, r, wall_ns, &fmt, &unit, &val, unit_buf, sizeof unit_buf)) {
		int k = snprintf(m, sizeof m, " # ");

		k += snprintf(m + k, sizeof m - k, "%*.*f%s", fmt->width, fmt->prec, val, fmt->suffix);
		w += snprintf(line + w, size - w, "%s %-*s", m, METRIC_LEN - k - 1, unit);
	} else if (w < size) {
		w += snprintf(line + w, size - w, "%*s", METRIC_LEN, "");
	}
	if (w < size && runs > 1)
		w += snprintf(line + w, size - w, "  ( +-%6.2f%% )", r->spread);
	if (w < size && r->running < r->enabled)
		snprintf(line + w, size - w, "  (%.2f%%)", 100.0 * r->running / r->enabled);
}

static void print_csv(FILE *f, const struct stat_row *rows, size_t n, const struct stat_row *r,
		      int runs, double wall_ns, const char *sep)
{
	int counted = r->supported && r->running;
	const struct metric_fmt *fmt;
	const char *unit;
	char unit_buf[16], m[64];
	double val;

	if (counted && is_clock(r->name))
		fprintf(f, "%.2f%smsec%s%s", r->value / 1e6, sep, sep, r->name);
	else if (counted)
		fprintf(f, "%.0f%s%s%s", r->value, sep, sep, r->name);
	else
		fprintf(f, "%s%s%s%s", r->supported ? "<not counted>" : "<not supported>", sep,
			sep, r->name);
	if (runs > 1)
		fprintf(f, "%s%.2f%%", sep, r->spread);
	fprintf(f, "%s%llu%s%.2f", sep, (unsigned long long)r->running, sep,
		r->enabled && r->running < r->enabled ? 100.0 * r->running / r->enabled : 100.0);
	if (counted && derived(rows, n, r, wall_ns, &fmt, &unit, &val, unit_buf,
			       sizeof unit_buf)) {
		/* The figure without its padding or percent sign. */
		char *s = m, *e;

		snprintf(m, sizeof m, "%*.*f%s", fmt->width, fmt->prec, val, fmt->suffix);
		while (*s == ' ')
			s++;
		for (e = s; (*e >= '0' && *e <= '9') || *e == '.'; e++)
			;
		*e = 0;
		fprintf(f, "%s%s%s%s", sep, s, sep, unit);
	} else {
		fprintf(f, "%s%s", sep, sep);
	}
}

void stat_print_rows(FILE *f, const struct stat_row *rows, size_t n, int runs,
		     double wall_ns, const char *sep)
{
	for (size_t i = 0; i < n; i++) {
		if (sep)
			print_csv(f, rows, n, &rows[i], runs, wall_ns, sep);
		else {
			char line[512];
			size_t len;

			print_std(line, sizeof line, rows, n, &rows[i], runs, wall_ns);
			for (len = strlen(line); len && line[len - 1] == ' '; len--)
				;
			fwrite(line, 1, len, f);
		}
		fputc('\n', f);
	}
}
