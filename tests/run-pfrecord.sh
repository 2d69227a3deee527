#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfrecord end to end: the demo's known faults are captured and attributed,
# perf itself reads the files (fp, dwarf, -d, -p, -a, pipe), children and
# threads are followed, SIGINT leaves a valid file, lost samples are
# reported, --stat agrees with getrusage, bad options give clear errors.
. "${top_srcdir:-.}/tests/lib.sh"

demo="$top_builddir/tests/progs/pfdemo"
[ -x "$demo" ] || skip "tests/progs/pfdemo not built"

# perf_event_open may be refused (containers, perf_event_paranoid).
if ! pfrecord -q -o "$tmp/probe.data" -- true 2>"$tmp/probe.err"; then
	if grep -q 'permission denied\|not supported' "$tmp/probe.err"; then
		skip "perf_event_open refused: $(cat "$tmp/probe.err")"
	fi
	fail "pfrecord -- true: $(cat "$tmp/probe.err")"
	finish
fi
need_perf_admin
have_perf=no
command -v perf >/dev/null 2>&1 && perf --version >/dev/null 2>&1 && have_perf=yes

# at_least N WHAT VALUE
at_least() {
	if [ "$3" -ge "$1" ] 2>/dev/null; then
		echo "ok: $2 ($3 >= $1)"
	else
		fail "$2: $3, expected at least $1"
	fi
}

# perf_reads FILE WHAT [perf script options]: perf script and perf report
# read FILE without a warning; the script goes to FILE.txt.
perf_reads() {
	f=$1 what=$2
	shift 2
	[ $have_perf = yes ] || return 0
	# perf's only acceptable complaint: samples the kernel dropped (a
	# loaded machine, or -m), which pfrecord stores as PERF_RECORD_LOST.
	if perf script -i "$f" "$@" >"$f.txt" 2>"$f.err" &&
	   ! grep -v '^Warning:$\|and lost [0-9]* chunks!$\|Check IO/CPU overload!$\|^$' "$f.err" |
	   grep -q .; then
		echo "ok: perf script reads $what"
	else
		fail "perf script on $what: $(head -3 "$f.err")"
	fi
	if perf report --stdio -i "$f" >"$f.rep" 2>"$f.err" &&
	   ! grep -v '^Warning:$\|and lost [0-9]* chunks!$\|Check IO/CPU overload!$' "$f.err" |
	   grep -qi 'warning\|error\|bogus\|corrupt'; then
		echo "ok: perf report reads $what"
	else
		fail "perf report on $what: $(head -3 "$f.err")"
	fi
}

# samples_in SYMBOL FILE.txt: samples whose stack has SYMBOL.
samples_in() {
	awk -v s="$1" '/^[^ \t]/ { hit = 0 } $2 ~ "^"s"\\+" && !hit { n++; hit = 1 }
		END { print n + 0 }' "$2"
}

# --- every fault of the demo, frame-pointer stacks
pfrecord -e page-faults -c 1 -g -o "$tmp/fp.data" -- "$demo" 2>"$tmp/fp.err" ||
	fail "pfrecord -g exit status $?"
grep -q '^\[ pfrecord: Captured and wrote [0-9.]* MB .*fp.data ([0-9]* samples) \]$' "$tmp/fp.err" ||
	fail "summary line: $(cat "$tmp/fp.err")"
n=$(sed -n 's/.*(\([0-9]*\) samples).*/\1/p' "$tmp/fp.err")
at_least 8192 "samples of the demo" "$n"
grep -q lost "$tmp/fp.err" && fail "samples lost at -c 1 -g: $(cat "$tmp/fp.err")"
perf_reads "$tmp/fp.data" "-g file"
if [ $have_perf = yes ]; then
	at_least 4096 "touch_pages samples" "$(samples_in touch_pages "$tmp/fp.data.txt")"
	at_least 2048 "grow_vector samples" "$(samples_in grow_vector "$tmp/fp.data.txt")"
	at_least 2048 "memset samples (fill_buffer)" "$(samples_in '__memset[a-z0-9_]*' "$tmp/fp.data.txt")"
	grep -q 'touch_pages+0x[0-9a-f]* (.*pfdemo)' "$tmp/fp.data.txt" ||
		fail "touch_pages not symbolized against pfdemo"
	# Same stacks as perf's own recording of the same run.
	perf record -q -e page-faults -c 1 -g -o "$tmp/perf.data" -- "$demo" 2>/dev/null
	for f in fp perf; do
		perf script -i "$tmp/$f.data" -F sym 2>/dev/null |
			grep -E 'touch_pages|grow_vector|main' | sort | uniq -c >"$tmp/$f.syms"
	done
	expect_same "$tmp/perf.syms" "$tmp/fp.syms" "same symbol counts as perf record"
	perf report --header-only -i "$tmp/fp.data" >"$tmp/fp.hdr" 2>&1
	for k in hostname 'os release' arch 'nrcpus online' cmdline 'event : name = page-faults'; do
		grep -q "^# $k" "$tmp/fp.hdr" || fail "header lacks $k"
	done
