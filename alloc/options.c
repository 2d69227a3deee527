/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Tunables, read once from the environment at initialization, and the
 * allocator's few messages.  Everything here runs before the allocator
 * works (possibly inside the first malloc() of a preloaded process), so it
 * must not allocate: no stdio, no strdup, getenv-like scanning of environ
 * by hand, and /proc/self/environ when libc has not set environ yet.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ss-int.h"

extern char **environ;

struct ss_options ss_opt = {
	.prefault = 0, .hugepages = 0, .prewarm = 0, .purge_delay_ms = 1000,
	.stats = 0, .trace = 0, .purge_dontneed = 0, .ss_shift = SS_DEFAULT_SHIFT,
};
size_t ss_size = (size_t)1 << SS_DEFAULT_SHIFT;
int ss_stats_fd = -1;
uintptr_t ss_mask = ((uintptr_t)1 << SS_DEFAULT_SHIFT) - 1;

void ss_write(const char *s)
{
	size_t n = strlen(s);
	while (n > 0) {
		ssize_t w = write(2, s, n);
		if (w <= 0 && errno != EINTR)
			return;
		if (w > 0) {
			s += w;
			n -= (size_t)w;
		}
	}
}

void ss_write_num(uint64_t v, int hex)
{
	char buf[24], *p = buf + sizeof buf;
	unsigned base = hex ? 16 : 10;
	*--p = '\0';
	do {
		*--p = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (hex) {
		*--p = 'x';
		*--p = '0';
	}
	ss_write(p);
}

void ss_assert_fail(const char *what, const char *file, int line)
{
	ss_write("superslab: internal error: ");
	ss_write(what);
	ss_write(" at ");
	ss_write(file);
	ss_write(":");
	ss_write_num((uint64_t)line, 0);
	ss_write("\n");
	abort();
}

void ss_misuse(const char *fn, const char *what, const void *p)
{
	ss_write("superslab: ");
	ss_write(fn);
	ss_write("(): ");
	ss_write(what);
	ss_write(" ");
	ss_write_num((uintptr_t)p, 1);
	ss_write("\n");
	abort();
}

void ss_trace_fail(const char *fn, size_t size, const char *cls, const char *cause, int err)
{
	atomic_fetch_add_explicit(&ss_failures, 1, memory_order_relaxed);
	if (!ss_opt.trace)
		return;
	ss_write("superslab: trace: ");
	ss_write(fn);
	ss_write("(");
	ss_write_num(size, 0);
	ss_write(") class ");
	ss_write(cls);
	ss_write(": ");
	ss_write(cause);
	if (err) {
		ss_write(" (errno ");
		ss_write_num((uint64_t)err, 0);
		ss_write(")");
	}
	ss_write("\n");
}

/* The process environment before libc's constructor has set environ. */
static char proc_env[65536];
static size_t proc_env_len;

static void load_proc_environ(void)
{
	int fd = open("/proc/self/environ", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t r;
	while (proc_env_len < sizeof proc_env - 1 &&
	       (r = read(fd, proc_env + proc_env_len, sizeof proc_env - 1 - proc_env_len)) > 0)
		proc_env_len += (size_t)r;
	close(fd);
}

static const char *env_get(const char *name)
{
	size_t n = strlen(name);
	if (environ) {
		for (char **e = environ; *e; e++)
			if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
				return *e + n + 1;
		return NULL;
	}
	for (size_t i = 0; i < proc_env_len; i += strlen(proc_env + i) + 1)
		if (strncmp(proc_env + i, name, n) == 0 && proc_env[i + n] == '=')
			return proc_env + i + n + 1;
	return NULL;
}

static void warn_bad(const char *name, const char *val, const char *want)
{
	ss_write("superslab: warning: ");
	ss_write(name);
	ss_write("='");
	ss_write(val);
	ss_write("' is invalid (");
	ss_write(want);
	ss_write("), using the default\n");
}

/* Parse a decimal integer with an optional K/M/G suffix (scale != 0). */
static bool parse_long(const char *s, long lo, long hi, bool suffix, long *out)
{
	bool neg = false;
	long v = 0;
	if (*s == '-') {
		neg = true;
		s++;
	}
	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > (1L << 40))
			return false;
		v = v * 10 + (*s - '0');
	}
	if (suffix && *s) {
		int sh = *s == 'k' || *s == 'K' ? 10 : *s == 'm' || *s == 'M' ? 20 :
			 *s == 'g' || *s == 'G' ? 30 : -1;
		if (sh < 0 || v > (1L << 20))
			return false;
		v <<= sh;
		s++;
		if (*s == 'i' && s[1] == 'B')
			s += 2;
		else if (*s == 'B')
			s++;
	}
	if (*s)
		return false;
	if (neg)
		v = -v;
	if (v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static void opt_long(const char *name, long lo, long hi, const char *want, long *dst)
{
	const char *v = env_get(name);
	long x;
	if (!v)
		return;
	if (parse_long(v, lo, hi, false, &x))
		*dst = x;
	else
		warn_bad(name, v, want);
}

void options_init(void)
{
	const char *v;
	long x;

	if (!environ)
		load_proc_environ();
	opt_long("SUPERSLAB_PREFAULT", 0, 1, "0 or 1", &ss_opt.prefault);
	opt_long("SUPERSLAB_HUGEPAGES", 0, 1, "0 or 1", &ss_opt.hugepages);
	opt_long("SUPERSLAB_PREWARM", 0, 1024, "a count from 0 to 1024", &ss_opt.prewarm);
	opt_long("SUPERSLAB_PURGE_DELAY_MS", -1, 86400000L,
		 "milliseconds, or -1 for never", &ss_opt.purge_delay_ms);
	opt_long("SUPERSLAB_STATS", 0, 1, "0 or 1", &ss_opt.stats);
	opt_long("SUPERSLAB_TRACE", 0, 1, "0 or 1", &ss_opt.trace);
	if ((v = env_get("SUPERSLAB_PURGE"))) {
		if (strcmp(v, "free") == 0)
			ss_opt.purge_dontneed = 0;
		else if (strcmp(v, "dontneed") == 0)
			ss_opt.purge_dontneed = 1;
		else
			warn_bad("SUPERSLAB_PURGE", v, "free or dontneed");
	}
	if ((v = env_get("SUPERSLAB_SIZE"))) {
		if (parse_long(v, 1L << SS_MIN_SHIFT, 1L << SS_MAX_SHIFT, true, &x) &&
		    (x & (x - 1)) == 0)
			ss_opt.ss_shift = (unsigned)__builtin_ctzl((unsigned long)x);
		else
			warn_bad("SUPERSLAB_SIZE", v, "a power of two from 1M to 64M");
	}
	ss_size = (size_t)1 << ss_opt.ss_shift;
	ss_mask = ss_size - 1;
	/* Programs may close stderr before our destructor runs (coreutils
	   does, at exit): keep a copy for the statistics. */
	if (ss_opt.stats)
		ss_stats_fd = fcntl(2, F_DUPFD_CLOEXEC, 10);
}

SS_EXPORT long ss_option_get(enum ss_option opt)
{
	if (!atomic_load(&ss_ready))
		ss_init_slow();
	switch (opt) {
	case SS_OPT_PREFAULT: return ss_opt.prefault;
	case SS_OPT_HUGEPAGES: return ss_opt.hugepages;
	case SS_OPT_PREWARM: return ss_opt.prewarm;
	case SS_OPT_SIZE: return (long)ss_size;
	case SS_OPT_PURGE_DELAY_MS: return ss_opt.purge_delay_ms;
	case SS_OPT_PURGE_DONTNEED: return ss_opt.purge_dontneed;
	case SS_OPT_STATS: return ss_opt.stats;
	case SS_OPT_TRACE: return ss_opt.trace;
	}
	errno = EINVAL;
	return -1;
}

SS_EXPORT int ss_option_set(enum ss_option opt, long value)
{
	long *dst;
	long lo = 0, hi = 1;

	if (!atomic_load(&ss_ready))
		ss_init_slow();
	switch (opt) {
	case SS_OPT_PREFAULT: dst = &ss_opt.prefault; break;
	case SS_OPT_HUGEPAGES: dst = &ss_opt.hugepages; break;
	case SS_OPT_PURGE_DONTNEED: dst = &ss_opt.purge_dontneed; break;
	case SS_OPT_STATS: dst = &ss_opt.stats; break;
	case SS_OPT_TRACE: dst = &ss_opt.trace; break;
	case SS_OPT_PURGE_DELAY_MS:
		dst = &ss_opt.purge_delay_ms;
		lo = -1;
		hi = 86400000L;
		break;
	case SS_OPT_PREWARM:
	case SS_OPT_SIZE:
		errno = EBUSY;
		return -1;
	default:
		errno = EINVAL;
		return -1;
	}
	if (value < lo || value > hi) {
		errno = EINVAL;
		return -1;
	}
	*dst = value;
	return 0;
}
