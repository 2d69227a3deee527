#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The sanitizer run of CI: configure a separate build directory with
# --enable-sanitizers --enable-debug (ASan + UBSan for libpf, the tools and the tests;
# UBSan alone for libsuperslab and the programs linked with it, since ASan
# replaces malloc) and run `make check` there.  The fuzz replays
# (tests/run-fuzz.sh) and the bad-input test are then checked for memory
# errors too, and --enable-debug compiles in the allocation-failure
# injector (mem_fail_at, PF_MEM_FAIL_AT) that tests/check_perfdata walks
# over every allocation of the perf.data reader.  Usage: .ci/check-sanitizers.sh [BUILDDIR]
# (default: sanitize-build in the current directory; outside the source
# tree, or a copy of it is configured).
set -eu
srcdir=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-sanitize-build}
jobs=$(nproc 2>/dev/null || echo 2)

mkdir -p "$build"
build=$(cd "$build" && pwd)
# A source tree configured in place (as CI does) refuses a second build
# directory: configure a copy of the distributed files instead.
if [ -f "$srcdir/config.status" ]; then
	rm -rf "$build/src"
	make -C "$srcdir" distdir distdir="$build/src" >/dev/null
	srcdir="$build/src"
fi
cd "$build"
# A memory error or undefined behaviour fails the test that hit it.  Leak
# checking is off: the tools exit on errors with their memory still held.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0:allocator_may_return_null=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS
[ -f Makefile ] || "$srcdir/configure" -q --enable-sanitizers --enable-debug
make -j"$jobs"
status=0
make -j"$jobs" check || status=$?
if [ -f test-suite.log ]; then
	sed -n 's/^# \(TOTAL\|PASS\|SKIP\|FAIL\|ERROR\): *\([0-9]*\)$/sanitizers: \1 \2/p' test-suite.log
fi
[ "$status" -eq 0 ] || cat test-suite.log
exit "$status"
