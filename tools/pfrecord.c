/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pfrecord: record page faults (or other events and tracepoints) with
 * their call stacks into perf's perf.data format, like `perf record`; with
 * --stat, count them like `perf stat`.  Options and the running of the
 * command live here; capture and the file format are in libpf.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <pf/pf.h>
#include "tool.h"
#include "pfrecord-stat.h"

#define MAX_PIDS        256
#define MAX_CPUS        4096

static volatile sig_atomic_t stop_signal, switch_signal;
static struct rlimit nofile = { RLIM_INFINITY, RLIM_INFINITY };  /* the command's */
static int stdout_closed;       /* pfrecord was started with fd 1 closed */

static void on_stop(int sig)
{
	stop_signal = sig;
}

static void on_switch(int sig)
{
	(void)sig;
	switch_signal = 1;
}

static void on_child(int sig)
{
	(void)sig;      /* only to interrupt poll() */
}

struct options {
	struct pf_capture_opts rec;
	pid_t pids[MAX_PIDS];
	int cpus[MAX_CPUS];
	const char *output;
	double duration;
	int quiet, stat, repeat;
	const char *sep;
	char **cmd;
	int have_count, have_freq;
	const char *not_for_stat;       /* the first option --stat does not take */
	uint64_t switch_size;           /* --switch-output=SIZE */
	double switch_secs;             /* --switch-output=TIME */
	int switch_on_signal;           /* --switch-output (SIGUSR2) */
	uint64_t max_size;
};

static const char usage_text[] =
	"Usage: pfrecord [OPTIONS] [--] COMMAND [ARGS...]\n"
	"       pfrecord [OPTIONS] -p PID[,PID...] | -t TID[,TID...] | -a [-- COMMAND...]\n"
	"       pfrecord --stat [-e EVENTS] [-r N] [-x SEP] [--] COMMAND [ARGS...]\n"
	"Record page faults (or other events) with call stacks into perf.data.\n"
	"\n"
	"  -e, --event=EVENT[,EVENT...]  page-faults (default; alias faults), minor-faults,\n"
	"                        major-faults, cpu-clock, task-clock, context-switches,\n"
	"                        cpu-migrations, hardware counters (cycles, instructions,\n"
	"                        ...), or a tracepoint SUBSYS:NAME; :u, :k, :h after a\n"
	"                        name keep user, kernel, hypervisor\n"
	"  -c, --count=N         sample every Nth event (default 1 for counted events)\n"
	"  -F, --freq=HZ         sample HZ times a second (default 99 for clock events)\n"
	"  -g                    record frame-pointer call chains\n"
	"      --call-graph=fp|dwarf[,SIZE]  call chains by frame pointers, or a copy\n"
	"                        of SIZE bytes of user stack (default 8192) for DWARF\n"
	"      --user-callchains  call chains without their kernel part\n"
	"  -d, --data            record the faulting data address and data mappings\n"
	"      --off-cpu         also record off-CPU time: offcpu-time samples weighted by\n"
	"                        the nanoseconds each thread was blocked (implies -g)\n"
	"      --off-cpu-thresh=MS  leave out waits shorter than MS milliseconds\n"
	"  -o, --output=FILE     output file (default pf.data; - writes perf's pipe format)\n"
	"  -p, --pid=PID[,PID...]  record existing processes (while COMMAND runs, if given)\n"
	"  -t, --tid=TID[,TID...]  record existing threads only\n"
	"  -a, --all-cpus        record every process on every CPU\n"
	"  -C, --cpu=LIST        only these CPUs (0,2-3); without a target, all of their tasks\n"
	"      --all-user        record user space only\n"
	"      --all-kernel      record the kernel only\n"
	"      --no-inherit      do not follow the children the target creates\n"
	"  -s                    record per-thread counts (perf report -T)\n"
	"  -T, --timestamp       record sample time stamps (always done)\n"
	"  -k, --clockid=CLOCK   time stamps from CLOCK: monotonic, monotonic_raw,\n"
	"                        realtime, boottime, tai, or a number\n"
	"      --duration=SECS   stop after SECS seconds\n"
	"      --max-events=N    stop after N samples\n"
	"      --max-size=SIZE   stop when the output reaches SIZE bytes (K, M, G)\n"
	"      --switch-output[=SIZE|TIME|signal]  start a new output file after SIZE\n"
	"                        bytes (K, M, G), TIME (s, m, h) or on SIGUSR2; each\n"
	"                        finished file is named FILE.YYYYmmddHHMMSSCC\n"
	"      --no-buffering    write samples out as they come (automatic on pipes)\n"
	"  -z, --compression-level[=N]  compress with zstd (level N, default 1)\n"
	"  -m, --mmap-pages=N    ring buffer pages per CPU (a power of 2)\n"
	"  -N, --no-buildid-cache  do not copy the recorded binaries to the build-id cache\n"
	"  -q, --quiet           print nothing but errors\n"
	"      --stat            count instead of sampling: faults and context switches,\n"
	"                        or the events of -e\n"
	"  -r, --repeat=N        with --stat: run the command N times, print mean and spread\n"
	"  -x, --field-separator=SEP  with --stat: perf stat's machine-readable rows\n"
	"  -h, --help            show this help\n"
	"  -V, --version         show the version\n";

