/*
 * render_links.c: links in all their forms. Wikilinks and embeds are held back until they
 * end (their markup depends on the label and on resolution); markdown links and images are
 * resolved when they open. What resolves becomes <a class="internal">, <img> or a media
 * element; what does not becomes a greyed-out span, never a link.
 */
#include <string.h>

#include "renderer/html.h"
#include "renderer/render_int.h"
#include "renderer/slug.h"
#include "renderer/wikilink.h"
#include "shared/err.h"

/* The href used for a wikilink when there is no resolver: slug URLs, as ingestd makes them. */
static void
default_href(struct render *r, const struct render_link *l)
{
	buf_reset(&r->tmp2);
	if (l->target.len) {
		if (wikilink_media(l->target) != WIKILINK_NOTE)
			slug_asset_url(l->target, &r->tmp2);
		else
			slug_note_url(l->target, &r->tmp2);
		slug_href(buf_slice(&r->tmp2), &r->url);
	}
	if (l->frag.len && l->target.len && wikilink_media(l->target) != WIKILINK_NOTE) {
		buf_putc(&r->url, '#'); // a file's fragment is kept as written ("#page=3", "#icon")
		buf_put_slice(&r->url, l->frag);
	} else if (l->frag.len) {
		size_t last = l->frag.len; // nested "H1#H2" points at the innermost heading
		while (last > 0 && l->frag.ptr[last - 1] != '#')
			last--;
		struct slice part = {l->frag.ptr + last, l->frag.len - last};
		buf_putc(&r->url, '#');
		if (part.len && part.ptr[0] == '^') { // a block id is an id as written
			slug_href(part, &r->url);
		} else {
			buf_reset(&r->tmp2);
			slug_segment(part, &r->tmp2);
			buf_put_slice(&r->url, buf_slice(&r->tmp2));
		}
	}
}

/*
 * Resolves l into r->url. Returns 0 (r->url holds the href), ERR_NOTFOUND (render it
 * unresolved), or another error, which is also recorded in r->err. In scan mode, reports
 * the link and returns ERR_NOTFOUND, as nothing it renders is kept.
 */
static int
resolve(struct render *r, const struct render_link *l)
{
	if (r->scan_fn) {
		r->scan_fn(r->scan_arg, l);
		return ERR_NOTFOUND;
	}
	buf_reset(&r->url);
	if (!r->opts->resolve) {
		default_href(r, l);
		return r->url.err ? (r->err = r->url.err) : 0;
	}
	if (r->info)
		r->info->nlinks++;
	int rc = r->opts->resolve(r->opts->arg, l, &r->url);
	if (rc == 0 && r->url.err)
		rc = r->url.err;
	if (rc == 0)
		return 0;
	if (rc == ERR_NOMEM) {
		r->err = rc;
		return rc;
	}
	if (r->info)
		r->info->nmissing++;
	return ERR_NOTFOUND;
}

/* True for an href that points at another file of the vault rather than a URL or anchor. */
static bool
is_relative(struct slice href)
{
	if (href.len == 0 || href.ptr[0] == '#')
		return false;
	if (href.len >= 2 && href.ptr[0] == '/' && href.ptr[1] == '/')
		return false;
	return !html_has_scheme(href.ptr, href.len);
}

/* ---- transclusion --------------------------------------------------------------------------- */

/* True if the text s ends in ".md", in any case: a markdown image naming a note. */
static bool
names_note(struct slice s)
{
	return s.len > 3 && s.ptr[s.len - 3] == '.' && (s.ptr[s.len - 2] | 32) == 'm' &&
	       (s.ptr[s.len - 1] | 32) == 'd';
}

/* The main offset of the innermost open block's opening tag, or NO_BLOCK. */
static size_t
inner_block(const struct render *r)
{
	size_t at;
	if (r->blocks.len < sizeof(at))
		return NO_BLOCK;
	memcpy(&at, r->blocks.ptr + r->blocks.len - sizeof(at), sizeof(at));
	return at;
}

