/*
 * strset.c: insertion-ordered string set (contract in strset.h): an items array plus an
 * open-addressing table of indexes into it, kept under half full.
 */
#include "ingestd/strset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/defs.h"

static size_t
strset_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *s; s++) {
		h ^= (uint8_t)*s;
		h *= 0x100000001b3ull;
	}
	/* FNV's multiply carries only upward: the low bits the table is indexed by never see
	 * the high ones, and paths that differ near the end collide in long runs. Fold the
	 * high half down and mix once more (the murmur3 finaliser). */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (size_t)h;
}

void
strset_init(struct strset *s)
{
	memset(s, 0, sizeof(*s));
}

void
strset_fini(struct strset *s)
{
	strset_clear(s);
	free(s->items);
	free(s->slots);
	memset(s, 0, sizeof(*s));
}

void
strset_clear(struct strset *s)
{
	for (size_t i = 0; i < s->count; i++) {
		free(s->items[i]);
	}
	s->count = 0;
	if (s->slots) {
		memset(s->slots, 0, s->nslots * sizeof(*s->slots));
	}
}

/* Slot holding str, or the empty slot where it would go. */
static size_t
strset_slot(const struct strset *s, const char *str)
{
	size_t mask = s->nslots - 1;
	size_t i = strset_hash(str) & mask;
	while (s->slots[i] && strcmp(s->items[s->slots[i] - 1], str) != 0) {
		i = (i + 1) & mask;
	}
	return i;
}

static void
strset_rehash(struct strset *s, size_t nslots)
{
	free(s->slots);
	s->nslots = nslots;
	s->slots = xcalloc(nslots, sizeof(*s->slots));
	for (size_t k = 0; k < s->count; k++) {
		s->slots[strset_slot(s, s->items[k])] = k + 1;
	}
}

bool
strset_has(const struct strset *s, const char *str)
{
	if (!str || !s->nslots) {
		return false;
	}
	return s->slots[strset_slot(s, str)] != 0;
}

long
strset_index(const struct strset *s, const char *str)
{
	if (!str || !s->nslots) {
		return -1;
	}
	size_t slot = s->slots[strset_slot(s, str)];
	return slot ? (long)slot - 1 : -1;
}

bool
strset_add(struct strset *s, const char *str)
{
	if (!str) {
		return false;
	}
	if ((s->count + 1) * 2 > s->nslots) {
		strset_rehash(s, s->nslots ? s->nslots * 2 : 32);
	}
	size_t i = strset_slot(s, str);
	if (s->slots[i]) {
		return false;
	}
	if (s->count == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->items = xrealloc(s->items, s->cap * sizeof(*s->items));
	}
	s->items[s->count++] = xstrdup(str);
	s->slots[i] = s->count;
	return true;
}
