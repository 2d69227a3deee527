#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The allocator benchmarks that `make bench` runs (bench_random_mixed on 1
# and 2 threads, bench_producer_consumer), small, under libsuperslab: they
# finish, print every line bench/superslab.sh reads, and the allocator
# really served them (its statistics counted refills and, where frees
# cross threads, frees of other threads' blocks).  Timings are not
# checked: speed belongs to `make bench`.
. "$top_srcdir/tests/lib.sh"
lib="$top_builddir/alloc/.libs/libsuperslab.so"
[ -f "$lib" ] || skip "no shared libsuperslab (built with --disable-shared?)"
unset SUPERSLAB_STATS SUPERSLAB_TRACE SUPERSLAB_SIZE SUPERSLAB_PREWARM

# bench NAME CROSS PROGRAM ARGS...: CROSS is yes when frees cross threads.
bench() {
	name=$1
	cross=$2
	prog="$top_builddir/bench/$3"
	shift 3
	before=$failures
	LD_PRELOAD="$lib" SUPERSLAB_STATS=1 "$prog" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	st=$?
	if [ $st != 0 ]; then
		fail "$name: exit status $st: $(tail -3 "$tmp/$name.err")"
		return
	fi
	grep -q '^Allocator = .*libsuperslab' "$tmp/$name.out" ||
		fail "$name: malloc not from libsuperslab: $(head -1 "$tmp/$name.out")"
	for line in '^Throughput = [0-9][0-9]* ops/s .* time=' \
		'^CPU throughput = [0-9][0-9]* ops/cpu-s' \
		'^Minor faults = [0-9][0-9]* (timed region)' '^Max RSS = [0-9][0-9]* KiB'; do
		grep -q "$line" "$tmp/$name.out" || fail "$name: no line matching '$line'"
	done
	grep -q '^superslab: stats: refills [1-9]' "$tmp/$name.err" ||
		fail "$name: libsuperslab did not serve the allocations"
	if [ "$cross" = yes ] &&
		! grep -q '^superslab: stats: .*remote frees [1-9]' "$tmp/$name.err"; then
		fail "$name: no cross-thread frees counted"
	fi
	if grep -v '^superslab: stats: ' "$tmp/$name.err" | grep -q .; then
		fail "$name: unexpected errors: $(grep -v '^superslab: stats: ' "$tmp/$name.err" | head -3)"
	fi
	if [ "$failures" = "$before" ]; then echo "ok: $name"; fi
}

bench random-mixed no bench_random_mixed 200000 1024 42
bench random-mixed-cross yes bench_random_mixed 200000 1024 42 2 90
bench producer-consumer yes bench_producer_consumer 200000 42

# Bad arguments: the usage line and exit status 2, nothing measured.
for args in "" "0 42" "1 2 3"; do
	# shellcheck disable=SC2086
	"$top_builddir/bench/bench_producer_consumer" $args >"$tmp/bad.out" 2>"$tmp/bad.err"
	st=$?
	[ $st = 2 ] || fail "bench_producer_consumer $args: exit status $st, not 2"
	grep -q '^bench_producer_consumer: \|^usage: bench_producer_consumer' "$tmp/bad.err" ||
		fail "bench_producer_consumer $args: no message"
done

finish
