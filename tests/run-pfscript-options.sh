#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# perf script's options in pfscript, each against perf script on the same
# recording: --show-task-events, --show-switch-events (per task and
# system-wide), --ns, --reltime, --deltatime, --time (ranges, open ends,
# several, percentages), -C/--cpu and -S/--symbols (names and start
# addresses).  With perf 6.1 (the version whose text pfscript reproduces)
# the text must be the same; with another perf, the number of lines.
. "${top_srcdir:-.}/tests/lib.sh"

need_perf

# compare NAME ARGS...: perf script and pfscript with ARGS on $tmp/NAME.data.
compare() {
	name=$1
	shift
	perf script -i "$tmp/$name.data" "$@" >"$tmp/perf.txt" 2>/dev/null ||
		{ fail "$name $*: perf script failed"; return; }
	pfscript -i "$tmp/$name.data" "$@" >"$tmp/pf.txt" 2>"$tmp/pf.err" ||
		{ fail "$name $*: pfscript failed: $(cat "$tmp/pf.err")"; return; }
	[ -s "$tmp/perf.txt" ] || { fail "$name $*: perf printed nothing"; return; }
	if [ $same_text = yes ]; then
		expect_same "$tmp/perf.txt" "$tmp/pf.txt" "$name $*: same text as perf script"
	elif [ "$(wc -l <"$tmp/perf.txt")" = "$(wc -l <"$tmp/pf.txt")" ]; then
		echo "ok: $name $*: as many lines as perf script"
	else
		fail "$name $*: $(wc -l <"$tmp/pf.txt") lines, perf script $(wc -l <"$tmp/perf.txt")"
	fi
}

workload='sleep 0.05; ls / >/dev/null; sleep 0.02'
# A task recording with call chains, CPU numbers and switch records.
perf record -q -e page-faults -c 1 -g --sample-cpu --switch-events \
	-o "$tmp/task.data" -- sh -c "$workload"
# System-wide: CPU-wide switch records, every CPU.  Compared without
# symbols: other processes' binaries may change before they are read.
perf record -q -a -e page-faults -c 1 --switch-events \
	-o "$tmp/wide.data" -- sh -c "$workload"
nosym='-F comm,tid,pid,cpu,time,event,period'
# Without call chains, for -S: the sampled function is the one printed.
perf record -q -e page-faults -c 1 -o "$tmp/plain.data" -- sh -c "$workload"

grep_count() { grep -c "$1" "$tmp/pf.txt"; }

compare task --show-task-events
[ "$(grep_count 'PERF_RECORD_COMM exec: ls:')" -ge 1 ] || fail "the exec of ls is shown"
[ "$(grep_count 'PERF_RECORD_FORK(')" -ge 2 ] || fail "the forks are shown"
[ "$(grep_count 'PERF_RECORD_EXIT(')" -ge 2 ] || fail "the exits are shown"
compare task --show-switch-events
grep -q 'PERF_RECORD_SWITCH OUT' "$tmp/pf.txt" || fail "switches out are shown"
compare task --show-task-events --show-switch-events --show-mmap-events
compare wide $nosym --show-switch-events
grep -q 'PERF_RECORD_SWITCH_CPU_WIDE IN  .* prev pid/tid: ' "$tmp/pf.txt" ||
	fail "CPU-wide switches are shown"
compare wide $nosym --show-task-events --show-switch-events

compare task --ns
compare task --reltime
compare task --deltatime --show-task-events
compare wide $nosym --ns --deltatime
compare wide $nosym --reltime --show-switch-events

# Time ranges from the recording's own sample times.
perf script -i "$tmp/task.data" -F time --ns 2>/dev/null | tr -d ' :' >"$tmp/times"
n=$(wc -l <"$tmp/times")
[ "$n" -gt 20 ] || fail "only $n samples"
a=$(sed -n "$((n / 4))p" "$tmp/times") b=$(sed -n "$((n / 2))p" "$tmp/times")
c=$(sed -n "$((3 * n / 4))p" "$tmp/times")
compare task --time "$a,$b"
compare task --time "$b,"
compare task --time ",$a"
compare task --time "$a,$b $c,"
# (The slices hold samples: the first and last tenths do.)
compare task --time 10%/1
compare task --time 10%/10
compare task --time 0%-10%,90%-100%
compare task --time 50%
compare task --reltime --time ,0.001
compare task --reltime --time "0,0.0001 0.001,0.002"
compare wide $nosym --time "$b," --show-task-events

# CPUs: the one of the first sample, and the other of two.
cpu=$(perf script -i "$tmp/task.data" -F cpu 2>/dev/null | head -n 1 | tr -d ' []')
compare task --cpu "$cpu"
compare task -C "$cpu" --show-task-events --show-switch-events
compare wide $nosym --cpu 0-1
compare wide $nosym --cpu 1 --show-switch-events --show-mmap-events

# Symbols: the two most frequent, by name; and the address of a sample of
# the first.
perf script -i "$tmp/plain.data" -F ip,sym 2>/dev/null | awk '$2 != "[unknown]" { print $2 }' |
	sort | uniq -c | sort -rn | awk 'NR <= 2 { print $2 }' >"$tmp/syms"
s1=$(sed -n 1p "$tmp/syms") s2=$(sed -n 2p "$tmp/syms")
if [ -n "$s2" ]; then
	compare plain -S "$s1,$s2"
	compare plain --symbols "$s1"
	ip=$(perf script -i "$tmp/plain.data" -F ip,sym 2>/dev/null |
		awk -v s="$s1" '$2 == s { print $1; exit }')
	compare plain -S "0x$ip"
	compare plain -S "nosuchfunction,$ip"
	compare task -S "$s1" --show-task-events
else
	fail "no symbols in the recording"
fi

finish
