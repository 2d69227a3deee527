#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run the perf-script fuzz harness (tests/fuzz/fuzz_script.c) briefly over
# its seed corpus, the small perf-script cases in tests/data/collapse/:
# no input may crash it (the sanitizer build catches more).
. "${top_srcdir:-.}/tests/lib.sh"

d="$data/collapse"
"$top_builddir/tests/fuzz/fuzz_script" "$d/quirks.txt" "$d/tracepoint.txt" \
	"$d/cxx-deleted.txt" "$d/no-callchain.txt" || fail "fuzz_script: exit status $?"
finish
