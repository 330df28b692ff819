/*
 * render.c: markdown to HTML on md4c's parser callbacks, in the CommonMark reference
 * renderer's output shape (same tags and newlines), plus Obsidian's links, embeds, callouts,
 * heading ids and line breaks. Output streams into the caller's buf; only headings (which
 * need their text for the id), wikilinks (whose markup depends on resolution) and a
 * blockquote's first line (which may turn out to open a callout) are held back.
 *
 * md4c parses a copy of the note: with "%%comments%%" cut out, NUL padding at the end, and
 * embed stand-ins. md4c 0.4.8 reads "![[" as an image opener followed by "[", so "![[x]]"
 * would never reach us as a wikilink; in the copy each such '!' is EMBED_MARK instead (inert
 * punctuation), its offset noted in render.stands. Text md4c hands back has its stand-ins
 * turned into '!' again, so they are never written out. A text run that ends in a stand-in,
 * followed at once by a wikilink, is an embed.
 */
#include "renderer/render.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "renderer/callout.h"
#include "renderer/comment.h"
#include "renderer/footnote.h"
#include "renderer/html.h"
#include "renderer/math.h"
#include "renderer/obsidian.h"
#include "renderer/render_int.h"
#include "renderer/slug.h"
#include "renderer/wikilink.h"
#include "shared/err.h"

/* ---- reading and writing text ----------------------------------------------------------- */

