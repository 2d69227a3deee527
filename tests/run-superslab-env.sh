#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# libsuperslab's environment tunables: each is read, bad values warn and
# fall back to the default, and each has its effect (stats at exit, one
# trace line per failure, prewarmed memory takes no faults, purging).
. "$top_srcdir/tests/lib.sh"
probe="$top_builddir/tests/progs/superslab-probe"
# The probe links the allocator; a preloaded copy (make check-preload)
# would make every helper process print its warnings too.
unset LD_PRELOAD
unset SUPERSLAB_PREFAULT SUPERSLAB_HUGEPAGES SUPERSLAB_PREWARM SUPERSLAB_SIZE \
	SUPERSLAB_PURGE_DELAY_MS SUPERSLAB_PURGE SUPERSLAB_STATS SUPERSLAB_TRACE

defaults="prefault=0 hugepages=0 prewarm=0 size=2097152 purge_delay_ms=1000 purge_dontneed=0 stats=0 trace=0"
echo "$defaults" >"$tmp/want"
"$probe" options >"$tmp/got" 2>"$tmp/err" || fail "probe options"
expect_same "$tmp/want" "$tmp/got" "defaults"
[ -s "$tmp/err" ] && fail "defaults: unexpected stderr: $(cat "$tmp/err")"

echo "prefault=1 hugepages=1 prewarm=3 size=4194304 purge_delay_ms=-1 purge_dontneed=1 stats=0 trace=1" >"$tmp/want"
SUPERSLAB_PREFAULT=1 SUPERSLAB_HUGEPAGES=1 SUPERSLAB_PREWARM=3 SUPERSLAB_SIZE=4M \
SUPERSLAB_PURGE_DELAY_MS=-1 SUPERSLAB_PURGE=dontneed SUPERSLAB_TRACE=1 \
	"$probe" options >"$tmp/got" 2>"$tmp/err" || fail "probe options with values"
expect_same "$tmp/want" "$tmp/got" "every tunable is read"

# Bad values: one warning each, the default, no crash.
for bad in SUPERSLAB_SIZE=3M SUPERSLAB_SIZE=512K SUPERSLAB_SIZE=abc SUPERSLAB_PREWARM=-1 \
	   SUPERSLAB_PREWARM=99999 SUPERSLAB_PREFAULT=yes SUPERSLAB_HUGEPAGES=2 \
	   SUPERSLAB_PURGE_DELAY_MS=soon SUPERSLAB_PURGE=never SUPERSLAB_STATS= SUPERSLAB_TRACE=1x; do
	name=${bad%%=*}
	val=${bad#*=}
	env "$bad" "$probe" options >"$tmp/got" 2>"$tmp/err" || fail "$bad: exit status"
	echo "$defaults" >"$tmp/want"
	expect_same "$tmp/want" "$tmp/got" "$bad falls back to the default"
	printf "superslab: warning: %s='%s' is invalid (" "$name" "$val" >"$tmp/prefix"
	if [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! head -c "$(wc -c <"$tmp/prefix")" "$tmp/err" | cmp -s - "$tmp/prefix"; then
		fail "$bad: expected one warning, got: $(cat "$tmp/err")"
	fi
done

# SUPERSLAB_STATS=1: statistics on stderr at exit, with counters that moved.
SUPERSLAB_STATS=1 "$probe" churn >"$tmp/got" 2>"$tmp/err" || fail "stats run"
grep -q "^superslab: stats: refills [1-9]" "$tmp/err" || fail "stats: no refill count: $(head -3 "$tmp/err")"
grep -q "^superslab: stats: os calls: mmap [1-9]" "$tmp/err" || fail "stats: no os calls"
grep -q "^superslab: stats: class " "$tmp/err" || fail "stats: no per-class table"
echo "refills=yes large=yes" | cmp -s - "$tmp/got" || fail "churn output: $(cat "$tmp/got")"

# Other sizes and huge pages work the same.
for env in SUPERSLAB_SIZE=1M SUPERSLAB_SIZE=8M SUPERSLAB_SIZE=64M SUPERSLAB_HUGEPAGES=1 \
	   SUPERSLAB_PREFAULT=1 SUPERSLAB_PURGE_DELAY_MS=0 SUPERSLAB_PURGE=dontneed; do
	env "$env" "$probe" churn >"$tmp/got" 2>"$tmp/err" || fail "$env: churn failed"
	echo "refills=yes large=yes" | cmp -s - "$tmp/got" || fail "$env: $(cat "$tmp/got" "$tmp/err")"
done

# SUPERSLAB_TRACE=1: one line per failure, with class and cause.
SUPERSLAB_TRACE=1 "$probe" fail >"$tmp/got" 2>"$tmp/err" || fail "trace run"
echo "null null" | cmp -s - "$tmp/got" || fail "fail: $(cat "$tmp/got")"
grep -q "^superslab: trace: malloc([0-9]*) class large: over threshold$" "$tmp/err" ||
	fail "trace: no over-threshold line: $(cat "$tmp/err")"
grep -q "^superslab: trace: malloc(1073741824) class large: exhausted (errno 12)$" "$tmp/err" ||
	fail "trace: no exhausted line: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/err")" -eq 2 ] || fail "trace: expected 2 lines: $(cat "$tmp/err")"
"$probe" fail >"$tmp/got" 2>"$tmp/err"
[ -s "$tmp/err" ] && fail "failures print nothing without SUPERSLAB_TRACE"

# SUPERSLAB_PREWARM with SUPERSLAB_PREFAULT: memory faulted in at start,
# so filling 1 MiB of new blocks takes (almost) no page fault.
SUPERSLAB_PREWARM=2 SUPERSLAB_PREFAULT=1 "$probe" faults >"$tmp/got" || fail "prewarm run"
n=$(sed -n 's/^faults=//p' "$tmp/got")
[ "${n:-999}" -le 8 ] || fail "prewarmed: $n faults filling 1 MiB"
"$probe" faults >"$tmp/got"
n=$(sed -n 's/^faults=//p' "$tmp/got")
[ "${n:-0}" -ge 100 ] || fail "not prewarmed: only $n faults filling 1 MiB (test is not measuring)"

# Purging: immediate with a delay of 0, never with -1.
SUPERSLAB_PURGE_DELAY_MS=0 "$probe" purge >"$tmp/got"
echo "purged=yes" | cmp -s - "$tmp/got" || fail "delay 0: $(cat "$tmp/got")"
SUPERSLAB_PURGE_DELAY_MS=-1 "$probe" purge >"$tmp/got"
echo "purged=no" | cmp -s - "$tmp/got" || fail "delay -1: $(cat "$tmp/got")"

finish
