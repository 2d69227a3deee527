#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden tests: pfcollapse over real perf-script recordings, compared byte
# for byte with tests/data/collapse/NAME.folded (see the README there for
# how those were made), by default and with --all, from a file, from a pipe,
# and from plain text.
. "${top_srcdir:-.}/tests/lib.sh"

d="$data/collapse"
for n in cpu-gcc-fp cpu-node-jit-fp multi-pf-cpu-fp pf-cxx-dwarf pf-python-fp; do
	pfcollapse "$d/$n.txt.gz" >"$tmp/$n.out" 2>"$tmp/$n.err" ||
		fail "$n: exit status $?"
	expect_same "$d/$n.folded" "$tmp/$n.out" "$n"
	pfcollapse --all "$d/$n.txt.gz" >"$tmp/$n.all.out" 2>/dev/null ||
		fail "$n --all: exit status $?"
	expect_same "$d/$n.all.folded" "$tmp/$n.all.out" "$n --all"
	gzip -dc "$d/$n.txt.gz" | pfcollapse >"$tmp/$n.pipe" 2>/dev/null ||
		fail "$n from a pipe: exit status $?"
	expect_same "$d/$n.folded" "$tmp/$n.pipe" "$n from a pipe"
done

# Two events: the first one is kept, with a note on stderr naming it.
printf 'Filtering for events of type: page-faults/period=8/\n' >"$tmp/note"
expect_same "$tmp/note" "$tmp/multi-pf-cpu-fp.err" "multi-event note"
pfcollapse --event-filter=cpu-clock/freq=999/ "$d/multi-pf-cpu-fp.txt.gz" \
	>"$tmp/cpu.out" 2>"$tmp/cpu.err"
[ -s "$tmp/cpu.out" ] && [ ! -s "$tmp/cpu.err" ] ||
	fail "--event-filter selects the second event quietly"
grep -q page-faults "$tmp/cpu.out" && fail "--event-filter kept other events"

# Several files are read in order, as one input.
gzip -dc "$d/pf-python-fp.txt.gz" >"$tmp/py.txt"
pfcollapse "$tmp/py.txt" - <"$tmp/py.txt" >"$tmp/twice.out"
awk '{ n = $NF; $NF = ""; sub(/ $/, ""); print $0 " " 2 * n }' \
	"$d/pf-python-fp.folded" >"$tmp/twice.exp"
expect_same "$tmp/twice.exp" "$tmp/twice.out" "file and stdin in order"

finish
