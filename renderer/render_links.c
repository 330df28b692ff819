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
