/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runstat FILE COMMAND [ARGS...]
 *
 * Run COMMAND and write to FILE what the kernel accounted to it (all its
 * threads and children): "CPU seconds (user + system), max RSS in KiB,
 * minor faults" on one line.  bench/suite.sh measures every workload
 * with it, so programs that print nothing of their own (perl) are
 * measured like the others.  Exits with the command's status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: runstat FILE COMMAND [ARGS...]\n");
		return 2;
	}
	FILE *out = fopen(argv[1], "w");
	if (!out) {
		perror(argv[1]);
		return 2;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("runstat: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	int st;
	struct rusage ru;
	if (wait4(pid, &st, 0, &ru) < 0) {
		perror("runstat: wait4");
		return 2;
	}
	double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		     (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	fprintf(out, "%.3f %ld %ld\n", cpu, ru.ru_maxrss, ru.ru_minflt);
	if (fclose(out) != 0) {
		perror(argv[1]);
		return 2;
	}
	if (WIFSIGNALED(st)) {
		fprintf(stderr, "runstat: %s: killed by signal %d\n", argv[2], WTERMSIG(st));
		return 128 + WTERMSIG(st);
	}
	return WEXITSTATUS(st);
}
