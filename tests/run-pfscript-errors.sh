#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfscript on bundled recordings (no perf needed): the reader's output
# equals perf script's for fields that need no symbols, and broken files
# (empty, wrong magic, other byte order, truncated, sizes pointing outside
# the file, undersized records) fail with one line naming the offset and
# exit status 1, never a crash or a hang.
. "${top_srcdir:-.}/tests/lib.sh"

fp="$data/script/true-fp.data"
pipe="$data/script/true-pipe.data"

pfscript -i "$fp" -F comm,tid,time,event,ip >"$tmp/ip.txt" || fail "reads $fp"
expect_same "$data/script/true-fp.ip.txt" "$tmp/ip.txt" "file format: same as perf script"
pfscript -i "$fp" -F comm,tid,time,event,ip --show-mmap-events >"$tmp/mmap.txt"
expect_same "$data/script/true-fp.mmap.txt" "$tmp/mmap.txt" "--show-mmap-events: same as perf script"
pfscript -i "$pipe" -F comm,tid,time,event >"$tmp/pipe.txt" || fail "reads $pipe"
[ "$(grep -c 'page-faults:' "$tmp/pipe.txt")" -gt 10 ] || fail "pipe format: samples"
pfscript -i "$fp" --header -F comm >"$tmp/header.txt"
grep -q '^# perf version : ' "$tmp/header.txt" || fail "--header shows the perf version"
grep -q '^# event : name = page-faults' "$tmp/header.txt" || fail "--header shows the event"

# bad NAME PATTERN: pfscript on $tmp/NAME fails with status 1 and one line
# matching PATTERN.
bad() {
	pfscript -i "$tmp/$1" >/dev/null 2>"$tmp/$1.err"
	st=$?
	if [ $st -ne 1 ]; then
		fail "$1: exit status $st, expected 1"
	elif [ "$(wc -l <"$tmp/$1.err")" -ne 1 ] || ! grep -q -- "$2" "$tmp/$1.err"; then
		fail "$1: message '$(cat "$tmp/$1.err")' does not match '$2'"
	else
		echo "ok: $1: $(cat "$tmp/$1.err")"
	fi
}

# put FILE OFFSET HEXBYTES: overwrite bytes of FILE.
put() {
	hex=$3 s=
	while [ -n "$hex" ]; do
		s="$s$(printf '\\%03o' "0x${hex%"${hex#??}"}")"
		hex=${hex#??}
	done
	# shellcheck disable=SC2059
	printf "$s" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

: >"$tmp/empty"
bad empty "not a perf.data file"
printf 'PERFILE3xxxxxxxxxxxxxxxx' >"$tmp/magic"
bad magic "bad magic at offset 0"
cp "$fp" "$tmp/swapped" && put "$tmp/swapped" 0 32454c4946524550
bad swapped "other byte order"
head -c 50 "$fp" >"$tmp/short-header"
bad short-header "offset"
head -c 3000 "$fp" >"$tmp/truncated"
bad truncated "outside the file"
cp "$fp" "$tmp/huge" && put "$tmp/huge" 48 ffffffffffffff7f
bad huge "outside the file"
# The first record (at the data offset, 264 in this file): size 4, then
# a size that runs past the end.
off=$(od -A n -t u8 -j 40 -N 8 "$fp" | tr -d ' ')
cp "$fp" "$tmp/small-record" && put "$tmp/small-record" $((off + 6)) 0400
bad small-record "record size 4 too small at offset $off"
cp "$fp" "$tmp/long-record" && put "$tmp/long-record" $((off + 6)) ffff
bad long-record "runs past the end of the data at offset"
head -c 5000 "$pipe" >"$tmp/pipe-truncated"
bad pipe-truncated "runs past the end of the data at offset"
cp "$pipe" "$tmp/pipe-small" && put "$tmp/pipe-small" 22 0200
bad pipe-small "record size 2 too small at offset 16"
bad missing-file "No such file"
# A sample whose callchain claims more entries than the record holds.
cat "$tmp/pipe-truncated" | pfscript -i - >/dev/null 2>"$tmp/stdin.err"
[ $? -eq 1 ] && grep -q '<stdin>: truncated record' "$tmp/stdin.err" ||
	fail "truncated stream on standard input"

pfscript --bogus >/dev/null 2>&1
[ $? -eq 2 ] || fail "an unknown option is a usage error"
pfscript -F nosuchfield >/dev/null 2>"$tmp/usage.err"
[ $? -eq 2 ] && grep -q "unknown field 'nosuchfield'" "$tmp/usage.err" ||
	fail "-F with an unknown field"

finish