/* True if p (in text) is an embed stand-in rather than a '{' the note has. */
bool
render_is_stand(const struct render *r, const uint8_t *p)
{
	size_t off = (size_t)(p - r->text), lo = 0, hi = r->nstands;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->stands[mid] == off)
			return true;
		if (r->stands[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/*
 * The bytes md4c handed us at p[0..n), as they are to be shown: embed stand-ins turn back
 * into '!' and footnote marks into the reference as written, read from r->orig at the same
 * offset. Returns p itself when it is not in the text.
 */
const uint8_t *
render_src(struct render *r, const void *ptr, size_t n)
{
	const uint8_t *p = ptr;
	if (!n || !render_in_text(r, p))
		return p;
	return r->orig + (p - r->text);
}

/*
 * Text content: escaped into the output, and into the plain text of an open link or heading
 * (a wikilink adds what it displays to its heading when it ends).
 */
void
render_put_text(struct render *r, const uint8_t *p, size_t n)
{
	html_escape(r->out, p, n);
	if (r->in_wiki)
		buf_put(&r->w_text, p, n);
	else if (r->in_heading)
		buf_put(&r->h_text, p, n);
}

/*
 * Appends an md4c attribute (href, title, info string) decoded: entities resolved. md4c
 * copies an attribute that has backslash escapes, and a copy cannot be mapped back to the
 * text as written: there an embed stand-in is recognised by the "[[" after it.
 */
void
render_attr(struct render *r, const MD_ATTRIBUTE *a, struct buf *dst)
{
	if (!a->size)
		return;
	size_t from = dst->len;
	bool copied = !render_in_text(r, (const uint8_t *)a->text);
	for (unsigned i = 0; a->substr_offsets[i] < a->size; i++) {
		size_t n = a->substr_offsets[i + 1] - a->substr_offsets[i];
		const uint8_t *s = render_src(r, a->text + a->substr_offsets[i], n);
		if (a->substr_types[i] == MD_TEXT_NULLCHAR)
			html_put_utf8(dst, 0xFFFD);
		else if (a->substr_types[i] != MD_TEXT_ENTITY || !html_entity_decode(dst, s, n))
			buf_put(dst, s, n);
	}
	for (size_t i = from; copied && !dst->err && i + 2 < dst->len; i++)
		if (dst->ptr[i] == EMBED_MARK && dst->ptr[i + 1] == '[' && dst->ptr[i + 2] == '[')
			dst->ptr[i] = '!';
}

void
render_flush_bang(struct render *r)
{
	if (!r->bang)
		return;
	r->bang = false;
	render_put_text(r, (const uint8_t *)"!", 1);
}

static void
flush_task(struct render *r)
{
	if (!r->task)
		return;
	render_put(r, r->task == 2 ? "<input type=\"checkbox\" disabled checked>"
	                           : "<input type=\"checkbox\" disabled>");
	r->task = 0;
}

/* 0 to go on, or non-zero (stopping md4c) once any buffer has failed. */
static int
status(struct render *r)
{
	if (r->err)
		return 1;
	const struct buf *bufs[] = {r->main,        &r->h_html,   &r->h_text, &r->w_html,
	                            &r->w_text,     &r->w_target, &r->m_html, &r->m_text,
	                            &r->img_target, &r->spans,    &r->quotes, &r->blocks,
	                            &r->src,        &r->url,      &r->tmp,    &r->tmp2};
	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++) {
		if (bufs[i] != &r->sink && bufs[i]->err) {
			r->err = bufs[i]->err;
			return 1;
		}
	}
	return 0;
}

/* ---- callouts --------------------------------------------------------------------------- */

/*
 * The first line of a blockquote's first paragraph is complete: if it is a callout marker,
 * rewrite the quote's opening as a callout. at_end: the paragraph ends here too.
 */
static bool
callout_try(struct render *r, bool at_end)
{
	r->co_state = CO_NONE;
	if (r->out != r->main || r->open_spans || r->img_depth || !r->quotes.len)
		return false;
	struct slice line = {r->main->ptr + r->co_line_at, r->main->len - r->co_line_at};
	struct callout co;
	if (!callout_parse(line, &co))
		return false;
	// The marker sits in main, about to be overwritten: keep type and title in tmp.
	buf_reset(&r->tmp);
	buf_put_slice(&r->tmp, co.type);
	buf_put_slice(&r->tmp, co.title);
	if (r->tmp.err)
		return false;
	co.type = (struct slice){r->tmp.ptr, co.type.len};
	co.title = (struct slice){r->tmp.ptr + co.type.len, co.title.len};
	r->main->len = r->co_quote_at;
	callout_open(&co, r->main);
	r->quotes.ptr[r->quotes.len - 1] = co.fold ? QUOTE_CALLOUT_FOLD : QUOTE_CALLOUT;
	if (at_end)
		r->skip_p_close = true;
	else
		render_put(r, "<p>");
	return true;
}

/* ---- block ids ---------------------------------------------------------------------------- */

/*
 * A paragraph ending in "^id" gets that id and loses the text; a paragraph that is only
 * "^id" gives it to the block before it and disappears. Returns true when the paragraph is
 * gone (nothing left to close).
 */
static bool
p_block_id(struct render *r)
{
	struct buf *m = r->main;
	if (r->scan_fn || r->out != m || r->p_at == NO_BLOCK || r->p_at + 3 > m->len)
		return false;
	size_t content = r->p_at + 3; // after "<p>"
	size_t caret, cut;
	if (!obsidian_block_id((struct slice){m->ptr + content, m->len - content}, &caret, &cut))
		return false;
	bool alone = caret == 0;
	if (alone &&
	    (r->p_prev == NO_BLOCK || r->p_prev + 2 > m->len || m->ptr[r->p_prev + 1] == 'h'))
		return false; // nothing before it to name (headings have their own ids)
	buf_reset(&r->tmp2);
	buf_put(&r->tmp2, m->ptr + content + caret, m->len - content - caret);
	if (r->tmp2.err)
		return false;
	if (alone) {
		m->len = r->p_at;
		obsidian_insert_id(m, r->p_prev, buf_slice(&r->tmp2));
		return true;
	}
	m->len = content + cut;
	obsidian_insert_id(m, r->p_at, buf_slice(&r->tmp2));
	return false;
}

/* A tight list item ending in "^id" gets the id, like a paragraph. */
static void
li_block_id(struct render *r, size_t at)
{
	struct buf *m = r->main;
	if (r->scan_fn || r->out != m || at == NO_BLOCK || at >= m->len)
		return;
	size_t caret, cut;
	if (!obsidian_block_id((struct slice){m->ptr + at, m->len - at}, &caret, &cut) || !caret)
		return;
	buf_reset(&r->tmp2);
	buf_put(&r->tmp2, m->ptr + at + caret, m->len - at - caret);
	if (r->tmp2.err)
		return;
	m->len = at + cut;
	obsidian_insert_id(m, at, buf_slice(&r->tmp2));
}

/* ---- md4c callbacks --------------------------------------------------------------------- */

/*
 * Spans never cross blocks, so none should be open when a block starts or ends. md4c 0.4.8
 * can leave one open on malformed input (a "[[" inside a link destination, say); close what
 * we track so the HTML stays well formed and captures end. Late leave events are ignored.
 */
static void
spans_close_all(struct render *r)
{
	while (r->spans.len) {
		enum span_close close = (enum span_close)r->spans.ptr[--r->spans.len];
		if (close == CLOSE_IMG)
			render_put(r, "\">");
		else if (close == CLOSE_MEDIA)
			r->out = r->img_saved;
		else if (close != CLOSE_NONE)
			render_put(r, close == CLOSE_A ? "</a>" : "</span>");
	}
	r->img_depth = 0;
	render_inline_math_leave(r);
	r->wiki_ignored = 0;
	render_links_wiki_end(r);
	r->open_spans = 0;
}

static void
enter_heading(struct render *r, unsigned level)
{
	r->hlevel = level;
	if (r->scan_fn)
		return;
	r->in_heading = true;
	buf_reset(&r->h_html);
	buf_reset(&r->h_text);
	r->h_saved = r->out;
	r->out = &r->h_html;
}

static void
leave_heading(struct render *r)
{
	if (!r->in_heading) {
		buf_printf(r->out, "<h%u></h%u>", r->hlevel, r->hlevel);
		render_cr(r);
		return;
	}
	r->in_heading = false;
	r->out = r->h_saved;
	buf_printf(r->out, "<h%u", r->hlevel);
	buf_reset(&r->tmp);
	slug_segment(buf_slice(&r->h_text), &r->tmp);
	if (!slice_eq_str(buf_slice(&r->tmp), "-")) { // "-" is slug_segment's "nothing left"
		buf_reset(&r->tmp2);
		int rc = idset_unique(&r->ids, buf_slice(&r->tmp), &r->tmp2);
		if (rc < 0) {
			r->err = rc;
			return;
		}
		render_put(r, " id=\"");
		html_escape(r->out, r->tmp2.ptr, r->tmp2.len);
		render_put(r, "\"");
	}
	render_put(r, ">");
	// md4c leaves a tab that follows "#", or ends a setext line, in the text; drop it.
	buf_put_slice(r->out, wikilink_trim(buf_slice(&r->h_html)));
	buf_printf(r->out, "</h%u>", r->hlevel);
	render_cr(r);
	if (r->hlevel == 1 && r->info && !r->info->first_h1 && !r->in_footnotes) {
		struct slice t = wikilink_trim(buf_slice(&r->h_text));
		char *s = malloc(t.len + 1);
		if (!s) {
			r->err = ERR_NOMEM;
			return;
		}
		if (t.len)
			memcpy(s, t.ptr, t.len);
		s[t.len] = '\0';
		r->info->first_h1 = s;
	}
}

static void
enter_code_block(struct render *r, const MD_BLOCK_CODE_DETAIL *d)
{
	render_cr(r);
	r->code_mermaid = r->code_math = false;
	if (d->lang.size) {
		buf_reset(&r->tmp);
		render_attr(r, &d->lang, &r->tmp);
		// A diagram: its source, escaped, is what the site's script renders (and readable
		// without it).
		r->code_mermaid = slice_case_eq_str(buf_slice(&r->tmp), "mermaid");
		r->code_math = slice_eq_str(buf_slice(&r->tmp), MATH_INFO);
	}
	if (r->code_mermaid) {
		render_put(r, "<pre class=\"mermaid\">");
		return;
	}
	if (r->code_math) { // a "$$" block (see math.h), written like "$$" math in a paragraph
		render_put(r, "<p><span class=\"math display\">\\[");
		return;
	}
	render_put(r, "<pre><code");
	if (d->lang.size) {
		render_put(r, " class=\"language-");
		html_escape(r->out, r->tmp.ptr, r->tmp.len);
		render_put(r, "\"");
	}
	render_put(r, ">");
}

static void
enter_cell(struct render *r, const char *tag, const MD_BLOCK_TD_DETAIL *d)
{
	static const char *const align[] = {
	        [MD_ALIGN_LEFT] = "left", [MD_ALIGN_CENTER] = "center", [MD_ALIGN_RIGHT] = "right"};
	render_cr(r);
	r->in_cell = true;
	if (d->align > MD_ALIGN_DEFAULT && d->align <= MD_ALIGN_RIGHT)
		buf_printf(r->out, "<%s align=\"%s\">", tag, align[d->align]);
	else
		buf_printf(r->out, "<%s>", tag);
}

static int
enter_block_cb(MD_BLOCKTYPE type, void *detail, void *ud)
{
	struct render *r = ud;
	render_flush_bang(r);
	render_inline_mark_revert(r);
	spans_close_all(r);
	if (type != MD_BLOCK_P)
		flush_task(r);
	if (r->co_state != CO_NONE && !(r->co_state == CO_WAIT_P && type == MD_BLOCK_P))
		r->co_state = CO_NONE;
	if (type != MD_BLOCK_DOC) {
		size_t prev = r->closed_at;
		r->closed_at = NO_BLOCK;
		render_cr(r); // every block starts on a line of its own; the cases below rely on it
		size_t at = r->out->len;
		buf_put(&r->blocks, &at, sizeof(at));
		if (type == MD_BLOCK_P) {
			r->p_at = at;
			r->p_prev = prev;
		}
	}
	switch (type) {
	case MD_BLOCK_DOC:
		break;
	case MD_BLOCK_QUOTE:
		render_cr(r);
		buf_putc(&r->quotes, QUOTE_PLAIN);
		if (!r->scan_fn && r->out == r->main) {
			r->co_state = CO_WAIT_P;
			r->co_quote_at = r->out->len;
		}
		render_put(r, "<blockquote>");
		render_cr(r);
		break;
	case MD_BLOCK_UL:
		render_cr(r);
		render_put(r, "<ul>");
		render_cr(r);
		break;
	case MD_BLOCK_OL: {
		const MD_BLOCK_OL_DETAIL *d = detail;
		render_cr(r);
		if (d->start != 1)
			buf_printf(r->out, "<ol start=\"%u\">", d->start);
		else
			render_put(r, "<ol>");
		render_cr(r);
		break;
	}
	case MD_BLOCK_LI: {
		const MD_BLOCK_LI_DETAIL *d = detail;
		render_cr(r);
		if (d->is_task) {
			render_put(r, "<li class=\"task-list-item\">");
			r->task = (d->task_mark == 'x' || d->task_mark == 'X') ? 2 : 1;
		} else {
			render_put(r, "<li>");
		}
		break;
	}
	case MD_BLOCK_HR:
		render_cr(r);
		render_put(r, "<hr>");
		render_cr(r);
		break;
	case MD_BLOCK_H:
		render_cr(r);
		enter_heading(r, ((const MD_BLOCK_H_DETAIL *)detail)->level);
		break;
	case MD_BLOCK_CODE:
		enter_code_block(r, detail);
		break;
	case MD_BLOCK_HTML:
		render_cr(r);
		break;
	case MD_BLOCK_P:
		render_cr(r);
		render_put(r, "<p>");
		flush_task(r);
		if (r->co_state == CO_WAIT_P) {
			r->co_state = CO_IN_P;
			r->co_line_at = r->out->len;
		}
		break;
	case MD_BLOCK_TABLE:
		render_cr(r);
		render_put(r, "<table>");
		render_cr(r);
		break;
	case MD_BLOCK_THEAD:
		render_cr(r);
		render_put(r, "<thead>");
		render_cr(r);
		break;
	case MD_BLOCK_TBODY:
		render_cr(r);
		render_put(r, "<tbody>");
		render_cr(r);
		break;
	case MD_BLOCK_TR:
		render_cr(r);
		render_put(r, "<tr>");
		render_cr(r);
		break;
	case MD_BLOCK_TH:
		enter_cell(r, "th", detail);
		break;
	case MD_BLOCK_TD:
		enter_cell(r, "td", detail);
		break;
	}
	return status(r);
}

static int leave_block(struct render *r, MD_BLOCKTYPE type, size_t at);

static int
leave_block_cb(MD_BLOCKTYPE type, void *detail, void *ud)
{
	struct render *r = ud;
	(void)detail;
	render_flush_bang(r);
	render_inline_mark_revert(r);
	spans_close_all(r);
	flush_task(r);
	size_t at = NO_BLOCK;
	if (type != MD_BLOCK_DOC && r->blocks.len >= sizeof(at)) {
		r->blocks.len -= sizeof(at);
		memcpy(&at, r->blocks.ptr + r->blocks.len, sizeof(at));
	}
	int rc = leave_block(r, type, at);
	// A paragraph that was only a block id is gone: it is no one's previous sibling.
	r->closed_at = at < r->main->len ? at : NO_BLOCK;
	return rc;
}

static int
leave_block(struct render *r, MD_BLOCKTYPE type, size_t at)
{
	switch (type) {
	case MD_BLOCK_DOC:
		break;
	case MD_BLOCK_QUOTE: {
		enum quote_kind k = QUOTE_PLAIN;
		if (r->quotes.len)
			k = (enum quote_kind)r->quotes.ptr[--r->quotes.len];
		r->co_state = CO_NONE;
		render_cr(r);
		if (k == QUOTE_PLAIN)
			render_put(r, "</blockquote>");
		else
			callout_close(k == QUOTE_CALLOUT_FOLD ? '-' : 0, r->out);
		render_cr(r);
		break;
	}
	case MD_BLOCK_UL:
		render_cr(r);
		render_put(r, "</ul>");
		render_cr(r);
		break;
	case MD_BLOCK_OL:
		render_cr(r);
		render_put(r, "</ol>");
		render_cr(r);
		break;
	case MD_BLOCK_LI:
		li_block_id(r, at);
		render_put(r, "</li>");
		render_cr(r);
		break;
	case MD_BLOCK_HR:
		break;
	case MD_BLOCK_H:
		leave_heading(r);
		break;
	case MD_BLOCK_CODE:
		render_put(r, r->code_math      ? "\\]</span></p>"
		              : r->code_mermaid ? "</pre>"
		                                : "</code></pre>");
		r->code_mermaid = r->code_math = false;
		render_cr(r);
		break;
	case MD_BLOCK_HTML:
		render_cr(r);
		break;
	case MD_BLOCK_P:
		if (r->co_state == CO_IN_P)
			callout_try(r, true);
		if (r->skip_p_close)
			r->skip_p_close = r->p_reopened = false;
		else if (render_links_drop_empty_p(r))
			; // nothing showed after the embed: no empty paragraph
		else if (!p_block_id(r))
			render_put(r, "</p>");
		render_cr(r);
		break;
	case MD_BLOCK_TABLE:
		render_cr(r);
		render_put(r, "</table>");
		render_cr(r);
		break;
	case MD_BLOCK_THEAD:
		render_cr(r);
		render_put(r, "</thead>");
		render_cr(r);
		break;
	case MD_BLOCK_TBODY:
		render_cr(r);
		render_put(r, "</tbody>");
		render_cr(r);
		break;
	case MD_BLOCK_TR:
		render_cr(r);
		render_put(r, "</tr>");
		render_cr(r);
		break;
	case MD_BLOCK_TH:
		r->in_cell = false;
		render_put(r, "</th>");
		render_cr(r);
		break;
	case MD_BLOCK_TD:
		r->in_cell = false;
		render_put(r, "</td>");
		render_cr(r);
		break;
	}
	return status(r);
}

/* The tags of the spans that map one to one onto an HTML element, or NULL. */
static const char *
span_open_tag(MD_SPANTYPE type)
{
	switch (type) {
	case MD_SPAN_EM:
		return "<em>";
	case MD_SPAN_STRONG:
		return "<strong>";
	case MD_SPAN_CODE:
		return "<code>";
	case MD_SPAN_DEL:
		return "<del>";
	case MD_SPAN_U:
		return "<u>";
	default:
		return NULL;
	}
}

static const char *
span_close_tag(MD_SPANTYPE type)
{
	switch (type) {
	case MD_SPAN_EM:
		return "</em>";
	case MD_SPAN_STRONG:
		return "</strong>";
	case MD_SPAN_CODE:
		return "</code>";
	case MD_SPAN_DEL:
		return "</del>";
	case MD_SPAN_U:
		return "</u>";
	default:
		return NULL;
	}
}

static int
enter_span_cb(MD_SPANTYPE type, void *detail, void *ud)
{
	struct render *r = ud;
	if (type != MD_SPAN_WIKILINK)
		render_flush_bang(r);
	flush_task(r);
	r->open_spans++;
	switch (type) {
	case MD_SPAN_A:
		if (r->img_depth)
			buf_putc(&r->spans, CLOSE_NONE);
		else
			render_links_a(r, detail);
		break;
	case MD_SPAN_IMG:
		if (r->img_depth++)
			buf_putc(&r->spans, CLOSE_NONE);
		else
			render_links_img(r, detail);
		break;
	case MD_SPAN_WIKILINK:
		render_links_wiki(r, detail);
		break;
	default:
		if (r->img_depth)
			break;
		if (span_open_tag(type))
			render_put(r, span_open_tag(type));
		else if (type == MD_SPAN_LATEXMATH || type == MD_SPAN_LATEXMATH_DISPLAY)
			render_inline_math_enter(r, type == MD_SPAN_LATEXMATH_DISPLAY);
	}
	return status(r);
}

static int
leave_span_cb(MD_SPANTYPE type, void *detail, void *ud)
{
	struct render *r = ud;
	render_flush_bang(r);
	if (r->mark_open && r->mark_depth >= r->open_spans)
		render_inline_mark_revert(r); // opened inside the span that ends here
	if (r->open_spans)
		r->open_spans--;
	switch (type) {
	case MD_SPAN_A:
	case MD_SPAN_IMG: {
		enum span_close close = CLOSE_NONE;
		if (r->spans.len)
			close = (enum span_close)r->spans.ptr[--r->spans.len];
		if (type == MD_SPAN_IMG) {
			if (r->img_depth)
				r->img_depth--;
			render_links_img_end(r, detail, close);
		} else if (close != CLOSE_NONE) {
			render_put(r, close == CLOSE_A ? "</a>" : "</span>");
		}
		break;
	}
	case MD_SPAN_WIKILINK:
		render_links_wiki_end(r);
		break;
	default:
		if (r->img_depth)
			break;
		if (span_open_tag(type))
			render_put(r, span_close_tag(type));
		else if (type == MD_SPAN_LATEXMATH || type == MD_SPAN_LATEXMATH_DISPLAY)
			render_inline_math_leave(r);
	}
	return status(r);
}

static void
line_break(struct render *r, bool hard)
{
	if (r->co_state == CO_IN_P) {
		render_inline_mark_revert(
		        r); // a highlight does not run from a callout's title into its body
		if (callout_try(r, false))
			return; // the break ended the callout's title line
	}
	if (r->in_wiki)
		buf_putc(&r->w_text, ' ');
	else if (r->in_heading)
		buf_putc(&r->h_text, ' ');
	if (r->in_math)
		buf_putc(&r->m_text, '\n');
	if (r->img_depth)
		render_put(r, " ");
	else if (!r->in_math && (hard || !r->opts->strict_line_breaks))
		render_put(r, "<br>\n");
	else // a soft break, or one in math: TeX, where a <br> would end up inside the formula
		render_put(r, "\n");
}

/*
 * Code span text. In a table cell "\|" is how a code span holds a '|' (GFM): the '\' goes,
 * as it does for wikilinks there.
 */
static void
code_text(struct render *r, const uint8_t *p, size_t n)
{
	if (!r->in_cell) {
		render_put_text(r, p, n);
		return;
	}
	size_t run = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		if (p[i] == '\\' && p[i + 1] == '|') {
			render_put_text(r, p + run, i - run);
			run = i + 1;
			i++;
		}
	}
	render_put_text(r, p + run, n - run);
}

