/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pfscript: perf.data (from pfrecord or `perf record`) in, `perf script`
 * text out.  Options and messages; the reading, symbolization, unwinding
 * and printing are libpf's (pf_perfdata, pf_machine, pf_scriptprint).
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pf/pf.h>
#include "tool.h"
#include "export.h"

#define PROG "pfscript"

static const char usage_text[] =
	"Usage: " PROG " [OPTION]...\n"
	"Print the samples of a perf.data recording as `perf script` does, with\n"
	"symbolized call stacks.\n"
	"\n"
	"  -i, --input=FILE     read FILE (default perf.data; - for standard input)\n"
	"  -F, --fields=LIST    fields to print: comm,tid,pid,cpu,time,event,ip,sym,\n"
	"                       symoff,dso,addr,period,srcline,trace; +LIST adds to\n"
	"                       the defaults, -LIST removes from them\n"
	"      --max-stack=N    print at most N frames per sample (default 127)\n"
	"      --inline         show inlined functions of DWARF stacks (default)\n"
	"      --no-inline      do not show inlined functions\n"
	"      --demangle       demangle C++ and Rust names (default)\n"
	"      --no-demangle    keep symbol names as they are in the binaries\n"
	"      --comm=LIST      only samples of these command names\n"
	"      --pid=LIST       only samples of these process ids\n"
	"      --tid=LIST       only samples of these thread ids\n"
	"  -C, --cpu=LIST       only samples on these CPUs (0-2,5)\n"
	"  -S, --symbols=LIST   only samples in these functions, or at these\n"
	"                       addresses (0x7f2a3c001040)\n"
	"      --time=RANGES    only samples in these time ranges: START,END in\n"
	"                       seconds (either may be left out), several separated\n"
	"                       by spaces; or slices in percent: 10%/2 (the second\n"
	"                       tenth), 0%-10%,30%-40%\n"
	"      --ns             times in nanoseconds\n"
	"      --reltime        times since the first one shown\n"
	"      --deltatime      times since the previous one shown\n"
	"      --format=FORMAT  perf (the text, default), folded (the stacks of\n"
	"                       pfscript | pfcollapse, without the text), pprof\n"
	"                       (gzip-compressed profile.proto) or gecko (the\n"
	"                       Firefox Profiler's JSON)\n"
	"      --data-frame     add the mapping of the faulting data address as\n"
	"                       the leaf frame, e.g. \"[fault: heap]\"\n"
	"      --show-mmap-events  print the memory-map records too\n"
	"      --show-task-events  print the COMM, FORK and EXIT records too\n"
	"      --show-switch-events  print the context-switch records too\n"
	"      --header         print the recording's header first\n"
	"      --faults         one line per page fault as perf trace -F prints it:\n"
	"                       code => data mapping (record with -d and\n"
	"                       -e minor-faults,major-faults)\n"
	"      --kallsyms=FILE  kernel symbols from FILE instead of /proc/kallsyms\n"
	"  -k, --vmlinux=FILE   kernel symbols from the vmlinux ELF file FILE\n"
	"      --symfs=DIR      look for every file under DIR (a copy of the\n"
	"                       recording machine's files)\n"
	"      --debuginfod     fetch missing debug info from the servers in\n"
	"                       DEBUGINFOD_URLS (builds with --with-debuginfod)\n"
	"  -q, --quiet          no progress report nor warnings on standard error\n"
	"  -h, --help           show this help and exit\n"
	"  -V, --version        show the version and exit\n";

enum {
	OPT_MAX_STACK = 256, OPT_INLINE, OPT_NO_INLINE, OPT_DEMANGLE,
	OPT_NO_DEMANGLE, OPT_COMM, OPT_PID, OPT_TID, OPT_DATA_FRAME, OPT_KALLSYMS,
	OPT_SHOW_MMAP, OPT_HEADER, OPT_FAULTS, OPT_TIME, OPT_NS, OPT_RELTIME,
	OPT_DELTATIME, OPT_SHOW_TASK, OPT_SHOW_SWITCH, OPT_FORMAT, OPT_SYMFS,
	OPT_DEBUGINFOD,
};

