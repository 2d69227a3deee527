#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfrecord against perf record on the same workload in the same run: every
# fault of a first-touch loop over BENCH_MB MiB (default 2048: 524,288
# faults), with frame-pointer stacks (-c 1 -g) and with DWARF stack copies.
# Prints wall time, overhead over the plain run, output size, samples and
# samples lost (faults of the loop that have no sample).
: "${top_builddir:=.}"
mb=${BENCH_MB:-2048}
work="$top_builddir/bench/record_touch"
pfrecord="$top_builddir/tools/pfrecord"
dir=$(mktemp -d "${TMPDIR:-/tmp}/pfbench.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
faults=$((mb * 256))

if ! "$pfrecord" -q -o "$dir/probe" -- true 2>"$dir/err"; then
	echo "record: skipped: $(cat "$dir/err")"
	exit 0
fi
have_perf=no
perf --version >/dev/null 2>&1 && have_perf=yes

now() { date +%s.%N; }

# run NAME CMD...: time CMD, report size and samples of $dir/out.
run() {
	name=$1
	shift
	rm -f "$dir/out"
	t0=$(now)
	"$@" >/dev/null 2>"$dir/err"
	t1=$(now)
	samples=$(sed -n 's/.*(\([0-9]*\) samples).*/\1/p' "$dir/err" | tail -1)
	size=$(stat -c %s "$dir/out" 2>/dev/null || echo 0)
	awk -v n="$name" -v t0="$t0" -v t1="$t1" -v base="${base:-0}" -v s="${samples:-0}" \
	    -v sz="$size" -v f="$faults" 'BEGIN {
		t = t1 - t0
		lost = f - s; if (lost < 0) lost = 0
		if (n ~ /^plain/ && base > 0)
			printf "%-34s %7.2f s  %+6.0f%%\n", n, t, (t / base - 1) * 100
		else if (base > 0)
			printf "%-34s %7.2f s  %+6.0f%%  %9.1f MB  %8d samples  %7d lost (%.1f%%)\n",
			       n, t, (t / base - 1) * 100, sz / 1048576, s, lost, lost * 100 / f
		else
			printf "%-34s %7.2f s\n", n, t
	}'
	grep -i 'lost' "$dir/err" | sed 's/^/    /'
	[ -n "$base" ] || base=$(awk -v t0="$t0" -v t1="$t1" 'BEGIN { print t1 - t0 }')
}

# The machine may be shared: the overheads are relative to the plain run
# just before, and a second plain run at the end shows the drift.

echo "record: every fault of a ${mb} MiB first-touch loop ($faults faults)"
base=
run "plain" "$work" "$mb"
run "pfrecord -c 1 -g" "$pfrecord" -c 1 -g -o "$dir/out" -- "$work" "$mb"
[ $have_perf = yes ] &&
	run "perf record -c 1 -g" perf record -e page-faults -c 1 -g -o "$dir/out" -- "$work" "$mb"
run "pfrecord --call-graph dwarf" "$pfrecord" -c 1 --call-graph dwarf -o "$dir/out" -- "$work" "$mb"
[ $have_perf = yes ] &&
	run "perf record --call-graph dwarf" perf record -e page-faults -c 1 --call-graph dwarf \
		-o "$dir/out" -- "$work" "$mb"
run "plain (again)" "$work" "$mb"
exit 0
