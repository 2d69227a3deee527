#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfrecord's failures say what is wrong and leave earlier work alone:
# each cause of a refusal named as such (tracefs mode, the locked-memory
# limit, -a under perf_event_paranoid, ptrace permission), checked as an
# unprivileged user where the machine allows; a failed start keeps the
# previous recording; 127/126 for a missing or unrunnable command; usage
# errors for options that do not go together; a closed standard output
# and a FIFO without a reader.  Also --stat: -e counters, perf stat's
# -x columns, CPU utilisation, and the options it does not take.
. "${top_srcdir:-.}/tests/lib.sh"

demo="$top_builddir/tests/progs/pfdemo"
pfrecord -q -o "$tmp/probe.data" -- true 2>"$tmp/probe.err" ||
	skip "perf_event_open refused: $(cat "$tmp/probe.err")"
cd "$tmp" || exit 99

# expect STATUS PATTERN WHAT -- CMD...: CMD exits STATUS, stderr matches.
expect() {
	want=$1 pattern=$2 what=$3
	shift 4
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ $got -eq "$want" ] && grep -q -- "$pattern" "$tmp/err"; then
		echo "ok: $what"
	else
		fail "$what: status $got (want $want): $(cat "$tmp/err")"
	fi
}

# --- a failed start never destroys the previous recording
pfrecord -q -o keep.data -- true || fail "recording keep.data"
cp keep.data keep.orig
expect 127 '^pfrecord: /nonexistent: command not found$' "a missing command: 127" -- \
	pfrecord -q -o keep.data -- /nonexistent
cmp -s keep.data keep.orig && ! [ -e keep.data.old ] &&
	echo "ok: a failed start leaves the previous recording" ||
	fail "a failed start touched keep.data"
printf 'not a program\n' >notexec
expect 126 '^pfrecord: ./notexec: cannot run: Permission denied$' "not executable: 126" -- \
	pfrecord -q -o keep.data -- ./notexec
expect 127 'command not found' "--stat of a missing command: 127" -- \
	pfrecord --stat -- /nonexistent
cmp -s keep.data keep.orig || fail "keep.data changed"
pfrecord -q -o keep.data -- true
cmp -s keep.data.old keep.orig && echo "ok: a recording that starts keeps the last as FILE.old" ||
	fail "keep.data.old is not the previous recording"

# --- usage errors
expect 2 '\-c and -F exclude each other' "-c with -F" -- pfrecord -c 10 -F 99 -- true
expect 2 '\-\-stat does not take -d' "--stat -d" -- pfrecord --stat -d -- true
expect 2 '\-\-stat does not take -g' "--stat -g" -- pfrecord --stat -g -- true
expect 2 '\-\-stat does not take --max-events' "--stat --max-events" -- \
	pfrecord --stat --max-events=1 -- true
expect 2 'exclude each other' "--all-user with --all-kernel" -- \
	pfrecord --all-user --all-kernel -- true
expect 2 'goes with --off-cpu' "--off-cpu-thresh alone" -- pfrecord --off-cpu-thresh=1 -- true
expect 2 'invalid CPU list' "-C of a CPU this machine lacks" -- pfrecord -C 99999 -- true
expect 2 'writes files' "--switch-output to standard output" -- \
	pfrecord --switch-output=1M -o - -- true

# --- standard output closed, a FIFO nobody reads
expect 1 'standard output is closed' "-o - with standard output closed" -- \
	sh -c 'exec pfrecord -q -o - -- true >&-'
sh -c 'exec pfrecord -q -o closed.data -- true >&-' 2>"$tmp/err" && [ -s closed.data ] &&
	echo "ok: -o FILE with standard output closed" || fail "standard output closed: $(cat "$tmp/err")"
mkfifo fifo
expect 1 '^pfrecord: fifo: a FIFO that nobody reads: start its reader first$' "a FIFO without a reader" -- \
	pfrecord -q -o fifo -- true
(cat fifo >fifo.data) &
pfrecord -q -o fifo -- "$demo" || fail "recording into a FIFO with a reader"
wait
pfscript -i fifo.data -F event | grep -q page-faults && echo "ok: a FIFO gets perf's pipe format" ||
	fail "nothing readable came through the FIFO"

# --- --stat
expect 0 'instructions' "--stat -e cycles,instructions -- true" -- \
	pfrecord --stat -e cycles,instructions -- true
grep -q '^ *\(<not supported>\|[0-9][0-9]*\) *cycles' "$tmp/err" &&
	grep -q '^ *\(<not supported>\|[0-9][0-9]*\) *instructions' "$tmp/err" ||
	fail "--stat -e rows: $(cat "$tmp/err")"
grep -q page-faults "$tmp/err" && fail "--stat -e printed the default set too"
# perf stat's -x columns: 7, and 8 with -r (the spread after the name)
pfrecord --stat -x, -e page-faults,cycles -- true 2>"$tmp/x1" || fail "--stat -x,: $?"
pfrecord --stat -r 2 -x, -e page-faults -- true 2>"$tmp/x2" || fail "--stat -r 2 -x,: $?"
awk -F, '{ n[NF]++ } END { for (k in n) print k }' "$tmp/x1" | grep -qx 7 &&
	[ "$(awk -F, '{ print NF }' "$tmp/x1" | sort -u)" = 7 ] &&
	[ "$(awk -F, '{ print NF }' "$tmp/x2" | sort -u)" = 8 ] &&
	echo "ok: -x rows have perf stat's 7 columns (8 with -r)" ||
	fail "-x columns: $(cat "$tmp/x1" "$tmp/x2")"
