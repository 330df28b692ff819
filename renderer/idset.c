/*
 * idset.c: a string set for heading ids. Keys live in one growing buffer and slots hold
 * offsets into it, so the set costs two allocations however many headings a note has.
 */
#include "renderer/idset.h"

#include <stdlib.h>

#include "shared/err.h"

struct idset_entry {
	size_t off;  /* into keys */
	size_t len;  /* 0 marks an empty slot (ids are never empty) */
	size_t next; /* next suffix to try when this id is reused as a base */
	uint64_t hash;
};

static uint64_t
hash_bytes(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull; // FNV-1a
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

void
idset_init(struct idset *s)
{
	*s = (struct idset){0};
	buf_init(&s->keys, 0);
}

void
idset_fini(struct idset *s)
{
	buf_fini(&s->keys);
	free(s->tab);
	s->tab = NULL;
	s->cap = s->count = 0;
}

static struct idset_entry *
find(struct idset *s, const uint8_t *p, size_t n, uint64_t h)
{
	if (!s->cap)
		return NULL;
	for (size_t i = (size_t)h & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		struct idset_entry *e = &s->tab[i];
		if (!e->len)
			return NULL;
		if (e->hash == h && e->len == n && memcmp(s->keys.ptr + e->off, p, n) == 0)
			return e;
	}
}

static int
grow(struct idset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 64;
	struct idset_entry *tab = calloc(cap, sizeof(*tab));
	if (!tab)
		return ERR_NOMEM;
	for (size_t i = 0; i < s->cap; i++) {
		struct idset_entry *e = &s->tab[i];
		if (!e->len)
			continue;
		size_t j = (size_t)e->hash & (cap - 1);
		while (tab[j].len)
			j = (j + 1) & (cap - 1);
		tab[j] = *e;
	}
	free(s->tab);
	s->tab = tab;
	s->cap = cap;
	return 0;
}

/* Adds p[0..n), known to be absent. */
static int
insert(struct idset *s, const uint8_t *p, size_t n, uint64_t h)
{
	if ((s->count + 1) * 2 > s->cap) {
		int rc = grow(s);
		if (rc < 0)
			return rc;
	}
	size_t off = s->keys.len;
	buf_put(&s->keys, p, n);
	if (s->keys.err)
		return s->keys.err;
	size_t i = (size_t)h & (s->cap - 1);
	while (s->tab[i].len)
		i = (i + 1) & (s->cap - 1);
	s->tab[i] = (struct idset_entry){.off = off, .len = n, .next = 1, .hash = h};
	s->count++;
	return 0;
}

int
idset_unique(struct idset *s, struct slice base, struct buf *out)
{
	if (base.len == 0)
		return ERR_INVAL;
	uint64_t h = hash_bytes(base.ptr, base.len);
	struct idset_entry *e = find(s, base.ptr, base.len, h);
	if (!e) {
		int rc = insert(s, base.ptr, base.len, h);
		if (rc < 0)
			return rc;
		buf_put_slice(out, base);
		return out->err;
	}
	// base is taken: try base-k from where the last collision on this base left off.
	struct buf cand;
	buf_init(&cand, 0);
	size_t k = e->next;
	int rc;
	for (;; k++) {
		buf_reset(&cand);
		buf_put_slice(&cand, base);
		buf_putc(&cand, '-');
		buf_put_u64(&cand, k);
		if (cand.err) {
			rc = cand.err;
			goto fail;
		}
		uint64_t ch = hash_bytes(cand.ptr, cand.len);
		if (!find(s, cand.ptr, cand.len, ch)) {
			rc = insert(s, cand.ptr, cand.len, ch);
			if (rc < 0)
				goto fail;
			break;
		}
	}
	e = find(s, base.ptr, base.len, h); // insert may have moved it
	e->next = k + 1;
	buf_put(out, cand.ptr, cand.len);
	rc = out->err;
fail:
	buf_fini(&cand);
	return rc;
}