/* True if main holds the tag s at offset at. */
static bool
tag_at(const struct render *r, size_t at, const char *s)
{
	size_t n = strlen(s);
	return at != NO_BLOCK && at + n <= r->main->len && memcmp(r->main->ptr + at, s, n) == 0;
}

/*
 * A callout's first paragraph: the callout's markup took the place of its "<p>" (at blk),
 * and the paragraph after the title line opens after "callout-content". Returns where
 * that "<p>" is, or NO_BLOCK.
 */
static size_t
callout_p(struct render *r, size_t blk, size_t from)
{
	static const char body[] = "<div class=\"callout-content\">\n<p>";
	const size_t n = sizeof(body) - 1;
	if (blk > from || from > r->main->len || from - blk < n)
		return NO_BLOCK;
	for (size_t at = from - n + 1; at-- > blk;) {
		if (memcmp(r->main->ptr + at, body, n) == 0)
			return at + n - 3;
	}
	return NO_BLOCK;
}

/*
 * Whether the paragraph goes on after an embed that ends at end (in text): false when only
 * blanks follow up to the end of the text or to a blank line (quote markers aside).
 * Unknown (NULL) counts as going on: the paragraph is then closed and opened again, which
 * may leave an empty <p></p> but never a div inside a p.
 */
static bool
p_goes_on(const struct render *r, const uint8_t *end)
{
	if (!end || !render_in_text(r, end - 1))
		return true;
	const uint8_t *p = end, *lim = r->text + r->len;
	while (p < lim && (*p == ' ' || *p == '\t'))
		p++;
	if (p == lim || *p == '\0')
		return false;
	if (*p != '\n' && *p != '\r')
		return true;
	p += *p == '\r' && p + 1 < lim && p[1] == '\n' ? 2 : 1;
	while (p < lim && (*p == ' ' || *p == '\t' || *p == '>'))
		p++;
	if (p == lim || *p == '\0' || *p == '\n' || *p == '\r')
		return false;
	// A list item or a heading on the next line starts a block of its own.
	if ((*p == '-' || *p == '*' || *p == '+') && p + 1 < lim && (p[1] == ' ' || p[1] == '\t'))
		return false;
	if (*p == '#')
		return false;
	size_t d = 0;
	while (p + d < lim && p[d] >= '0' && p[d] <= '9')
		d++;
	return !(d && p + d + 1 < lim && (p[d] == '.' || p[d] == ')') && p[d + 1] == ' ');
}

/* Drops the end of a paragraph's content that shows nothing: blanks and line breaks. */
static size_t
trim_p_end(const struct buf *m, size_t lo, size_t hi)
{
	for (;;) {
		if (hi > lo && (m->ptr[hi - 1] == '\n' || m->ptr[hi - 1] == ' '))
			hi--;
		else if (hi >= lo + 4 && memcmp(m->ptr + hi - 4, "<br>", 4) == 0)
			hi -= 4;
		else
			return hi;
	}
}

/*
 * Transcludes the note embed l (already resolved: its href is in r->url) when it may
 * become a block here. from: the main offset where its link would start; shown: the target
 * as written; end: in text, just past the embed (NULL unknown). Returns true if the embed
 * was written (main may have been rewound to from, or to before the paragraph's tag).
 */
