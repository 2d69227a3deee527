#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every command of pftools(7)'s EXAMPLES runs and succeeds, in order and in
# one directory (later commands read what earlier ones wrote), with the
# demo workload as ./app and ./old/app (a shell loop for CPU sampling),
# the demo with a second thread that faults more as ./new/app, a busy
# shell loop as PID 1234, durations cut to one second, and the built
# libsuperslab found through LD_LIBRARY_PATH.  Commands recording PID 1234
# while `sleep 10` runs get a second, three for CPU sampling at 99 Hz, whose
# target may get little of a loaded machine's time.  Lines that use programs
# pftools does not ship (perf, FlameGraph's scripts) run only when those
# are installed.
. "$top_srcdir/tests/lib.sh"

demo="$top_builddir/tests/progs/pfdemo"
page="$top_srcdir/man/pftools.7"
[ -x "$demo" ] || skip "tests/progs/pfdemo is not built"
pfrecord -q -o "$tmp/probe.data" -- true 2>"$tmp/probe.err" ||
	skip "perf_event_open refused: $(cat "$tmp/probe.err")"

LD_LIBRARY_PATH="$top_builddir/alloc/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH

# The demo faults quickly and is gone: for CPU sampling at 99 Hz the
# command must run long enough in user space to be sampled at all.
spin="sh -c 'i=0; while [ \$i -lt 300000 ]; do i=\$((i + 1)); done'"

# PID 1234: a shell that spins (CPU time), runs a program (page faults)
# and waits for it (off-CPU time), over and over.
sh -c 'while :; do i=0; while [ $i -lt 2000 ]; do i=$((i + 1)); done; /bin/true; done' &
loop=$!
trap 'kill $loop 2>/dev/null; rm -rf "$tmp"' EXIT

man_examples "$page" >"$tmp/examples"
[ -s "$tmp/examples" ] || fail "no EXAMPLES in $page"

mkdir "$tmp/run" && cd "$tmp/run" || exit 99
n=0
stats=
while IFS= read -r cmd; do
	n=$((n + 1))
	missing=
	for prog in perf flamegraph.pl stackcollapse-perf.pl go; do
		case " $cmd " in
		*" $prog "*) command -v "$prog" >/dev/null 2>&1 || missing=$prog ;;
		esac
	done
	if [ -n "$missing" ]; then
		echo "skip: $cmd ($missing is not installed)"
		continue
	fi
	run=$(printf '%s\n' "$cmd" | sed -e "/cpu-clock/s|\./app|$spin|" -e "s|\./app|$demo|g" \
		-e "s|\./old/app|$demo|g" -e "s|\./new/app|$demo --threads 2|g" \
		-e "s|-p 1234|-p $loop|" -e 's|--duration [0-9]*|--duration 1|' \
		-e '/cpu-clock/s|-- sleep 10|-- sleep 3|' -e 's|-- sleep 10|-- sleep 1|')
	if sh -ec "$run" >"$tmp/out.$n" 2>"$tmp/err.$n"; then
		echo "ok: $cmd"
	else
		fail "$cmd"
		tail -n 5 "$tmp/err.$n" >&2
	fi
	# The dynamic loader only warns when a preload is not found.
	if grep -q 'cannot be preloaded' "$tmp/err.$n"; then
		fail "$cmd: the preloaded library was not loaded"
	fi
	case $cmd in *--stat*) stats="$stats $n" ;; esac
done <"$tmp/examples"
[ "$n" -ge 10 ] || fail "only $n example commands found"

# What the commands should have produced.
for svg in pf.svg mem.svg cpu.svg off.svg cmdcpu.svg mmap.svg diff.svg; do
	[ -s "$svg" ] && grep -q '</svg>' "$svg" && echo "ok: $svg is an SVG" ||
		fail "$svg is not a complete SVG"
done
# The live view: one perf-trace line per fault, at most the 100 recorded.
n=$(grep -c ' pfdemo/[0-9]* minfault \[.*\] => .* (d\.)$' live.txt)
[ "$n" -ge 1 ] && [ "$(grep -c 'fault \[' live.txt)" -le 100 ] &&
	echo "ok: live.txt has $n fault lines" || fail "live.txt: $(head -3 live.txt)"
# Off-CPU time in nanoseconds: the busy loop waits for its children.
awk '$NF >= 1000000 { n++ } END { exit !n }' off.folded &&
	echo "ok: off.folded weighs waits in ns" || fail "off.folded: $(head -3 off.folded)"
grep -q 'Off-CPU Time Flame Graph' off.svg && grep -q ' ns' off.svg ||
	fail "off.svg does not say it counts ns"
cmp -s pf.folded pf2.folded && echo "ok: --format=folded gives the pipeline's bytes" ||
	fail "pf2.folded differs from pf.folded"
[ -s runs.folded ] && [ -s runs.svg ] && gzip -t run1.pb.gz run2.pb.gz &&
	grep -q '^{"meta":{"version":31,' pf.json && echo "ok: the format examples wrote their files" ||
	fail "the format examples did not write runs.folded, runs.svg, run1.pb.gz, run2.pb.gz, pf.json"
grep -q 'touch_pages' pf.folded && echo "ok: pf.folded has the demo's faulting function" ||
	fail "pf.folded lacks the demo's touch_pages"
grep -q 'touch_pages' new.folded && ! grep -q 'thread_main' old.folded &&
	grep -q 'thread_main' new.folded &&
	echo "ok: new.folded has the second thread's faults" ||
	fail "old.folded and new.folded do not differ by the second thread"
grep -q '^pfdemo;.*main' mmap.folded && echo "ok: mmap.folded has the demo's mmap calls" ||
	fail "mmap.folded lacks the demo's calls of mmap"
grep -q '^pfdemo;' brk.folded && echo "ok: brk.folded has the demo's brk calls" ||
	fail "brk.folded lacks the demo's calls of brk"
[ -n "$stats" ] || fail "no --stat example"
# Like perf stat, the counts may go to standard error.
for i in $stats; do
	cat "$tmp/out.$i" "$tmp/err.$i" | grep -q 'page-faults' ||
		fail "--stat printed no page-fault count (command $i)"
done
finish
