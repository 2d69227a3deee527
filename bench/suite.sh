#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `make bench` part: libsuperslab on a suite modelled on mimalloc-bench's,
# against glibc and whichever of mimalloc, jemalloc and tcmalloc are
# installed, all by LD_PRELOAD on the same binaries.  Each round runs
# every workload under every allocator, the order of the allocators
# rotated by one each round (so a noisy neighbour or a warm cache does
# not always favour the same one); each figure is the median of
# BENCH_RUNS rounds (default 5).
#
# Per workload and allocator it prints the workload's metric (operations
# per CPU second of its timed region; for perl-words, runs per CPU second
# of the whole process), the process's CPU seconds, max RSS and minor
# faults (bench/runstat), and the metric's ratio to glibc and to the
# best of the other allocators; then each allocator's geometric mean of
# the ratios to glibc.  Every run must print "Verify = ok" (perl-words:
# the same checksum as under glibc) and, for the C workloads, name the
# preloaded library as the object that defines malloc, or the script
# stops.
#
#   BENCH_RUNS=5 top_builddir=. sh bench/suite.sh [WORKLOAD...]
#   SUITE_SCALE=small   the test sizes (tests/run-superslab-suite.sh)
#   SUITE_ALLOCATORS="glibc superslab"   only these
#   SUITE_SUPERSLAB=/other/build/libsuperslab.so   another build as "superslab";
#     SUITE_SUPERSLAB2=... adds one more as "superslab2", for comparisons
#   SUITE_RESULTS=FILE   keeps the raw results (one line per run)
#   (Figures come from a build without --enable-debug, whose assertions
#   cost time in the slow paths.)
#   sh bench/suite.sh --list   prints the workloads as NAME|COMMAND
set -eu
: "${top_builddir:=.}"
: "${top_srcdir:=$top_builddir}"
b="$top_builddir/bench"
ss=${SUITE_SUPERSLAB:-$top_builddir/alloc/.libs/libsuperslab.so}
runs=${BENCH_RUNS:-5}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ss-suite.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/peers.sh"

# name|preload|expected substring of the malloc provider
{
	echo "glibc||libc.so"
	peers
	echo "superslab|$ss|libsuperslab"
	[ -z "${SUITE_SUPERSLAB2:-}" ] || echo "superslab2|$SUITE_SUPERSLAB2|libsuperslab"
} >"$tmp/all-allocators"
if [ -n "${SUITE_ALLOCATORS:-}" ]; then
	for a in $SUITE_ALLOCATORS; do
		grep "^$a|" "$tmp/all-allocators" || { echo "suite.sh: no allocator $a" >&2; exit 2; }
	done >"$tmp/allocators"
else
	mv "$tmp/all-allocators" "$tmp/allocators"
fi
nalloc=$(wc -l <"$tmp/allocators")

# name|program|arguments for the test (SUITE_SCALE=small)|arguments for
# the figures (about 0.3-1 s of CPU under glibc); 2 threads where N
while IFS='|' read -r name prog small full; do
	[ "${SUITE_SCALE:-}" = small ] && args=$small || args=$full
	case $prog in
	perl-words) echo "$name|perl $top_srcdir/bench/perl-words.pl $args" ;;
	*) echo "$name|$b/$prog $args" ;;
	esac
done <<'EOF2' >"$tmp/workloads"
larsonN|larson|2 500 5000 3 8 1000 42|2 5000 250000 8 8 1000 42
rptestN|rptest|2 20000 500 16 16000 25 42|2 1000000 2000 16 16000 25 42
alloc-test1|alloc-test|1 50000 1000 42|1 3000000 100000 42
alloc-testN|alloc-test|2 50000 1000 42|2 1500000 100000 42
glibc-simple|glibc-simple|20|2500
glibc-thread|glibc-thread|2 20000 42|2 2000000 42
mstressN|mstress|2 5 3 42|2 50 25 42
xmalloc-testN|xmalloc-test|1 20000 42|1 4000000 42
cache-scratch1|cache-scratch|1 1000 10 8|1 1000 50000 8
cache-scratchN|cache-scratch|2 1000 10 8|2 1000 50000 8
cache-thrash1|cache-thrash|1 1000 10 8|1 1000 50000 8
cache-thrashN|cache-thrash|2 1000 10 8|2 1000 50000 8
malloc-large|malloc-large|30 4 512 4096 42|300 20 5120 25600 42
random-mixed1|bench_random_mixed|100000 1024 42|10000000 8192 42
random-mixedN|bench_random_mixed|100000 1024 42 2 90|5000000 8192 42 2 90
producer-consumer|bench_producer_consumer|100000 42|5000000 42
perl-words|perl-words|1|8
EOF2
if [ "${1:-}" = --list ]; then
	cat "$tmp/workloads"
	exit 0
