#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfdiff on two unsorted profiles of DIFF_BENCH_STACKS distinct stacks each
# (default 100,000: two files of about 65 MB from flame-gen.pl, seeds 1 and
# 2), against FlameGraph's difffolded.pl when DIFFFOLDED names it (it is
# not packaged: DIFFFOLDED=/path/to/FlameGraph/difffolded.pl make bench).
# Prints CPU seconds (user + system) and maximum RSS of each run, the
# median of DIFF_BENCH_RUNS (default 5), and the ratio to the perl script.
# The unsorted input takes pfdiff's hash join; the sorted copies its
# streaming merge.  Generated files are kept in DIFF_BENCH_DIR (default
# bench/ of the build tree).
set -e
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
n=${DIFF_BENCH_STACKS:-100000}
runs=${DIFF_BENCH_RUNS:-5}
dir=${DIFF_BENCH_DIR:-$top_builddir/bench}
pfdiff="$top_builddir/tools/pfdiff"
work=$(mktemp -d "${TMPDIR:-/tmp}/pfbench-diff.XXXXXX")
trap 'rm -rf "$work"' EXIT

[ -x /usr/bin/time ] || { echo "diff.sh: needs /usr/bin/time (package time)" >&2; exit 1; }
mkdir -p "$dir"
a="$dir/diff-$n-a.folded"
b="$dir/diff-$n-b.folded"
if ! [ -s "$a" ] || ! [ -s "$b" ] || ! [ -s "$a.sorted" ] || ! [ -s "$b.sorted" ]; then
	echo "generating $n stacks twice in $dir (once)"
	perl "$top_srcdir/bench/flame-gen.pl" "$n" 1 >"$a"
	perl "$top_srcdir/bench/flame-gen.pl" "$n" 2 >"$b"
	LC_ALL=C sort -S 25% "$a" >"$a.sorted"
	LC_ALL=C sort -S 25% "$b" >"$b.sorted"
fi
cat "$a" "$b" "$a.sorted" "$b.sorted" >/dev/null	# from the page cache

# measure NAME CMD...: the median CPU time of $runs runs, in $cpu.
measure() {
	name=$1
	shift
	: >"$work/cpus"
	i=0
	while [ "$i" -lt "$runs" ]; do
		/usr/bin/time -f '%U %S %M' -o "$work/time" "$@" >"$work/out"
		awk '{ printf "%.3f %d\n", $1 + $2, $3 }' "$work/time" >>"$work/cpus"
		i=$((i + 1))
	done
	set -- $(sort -n "$work/cpus" | awk -v m=$(((runs + 1) / 2)) 'NR == m')
	cpu=$1
	printf '%-34s %7.3f s cpu  max RSS %7.1f MB\n' "$name" "$cpu" "$(echo "$2" | awk '{ print $1 / 1024 }')"
}

echo "input: 2 x $(wc -c <"$a") bytes, $n stacks each; load average $(cut -d' ' -f1 /proc/loadavg)"
measure "pfdiff, unsorted (hash join)" "$pfdiff" "$a" "$b"
pf=$cpu
cp "$work/out" "$work/pfdiff.out"
measure "pfdiff, sorted (streaming)" "$pfdiff" "$a.sorted" "$b.sorted"
cmp -s "$work/out" "$work/pfdiff.out" || echo "warning: the two pfdiff paths differ"
measure "pfdiff --report, unsorted" "$pfdiff" --report "$a" "$b"
if [ -n "${DIFFFOLDED:-}" ] && [ -r "$DIFFFOLDED" ]; then
	measure "difffolded.pl, unsorted" perl "$DIFFFOLDED" "$a" "$b"
	LC_ALL=C sort "$work/out" | cmp -s - "$work/pfdiff.out" ||
		echo "warning: pfdiff and difffolded.pl differ"
	awk -v p="$cpu" -v f="$pf" 'BEGIN { printf "pfdiff is %.1fx difffolded.pl in CPU time\n", p / f }'
else
	echo "difffolded.pl: set DIFFFOLDED=/path/to/difffolded.pl to compare"
fi
