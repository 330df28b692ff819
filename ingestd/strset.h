/*
 * strset.h: a set of strings that remembers insertion order, for the push pipeline's work
 * lists (changed paths, paths to re-render, URLs to write). Lookups hash; iteration is by
 * index in the order strings were first added, so a push's work is deterministic.
 */
#ifndef INGESTD_STRSET_H
#define INGESTD_STRSET_H

#include <stdbool.h>
#include <stddef.h>

struct strset {
	char **items; /* heap copies, in insertion order */
	size_t count;
	size_t cap;    /* of items */
	size_t *slots; /* open addressing: index + 1, 0 = empty */
	size_t nslots; /* power of two */
};

void strset_init(struct strset *s);
void strset_fini(struct strset *s);
/* Removes every string; keeps the memory. */
void strset_clear(struct strset *s);
/* Adds a copy of str (NULL is ignored). Returns true if it was not there yet. */
bool strset_add(struct strset *s, const char *str);
bool strset_has(const struct strset *s, const char *str);
/* Index of str in items, or -1 if absent. */
long strset_index(const struct strset *s, const char *str);

#endif