static int
text_cb(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *ud)
{
	struct render *r = ud;
	const uint8_t *p = (const uint8_t *)text;
	render_flush_bang(r);
	flush_task(r);
	if (r->in_wiki && r->wiki_label == -1) {
		// The target was rewritten (escapes, entities): where the text starts tells
		// instead.
		r->wiki_label = -2;
		if (render_in_text(r, p) && p > r->text && (p[-1] == '|' || p[-1] == '['))
			r->wiki_label = p[-1] == '|';
	}
	switch (type) {
	case MD_TEXT_NORMAL:
		render_inline_text(r, p, size);
		break;
	case MD_TEXT_NULLCHAR:
		render_put_text(r, (const uint8_t *)"\xEF\xBF\xBD", 3);
		break;
	case MD_TEXT_BR:
	case MD_TEXT_SOFTBR:
		line_break(r, type == MD_TEXT_BR);
		break;
	case MD_TEXT_ENTITY:
		buf_reset(&r->tmp);
		if (html_entity_decode(&r->tmp, p, size))
			render_put_text(r, r->tmp.ptr, r->tmp.len);
		else
			render_put_text(r, p, size);
		break;
	case MD_TEXT_HTML:
		if (!r->img_depth)
			buf_put(r->out, render_src(r, p, size), size);
		break;
	case MD_TEXT_CODE:
		code_text(r, render_src(r, p, size), size);
		break;
	case MD_TEXT_LATEXMATH: {
		// md4c hands a line break in math over as a space of its own; TeX needs the
		// newline (a "%" comment ends there).
		if (size == 1 && *p == ' ' && !render_in_text(r, p))
			p = (const uint8_t *)"\n";
		const uint8_t *m = render_src(r, p, size);
		render_put_text(r, m, size);
		if (r->in_math) {
			buf_put(&r->m_text, m, size);
			r->math_end = p + size;
		}
		break;
	}
	}
	return status(r);
}

