#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every -F field pfscript(1) lists, alone, added (+f), removed (-f) and in
# combinations, against perf script on the same recordings: frame pointers
# with CPU numbers, DWARF stacks, a tracepoint with call chains, perf's
# pipe format, data addresses (perf record -d and pfrecord -d).  Both
# refuse the same lists; with perf 6.1 (the version whose text pfscript
# reproduces) what they print is the same.  Source lines are compared
# without their file names where binutils' addr2line misreads DWARF 5
# file tables (pfscript(1), COMPATIBILITY): the line numbers still count.
. "${top_srcdir:-.}/tests/lib.sh"

demo="$top_builddir/tests/progs/cxxdemo"
[ -x "$demo" ] || skip "tests/progs/cxxdemo is not built"
need_perf
[ $same_text = yes ] || skip "the text compared is perf 6.1's; this is $(perf version)"

perf record -q -e page-faults -c 1 -g --sample-cpu -o "$tmp/fp.data" -- "$demo" >/dev/null
perf record -q -m 4096 -e page-faults -c 1 --call-graph dwarf,4096 \
	-o "$tmp/dwarf.data" -- "$demo" >/dev/null
perf record -q -e page-faults -c 1 -g -o - -- "$demo" >"$tmp/pipe.data" 2>/dev/null
perf record -q -d -e page-faults -c 1 -g -o "$tmp/addr.data" -- "$demo" >/dev/null
pfrecord -q -d -e page-faults -c 1 -g -o "$tmp/pfaddr.data" -- "$demo" >/dev/null
perf record -q -e exceptions:page_fault_user -g -o "$tmp/tp.data" -- "$demo" >/dev/null 2>&1 ||
	rm -f "$tmp/tp.data"

# Source lines "  file.c:12" as "  :12", only in the lines that differ.
# ...and "??:0" as ":0": addr2line names the file of code without line
# information from the symbol table (crtstuff.c:0), pfscript does not
# (pfscript(1), COMPATIBILITY).
unfile() { sed -E -e 's/^  [A-Za-z0-9_.+-]+\.(c|h|cc|cpp|hpp|S):([0-9]+)/  :\2/' -e 's/^  \?\?:0$/  :0/' "$1"; }

# same NAME LIST: perf script and pfscript -F LIST on $tmp/NAME.data.
same() {
	perf script -i "$tmp/$1.data" -F "$2" >"$tmp/perf.txt" 2>/dev/null
	perf_st=$?
	pfscript -i "$tmp/$1.data" -F "$2" >"$tmp/pf.txt" 2>"$tmp/pf.err"
	pf_st=$?
	if [ $perf_st -ne 0 ] && [ $pf_st -ne 0 ]; then
		echo "ok: $1 -F $2: refused by both ($(head -n 1 "$tmp/pf.err"))"
		return
	fi
	if [ $perf_st -ne 0 ] || [ $pf_st -ne 0 ]; then
		fail "$1 -F $2: perf script exits $perf_st, pfscript $pf_st: $(cat "$tmp/pf.err")"
		return
	fi
	if ! cmp -s "$tmp/perf.txt" "$tmp/pf.txt"; then
		unfile "$tmp/perf.txt" >"$tmp/perf.unfiled"
		unfile "$tmp/pf.txt" >"$tmp/pf.unfiled"
		expect_same "$tmp/perf.unfiled" "$tmp/pf.unfiled" "$1 -F $2: same as perf script"
		return
	fi
	echo "ok: $1 -F $2: same as perf script"
}

fields='comm tid pid cpu time event ip sym symoff dso addr period srcline trace'
for rec in fp dwarf pipe addr pfaddr tp; do
	[ -f "$tmp/$rec.data" ] || { echo "note: no $rec recording"; continue; }
	for f in $fields; do
		# srcline costs perf an addr2line process per binary: once for
		# DWARF stacks.
		[ $rec = dwarf ] && [ $f = srcline ] && { same $rec +srcline; continue; }
		same $rec "$f"
		same $rec "+$f"
		same $rec "-$f"
		same $rec "comm,tid,ip,sym,$f"
	done
	same $rec comm,tid,pid,cpu,time,event,period
	same $rec ip,sym,symoff,dso
	same $rec ip,dso
	same $rec -ip,-sym
	same $rec +pid,-tid,-dso
	same $rec comm,+ip
	same $rec +ip,comm
done

# What the issue saw: the data address with the symbol and mapping it falls
# in, "[unknown] (//anon)" for anonymous memory; "??:0" for frames of code
# whose source line is unknown.
pfscript -i "$tmp/pfaddr.data" -F +addr | grep -E ' [0-9a-f]+ \[unknown\] \(//anon\)$' |
	head -n 1 | grep -q . || fail "-F +addr: no '[unknown] (//anon)' data address"
pfscript -i "$tmp/dwarf.data" -F +srcline | grep -qx '  ??:0' ||
	fail "-F +srcline: no '??:0' line for code without a source line"

finish
