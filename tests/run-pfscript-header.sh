#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --header: the lines perf script --header prints, for recordings made by
# pfrecord and by perf (call graphs, an event group, another clock, zstd
# compression, tracepoints, the pipe format), line for line with perf 6.1.
. "${top_srcdir:-.}/tests/lib.sh"

pfrecord -e page-faults -c 1 -o "$tmp/pfr.data" -- true >/dev/null 2>"$tmp/rec.err" ||
	skip "pfrecord cannot record here: $(head -n 1 "$tmp/rec.err")"
pfscript -i "$tmp/pfr.data" --header >"$tmp/pfr.pf" || fail "pfscript --header"
for line in '^# ========$' '^# header version : 1$' '^# hostname : ' '^# os release : ' \
	'^# nrcpus online : [0-9]' '^# cmdline : .*pfrecord' \
	'^# event : name = page-faults, , id = { [0-9]' '^# time of first sample : [0-9]*\.[0-9]\{6\}$' \
	'^# missing features: .*TRACING_DATA'; do
	grep -q "$line" "$tmp/pfr.pf" || fail "pfrecord's header: no line matches '$line'"
done

command -v perf >/dev/null 2>&1 || { finish; }
case $(perf version 2>/dev/null) in
"perf version 6.1."*) ;;
*) echo "perf is not 6.1: header lines not compared"; finish ;;
esac

# compare NAME: the header lines of perf script and pfscript on NAME.data.
compare() {
	perf script --header -i "$tmp/$1.data" 2>/dev/null | grep '^#' >"$tmp/$1.hperf"
	pfscript --header -i "$tmp/$1.data" | grep '^#' >"$tmp/$1.hpf" ||
		fail "$1: pfscript --header failed"
	expect_same "$tmp/$1.hperf" "$tmp/$1.hpf" "$1: same header as perf script"
}

compare pfr
perf record -q -g -e page-faults -o "$tmp/fp.data" -- ls / >/dev/null 2>&1 &&
	compare fp
perf record -q -k mono -e '{page-faults,minor-faults}' -e task-clock \
	-o "$tmp/group.data" -- ls / >/dev/null 2>&1 && compare group
perf record -q -z -e page-faults -o "$tmp/zstd.data" -- ls / >/dev/null 2>&1 &&
	compare zstd
perf record -q -e sched:sched_switch -a -o "$tmp/tp.data" -- sleep 0.05 >/dev/null 2>&1 &&
	compare tp
# perf's pipe format: an empty layout, then the features as they come.
perf record -q -g -e page-faults -o - -- ls / 2>/dev/null >"$tmp/pipe.data" &&
	compare pipe
finish
