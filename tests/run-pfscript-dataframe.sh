#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --data-frame names the heap as the heap from its first fault: the
# kernel's first memory-map record of a process's brk area says //anon and
# only later ones [heap], so every fault inside an area that a [heap]
# record covers must be "[fault: heap]", also those before that record.
. "${top_srcdir:-.}/tests/lib.sh"

# ls -l allocates with malloc from the brk heap, a little at a time.
pfrecord -q -d -e page-faults -c 1 -o "$tmp/h.data" -- ls -l /usr/bin >/dev/null 2>"$tmp/err" ||
	skip "pfrecord could not record: $(head -n 1 "$tmp/err")"

# In record order: "heap START END" for each [heap] record, "fault ADDR
# NAME" for each data frame; addresses as 16 hexadecimal digits, which
# compare as strings.
pfscript -i "$tmp/h.data" --data-frame --show-mmap-events -F comm,tid,time,event,ip,sym |
	awk '
	function pad(h) { sub(/^0x/, "", h); while (length(h) < 16) h = "0" h; return h }
	/PERF_RECORD_MMAP2 .* \[heap\]$/ {
		match($0, /\[0x[0-9a-f]+\(0x[0-9a-f]+\)/)
		s = substr($0, RSTART + 1, RLENGTH - 2)
		split(s, a, "(")
		# END = START + LEN, in hexadecimal by hand (awk has no 64-bit ints).
		cmd = "printf %016x $((" a[1] " + " a[2] "))"
		cmd | getline e
		close(cmd)
		print "heap", pad(a[1]), e
		next
	}
	/^\t *[0-9a-f]+ \[fault: / { print "fault", pad($1), $3 }' >"$tmp/events"
grep -q '^heap ' "$tmp/events" || fail "no [heap] record (ls did not grow its heap?)"

# Every fault in a heap area (of the whole recording) is named heap; count
# those that come before the area's first [heap] record.
awk '
	# "x" keeps the comparisons between strings: awk would read an
	# address such as 0000556217063e80 as a number (5.6e88).
	NR == FNR { if ($1 == "heap") { n++; s[n] = "x" $2; e[n] = "x" $3 } next }
	$1 == "heap" { seen["x" $2] = 1; next }
	{
		a = "x" $2
		for (i = 1; i <= n; i++)
			if (a >= s[i] && a < e[i]) {
				inside++
				if ($3 != "heap]") { bad++; print "not heap: " $0 }
				if (!seen[s[i]]) early++
				break
			}
	}
	END { printf "inside=%d early=%d bad=%d\n", inside, early, bad }
' "$tmp/events" "$tmp/events" >"$tmp/result"
cat "$tmp/result"
grep -q 'bad=0$' "$tmp/result" || fail "faults in the heap named otherwise"
grep -q 'early=[1-9]' "$tmp/result" ||
	fail "no fault before the first [heap] record: nothing was tested"

# The folded export names the heap as the text does.
pfscript -i "$tmp/h.data" --data-frame | pfcollapse >"$tmp/text.folded"
pfscript -i "$tmp/h.data" --data-frame --format=folded >"$tmp/export.folded"
expect_same "$tmp/text.folded" "$tmp/export.folded" "--format=folded: the same heap"
grep -q '\[fault: heap\]' "$tmp/export.folded" || fail "--format=folded: no heap frame"

# A stream cannot be read ahead: there the first records' names stand,
# and the recording still prints.
pfscript -i - --data-frame <"$tmp/h.data" | grep -c '\[fault: ' >"$tmp/n" ||
	fail "--data-frame on standard input"

finish