/* ---- entry points ----------------------------------------------------------------------- */

static void
render_init(struct render *r, const struct render_opts *opts, struct buf *out)
{
	*r = (struct render){
	        .opts = opts, .out = out, .main = out, .closed_at = NO_BLOCK, .p_at = NO_BLOCK};
	buf_init_fixed(&r->sink, NULL, 0);
	footnote_init(&r->fn);
	struct buf *bufs[] = {&r->h_html, &r->h_text, &r->w_html,     &r->w_text, &r->w_target,
	                      &r->m_html, &r->m_text, &r->img_target, &r->spans,  &r->quotes,
	                      &r->blocks, &r->src,    &r->url,        &r->tmp,    &r->tmp2};
	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		buf_init(bufs[i], 0);
	idset_init(&r->ids);
}

static void
render_fini(struct render *r)
{
	struct buf *bufs[] = {&r->h_html, &r->h_text, &r->w_html,     &r->w_text, &r->w_target,
	                      &r->m_html, &r->m_text, &r->img_target, &r->spans,  &r->quotes,
	                      &r->blocks, &r->src,    &r->url,        &r->tmp,    &r->tmp2};
	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		buf_fini(bufs[i]);
	idset_fini(&r->ids);
	footnote_fini(&r->fn);
	footnote_toks_fini(&r->toks);
	free(r->stands);
}

