/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A fast non-cryptographic 64-bit hash for the tables in libpf (folded
 * stacks, symbol caches).  Two independent multiply-mix lanes over 16-byte
 * steps keep the multiplier busy; the tail and length are folded in at the
 * end and the result goes through a murmur3-style finalizer so that the low
 * bits, which index the tables, depend on every input byte.
 */
#ifndef PF_HASH_INT_H
#define PF_HASH_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t pf_hash_rd64(const char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
	return v;
}

static inline uint64_t pf_hash_rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static inline uint64_t pf_hash(const char *s, size_t len)
{
	const uint64_t k1 = 0x9e3779b97f4a7c15ULL, k2 = 0xc2b2ae3d27d4eb4fULL;
	uint64_t a = 0x243f6a8885a308d3ULL ^ len, b = 0x13198a2e03707344ULL;
	uint64_t t = 0;
	size_t i = 0;

	for (; i + 16 <= len; i += 16) {
		a = pf_hash_rotl(a ^ (pf_hash_rd64(s + i) * k1), 29) * k2;
		b = pf_hash_rotl(b ^ (pf_hash_rd64(s + i + 8) * k2), 31) * k1;
	}
	if (len - i > 8)
		a = pf_hash_rotl(a ^ (pf_hash_rd64(s + i) * k1), 29) * k2;
	/* The last bytes as one word, overlapping what came before rather
	   than copied into a zeroed word: a variable-length copy would stall
	   the load that follows it.  The length is already in A. */
	if (len >= 8) {
		t = pf_hash_rd64(s + len - 8);
	} else if (len >= 4) {
		uint32_t x, y;

		memcpy(&x, s, 4);
		memcpy(&y, s + len - 4, 4);
		t = (uint64_t)x << 32 | y;
	} else if (len > 0) {
		t = (uint64_t)(unsigned char)s[0] << 16 |
		    (uint64_t)(unsigned char)s[len / 2] << 8 |
		    (unsigned char)s[len - 1];
	}
	b = pf_hash_rotl(b ^ (t * k2), 31) * k1;
	a ^= pf_hash_rotl(b, 23);
	a ^= a >> 33;
	a *= 0xff51afd7ed558ccdULL;
	a ^= a >> 33;
	a *= 0xc4ceb9fe1a85ec53ULL;
	a ^= a >> 33;
	return a;
}

#endif /* PF_HASH_INT_H */