grep -q '^<not supported>,,cycles,0,100.00,,$\|^[0-9]*,,cycles,[0-9]*,[0-9.]*,,$' "$tmp/x1" ||
	fail "-x cycles row: $(grep cycles "$tmp/x1")"
if command -v perf >/dev/null 2>&1; then
	perf stat -x, -e page-faults,cycles -- true 2>"$tmp/px1"
	perf stat -r 2 -x, -e page-faults -- true 2>"$tmp/px2"
	for i in 1 2; do
		[ "$(awk -F, '{ print NF }' "$tmp/px$i" | sort -u)" = \
		  "$(awk -F, '{ print NF }' "$tmp/x$i" | sort -u)" ] ||
			fail "-x columns differ from perf stat's: $(head -2 "$tmp/px$i")"
	done
	sed 's/^[0-9]*,/N,/; s/,[0-9]*,100.00,/,T,100.00,/' "$tmp/px1" | grep -v '^$' >"$tmp/px1.shape"
	sed 's/^[0-9]*,/N,/; s/,[0-9]*,100.00,/,T,100.00,/' "$tmp/x1" | head -2 >"$tmp/x1.shape"
	expect_same "$tmp/px1.shape" "$tmp/x1.shape" "-x rows as perf stat's"
fi
# CPU utilisation: one thread is never more than 100% busy
pfrecord --stat -x, -- sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done' 2>"$tmp/cpu"
cpu=$(awk -F, '$3 == "cpu-utilisation" { print int($1 * 100) }' "$tmp/cpu")
[ -n "$cpu" ] && [ "$cpu" -le 10000 ] && [ "$cpu" -gt 0 ] &&
	echo "ok: CPU utilisation of one thread: $((cpu / 100)).$((cpu % 100)) %" ||
	fail "CPU utilisation: $(grep cpu "$tmp/cpu")"

# --- each refusal names its cause, as an ordinary user
paranoid=$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo 0)
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null 2>&1; then
	echo "note: not root or no setpriv: the unprivileged causes are not tried"
	finish
fi
chmod 755 "$tmp"
mkdir "$tmp/nobody" && chmod 777 "$tmp/nobody"
bin="$top_builddir/tools/pfrecord"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
if [ "$paranoid" -ge 1 ]; then
	expect 1 'permission denied: -a needs kernel.perf_event_paranoid 0 or lower' "-a as a user" -- \
		as_nobody "$bin" -a --duration 0.1 -o "$tmp/nobody/a.data"
	# Another user's process: ptrace permission, which paranoid does not give.
	sleep 30 &
	root_proc=$!
	expect 1 "process $root_proc belongs to uid 0.*ptrace" "-p of root's process as a user" -- \
		as_nobody "$bin" -p "$root_proc" --duration 0.1 -o "$tmp/nobody/p.data"
	kill $root_proc
fi
# The locked-memory limit: ring buffers larger than it allows.
if [ "$paranoid" -le 2 ]; then
	expect 1 'exceed the locked-memory limit for perf (kernel.perf_event_mlock_kb is [0-9]*.*ulimit -l' \
		"-m over the locked-memory limit" -- \
		as_nobody "$bin" -m 65536 -o "$tmp/nobody/m.data" -- true
	grep -q "smaller -m such as -m [0-9]*\|raise it with 'sysctl kernel.perf_event_mlock_kb" "$tmp/err" ||
		fail "the mlock message says nothing of what helps: $(cat "$tmp/err")"
fi
# tracefs mounted 0700: a private mount namespace shows this user a
# tracefs it may not read (the real one is left as it is).
if command -v unshare >/dev/null 2>&1 && unshare -m true 2>/dev/null; then
	expect 1 'permission denied: tracefs is mounted with mode 0700.*mount -o remount,mode=755' \
		"tracefs mode 0700" -- unshare -m sh -c "
			mount --make-rprivate / &&
			mount -t tmpfs -o mode=0700 none /sys/kernel/tracing &&
			mkdir /sys/kernel/tracing/events &&
			{ ! [ -d /sys/kernel/debug ] || mount -t tmpfs -o mode=0700 none /sys/kernel/debug; } &&
			exec setpriv --reuid=65534 --regid=65534 --clear-groups \
				\"$bin\" -e sched:sched_switch -o \"$tmp/nobody/t.data\" -- true"
	# A readable tracefs: then the kernel refuses the tracepoint's raw
	# data itself, below perf_event_paranoid -1.
	tp=/sys/kernel/tracing/events/sched/sched_switch
	if [ "$paranoid" -ge 0 ] && [ -r "$tp/id" ]; then
		cp "$tp/id" "$tp/format" "$tmp/" && chmod 644 "$tmp/id" "$tmp/format"
		expect 1 'sched:sched_switch: perf_event_open: permission denied: tracepoints need kernel.perf_event_paranoid -1' \
			"a tracepoint as a user" -- unshare -m sh -c "
				mount --make-rprivate / &&
				mount -t tmpfs -o mode=0755 none /sys/kernel/tracing &&
				mkdir -p /sys/kernel/tracing/events/sched/sched_switch &&
				cp \"$tmp/id\" \"$tmp/format\" /sys/kernel/tracing/events/sched/sched_switch/ &&
				exec setpriv --reuid=65534 --regid=65534 --clear-groups \
					\"$bin\" -e sched:sched_switch -o \"$tmp/nobody/t.data\" -- true"
	fi
else
	echo "note: no private mount namespace here: tracefs permissions not tried"
fi
finish