int
render_parse(struct render *r, uint8_t *text, size_t len, unsigned depth)
{
	uint8_t *orig = malloc(len + RENDER_PAD);
	if (!orig)
		return ERR_NOMEM;
	memcpy(orig, text, len + RENDER_PAD);
	int rc = footnote_mark(&r->fn, text, len, depth, &r->toks);
	if (rc == 0 && !r->in_footnotes && r->toks.n)
		rc = render_footnote_reserve(r);
	r->nstands = 0;
	size_t cap = r->nstands_cap;
	for (uint8_t *s = text; rc == 0 && (s = memmem(s, len - (size_t)(s - text), "![[", 3));
	     s += 3) {
		if (r->nstands == cap) {
			cap = cap ? cap * 2 : 16;
			size_t *grown = realloc(r->stands, cap * sizeof(*grown));
			if (!grown) {
				rc = ERR_NOMEM;
				break;
			}
			r->stands = grown;
			r->nstands_cap = cap;
		}
		r->stands[r->nstands++] = (size_t)(s - text);
		*s = EMBED_MARK;
	}
	if (rc < 0) {
		free(orig);
		return rc;
	}
	r->text = text;
	r->orig = orig;
	r->len = len;
	r->closed_at = r->p_at = r->p_prev = NO_BLOCK;
	r->co_state = CO_NONE;
	static const MD_PARSER parser = {
	        .flags = RENDER_MD_FLAGS,
	        .enter_block = enter_block_cb,
	        .leave_block = leave_block_cb,
	        .enter_span = enter_span_cb,
	        .leave_span = leave_span_cb,
	        .text = text_cb,
	};
	rc = md_parse((const char *)text, (MD_SIZE)len, &parser, r);
	render_flush_bang(r);
	status(r);
	r->text = r->orig = NULL;
	r->len = 0;
	free(orig);
	if (r->err)
		return r->err;
	return rc ? ERR_PROTO : 0;
}