fi

# --- DWARF stacks: the frame memset hides from frame pointers is there
pfrecord -q --call-graph dwarf -o "$tmp/dwarf.data" -- "$demo" || fail "dwarf exit status"
# Only the filled part of each stack copy is kept: the demo's stack is far
# shallower than 64 KiB.
pfrecord --call-graph dwarf,65528 -o "$tmp/dwarf64.data" -- "$demo" 2>"$tmp/dwarf.err" ||
	fail "dwarf,65528 exit status"
n=$(sed -n 's/.*(\([0-9]*\) samples).*/\1/p' "$tmp/dwarf.err")
size=$(stat -c %s "$tmp/dwarf64.data")
[ "$n" -gt 0 ] && [ $((size / n)) -lt 32768 ] && echo "ok: dwarf samples trimmed ($((size / n)) bytes each)" ||
	fail "dwarf samples not trimmed: $size bytes for $n samples"
perf_reads "$tmp/dwarf.data" "dwarf file"
[ $have_perf = yes ] && at_least 1 "fill_buffer unwound by perf" \
	"$(samples_in fill_buffer "$tmp/dwarf.data.txt")"

# --- -d: data addresses, two events (ids, PERF_SAMPLE_IDENTIFIER)
pfrecord -q -d -e page-faults,minor-faults -o "$tmp/addr.data" -- "$demo" || fail "-d exit status"
perf_reads "$tmp/addr.data" "-d file with two events" -F event,ip,sym,addr
[ $have_perf = yes ] && at_least 4096 "minor-faults samples" \
	"$(grep -c 'minor-faults:' "$tmp/addr.data.txt")"

# --- perf's modifiers: user space only
pfrecord -q -g -e page-faults:u -o "$tmp/user.data" -- "$demo" || fail "page-faults:u exit status"
perf_reads "$tmp/user.data" "page-faults:u file"
if [ $have_perf = yes ]; then
	grep -q 'kernel.kallsyms' "$tmp/user.data.txt" && fail "page-faults:u has kernel frames"
	at_least 4096 "touch_pages samples of page-faults:u" \
		"$(samples_in touch_pages "$tmp/user.data.txt")"
fi

# --- pipe mode, children across fork and exec, threads
pfrecord -g -o - -- sh -c "\"$demo\"; \"$demo\" --threads 2" 2>"$tmp/pipe.err" >"$tmp/pipe.data" ||
	fail "pipe mode exit status"
head -c 8 "$tmp/pipe.data" | grep -q PERFILE2 || fail "pipe output lacks the magic"
if [ $have_perf = yes ]; then
	perf script -i - <"$tmp/pipe.data" >"$tmp/pipe.txt" 2>"$tmp/pipe.perr"
	[ -s "$tmp/pipe.perr" ] && fail "perf script -i - warns: $(head -3 "$tmp/pipe.perr")"
	at_least $((4 * 4096)) "touch_pages in children and threads (pipe)" \
		"$(samples_in touch_pages "$tmp/pipe.txt")"
	n=$(pfrecord -q -g -o - -- "$demo" | perf script -i - 2>/dev/null | grep -c 'page-faults:')
	at_least 8192 "pfrecord | perf script -i -" "$n"
	# The command's standard output must not mix into the stream.
	n=$(pfrecord -q -o - -- "$demo" --expect 2>/dev/null | perf script -i - 2>&1 | grep -c 'page-faults:')
	at_least 1 "pipe mode with a command that prints" "$n"
fi