static bool
embed_note(struct render *r, const struct render_link *l, size_t from, struct slice shown,
           const uint8_t *end)
{
	if (!r->opts->embed || r->scan_fn || r->out != r->main || r->open_spans || r->img_depth ||
	    r->in_heading || r->mark_open || from > r->main->len)
		return false;
	size_t blk = inner_block(r);
	bool in_p = blk != NO_BLOCK && blk == r->p_at && tag_at(r, blk, "<p>");
	bool moved_p = false; // the open paragraph is not where r->p_at says (a callout's)
	if (!in_p && blk != NO_BLOCK && blk == r->p_at) {
		blk = callout_p(r, blk, from);
		in_p = moved_p = blk != NO_BLOCK;
	}
	if (!in_p && !tag_at(r, blk, "<li") && !tag_at(r, blk, "<blockquote"))
		return false; // headings, table cells: no block may go there
	if (in_p && from < blk + 3)
		return false;
	// A quote's first paragraph may still turn out to be a callout's title, unless the
	// embed opens it: then it is not one.
	if (r->co_state == CO_IN_P && in_p && trim_p_end(r->main, blk + 3, from) == blk + 3)
		r->co_state = CO_NONE;
	if (r->co_state != CO_NONE)
		return false;

	struct buf html, title;
	buf_init(&html, 0);
	buf_init(&title, 0);
	buf_reset(&r->tmp2);
	buf_put_slice(&r->tmp2, buf_slice(&r->url)); // the callback may render, reusing nothing
	int rc = r->opts->embed(r->opts->arg, l, &html, &title);
	if (rc == 0 && (html.err || title.err || r->tmp2.err))
		rc = ERR_NOMEM;
	if (rc != 0) {
		if (rc != ERR_NOTFOUND)
			r->err = rc;
		buf_fini(&html);
		buf_fini(&title);
		return rc != ERR_NOTFOUND;
	}

	struct buf *m = r->main;
	if (moved_p) {
		r->p_at = blk;
		memcpy(r->blocks.ptr + r->blocks.len - sizeof(blk), &blk, sizeof(blk));
	}
	if (in_p) {
		size_t keep = trim_p_end(m, blk + 3, from);
		if (keep == blk + 3) {
			m->len = blk; // nothing before it: the div replaces the paragraph
		} else {
			m->len = keep;
			render_put(r, "</p>\n");
		}
	} else {
		m->len = from;
	}
	render_cr(r);
	render_put(r, "<div class=\"markdown-embed\" data-embed=\"");
	html_escape(m, shown.ptr, shown.len);
	render_put(r, "\">\n<a class=\"markdown-embed-link\" href=\"");
	html_url(m, r->tmp2.ptr, r->tmp2.len);
	render_put(r, "\">");
	html_escape(m, title.ptr, title.len);
	render_put(r, "</a>\n");
	buf_put_slice(m, buf_slice(&html));
	render_cr(r);
	render_put(r, "</div>");
	buf_fini(&html);
	buf_fini(&title);
	if (!in_p)
		return true;
	if (p_goes_on(r, end)) {
		render_put(r, "\n");
		r->p_at = m->len; // the paragraph goes on in a new <p>: it is the open block now
		if (r->blocks.len >= sizeof(r->p_at))
			memcpy(r->blocks.ptr + r->blocks.len - sizeof(r->p_at), &r->p_at,
			       sizeof(r->p_at));
		render_put(r, "<p>");
		r->p_reopened = true;
	} else {
		r->skip_p_close = true;
	}
	return true;
}

bool
render_links_drop_empty_p(struct render *r)
{
	if (!r->p_reopened)
		return false;
	r->p_reopened = false;
	struct buf *m = r->main;
	if (r->out != m || r->p_at + 3 > m->len || !tag_at(r, r->p_at, "<p>") ||
	    trim_p_end(m, r->p_at + 3, m->len) != r->p_at + 3)
		return false;
	m->len = r->p_at; // what followed the embed on its line showed nothing (an unknown end)
	while (m->len && m->ptr[m->len - 1] == '\n')
		m->len--;
	return true;
}

static void
put_title(struct render *r, const MD_ATTRIBUTE *title)
{
	if (!title->size)
		return;
	buf_reset(&r->tmp);
	render_attr(r, title, &r->tmp);
	render_put(r, " title=\"");
	html_escape(r->out, r->tmp.ptr, r->tmp.len);
	render_put(r, "\"");
}

