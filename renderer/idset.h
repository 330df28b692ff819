/*
 * idset.h: the heading ids already used in one note, so that repeated headings get "x",
 * "x-1", "x-2". An open-addressing hash set; each base id remembers the next suffix to try,
 * so n identical headings cost O(n), not O(n^2).
 */
#ifndef RENDERER_IDSET_H
#define RENDERER_IDSET_H

#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"

struct idset_entry;

struct idset {
	struct buf keys; /* every id, back to back */
	struct idset_entry *tab;
	size_t cap; /* slots, a power of two, or 0 before the first insert */
	size_t count;
};

void idset_init(struct idset *s);
void idset_fini(struct idset *s);

/*
 * Appends to out an id not yet in the set, based on base ("x", else "x-1", "x-2", ...),
 * and adds it. base must not be empty. Returns 0, ERR_INVAL (empty base), ERR_NOMEM, or
 * out->err.
 */
int idset_unique(struct idset *s, struct slice base, struct buf *out);

#endif
