#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every tool on every bad input (tests/data/bad/ plus files generated here:
# perf.data cut at every record boundary, corrupted sizes, the other byte
# order, 10 MB lines, a gzip bomb).  What "rejected" means, exactly:
#   - exit status 1: not 0, not a signal (>128), not the time limit (124);
#   - exactly one line on standard error, "TOOL: ", naming the file and a
#     line ("line N", "FILE:N:") or byte offset ("offset N"); an empty file
#     has neither, its name is enough;
#   - nothing on standard output, so that no partial result can pass for a
#     whole one.  The one exception is pfscript on a record damaged deep in
#     an intact-looking file: it streams, so the records before are printed;
#     that output must be an exact prefix of the undamaged output, and the
#     status and the message say that it is not all.
# A few inputs are not errors and are checked as accepted instead: exit 0
# and a complete, valid result (invalid UTF-8 or NUL in names: pfcollapse
# passes the bytes through, pfflame must still write well-formed XML).
# pfcollapse skips lines it does not recognize with a warning, like
# stackcollapse-perf.pl: for text that is not perf script it must print
# nothing on stdout and only "unrecognized line" warnings naming the line.
. "${top_srcdir:-.}/tests/lib.sh"

bad="$data/bad"
good="$data/flame/before.folded"
fp="$data/script/true-fp.data"
pipe="$data/script/true-pipe.data"
limit=120

# ASan reserves terabytes of address space: no ulimit -v under it.
sanitized=no
grep -q 'enable-sanitizers' "$top_builddir/config.status" 2>/dev/null && sanitized=yes