# --- existing processes: -p and -a
sh -c 'while :; do /bin/true; done' &
loop=$!
pfrecord -q -g -p "$loop" --duration 1 -o "$tmp/pid.data" || fail "-p exit status"
pfrecord -q -a --duration 0.5 -o "$tmp/all.data" || fail "-a exit status"
kill "$loop"
perf_reads "$tmp/pid.data" "-p file"
perf_reads "$tmp/all.data" "-a file"
[ $have_perf = yes ] && at_least 1 "samples of the -p target" \
	"$(grep -c "^ *[a-z]* *[0-9]* .*page-faults:" "$tmp/pid.data.txt")"

# -t: that thread only, not the children it forks (bash forks; dash vforks)
if command -v bash >/dev/null 2>&1 && [ $have_perf = yes ]; then
	bash -c 'while :; do /bin/true; done' >/dev/null 2>&1 &
	loop=$!
	pfrecord -q -t "$loop" --duration 1 -o "$tmp/tid.data" || fail "-t exit status"
	kill "$loop"
	perf_reads "$tmp/tid.data" "-t file"
	awk '/page-faults:/ { print $2 }' "$tmp/tid.data.txt" | sort -u >"$tmp/tids"
	echo "$loop" >"$tmp/tid.want"
	expect_same "$tmp/tid.want" "$tmp/tids" "-t samples the thread alone"
fi

# --- a tracepoint: perf decodes its fields from TRACING_DATA
if pfrecord -q -e syscalls:sys_enter_brk -o "$tmp/tp.data" -- "$demo" 2>"$tmp/tp.err"; then
	perf_reads "$tmp/tp.data" "tracepoint file"
	[ $have_perf = yes ] && { grep -q 'sys_enter_brk:.*brk: 0x' "$tmp/tp.data.txt" ||
		fail "tracepoint fields not decoded: $(head -2 "$tmp/tp.data.txt")"; }
else
	echo "note: no tracepoints here: $(cat "$tmp/tp.err")"
fi

# --- SIGINT mid-run leaves a readable file; the exit status is the command's
# started RECORDING: wait (up to a minute on a loaded machine) until
# pfrecord has created RECORDING, so that the signal finds it recording
# rather than still starting up.
started() {
	i=0
	while ! [ -s "$1" ] && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.5
}
pfrecord -q -o "$tmp/int.data" -- sleep 30 &
rec=$!
started "$tmp/int.data"
kill -INT "$rec"
wait "$rec"
st=$?
[ "$st" -eq 143 ] || fail "status after SIGINT: $st (want 143: sleep got SIGTERM)"
perf_reads "$tmp/int.data" "file cut by SIGINT"
pfrecord -q -a -o "$tmp/aint.data" &
rec=$!
started "$tmp/aint.data"
kill -INT "$rec"
wait "$rec" || fail "-a stopped by SIGINT: status $?"
perf_reads "$tmp/aint.data" "-a file cut by SIGINT"
pfrecord -q --duration 0.5 -o "$tmp/dur.data" -- sleep 30
[ $? -eq 143 ] || fail "--duration does not stop the command"
perf_reads "$tmp/dur.data" "file cut by --duration"
pfrecord -q -o "$tmp/st.data" -- sh -c 'exit 3'
[ $? -eq 3 ] && echo "ok: exit status of the command" || fail "exit status of the command"

# --- a tiny ring buffer loses samples: reported and stored
pfrecord -m 4 --call-graph dwarf -o "$tmp/lost.data" -- "$demo" 2>"$tmp/lost.err"
grep -q 'lost [0-9]* samples' "$tmp/lost.err" || fail "lost samples not reported: $(cat "$tmp/lost.err")"
# ... with what helps here: a larger -m, a smaller DWARF stack copy
grep -q 'try a larger ring buffer (-m 8), a smaller stack copy (--call-graph dwarf,2048)' "$tmp/lost.err" ||
	fail "the lost-samples warning says nothing of what helps: $(cat "$tmp/lost.err")"
if [ $have_perf = yes ]; then
	perf report --stdio -i "$tmp/lost.data" 2>&1 | grep -q 'lost [1-9][0-9]* chunks' ||
		fail "lost samples not stored"
fi

