#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfcollapse throughput and memory.  Builds a perf-script input of at least
# PFCOLLAPSE_BENCH_MB megabytes (default 300) from the recordings in
# tests/data/collapse/ (bench/gen-perf-script.sh), folds it, and reports
# MB/s, CPU seconds and maximum RSS; then the same for one round of the
# recordings, to show that memory follows distinct stacks, not input size.
# With stackcollapse-perf.pl on PATH, its speed on a 30 MB slice too.
set -e
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
mb=${PFCOLLAPSE_BENCH_MB:-300}
tool="$top_builddir/tools/pfcollapse"
work=$(mktemp -d "${TMPDIR:-/tmp}/pfbench-collapse.XXXXXX")
trap 'rm -rf "$work"' EXIT

[ -x /usr/bin/time ] || { echo "collapse.sh: needs /usr/bin/time (package time)" >&2; exit 1; }

sh "$top_srcdir/bench/gen-perf-script.sh" "$mb" >"$work/in.txt"
sh "$top_srcdir/bench/gen-perf-script.sh" 1 >"$work/small.txt"
head -c $((30 * 1048576)) "$work/in.txt" >"$work/slice.txt"

# run NAME FILE CMD...: fold FILE with CMD, print one line of figures.
# MB/s count the perf-script text (uncompressed).
run() {
	name=$1 file=$2
	shift 2
	bytes=$(gzip -dcf "$file" | wc -c)
	cat "$file" >/dev/null	# from the page cache, as for every run
	/usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" "$file" >"$work/out" 2>/dev/null
	read -r wall user sys rss <"$work/time"
	awk -v n="$name" -v b="$bytes" -v w="$wall" -v u="$user" -v s="$sys" \
	    -v r="$rss" -v l="$(wc -l <"$work/out")" 'BEGIN {
		cpu = u + s; if (cpu <= 0) cpu = 0.01; if (w <= 0) w = 0.01
		printf "%-24s %8.1f MB  %7.0f MB/s cpu  %7.0f MB/s wall  %6.2f s cpu (user %.2f sys %.2f)  max RSS %6.1f MB  %d stacks\n",
			n, b / 1048576, b / 1048576 / cpu, b / 1048576 / w, cpu, u, s, r / 1024, l }'
}

run "pfcollapse" "$work/in.txt" "$tool"
run "pfcollapse, 1 round" "$work/small.txt" "$tool"
run "pfcollapse --all --tid" "$work/in.txt" "$tool" --all --tid
gzip -1 -c "$work/slice.txt" >"$work/slice.txt.gz"
run "pfcollapse, gzip input" "$work/slice.txt.gz" "$tool"
if command -v stackcollapse-perf.pl >/dev/null 2>&1; then
	run "stackcollapse-perf.pl" "$work/slice.txt" stackcollapse-perf.pl
else
	echo "stackcollapse-perf.pl not on PATH: no comparison"
fi
