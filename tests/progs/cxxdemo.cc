// SPDX-License-Identifier: GPL-2.0-or-later
//
// A C++ workload for pfscript's tests, built with -g -O2: page faults under
// a template member function, a lambda, a function in an anonymous
// namespace and an inline function, so symbolization, demangling and
// inline frames all have something to show.  Each named function faults a
// known number of fresh pages:
//   (anonymous namespace)::touch_pages   PAGES_A  (via the inline touch_page)
//   Region<int>::fill                    PAGES_B
//   the lambda in run_lambda             PAGES_C
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <sys/mman.h>
#include <unistd.h>

enum { PAGES_A = 64, PAGES_B = 32, PAGES_C = 16 };

static long page_size;

static char *fresh(size_t pages)
{
	void *p = mmap(nullptr, pages * page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("cxxdemo: mmap");
		exit(1);
	}
	// One fault per page: no transparent huge pages.
	madvise(p, pages * page_size, MADV_NOHUGEPAGE);
	return static_cast<char *>(p);
}

static inline void touch_page(volatile char *p)
{
	*p = 1;
}

namespace {
__attribute__((noinline)) void touch_pages(char *p, size_t pages)
{
	for (size_t i = 0; i < pages; i++)
		touch_page(p + i * page_size);
	asm volatile("" ::: "memory");
}
}

template <typename T> struct Region {
	T *base;
	size_t pages;
	__attribute__((noinline)) void fill(T v)
	{
		for (size_t i = 0; i < pages; i++)
			base[i * page_size / sizeof(T)] = v;
		asm volatile("" ::: "memory");
	}
};

__attribute__((noinline)) void run_lambda(size_t pages)
{
	char *p = fresh(pages);
	auto touch = [p](size_t n) __attribute__((noinline)) {
		for (size_t i = 0; i < n; i++)
			static_cast<volatile char *>(p)[i * page_size] = 2;
		asm volatile("" ::: "memory");
	};
	touch(pages);
}

int main()
{
	page_size = sysconf(_SC_PAGESIZE);
	touch_pages(fresh(PAGES_A), PAGES_A);
	Region<int> r = { reinterpret_cast<int *>(fresh(PAGES_B)), PAGES_B };
	r.fill(7);
	run_lambda(PAGES_C);
	return 0;
}
