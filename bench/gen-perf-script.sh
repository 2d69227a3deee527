#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# gen-perf-script.sh MB: write at least MB megabytes of `perf script` text
# to standard output by repeating the recordings in tests/data/collapse/.
# Every sample is renamed to one event (cpu-clock) so that a collapser folds
# all of them instead of keeping only the first event's: the benchmark then
# measures the full work per byte.
set -e
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
mb=${1:-300}
round=$(mktemp "${TMPDIR:-/tmp}/pfbench-round.XXXXXX")
trap 'rm -f "$round"' EXIT
# Header lines (those not starting with a tab) get the one event name.
for f in "$top_srcdir"/tests/data/collapse/*.txt.gz; do
	gzip -dc "$f"
done | sed -E '/^[^	]/ s/ [^ ]+: $/ cpu-clock: /' >"$round"
size=$(wc -c <"$round")
n=$(( (mb * 1048576 + size - 1) / size ))
while [ "$n" -gt 0 ]; do
	cat "$round"
	n=$((n - 1))
done
