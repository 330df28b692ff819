/*
 * render_footnote.c: footnote references and the list of footnotes at the end of a note.
 * Footnotes are numbered in the order of their first reference; each is rendered once,
 * after the note, by parsing its body with the note's own state (so its links go through
 * the resolver and its headings share the note's ids). Ids come from the note's id set:
 * "fn-N" and "fnref-N" are reserved before the note renders, so a heading never takes them.
 */
#include <stdlib.h>
#include <string.h>

#include "renderer/footnote.h"
#include "renderer/html.h"
#include "renderer/render_int.h"
#include "shared/err.h"

/* Appends to f->ids an unused id built from "<prefix><num>" (and "-<k>" when k > 1). */
static int
new_id(struct render *r, const char *prefix, unsigned num, unsigned k, size_t *off, size_t *len)
{
	struct footnotes *f = &r->fn;
	buf_reset(&r->tmp2);
	buf_printf(&r->tmp2, "%s%u", prefix, num);
	if (k > 1)
		buf_printf(&r->tmp2, "-%u", k);
	if (r->tmp2.err)
		return r->tmp2.err;
	*off = f->ids.len;
	if (k == 1 && num <= r->fn_reserved) // reserved before the note rendered: it is ours
		buf_put_slice(&f->ids, buf_slice(&r->tmp2));
	else {
		int rc = idset_unique(&r->ids, buf_slice(&r->tmp2), &f->ids);
		if (rc < 0)
			return rc;
	}
	*len = f->ids.len - *off;
	return f->ids.err;
}

