#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfscript against perf script on the same recordings: frame-pointer and
# DWARF call graphs, system-wide, perf's pipe format, and pfrecord's files.
# `pfscript | pfcollapse` must equal `perf script | pfcollapse` stack for
# stack; with perf 6.1 (the version whose text pfscript reproduces) the
# text itself must be the same.  The C++ demo's functions must carry their
# known numbers of faults.
. "${top_srcdir:-.}/tests/lib.sh"

demo="$top_builddir/tests/progs/cxxdemo"
[ -x "$demo" ] || skip "tests/progs/cxxdemo is not built"
need_perf

# compare NAME [FILTER]: perf script vs pfscript on $tmp/NAME.data, perf's
# text passed through the sed script FILTER first.
compare() {
	perf script -i "$tmp/$1.data" 2>/dev/null | sed "${2-}" >"$tmp/$1.perf" ||
		{ fail "$1: perf script failed"; return; }
	pfscript -i "$tmp/$1.data" >"$tmp/$1.pf" ||
		{ fail "$1: pfscript failed"; return; }
	pfcollapse "$tmp/$1.perf" >"$tmp/$1.perf.folded"
	pfcollapse "$tmp/$1.pf" >"$tmp/$1.pf.folded"
	[ -s "$tmp/$1.pf.folded" ] || fail "$1: no stacks"
	expect_same "$tmp/$1.perf.folded" "$tmp/$1.pf.folded" "$1: same stacks as perf script"
	if [ $same_text = yes ]; then
		expect_same "$tmp/$1.perf" "$tmp/$1.pf" "$1: same text as perf script"
	fi
}

# count FILE PATTERN N [min]: N frames of FILE match PATTERN (at least N
# with "min").
count() {
	n=$(grep -cF -- "$2" "$1")
	if [ "$n" -eq "$3" ] || { [ "${4-}" = min ] && [ "$n" -ge "$3" ]; }; then
		echo "ok: $3 x $2"
	else
		fail "$1: $n frames match '$2', expected $3"
	fi
}

perf record -q -e page-faults -c 1 -g -o "$tmp/fp.data" -- "$demo"
compare fp
count "$tmp/fp.pf" "(anonymous namespace)::touch_pages+" 64
count "$tmp/fp.pf" "Region<int>::fill+" 32
count "$tmp/fp.pf" "run_lambda(unsigned long)::{lambda(unsigned long)#1}::operator()+" 16

# A large buffer: stack copies are big and lost samples would spoil counts.
perf record -q -m 4096 -e page-faults -c 1 --call-graph dwarf,4096 -o "$tmp/dwarf.data" -- "$demo"
compare dwarf
count "$tmp/dwarf.pf" "(anonymous namespace)::touch_pages+" 64
count "$tmp/dwarf.pf" "Region<int>::fill+" 32
# addr2line, hence perf, names the outer level of touch_page's frames so.
grep -q '^	 *[0-9a-f]* touch_pages+0x[0-9a-f]* (inlined)$' "$tmp/dwarf.pf" ||
	fail "dwarf: inlined levels show as (inlined)"
grep -q ' main+0x[0-9a-f]* (.*cxxdemo)$' "$tmp/dwarf.pf" ||
	fail "dwarf: main is found by unwinding"
pfscript -i "$tmp/dwarf.data" --no-inline >"$tmp/noinline.pf"
grep -q '(inlined)' "$tmp/noinline.pf" && fail "--no-inline shows no inlined frames"
pfscript -i "$tmp/dwarf.data" --no-demangle >"$tmp/raw.pf"
grep -q '_ZN12_GLOBAL__N_111touch_pages' "$tmp/raw.pf" ||
	fail "--no-demangle keeps mangled names"

# System-wide: compare the demo's stacks (other processes come and go
# while the recording is read, which perf may see differently).
perf record -q -a -e page-faults -c 1 -g -o "$tmp/all.data" -- "$demo"
perf script -i "$tmp/all.data" 2>/dev/null | pfcollapse | grep '^cxxdemo;' >"$tmp/all.perf.folded"
pfscript -i "$tmp/all.data" | pfcollapse | grep '^cxxdemo;' >"$tmp/all.pf.folded"
[ -s "$tmp/all.pf.folded" ] || fail "all: no stacks of the demo"
expect_same "$tmp/all.perf.folded" "$tmp/all.pf.folded" "all: same stacks as perf script"

# A tracepoint with call chains: the stacks are printed too.
if perf record -q -e sched:sched_switch -g -o "$tmp/tp.data" -- "$demo" 2>/dev/null; then
	perf script -i "$tmp/tp.data" 2>/dev/null | pfcollapse >"$tmp/tp.perf.folded"
	pfscript -i "$tmp/tp.data" | pfcollapse >"$tmp/tp.pf.folded"
	expect_same "$tmp/tp.perf.folded" "$tmp/tp.pf.folded" "tracepoint: same stacks as perf script"