void
render_links_a(struct render *r, const MD_SPAN_A_DETAIL *d)
{
	enum span_close close = CLOSE_A;
	buf_reset(&r->tmp);
	render_attr(r, &d->href, &r->tmp);
	struct slice href = buf_slice(&r->tmp);
	if (is_relative(href) && (r->opts->resolve || r->scan_fn)) {
		buf_reset(&r->tmp2);
		html_percent_decode(&r->tmp2, href.ptr, href.len);
		struct render_link l = {.kind = RENDER_LINK_MD};
		wikilink_split(buf_slice(&r->tmp2), &l.target, &l.frag);
		if (resolve(r, &l) == 0) {
			render_put(r, "<a class=\"internal\" href=\"");
			html_url(r->out, r->url.ptr, r->url.len);
			render_put(r, "\"");
			put_title(r, &d->title);
			render_put(r, ">");
		} else {
			render_put(r, UNRESOLVED_OPEN);
			close = CLOSE_SPAN;
		}
	} else {
		bool external = html_has_scheme(href.ptr, href.len) ||
		                (href.len >= 2 && href.ptr[0] == '/' && href.ptr[1] == '/');
		render_put(r, "<a href=\"");
		html_url(r->out, href.ptr, href.len);
		render_put(r, "\"");
		put_title(r, &d->title); // reuses tmp: href is done with
		if (external)
			render_put(r, " rel=\"noopener\"");
		render_put(r, ">");
	}
	buf_putc(&r->spans, (char)close);
}

/* "height=N" among a PDF fragment's "&"-separated parameters, or 0. */
static unsigned
pdf_height(struct slice frag)
{
	for (size_t i = 0; i < frag.len;) {
		size_t e = i;
		while (e < frag.len && frag.ptr[e] != '&')
			e++;
		if (e - i > 7 && memcmp(frag.ptr + i, "height=", 7) == 0) {
			unsigned h = 0;
			size_t k = i + 7;
			while (k < e && k - i < 12 && frag.ptr[k] >= '0' && frag.ptr[k] <= '9')
				h = h * 10 + (unsigned)(frag.ptr[k++] - '0');
			if (k == e)
				return h;
		}
		i = e + 1;
	}
	return 0;
}

/* Writes audio, video or a PDF at r->url; a PDF's height comes from frag. */
static void
emit_player(struct render *r, enum wikilink_media media, struct slice frag)
{
	if (media == WIKILINK_PDF) {
		render_put(r, "<iframe class=\"pdf-embed\" src=\"");
		html_url(r->out, r->url.ptr, r->url.len);
		render_put(r, "\"");
		unsigned h = pdf_height(frag);
		if (h)
			buf_printf(r->out, " style=\"height:%upx\"", h);
		render_put(r, " loading=\"lazy\"></iframe>");
		return;
	}
	render_put(r,
	           media == WIKILINK_AUDIO ? "<audio controls src=\"" : "<video controls src=\"");
	html_url(r->out, r->url.ptr, r->url.len);
	render_put(r, media == WIKILINK_AUDIO ? "\"></audio>" : "\"></video>");
}

/*
 * A markdown image. One to a vault file works like an embed: by its extension an image,
 * audio, video or a PDF, and a note (with a resolver) an embed link showing the alt text.
 */
void
render_links_img(struct render *r, const MD_SPAN_IMG_DETAIL *d)
{
	enum span_close close = CLOSE_IMG;
	buf_reset(&r->tmp);
	render_attr(r, &d->src, &r->tmp);
	struct slice src = buf_slice(&r->tmp);
	struct render_link l = {.kind = RENDER_LINK_IMAGE};
	enum wikilink_media media = WIKILINK_IMAGE;
	bool resolving = r->opts->resolve || r->scan_fn;
	int rc = 0;
	buf_reset(&r->url);
	if (is_relative(src)) {
		buf_reset(&r->tmp2);
		html_percent_decode(&r->tmp2, src.ptr, src.len);
		wikilink_split(buf_slice(&r->tmp2), &l.target, &l.frag);
		media = wikilink_media(l.target);
		if (media == WIKILINK_NOTE && !resolving)
			media = WIKILINK_IMAGE; // without a vault, it is a URL like any other
		// "![](Note.md)" embeds a note (links table: embed=1); other files stay links
		l.embed = media == WIKILINK_NOTE && names_note(l.target);
		buf_reset(&r->img_target);
		buf_put_slice(&r->img_target, l.target);
		if (resolving)
			rc = resolve(r, &l);
		else
			buf_put_slice(&r->url, src);
	} else {
		buf_put_slice(&r->url, src);
	}
	if (rc != 0) {
		render_put(r, UNRESOLVED_OPEN);
		r->img_at = r->out->len;
		close = CLOSE_SPAN;
	} else if (media == WIKILINK_IMAGE) {
		render_put(r, "<img src=\"");
		html_url(r->out, r->url.ptr, r->url.len);
		render_put(r, "\" alt=\"");
	} else if (media == WIKILINK_NOTE) {
		if (r->opts->embed && l.embed) {
			// "![](Other%20Note.md)": a note embed, decided when the image ends
			r->embed_img = true;
			r->embed_at = r->out->len;
			r->embed_end = NULL;
			if (render_in_text(r, (const uint8_t *)d->src.text)) {
				const uint8_t *e = (const uint8_t *)d->src.text + d->src.size;
				const uint8_t *lim = r->text + r->len;
				while (e < lim && *e != ')' && *e != '\n')
					e++;
				r->embed_end = e < lim && *e == ')' ? e + 1 : NULL;
			}
		}
		render_put(r, "<a class=\"internal embed\" href=\"");
		html_url(r->out, r->url.ptr, r->url.len);
		render_put(r, "\">");
		r->img_at = r->out->len;
		close = CLOSE_A;
	} else {
		emit_player(r, media, l.frag);
		r->img_saved = r->out;
		r->out = &r->sink;
		close = CLOSE_MEDIA;
	}
	buf_putc(&r->spans, (char)close);
}