int
render_footnote_reserve(struct render *r)
{
	r->fn_reserved = (unsigned)r->fn.n;
	for (unsigned i = 1; i <= r->fn_reserved; i++) {
		static const char *const prefixes[] = {"fn-", "fnref-"};
		for (size_t p = 0; p < 2; p++) {
			buf_reset(&r->tmp2);
			buf_reset(&r->tmp);
			buf_printf(&r->tmp2, "%s%u", prefixes[p], i);
			int rc = r->tmp2.err ? r->tmp2.err
			                     : idset_unique(&r->ids, buf_slice(&r->tmp2), &r->tmp);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static void
put_id(struct render *r, size_t off, size_t len)
{
	html_escape(r->out, r->fn.ids.ptr + off, len);
}

/* True inside a link's text (a markdown link or a wikilink's label). */
static bool
in_link(const struct render *r)
{
	if (r->in_wiki)
		return true;
	for (size_t i = 0; i < r->spans.len; i++)
		if (r->spans.ptr[i] == CLOSE_A)
			return true;
	return false;
}

void
render_footnote_ref(struct render *r, const struct footnote_tok *t)
{
	struct footnotes *f = &r->fn;
	render_flush_bang(r);
	if (r->img_depth) { // alt text: the reference as written
		render_put_text(r, r->orig + t->off, t->len);
		return;
	}
	struct footnote *d = &f->fn[t->fn];
	int rc = 0;
	if (!d->num) {
		if (f->norder == f->order_cap) {
			size_t cap = f->order_cap ? f->order_cap * 2 : 16;
			size_t *o = realloc(f->order, cap * sizeof(*o));
			if (!o) {
				r->err = ERR_NOMEM;
				return;
			}
			f->order = o;
			f->order_cap = cap;
		}
		f->order[f->norder++] = t->fn;
		d->num = (unsigned)f->norder;
		rc = new_id(r, "fn-", d->num, 1, &d->id_off, &d->id_len);
	}
	if (rc == 0 && f->nrefs == f->refs_cap) {
		size_t cap = f->refs_cap ? f->refs_cap * 2 : 16;
		struct footnote_ref *v = realloc(f->refs, cap * sizeof(*v));
		if (!v)
			rc = ERR_NOMEM;
		else {
			f->refs = v;
			f->refs_cap = cap;
		}
	}
	if (rc < 0) {
		r->err = rc;
		return;
	}
	struct footnote_ref *ref = &f->refs[f->nrefs];
	*ref = (struct footnote_ref){.next = FOOTNOTE_NONE};
	rc = new_id(r, "fnref-", d->num, ++d->nrefs, &ref->id_off, &ref->id_len);
	if (rc < 0) {
		r->err = rc;
		return;
	}
	if (d->refs_tail == FOOTNOTE_NONE)
		d->refs_head = f->nrefs;
	else
		f->refs[d->refs_tail].next = f->nrefs;
	d->refs_tail = f->nrefs++;

	if (in_link(r)) { // a link cannot hold another: the number alone, still a target
		render_put(r, "<sup class=\"footnote-ref\" id=\"");
		put_id(r, ref->id_off, ref->id_len);
		buf_printf(r->out, "\">%u</sup>", d->num);
		return;
	}
	render_put(r, "<sup class=\"footnote-ref\"><a href=\"#");
	put_id(r, d->id_off, d->id_len);
	render_put(r, "\" id=\"");
	put_id(r, ref->id_off, ref->id_len);
	buf_printf(r->out, "\">%u</a></sup>", d->num);
}

/* Writes the links back to each reference of footnote fi, after a space if space is set. */
static void
put_backrefs(struct render *r, size_t fi, bool space)
{
	struct footnotes *f = &r->fn;
	for (size_t k = f->fn[fi].refs_head; k != FOOTNOTE_NONE; k = f->refs[k].next) {
		render_put(r, space ? " <a href=\"#" : "<a href=\"#");
		space = true;
		put_id(r, f->refs[k].id_off, f->refs[k].id_len);
		render_put(r, "\" class=\"footnote-backref\">\xE2\x86\xA9</a>");
	}
}

/* Where a footnote's links back go, once every reference is known. */
struct backref_at {
	size_t fi;
	size_t at; /* output offset: before the closing "</p>" of its last paragraph, or at its end
	            */
	bool in_p;
};

/*
 * Inserts the links back at each recorded place. A footnote can be referenced from one
 * listed after it, so they are written last: the section is copied aside once and put back
 * around them, which keeps this linear.
 */
static int
put_all_backrefs(struct render *r, size_t start, const struct buf *places)
{
	struct buf *o = r->out;
	if (o == &r->sink || places->err)
		return places->err;
	struct buf tail;
	buf_init(&tail, 0);
	buf_put(&tail, o->ptr + start, o->len - start);
	if (tail.err) {
		buf_fini(&tail);
		return tail.err;
	}
	o->len = start;
	size_t from = 0, n = places->len / sizeof(struct backref_at);
	for (size_t i = 0; i < n; i++) {
		struct backref_at p;
		memcpy(&p, places->ptr + i * sizeof(p), sizeof(p));
		buf_put(o, tail.ptr + from, p.at - start - from);
		from = p.at - start;
		put_backrefs(r, p.fi, p.in_p);
		if (!p.in_p)
			render_put(r, "\n");
	}
	buf_put(o, tail.ptr + from, tail.len - from);
	buf_fini(&tail);
	return 0;
}

int
render_footnote_section(struct render *r)
{
	struct footnotes *f = &r->fn;
	if (!f->norder)
		return 0;
	render_cr(r);
	size_t start = r->out->len;
	render_put(r, "<section class=\"footnotes\">\n<ol>\n");
	r->in_footnotes = true;
	struct buf places;
	buf_init(&places, 0);
	int rc = 0;
	// Bodies may reference footnotes not seen yet: they join the end of the list.
	for (size_t k = 0; k < f->norder; k++) {
		size_t fi = f->order[k];
		render_put(r, "<li id=\"");
		put_id(r, f->fn[fi].id_off, f->fn[fi].id_len);
		render_put(r, "\">\n");
		size_t len = f->fn[fi].body_len;
		uint8_t *copy = calloc(1, len + RENDER_PAD);
		if (!copy) {
			rc = ERR_NOMEM;
			break;
		}
		if (len)
			memcpy(copy, f->bodies.ptr + f->fn[fi].body_off, len);
		size_t at = r->out->len;
		rc = render_parse(r, copy, len, f->fn[fi].depth);
		free(copy);
		if (rc < 0)
			break;
		struct buf *o = r->out;
		struct backref_at p = {.fi = fi, .at = o->len};
		p.in_p = o->len >= at + 5 && memcmp(o->ptr + o->len - 5, "</p>\n", 5) == 0;
		if (p.in_p)
			p.at -= 5;
		buf_put(&places, &p, sizeof(p));
		render_put(r, "</li>\n");
	}
	if (rc == 0) {
		render_put(r, "</ol>\n</section>\n");
		rc = put_all_backrefs(r, start, &places);
	}
	buf_fini(&places);
	return rc; // a full output buffer is left to the caller's status()
}
