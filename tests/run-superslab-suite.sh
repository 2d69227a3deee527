#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every workload of the allocator suite (bench/suite.sh --list, at the
# small sizes), once under libsuperslab: it exits 0, names libsuperslab as
# the object that defines malloc, verifies its blocks ("Verify = ok": each
# block's tag checked before its free, counts balanced), and the
# allocator's statistics show it served the allocations (and, where
# threads free each other's blocks, frees from other threads).  perl-words
# must print the same checksum as without the preload.  Bad arguments
# give the usage line and exit status 2.  Timings are not checked: speed
# belongs to `make bench`.
. "$top_srcdir/tests/lib.sh"
lib="$top_builddir/alloc/.libs/libsuperslab.so"
[ -f "$lib" ] || skip "no shared libsuperslab (built with --disable-shared?)"
unset SUPERSLAB_STATS SUPERSLAB_TRACE SUPERSLAB_SIZE SUPERSLAB_PREWARM

SUITE_SCALE=small sh "$top_srcdir/bench/suite.sh" --list >"$tmp/workloads" ||
	fail "suite.sh --list failed"
[ "$(wc -l <"$tmp/workloads")" -ge 17 ] || fail "suite.sh --list: $(wc -l <"$tmp/workloads") workloads"

while IFS='|' read -r name cmd; do
	before=$failures
	# shellcheck disable=SC2086
	LD_PRELOAD="$lib" SUPERSLAB_STATS=1 $cmd >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null
	st=$?
	if [ $st != 0 ]; then
		fail "$name: exit status $st: $(tail -3 "$tmp/$name.err")"
		continue
	fi
	grep -q '^superslab: stats: refills [1-9]' "$tmp/$name.err" ||
		fail "$name: libsuperslab did not serve the allocations"
	# (xmalloc-test's consumers never allocate, so they have no heap to
	# count their frees in.)
	case $name in
	larson*|rptest*|mstress*|random-mixedN|producer-consumer)
		grep -q '^superslab: stats: .*remote frees [1-9]' "$tmp/$name.err" ||
			fail "$name: no frees from other threads counted" ;;
	esac
	if grep -v '^superslab: stats: ' "$tmp/$name.err" | grep -q .; then
		fail "$name: unexpected errors: $(grep -v '^superslab: stats: ' "$tmp/$name.err" | head -3)"
	fi
	case $name in
	perl-words)
		# shellcheck disable=SC2086
		$cmd >"$tmp/perl-plain.out" 2>&1 </dev/null || fail "perl-words without the preload failed"
		grep -q '^Checksum = [0-9]' "$tmp/$name.out" || fail "perl-words: no checksum"
		cmp -s "$tmp/perl-plain.out" "$tmp/$name.out" ||
			fail "perl-words: $(cat "$tmp/$name.out") under libsuperslab, $(cat "$tmp/perl-plain.out") without"
		;;
	*)
		grep -q '^Allocator = .*libsuperslab' "$tmp/$name.out" ||
			fail "$name: malloc not from libsuperslab: $(head -1 "$tmp/$name.out")"
		grep -q '^CPU throughput = [0-9][0-9]* ops/cpu-s' "$tmp/$name.out" ||
			fail "$name: no CPU throughput line"
		case $name in
		random-mixed*|producer-consumer) ;;   # checked by run-superslab-bench.sh
		*) grep -qx 'Verify = ok' "$tmp/$name.out" ||
			fail "$name: $(grep '^Verify' "$tmp/$name.out" || echo 'no Verify line')" ;;
		esac
		;;
	esac
	if [ "$failures" = "$before" ]; then echo "ok: $name"; fi
done <"$tmp/workloads"

# runstat measures what it runs and passes its exit status on.
"$top_builddir/bench/runstat" "$tmp/stat" sh -c 'exit 3'
[ $? = 3 ] || fail "runstat: exit status not passed on"
grep -q '^[0-9.]* [1-9][0-9]* [1-9][0-9]*$' "$tmp/stat" || fail "runstat: $(cat "$tmp/stat")"

# Bad arguments: the usage line and exit status 2, nothing run.
for bad in "larson 2 500 5000 3 8 1000" "larson 2 500 5000 3 1000 8 42" "rptest 2 x 500 16 16000 25 42" \
	"rptest 2 100 500 16 16000 101 42" "alloc-test 0 1 1 1" "glibc-simple" "glibc-thread 1 1" \
	"mstress 1 1 1 -1" "xmalloc-test 1 1" "cache-scratch 1 1 1 1" "cache-thrash 1 1 1" \
	"malloc-large 1 1 2 1 1" "runstat"; do
	prog=${bad%% *}
	# shellcheck disable=SC2086
	"$top_builddir/bench/$prog" ${bad#"$prog"} >"$tmp/bad.out" 2>"$tmp/bad.err"
	st=$?
	[ $st = 2 ] || fail "$bad: exit status $st, not 2"
	grep -q "^usage: $prog" "$tmp/bad.err" || fail "$bad: no usage line: $(head -1 "$tmp/bad.err")"
	[ -s "$tmp/bad.out" ] && fail "$bad: printed $(head -1 "$tmp/bad.out")"
done
perl "$top_srcdir/bench/perl-words.pl" 0 >"$tmp/bad.out" 2>"$tmp/bad.err"
[ $? != 0 ] && grep -q '^usage: perl-words' "$tmp/bad.err" || fail "perl-words.pl 0: no usage error"

finish