static const struct option longopts[] = {
	{ "input", required_argument, NULL, 'i' },
	{ "fields", required_argument, NULL, 'F' },
	{ "max-stack", required_argument, NULL, OPT_MAX_STACK },
	{ "inline", no_argument, NULL, OPT_INLINE },
	{ "no-inline", no_argument, NULL, OPT_NO_INLINE },
	{ "demangle", no_argument, NULL, OPT_DEMANGLE },
	{ "no-demangle", no_argument, NULL, OPT_NO_DEMANGLE },
	{ "comm", required_argument, NULL, OPT_COMM },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "tid", required_argument, NULL, OPT_TID },
	{ "cpu", required_argument, NULL, 'C' },
	{ "symbols", required_argument, NULL, 'S' },
	{ "time", required_argument, NULL, OPT_TIME },
	{ "ns", no_argument, NULL, OPT_NS },
	{ "reltime", no_argument, NULL, OPT_RELTIME },
	{ "deltatime", no_argument, NULL, OPT_DELTATIME },
	{ "data-frame", no_argument, NULL, OPT_DATA_FRAME },
	{ "kallsyms", required_argument, NULL, OPT_KALLSYMS },
	{ "vmlinux", required_argument, NULL, 'k' },
	{ "symfs", required_argument, NULL, OPT_SYMFS },
	{ "debuginfod", no_argument, NULL, OPT_DEBUGINFOD },
	{ "show-mmap-events", no_argument, NULL, OPT_SHOW_MMAP },
	{ "show-task-events", no_argument, NULL, OPT_SHOW_TASK },
	{ "show-switch-events", no_argument, NULL, OPT_SHOW_SWITCH },
	{ "header", no_argument, NULL, OPT_HEADER },
	{ "faults", no_argument, NULL, OPT_FAULTS },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* What the recording lost or pfscript could not read, as perf report
   warns at the end. */
static void report(const struct pf_perfdata_stats *st, const char *input)
{
	if (st->unfinished)
		warn("warning: %s: data size 0 in the header (was the recording properly terminated?): "
		     "read its records up to offset %" PRIu64 "%s", input, st->data_end,
		     st->partial_at ? ", dropping the partial record there" : "");
	if (st->lost_chunks)
		warn("warning: %" PRIu64 " samples lost in %" PRIu64 " chunks (check IO/CPU overload)",
		     st->lost_samples, st->lost_chunks);
	if (st->lost_samples_records)
		warn("warning: %" PRIu64 " samples the kernel could not write (%" PRIu64 " LOST_SAMPLES records)",
		     st->lost_samples_other, st->lost_samples_records);
	if (st->unknown_records) {
		char types[64] = "";
		size_t n = 0;

		for (unsigned i = 0; i < st->nr_unknown_types && n < sizeof types; i++)
			n += (size_t)snprintf(types + n, sizeof types - n, "%s%" PRIu32,
					      i ? ", " : "", st->unknown_types[i]);
		warn("warning: skipped %" PRIu64 " records of unknown types (%s%s)",
		     st->unknown_records, types,
		     st->nr_unknown_types == PF_PERFDATA_UNKNOWN_TYPES ? ", ..." : "");
	}
}

/* A file that costs symbols, said once: pfscript goes on without them. */
static void warn_symbols(void *arg, const char *msg)
{
	(void)arg;
	warn("%s", msg);
}

