/*
 * template.h: vault layouts (`_layouts/NAME.html`) in a small template language. Pure: source
 * in, compiled form out; compiled form plus a page in, HTML out.
 *
 *   {{ page.title }}            a value, HTML-escaped (URL values percent-encoded too)
 *   {{ page.content }}          HTML-valued fields go in as they are (they are HTML already)
 *   {{ page.title | raw }}      any value unescaped
 *   {% if x %}..{% else %}..{% endif %}     x: a value (non-empty) or a list (not empty);
 *                                           "not x" negates
 *   {% for t in page.tags %}..{% endfor %}  t.name, t.url (tags), t.title, t.url (backlinks),
 *                                           t.name (cssclasses); nesting up to 8 deep
 *   {# a comment #}
 *
 * Values: site.title, site.base_url, page.title, page.url, page.description, page.date,
 * page.css_url, page.image, page.canonical, page.home_url, page.live_url, page.lang;
 * HTML: page.content, page.backlinks_html (a <ul> of links, empty without backlinks),
 * page.tags_html (tag links); lists: page.tags, page.backlinks, page.cssclasses. An unknown
 * variable, filter or tag is a compile error, so a typo is caught when the layout is pushed, not on
 * the page.
 *
 * The compiled form is a flat array of ops with jump targets; rendering walks it with a
 * fixed loop stack and writes only into the caller's buffer.
 */
#ifndef RENDERER_TEMPLATE_H
#define RENDERER_TEMPLATE_H

#include <stddef.h>

#include "renderer/layout.h"
#include "shared/buf.h"

struct template;

/* What a template renders: the page the default layout would show, plus two URLs. */
struct template_data {
	const struct layout_page *page;
	const char *page_url; /* the page's URL path ("/folder/note"), may be NULL */
	const char *base_url; /* the site's base_url setting, may be NULL */
};

/*
 * Compiles src (the file's bytes; name is its vault path, used in messages). On a mistake
 * returns ERR_PROTO with "name:line: what" in err[errlen] (unclosed {% if %}, unknown
 * variable page.titel, ...). Returns 0 with *out set (free with template_free), ERR_PROTO,
 * or ERR_NOMEM.
 */
int template_compile(const char *name, struct slice src, struct template **out, char *err,
                     size_t errlen);
void template_free(struct template *t); /* NULL is a no-op */

/* Number of ops in the compiled form (for tests and logs). */
size_t template_ops(const struct template *t);

/*
 * Appends the page to out. Returns 0, ERR_TOOBIG when the output would pass max_out bytes
 * (out is then cut back to its length at the call), or out->err. Allocates nothing but
 * out's growth.
 */
int template_render(const struct template *t, const struct template_data *d, struct buf *out,
                    size_t max_out);

#endif
