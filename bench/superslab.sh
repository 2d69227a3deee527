#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `make bench` part for libsuperslab: bench_random_mixed (1 thread, then
# 2 threads with cross-thread frees) and bench_producer_consumer under glibc,
# libsuperslab (also with SUPERSLAB_PREFAULT=1 and SUPERSLAB_HUGEPAGES=1)
# and, when installed, mimalloc, jemalloc and tcmalloc, all by LD_PRELOAD
# on the same binary.  Runs alternate between allocators (so a noisy
# neighbour hurts all alike); each figure is the median of BENCH_RUNS
# (default 5) runs.  Throughput is given per second of wall-clock time and
# per CPU second (which waiting for a core on a loaded machine does not
# count).  Every run checks which object defines malloc, so a
# preload that silently fell back to glibc cannot be measured by mistake.
set -eu
: "${top_builddir:=.}"
mixed="$top_builddir/bench/bench_random_mixed"
pc="$top_builddir/bench/bench_producer_consumer"
ss="$top_builddir/alloc/.libs/libsuperslab.so"
runs=${BENCH_RUNS:-5}
for bin in "$mixed" "$pc"; do
	[ -x "$bin" ] || { echo "superslab.sh: $bin not built" >&2; exit 1; }
done
[ -f "$ss" ] || { echo "superslab.sh: $ss not built (shared library needed)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ss-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/peers.sh"

# name|preload|environment|expected substring of the malloc provider
{
	echo "glibc||-|libc.so"
	echo "superslab|$ss|-|libsuperslab"
	echo "superslab+prefault|$ss|SUPERSLAB_PREFAULT=1|libsuperslab"
	echo "superslab+hugepages|$ss|SUPERSLAB_HUGEPAGES=1|libsuperslab"
	peers | sed 's/^\([^|]*|[^|]*|\)/\1-|/'
} >"$tmp/allocators"

bench() {	# WORKLOAD-NAME BINARY ARGS...
	name=$1
	bin=$2
	shift 2
	: >"$tmp/results"
	i=0
	while [ $i -lt "$runs" ]; do
		i=$((i + 1))
		while IFS='|' read -r alloc lib envs want; do
			[ "$envs" = - ] && envs=
			# shellcheck disable=SC2086
			env LD_PRELOAD="$lib" $envs "$bin" "$@" >"$tmp/out" 2>&1 ||
				{ echo "superslab.sh: $alloc: benchmark failed: $(tail -2 "$tmp/out")" >&2; exit 1; }
			got=$(sed -n 's/^Allocator = //p' "$tmp/out")
			case $got in
			*"$want"*) ;;
			*) echo "superslab.sh: $alloc: malloc comes from $got, not $want: not measured" >&2; exit 1 ;;
			esac
			ops=$(sed -n 's/^Throughput = \([0-9]*\) ops.*/\1/p' "$tmp/out")
			flt=$(sed -n 's/^Minor faults = \([0-9]*\).*/\1/p' "$tmp/out")
			rss=$(sed -n 's/^Max RSS = \([0-9]*\).*/\1/p' "$tmp/out")
			cpu=$(sed -n 's/^CPU throughput = \([0-9]*\) ops.*/\1/p' "$tmp/out")
			echo "$alloc $ops $flt $rss $cpu" >>"$tmp/results"
		done <"$tmp/allocators"
	done
	echo "$name: ${bin##*/} $*, median of $runs alternating runs"
	printf '  %-20s %12s %9s %13s %9s %13s %12s\n' allocator "ops/s" "vs glibc" \
		"ops/cpu-s" "vs glibc" "minor faults" "max RSS KiB"
	median() {	# COLUMN ALLOCATOR
		awk -v a="$2" -v c="$1" '$1==a{print $c}' "$tmp/results" | sort -n |
			awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'
	}
	base=$(median 2 glibc)
	cbase=$(median 5 glibc)
	while IFS='|' read -r alloc lib envs want; do
		for col in 2 5 3 4; do
			median $col "$alloc"
		done | {
			read -r ops
			read -r cpu
			read -r flt
			read -r rss
			ratio=$(awk -v o="$ops" -v b="$base" 'BEGIN{printf "%.2fx", o/b}')
			cratio=$(awk -v o="$cpu" -v b="$cbase" 'BEGIN{printf "%.2fx", o/b}')
			printf '  %-20s %12s %9s %13s %9s %13s %12s\n' "$alloc" "$ops" "$ratio" \
				"$cpu" "$cratio" "$flt" "$rss"
		}
	done <"$tmp/allocators"
	echo
}

echo "Figures are noisy on a shared machine: compare ratios within one run (load: $(cut -d' ' -f1-3 /proc/loadavg))."
bench "1 thread" "$mixed" 10000000 8192 42
bench "2 threads, 90% cross-thread frees" "$mixed" 5000000 8192 42 2 90
bench "producer-consumer, every free cross-thread" "$pc" 5000000 42