static noreturn void bad(const char *what, const char *arg)
{
	usage_error("%s: invalid %s", arg, what);
}

static int parse_pids(const char *arg, struct options *o)
{
	char *copy = strdup(arg), *save = NULL;

	if (!copy)
		return -1;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *end;
		long v = strtol(t, &end, 10);

		if (*end || v <= 0 || v > INT_MAX || o->rec.npids == MAX_PIDS) {
			free(copy);
			return -1;
		}
		o->pids[o->rec.npids++] = v;
	}
	free(copy);
	return o->rec.npids ? 0 : -1;
}

/* "0,2-3" */
static int parse_cpus(const char *arg, struct options *o)
{
	const char *p = arg;
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);

	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b = a;

		if (end == p || a < 0)
			return -1;
		if (*end == '-') {
			p = end + 1;
			b = strtol(p, &end, 10);
			if (end == p || b < a)
				return -1;
		}
		for (long c = a; c <= b; c++) {
			if (c >= ncpu || o->rec.ncpus == MAX_CPUS)
				return -1;
			o->cpus[o->rec.ncpus++] = (int)c;
		}
		if (*end != ',' && *end)
			return -1;
		p = *end ? end + 1 : end;
	}
	return o->rec.ncpus ? 0 : -1;
}

static int parse_callgraph(const char *arg, struct options *o)
{
	if (strcmp(arg, "fp") == 0) {
		o->rec.callgraph = PF_CALLGRAPH_FP;
		return 0;
	}
	if (strncmp(arg, "dwarf", 5) == 0 && (arg[5] == 0 || arg[5] == ',')) {
		o->rec.callgraph = PF_CALLGRAPH_DWARF;
		if (arg[5] == ',') {
			char *end;
			unsigned long v = strtoul(arg + 6, &end, 0);

			if (*end || v == 0 || v > 65528)
				return -1;
			o->rec.stack_size = v;
		}
		return 0;
	}
	return -1;
}

static unsigned long number(const char *arg, const char *what, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || !*arg || v == 0 || v > max || arg[0] == '-')
		bad(what, arg);
	return v;
}

/* "64M": bytes; 0 when it is not a size. */
static uint64_t size_arg(const char *arg)
{
	char *end;
	double v = strtod(arg, &end);
	uint64_t unit = 1;

	if (end == arg || !(v > 0))
		return 0;
	switch (*end) {
	case 'B': case 'b': case 0: break;
	case 'K': case 'k': unit = 1ULL << 10; break;
	case 'M': case 'm': unit = 1ULL << 20; break;
	case 'G': case 'g': unit = 1ULL << 30; break;
	default: return 0;
	}
	if (*end && end[1] && strcmp(end + 1, "B") != 0 && strcmp(end + 1, "b") != 0)
		return 0;
	return (uint64_t)(v * unit);
}

/* "30s", "5m", "1h", "2d": seconds; 0 when it is not a time. */
static double time_arg(const char *arg)
{
	char *end;
	double v = strtod(arg, &end);

	if (end == arg || !(v > 0) || !*end || end[1])
		return 0;
	switch (*end) {
	case 's': return v;
	case 'm': return v * 60;
	case 'h': return v * 3600;
	case 'd': return v * 86400;
	}
	return 0;
}

static int clockid_arg(const char *arg)
{
	static const struct { const char *name; int id; } clocks[] = {
		{ "monotonic", CLOCK_MONOTONIC }, { "mono", CLOCK_MONOTONIC },
		{ "monotonic_raw", CLOCK_MONOTONIC_RAW }, { "raw", CLOCK_MONOTONIC_RAW },
		{ "realtime", CLOCK_REALTIME }, { "real", CLOCK_REALTIME },
		{ "boottime", CLOCK_BOOTTIME }, { "boot", CLOCK_BOOTTIME },
		{ "tai", CLOCK_TAI },
	};
	const char *name = strncasecmp(arg, "CLOCK_", 6) == 0 ? arg + 6 : arg;
	char *end;
	long v;

	for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++)
		if (strcasecmp(name, clocks[i].name) == 0)
			return clocks[i].id;
	v = strtol(arg, &end, 10);
	if (*end || end == arg || v < 0 || v > 15)
		bad("clock (want monotonic, monotonic_raw, realtime, boottime, tai or a number)", arg);
	return (int)v;
}

static void parse_switch_output(const char *arg, struct options *o)
{
	if (!arg || strcmp(arg, "signal") == 0)
		o->switch_on_signal = 1;
	else if ((o->switch_secs = time_arg(arg)) == 0 && (o->switch_size = size_arg(arg)) == 0)
		bad("--switch-output (want SIZE such as 100M, TIME such as 30s, or signal)", arg);
}

