#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run the perf.data fuzz harness (tests/fuzz/fuzz_perfdata.c) briefly over
# its seed corpus, the bundled recordings in tests/data/script/: no input
# may crash or hang it (the sanitizer build catches more).
. "${top_srcdir:-.}/tests/lib.sh"

d="$data/script"
"$top_builddir/tests/fuzz/fuzz_perfdata" "$d/true-fp.data" "$d/true-pipe.data" ||
	fail "fuzz_perfdata: exit status $?"
finish
