/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one hash table of libpf: open addressing with linear probing over a
 * power-of-two array of caller-defined entries, kept at most half full.
 * Every entry starts with its key's 64-bit hash (struct table_entry); a
 * hash of 0 marks an empty slot, so table_hash() sets the top bit.  Keeping
 * the hash in the slot means a probe compares keys only when hashes match,
 * and growth moves entries without rehashing their keys.
 *
 * The caller owns its keys and compares them itself:
 *
 *	struct ent { struct table_entry h; const char *key; size_t len; };
 *	uint64_t h = table_hash(pf_hash(key, len));
 *	struct ent *e;
 *	TABLE_PROBE(&t, h, e)
 *		if (e->h.hash == h && e->len == len && !memcmp(e->key, key, len))
 *			return e;
 *	// e is now the empty slot where KEY belongs
 *
 * and inserts by making room first (table_reserve() may move entries, so
 * probe again when it returns 1), then filling the empty slot and calling
 * table_filled().
 */
#ifndef PF_UTIL_TABLE_H
#define PF_UTIL_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct table_entry {
	uint64_t hash;		/* 0: empty */
};

struct table {
	char *slots;
	size_t mask;		/* slot count - 1 */
	size_t used;
	size_t esize;		/* bytes per entry, header included */
};

/* An empty table of entries of ESIZE bytes with room for MIN entries
   before it grows.  -1 (ENOMEM recorded) when out of memory. */
int table_init(struct table *t, size_t esize, size_t min);

/* Free the slots (not what entries point to). */
void table_release(struct table *t);

/* A key hash as stored in a slot: never 0. */
static inline uint64_t table_hash(uint64_t h)
{
	return h | (1ULL << 63);
}

/* The hash of an integer key (a pid, an address). */
static inline uint64_t table_hash_u64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return table_hash(k);
}

static inline void *table_slot(const struct table *t, size_t i)
{
	return t->slots + i * t->esize;
}

/* Visit the occupied slots from where hash H starts; E (a pointer to the
   entry type) is left at the first empty slot. */
#define TABLE_PROBE(t, h, e)						\
	for (size_t table_i_ = (size_t)(h) & (t)->mask;			\
	     ((e) = table_slot((t), table_i_)), ((struct table_entry *)(void *)(e))->hash; \
	     table_i_ = (table_i_ + 1) & (t)->mask)

/* Every occupied entry, in slot order (none in a zeroed table). */
#define TABLE_EACH(t, e)						\
	for (size_t table_i_ = 0; (t)->slots && table_i_ <= (t)->mask; table_i_++) \
		if (((e) = table_slot((t), table_i_)),			\
		    ((struct table_entry *)(void *)(e))->hash)

/* Make room for one more entry: 0 when nothing moved, 1 when the table
   grew (probe again), -1 (ENOMEM recorded) when out of memory. */
int table_grow(struct table *t);
static inline int table_reserve(struct table *t)
{
	if ((t->used + 1) * 2 <= t->mask + 1)
		return 0;
	return table_grow(t);
}

/* Count the slot just filled by the caller. */
static inline void table_filled(struct table *t)
{
	t->used++;
}

/*
 * The commonest use: names (not copied: they must outlive the map) mapped
 * to a number, such as an index into the caller's array.
 */
struct strmap_entry {
	struct table_entry h;
	const char *name;
	size_t len;
	size_t value;
};

struct strmap {
	struct table t;		/* of struct strmap_entry */
};

/* An empty map; -1 (ENOMEM recorded) when out of memory. */
int strmap_init(struct strmap *m);

/* The entry of NAME, or NULL. */
struct strmap_entry *strmap_find(const struct strmap *m, const char *name, size_t len);

/* Map NAME to VALUE, replacing the value (and the name pointer, which
   the map keeps from now on) if it is there.  -1 (ENOMEM recorded) when
   out of memory. */
int strmap_put(struct strmap *m, const char *name, size_t len, size_t value);

/* Every entry, in slot order. */
#define STRMAP_EACH(m, e) TABLE_EACH(&(m)->t, e)

static inline void strmap_release(struct strmap *m)
{
	table_release(&m->t);
}

#endif /* PF_UTIL_TABLE_H */
