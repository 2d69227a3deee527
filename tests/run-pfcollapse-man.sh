#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every command of pfcollapse(1)'s EXAMPLES, so the page cannot go
# stale.  A stand-in `perf` first on PATH answers `perf script` with two
# bundled recordings (page faults of python3, then CPU time of gcc), so the
# examples run without perf or a perf.data file.
. "${top_srcdir:-.}/tests/lib.sh"

mkdir "$tmp/bin" "$tmp/run"
cat >"$tmp/bin/perf" <<EOT
#!/bin/sh
[ "\$1" = script ] || { echo "stand-in perf: only 'perf script'" >&2; exit 1; }
exec gzip -dc "$data/collapse/pf-python-fp.txt.gz" "$data/collapse/cpu-gcc-fp.txt.gz"
EOT
chmod +x "$tmp/bin/perf"
PATH="$tmp/bin:$PATH"

cd "$tmp/run" || exit 99
run_examples "$top_srcdir/man/pfcollapse.1"
[ -s out.folded ] && [ -s cpu.folded ] || fail "the examples wrote their files"
grep -q '^python3;' cpu.folded && fail "cpu.folded has only the cpu-clock samples"
grep -q '^cc1;' cpu.folded || fail "cpu.folded has the cpu-clock samples"
[ "$(wc -l <"$tmp/out.4")" -eq 5 ] || fail "the fourth example prints five lines"

finish