fi
[ -f "$ss" ] || { echo "suite.sh: $ss not built (shared library needed)" >&2; exit 1; }
[ -x "$b/runstat" ] || { echo "suite.sh: $b/runstat not built" >&2; exit 1; }
if [ $# -gt 0 ]; then
	for w in "$@"; do
		grep "^$w|" "$tmp/workloads" || { echo "suite.sh: no workload $w" >&2; exit 2; }
	done >"$tmp/chosen"
	mv "$tmp/chosen" "$tmp/workloads"
fi

# One run: appends "WORKLOAD ALLOCATOR METRIC CPU RSS FAULTS" to results.
run() {	# WORKLOAD ALLOCATOR PRELOAD WANT COMMAND
	w=$1 alloc=$2 lib=$3 want=$4 cmd=$5
	# shellcheck disable=SC2086
	if ! LD_PRELOAD="$lib" "$b/runstat" "$tmp/stat" $cmd >"$tmp/out" 2>"$tmp/err"; then
		echo "suite.sh: $w under $alloc failed: $(tail -2 "$tmp/err")" >&2
		exit 1
	fi
	read -r cpu rss flt <"$tmp/stat"
	case $w in
	perl-words)
		sum=$(sed -n 's/^Checksum = //p' "$tmp/out")
		[ -n "$sum" ] || { echo "suite.sh: perl-words under $alloc: no checksum" >&2; exit 1; }
		if [ -f "$tmp/perl.sum" ]; then
			[ "$sum" = "$(cat "$tmp/perl.sum")" ] ||
				{ echo "suite.sh: perl-words under $alloc: checksum $sum, not $(cat "$tmp/perl.sum")" >&2; exit 1; }
		else
			echo "$sum" >"$tmp/perl.sum"
		fi
		metric=$(awk -v c="$cpu" 'BEGIN{printf "%.3f", 1 / (c > 0 ? c : 0.001)}')
		;;
	*)
		got=$(sed -n 's/^Allocator = //p' "$tmp/out")
		case $got in
		*"$want"*) ;;
		*) echo "suite.sh: $w under $alloc: malloc comes from $got, not $want: not measured" >&2; exit 1 ;;
		esac
		case $w in
		random-mixed*|producer-consumer) ;;   # their blocks carry no tags
		*) grep -q '^Verify = ok' "$tmp/out" ||
			{ echo "suite.sh: $w under $alloc: $(grep '^Verify' "$tmp/out" || echo 'no Verify line')" >&2; exit 1; } ;;
		esac
		metric=$(sed -n 's/^CPU throughput = \([0-9]*\) ops.*/\1/p' "$tmp/out")
		;;
	esac
	echo "$w $alloc $metric $cpu $rss $flt" >>"$tmp/results"
}

echo "libsuperslab suite: $runs rounds, allocator order rotated each round, medians;" \
	"load average $(cut -d' ' -f1-3 /proc/loadavg) at the start, $(nproc) CPUs"
: >"$tmp/results"
i=0
while [ $i -lt "$runs" ]; do
	# Rotate: round i starts with the (i mod n)-th allocator.
	k=$((i % nalloc))
	{ tail -n +$((k + 1)) "$tmp/allocators"; head -n "$k" "$tmp/allocators"; } >"$tmp/order"
	while IFS='|' read -r w cmd; do
		while IFS='|' read -r alloc lib want; do
			run "$w" "$alloc" "$lib" "$want" "$cmd" </dev/null
		done <"$tmp/order"
	done <"$tmp/workloads"
	i=$((i + 1))
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
[ -z "${SUITE_RESULTS:-}" ] || cp "$tmp/results" "$SUITE_RESULTS"
echo

# The table: medians per workload and allocator, ratios of the metric.
cut -d'|' -f1 "$tmp/allocators" >"$tmp/names"
awk -v names="$tmp/names" '
function median(key,   n, i, j, t, v) {
	n = split(vals[key], v, " ")
	for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j-1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j-1]; v[j-1] = t }
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
BEGIN { while ((getline a < names) > 0) alloc[++na] = a }
{
	if (!($1 in seen)) { seen[$1] = 1; work[++nw] = $1 }
	for (c = 3; c <= 6; c++) vals[$1 SUBSEP $2 SUBSEP c] = vals[$1 SUBSEP $2 SUBSEP c] " " $c
}
END {
	printf "%-18s %-10s %12s %8s %8s %9s %8s %9s\n", "workload", "allocator", "metric", "cpu s", "RSS MiB", "minflt", "x glibc", "x best"
	for (w = 1; w <= nw; w++) {
		for (a = 1; a <= na; a++)
			for (c = 3; c <= 6; c++) m[a, c] = median(work[w] SUBSEP alloc[a] SUBSEP c)
		for (a = 1; a <= na; a++) {
			best = 0   # the best of the others, builds of libsuperslab aside
			for (o = 1; o <= na; o++) if (o != a && alloc[o] !~ /^superslab/ && m[o, 3] > best) best = m[o, 3]
			r = m[a, 3] / m[1, 3]
			logsum[a] += log(r)
			printf "%-18s %-10s %12s %8.2f %8.1f %9d %7.2fx %8.2fx\n", (a == 1 ? work[w] : ""), alloc[a],
				sprintf(m[a, 3] < 1000 ? "%.3f" : "%.0f", m[a, 3]), m[a, 4], m[a, 5] / 1024, m[a, 6], r, m[a, 3] / best
		}
	}
	printf "\ngeometric mean of the metric against glibc over %d workloads:\n", nw
	for (a = 1; a <= na; a++) printf "  %-10s %.3fx\n", alloc[a], exp(logsum[a] / nw)
}' "$tmp/results"
