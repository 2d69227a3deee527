#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfscript against perf script on the same recordings, same output: a
# frame-pointer recording of every fault of a first-touch loop over
# BENCH_MB MiB (default 1024: 262,144 samples), and a --call-graph dwarf
# recording of BENCH_DWARF_MB MiB (default 32: 8,192 samples), and a DWARF
# recording of python3 importing modules (Debian's python3 has no frame
# pointers; perf script forks addr2line for inline frames), and a DWARF
# recording of a program linked by lld (code at another address than its
# file offset) when clang and lld are installed.  Prints CPU seconds (user
# + system, children included) and wall seconds, samples and frames per
# CPU second, the speed-up in CPU time, and whether the outputs are equal.
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

# cpu OUT CMD...: run CMD with stdout to OUT, print "CPU WALL" seconds.
cpu() {
	out=$1
	shift
	/usr/bin/time -f '%U %S %e' -o "$dir/time" "$@" >"$out" 2>/dev/null
	awk '{ printf "%.2f %.2f", $1 + $2, $3 }' "$dir/time"
}

# compare NAME DATA [OPTIONS]: time both tools on DATA, report.
compare() {
	name=$1 data=$2
	shift 2
	samples=$(perf script -i "$data" -F comm 2>/dev/null | wc -l)
	tp=$(cpu "$dir/perf.txt" perf script -i "$data" "$@")
	tf=$(cpu "$dir/pf.txt" "$pfscript" -i "$data" "$@")
	if cmp -s "$dir/perf.txt" "$dir/pf.txt"; then
		same="same output"
	else
		same="$(diff "$dir/perf.txt" "$dir/pf.txt" | grep -c '^<') lines differ"
	fi
	# Frames, as well as samples: on DWARF recordings the two unwinders
	# need not reach equally deep.
	fp=$(grep -c "$(printf '^\t')" "$dir/perf.txt")
	ff=$(grep -c "$(printf '^\t')" "$dir/pf.txt")
	awk -v n="$name" -v s="$samples" -v tp="$tp" -v tf="$tf" -v same="$same" \
	    -v fp="$fp" -v ff="$ff" 'BEGIN {
		split(tp, p, " "); split(tf, f, " ")
		if (p[1] < 0.01) p[1] = 0.01
		if (f[1] < 0.01) f[1] = 0.01
		printf "%-20s %7d samples  perf script %6.2f s cpu %6.2f s wall (%7.0f/s)  pfscript %5.2f s cpu %5.2f s wall (%7.0f/s)  %4.1fx  %s\n",
		       n, s, p[1], p[2], s / p[1], f[1], f[2], s / f[1], p[1] / f[1], same
		printf "%-20s frames: perf script %d (%.0f/s), pfscript %d (%.0f/s)\n",
		       "", fp, fp / p[1], ff, ff / f[1] }'
}

perf record -q -e page-faults -c 1 -g -o "$dir/fp.data" -- "$work" "$mb"
compare "fp call chains" "$dir/fp.data"
perf record -q -m 4096 -e page-faults -c 1 --call-graph dwarf,4096 -o "$dir/dwarf.data" -- "$work" "$dwarf_mb"
compare "dwarf" "$dir/dwarf.data"
compare "dwarf --no-inline" "$dir/dwarf.data" --no-inline
if command -v clang >/dev/null 2>&1 &&
   clang -O2 -g -fuse-ld=lld -o "$dir/touch-lld" "$(dirname "$0")/record_touch.c" 2>/dev/null; then
	perf record -q -m 4096 -e page-faults -c 1 --call-graph dwarf,4096 -o "$dir/lld.data" -- \
		"$dir/touch-lld" "$dwarf_mb"
	compare "lld dwarf" "$dir/lld.data"
fi
if command -v python3 >/dev/null 2>&1; then
	perf record -q -m 4096 -e page-faults -c 1 --call-graph dwarf -o "$dir/py.data" -- \
		python3 -c 'import json, email, http.client, decimal, xml.dom.minidom, sqlite3'
	compare "python3 dwarf" "$dir/py.data"
fi
