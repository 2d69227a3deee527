#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every command of pfcollapse(1)'s EXAMPLES, so the page cannot go
# stale.  A stand-in `perf` first on PATH answers `perf script` with two
# bundled recordings (page faults of python3, then CPU time of gcc), and a
# bundled recording is pf.data, so the examples run without perf.
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
cp "$data/script/true-fp.data" pf.data
run_examples "$top_srcdir/man/pfcollapse.1"
[ -s out.folded ] && [ -s cpu.folded ] || fail "the examples wrote their files"
grep -q '^python3;' cpu.folded && fail "cpu.folded has only the cpu-clock samples"
grep -q '^cc1;' cpu.folded || fail "cpu.folded has the cpu-clock samples"
[ "$(wc -l <"$tmp/out.5")" -eq 5 ] || fail "the fifth example prints five lines"
grep -q '^true-[0-9?]*/[0-9]*;' pf.folded || fail "pf.folded has the stacks of true with its TID"

finish
