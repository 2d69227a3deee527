/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pfrecord: record page faults (or other software events and tracepoints)
 * with their call stacks into perf's perf.data format, like `perf record`;
 * with --stat, count them like `perf stat`.  Options and the running of the
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
#include <sys/wait.h>

#include <pf/pf.h>
#include "tool.h"

static volatile sig_atomic_t stop_signal;
static struct rlimit nofile = { RLIM_INFINITY, RLIM_INFINITY };  /* the command's */

static void on_stop(int sig)
{
	stop_signal = sig;
}

static void on_child(int sig)
{
	(void)sig;      /* only to interrupt poll() */
}

struct options {
	struct pf_capture_opts rec;
	pid_t pids[256];
	const char *output;
	double duration;
	int quiet, stat, repeat;
	const char *sep;
	char **cmd;
};

static void usage(FILE *f)
{
	fputs("Usage: pfrecord [OPTIONS] [--] COMMAND [ARGS...]\n"
	      "       pfrecord [OPTIONS] -p PID[,PID...] | -t TID[,TID...] | -a\n"
	      "       pfrecord --stat [-r N] [-x SEP] [--] COMMAND [ARGS...]\n"
	      "Record page faults (or other events) with call stacks into perf.data.\n"
	      "\n"
	      "  -e, --event=EVENT[,EVENT...]  page-faults (default; alias faults), minor-faults,\n"
	      "                        major-faults, cpu-clock, task-clock, context-switches,\n"
	      "                        cpu-migrations, or a tracepoint SUBSYS:NAME;\n"
	      "                        :u, :k, :h after a name keep user, kernel, hypervisor\n"
	      "  -c, --count=N         sample every Nth event (default 1 for counted events)\n"
	      "  -F, --freq=HZ         sample HZ times a second (default 99 for clock events)\n"
	      "  -g                    record frame-pointer call chains\n"
	      "      --call-graph=fp|dwarf[,SIZE]  call chains by frame pointers, or a copy\n"
	      "                        of SIZE bytes of user stack (default 8192) for DWARF\n"
	      "  -d, --data            record the faulting data address\n"
	      "  -o, --output=FILE     output file (default pf.data; - writes perf's pipe format)\n"
	      "  -p, --pid=PID[,PID...]  record existing processes\n"
	      "  -t, --tid=TID[,TID...]  record existing threads only\n"
	      "  -a, --all-cpus        record every process on every CPU\n"
	      "      --duration=SECS   stop after SECS seconds\n"
	      "  -m, --mmap-pages=N    ring buffer pages per CPU or thread (a power of 2)\n"
	      "  -q, --quiet           print nothing but errors\n"
	      "      --stat            count faults and context switches instead of sampling\n"
	      "  -r, --repeat=N        with --stat: run the command N times, print mean and spread\n"
	      "  -x, --field-separator=SEP  with --stat: one machine-readable row per figure\n"
	      "  -h, --help            show this help\n"
	      "  -V, --version         show the version\n", f);
}

static int parse_pids(const char *arg, struct options *o)
{
	char *copy = strdup(arg), *save = NULL;

	if (!copy)
		return -1;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *end;
		long v = strtol(t, &end, 10);

		if (*end || v <= 0 || v > INT_MAX || o->rec.npids == 256) {
			free(copy);
			return -1;
		}
		o->pids[o->rec.npids++] = v;
	}
	free(copy);
	return o->rec.npids ? 0 : -1;
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