void
render_links_img_end(struct render *r, const MD_SPAN_IMG_DETAIL *d, enum span_close close)
{
	if (close == CLOSE_A && r->embed_img) {
		r->embed_img = false;
		buf_reset(&r->tmp);
		render_attr(r, &d->src, &r->tmp);
		buf_reset(&r->img_target);
		html_percent_decode(&r->img_target, r->tmp.ptr, r->tmp.len);
		struct render_link l = {.kind = RENDER_LINK_IMAGE, .embed = true};
		wikilink_split(buf_slice(&r->img_target), &l.target, &l.frag);
		if (r->err ||
		    !embed_note(r, &l, r->embed_at, buf_slice(&r->img_target), r->embed_end)) {
			if (r->out->len && r->out->ptr[r->out->len - 1] == '>')
				html_escape(r->out, l.target.ptr, l.target.len);
			render_put(r, "</a>");
		}
		return;
	}
	if (close == CLOSE_IMG) {
		render_put(r, "\"");
		put_title(r, &d->title);
		render_put(r, ">");
	} else if (close == CLOSE_SPAN || close == CLOSE_A) {
		if (r->out->len == r->img_at) // no alt text: show the file name instead
			html_escape(r->out, r->img_target.ptr, r->img_target.len);
		render_put(r, close == CLOSE_A ? "</a>" : "</span>");
	} else if (close == CLOSE_MEDIA) {
		r->out = r->img_saved;
	}
}

void
render_links_wiki(struct render *r, const MD_SPAN_WIKILINK_DETAIL *d)
{
	const uint8_t *t = (const uint8_t *)d->target.text;
	bool embed = false;
	if (r->bang) {
		// The stand-in must sit right before this link's "[[" (when the target is in the
		// text).
		embed = !render_in_text(r, t) || t == r->bang_at + 3;
		if (!embed)
			render_flush_bang(r);
		r->bang = false;
	}
	if (r->img_depth || r->in_wiki) {
		r->wiki_ignored++;
		return;
	}
	r->in_wiki = true;
	r->wiki_embed = embed;
	r->wiki_end = NULL;
	if (render_in_text(r, t)) {
		const uint8_t *from = t + d->target.size, *lim = r->text + r->len;
		const uint8_t *close =
		        from < lim ? memmem(from, (size_t)(lim - from), "]]", 2) : NULL;
		r->wiki_end = close ? close + 2 : NULL;
	}
	r->wiki_label = -1;
	if (render_in_text(r, t) && t + d->target.size < r->text + r->len)
		r->wiki_label = t[d->target.size] == '|';
	buf_reset(&r->w_target);
	render_attr(r, &d->target, &r->w_target);
	buf_reset(&r->w_html);
	buf_reset(&r->w_text);
	r->w_saved = r->out;
	r->out = &r->w_html;
}

