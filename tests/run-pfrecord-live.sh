#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfrecord live and complete (issue 18): samples stream through a pipe as
# they happen, --max-events stops at exactly N, a closed reader ends the
# recording and its command (SIGPIPE, 141), -p PID -- CMD, off-CPU time
# weighted by blocked nanoseconds, pfscript --faults against the process's
# own maps, a SIGKILLed recording stays readable, and perf reads the new
# files (off-CPU, zstd, -k, --switch-output) without a warning.
. "${top_srcdir:-.}/tests/lib.sh"

drip="$top_builddir/tests/progs/pfdrip"
demo="$top_builddir/tests/progs/pfdemo"
[ -x "$drip" ] || skip "tests/progs/pfdrip not built"
pfrecord -q -o "$tmp/probe.data" -- true 2>"$tmp/probe.err" ||
	skip "perf_event_open refused: $(cat "$tmp/probe.err")"
need_perf_admin
have_perf=no
command -v perf >/dev/null 2>&1 && perf --version >/dev/null 2>&1 && have_perf=yes

# perf_quiet FILE WHAT: perf script reads FILE without a word on stderr.
perf_quiet() {
	[ $have_perf = yes ] || return 0
	if perf script -i "$1" >"$1.txt" 2>"$1.err" && ! [ -s "$1.err" ]; then
		echo "ok: perf script reads $2 without a warning"
	else
		fail "perf script on $2: $(head -3 "$1.err")"
	fi
}

# --- live: the first sample reaches pfscript while the command still runs
# (it runs for 20 s; the sample comes within a second of its start).
# started_at / first sample time go to the log; the check is that the
# pipeline delivered it before the command ended.
(pfrecord -q -o - -- "$drip" --seconds 20 | pfscript -i - -F comm,event) >"$tmp/live.out" 2>&1 &
pipeline=$!
i=0
while ! grep -q 'page-faults' "$tmp/live.out" && [ $i -lt 150 ]; do
	sleep 0.1
	i=$((i + 1))
done
if grep -q 'page-faults' "$tmp/live.out" && kill -0 $pipeline 2>/dev/null; then
	echo "ok: first sample streamed after about $((i / 10)).$((i % 10)) s, command still running"
else
	fail "no sample streamed while the command ran: $(head -3 "$tmp/live.out")"
fi
pkill -TERM -f "$drip --seconds 20" 2>/dev/null
wait $pipeline

# --- --max-events=100: exactly 100 samples, and the command is ended (SIGTERM)
pfrecord --max-events=100 -o "$tmp/max.data" -- "$drip" --seconds 60 2>"$tmp/max.err"
st=$?
[ $st -eq 143 ] && echo "ok: --max-events ended the command (143)" ||
	fail "--max-events: status $st: $(cat "$tmp/max.err")"
grep -q '(100 samples)' "$tmp/max.err" || fail "--max-events summary: $(cat "$tmp/max.err")"
n=$(pfscript -i "$tmp/max.data" -F event | grep -c page-faults)
[ "$n" -eq 100 ] && echo "ok: --max-events=100 wrote 100 samples" || fail "--max-events=100 wrote $n"
perf_quiet "$tmp/max.data" "a --max-events file"
# and through a pipe: the stream ends properly after the 100th
n=$(pfrecord -q --max-events=100 -o - -- "$drip" --seconds 60 | pfscript -i - -F event | grep -c page-faults)
[ "$n" -eq 100 ] && echo "ok: --max-events on a pipe" || fail "--max-events on a pipe: $n samples"

# --- a closed reader ends pfrecord and its command, SIGPIPE as perf
status=$( { pfrecord -q -o - -- "$drip" --seconds 60; echo $? >"$tmp/pipe.st"; } | head -c 1 >/dev/null
	  cat "$tmp/pipe.st")
[ "$status" = 141 ] && echo "ok: a closed reader: 141" || fail "closed reader: status '$status'"
pgrep -f "$drip --seconds 60" >/dev/null && fail "the command outlived its recording"
status=$( { pfrecord -q -g -o - -- sleep 60; echo $? >"$tmp/pipe.st"; } | true; cat "$tmp/pipe.st")
[ "$status" = 141 ] && echo "ok: a reader gone before the start: 141" ||
	fail "reader gone at start: status '$status'"