static noreturn void bad(const char *what, const char *arg)
{
	usage_error("%s: invalid %s", arg, what);
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

enum { OPT_CALL_GRAPH = 256, OPT_DURATION, OPT_STAT };

static void parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "event", required_argument, NULL, 'e' },
		{ "count", required_argument, NULL, 'c' },
		{ "freq", required_argument, NULL, 'F' },
		{ "call-graph", required_argument, NULL, OPT_CALL_GRAPH },
		{ "data", no_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "pid", required_argument, NULL, 'p' },
		{ "tid", required_argument, NULL, 't' },
		{ "all-cpus", no_argument, NULL, 'a' },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "mmap-pages", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "stat", no_argument, NULL, OPT_STAT },
		{ "repeat", required_argument, NULL, 'r' },
		{ "field-separator", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	char *end;

	while ((c = getopt_long(argc, argv, "+e:c:F:gdo:p:t:am:qr:x:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			o->rec.events = optarg;
			break;
		case 'c':
			o->rec.period = number(optarg, "count", ULONG_MAX);
			break;
		case 'F':
			o->rec.freq = number(optarg, "frequency", 1000000);
			break;
		case 'g':
			o->rec.callgraph = PF_CALLGRAPH_FP;
			break;
		case OPT_CALL_GRAPH:
			if (parse_callgraph(optarg, o) != 0)
				bad("call graph mode (want fp or dwarf[,SIZE])", optarg);
			break;
		case 'd':
			o->rec.data_addr = 1;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'p':
		case 't':
			if (parse_pids(optarg, o) != 0)
				bad(c == 'p' ? "process id list" : "thread id list", optarg);
			o->rec.threads_only = c == 't';
			break;
		case 'a':
			o->rec.system_wide = 1;
			break;
		case OPT_DURATION:
			o->duration = strtod(optarg, &end);
			if (*end || !(o->duration > 0))
				bad("duration", optarg);
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
			usage(stdout);
			exit(0);
		case 'V':
			print_version();
		default:
			usage_hint();
		}
	}
	o->cmd = argv + optind;
	int targets = (*o->cmd != NULL) + (o->rec.npids > 0) + o->rec.system_wide;
	if (o->stat && !*o->cmd)
		usage_error("--stat needs a command");
	if (targets == 0 || (o->rec.npids && targets > 1))
		usage_error("%s", targets ? "give a command, -p/-t or -a, not several"
				 : "nothing to record: give a command, -p PID, -t TID or -a");
	if ((o->repeat || o->sep) && !o->stat)
		usage_error("-r and -x go with --stat");
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
		if (nofile.rlim_cur != RLIM_INFINITY)
			setrlimit(RLIMIT_NOFILE, &nofile);
		/* The recording owns standard output in pipe mode. */
		if (stdout_to_stderr && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(127);
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

enum { F_COUNTERS = PF_STAT_NCOUNTERS, F_WALL = F_COUNTERS, F_USER, F_SYS, F_CPU, F_RSS, F_N };

static const char *const fig_name[F_N - F_COUNTERS] = {
	"seconds time elapsed", "seconds user", "seconds sys", "% CPU utilisation", "kB max RSS",
};
static const char *const fig_csv[F_N - F_COUNTERS][2] = {
	{ "s", "time-elapsed" }, { "s", "user" }, { "s", "sys" }, { "%", "cpu-utilisation" },
	{ "kB", "max-rss" },
};

/* One run: fork, count, wait; figures in fig[F_N]. */
static int stat_once(struct options *o, double *fig, int *status)
{
	static int warned;
	uint64_t counts[PF_STAT_NCOUNTERS];
	struct child c;
	struct rusage ru;
	double t0;
	pf_stat *st;
	int e;

	if (child_start(o->cmd, &c, 0) != 0)
		return -1;
	if (!(st = pf_stat_open(c.pid))) {
		warn("%s", pf_errmsg());
		kill(c.pid, SIGKILL);
		waitpid(c.pid, NULL, 0);
		return -1;
	}
	if (pf_stat_user_only(st) && !warned++)
		warn("warning: kernel.perf_event_paranoid keeps the kernel out: "
		     "counting user space only (no context switches)");
	t0 = now();
	if ((e = child_go(&c)) != 0) {
		warn("%s: cannot run: %s", o->cmd[0], strerror(e));
		waitpid(c.pid, NULL, 0);
		pf_stat_close(st, NULL);
		return -1;
	}
	while (wait4(c.pid, status, 0, &ru) < 0) {
		if (errno != EINTR) {
			warn("wait: %s", strerror(errno));
			pf_stat_close(st, NULL);
			return -1;
		}
		if (stop_signal)
			kill(c.pid, stop_signal);
	}
	fig[F_WALL] = now() - t0;
	if (pf_stat_close(st, counts) != 0) {
		warn("%s", pf_errmsg());
		return -1;
	}
	for (int i = 0; i < PF_STAT_NCOUNTERS; i++)
		fig[i] = counts[i];
	fig[F_USER] = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
	fig[F_SYS] = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	fig[F_CPU] = fig[F_WALL] > 0 ? (fig[F_USER] + fig[F_SYS]) / fig[F_WALL] * 100 : 0;
	fig[F_RSS] = ru.ru_maxrss;
	return 0;
}

/* Like perf stat, on standard error: the command owns standard output. */
static void stat_print(struct options *o, double (*figs)[F_N], int runs)
{
	double *v = calloc(runs, sizeof *v), mean, spread;

	if (!v)
		return;
	for (int f = 0; f < F_N; f++) {
		const char *name = f < F_COUNTERS ? pf_stat_name(f) : fig_name[f - F_COUNTERS];
		int integer = f < F_COUNTERS || f == F_RSS;

		for (int r = 0; r < runs; r++)
			v[r] = figs[r][f];
		mean_spread(v, runs, &mean, &spread);
		if (o->sep) {
			fprintf(stderr, integer ? "%.0f%s%s%s%s" : "%.9f%s%s%s%s", mean, o->sep,
			       f < F_COUNTERS ? "" : fig_csv[f - F_COUNTERS][0], o->sep,
			       f < F_COUNTERS ? name : fig_csv[f - F_COUNTERS][1]);
			if (runs > 1)
				fprintf(stderr, "%s%.2f%%", o->sep, spread);
			fputc('\n', stderr);
			continue;
		}
		if (f == F_WALL)
			fputc('\n', stderr);
		/* Names are padded only when a spread column follows. */
		int pad = runs > 1 ? (integer ? 22 : 27) : 0;
		if (integer)
			fprintf(stderr, "%18.0f      %-*s", mean, pad, name);
		else if (f == F_CPU)
			fprintf(stderr, "%18.1f %-*s", mean, pad, name);
		else
			fprintf(stderr, "%18.9f %-*s", mean, pad, name);
		if (runs > 1)
			fprintf(stderr, "  ( +- %5.2f%% )", spread);
		fputc('\n', stderr);
	}
	free(v);
}

static int stat_main(struct options *o)
{
	int runs = o->repeat ? o->repeat : 1, status = 0;
	double (*figs)[F_N] = calloc(runs, sizeof *figs);

	if (!figs) {
		warn("out of memory");
		return 1;
	}
	for (int r = 0; r < runs; r++) {
		if (stat_once(o, figs[r], &status) != 0) {
			free(figs);
			return 1;
		}
		if (stop_signal) {
			runs = r + 1;
			break;
		}
	}
	if (!o->sep) {
		fprintf(stderr, "\n Performance counter stats for '");
		for (char **a = o->cmd; *a; a++)
			fprintf(stderr, "%s%s", a == o->cmd ? "" : " ", *a);
		fprintf(stderr, "'");
		if (runs > 1)
			fprintf(stderr, " (%d runs)", runs);
		fprintf(stderr, ":\n\n");
	}
	stat_print(o, figs, runs);
	if (!o->sep)
		fputc('\n', stderr);
	free(figs);
	return exit_status(status);
}

/* ---- recording */

/* Whether every process of -p (thread of -t) has exited. */
static int all_gone(const struct options *o)
{
	for (size_t i = 0; i < o->rec.npids; i++)
		if (kill(o->pids[i], 0) == 0 || errno != ESRCH)
			return 0;
	return 1;
}

static int record(struct options *o, int argc, char **argv)
{
	struct pf_capture_stats st;
	struct child c = { 0 };
	struct stat sb;
	int status = 0, have_cmd = *o->cmd != NULL, child_done = 0, rc = 0;
	double end = 0;
	pf_capture *rec;

	if (!o->output && fstat(STDOUT_FILENO, &sb) == 0 && S_ISFIFO(sb.st_mode))
		o->output = "-";
	o->rec.output = o->output ? o->output : "pf.data";
	o->rec.argc = argc;
	o->rec.argv = argv;
	o->rec.pids = o->pids;
	if (have_cmd) {
		if (child_start(o->cmd, &c, strcmp(o->rec.output, "-") == 0) != 0)
			return 1;
		if (!o->rec.system_wide) {
			o->pids[0] = c.pid;
			o->rec.npids = 1;
			o->rec.on_exec = 1;
		}
	}
	rec = pf_capture_open(&o->rec);
	if (!rec) {
		warn("%s", pf_errmsg());
		if (have_cmd) {
			kill(c.pid, SIGKILL);
			waitpid(c.pid, NULL, 0);
		}
		return 1;
	}
	if (pf_capture_user_only(rec) && !o->quiet)
		warn("warning: kernel.perf_event_paranoid keeps the kernel out: "
		     "recording user space only");
	if (!o->rec.on_exec && pf_capture_enable(rec) != 0) {
		warn("%s", pf_errmsg());
		rc = 1;
	}
	if (have_cmd) {
		int e = child_go(&c);

		if (e) {
			warn("%s: cannot run: %s", o->cmd[0], strerror(e));
			rc = 1;
		}
	}
	if (o->duration > 0)
		end = now() + o->duration;
	while (rc == 0 && !stop_signal) {
		int r = pf_capture_poll(rec, 100);

		if (r < 0) {
			warn("%s", pf_errmsg());
			rc = 1;
			break;
		}
		if (have_cmd && waitpid(c.pid, &status, WNOHANG) == c.pid) {
			child_done = 1;
			break;
		}
		if (!have_cmd && !o->rec.system_wide && (r == 1 || all_gone(o)))
			break;          /* every task we followed has exited */
		if (end && now() >= end)
			break;
	}
	if (have_cmd && !child_done) {
		kill(c.pid, SIGTERM);
		while (waitpid(c.pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	if (pf_capture_close(rec, &st) != 0) {
		if (rc == 0)    /* else already said */
			warn("%s", pf_errmsg());
		return 1;
	}
	if (!o->quiet) {
		fprintf(stderr, "[ pfrecord: Captured and wrote %.3f MB %s (%llu samples) ]\n",
			st.bytes / 1048576.0, strcmp(o->rec.output, "-") ? o->rec.output : "(stdout)",
			(unsigned long long)st.samples);
	}
	if (st.lost)
		warn("warning: lost %llu samples (ring buffer full: try a larger -m)",
		     (unsigned long long)st.lost);
	if (rc)
		return rc;
	return have_cmd ? exit_status(status) : 0;
}

int main(int argc, char **argv)
{
	struct options o;
	struct sigaction sa;

	tool_init("pfrecord");
	memset(&o, 0, sizeof o);
	parse_args(argc, argv, &o);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_child;
	sigaction(SIGCHLD, &sa, NULL);
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
