#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfflame and pfdiff on a profile of FLAME_BENCH_STACKS distinct stacks
# (default 1,000,000: about 660 MB of folded text, from flame-gen.pl):
# time and maximum RSS of pfflame on it unsorted and sorted (as pfcollapse
# writes it), of pfflame --text, and of pfdiff (streaming two sorted files,
# and in memory) and pfdiff --report on two such profiles; then how long
# the SVGs take to open in headless Chromium and to zoom, search and reset
# (bench/flame-load.js), and the same for graphs of ~68,000 and ~102,000
# frames (8,000 and 12,000 stacks drawn with --minwidth=0).
# The generated files are kept in FLAME_BENCH_DIR (default bench/ of the
# build tree) for the next run.  For comparison, on this kind of machine
# flamegraph.pl needs about 133 s and 7.6 GB for the first case and
# difffolded.pl about 10 s and 1.2 GB for the pfdiff case.
set -e
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
n=${FLAME_BENCH_STACKS:-1000000}
dir=${FLAME_BENCH_DIR:-$top_builddir/bench}
tools="$top_builddir/tools"
work=$(mktemp -d "${TMPDIR:-/tmp}/pfbench-flame.XXXXXX")
trap 'rm -rf "$work"' EXIT

[ -x /usr/bin/time ] || { echo "flame.sh: needs /usr/bin/time (package time)" >&2; exit 1; }
mkdir -p "$dir"
a="$dir/flame-$n-a.folded"
as="$dir/flame-$n-a-sorted.folded"
bs="$dir/flame-$n-b-sorted.folded"
if ! [ -s "$a" ] || ! [ -s "$as" ] || ! [ -s "$bs" ]; then
	echo "generating $n stacks in $dir (once)"
	perl "$top_srcdir/bench/flame-gen.pl" "$n" 1 >"$a"
	LC_ALL=C sort -S 25% "$a" >"$as"
	perl "$top_srcdir/bench/flame-gen.pl" "$n" 2 | LC_ALL=C sort -S 25% >"$bs"
fi

# run NAME OUT CMD...: one line of figures for CMD, its output in OUT.
run() {
	name=$1 out=$2
	shift 2
	/usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >"$out"
	read -r wall user sys rss <"$work/time"
	awk -v n="$name" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" \
	    -v o="$(wc -c <"$out")" 'BEGIN {
		printf "%-28s %6.2f s wall  %6.2f s cpu (user %.2f sys %.2f)  max RSS %7.1f MB  output %7.1f MB\n",
			n, w, u + s, u, s, r / 1024, o / 1048576 }'
}

cat "$a" "$as" "$bs" >/dev/null	# from the page cache, as for every run
echo "input: $(wc -c <"$a") bytes, $n stacks"
run "pfflame" "$work/a.svg" "$tools/pfflame" "$a"
run "pfflame, sorted input" "$work/as.svg" "$tools/pfflame" "$as"
cmp -s "$work/a.svg" "$work/as.svg" || echo "warning: sorted and unsorted input drew different graphs"
run "pfflame --text" "$work/a.txt" "$tools/pfflame" --text "$a"
run "pfdiff, sorted inputs" "$work/diff.folded" "$tools/pfdiff" "$as" "$bs"
run "pfdiff, in memory" "$work/diff2.folded" sh -c "'$tools/pfdiff' - '$bs' <'$as'"
cmp -s "$work/diff.folded" "$work/diff2.folded" || echo "warning: the two pfdiff paths differ"
run "pfdiff --report" "$work/report.txt" "$tools/pfdiff" --report "$as" "$bs"
run "pfdiff | pfflame" "$work/diff.svg" sh -c "'$tools/pfdiff' '$as' '$bs' | '$tools/pfflame'"
echo "frames drawn: $(grep -c '^<g >' "$work/a.svg") (pfflame), $(grep -c '^<g >' "$work/diff.svg") (differential)"

# The browser: needs node, Chromium and the browser test's playwright-core.
chrome=/usr/bin/chromium
mods="$top_builddir/tests/browser/node_modules"
if command -v node >/dev/null 2>&1 && [ -x "$chrome" ] && [ -d "$mods/playwright-core" ]; then
	perl "$top_srcdir/bench/flame-gen.pl" 8000 1 | "$tools/pfflame" --minwidth=0 >"$work/68k.svg"
	perl "$top_srcdir/bench/flame-gen.pl" 12000 1 | "$tools/pfflame" --minwidth=0 >"$work/102k.svg"
	NODE_PATH="$mods" node "$top_srcdir/bench/flame-load.js" "$chrome" "$work/profile" \
		"$work/a.svg" "$work/diff.svg" "$work/68k.svg" "$work/102k.svg"
else
	echo "browser timings skipped: needs node, $chrome and $mods (run make check once)"
fi
