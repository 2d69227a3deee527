# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers for the end-to-end scripts (tests/run-*.sh).  Sourced, not run.
# The harness exports top_srcdir and top_builddir and puts tools/ on PATH.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
data="$top_srcdir/tests/data"

# A private scratch directory, removed on exit.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pftools-test.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

# expect_same EXPECTED ACTUAL WHAT: byte-for-byte comparison with a diff.
expect_same() {
	if cmp -s "$1" "$2"; then
		echo "ok: $3"
	else
		fail "$3"
		diff -u "$1" "$2" | head -40 >&2
	fi
}

finish() {
	[ "$failures" -eq 0 ] || { echo "$failures check(s) failed" >&2; exit 1; }
	exit 0
}
