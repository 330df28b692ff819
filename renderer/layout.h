/*
 * layout.h: the default page layout around a rendered note, and the theme's CSS.
 * Pure: values in, HTML out. Every value is escaped here; html fields are trusted HTML.
 *
 * The page reads fine without JavaScript. With it, the theme script (themejs.h) adds the
 * light/dark toggle, fills the sidebar from the site's nav fragment and renders math and
 * diagrams with the vendor scripts, which are linked only by pages that need them.
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

/* A <link rel="icon">: the vault's favicon.ico, favicon.svg or favicon-*.png, or folio's. */
struct layout_icon {
	const char *url;   /* href */
	const char *type;  /* MIME type or NULL */
	const char *sizes; /* "32x32", "any" or NULL */
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
	/* Site chrome, the same on every page (ingestd: build_layout_site); zero values leave
	 * each part out. */
	const char *theme_js;    /* theme script (<script defer>); with it, the theme toggle */
	const char *nav_url;     /* nav tree fragment the sidebar loads; NULL: no sidebar */
	const char *publish_css; /* the vault's publish.css, linked after the theme's */
	const char *publish_js;  /* the vault's publish.js (<script defer>, last) */
	const struct layout_icon *icons;
	size_t nicons;
	const char *katex_css; /* linked only when content holds math (class="math ...") */
	const char *katex_js;
	const char *mermaid_js; /* linked only when content holds <pre class="mermaid"> */
	bool no_toc;            /* no table of contents (list pages) */
	const char *const
	        *tag_urls; /* hrefs of the tag pages, parallel to tags; NULL: plain tags */
};

/* One heading of a rendered fragment, for the table of contents. */
struct layout_heading {
	int level;          /* 2..4 */
	struct slice id;    /* the id attribute's value, as it is in the HTML */
	struct slice inner; /* the heading's inner HTML (tags are dropped when shown) */
};

/* The levels the table of contents lists, and the fewest headings that give one. */
#define LAYOUT_TOC_MIN_LEVEL 2
#define LAYOUT_TOC_MAX_LEVEL 4
#define LAYOUT_TOC_MIN_ITEMS 2

/*
 * Scans rendered HTML for <h2>..<h4> headings that have an id (the renderer gives every
 * heading with text one), skipping transcluded notes (<div class="markdown-embed">).
 * Stores at most max of them in out (slices into html) and returns how many there are.
 */
size_t layout_headings(struct slice html, struct layout_heading *out, size_t max);

/*
 * Writes the text of the first non-empty paragraph of rendered HTML to out (size max,
 * NUL-terminated), tags dropped, whitespace collapsed, still HTML-escaped as the fragment
 * is, cut at a word with an ellipsis when longer: the meta description of a note without
 * one. Returns its length (0: no paragraph text).
 */
#define LAYOUT_EXCERPT_MAX 200
size_t layout_excerpt(struct slice html, char *out, size_t max);

/* True when rendered HTML holds math (the renderer's class="math ...") or a mermaid block. */
bool layout_has_math(struct slice html);
bool layout_has_mermaid(struct slice html);

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

/*
 * The 404 page with the chrome of p (stylesheet, scripts, icons, sidebar, toggle); p's
 * note fields (title, content, backlinks, ...) are ignored. Returns 0 or out->err.
 */
int layout_not_found_page(const struct layout_page *p, struct buf *out);

/* The theme stylesheet, served at a content-hashed URL. Static storage: never freed. */
struct slice layout_css(void);

#endif