/* Options that only turn a flag on or off. */
static const struct { int opt; unsigned flag; int on; } flag_opts[] = {
	{ OPT_INLINE, PF_SCRIPTPRINT_INLINE, 1 }, { OPT_NO_INLINE, PF_SCRIPTPRINT_INLINE, 0 },
	{ OPT_DEMANGLE, PF_SCRIPTPRINT_DEMANGLE, 1 }, { OPT_NO_DEMANGLE, PF_SCRIPTPRINT_DEMANGLE, 0 },
	{ OPT_DATA_FRAME, PF_SCRIPTPRINT_DATA_FRAME, 1 }, { OPT_HEADER, PF_SCRIPTPRINT_HEADER, 1 },
	{ OPT_SHOW_MMAP, PF_SCRIPTPRINT_SHOW_MMAP, 1 }, { OPT_SHOW_TASK, PF_SCRIPTPRINT_SHOW_TASK, 1 },
	{ OPT_SHOW_SWITCH, PF_SCRIPTPRINT_SHOW_SWITCH, 1 }, { OPT_FAULTS, PF_SCRIPTPRINT_FAULTS, 1 },
	{ OPT_NS, PF_SCRIPTPRINT_NS, 1 }, { OPT_RELTIME, PF_SCRIPTPRINT_RELTIME, 1 },
	{ OPT_DELTATIME, PF_SCRIPTPRINT_DELTATIME, 1 },
	{ OPT_DEBUGINFOD, PF_SCRIPTPRINT_DEBUGINFOD, 1 },
};

/* Options that only name a list or a file. */
static const char **string_opt(struct pf_scriptprint_opts *o, int c)
{
	switch (c) {
	case 'i': return &o->input;
	case 'C': return &o->cpus;
	case 'S': return &o->symbols;
	case OPT_TIME: return &o->time;
	case OPT_COMM: return &o->comms;
	case OPT_PID: return &o->pids;
	case OPT_TID: return &o->tids;
	case OPT_KALLSYMS: return &o->kallsyms;
	case 'k': return &o->vmlinux;
	case OPT_SYMFS: return &o->symfs;
	}
	return NULL;
}

/* "pfscript: 25% of FILE" on a terminal's last line. */
static void progress(void *arg, const char *name, uint64_t pos, uint64_t total, int done)
{
	(void)arg;
	if (done)
		fputs("\r\033[K", stderr);
	else
		fprintf(stderr, "\r%s: %3u%% of %s", tool_name, (unsigned)(pos * 100 / total), name);
}

int main(int argc, char **argv)
{
	struct pf_perfdata_stats stats = { 0 };
	struct pf_scriptprint_opts o;
	int ch, quiet = 0, format = 0;
	const char **str;
	char *end;

	tool_init(PROG);
	pf_scriptprint_opts_init(&o);
	while ((ch = getopt_long(argc, argv, "i:F:C:S:k:qhV", longopts, NULL)) != -1) {
		size_t i;

		for (i = 0; i < sizeof flag_opts / sizeof flag_opts[0]; i++)
			if (flag_opts[i].opt == ch)
				break;
		if (i < sizeof flag_opts / sizeof flag_opts[0]) {
			o.flags = flag_opts[i].on ? o.flags | flag_opts[i].flag
						  : o.flags & ~flag_opts[i].flag;
			continue;
		}
		if ((str = string_opt(&o, ch))) {
			*str = optarg;
			continue;
		}
		switch (ch) {
		case 'F':
			if (pf_scriptprint_fields(&o, optarg) < 0)
				usage_error("%s", pf_errmsg());
			break;
		case OPT_MAX_STACK:
			o.max_stack = (int)strtol(optarg, &end, 10);
			if (*end || end == optarg || o.max_stack < 0)
				usage_error("invalid --max-stack: %s", optarg);
			break;
		case OPT_FORMAT:
			if ((format = tool_format(optarg)) < 0)
				usage_error("unknown --format: %s (perf, folded, pprof or gecko)", optarg);
			break;
		case 'q': quiet = 1; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': print_version();
		default: usage_hint();
		}
	}
	if (optind < argc)
		usage_error("unexpected argument: %s", argv[optind]);
	if ((o.flags & PF_SCRIPTPRINT_RELTIME) && (o.flags & PF_SCRIPTPRINT_DELTATIME))
		usage_error("--reltime and --deltatime exclude each other");
	if (!quiet && isatty(2))
		o.progress = progress;
	o.warn = quiet ? NULL : warn_symbols;
	if (format)
		return tool_script_export(&o, format);
	o.stats = &stats;
	if (pf_scriptprint_run(&o) < 0)
		die_lib();
	if (!quiet)
		report(&stats, strcmp(o.input, "-") ? o.input : "<stdin>");
	if (fflush(stdout) != 0 || ferror(stdout))
		die("standard output: write error");
	return 0;
}
