#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pfscript --format=folded against `pfscript | pfcollapse` on a recording
# of BENCH_FORMATS_RUNS (default 20) runs of a first-touch loop over
# BENCH_MB MiB each (default 1024: 262,144 faults a run, 5.2 million in
# all), and of a quarter of those runs, to show that memory follows the
# distinct stacks, not the samples.  Prints CPU seconds (user + system,
# both processes of the pipeline) and wall seconds, the speed-up, whether
# the outputs are equal, and the peak anonymous memory (RssAnon, polled;
# the recording itself is mapped from its file and not counted).  Then
# the time pprof and Gecko output take on the same recording.
: "${top_builddir:=.}"
runs=${BENCH_FORMATS_RUNS:-20}
mb=${BENCH_MB:-1024}
work="$top_builddir/bench/record_touch"
bin="$top_builddir/tools"
dir=$(mktemp -d "${TMPDIR:-/tmp}/pfbench.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT

if ! "$bin/pfrecord" -q -e page-faults -c 1 -o "$dir/probe" -- true 2>"$dir/err"; then
	echo "formats: skipped: pfrecord cannot record: $(head -n 1 "$dir/err")"
	exit 0
fi

# run OUT CMD...: run CMD (sh -c) with stdout to OUT; prints "CPU WALL ANON_KB",
# ANON_KB the largest RssAnon of any process of the command seen.
run() {
	out=$1
	shift
	/usr/bin/time -f '%U %S %e' -o "$dir/time" sh -c "$*" >"$out" 2>/dev/null &
	tpid=$!
	peak=0
	while kill -0 "$tpid" 2>/dev/null; do
		for p in $(pgrep -P "$tpid" 2>/dev/null) $(pgrep -g "$(ps -o pgid= "$tpid" 2>/dev/null | tr -d ' ')" 2>/dev/null); do
			a=$(awk '/^RssAnon/ { print $2 }' "/proc/$p/status" 2>/dev/null)
			[ -n "$a" ] && [ "$a" -gt "$peak" ] && peak=$a
		done
		sleep 0.05
	done
	wait "$tpid"
	awk -v k="$peak" '{ printf "%.2f %.2f %d", $1 + $2, $3, k }' "$dir/time"
}

# record N FILE: N runs of the workload in one recording.
record() {
	i=0 cmd=
	while [ $i -lt "$1" ]; do
		cmd="$cmd $work $mb;"
		i=$((i + 1))
	done
	"$bin/pfrecord" -q -e page-faults -c 1 -g -o "$2" -- sh -c "$cmd" >/dev/null 2>&1
}

compare() {
	data=$1
	samples=$("$bin/pfscript" -q -i "$data" -F comm | wc -l)
	tp=$(run "$dir/pipe.folded" "'$bin/pfscript' -q -i '$data' | '$bin/pfcollapse'")
	tf=$(run "$dir/fmt.folded" "'$bin/pfscript' -q -i '$data' --format=folded")
	cmp -s "$dir/pipe.folded" "$dir/fmt.folded" && same="same output" || same="OUTPUTS DIFFER"
	stacks=$(wc -l <"$dir/fmt.folded")
	awk -v s="$samples" -v st="$stacks" -v tp="$tp" -v tf="$tf" -v same="$same" 'BEGIN {
		split(tp, p, " "); split(tf, f, " ")
		if (f[1] < 0.01) f[1] = 0.01
		if (f[2] < 0.01) f[2] = 0.01
		printf "%9d samples %5d stacks  pfscript | pfcollapse %6.2f s cpu %6.2f s wall %7d kB  --format=folded %5.2f s cpu %5.2f s wall %6d kB  %4.1fx cpu %4.1fx wall  %s\n",
		       s, st, p[1], p[2], p[3], f[1], f[2], f[3], p[1] / f[1], p[2] / f[2], same }'
}

echo "formats: load average $(cut -d' ' -f1-3 /proc/loadavg)"
small=$(( runs / 4 > 0 ? runs / 4 : 1 ))
record "$small" "$dir/small.data"
compare "$dir/small.data"
record "$runs" "$dir/big.data"
compare "$dir/big.data"
for f in pprof gecko; do
	set -- $(run "$dir/out.$f" "'$bin/pfscript' -q -i '$dir/big.data' --format=$f")
	printf -- '--format=%-6s %6s s cpu %6s s wall %7s kB, %s bytes\n' "$f" "$1" "$2" "$3" \
		"$(wc -c <"$dir/out.$f")"
done
echo "formats: load average $(cut -d' ' -f1-3 /proc/loadavg)"
