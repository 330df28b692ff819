/*
 * frontmatter.h: the YAML block at the top of a note, parsed with libyaml. Pure: no I/O.
 * A note starts with frontmatter when its first line is exactly "---"; the block ends at
 * the next line that is "---" or "...".
 */
#ifndef RENDERER_FRONTMATTER_H
#define RENDERER_FRONTMATTER_H

#include <stdbool.h>
#include <stddef.h>

#include "shared/buf.h"

enum fm_tristate { FM_UNSET = -1, FM_FALSE = 0, FM_TRUE = 1 };

struct frontmatter {
	char *title;     /* NULL if absent; all strings are heap copies, NUL-terminated */
	char *permalink; /* "permalink": the page's whole URL path */
	char *slug;      /* "slug": the last segment of the URL only (the folders stay) */
	char *layout;    /* "layout": the vault layout _layouts/<layout>.html, NULL if none */
	char *description;
	char *date;  /* as written */
	char *image; /* "image" or "cover" */
	char **tags; /* ntags strings, '#' stripped */
	size_t ntags;
	char **aliases;
	size_t naliases;
	char **cssclasses;
	size_t ncssclasses;
	enum fm_tristate publish;  /* "publish" */
	enum fm_tristate draft;    /* "draft" */
	enum fm_tristate private_; /* "private" */
};

/*
 * Splits src into frontmatter and body and parses the block. *body is a slice into src
 * (all of src when there is no block). On a YAML error returns ERR_PROTO with a message
 * like "line 3: mapping values are not allowed here" in err[errlen]; fm is then empty and
 * *body still skips the block, so the note renders without it. Keys other than the ones
 * above are ignored; a key of the wrong shape (tags: {a: 1}) is ignored too.
 * Returns 0, ERR_PROTO or ERR_NOMEM. Free with frontmatter_fini().
 */
int frontmatter_parse(struct slice src, struct frontmatter *fm, struct slice *body, char *err,
                      size_t errlen);
void frontmatter_fini(struct frontmatter *fm);

/* True unless publish: false or draft: true. */
bool frontmatter_published(const struct frontmatter *fm);

#endif
