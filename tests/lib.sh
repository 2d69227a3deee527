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

# need_perf_admin: skip unless this user may record every CPU, kernel
# stacks and large ring buffers, as the tests comparing with perf do: root,
# or CAP_PERFMON with CAP_IPC_LOCK.  Package builds run as an ordinary user.
need_perf_admin() {
	[ "$(id -u)" = 0 ] && return 0
	pfrecord -q -a -m 1024 --duration 0.1 -o "$tmp/probe-admin.data" \
		2>"$tmp/probe-admin.err" ||
		skip "needs root or CAP_PERFMON: $(head -n 1 "$tmp/probe-admin.err")"
}

# need_perf: perf is installed and may record here with the privileges
# need_perf_admin asks for, else skip; same_text=yes when it is perf 6.1,
# the version whose text pfscript reproduces.
need_perf() {
	command -v perf >/dev/null 2>&1 || skip "perf is not installed"
	perf record -q -e page-faults -c 1 -o "$tmp/probe.data" -- true \
		>/dev/null 2>"$tmp/probe.err" ||
		skip "perf record failed (perf_event_paranoid?): $(head -n 1 "$tmp/probe.err")"
	need_perf_admin
	case $(perf version 2>/dev/null) in
	"perf version 6.1."*) same_text=yes ;;
	*) same_text=no ;;
	esac
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

# man_examples PAGE: the command lines between .EX and .EE of PAGE's
# EXAMPLES section, roff escapes undone.
man_examples() {
	sed -n '/^\.SH EXAMPLES/,/^\.SH /{ /^\.EX/,/^\.EE/p; }' "$1" |
		grep -v '^\.E[XE]' |
		sed 's/\\-/-/g; s/\\(aq/'"'"'/g; s/\\e/\\/g'
}

# run_examples PAGE [SED-SCRIPT]: run every example of PAGE in the current
# directory with `sh -e`, each first rewritten by SED-SCRIPT (stand-ins for
# ./app, a PID, ...).  The output of the Nth goes to $tmp/out.N, its errors
# to $tmp/err.N; $n is the number run.  Documentation that cannot go stale.
run_examples() {
	man_examples "$1" >"$tmp/examples"
	[ -s "$tmp/examples" ] || fail "no EXAMPLES in $1"
	n=0
	while IFS= read -r cmd; do
		n=$((n + 1))
		run=$(printf '%s\n' "$cmd" | sed -e "${2:-}")
		if sh -ec "$run" >"$tmp/out.$n" 2>"$tmp/err.$n"; then
			echo "ok: $cmd"
		else
			fail "$cmd"
			tail -n 5 "$tmp/err.$n" >&2
		fi
	done <"$tmp/examples"
}

# browser_modules: tests/browser's node modules (playwright-core for
# Chromium, puppeteer-core for Firefox) in the build tree, installed once
# from the lock file; $mods is their directory.  The browser tests share
# them, so an install holds a lock (flock(1) on the lock file) that keeps
# a second test from installing at the same time under make -j.
browser_modules() {
	bdir="$top_builddir/tests/browser"
	mods="$bdir/node_modules"
	mkdir -p "$bdir"
	exec 9<"$top_srcdir/tests/browser/package-lock.json"
	command -v flock >/dev/null 2>&1 && flock 9
	# npm writes node_modules/.package-lock.json once an install is complete.
	if ! [ -f "$mods/.package-lock.json" ] || ! [ -f "$mods/playwright-core/package.json" ] ||
	   ! [ -f "$mods/puppeteer-core/package.json" ]; then
		command -v npm >/dev/null 2>&1 || skip "npm is not installed"
		[ "$bdir" -ef "$top_srcdir/tests/browser" ] ||
			cp "$top_srcdir/tests/browser/package.json" \
			   "$top_srcdir/tests/browser/package-lock.json" "$bdir/"
		if ! (cd "$bdir" && npm ci --no-audit --no-fund --loglevel=error); then
			echo "FAIL: npm ci in $bdir" >&2
			exit 1
		fi
	fi
	exec 9<&-
}

finish() {
	[ "$failures" -eq 0 ] || { echo "$failures check(s) failed" >&2; exit 1; }
	exit 0
}

# record_demo: the C++ demo's page faults recorded into $tmp with frame
# pointers (fp.data), DWARF stacks (dwarf.data) and data addresses
# (d.data), $demo its path.  1 after a SKIP note when the demo is not
# built or pfrecord cannot record here, so that a script can finish with
# the checks it made without recording.
record_demo() {
	demo="$top_builddir/tests/progs/cxxdemo"
	if [ ! -x "$demo" ]; then
		echo "SKIP: tests/progs/cxxdemo is not built" >&2
		return 1
	fi
	if ! pfrecord -q -e page-faults -c 1 -o "$tmp/probe.data" -- true 2>"$tmp/probe.err"; then
		echo "SKIP: pfrecord cannot record here: $(head -n 1 "$tmp/probe.err")" >&2
		return 1
	fi
	pfrecord -q -e page-faults -c 1 -g -o "$tmp/fp.data" -- "$demo" >/dev/null &&
	pfrecord -q -m 4096 -e page-faults -c 1 --call-graph dwarf,4096 \
		-o "$tmp/dwarf.data" -- "$demo" >/dev/null &&
	pfrecord -q -e page-faults -c 1 -d -g -o "$tmp/d.data" -- "$demo" >/dev/null ||
		fail "pfrecord could not record the demo"
}