enum {
	OPT_CALL_GRAPH = 256, OPT_DURATION, OPT_STAT, OPT_NO_BUFFERING, OPT_MAX_EVENTS,
	OPT_OFF_CPU, OPT_OFF_CPU_THRESH, OPT_ALL_USER, OPT_ALL_KERNEL, OPT_SWITCH_OUTPUT,
	OPT_MAX_SIZE, OPT_USER_CALLCHAINS, OPT_NO_INHERIT,
};

static const struct option longopts[] = {
	{ "event", required_argument, NULL, 'e' },
	{ "count", required_argument, NULL, 'c' },
	{ "freq", required_argument, NULL, 'F' },
	{ "call-graph", required_argument, NULL, OPT_CALL_GRAPH },
	{ "user-callchains", no_argument, NULL, OPT_USER_CALLCHAINS },
	{ "data", no_argument, NULL, 'd' },
	{ "off-cpu", no_argument, NULL, OPT_OFF_CPU },
	{ "off-cpu-thresh", required_argument, NULL, OPT_OFF_CPU_THRESH },
	{ "output", required_argument, NULL, 'o' },
	{ "pid", required_argument, NULL, 'p' },
	{ "tid", required_argument, NULL, 't' },
	{ "all-cpus", no_argument, NULL, 'a' },
	{ "cpu", required_argument, NULL, 'C' },
	{ "all-user", no_argument, NULL, OPT_ALL_USER },
	{ "all-kernel", no_argument, NULL, OPT_ALL_KERNEL },
	{ "no-inherit", no_argument, NULL, OPT_NO_INHERIT },
	{ "timestamp", no_argument, NULL, 'T' },
	{ "clockid", required_argument, NULL, 'k' },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "max-events", required_argument, NULL, OPT_MAX_EVENTS },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "switch-output", optional_argument, NULL, OPT_SWITCH_OUTPUT },
	{ "no-buffering", no_argument, NULL, OPT_NO_BUFFERING },
	{ "compression-level", optional_argument, NULL, 'z' },
	{ "mmap-pages", required_argument, NULL, 'm' },
	{ "no-buildid-cache", no_argument, NULL, 'N' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "stat", no_argument, NULL, OPT_STAT },
	{ "repeat", required_argument, NULL, 'r' },
	{ "field-separator", required_argument, NULL, 'x' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Options that only set a capture flag. */
static const struct { int opt; unsigned flag; } flag_opts[] = {
	{ 'd', PF_CAPTURE_DATA_ADDR }, { 'a', PF_CAPTURE_SYSTEM_WIDE },
	{ 's', PF_CAPTURE_INHERIT_STAT }, { 'N', PF_CAPTURE_NO_BUILDID_CACHE },
	{ OPT_USER_CALLCHAINS, PF_CAPTURE_USER_CALLCHAINS }, { OPT_OFF_CPU, PF_CAPTURE_OFF_CPU },
	{ OPT_ALL_USER, PF_CAPTURE_ALL_USER }, { OPT_ALL_KERNEL, PF_CAPTURE_ALL_KERNEL },
	{ OPT_NO_INHERIT, PF_CAPTURE_NO_INHERIT }, { OPT_NO_BUFFERING, PF_CAPTURE_LIVE },
};

static unsigned flag_of(int c)
{
	for (size_t i = 0; i < sizeof flag_opts / sizeof flag_opts[0]; i++)
		if (flag_opts[i].opt == c)
			return flag_opts[i].flag;
	return 0;
}

/* The option as the user spelled it, for "--stat does not take -d". */
static const char *spelled(int c)
{
	static char s[3] = "-?";

	for (const struct option *l = longopts; l->name; l++)
		if (l->val == c && (c >= 256 || c == 'z'))
			return l->name;
	s[1] = (char)c;
	return s;
}

static void check_args(struct options *o)
{
	unsigned f = o->rec.flags;
	int targets = (o->rec.npids > 0) + !!(f & PF_CAPTURE_SYSTEM_WIDE);

	if (o->stat) {
		if (!*o->cmd)
			usage_error("--stat needs a command");
		if (o->not_for_stat)
			usage_error("--stat does not take %s%s (it counts, it does not sample)",
				    o->not_for_stat[0] == '-' ? "" : "--", o->not_for_stat);
		return;
	}
	if (targets == 0 && !*o->cmd && o->rec.ncpus)
		o->rec.flags |= PF_CAPTURE_SYSTEM_WIDE;         /* -C alone: those CPUs */
	else if (targets == 0 && !*o->cmd)
		usage_error("nothing to record: give a command, -p PID, -t TID or -a");
	if (targets > 1)
		usage_error("give -p/-t or -a, not both");
	if ((o->repeat || o->sep) && !o->stat)
		usage_error("-r and -x go with --stat");
	if (o->have_count && o->have_freq)
		usage_error("-c and -F exclude each other: give a period or a frequency");
	if ((f & PF_CAPTURE_ALL_USER) && (f & PF_CAPTURE_ALL_KERNEL))
		usage_error("--all-user and --all-kernel exclude each other");
	if (o->rec.off_cpu_thresh_ns && !(f & PF_CAPTURE_OFF_CPU))
		usage_error("--off-cpu-thresh goes with --off-cpu");
	int to_stdout = o->output && strcmp(o->output, "-") == 0;
	if (to_stdout && (o->switch_size || o->switch_secs || o->switch_on_signal))
		usage_error("--switch-output writes files, not standard output");
	if (to_stdout && o->rec.compress_level)
		usage_error("-z compresses files, not perf's pipe format on standard output");
#ifndef HAVE_ZSTD
	if (o->rec.compress_level)
		usage_error("-z: this pfrecord was built without zstd");
#endif
}

static void parse_args(int argc, char **argv, struct options *o)
{
	int c;
	char *end;

	while ((c = getopt_long(argc, argv, "+e:c:F:gdo:p:t:aC:sTk:z::m:Nqr:x:hV",
				longopts, NULL)) != -1) {
		if (!o->not_for_stat && !strchr("eqrxhV", c) && c != OPT_STAT && c != OPT_ALL_USER)
			o->not_for_stat = spelled(c);
		if (flag_of(c)) {
			o->rec.flags |= flag_of(c);
			continue;
		}
		switch (c) {
		case 'e':
			o->rec.events = optarg;
			break;
		case 'c':
			o->rec.period = number(optarg, "count", ULONG_MAX);
			o->have_count = 1;
			break;
		case 'F':
			o->rec.freq = number(optarg, "frequency", 1000000);
			o->have_freq = 1;
			break;
		case 'g':
			o->rec.callgraph = PF_CALLGRAPH_FP;
			break;
		case OPT_CALL_GRAPH:
			if (parse_callgraph(optarg, o) != 0)
				bad("call graph mode (want fp or dwarf[,SIZE])", optarg);
			break;
		case OPT_OFF_CPU_THRESH: {
			double ms = strtod(optarg, &end);

			if (*end || end == optarg || !(ms >= 0) || ms > 1e9)
				bad("--off-cpu-thresh (milliseconds)", optarg);
			o->rec.off_cpu_thresh_ns = (uint64_t)(ms * 1e6);
			break;
		}
		case 'o':
			o->output = optarg;
			break;
		case 'p':
		case 't':
			if (parse_pids(optarg, o) != 0)
				bad(c == 'p' ? "process id list" : "thread id list", optarg);
			if (c == 't')
				o->rec.flags |= PF_CAPTURE_THREADS_ONLY;
			break;
		case 'C':
			if (parse_cpus(optarg, o) != 0)
				bad("CPU list (want numbers of this machine's CPUs: 0,2-3)", optarg);
			break;
		case 'T':
			break;          /* every sample has its time already */
		case 'k':
			o->rec.clockid = clockid_arg(optarg);
			break;
		case OPT_DURATION:
			o->duration = strtod(optarg, &end);
			if (*end || !(o->duration > 0))
				bad("duration", optarg);
			break;
		case OPT_MAX_EVENTS:
			o->rec.max_events = number(optarg, "--max-events", ULONG_MAX);
			break;
		case OPT_MAX_SIZE:
			if (!(o->max_size = size_arg(optarg)))
				bad("--max-size (want a size such as 100M)", optarg);
			break;
		case OPT_SWITCH_OUTPUT:
			parse_switch_output(optarg, o);
			break;
		case 'z':
			o->rec.compress_level = optarg ? (int)number(optarg, "compression level", 22) : 1;
			break;
		case 'm':
			o->rec.mmap_pages = number(optarg, "page count", 1u << 20);
			if (o->rec.mmap_pages & (o->rec.mmap_pages - 1))
				bad("page count (want a power of 2)", optarg);
			break;
		case 'q':
			o->quiet = 1;
			break;
		case OPT_STAT:
			o->stat = 1;
			break;
		case 'r':
			o->repeat = number(optarg, "repeat count", 100000);
			break;
		case 'x':
			o->sep = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case 'V':
			print_version();
		default:
			usage_hint();
		}
	}
	o->cmd = argv + optind;
	check_args(o);
}

/* ---- the command */

struct child {
	pid_t pid;
	int go, err;            /* write to start it; read its exec failure */
};

/* Fork the command, held before exec until child_go(), so the events can be
   opened on its pid first. */
static int child_start(char **argv, struct child *c, int stdout_to_stderr)
{
	int go[2], err[2];

	if (pipe2(go, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
		warn("pipe: %s", strerror(errno));
		return -1;
	}
	c->pid = fork();
	if (c->pid < 0) {
		warn("fork: %s", strerror(errno));
		return -1;
	}
	if (c->pid == 0) {
		char b;
		int e;

		close(go[1]);
		close(err[0]);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGUSR2, SIG_DFL);
		if (nofile.rlim_cur != RLIM_INFINITY)
			setrlimit(RLIMIT_NOFILE, &nofile);
		/* The recording owns standard output in pipe mode. */
		if (stdout_to_stderr && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(127);
		else if (!stdout_to_stderr && stdout_closed)
			close(STDOUT_FILENO);   /* as it was given to us */
		if (read(go[0], &b, 1) != 1)
			_exit(127);
		execvp(argv[0], argv);
		e = errno;
		if (write(err[1], &e, sizeof e) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(err[1]);
	c->go = go[1];
	c->err = err[0];
	return 0;
}

/* Let it exec; 0 when it did, else errno of the failed exec. */
static int child_go(struct child *c)
{
	int e = 0;

	if (write(c->go, "g", 1) != 1)
		e = errno;
	close(c->go);
	if (read(c->err, &e, sizeof e) != (ssize_t)sizeof e)
		e = 0;
	close(c->err);
	return e;
}

/* A failed exec as shells report it: 127 when there is no such command,
   126 when it is there but cannot be run. */
static int exec_failed(const char *cmd, int e, pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (e == ENOENT) {
		warn("%s: command not found", cmd);
		return 127;
	}
	warn("%s: cannot run: %s", cmd, strerror(e));
	return 126;
}

static void child_end(pid_t pid, int sig, int *status)
{
	kill(pid, sig);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

static int exit_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- counting (--stat) */

/* Mean and relative spread (standard error of the mean, as perf stat's
   "+- x%") of n values. */
static void mean_spread(const double *v, int n, double *mean, double *spread)
{
	double sum = 0, sq = 0;

	for (int i = 0; i < n; i++)
		sum += v[i];
	*mean = sum / n;
	for (int i = 0; i < n; i++)
		sq += (v[i] - *mean) * (v[i] - *mean);
	*spread = n > 1 && *mean != 0 ? sqrt(sq / (n - 1) / n) / fabs(*mean) * 100 : 0;
}

enum { F_WALL, F_USER, F_SYS, F_CPU, F_RSS, F_N };

static const char *const fig_name[F_N] = {
	"seconds time elapsed", "seconds user", "seconds sys", "% CPU utilisation", "kB max RSS",
};
static const char *const fig_csv[F_N][2] = {
	{ "s", "time-elapsed" }, { "s", "user" }, { "s", "sys" }, { "%", "cpu-utilisation" },
	{ "kB", "max-rss" },
};

/* One run's readings. */
struct run {
	struct pf_stat_value *v;
	double fig[F_N];
};

/* One run: fork, count, wait. */
static int stat_once(struct options *o, struct run *run, size_t *ncounters, int *status)
{
	static int warned;
	struct pf_stat_opts so;
	uint64_t task_clock = 0;
	struct child c;
	struct rusage ru;
	double t0;
	pf_stat *st;
	int e;

	pf_stat_opts_init(&so);
	so.events = o->rec.events;
	if (o->rec.flags & PF_CAPTURE_ALL_USER)
		so.flags |= PF_STAT_ALL_USER;
	if (child_start(o->cmd, &c, 0) != 0)
		return -1;
	if (!(st = pf_stat_open(c.pid, &so))) {
		warn("%s", pf_errmsg());
		child_end(c.pid, SIGKILL, NULL);
		return -1;
	}
	if (pf_stat_user_only(st) && !warned++)
		warn("warning: kernel.perf_event_paranoid keeps the kernel out: "
		     "counting user space only (no context switches)");
	*ncounters = pf_stat_count(st);
	if (!(run->v = calloc(*ncounters, sizeof *run->v))) {
		warn("out of memory");
		child_end(c.pid, SIGKILL, NULL);
		pf_stat_close(st);
		return -1;
	}
	/* The wall clock brackets everything the counters and getrusage
	   can see, from before the exec to after the exit: CPU time over it
	   is never more than 100% per thread. */
	t0 = now();
	if ((e = child_go(&c)) != 0) {
		pf_stat_close(st);
		return -exec_failed(o->cmd[0], e, c.pid);
	}
	while (wait4(c.pid, status, 0, &ru) < 0) {
		if (errno != EINTR) {
			warn("wait: %s", strerror(errno));
			pf_stat_close(st);
			return -1;
		}
		if (stop_signal)
			kill(c.pid, stop_signal);
	}
	run->fig[F_WALL] = now() - t0;
	if (pf_stat_read(st, run->v, &task_clock) != 0) {
		warn("%s", pf_errmsg());
		pf_stat_close(st);
		return -1;
	}
	/* Names stay the run's: copy them out before the counters go. */
	for (size_t i = 0; i < *ncounters; i++)
		run->v[i].name = strdup(run->v[i].name);
	pf_stat_close(st);
	run->fig[F_USER] = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
	run->fig[F_SYS] = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	/* task-clock: the command's CPU time from its exec on. */
	run->fig[F_CPU] = run->fig[F_WALL] > 0 ? task_clock / 1e9 / run->fig[F_WALL] * 100 : 0;
	run->fig[F_RSS] = ru.ru_maxrss;
	return 0;
}

/* The counters' rows over all runs. */
static struct stat_row *stat_rows(const struct run *runs, int n, size_t nc)
{
	struct stat_row *rows = calloc(nc ? nc : 1, sizeof *rows);
	double *v = calloc(n, sizeof *v);

	if (!rows || !v) {
		free(rows);
		free(v);
		return NULL;
	}
	for (size_t i = 0; i < nc; i++) {
		rows[i].name = runs[0].v[i].name ? runs[0].v[i].name : "?";
		rows[i].supported = runs[0].v[i].supported;
		for (int r = 0; r < n; r++) {
			v[r] = runs[r].v[i].value;
			rows[i].enabled += runs[r].v[i].enabled;
			rows[i].running += runs[r].v[i].running;
		}
		mean_spread(v, n, &rows[i].value, &rows[i].spread);
		rows[i].enabled /= n;   /* a run's, as perf stat shows */
		rows[i].running /= n;
	}
	free(v);
	return rows;
}

/* Like perf stat, on standard error: the command owns standard output. */
static void stat_print(struct options *o, const struct run *runs, int n, size_t nc)
{
	struct stat_row *rows = stat_rows(runs, n, nc);
	double *v = calloc(n ? n : 1, sizeof *v), mean, spread, wall;

	if (!rows || !v) {
		free(rows);
		free(v);
		return;
	}
	for (int r = 0; r < n; r++)
		v[r] = runs[r].fig[F_WALL];
	mean_spread(v, n, &wall, &spread);
	stat_print_rows(stderr, rows, nc, n, wall * 1e9, o->sep);
	for (int f = 0; f < F_N; f++) {
		int integer = f == F_RSS;

		for (int r = 0; r < n; r++)
			v[r] = runs[r].fig[f];
		mean_spread(v, n, &mean, &spread);
		if (o->sep) {
			/* perf stat's columns, with no run time or metric. */
			fprintf(stderr, integer ? "%.0f%s%s%s%s" : "%.9f%s%s%s%s", mean, o->sep,
				fig_csv[f][0], o->sep, fig_csv[f][1]);
			if (n > 1)
				fprintf(stderr, "%s%.2f%%", o->sep, spread);
			fprintf(stderr, "%s%s%s%s\n", o->sep, o->sep, o->sep, o->sep);
			continue;
		}
		if (f == F_WALL)
			fputc('\n', stderr);
		/* Names are padded only when a spread column follows. */
		int pad = n > 1 ? (integer ? 22 : 27) : 0;
		if (integer)
			fprintf(stderr, "%18.0f      %-*s", mean, pad, fig_name[f]);
		else if (f == F_CPU)
			fprintf(stderr, "%18.1f %-*s", mean, pad, fig_name[f]);
		else
			fprintf(stderr, "%18.9f %-*s", mean, pad, fig_name[f]);
		if (n > 1)
			fprintf(stderr, "  ( +- %5.2f%% )", spread);
		fputc('\n', stderr);
	}
	free(rows);
	free(v);
}

static void free_runs(struct run *runs, int n, size_t nc)
{
	for (int r = 0; r < n; r++) {
		for (size_t i = 0; runs[r].v && i < nc; i++)
			free((char *)runs[r].v[i].name);
		free(runs[r].v);
	}
	free(runs);
}

static int stat_main(struct options *o)
{
	int n = o->repeat ? o->repeat : 1, status = 0, done = 0;
	struct run *runs = calloc(n, sizeof *runs);
	size_t nc = 0;

	if (!runs) {
		warn("out of memory");
		return 1;
	}
	for (int r = 0; r < n; r++) {
		int rc = stat_once(o, &runs[r], &nc, &status);

		if (rc != 0) {
			free_runs(runs, r + 1, nc);
			return rc < -1 ? -rc : 1;
		}
		done = r + 1;
		if (stop_signal)
			break;
	}
	if (!o->sep) {
		fprintf(stderr, "\n Performance counter stats for '");
		for (char **a = o->cmd; *a; a++)
			fprintf(stderr, "%s%s", a == o->cmd ? "" : " ", *a);
		fprintf(stderr, "'");
		if (done > 1)
			fprintf(stderr, " (%d runs)", done);
		fprintf(stderr, ":\n\n");
	}
	stat_print(o, runs, done, nc);
	if (!o->sep)
		fputc('\n', stderr);
	free_runs(runs, n, nc);
	return exit_status(status);
}

/* ---- recording */

/* "pf.data.2026112112345601": perf's name for a finished --switch-output
   file, the time in centiseconds. */
static void switch_name(const char *output, char *buf, size_t size)
{
	struct timeval tv;
	struct tm tm;
	char ts[32];

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof ts, "%Y%m%d%H%M%S", &tm);
	snprintf(buf, size, "%s.%s%02u", output, ts, (unsigned)(tv.tv_usec / 10000));
}

static int switch_output(struct options *o, pf_capture *rec)
{
	char name[PATH_MAX];

	switch_name(o->rec.output, name, sizeof name);
	if (pf_capture_switch(rec, name) != 0) {
		warn("%s", pf_errmsg());
		return -1;
	}
	if (!o->quiet)
		fprintf(stderr, "[ pfrecord: Dump %s ]\n", name);
	return 0;
}

/* The lost-samples warning, with what helps in this case. */
static void warn_lost(const struct options *o, const struct pf_capture_stats *st)
{
	char hint[256];
	unsigned pages = o->rec.mmap_pages ? o->rec.mmap_pages
		: o->rec.callgraph == PF_CALLGRAPH_DWARF ? 8192 : 1024;
	int n = snprintf(hint, sizeof hint, "a larger ring buffer (-m %u)", pages * 2);
	unsigned stack = o->rec.stack_size ? o->rec.stack_size : 8192;

	if (o->rec.callgraph == PF_CALLGRAPH_DWARF && stack > 2048)
		n += snprintf(hint + n, sizeof hint - n, ", a smaller stack copy "
			      "(--call-graph dwarf,%u)", stack > 4096 ? 2048 : 1024);
	if (o->rec.events && strchr(o->rec.events, ','))
		n += snprintf(hint + n, sizeof hint - n, ", fewer events");
	if (o->rec.period <= 1 && !o->have_freq)
		snprintf(hint + n, sizeof hint - n, ", or a sample of the events (-c 10)");
	warn("warning: lost %llu samples in %llu chunks: the ring buffers filled faster than "
	     "pfrecord could empty them; try %s",
	     (unsigned long long)st->lost, (unsigned long long)st->lost_chunks, hint);
}

/* Exit as a writer to a closed pipe does, killed by SIGPIPE (141 in the
   shell), as perf does. */
static noreturn void die_of_sigpipe(void)
{
	fflush(stderr);
	signal(SIGPIPE, SIG_DFL);
	raise(SIGPIPE);
	_exit(128 + SIGPIPE);
}

/* Standard output is closed (pfrecord started with >&-): keep fd 1 taken
   so that no later descriptor lands there, or refuse when the recording
   was to go there. */
static void check_stdout(const struct options *o)
{
	if (fcntl(STDOUT_FILENO, F_GETFD) >= 0 || errno != EBADF)
		return;
	if (o->output && strcmp(o->output, "-") == 0)
		die("standard output is closed: nothing to write the recording to (give -o FILE)");
	if (open("/dev/null", O_WRONLY) != STDOUT_FILENO)
		die("standard output is closed and cannot be reopened");
	stdout_closed = 1;
}

struct session {
	struct child c;
	int have_cmd, child_done, status;
};

/* Poll until the recording should end; the reason as pf_capture_poll
   says it, or -1 on an error. */
static int record_loop(struct options *o, pf_capture *rec, struct session *s)
{
	double start = now(), end = o->duration > 0 ? start + o->duration : 0;
	double next_switch = o->switch_secs ? start + o->switch_secs : 0;
	int timeout = (o->rec.flags & PF_CAPTURE_LIVE) || !o->output || !strcmp(o->output, "-")
		? 50 : 100;
	int explicit_targets = o->rec.npids || (o->rec.flags & PF_CAPTURE_SYSTEM_WIDE);

	while (!stop_signal) {
		int r = pf_capture_poll(rec, timeout);
		struct pf_capture_stats st;

		if (r < 0) {
			warn("%s", pf_errmsg());
			return -1;
		}
		if (r == PF_CAPTURE_READER_GONE || r == PF_CAPTURE_LIMIT)
			return r;
		if (s->have_cmd && waitpid(s->c.pid, &s->status, WNOHANG) == s->c.pid) {
			s->child_done = 1;
			return PF_CAPTURE_TARGETS_GONE;
		}
		/* -p/-t without a command: until every task we followed has
		   exited.  With one, until the command ends (perf's -- sleep N). */
		if (!s->have_cmd && r == PF_CAPTURE_TARGETS_GONE)
			return r;
		if (!s->have_cmd && explicit_targets && !(o->rec.flags & PF_CAPTURE_SYSTEM_WIDE)) {
			int alive = 0;

			for (size_t i = 0; i < o->rec.npids && !alive; i++)
				alive = kill(o->pids[i], 0) == 0 || errno != ESRCH;
			if (!alive)
				return PF_CAPTURE_TARGETS_GONE;
		}
		if (end && now() >= end)
			break;
		pf_capture_get_stats(rec, &st);
		if (o->max_size && st.bytes >= o->max_size) {
			if (!o->quiet)
				fprintf(stderr, "[ pfrecord: size limit reached (%llu KB), stopping ]\n",
					(unsigned long long)st.bytes / 1024);
			break;
		}
		int sw = switch_signal || (o->switch_size && st.bytes >= o->switch_size) ||
			(next_switch && now() >= next_switch);
		if (sw) {
			switch_signal = 0;
			if (next_switch)
				next_switch = now() + o->switch_secs;
			if (switch_output(o, rec) != 0)
				return -1;
		}
	}
	return PF_CAPTURE_RUNNING;
}

static int record(struct options *o, int argc, char **argv)
{
	struct pf_capture_stats st;
	struct session s = { 0 };
	struct stat sb;
	int rc = 0, why;
	pf_capture *rec;

	check_stdout(o);
	if (!o->output && !stdout_closed && fstat(STDOUT_FILENO, &sb) == 0 && S_ISFIFO(sb.st_mode))
		o->output = "-";
	o->rec.output = o->output ? o->output : "pf.data";
	o->rec.argc = argc;
	o->rec.argv = argv;
	o->rec.pids = o->pids;
	o->rec.cpus = o->rec.ncpus ? o->cpus : NULL;
	s.have_cmd = *o->cmd != NULL;
	if (s.have_cmd) {
		if (child_start(o->cmd, &s.c, strcmp(o->rec.output, "-") == 0) != 0)
			return 1;
		/* Without -p/-t/-a the command is the target. */
		if (!o->rec.npids && !(o->rec.flags & PF_CAPTURE_SYSTEM_WIDE)) {
			o->pids[0] = s.c.pid;
			o->rec.npids = 1;
			o->rec.flags |= PF_CAPTURE_ON_EXEC;
		}
	}
	rec = pf_capture_open(&o->rec);
	if (!rec) {
		warn("%s", pf_errmsg());
		if (s.have_cmd)
			child_end(s.c.pid, SIGKILL, NULL);
		return 1;
	}
	if (pf_capture_user_only(rec) && !o->quiet)
		warn("warning: kernel.perf_event_paranoid keeps the kernel out: "
		     "recording user space only");
	/* Nothing is written, and an earlier recording is left as it is,
	   until the command has really started. */
	if (s.have_cmd) {
		int e = child_go(&s.c);

		if (e) {
			pf_capture_close(rec, NULL);
			return exec_failed(o->cmd[0], e, s.c.pid);
		}
	}
	if (pf_capture_start(rec) != 0) {
		int gone = errno == EPIPE;      /* the reader left before we began */

		if (!gone)
			warn("%s", pf_errmsg());
		if (s.have_cmd)
			child_end(s.c.pid, SIGTERM, NULL);
		pf_capture_close(rec, NULL);
		if (gone)
			die_of_sigpipe();
		return 1;
	}
	why = record_loop(o, rec, &s);
	if (why < 0)
		rc = 1;
	/* Ended early (a signal, --duration, --max-events, a closed reader):
	   the command is stopped as on Ctrl-C. */
	if (s.have_cmd && !s.child_done)
		child_end(s.c.pid, SIGTERM, &s.status);
	if (why == PF_CAPTURE_READER_GONE) {
		pf_capture_close(rec, NULL);
		die_of_sigpipe();
	}
	if (pf_capture_close(rec, &st) != 0) {
		if (rc == 0)    /* else already said */
			warn("%s", pf_errmsg());
		return 1;
	}
	const char *wrote = strcmp(o->rec.output, "-") ? o->rec.output : "(stdout)";
	char name[PATH_MAX];
	if (o->switch_size || o->switch_secs || o->switch_on_signal) {
		switch_name(o->rec.output, name, sizeof name);
		if (rename(o->rec.output, name) != 0) {
			warn("%s: renaming to %s: %s", o->rec.output, name, strerror(errno));
			return 1;
		}
		wrote = name;
	}
	if (!o->quiet)
		fprintf(stderr, "[ pfrecord: Captured and wrote %.3f MB %s (%llu samples) ]\n",
			st.bytes / 1048576.0, wrote, (unsigned long long)st.samples);
	if (st.lost)
		warn_lost(o, &st);
	if (rc)
		return rc;
	return s.have_cmd ? exit_status(s.status) : 0;
}

int main(int argc, char **argv)
{
	struct options o;
	struct sigaction sa;

	tool_init("pfrecord");
	memset(&o, 0, sizeof o);
	pf_capture_opts_init(&o.rec);
	o.rec.output = NULL;
	parse_args(argc, argv, &o);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_child;
	sigaction(SIGCHLD, &sa, NULL);
	if (o.switch_on_signal) {
		sa.sa_handler = on_switch;
		sigaction(SIGUSR2, &sa, NULL);
	}
	/* A closed pipe is noticed by its EPIPE and poll(), and then ends the
	   recording properly before pfrecord dies of SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);

	/* An event per thread and CPU for -p of a big process can need
	   thousands of descriptors: take what the hard limit allows. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		nofile = rl;
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (o.stat)
		return stat_main(&o);
	return record(&o, argc, argv);
}
