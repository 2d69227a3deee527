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

# A directory: its name and what it is.
pfscript -i "$tmp" >/dev/null 2>"$tmp/dir.err"
[ $? -eq 1 ] && [ "$(cat "$tmp/dir.err")" = "pfscript: $tmp: Is a directory" ] ||
	fail "-i DIR: '$(cat "$tmp/dir.err")'"

# Times in nanoseconds: perf's microseconds (true-fp.ip.txt) and three
# more digits.
grep '^true ' "$data/script/true-fp.ip.txt" | awk '{ sub(":", "", $3); print $3 }' >"$tmp/times"
pfscript -i "$fp" -F time --ns | tr -d ' :' >"$tmp/ns"
sed 's/[0-9][0-9][0-9]$//' "$tmp/ns" >"$tmp/ns.us"
expect_same "$tmp/times" "$tmp/ns.us" "--ns: the times perf prints, to the nanosecond"
grep -qvx '[0-9]*\.[0-9]\{9\}' "$tmp/ns" && fail "--ns: nine decimals"
n=$(wc -l <"$tmp/times")
t1=$(sed -n 1p "$tmp/ns") t3=$(sed -n 3p "$tmp/ns") t5=$(sed -n 5p "$tmp/ns") tn=$(sed -n \$p "$tmp/ns")

# --time: the samples from the 3rd to the 5th time, ends included; open
# ends; two ranges.
count_time() {
	c=$(pfscript -i "$fp" -F time --time "$1" | grep -c .)
	[ "$c" = "$2" ] || fail "--time '$1': $c samples, expected $2"
}
count_time "$t3,$t5" 3
count_time "$t3," $((n - 2))
count_time ",$t3" 3
count_time ",$t1 $t5," $((n - 3))
count_time 0%-100% "$n"
count_time 50%/1,50%/2 "$n"
# --reltime and --deltatime: from 0 to the duration, steps that add up.
dur=$(echo "$t1 $tn" | awk '{ printf "%.9f\n", $2 - $1 }')
pfscript -i "$fp" -F time --reltime --ns | sed -n '1p;$p' | tr -d ' :' >"$tmp/rel"
printf '0.000000000\n%s\n' "$dur" >"$tmp/rel.expected"
expect_same "$tmp/rel.expected" "$tmp/rel" "--reltime: 0 to the duration"
c=$(pfscript -i "$fp" -F time --reltime --time ,0.000000001 | grep -c .)
[ "$c" = 1 ] || fail "--reltime --time ,0.000000001: $c samples"
pfscript -i "$fp" -F time --deltatime --ns |
	awk '{ sub(":", "", $1); s += $1 } END { printf "%.9f\n", s }' >"$tmp/delta"
[ "$(cat "$tmp/delta")" = "$dur" ] || fail "--deltatime: the steps add up to $(cat "$tmp/delta")"

# option_bad PATTERN ARGS...: exit status 1 and a message matching PATTERN.
option_bad() {
	pattern=$1
	shift
	pfscript -i "$fp" "$@" >/dev/null 2>"$tmp/opt.err"
	st=$?
	if [ $st -ne 1 ] || ! grep -q -- "$pattern" "$tmp/opt.err"; then
		fail "$*: status $st, '$(cat "$tmp/opt.err")'"
	else
		echo "ok: $*: $(cat "$tmp/opt.err")"
	fi
}
for t in 1.2.3 5,3 abc 1,2,3 10%/0 0%-150% 50%-10% 1.1234567890, "3,4 1,2"; do
	option_bad "invalid --time: '$t'" --time "$t"
done
option_bad "needs the times of the first and last samples" -i "$pipe" --time 10%
option_bad "no CPU numbers" --cpu 0
pfscript -i "$tmp/none.data" --reltime --deltatime >/dev/null 2>"$tmp/rd.err"
[ $? -eq 2 ] && grep -q 'exclude each other' "$tmp/rd.err" || fail "--reltime --deltatime"

# The other formats take no time, CPU or symbol filters (yet): refused.
for opt in --time=1, --cpu=0 -Smain --ns --show-task-events; do
	pfscript -i "$fp" --format=folded "$opt" >/dev/null 2>"$tmp/fmt.err"
	[ $? -eq 2 ] && grep -q 'with --format=perf only' "$tmp/fmt.err" ||
		fail "--format=folded $opt: $(head -n 1 "$tmp/fmt.err")"
done

pfscript --bogus >/dev/null 2>&1
[ $? -eq 2 ] || fail "an unknown option is a usage error"
pfscript -F nosuchfield >/dev/null 2>"$tmp/usage.err"
[ $? -eq 2 ] && grep -q "unknown field 'nosuchfield'" "$tmp/usage.err" ||
	fail "-F with an unknown field"

finish
