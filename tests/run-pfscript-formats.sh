#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfscript --format=folded and pfcollapse on a recording fold in process;
# both must give the bytes of `pfscript | pfcollapse` with every option
# that selects samples or frames and every collapse option, on the
# bundled recordings (file and pipe format, gzip, through a pipe) and on
# recordings of the C++ demo made here: frame pointers, DWARF, data
# addresses, no call chains, two events.
. "${top_srcdir:-.}/tests/lib.sh"

# same NAME DATA [PFSCRIPT-OPTIONS]: --format=folded equals the pipeline.
same() {
	name=$1 in=$2
	shift 2
	pfscript -q -i "$in" "$@" 2>/dev/null | pfcollapse >"$tmp/want" 2>/dev/null
	if ! pfscript -q -i "$in" "$@" --format=folded >"$tmp/got" 2>"$tmp/err"; then
		fail "$name: pfscript --format=folded $*: $(head -n 1 "$tmp/err")"
		return
	fi
	expect_same "$tmp/want" "$tmp/got" "$name: --format=folded $* = pfscript | pfcollapse"
}

# same_collapse NAME DATA [PFCOLLAPSE-OPTIONS]: pfcollapse DATA equals the
# pipeline, on standard error too, read from the file, a pipe and gzip.
same_collapse() {
	name=$1 in=$2
	shift 2
	pfscript -q -i "$in" 2>/dev/null | pfcollapse "$@" >"$tmp/want" 2>"$tmp/want.err"
	pfcollapse "$@" "$in" >"$tmp/got" 2>"$tmp/got.err" ||
		fail "$name: pfcollapse $* DATA failed: $(head -n 1 "$tmp/got.err")"
	expect_same "$tmp/want" "$tmp/got" "$name: pfcollapse $* DATA = pfscript | pfcollapse"
	expect_same "$tmp/want.err" "$tmp/got.err" "$name: pfcollapse $* DATA says the same"
	cat "$in" | pfcollapse "$@" >"$tmp/got" 2>/dev/null
	expect_same "$tmp/want" "$tmp/got" "$name: pfcollapse $* < pipe"
	gzip -c "$in" | pfcollapse "$@" - >"$tmp/got" 2>/dev/null
	expect_same "$tmp/want" "$tmp/got" "$name: pfcollapse $* < gzip pipe"
}

for f in true-fp true-pipe; do
	d="$data/script/$f.data"
	same "$f" "$d"
	same "$f" "$d" --max-stack=3
	same "$f" "$d" --no-demangle
	same "$f" "$d" --comm=true
	same_collapse "$f" "$d"
	same_collapse "$f" "$d" --tid --addrs
done
[ -s "$tmp/got" ] || fail "true-pipe: no stacks"

# Text and recordings add up in one table.
pfscript -q -i "$data/script/true-fp.data" >"$tmp/true.txt"
pfcollapse "$tmp/true.txt" "$tmp/true.txt" >"$tmp/want"
pfcollapse "$tmp/true.txt" "$data/script/true-fp.data" >"$tmp/got"
expect_same "$tmp/want" "$tmp/got" "text and recording add up"

# Usage errors and bad input.
pfscript --format=svg -i "$data/script/true-fp.data" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "unknown --format: svg" "$tmp/err" ||
	fail "an unknown format is a usage error"
pfscript --format=folded -F comm -i "$data/script/true-fp.data" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "-F with --format=folded is a usage error"
head -c 3000 "$data/script/true-fp.data" >"$tmp/cut.data"
pfcollapse "$tmp/cut.data" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "^pfcollapse: .*cut.data: .*offset" "$tmp/err" ||
	fail "a cut recording: one line naming the file and the offset: $(cat "$tmp/err")"
pfscript --format=folded -i "$tmp/cut.data" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "^pfscript: .*cut.data: .*offset" "$tmp/err" ||
	fail "pfscript: a cut recording: one line naming the file and the offset"

# A full disk: a write error, said once, exit 1.
if [ -w /dev/full ]; then
	for f in folded pprof gecko; do
		pfscript -i "$data/script/true-fp.data" --format=$f >/dev/full 2>"$tmp/err"
		[ $? -eq 1 ] && grep -q "^pfscript: standard output: write" "$tmp/err" &&
			[ "$(wc -l <"$tmp/err")" -eq 1 ] && echo "ok: --format=$f to a full disk" ||
			fail "--format=$f to a full disk: $(cat "$tmp/err")"
	done
	pfcollapse --format=pprof "$data/script/true-fp.data" >/dev/full 2>"$tmp/err"
	[ $? -eq 1 ] && grep -q "^pfcollapse: standard output: write" "$tmp/err" ||
		fail "pfcollapse --format=pprof to a full disk: $(cat "$tmp/err")"
fi

# Recordings of the C++ demo.
record_demo || finish
pfrecord -q -e page-faults -c 1 -o "$tmp/nog.data" -- "$demo" >/dev/null
pfrecord -q -e page-faults,minor-faults -c 1 -g -o "$tmp/multi.data" -- "$demo" >/dev/null
pid=$(pfscript -i "$tmp/fp.data" -F pid | sort | uniq -c | sort -rn | awk 'NR == 1 { print $2 }')
for f in fp dwarf d nog multi; do
	same "$f" "$tmp/$f.data"
	same "$f" "$tmp/$f.data" --no-inline
	for m in 1 2 3 4 5 6; do
		same "$f" "$tmp/$f.data" --max-stack=$m
	done
	same "$f" "$tmp/$f.data" --comm=cxxdemo
	same "$f" "$tmp/$f.data" --no-demangle
	same_collapse "$f" "$tmp/$f.data"
	same_collapse "$f" "$tmp/$f.data" --all --addrs
	same_collapse "$f" "$tmp/$f.data" --pid --count-samples
done
same fp "$tmp/fp.data" --pid="$pid"
same fp "$tmp/fp.data" --tid="$pid"
same d "$tmp/d.data" --data-frame
same d "$tmp/d.data" --data-frame --max-stack=1
same_collapse dwarf "$tmp/dwarf.data" --inline --context
pfcollapse "$tmp/multi.data" >/dev/null 2>"$tmp/err"
grep -q "Filtering for events of type: " "$tmp/err" ||
	fail "multi: the event kept is named"
same_collapse multi "$tmp/multi.data" --event-filter=minor-faults
pfscript -q -i "$tmp/fp.data" --format=folded >"$tmp/fp.folded"
grep -q '^cxxdemo;.*Region<int>::fill' "$tmp/fp.folded" || fail "fp: the demo's functions are there"
finish