# --- -p PID -- CMD: PID is recorded while CMD runs, CMD is not
"$drip" --seconds 30 &
target=$!
pfrecord -q -p "$target" -o "$tmp/pid.data" -- sleep 1 || fail "-p PID -- sleep 1: status $?"
kill "$target"
pfscript -i "$tmp/pid.data" -F comm,pid,event >"$tmp/pid.txt"
awk -v p="$target" '$2 == p && /page-faults/ { n++ } END { exit !n }' "$tmp/pid.txt" &&
	! grep -q ' sleep ' "$tmp/pid.txt" && echo "ok: -p PID -- sleep 1 records PID" ||
	fail "-p $target -- sleep 1: $(sort -u "$tmp/pid.txt" | head -3)"

# --- --off-cpu: blocked time in ns, on the stacks that blocked
# The sleeps block 0.5 s, and longer on a loaded machine, where a woken
# task waits for a CPU: at least 0.5 s less 15%, at most the time the whole
# recording took.
start=$(date +%s%N)
if pfrecord -q --off-cpu -o "$tmp/off.data" -- sh -c 'sleep 0.3; sleep 0.2' 2>"$tmp/off.err"; then
	wall=$(($(date +%s%N) - start))
	pfscript -i "$tmp/off.data" | pfcollapse >"$tmp/off.folded"
	ns=$(awk '/^sleep;/ { s += $NF } END { printf "%d", s }' "$tmp/off.folded")
	if [ "$ns" -ge 425000000 ] && [ "$ns" -le "$wall" ]; then
		echo "ok: --off-cpu: sleep blocked $ns ns (0.5 s less 15% to the recording's $wall ns)"
	else
		fail "--off-cpu: sleep blocked $ns ns, want 0.425 s to the recording's $wall ns"
		cat "$tmp/off.folded" >&2
	fi
	grep -q '^sleep;.*nanosleep' "$tmp/off.folded" || fail "--off-cpu: no nanosleep stack"
	perf_quiet "$tmp/off.data" "an --off-cpu file"
	[ $have_perf = yes ] && { grep -q 'offcpu-time:' "$tmp/off.data.txt" ||
		fail "perf script shows no offcpu-time samples"; }
	# --off-cpu-thresh drops the waits shorter than it
	pfrecord -q --off-cpu --off-cpu-thresh=250 -o "$tmp/thr.data" -- sh -c 'sleep 0.3; sleep 0.2'
	n=$(pfscript -i "$tmp/thr.data" -F comm,period,event | awk '/offcpu-time/ && $1 == "sleep"' | wc -l)
	[ "$n" -eq 1 ] && echo "ok: --off-cpu-thresh=250 keeps the 0.3 s wait only" ||
		fail "--off-cpu-thresh=250: $n sleep waits"
	# Wall-clock time: CPU samples (periods in ns) and off-CPU time in one
	pfrecord -q -e cpu-clock -F 999 --off-cpu -o "$tmp/wall.data" -- \
		sh -c 'i=0; while [ $i -lt 50000 ]; do i=$((i + 1)); done; sleep 0.2' ||
		fail "-e cpu-clock --off-cpu: $?"
	pfscript -i "$tmp/wall.data" -F event >"$tmp/wall.ev"
	grep -q 'cpu-clock:' "$tmp/wall.ev" && grep -q 'offcpu-time:' "$tmp/wall.ev" &&
		echo "ok: on-CPU and off-CPU samples in one recording" ||
		fail "-e cpu-clock --off-cpu: $(sort -u "$tmp/wall.ev")"
else
	echo "note: --off-cpu unavailable here: $(cat "$tmp/off.err")"
fi

# --- pfscript --faults: every fault once, its target where /proc/PID/maps says
pfrecord -q -d -g -e minor-faults,major-faults -o "$tmp/f.data" -- \
	"$drip" --seconds 0.5 --maps "$tmp/maps" --major "$tmp/majfile" || fail "-d minor,major: $?"
pfscript --faults --max-stack=2 -i "$tmp/f.data" >"$tmp/faults.txt" || fail "--faults: $?"
pfscript -i "$tmp/f.data" -F addr | awk '{ print $1 }' >"$tmp/addrs" || fail "-F addr: $?"
n=$(grep -c 'fault \[' "$tmp/faults.txt")
want=$(wc -l <"$tmp/addrs")
[ "$n" -eq "$want" ] && [ "$n" -gt 0 ] && echo "ok: --faults: one line for each of $n faults" ||
	fail "--faults: $n lines for $want faults"
grep -q '^ *[0-9.]* ( 0.000 ms): pfdrip/[0-9]* minfault \[main+0x[0-9a-f]*\] => ' "$tmp/faults.txt" ||
	fail "--faults line shape: $(head -2 "$tmp/faults.txt")"