# --- --stat agrees with getrusage within 1%
pfrecord --stat -x, -- "$demo" --rusage 2>"$tmp/stat.csv" >"$tmp/rusage" || fail "--stat exit status"
faults=$(awk -F, '$3 == "page-faults" { print $1 }' "$tmp/stat.csv")
ru=$(cat "$tmp/rusage")
if [ -n "$faults" ] && [ -n "$ru" ] &&
   [ $(( (faults - ru) * 100 )) -le "$ru" ] && [ $(( (ru - faults) * 100 )) -le "$ru" ]; then
	echo "ok: --stat page-faults $faults vs getrusage $ru"
else
	fail "--stat page-faults '$faults' vs getrusage '$ru'"
fi
pfrecord --stat -r 3 -- "$demo" 2>"$tmp/stat.txt" || fail "--stat -r exit status"
grep -q 'Performance counter stats for .* (3 runs)' "$tmp/stat.txt" || fail "--stat -r header"
grep -q 'page-faults .*( +-' "$tmp/stat.txt" || fail "--stat -r spread"
grep -q 'kB max RSS' "$tmp/stat.txt" || fail "--stat max RSS"

# --- an unprivileged user: user space only under perf_event_paranoid 2,
# and a message naming the setting where even that is refused (-a).
paranoid=$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo 0)
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 && [ "$paranoid" -ge 2 ]; then
	chmod 755 "$tmp"
	mkdir "$tmp/nobody" && chmod 777 "$tmp/nobody"
	as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	as_nobody "$top_builddir/tools/pfrecord" -g -o "$tmp/nobody/u.data" -- "$demo" 2>"$tmp/u.err" ||
		fail "unprivileged recording: $(cat "$tmp/u.err")"
	grep -q 'warning: kernel.perf_event_paranoid .* user space only' "$tmp/u.err" ||
		fail "no user-space-only warning: $(cat "$tmp/u.err")"
	as_nobody "$top_builddir/tools/pfrecord" --stat -x, -- "$demo" 2>"$tmp/u.stat" ||
		fail "unprivileged --stat: $(cat "$tmp/u.stat")"
	grep -q '^[1-9][0-9]*,,page-faults,' "$tmp/u.stat" || fail "unprivileged --stat: $(cat "$tmp/u.stat")"
	as_nobody "$top_builddir/tools/pfrecord" -a --duration 0.1 -o "$tmp/nobody/a.data" 2>"$tmp/a.err"
	[ $? -eq 1 ] && grep -q 'permission denied: -a needs kernel.perf_event_paranoid 0 or lower (it is [0-9]*)' \
		"$tmp/a.err" || fail "unprivileged -a: $(cat "$tmp/a.err")"
fi

# --- errors
pfrecord -e no-such-event -- true 2>"$tmp/e1"
[ $? -eq 1 ] && grep -q '^pfrecord: no-such-event: unknown event' "$tmp/e1" ||
	fail "unknown event: $(cat "$tmp/e1")"
pfrecord -e nosys:noevent -- true 2>"$tmp/e2"
[ $? -eq 1 ] && grep -q '^pfrecord: ' "$tmp/e2" || fail "unknown tracepoint: $(cat "$tmp/e2")"
pfrecord -c x -- true 2>/dev/null
[ $? -eq 2 ] || fail "bad -c is a usage error"
pfrecord 2>/dev/null
[ $? -eq 2 ] || fail "no target is a usage error"
pfrecord -q -p 2147483647 --duration 0.1 -o "$tmp/x.data" 2>"$tmp/e4"
[ $? -eq 1 ] && grep -q '^pfrecord: 2147483647: no such process' "$tmp/e4" ||
	fail "missing process: $(cat "$tmp/e4")"
if [ -w /dev/full ]; then
	pfrecord -q -g -o /dev/full -- "$demo" 2>"$tmp/e5"
	[ $? -eq 1 ] && [ "$(wc -l <"$tmp/e5")" -eq 1 ] &&
		grep -q '^pfrecord: /dev/full: write: No space left on device$' "$tmp/e5" ||
		fail "full disk: $(cat "$tmp/e5")"
fi
pfrecord -q -o "$tmp/x.data" -- /no/such/command 2>"$tmp/e3"
[ $? -eq 127 ] && grep -q '^pfrecord: /no/such/command: command not found$' "$tmp/e3" ||
	fail "missing command: $(cat "$tmp/e3")"

finish
