/*
 * layouts.c: the cache of compiled layouts (contract in layouts.h). A vault has a handful of
 * layouts, so the cache is a small array searched linearly by content hash.
 */
#include "ingestd/layouts.h"

#include <stdlib.h>
#include <string.h>

#include "ingestd/source.h"
#include "renderer/template.h"
#include "shared/defs.h"
#include "shared/err.h"

struct layout_entry {
	char sha256[65];
	struct template *t;
};

struct layouts {
	struct layout_entry *e;
	size_t n, cap;
};

struct layouts *
layouts_new(void)
{
	return xcalloc(1, sizeof(struct layouts));
}

void
layouts_free(struct layouts *l)
{
	if (!l) {
		return;
	}
	for (size_t i = 0; i < l->n; i++) {
		template_free(l->e[i].t);
	}
	free(l->e);
	free(l);
}

bool
layouts_is_layout(const char *path)
{
	size_t n = strlen(path);
	return strncmp(path, "_layouts/", 9) == 0 && n > 14 && strcmp(path + n - 5, ".html") == 0;
}

const struct template *
layouts_find(struct layouts *l, const char *sha256)
{
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->e[i].sha256, sha256) == 0) {
			return l->e[i].t;
		}
	}
	return NULL;
}

int
layouts_get(struct layouts *l, const char *path, const char *sha256, struct slice content,
            const struct template **out, char *err, size_t errlen)
{
	*out = layouts_find(l, sha256);
	if (*out) {
		return 0;
	}
	struct template *t;
	int rc = template_compile(path, content, &t, err, errlen);
	if (rc) {
		return rc;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->e = xrealloc(l->e, l->cap * sizeof(*l->e));
	}
	struct layout_entry *e = &l->e[l->n++];
	memcpy(e->sha256, sha256, 64);
	e->sha256[64] = '\0';
	e->t = t;
	*out = t;
	return 0;
}

int
layouts_sweep(struct layouts *l, struct source *src)
{
	size_t k = 0;
	int rc = 0;
	for (size_t i = 0; i < l->n; i++) {
		bool used = true;
		if (!rc) {
			rc = source_layout_sha_used(src, l->e[i].sha256, &used);
		}
		if (!used) {
			template_free(l->e[i].t);
			continue;
		}
		l->e[k++] = l->e[i];
	}
	l->n = k;
	return rc;
}

size_t
layouts_count(const struct layouts *l)
{
	return l->n;
}