grep -q 'majfault' "$tmp/faults.txt" && echo "ok: --faults tells major faults apart" ||
	echo "note: no major fault here (the file system kept the pages cached)"
[ "$(grep -c '^ \{39\}[^ ]' "$tmp/faults.txt")" -le $((2 * n)) ] ||
	fail "--max-stack=2 printed more frames"
# Each target is the mapping /proc/PID/maps shows at that address at the
# end (pfdrip unmaps nothing; the loader's early mappings it unmapped are
# not checked).  perf names the heap's first brk area //anon, as its MMAP2
# record does.
grep 'fault \[' "$tmp/faults.txt" | sed 's/.* => \([^ ]*\) (\(.\)\(.\))$/\1 \2/' |
	paste -d' ' "$tmp/addrs" - | awk -v maps="$tmp/maps" '
	function hex(s,   i, c, v) { v = 0; s = tolower(s); sub(/^0x/, "", s)
		for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }
		return v }
	BEGIN { while ((getline l < maps) > 0) { split(l, f, " "); split(f[1], r, "-")
		lo[n] = hex(r[1]); hi[n] = hex(r[2]); off[n] = hex(f[3]); name[n++] = f[6] } }
	{ a = hex($1); split($2, t, "@"); where = -1
	  for (i = 0; i < n; i++) if (a >= lo[i] && a < hi[i]) where = i
	  if (where < 0) next
	  nm = name[where]; o = hex(t[2])
	  if (nm == "" ) ok = t[1] == "//anon" && o == a
	  else if (nm ~ /^\[/) ok = (t[1] == nm || (nm == "[heap]" && t[1] == "//anon")) && o == a
	  else ok = t[1] == nm && o == a - lo[where] + off[where]
	  if (!ok) { bad++; print "mismatch: " $0 " vs " nm > "/dev/stderr" } else good++ }
	END { printf "%d %d\n", good, bad }' >"$tmp/agree"
read good bad <"$tmp/agree"
mains=$(grep -c 'fault \[main+' "$tmp/faults.txt")
[ "${bad:-1}" -eq 0 ] && [ "${good:-0}" -ge "$mains" ] && [ "$mains" -ge 10 ] &&
	echo "ok: --faults targets agree with /proc/PID/maps ($good faults)" ||
	fail "--faults targets: $good agree, $bad do not"
pfrecord -q -g -o "$tmp/noaddr.data" -- true
pfscript --faults -i "$tmp/noaddr.data" >/dev/null 2>"$tmp/noaddr.err"
[ $? -eq 1 ] && grep -q 'no data addresses.*-d' "$tmp/noaddr.err" ||
	fail "--faults without -d: $(cat "$tmp/noaddr.err")"

# --- a recording killed by SIGKILL keeps what its header covers
pfrecord -q -o "$tmp/kill.data" -- "$drip" --seconds 30 &
rec=$!
i=0
while [ "$(pfscript -i "$tmp/kill.data" -F event 2>/dev/null | grep -c page-faults)" -lt 10 ] &&
      [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -KILL $rec
wait $rec 2>/dev/null
pkill -TERM -f "$drip --seconds 30"
n=$(pfscript -i "$tmp/kill.data" -F event 2>/dev/null | grep -c page-faults)
[ "$n" -ge 10 ] && echo "ok: a SIGKILLed recording keeps $n samples" ||
	fail "SIGKILLed recording: $n samples readable"
if [ $have_perf = yes ]; then
	n=$(perf script -i "$tmp/kill.data" 2>/dev/null | grep -c page-faults)
	[ "$n" -ge 10 ] && echo "ok: perf reads the SIGKILLed recording ($n samples)" ||
		fail "perf reads $n samples of the SIGKILLed recording"
fi

# --- the other files perf must read without a word
pfrecord -q -z -g -o "$tmp/z.data" -- "$demo" 2>"$tmp/z.err" && {
	perf_quiet "$tmp/z.data" "a -z file"
	n=$(pfscript -i "$tmp/z.data" -F event | grep -c page-faults)
	[ "$n" -ge 8192 ] && echo "ok: pfscript reads -z ($n samples)" || fail "-z: $n samples"
	[ $have_perf = yes ] && { perf report --header-only -i "$tmp/z.data" | grep -q 'compressed : Zstd' ||
		fail "-z file has no compression header"; }
} || grep -q 'without zstd' "$tmp/z.err" || fail "-z: $(cat "$tmp/z.err")"
pfrecord -q -k monotonic_raw -o "$tmp/k.data" -- "$demo" || fail "-k: $?"
perf_quiet "$tmp/k.data" "a -k file"
[ $have_perf = yes ] && { perf report --header-only -i "$tmp/k.data" | grep -q 'clockid: monotonic_raw' ||
	fail "-k monotonic_raw not in the header"; }
# The pause lets pfrecord see the first run's data before the second: on
# a loaded machine it may otherwise read both runs in one go, at the end.
mkdir "$tmp/sw" && (cd "$tmp/sw" && pfrecord -q --switch-output=256K -g -o sw.data -- \
	sh -c "\"$demo\"; sleep 0.5; \"$demo\"") || fail "--switch-output: $?"
nfiles=$(ls "$tmp/sw" | grep -c '^sw\.data\.[0-9]\{16\}$')
[ "$nfiles" -ge 2 ] && ! [ -e "$tmp/sw/sw.data" ] && echo "ok: --switch-output wrote $nfiles files" ||
	fail "--switch-output: $(ls "$tmp/sw")"
total=0
for f in "$tmp"/sw/sw.data.*; do
	perf_quiet "$f" "a --switch-output file"
	total=$((total + $(pfscript -i "$f" -F event | grep -c page-faults)))
done
[ "$total" -ge 16384 ] && echo "ok: the switched files hold $total samples" ||
	fail "the switched files hold $total samples"
grep -h 'touch_pages' "$tmp"/sw/*.txt >/dev/null 2>&1 || [ $have_perf = no ] ||
	fail "later --switch-output files are not symbolized"

# --- --max-size: the recording stops near the size, the command with it
pfrecord --max-size=300K -g -o "$tmp/ms.data" -- sh -c "while :; do \"$demo\"; done" 2>"$tmp/ms.err"
st=$?
size=$(stat -c %s "$tmp/ms.data")
[ $st -eq 143 ] && grep -q 'size limit reached' "$tmp/ms.err" && [ "$size" -lt 4194304 ] &&
	echo "ok: --max-size=300K stopped at $size bytes" ||
	fail "--max-size: status $st, $size bytes: $(cat "$tmp/ms.err")"
perf_quiet "$tmp/ms.data" "a --max-size file"

# --- perf record's other options: what each changes in the file
pfrecord -q --all-user -g -o "$tmp/u.data" -- "$demo" && pfscript -i "$tmp/u.data" >"$tmp/u.txt" &&
	! grep -q 'kernel.kallsyms' "$tmp/u.txt" && grep -q touch_pages "$tmp/u.txt" &&
	echo "ok: --all-user" || fail "--all-user"
pfrecord -q --all-kernel -g -o "$tmp/k2.data" -- "$demo" && pfscript -i "$tmp/k2.data" >"$tmp/k2.txt" &&
	! grep -q 'pfdemo)$' "$tmp/k2.txt" && grep -q 'kernel.kallsyms' "$tmp/k2.txt" &&
	echo "ok: --all-kernel" || fail "--all-kernel"
pfrecord -q --user-callchains -g -o "$tmp/uc.data" -- "$demo" &&
	pfscript -i "$tmp/uc.data" >"$tmp/uc.txt" && ! grep -q 'kernel.kallsyms' "$tmp/uc.txt" &&
	grep -q touch_pages "$tmp/uc.txt" && echo "ok: --user-callchains" || fail "--user-callchains"
pfrecord -q --no-inherit -o "$tmp/ni.data" -- sh -c "\"$demo\"; true" &&
	! pfscript -i "$tmp/ni.data" -F comm | grep -q pfdemo && echo "ok: --no-inherit" ||
	fail "--no-inherit followed the child"
# A workload pinned to CPU 0, so the CPU has samples even on an idle machine.
pfrecord -q -C 0 -o "$tmp/c0.data" -- taskset -c 0 "$demo" >/dev/null &&
	[ "$(pfscript -i "$tmp/c0.data" -F cpu | tr -d ' ' | sort -u)" = "[000]" ] && echo "ok: -C 0" ||
	fail "-C 0: $(pfscript -i "$tmp/c0.data" -F cpu | sort -u | head -3)"
# -s: the kernel reports a child's counts when it exits (perf report -T)
pfrecord -q -T -N -s -o "$tmp/s.data" -- sh -c "\"$demo\"; true" || fail "-T -N -s: $?"
[ $have_perf = yes ] && { perf report -T --stdio -i "$tmp/s.data" 2>/dev/null |
	grep -q '^ *[0-9]* *[0-9]* *[0-9][0-9]*$' && echo "ok: -s: perf report -T shows per-thread counts" ||
	fail "-s: no per-thread counts"; }
finish