fi

perf record -q -e page-faults -c 1 -g -o - -- "$demo" >"$tmp/pipe.data"
compare pipe
cat "$tmp/pipe.data" | pfscript -i - >"$tmp/pipe.stdin"
expect_same "$tmp/pipe.pf" "$tmp/pipe.stdin" "pipe: streamed from a pipe"
# Two events in a pipe: their names come in EVENT_UPDATE records, after the
# scale of task-clock (an update of another type).
perf record -q -e task-clock -e page-faults -c 1 -o - -- "$demo" >"$tmp/names.data"
pfscript -i - -F event <"$tmp/names.data" | awk '{ print $1 }' | sort -u >"$tmp/names.pf"
printf 'page-faults:\ntask-clock:\n' >"$tmp/names.expected"
expect_same "$tmp/names.expected" "$tmp/names.pf" "pipe: event names from EVENT_UPDATE"
# perf record -z: zstd-compressed records.
if perf record -q -z -e page-faults -c 1 -g -o "$tmp/zstd.data" -- "$demo" 2>/dev/null; then
	if pfscript -i "$tmp/zstd.data" >/dev/null 2>"$tmp/zstd.err"; then
		compare zstd
	elif grep -q 'need zstd' "$tmp/zstd.err"; then
		echo "note: libpf was built without zstd"
	else
		fail "zstd: $(cat "$tmp/zstd.err")"
	fi
fi
gzip -c "$tmp/fp.data" >"$tmp/fp.data.gz"
pfscript -i "$tmp/fp.data.gz" >"$tmp/gz.pf"
expect_same "$tmp/fp.pf" "$tmp/gz.pf" "gzip-compressed perf.data"
# Streamed, never inflated whole: the feature sections are read ahead.
touch -r "$tmp/fp.data" "$tmp/fp.data.gz"
pfscript --header -i "$tmp/fp.data" | grep '^#' >"$tmp/fp.hdr"
pfscript --header -i "$tmp/fp.data.gz" | grep '^#' >"$tmp/gz.hdr"
expect_same "$tmp/fp.hdr" "$tmp/gz.hdr" "gzip-compressed perf.data: --header"
pfscript -i - <"$tmp/fp.data.gz" >"$tmp/gz.pf"
expect_same "$tmp/fp.pf" "$tmp/gz.pf" "gzip-compressed perf.data from a pipe"

# Recordings written by pfrecord.
if pfrecord -q -e page-faults -c 1 -g -o "$tmp/pfrecord.data" -- "$demo" 2>"$tmp/pfrecord.err"; then
	compare pfrecord
	count "$tmp/pfrecord.pf" "Region<int>::fill+" 32
	pfrecord -q -d -e page-faults -c 1 -g -o "$tmp/pfd.data" -- "$demo"
	pfscript -i "$tmp/pfd.data" --data-frame >"$tmp/pfd.pf"
	count "$tmp/pfd.pf" "[fault: anon]" 112 min
	pfscript -i "$tmp/pfd.data" -F comm,tid,addr,ip,sym,dso >"$tmp/pfd.addr"
	grep -q '^cxxdemo .* [0-9a-f]* \[unknown\] (//anon)$' "$tmp/pfd.addr" ||
		fail "-F addr,sym,dso names the faulting mapping"
else
	echo "note: pfrecord could not record: $(head -n 1 "$tmp/pfrecord.err")"
fi

# Filters and fields.
pfscript -i "$tmp/all.data" --comm=cxxdemo -F comm,tid >"$tmp/comm.txt"
grep -qv '^ *cxxdemo ' "$tmp/comm.txt" && fail "--comm keeps only that command"
tid=$(sed -n 's/^ *cxxdemo *\([0-9]*\) *$/\1/p' "$tmp/comm.txt" | head -n 1)
pfscript -i "$tmp/all.data" --tid="$tid" -F tid | sed 's/ *$//' | sort -u >"$tmp/tid.txt"
[ "$(cat "$tmp/tid.txt")" = "$(printf '%5d' "$tid")" ] || fail "--tid keeps only that thread"
pfscript -i "$tmp/fp.data" --max-stack=2 | grep -v '^[^	]' | awk '
	NF == 0 { if (n > 2) bad = 1; n = 0; next } { n++ } END { exit bad }' ||
	fail "--max-stack=2 prints at most two frames"
pfscript -i "$tmp/fp.data" --data-frame 2>"$tmp/df.err" && fail "--data-frame without addresses"
grep -q 'data addresses' "$tmp/df.err" || fail "--data-frame says why"
pfscript -i "$tmp/fp.data" -F +addr 2>"$tmp/addr.err" && fail "-F +addr without addresses"
grep -q "cannot print the 'addr' field" "$tmp/addr.err" || fail "-F +addr says why"

finish
