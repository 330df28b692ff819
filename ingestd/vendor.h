/*
 * vendor.h: the browser libraries folio serves from the site itself, never from a CDN:
 * KaTeX (its CSS, its script and the fonts the CSS names relatively) from katex_dir, and
 * Mermaid from the file mermaid_js. They are read once at start-up and stored as immutable
 * records under content-hashed URLs:
 *
 *   /_folio/vendor/katex.<12 hex>/katex.min.css, katex.min.js, fonts/<name>
 *   /_folio/vendor/mermaid.<12 hex>.min.js
 *
 * (the hash covers every file of the library, so the CSS keeps finding its fonts). A
 * library that is missing is simply off: pages keep their TeX and diagram sources.
 */
#ifndef INGESTD_VENDOR_H
#define INGESTD_VENDOR_H

#include <stddef.h>

#include "shared/buf.h"

struct vendor;

/* One file to serve. */
struct vendor_file {
	char *url;
	const char *type; /* Content-Type */
	struct slice body;
};

/*
 * Reads the libraries (either path may be NULL or empty: that one is off) and logs once
 * what is served or why not. Never NULL (allocation failure aborts). Blocks on file I/O.
 * Free with vendor_free.
 */
struct vendor *vendor_load(const char *katex_dir, const char *mermaid_js);
void vendor_free(struct vendor *v); /* NULL is a no-op */

/* URLs the layout links, or NULL when the library is off. Valid until vendor_free. */
const char *vendor_katex_css(const struct vendor *v);
const char *vendor_katex_js(const struct vendor *v);
const char *vendor_mermaid_js(const struct vendor *v);

/* The files, in a fixed order (for the store's special pages), and one by URL or NULL. */
size_t vendor_count(const struct vendor *v);
const struct vendor_file *vendor_at(const struct vendor *v, size_t i);
const struct vendor_file *vendor_get(const struct vendor *v, const char *url);

#endif