# run ARGS...: the status in $rc, the output in $tmp/out and $tmp/err.
run() {
	timeout "$limit" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# status_ok WHAT: not killed, not hung.
status_ok() {
	if [ "$rc" -eq 124 ]; then
		fail "$1: no result within ${limit}s"
		return 1
	elif [ "$rc" -gt 128 ]; then
		fail "$1: killed by signal $((rc - 128))"
		return 1
	fi
}

# reject FILE TOOL ARGS...: TOOL must refuse FILE as described above.
reject() {
	file=$1
	shift
	tool=$1
	what="$* ($(basename "$file"))"
	run "$@"
	status_ok "$what" || return
	msg=$(head -n 1 "$tmp/err")
	if [ "$rc" -ne 1 ]; then
		fail "$what: exit status $rc, expected 1"
	elif [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
		fail "$what: $(wc -l <"$tmp/err") lines on stderr, expected 1"
		head -n 5 "$tmp/err" >&2
	elif [ "${msg#"$tool: "}" = "$msg" ]; then
		fail "$what: message does not start with '$tool: ': $msg"
	elif ! printf '%s\n' "$msg" | grep -Fq "$file"; then
		fail "$what: message does not name $file: $msg"
	elif [ -s "$file" ] && [ -f "$file" ] &&
	     ! printf '%s\n' "$msg" | grep -Eq '(line|offset|byte) [0-9]+|:[0-9]+:'; then
		fail "$what: message names no line or offset: $msg"
	elif [ -s "$tmp/out" ]; then
		fail "$what: $(wc -c <"$tmp/out") bytes on stdout despite the error"
	else
		rejected=$((rejected + 1))
		return 0
	fi
	return 1
}

# unrecognized FILE: pfcollapse on text that is not perf script.
unrecognized() {
	run pfcollapse "$1"
	status_ok "pfcollapse $1" || return
	if [ "$rc" -eq 1 ]; then
		reject "$1" pfcollapse "$1"
	elif [ "$rc" -ne 0 ] || [ -s "$tmp/out" ] ||
	     grep -v "^pfcollapse: $1: line [0-9]*: unrecognized line ignored\$" "$tmp/err" |
		     grep -q .; then
		fail "pfcollapse $1: status $rc, $(wc -c <"$tmp/out") bytes out, $(head -n 1 "$tmp/err")"
	else
		rejected=$((rejected + 1))
	fi
}

# svg WHAT: the output is one complete, well-formed SVG document.
svg_ok() {
	if [ "$rc" -ne 0 ]; then
		fail "$1: exit status $rc: $(head -n 1 "$tmp/err")"
	elif [ "$(tail -n 1 "$tmp/out")" != "</svg>" ]; then
		fail "$1: the SVG is not complete"
	elif [ "$have_xmllint" = yes ] && ! xmllint --huge --noout "$tmp/out" 2>"$tmp/xml"; then
		fail "$1: not well-formed XML: $(head -n 1 "$tmp/xml")"
	else
		echo "ok: $1: a complete, well-formed SVG"
	fi
}
have_xmllint=no
command -v xmllint >/dev/null 2>&1 && have_xmllint=yes ||
	echo "note: xmllint not installed (libxml2-utils): SVGs are checked for completeness only"

rejected=0

# --- the committed corpus, every tool on every file
binary="empty garbage.bin nul.txt truncated.txt.gz"
for f in $binary; do
	[ "$f" = empty ] || reject "$bad/$f" pfcollapse "$bad/$f"
	reject "$bad/$f" pfscript -i "$bad/$f"
	reject "$bad/$f" pfflame "$bad/$f"
	[ "$f" = empty ] && continue	# an empty profile is a valid profile to compare
	reject "$bad/$f" pfdiff "$good" "$bad/$f"
	reject "$bad/$f" pfdiff "$bad/$f" "$good"
done
# An empty perf script output: no samples, so an empty fold, not an error.
run pfcollapse "$bad/empty"
[ "$rc" -eq 0 ] && ! [ -s "$tmp/out" ] && ! [ -s "$tmp/err" ] &&
	echo "ok: pfcollapse: empty input, empty output" || fail "pfcollapse empty: status $rc"

for f in text.folded count-overflow.folded count-sum-overflow.folded \
	 count-overflow-diff.folded; do
	reject "$bad/$f" pfflame "$bad/$f"
	reject "$bad/$f" pfscript -i "$bad/$f"
	# "main;b 3 99..." reads as a perf script event line (comm, pid and
	# fields without an event) to pfcollapse: not unrecognized.
	[ "$f" = count-overflow-diff.folded ] || unrecognized "$bad/$f"
done
for f in text.folded count-overflow.folded count-sum-overflow.folded \
	 count-overflow-diff.folded count-exponent.folded; do
	reject "$bad/$f" pfdiff "$good" "$bad/$f"
	reject "$bad/$f" pfdiff "$bad/$f" "$good"
done
for f in nul.folded badutf8.folded badutf8.txt count-exponent.folded; do
	reject "$bad/$f" pfscript -i "$bad/$f"
done
unrecognized "$bad/nul.folded"
unrecognized "$bad/badutf8.folded"

# Invalid UTF-8 and NUL in names: not errors, but the SVG must parse.
for f in nul.folded badutf8.folded; do
	run pfflame "$bad/$f"
	status_ok "pfflame $f" && svg_ok "pfflame $f"
	run pfdiff "$bad/$f" "$good"
	status_ok "pfdiff $f" && [ "$rc" -eq 0 ] || fail "pfdiff $f: status $rc"
done
run pfcollapse "$bad/badutf8.txt"
if status_ok "pfcollapse badutf8.txt" && [ "$rc" -eq 0 ] &&
   grep -q "$(printf 'ma\377\376in')" "$tmp/out"; then
	echo "ok: pfcollapse passes invalid UTF-8 through"
	cp "$tmp/out" "$tmp/badutf8.folded"
	run pfflame "$tmp/badutf8.folded"
	status_ok "pfflame (pfcollapse badutf8.txt)" && svg_ok "pfflame (pfcollapse badutf8.txt)"
else
	fail "pfcollapse badutf8.txt: status $rc"
fi

# --- perf.data, generated from the small recording
# u64 LE at OFFSET of FILE; u16 LE; write u16 LE.
u64() { od -An -tu8 -j "$2" -N 8 "$1" | tr -d ' '; }
u16() { od -An -tu2 -j "$2" -N 2 "$1" | tr -d ' '; }
put16() {
	printf "\\$(printf %03o $(($3 & 255)))\\$(printf %03o $(($3 >> 8)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
data_off=$(u64 "$fp" 40)
data_end=$((data_off + $(u64 "$fp" 48)))
size=$(wc -c <"$fp")
pfscript -i "$fp" >"$tmp/full.txt" 2>"$tmp/err" || fail "pfscript on the intact recording"

# Record boundaries of the file, then of the pipe stream (after its 16-byte header).
boundaries() {
	off=$2
	while [ "$off" -lt "$3" ]; do
		echo "$off"
		s=$(u16 "$1" $((off + 6)))
		[ "$s" -ge 8 ] || break
		off=$((off + s))
	done
}
boundaries "$fp" "$data_off" "$data_end" >"$tmp/fp-bounds"
boundaries "$pipe" 16 "$(wc -c <"$pipe")" >"$tmp/pipe-bounds"
[ "$(wc -l <"$tmp/fp-bounds")" -gt 10 ] || fail "found only $(wc -l <"$tmp/fp-bounds") records in $fp"

# Cut at every record boundary and inside every record header: all refused
# (the header promises data up to $data_end), before any output.
n=0
while read -r off; do
	for cut in "$off" $((off + 5)); do
		head -c "$cut" "$fp" >"$tmp/cut.data"
		reject "$tmp/cut.data" pfscript -i "$tmp/cut.data" || echo "  (cut at $cut)" >&2
		# Every format, and pfcollapse, which folds recordings too.
		for f in folded pprof gecko; do
			reject "$tmp/cut.data" pfscript -i "$tmp/cut.data" --format=$f ||
				echo "  (cut at $cut)" >&2
		done
		reject "$tmp/cut.data" pfcollapse "$tmp/cut.data" || echo "  (cut at $cut)" >&2
		n=$((n + 1))
	done
done <"$tmp/fp-bounds"
echo "ok: $n cuts of $(basename "$fp") inside its data section refused"
# Cut after the data section: the optional feature sections go, the samples
# stay; the output must then be the whole output.
for cut in "$data_end" $(((data_end + size) / 2)); do
	head -c "$cut" "$fp" >"$tmp/cut.data"
	run pfscript -i "$tmp/cut.data"
	status_ok "pfscript cut at $cut" &&
		expect_same "$tmp/full.txt" "$tmp/out" "pfscript: cut at $cut in the feature sections"
done
# The pipe format has no length: a stream cut between records is a shorter
# stream, one cut inside a record is an error, on a file and on stdin.
n=0
while read -r off; do
	[ "$off" -gt 16 ] || continue
	head -c $((off - 3)) "$pipe" >"$tmp/cut.pipe"
	reject "$tmp/cut.pipe" pfscript -i "$tmp/cut.pipe" || echo "  (cut at $((off - 3)))" >&2
	n=$((n + 1))
done <"$tmp/pipe-bounds"
head -c $(($(sed -n 3p "$tmp/pipe-bounds") + 9)) "$pipe" >"$tmp/cut.pipe"
timeout "$limit" pfscript -i - <"$tmp/cut.pipe" >"$tmp/out" 2>"$tmp/err"
rc=$?
status_ok "pfscript -i - (cut pipe)" && [ "$rc" -eq 1 ] &&
	grep -q '^pfscript: <stdin>: .*offset [0-9]' "$tmp/err" && [ "$(wc -l <"$tmp/err")" -eq 1 ] ||
	fail "pfscript -i - on a cut pipe stream: status $rc, $(head -n 1 "$tmp/err")"
echo "ok: $n cuts of $(basename "$pipe") inside records refused"

# The other byte order: perf.data's magic as a big-endian machine writes it.
cp "$fp" "$tmp/swapped.data"
printf '2ELIFREP' | dd of="$tmp/swapped.data" conv=notrunc status=none
reject "$tmp/swapped.data" pfscript -i "$tmp/swapped.data"
# Corrupted sizes: the data section's size, then record sizes far into the
# file set to 0, to less than a header, to an odd size, to 64 KiB - 1.
cp "$fp" "$tmp/bigdata.data"
printf '\377\377\377\377\377\377\0\0' | dd of="$tmp/bigdata.data" bs=1 seek=48 conv=notrunc status=none
reject "$tmp/bigdata.data" pfscript -i "$tmp/bigdata.data"
# prefix_ok WHAT STATUS PATTERN: exit STATUS, one line on stderr matching
# PATTERN, and standard output a prefix of the whole output.
prefix_ok() {
	if [ "$rc" -ne "$2" ] || [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q "$3" "$tmp/err"; then
		fail "$1: status $rc: $(head -n 1 "$tmp/err")"
	elif ! head -c "$(wc -c <"$tmp/out")" "$tmp/full.txt" | cmp -s - "$tmp/out"; then
		fail "$1: output not a prefix of the whole"
	fi
}
for k in 1 5 $(($(wc -l <"$tmp/fp-bounds") - 1)); do
	off=$(sed -n "${k}p" "$tmp/fp-bounds")
	for s in 0 4 13 65535; do
		cp "$fp" "$tmp/size.data"
		put16 "$tmp/size.data" $((off + 6)) "$s"
		run pfscript -i "$tmp/size.data"
		status_ok "pfscript: record $k size $s" || continue
		# An odd size inside the data is found, but only where the
		# record is read: the records before it may have been printed.
		prefix_ok "pfscript: record $k at $off with size $s" 1 \
			"^pfscript: $tmp/size.data: .*offset [0-9]"
	done
done
echo "ok: corrupted record sizes refused"
# A header whose data size is 0, as a recorder killed before it finished
# leaves it: every complete record is read, a record cut short at the end
# of the file is dropped, and one warning says so; status 0, the output a
# prefix of the whole (all of it when the file ends after a record).
cp "$fp" "$tmp/unf.data"
printf '\0\0\0\0\0\0\0\0' | dd of="$tmp/unf.data" bs=1 seek=48 conv=notrunc status=none
n=0
while read -r off; do
	for cut in "$off" $((off + 5)); do
		head -c "$cut" "$tmp/unf.data" >"$tmp/cut.data"
		run pfscript -i "$tmp/cut.data"
		status_ok "pfscript: data size 0, cut at $cut" || continue
		prefix_ok "pfscript: data size 0, cut at $cut" 0 \
			"^pfscript: warning: $tmp/cut.data: data size 0 .* up to offset $off"
		n=$((n + 1))
	done
done <"$tmp/fp-bounds"
head -c "$data_end" "$tmp/unf.data" >"$tmp/cut.data"
run pfscript -i "$tmp/cut.data"
status_ok "pfscript: data size 0" && [ "$rc" -eq 0 ] &&
	expect_same "$tmp/full.txt" "$tmp/out" "pfscript: data size 0, every record read"
# The same streamed: gzip-compressed, and from a pipe.
head -c $((data_end - 5)) "$tmp/unf.data" | gzip >"$tmp/cut.data.gz"
run pfscript -i "$tmp/cut.data.gz"
status_ok "pfscript: data size 0, gzip" && [ "$rc" -eq 0 ] && grep -q 'dropping the partial record' "$tmp/err" &&
	head -c "$(wc -c <"$tmp/out")" "$tmp/full.txt" | cmp -s - "$tmp/out" ||
	fail "pfscript: data size 0, gzip: status $rc, $(head -n 1 "$tmp/err")"
head -c "$data_end" "$tmp/unf.data" | timeout "$limit" pfscript -i - >"$tmp/out" 2>"$tmp/err"
rc=$?
status_ok "pfscript -i -: data size 0" && [ "$rc" -eq 0 ] && grep -q '<stdin>: data size 0' "$tmp/err" &&
	expect_same "$tmp/full.txt" "$tmp/out" "pfscript -i -: data size 0, every record read" ||
	fail "pfscript -i -: data size 0: status $rc, $(head -n 1 "$tmp/err")"
echo "ok: $n cuts of a recording with data size 0 read up to the cut"
# perf record killed by SIGKILL leaves data size 0: pfscript reads every
# sample record the file holds whole (perf script 6.1 reads none of them).
if command -v perf >/dev/null 2>&1 &&
   perf record -q -e page-faults -c 1 -o "$tmp/perf.data" -- true 2>/dev/null; then
	perf record -q -e page-faults -c 1 -o "$tmp/killed.data" -- \
		timeout 60 sh -c 'while :; do ls / >/dev/null; done' 2>/dev/null &
	rec=$!
	i=0
	while [ "$(wc -c <"$tmp/killed.data" 2>/dev/null || echo 0)" -lt 40000 ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kids=$(pgrep -P $rec)
	kill -KILL $rec
	wait $rec 2>/dev/null
	# The workload is timeout(1): TERM makes it pass the signal on to its
	# shell loop (KILL would leave that loop running as an orphan).
	[ -n "$kids" ] && kill -TERM $kids 2>/dev/null
	[ "$(u64 "$tmp/killed.data" 48)" = 0 ] || echo "note: perf wrote a data size before SIGKILL"
	# The sample records (type 9) that lie whole in the file.
	off=$(u64 "$tmp/killed.data" 40)
	end=$(wc -c <"$tmp/killed.data")
	whole=0
	while [ $((off + 8)) -le "$end" ]; do
		s=$(u16 "$tmp/killed.data" $((off + 6)))
		[ "$s" -ge 8 ] && [ $((off + s)) -le "$end" ] || break
		[ "$(od -An -tu4 -j "$off" -N 4 "$tmp/killed.data" | tr -d ' ')" = 9 ] && whole=$((whole + 1))
		off=$((off + s))
	done
	run pfscript -i "$tmp/killed.data" -F comm,tid,time,event
	n=$(grep -c page-faults "$tmp/out")
	if status_ok "pfscript on a SIGKILLed perf record" && [ "$rc" -eq 0 ] && [ "$n" -gt 10 ] &&
	   [ "$n" -eq "$whole" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ]; then
		echo "ok: a SIGKILLed perf record: all its $n samples"
	else
		fail "SIGKILLed perf record: status $rc, $n samples of $whole: $(head -n 2 "$tmp/err")"
	fi
else
	echo "note: perf cannot record here: no SIGKILLed perf record"
fi

# Decompression bombs, read in bounded memory and refused at once: gzip of
# 1 GB of zeros (no perf.data magic), of a valid header and attributes
# followed by 1 GB of zeros (streamed: the first record is bad), and a zstd
# record that decompresses to 64 MB (more than a recording allows).
head -c 1000000000 /dev/zero | gzip -1 >"$tmp/zeros.gz"
{ head -c "$data_off" "$fp"; head -c 1000000000 /dev/zero; } | gzip -1 >"$tmp/zero-records.gz"
for f in "$tmp/zeros.gz" "$tmp/zero-records.gz" "$bad/zstd-bomb.data"; do
	if [ "$sanitized" = yes ]; then
		reject "$f" pfscript -i "$f"
	else
		(ulimit -v 400000 && failures=0 && reject "$f" pfscript -i "$f" &&
			exit "$failures") || fail "pfscript: $(basename "$f") under ulimit -v"
	fi
done

# A COMM holding a newline and an escape sequence: escaped in the text, so
# that it neither forges a line (one sample made many downstream) nor
# reaches the terminal raw.
cp "$fp" "$tmp/comm.data"
while read -r off; do
	[ "$(od -An -tu4 -j "$off" -N 4 "$fp" | tr -d ' ')" = 3 ] || continue
	printf 'x\ny\033[1mz\0' | dd of="$tmp/comm.data" bs=1 seek=$((off + 16)) conv=notrunc status=none
done <"$tmp/fp-bounds"
run pfscript -i "$tmp/comm.data"
if status_ok "pfscript: COMM with control characters" && [ "$rc" -eq 0 ] &&
   [ "$(wc -l <"$tmp/out")" -eq "$(wc -l <"$tmp/full.txt")" ] &&
   grep -qF 'x\ny\x1b[1mz ' "$tmp/out" && ! grep -q "$(printf '\033')" "$tmp/out"; then
	echo "ok: pfscript escapes control characters of names"
else
	fail "pfscript: COMM with control characters: status $rc, $(wc -l <"$tmp/out") lines"
fi

# Lost samples and records of unknown types: the samples printed, and a
# summary at the end as perf report gives it (issue 17 item 8).
run pfscript -i "$bad/lost-unknown.data"
if status_ok "pfscript lost-unknown.data" && [ "$rc" -eq 0 ] &&
   [ "$(grep -c page-faults "$tmp/out")" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 3 ] &&
   grep -q '^pfscript: warning: 214047 samples lost in 2 chunks' "$tmp/err" &&
   grep -q '^pfscript: warning: 7 samples the kernel could not write' "$tmp/err" &&
   grep -q '^pfscript: warning: skipped 3 records of unknown types (200, 201)' "$tmp/err"; then
	echo "ok: pfscript reports lost samples and unknown records"
else
	fail "pfscript lost-unknown.data: status $rc: $(cat "$tmp/err")"
fi
run pfscript -q -i "$bad/lost-unknown.data"
[ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] || fail "pfscript -q: warnings despite -q"

# perf.data to pfcollapse: folded as pfscript prints it (issue 19); to
# the tools that read folded stacks: binary, refused.
for f in "$fp" "$pipe"; do
	run pfcollapse "$f"
	pfscript -i "$f" | pfcollapse >"$tmp/want.folded"
	status_ok "pfcollapse $f" && [ "$rc" -eq 0 ] && [ -s "$tmp/out" ] &&
		cmp -s "$tmp/want.folded" "$tmp/out" &&
		echo "ok: pfcollapse folds $(basename "$f") as pfscript | pfcollapse does" ||
		fail "pfcollapse $f: status $rc, not the stacks of pfscript | pfcollapse"
	reject "$f" pfflame "$f"
	reject "$f" pfdiff "$good" "$f"
done

# --- 10 MB lines
{ printf 'main;'; head -c 10000000 /dev/zero | tr '\0' x; printf ' 7\nmain;f 3\n'; } >"$tmp/long.folded"
run pfflame "$tmp/long.folded"
status_ok "pfflame 10 MB frame name" && svg_ok "pfflame 10 MB frame name"
{ printf 'main;f 3\n'; head -c 10000000 /dev/zero | tr '\0' x; echo; } >"$tmp/long-bad.folded"
reject "$tmp/long-bad.folded" pfdiff "$good" "$tmp/long-bad.folded"
reject "$tmp/long-bad.folded" pfscript -i "$tmp/long-bad.folded"
unrecognized "$tmp/long-bad.folded"
{ sed -n 1,10p "$data/collapse/no-callchain.txt"; printf 'app 1 1.0: 1 page-faults:  401136 '
  head -c 10000000 /dev/zero | tr '\0' y; printf ' (/usr/bin/app)\n'; } >"$tmp/long.txt"
run pfcollapse "$tmp/long.txt"
status_ok "pfcollapse 10 MB symbol" && [ "$rc" -eq 0 ] &&
	[ "$(awk '{ n += length($0) > 10000000 } END { print n }' "$tmp/out")" = 1 ] &&
	echo "ok: pfcollapse: 10 MB symbol" || fail "pfcollapse 10 MB symbol: status $rc, $(head -n 1 "$tmp/err")"

# --- a gzip bomb: 300 MB of zeros, no newline, in 300 KB.  The line limit
# (64 MiB) stops it, in bounded memory.
head -c 300000000 /dev/zero | gzip -1 >"$tmp/bomb.gz"
for t in pfcollapse pfflame pfdiff; do
	if [ "$t" = pfdiff ]; then set -- pfdiff "$good" "$tmp/bomb.gz"; else set -- "$t" "$tmp/bomb.gz"; fi
	if [ "$sanitized" = yes ]; then
		reject "$tmp/bomb.gz" "$@"
	else
		# 400 MB of address space: room for the tool, not for the bomb.
		(ulimit -v 400000 && failures=0 && reject "$tmp/bomb.gz" "$@" &&
			exit "$failures") || fail "$t: gzip bomb under ulimit -v"
	fi
done

# --- perf script text that real perf writes and pfcollapse once got wrong
# (issue 16: a thread name ending in a number, frames without a symbol,
# right-aligned names, kernel modules, dso paths with spaces and
# parentheses, -F +addr): accepted with the expected result, and every
# prefix of it (cut every 29 bytes) accepted too, without a crash or hang.
for name in tp-comm-number empty-symbol padded kernel-dsos dso-space dso-parens \
	    addr-chain addr-nochain; do
	f="$data/collapse/$name.txt"
	exp="$data/collapse/$name.folded"
	opt=
	[ "$name" = kernel-dsos ] && { exp="$data/collapse/$name.kernel.folded"; opt=--kernel; }
	run pfcollapse $opt "$f"
	if status_ok "pfcollapse $name.txt" && [ "$rc" -eq 0 ] && cmp -s "$exp" "$tmp/out"; then
		echo "ok: pfcollapse: $name.txt"
	else
		fail "pfcollapse $name.txt: status $rc, $(head -n 1 "$tmp/err")"
	fi
	size=$(wc -c <"$f")
	n=1
	while [ "$n" -lt "$size" ]; do
		head -c "$n" "$f" >"$tmp/cut.txt"
		run pfcollapse $opt "$tmp/cut.txt"
		status_ok "pfcollapse $name.txt cut at $n" && [ "$rc" -eq 0 ] ||
			fail "pfcollapse $name.txt cut at $n: status $rc, $(head -n 1 "$tmp/err")"
		n=$((n + 29))
	done
done

# --- megabyte lines of every shape the parsers scan (issue 17): each parser
# is linear, so each of these takes about a second; a quadratic scan (as
# the event-line scanner once was in a run of blanks) takes hours and
# meets the time limit.
big=1000000
rep() {	# rep CHAR COUNT
	head -c "$2" /dev/zero | tr '\0' "$1"
}
pairs() {	# pairs TEXT: TEXT repeated to about $big bytes
	head -c "$big" /dev/zero | tr '\0' x | sed "s/xx/$1/g"
}
linear() {	# linear WHAT TOOL ARGS...: finishes in time, status 0 or 1
	what=$1
	shift
	run "$@"
	status_ok "$what" && [ "$rc" -le 1 ] && echo "ok: $what" ||
		fail "$what: status $rc, $(head -n 1 "$tmp/err")"
}
{ printf 'app'; rep ' ' $big; printf '1234 1.0: 1 page-faults: \n\t401136 main (/bin/app)\n\n'; } >"$tmp/l.txt"
linear "pfcollapse: blanks after the name" pfcollapse "$tmp/l.txt"
{ printf 'app 1234'; rep ' ' $big; printf '1.0:'; rep ' ' $big; printf '1 ev:'; rep ' ' $big; echo; } >"$tmp/l.txt"
linear "pfcollapse: blanks between header fields" pfcollapse "$tmp/l.txt"
{ printf 'app'; pairs ' 1x'; echo; } >"$tmp/l.txt"
linear "pfcollapse: numbers that are no PID" pfcollapse "$tmp/l.txt"
{ printf 'app'; pairs ' 1\/'; echo; } >"$tmp/l.txt"
linear "pfcollapse: numbers and slashes" pfcollapse "$tmp/l.txt"
{ printf 'app 1 1.0: 1 ev: x '; pairs '1 '; printf 'ev2: y\n'; } >"$tmp/l.txt"
linear "pfcollapse: tracepoint fields" pfcollapse "$tmp/l.txt"
{ printf 'app 1 1.0: 1 ev:  401136 f'; pairs ') '; printf ' (/bin/app)\n'; } >"$tmp/l.txt"
linear "pfcollapse: frames on the header" pfcollapse "$tmp/l.txt"
{ printf 'app 1 1.0: 1 ev: \n\t401136 '; rep '(' $big; printf ' (/bin/app)\n\t401137 '
  rep ')' $big; printf ' (/bin/app)\n\t4 f'; pairs ' ('; printf ')\n\t5 '; rep ' ' $big
  printf '(x)\n\t6 '; pairs '(a)::'; printf ' (/bin/app)\n\t7 '; pairs '->'
  printf ' (/bin/app)\n\t8 operator'; pairs '<<'; printf ' (/bin/app)\n\n'; } >"$tmp/l.txt"
linear "pfcollapse: frame lines" pfcollapse --inline "$tmp/l.txt"
for shape in ';;' '1 ' '0x' '  ' '1.' '()' '\t;'; do
	{ printf 'main;'; pairs "$shape"; printf ' 7\n'; } >"$tmp/l.folded"
	linear "pfflame: folded line of '$shape'" pfflame "$tmp/l.folded"
	linear "pfflame --text --reverse: folded line of '$shape'" pfflame --text --reverse "$tmp/l.folded"
	linear "pfdiff -s: folded line of '$shape'" pfdiff -s "$good" "$tmp/l.folded"
	linear "pfdiff --report: folded line of '$shape'" pfdiff --report "$tmp/l.folded" "$good"
done

# --- 200,000 memory maps in one process (issue 17 item 6): each overlaps
# the one before, so every insertion cuts an old map.  Inserting into a
# sorted array took minutes (quadratic); the maps' tree takes well under a
# second, and the samples print as without the extra maps, far from them.
perl -e '
	binmode STDIN; binmode STDOUT; local $/; my $d = <STDIN>;
	my $off = 16;
	while ($off + 8 <= length $d) {
		my ($type, $misc, $size) = unpack "VvV", substr($d, $off, 8);
		$size = unpack "v", substr($d, $off + 6, 2);
		die "no MMAP2 record\n" if $size < 8;
		last if $type == 10;
		$off += $size;
	}
	my $size = unpack "v", substr($d, $off + 6, 2);
	my $rec = substr($d, $off, $size);
	print substr($d, 0, $off + $size);
	for my $i (0 .. 199999) {
		my $base = 0x100000000000 + $i * 0x1000;
		substr($rec, 16, 16) = pack("VV", $base & 0xffffffff, $base >> 32) .
				       pack("VV", 0x1800, 0);
		print $rec;
	}
	print substr($d, $off + $size);
' <"$pipe" >"$tmp/maps.data" || fail "cannot write a recording with many maps"
# run_limited ARGS...: run, also under a 1 GB memory limit (but with ASan).
run_limited() {
	if [ "$sanitized" = yes ]; then
		timeout "$limit" "$@"
	else
		(ulimit -v 1000000 && exec timeout "$limit" "$@")
	fi >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
run_limited pfscript -i "$pipe"
cp "$tmp/out" "$tmp/maps.exp"
run_limited pfscript -i "$tmp/maps.data"
if status_ok "pfscript: 200,000 maps" && [ "$rc" -eq 0 ] && cmp -s "$tmp/maps.exp" "$tmp/out"; then
	echo "ok: pfscript: 200,000 overlapping maps in one process"
else
	fail "pfscript: 200,000 maps: status $rc, $(head -n 1 "$tmp/err")"
fi

# --- hostile files named by a recording (issue 15 item 5): the dynamic
# loader's mapping of the small recording renamed to each.  pfscript must
# finish in time and memory with status 0, print the samples (those frames
# as [unknown] in that file), and say at most once, naming the file, why
# it has no symbols from it; it never blocks on a FIFO or reads a device.
# rename_dso OLD NEW <IN >OUT: the MMAP2 record of OLD names NEW instead.
rename_dso() {
	perl -e '
	my ($old, $new) = @ARGV;
	binmode STDIN; binmode STDOUT; local $/; my $d = <STDIN>;
	my $off = 16;
	print substr($d, 0, 16);
	while ($off + 8 <= length $d) {
		my ($type) = unpack "V", substr($d, $off, 4);
		my $size = unpack "v", substr($d, $off + 6, 2);
		die "bad record\n" if $size < 8;
		my $rec = substr($d, $off, $size);
		my $name = $type == 10 ? unpack("Z*", substr($rec, 72)) : "";
		if ($type == 10 && $name eq $old) {
			my $pad = (length($old) + 8) & ~7;
			my $trailer = substr($rec, 72 + $pad);
			my $npad = (length($new) + 8) & ~7;
			$rec = substr($rec, 0, 72) . pack("a$npad", $new) . $trailer;
			substr($rec, 6, 2) = pack "v", length $rec;
			# an anonymous mapping has no offset, as the kernel says
			substr($rec, 32, 8) = pack "Q", 0 if $new eq "//anon";
		}
		print $rec;
		$off += $size;
	}' "$1" "$2"
}
ldso=/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
# hostile NAME WHAT [warn|quiet]: pfscript on the recording whose loader is
# the file NAME.
hostile() {
	rename_dso "$ldso" "$1" <"$pipe" >"$tmp/hostile.data"
	run_limited pfscript -i "$tmp/hostile.data"
	status_ok "pfscript: $2" || return
	if [ "$rc" -ne 0 ]; then
		fail "pfscript: $2: status $rc: $(head -n 1 "$tmp/err")"
	elif ! grep -Fq "[unknown] ($1)" "$tmp/out"; then
		fail "pfscript: $2: no [unknown] frame in $1"
	elif [ "$(wc -l <"$tmp/err")" -gt 1 ]; then
		fail "pfscript: $2: $(wc -l <"$tmp/err") lines on stderr"
	elif [ "${3:-warn}" = warn ] && ! grep -q "^pfscript: $1: .*; no symbols from it\$" "$tmp/err"; then
		fail "pfscript: $2: no warning naming $1: $(head -n 1 "$tmp/err")"
	else
		echo "ok: pfscript: $2"
	fi
}
mkfifo "$tmp/fifo"
hostile "$tmp/fifo" "a FIFO"
hostile /dev/urandom "a device"
hostile "$tmp" "a directory"
hostile /proc/self/mem "/proc/self/mem"
hostile "$tmp/missing.so" "a file that is not there" quiet
truncate -s 10G "$tmp/sparse" 2>/dev/null && hostile "$tmp/sparse" "a 10 GB sparse file"
head -c 4000 "$ldso" >"$tmp/truncated.so" && hostile "$tmp/truncated.so" "a truncated ELF file"
# ELF fields patched: put64 FILE OFFSET VALUE (little-endian).
put64() {
	perl -e 'open F, "+<", $ARGV[0] or die; binmode F; seek F, $ARGV[1], 0;
		 print F pack "Q", $ARGV[2]' "$@"
}
# field FILE SECTION WHAT: the file offset of the section header field WHAT
# (size or entsize) of SECTION.
field() {
	perl -e '
	open F, "<", $ARGV[0] or die; binmode F; local $/; my $d = <F>;
	my ($shoff) = unpack "Q", substr($d, 0x28, 8);
	my ($shentsize, $shnum, $shstrndx) = unpack "vvv", substr($d, 0x3a, 6);
	my $strtab = unpack "Q", substr($d, $shoff + $shstrndx * $shentsize + 0x18, 8);
	for my $i (0 .. $shnum - 1) {
		my $h = $shoff + $i * $shentsize;
		my $name = unpack "Z*", substr($d, $strtab + unpack("V", substr($d, $h, 4)));
		next unless $name eq $ARGV[1];
		print $h + ($ARGV[2] eq "size" ? 0x20 : 0x38), "\n";
		exit;
	}' "$@"
}
if [ -f /bin/true ]; then
	cp "$ldso" "$tmp/shoff.so"
	put64 "$tmp/shoff.so" 40 1099511627776
	hostile "$tmp/shoff.so" "section headers beyond the end"
	cp "$ldso" "$tmp/shsize.so"
	at=$(field "$tmp/shsize.so" .dynsym size)
	[ -n "$at" ] && put64 "$tmp/shsize.so" "$at" 1152921504606846976 &&
		hostile "$tmp/shsize.so" "an absurd sh_size"
	# A .rela.plt of 1-byte entries over a sparse 120 MB file: once 10 GB
	# of memory and 77 s.
	cp /bin/true "$tmp/relaplt"
	at=$(field "$tmp/relaplt" .rela.plt entsize)
	if [ -n "$at" ]; then
		truncate -s 120M "$tmp/relaplt"
		put64 "$tmp/relaplt" "$at" 1
		put64 "$tmp/relaplt" $((at - 0x18)) 100000000
		hostile "$tmp/relaplt" "a .rela.plt of 1-byte entries in a sparse 120 MB file"
	fi
fi
# A .gnu_debuglink is a file name: "../fifo" must not be followed (here to
# a FIFO, which would block).  Without its build-id the loader's copy has
# only its exported symbols: the frames inside are [unknown].
if command -v objcopy >/dev/null 2>&1; then
	mkdir -p "$tmp/sub"
	printf '../fifo\0\0\0\0\0\0\0\0\0' >"$tmp/debuglink"
	objcopy --remove-section=.gnu_debuglink --remove-section=.note.gnu.build-id \
		--add-section .gnu_debuglink="$tmp/debuglink" "$ldso" "$tmp/sub/dl.so" 2>/dev/null &&
	rename_dso "$ldso" "$tmp/sub/dl.so" <"$pipe" >"$tmp/hostile.data" &&
	run_limited pfscript -i "$tmp/hostile.data" -F +srcline
	if status_ok "pfscript: a debuglink with ../" && [ "$rc" -eq 0 ] &&
	   grep -Fq "[unknown] ($tmp/sub/dl.so)" "$tmp/out"; then
		echo "ok: pfscript: a debuglink with ../ is not followed"
	else
		fail "pfscript: a debuglink with ../: status $rc, $(head -n 1 "$tmp/err")"
	fi
fi
# The JIT map of the recorded process: a FIFO, a 1 GB line, no newline.
jitmap=/tmp/perf-27597.map
if [ ! -e "$jitmap" ] || [ -O "$jitmap" ]; then
	for kind in fifo longline nonewline; do
		rm -f "$jitmap"
		case $kind in
		fifo) mkfifo "$jitmap" ;;
		longline) { printf '1000 10 '; head -c 100000 /dev/zero | tr '\0' x; echo; } >"$jitmap"
			  truncate -s 1G "$jitmap" ;;
		nonewline) printf '7f0fde317000 40 jitted' >"$jitmap"
			   truncate -s 1G "$jitmap" ;;
		esac
		rename_dso "$ldso" //anon <"$pipe" >"$tmp/hostile.data"
		run_limited pfscript -i "$tmp/hostile.data"
		if status_ok "pfscript: JIT map: $kind" && [ "$rc" -eq 0 ] &&
		   [ "$(wc -l <"$tmp/err")" -le 1 ]; then
			echo "ok: pfscript: JIT map: $kind"
		else
			fail "pfscript: JIT map: $kind: status $rc, $(head -n 1 "$tmp/err")"
		fi
	done
	rm -f "$jitmap"
else
	echo "skip: $jitmap belongs to someone else"
fi

echo "ok: $rejected bad inputs refused as they should be"
finish