/* Parses md with r's callbacks, then the footnotes it references. Returns 0 or an ERR_*. */
static int
render_run(struct render *r, struct slice md)
{
	if (md.len >= 3 && md.ptr[0] == 0xEF && md.ptr[1] == 0xBB && md.ptr[2] == 0xBF) {
		md.ptr += 3; // a byte order mark is not text
		md.len -= 3;
	}
	if (md.len > UINT_MAX)
		return ERR_TOOBIG;
	// md4c 0.4.8 reads a byte past the end of some inputs ("[x](y", "- [x]" with task lists):
	// the NUL padding keeps that inside the copy.
	uint8_t *copy = calloc(1, md.len + RENDER_PAD);
	if (!copy)
		return ERR_NOMEM;
	if (md.len)
		memcpy(copy, md.ptr, md.len);
	size_t len = comment_strip(copy, md.len);
	int rc = 0;
	len = footnote_defs(&r->fn, copy, len, &rc);
	memset(copy + len, 0, md.len - len);
	struct buf math;
	buf_init(&math, 0);
	if (rc == 0 && math_blocks(copy, len, &math)) {
		uint8_t *m = math.err ? NULL : calloc(1, math.len + RENDER_PAD);
		if (m) {
			memcpy(m, math.ptr, math.len);
			free(copy);
			copy = m;
			len = math.len;
		} else {
			rc = ERR_NOMEM;
		}
	}
	buf_fini(&math);
	if (rc == 0)
		rc = render_parse(r, copy, len, 0);
	free(copy);
	if (rc == 0)
		rc = render_footnote_section(r);
	if (rc == 0)
		status(r);
	return rc ? rc : r->err;
}

int
render_markdown(struct slice md, const struct render_opts *opts, struct buf *out,
                struct render_info *info)
{
	static const struct render_opts defaults = {0};
	if (info)
		*info = (struct render_info){0};
	if (out->err)
		return out->err;
	struct render r;
	render_init(&r, opts ? opts : &defaults, out);
	r.info = info;
	int rc = render_run(&r, md);
	render_fini(&r);
	if (rc < 0 && info)
		render_info_fini(info);
	return rc;
}

void
render_info_fini(struct render_info *info)
{
	if (!info)
		return;
	free(info->first_h1);
	info->first_h1 = NULL;
}

int
render_scan_links(struct slice md, render_link_fn *fn, void *arg)
{
	static const struct render_opts opts = {0};
	struct render r;
	render_init(&r, &opts, NULL);
	r.out = r.main = &r.sink;
	r.scan_fn = fn;
	r.scan_arg = arg;
	int rc = render_run(&r, md);
	render_fini(&r);
	return rc;
}
