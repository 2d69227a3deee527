/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The standard names.  Preloaded (LD_PRELOAD=libsuperslab.so.0) or linked
 * first, these replace glibc's malloc family for the whole process, C++
 * new/delete included (libstdc++ calls malloc/free).  The whole family is
 * exported, plus glibc's __libc_ aliases that some programs call directly,
 * so no allocation or free can fall through to glibc and meet a pointer
 * from the other allocator.  Aliases, not wrappers: no extra call; an
 * alias must sit in the translation unit of its target, so alloc.c
 * includes this file at its end (mimalloc does the same).
 */
#ifndef SS_OVERRIDE_H
#define SS_OVERRIDE_H

#define ALIAS(name, target) \
	extern __typeof__(target) name __attribute__((alias(#target), visibility("default")))

ALIAS(malloc, ss_malloc);
ALIAS(free, ss_free);
ALIAS(calloc, ss_calloc);
ALIAS(realloc, ss_realloc);
ALIAS(reallocarray, ss_reallocarray);
ALIAS(posix_memalign, ss_posix_memalign);
ALIAS(aligned_alloc, ss_aligned_alloc);
ALIAS(memalign, ss_memalign);
ALIAS(valloc, ss_valloc);
ALIAS(pvalloc, ss_pvalloc);
ALIAS(malloc_usable_size, ss_malloc_usable_size);
ALIAS(free_sized, ss_free_sized);
ALIAS(free_aligned_sized, ss_free_aligned_sized);
ALIAS(cfree, ss_free);

ALIAS(__libc_malloc, ss_malloc);
ALIAS(__libc_free, ss_free);
ALIAS(__libc_calloc, ss_calloc);
ALIAS(__libc_realloc, ss_realloc);
ALIAS(__libc_memalign, ss_memalign);
ALIAS(__libc_valloc, ss_valloc);
ALIAS(__libc_pvalloc, ss_pvalloc);
ALIAS(__posix_memalign, ss_posix_memalign);

#endif /* SS_OVERRIDE_H */