static void
emit_media(struct render *r, enum wikilink_media media, const struct render_link *l,
           struct slice label)
{
	if (media == WIKILINK_IMAGE) {
		struct slice alt;
		unsigned w, h;
		wikilink_size(label, &alt, &w, &h);
		if (!alt.len) { // the file name, as Obsidian does
			alt = l->target;
			for (size_t i = l->target.len; i > 0; i--) {
				if (l->target.ptr[i - 1] == '/') {
					alt = (struct slice){l->target.ptr + i, l->target.len - i};
					break;
				}
			}
		}
		render_put(r, "<img src=\"");
		html_url(r->out, r->url.ptr, r->url.len);
		render_put(r, "\" alt=\"");
		html_escape(r->out, alt.ptr, alt.len);
		render_put(r, "\"");
		if (w)
			buf_printf(r->out, " width=\"%u\"", w);
		if (h)
			buf_printf(r->out, " height=\"%u\"", h);
		if (w &&
		    h) // themes scale images (height:auto): keep the asked shape, as Obsidian does
			buf_printf(r->out, " style=\"aspect-ratio:%u/%u\"", w, h);
		render_put(r, ">");
		return;
	}
	emit_player(r, media, l->frag);
}

void
render_links_wiki_end(struct render *r)
{
	if (r->wiki_ignored) {
		r->wiki_ignored--;
		return;
	}
	if (!r->in_wiki) // md4c closed a wikilink it never opened (it happens on broken input)
		return;
	r->out = r->w_saved;
	r->in_wiki = false;

	struct slice raw = buf_slice(&r->w_target), label = {0};
	bool has_label = r->wiki_label == 1, label_is_html = has_label;
	const uint8_t *bar = raw.len ? memchr(raw.ptr, '|', raw.len) : NULL;
	if (bar) { // in a table cell "[[Note\|text]]" arrives as the target "Note|text"
		label = (struct slice){bar + 1, raw.len - (size_t)(bar + 1 - raw.ptr)};
		raw.len = (size_t)(bar - raw.ptr);
		has_label = true;
		label_is_html = false;
	} else if (has_label || (r->wiki_label < 0 && !slice_eq(buf_slice(&r->w_text), raw))) {
		label = buf_slice(&r->w_text);
		has_label = label_is_html = true;
	}
	raw = wikilink_trim(raw);
	struct render_link l = {.kind = RENDER_LINK_WIKI, .embed = r->wiki_embed};
	wikilink_split(raw, &l.target, &l.frag);
	l.target = wikilink_trim(l.target);
	if (has_label)
		l.text = label;
	int rc = resolve(r, &l);
	if (r->err)
		return;

	enum wikilink_media media = r->wiki_embed ? wikilink_media(l.target) : WIKILINK_NOTE;
	if (rc == 0 && media != WIKILINK_NOTE) {
		emit_media(r, media, &l, has_label ? label : (struct slice){0});
		return;
	}
	if (rc == 0 && r->wiki_embed && media == WIKILINK_NOTE && !r->in_heading &&
	    embed_note(r, &l, r->out->len, raw, r->wiki_end))
		return;
	if (r->err)
		return;
	if (rc == 0) {
		render_put(r, r->wiki_embed ? "<a class=\"internal embed\" href=\""
		                            : "<a class=\"internal\" href=\"");
		html_url(r->out, r->url.ptr, r->url.len);
		render_put(r, "\">");
	} else {
		render_put(r, UNRESOLVED_OPEN);
	}
	if (!has_label || media != WIKILINK_NOTE)
		wikilink_display(raw, true, r->out);
	else if (label_is_html)
		buf_put_slice(r->out, buf_slice(&r->w_html));
	else
		html_escape(r->out, label.ptr, label.len);
	render_put(r, rc == 0 ? "</a>" : "</span>");
	if (r->in_heading && !r->wiki_embed) {
		if (has_label)
			buf_put_slice(&r->h_text, label);
		else
			wikilink_display(raw, false, &r->h_text);
	}
}
