#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Real programs under LD_PRELOAD=libsuperslab.so give the same output as a
# plain run: python3, perl, sort on a large file, gcc compiling a file, git
# log.  Interposition is proven, not assumed: each preloaded run also
# prints the allocator's statistics, whose refill counter must have moved
# (a wrapper that fell back to glibc would leave it at zero).
. "$top_srcdir/tests/lib.sh"
lib="$top_builddir/alloc/.libs/libsuperslab.so"
[ -f "$lib" ] || skip "no shared libsuperslab (built with --disable-shared?)"
unset SUPERSLAB_STATS SUPERSLAB_TRACE SUPERSLAB_SIZE SUPERSLAB_PREWARM
unset LD_PRELOAD     # the plain runs must be plain under make check-preload too

# run NAME CMD...: plain and preloaded runs must write the same stdout.
run() {
	name=$1
	shift
	"$@" >"$tmp/$name.plain" 2>"$tmp/$name.plain-err" || { fail "$name: plain run failed"; return; }
	LD_PRELOAD="$lib" SUPERSLAB_STATS=1 "$@" >"$tmp/$name.ss" 2>"$tmp/$name.ss-err" ||
		{ fail "$name: preloaded run failed: $(tail -3 "$tmp/$name.ss-err")"; return; }
	expect_same "$tmp/$name.plain" "$tmp/$name.ss" "$name under libsuperslab"
	if ! grep -q "^superslab: stats: refills [1-9]" "$tmp/$name.ss-err"; then
		fail "$name: libsuperslab did not serve the allocations"
	fi
	if grep -v "^superslab: stats: " "$tmp/$name.ss-err" | grep -q "superslab"; then
		fail "$name: allocator complained: $(grep superslab "$tmp/$name.ss-err" | grep -v stats: | head -3)"
	fi
}

# Use the system interpreters: version-manager shims are shell scripts.
py=$(PATH=/usr/bin:/bin:$PATH command -v python3)
if [ -n "$py" ]; then
	run python3 "$py" "$top_srcdir/tests/data/superslab-dicts.py"
else
	echo "python3 not installed: skipped"
fi

perl=$(PATH=/usr/bin:/bin:$PATH command -v perl)
[ -n "$perl" ] || skip "perl is required"
run perl "$perl" -e '
	my %h; my @a;
	for my $i (1 .. 200000) { $h{"key$i"} = "v" x ($i % 50); push @a, [$i, "s$i"] if $i % 3 }
	delete $h{"key$_"} for grep { $_ % 5 == 0 } 1 .. 200000;
	my $s = join ",", map { $_->[1] } @a[0 .. 999];
	print scalar(keys %h), " ", scalar(@a), " ", length($s), "\n";'

# sort on a large file (about 20 MB, 400k lines).
"$perl" -e 'my $x = 1; for (1 .. 400000) { $x = ($x * 1103515245 + 12345) % 2147483648;
	printf "%010d %s\n", $x, "y" x ($x % 40) }' >"$tmp/big.txt"
run sort env LC_ALL=C sort -S 50% "$tmp/big.txt"
run sort-numeric env LC_ALL=C sort -k1,1nr "$tmp/big.txt"

# gcc compiling a file: the driver, cc1, as and ld all preloaded.
cc=$(command -v gcc || command -v cc)
if [ -n "$cc" ]; then
	cat >"$tmp/prog.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
struct node { struct node *next; int v; };
int main(void)
{
	struct node *h = NULL;
	for (int i = 0; i < 1000; i++) {
		struct node *n = malloc(sizeof *n);
		n->v = i;
		n->next = h;
		h = n;
	}
	long s = 0;
	for (struct node *n = h; n; n = n->next)
		s += n->v;
	printf("%ld\n", s);
	return 0;
}
C
	run gcc "$cc" -O2 -Wall -c -o "$tmp/prog.o" "$tmp/prog.c"
	cmp -s "$tmp/prog.o" "$tmp/prog.o" || fail "gcc: no object"
	LD_PRELOAD="$lib" "$cc" -O2 -o "$tmp/prog" "$tmp/prog.c" || fail "gcc: link under libsuperslab"
	run prog "$tmp/prog"
else
	echo "gcc not installed: skipped"
fi

# git log on this repository (when the sources are a git checkout).
if command -v git >/dev/null 2>&1 && git -C "$top_srcdir" rev-parse --git-dir >/dev/null 2>&1; then
	run git-log git -C "$top_srcdir" log --stat -n 50 --format='%H %s'
	run git-rev-list git -C "$top_srcdir" rev-list --objects --all
else
	echo "not a git checkout: git log skipped"
fi

# C++: new/delete go through malloc/free.
cxx=$(command -v g++ || true)
if [ -n "$cxx" ]; then
	cat >"$tmp/prog.cc" <<'CC'
#include <iostream>
#include <map>
#include <string>
#include <vector>
int main()
{
	std::map<std::string, std::vector<int>> m;
	for (int i = 0; i < 100000; i++)
		m[std::to_string(i % 5000)].push_back(i);
	long s = 0;
	for (auto &kv : m)
		s += kv.second.size() * kv.first.size();
	std::cout << m.size() << " " << s << "\n";
}
CC
	if "$cxx" -O1 -o "$tmp/progxx" "$tmp/prog.cc" 2>/dev/null; then
		run c++ "$tmp/progxx"
	fi
fi

finish
