#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfrecord when things go wrong: the target dies by a signal, exits at
# once, forks 1000 children, cannot be run; the output disk is full
# (/dev/full, and a small tmpfs when this runs as root and may mount).
# Each time: the right exit status, one clear error line where there is an
# error (-q keeps the summary line off stderr), and a file that pfscript
# and perf script read whenever anything was recorded (and no file, the
# previous one left alone, when nothing was).
. "${top_srcdir:-.}/tests/lib.sh"

limit=300
out="$tmp/pf.data"

# record STATUS ARGS...: pfrecord -q -g -o $out ARGS, expecting STATUS.
record() {
	want=$1
	shift
	timeout "$limit" pfrecord -q -g -o "$out" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 1 ] && grep -q 'perf_event_open.*\(Permission\|not permitted\|denied\)' "$tmp/err"; then
		skip "the kernel refuses perf_event_open: $(head -n 1 "$tmp/err")"
	fi
	[ "$rc" -eq "$want" ] && return 0
	fail "pfrecord $*: exit status $rc, expected $want: $(head -n 2 "$tmp/err")"
	return 1
}

# readable WHAT: pfscript and perf script read $out; the samples are in $tmp/script.
readable() {
	if ! timeout "$limit" pfscript -i "$out" >"$tmp/script" 2>"$tmp/err"; then
		fail "$1: pfscript cannot read the file: $(head -n 1 "$tmp/err")"
		return 1
	fi
	if command -v perf >/dev/null 2>&1 && perf version >/dev/null 2>&1; then
		timeout "$limit" perf script -i "$out" >"$tmp/perf" 2>"$tmp/err" ||
			{ fail "$1: perf script cannot read the file: $(head -n 1 "$tmp/err")"; return 1; }
		[ "$(wc -l <"$tmp/perf")" -eq "$(wc -l <"$tmp/script")" ] ||
			fail "$1: perf script prints $(wc -l <"$tmp/perf") lines, pfscript $(wc -l <"$tmp/script")"
	fi
	echo "ok: $1: a valid file, $(grep -c 'page-faults' "$tmp/script") sample lines"
}

# No stderr beyond what -q allows: nothing at all.
quiet() {
	[ -s "$tmp/err" ] && fail "$1: unexpected stderr: $(head -n 1 "$tmp/err")"
	:
}

# The target dies by a signal: the shell's status, 128 + the signal.
if record 139 -- sh -c 'kill -SEGV $$'; then
	quiet "killed by SIGSEGV"
	readable "killed by SIGSEGV"
	grep -q page-faults "$tmp/script" || fail "killed by SIGSEGV: no samples before the signal"
fi
record 130 -- sh -c 'kill -INT $$' && readable "killed by SIGINT"

# The target exits at once, with its own status.
record 0 -- true && quiet "true" && readable "true"
record 3 -- sh -c 'exit 3' && readable "exit 3"

# 1000 children: every one is followed (inherit), none is lost for good.
if record 0 -- sh -c 'i=0; while [ $i -lt 1000 ]; do /bin/true & i=$((i + 1)); done; wait'; then
	readable "1000 children"
	pids=$(awk '$1 == "true" { print $2 }' "$tmp/script" | sort -u | wc -l)
	# Under load the ring buffer may drop some; most must be there.
	[ "$pids" -ge 500 ] && echo "ok: samples of $pids of the 1000 children" ||
		fail "1000 children: samples of only $pids processes"
fi

# A missing binary: 127 as shells say it, one line naming it, and the
# previous recording left as it was (nothing was recorded).
cp "$out" "$tmp/before.data"
rm -f "$out.old"
if record 127 -- "$tmp/no-such-binary"; then
	[ "$(wc -l <"$tmp/err")" -eq 1 ] &&
		grep -q "^pfrecord: $tmp/no-such-binary: command not found$" "$tmp/err" &&
		echo "ok: missing binary: $(cat "$tmp/err")" ||
		fail "missing binary: stderr: $(head -n 3 "$tmp/err")"
	cmp -s "$out" "$tmp/before.data" && ! [ -e "$out.old" ] &&
		echo "ok: missing binary: the previous recording is untouched" ||
		fail "missing binary: the previous recording changed"
fi

# The output device is full.
timeout "$limit" pfrecord -q -g -o /dev/full -- true >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	grep -q '^pfrecord: /dev/full: .*No space left on device' "$tmp/err" &&
	echo "ok: /dev/full: $(cat "$tmp/err")" ||
	fail "/dev/full: exit status $rc: $(head -n 3 "$tmp/err")"

# A 2 MB tmpfs filled by a few MB of samples: an error, and what was
# written whole stays readable.
mkdir "$tmp/mnt"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=2m pftools-test "$tmp/mnt" 2>/dev/null; then
	trap 'umount "$tmp/mnt" 2>/dev/null; rm -rf "$tmp"' EXIT
	out="$tmp/mnt/pf.data"
	if record 1 -- sh -c 'i=0; while [ $i -lt 1000 ]; do /bin/true; i=$((i + 1)); done'; then
		[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "^pfrecord: $out: .*No space left on device" "$tmp/err" &&
			echo "ok: full tmpfs: $(cat "$tmp/err")" ||
			fail "full tmpfs: stderr: $(head -n 3 "$tmp/err")"
		readable "full tmpfs" && grep -q page-faults "$tmp/script" ||
			fail "full tmpfs: nothing kept of what was recorded"
	fi
	umount "$tmp/mnt"
else
	echo "note: cannot mount a tmpfs here (not root, or no permission): the full-disk test used /dev/full only"
fi
finish
