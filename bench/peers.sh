# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by bench/superslab.sh and bench/suite.sh: the allocators
# libsuperslab is compared with, when installed (Debian's libmimalloc2.0,
# libjemalloc2 and libtcmalloc-minimal4, or Fedora's equivalents).

# findlib NAME: the path of shared library NAME in the usual places.
findlib() {
	for d in /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu /usr/lib64 /usr/lib; do
		[ -f "$d/$1" ] && { echo "$d/$1"; return; }
	done
	return 0
}

# peers: one line "NAME|LIBRARY|SUBSTRING" per installed peer, SUBSTRING
# being part of the path dladdr() gives for malloc under it.
peers() {
	l=$(findlib libmimalloc.so.2) && [ -n "$l" ] && echo "mimalloc|$l|libmimalloc"
	l=$(findlib libjemalloc.so.2) && [ -n "$l" ] && echo "jemalloc|$l|libjemalloc"
	l=$(findlib libtcmalloc_minimal.so.4) && [ -n "$l" ] && echo "tcmalloc|$l|libtcmalloc"
	return 0
}
