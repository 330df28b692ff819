/*
 * layout.h: the default page layout around a rendered note, and the theme's CSS.
 * Pure: values in, HTML out. Every value is escaped here; html fields are trusted HTML.
 */
#ifndef RENDERER_LAYOUT_H
#define RENDERER_LAYOUT_H

#include <stddef.h>

#include <stdbool.h>

#include "shared/buf.h"

struct layout_link {
	const char *title;
	const char *url; /* already an href */
};

struct layout_page {
	const char *site_title;
	const char *title;       /* the note's title */
	const char *description; /* may be NULL */
	const char *canonical;   /* absolute URL or NULL */
	const char *css_url;     /* href of the theme stylesheet */
	const char *home_url;    /* "/" */
	struct slice content;    /* rendered note HTML */
	const struct layout_link *backlinks;
	size_t nbacklinks;
	const char *const *tags; /* shown under the title */
	size_t ntags;
	const char *date;
	bool show_title; /* false when the note already opens with the same H1 */
	/* Optional additions; zero values are fine. */
	const char *image;             /* og:image URL (frontmatter image/cover), or NULL */
	const char *lang;              /* <html lang>, NULL for "en" */
	const char *const *cssclasses; /* frontmatter cssclasses, added to the article */
	size_t ncssclasses;
	const char *live_url; /* live-reload script (<script defer>), or NULL for none */
};

/*
 * Appends a complete HTML5 document. NULL strings are treated as absent (a NULL title shows
 * the site title; a NULL css_url links no stylesheet). Returns 0 or out->err.
 */
int layout_page(const struct layout_page *p, struct buf *out);

/* Appends the 404 page for a site (used when the vault has no 404 note). Returns 0 or out->err. */
int layout_not_found(const char *site_title, const char *css_url, const char *home_url,
                     struct buf *out);
/* The same, linking the live-reload script at live_url (NULL for none). */
int layout_not_found_live(const char *site_title, const char *css_url, const char *live_url,
                          const char *home_url, struct buf *out);

/* The theme stylesheet, served at a content-hashed URL. Static storage: never freed. */
struct slice layout_css(void);

#endif
