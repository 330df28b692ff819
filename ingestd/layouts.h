/*
 * layouts.h: the compiled vault layouts (renderer/template.h), cached by the SHA-256 of
 * their bytes. A layout is compiled once per content, whatever its name and however many
 * pushes and pages use it; entries no layout file has any more are freed by a sweep.
 */
#ifndef INGESTD_LAYOUTS_H
#define INGESTD_LAYOUTS_H

#include <stdbool.h>
#include <stddef.h>

#include "shared/buf.h"

struct layouts;
struct source;
struct template;

struct layouts *layouts_new(void);
void layouts_free(struct layouts *l); /* NULL is a no-op */

/* True for the files that are layouts: "_layouts/" ... ".html". */
bool layouts_is_layout(const char *path);

/*
 * The compiled layout for content whose SHA-256 (64 hex) is sha256, compiling it (named
 * path in messages) on a miss. *out stays owned by the cache, valid until the next sweep.
 * Returns 0, ERR_PROTO with "path:line: what" in err[errlen], or ERR_NOMEM.
 */
int layouts_get(struct layouts *l, const char *path, const char *sha256, struct slice content,
                const struct template **out, char *err, size_t errlen);

/* The cached layout for sha256 without compiling, or NULL. */
const struct template *layouts_find(struct layouts *l, const char *sha256);

/* Frees entries whose content no file under _layouts/ has now. Returns 0 or a database error. */
int layouts_sweep(struct layouts *l, struct source *src);

/* Compiled layouts held (for tests). */
size_t layouts_count(const struct layouts *l);

#endif
