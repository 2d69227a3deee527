#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfscript against perf script on the same recordings, same output: a
# frame-pointer recording of every fault of a first-touch loop over
# BENCH_MB MiB (default 1024: 262,144 samples), and a --call-graph dwarf
# recording of BENCH_DWARF_MB MiB (default 32: 8,192 samples; perf script
# forks addr2line for its inline frames, so it is slow).  Prints CPU
# seconds (user + system; the wall clock of a loaded machine says little),
# samples per second and the speed-up, and whether the outputs are equal.
: "${top_builddir:=.}"
mb=${BENCH_MB:-1024}
dwarf_mb=${BENCH_DWARF_MB:-32}
work="$top_builddir/bench/record_touch"
pfscript="$top_builddir/tools/pfscript"
dir=$(mktemp -d "${TMPDIR:-/tmp}/pfbench.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT

if ! command -v perf >/dev/null 2>&1; then
	echo "script: skipped: perf is not installed"
	exit 0
fi
if ! perf record -q -e page-faults -c 1 -o "$dir/probe" -- true 2>"$dir/err"; then
	echo "script: skipped: perf record failed: $(head -n 1 "$dir/err")"
	exit 0
fi

# cpu OUT CMD...: run CMD with stdout to OUT, print its user+system seconds.
cpu() {
	out=$1
	shift
	/usr/bin/time -f '%U %S' -o "$dir/time" "$@" >"$out" 2>/dev/null
	awk '{ printf "%.2f", $1 + $2 }' "$dir/time"
}

# compare NAME DATA [OPTIONS]: time both tools on DATA, report.
compare() {
	name=$1 data=$2
	shift 2
	samples=$(perf script -i "$data" -F comm 2>/dev/null | wc -l)
	tp=$(cpu "$dir/perf.txt" perf script -i "$data" "$@")
	tf=$(cpu "$dir/pf.txt" "$pfscript" -i "$data" "$@")
	if cmp -s "$dir/perf.txt" "$dir/pf.txt"; then same="same output"; else same="OUTPUT DIFFERS"; fi
	awk -v n="$name" -v s="$samples" -v tp="$tp" -v tf="$tf" -v same="$same" 'BEGIN {
		if (tp < 0.01) tp = 0.01
		if (tf < 0.01) tf = 0.01
		printf "%-26s %8d samples  perf script %7.2f s (%8.0f/s)  pfscript %6.2f s (%8.0f/s)  %5.1fx  %s\n",
		       n, s, tp, s / tp, tf, s / tf, tp / tf, same }'
}

perf record -q -e page-faults -c 1 -g -o "$dir/fp.data" -- "$work" "$mb"
compare "fp call chains" "$dir/fp.data"
perf record -q -m 4096 -e page-faults -c 1 --call-graph dwarf,4096 -o "$dir/dwarf.data" -- "$work" "$dwarf_mb"
compare "dwarf" "$dir/dwarf.data"
compare "dwarf --no-inline" "$dir/dwarf.data" --no-inline
