#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's main job (`make demo`): record every page fault of the bundled
# demo program with its call stack, fold the stacks, draw pf.svg and print
# the hottest stacks and functions.  Where the kernel refuses
# perf_event_open, it says so and does the same with the bundled sample
# recording instead.  Writes pf.data, pf.folded and pf.svg in the current
# directory.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
tools=$top_builddir/tools

if "$tools/pfrecord" -e page-faults -c 1 -g -o pf.data -- \
	"$top_builddir/tests/progs/pfdemo" 2>pf.err; then
	cat pf.err
	title="page faults of tests/progs/pfdemo"
	"$tools/pfscript" -q -i pf.data | "$tools/pfcollapse" >pf.folded
else
	echo "pfrecord could not record here: $(head -n 1 pf.err)"
	echo "using the bundled sample recording of a python3 program instead"
	title="page faults of python3 (bundled sample)"
	"$tools/pfcollapse" "$top_srcdir/tests/data/collapse/pf-python-fp.txt.gz" >pf.folded
fi
rm -f pf.err
# Frames under half a pixel (single faults, and the start-up chain the
# kernel pads with zeros to 127 frames) would only make the graph tall.
"$tools/pfflame" --colors=mem --countname=faults --minwidth=0.5 --title="$title" \
	pf.folded >pf.svg
echo "wrote pf.folded and pf.svg (open it in a web browser)"
echo
echo "Hottest stacks (faults, stack):"
sort -t ' ' -k2,2nr pf.folded | head -n 5 |
	awk '{ n = $NF; sub(/ [^ ]*$/, ""); printf "%8d  %s\n", n, $0 }' | cut -c 1-160
echo
"$tools/pfflame" --text -N 5 pf.folded
