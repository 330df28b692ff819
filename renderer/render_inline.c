/*
 * render_inline.c: runs of text as Obsidian reads them: "==highlights==", "#tags", the '!'
 * of an embed (held back until we know whether a wikilink follows), and math, which only
 * counts when its dollars sit where Obsidian wants them.
 */
#include <string.h>

#include "renderer/obsidian.h"
#include "renderer/render_int.h"

static bool
is_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* An open "==" that can no longer close turns back into text. */
void
render_inline_mark_revert(struct render *r)
{
	if (!r->mark_open)
		return;
	r->mark_open = false;
	struct buf *b = r->mark_buf;
	if (r->mark_at + 6 > b->len || memcmp(b->ptr + r->mark_at, "<mark>", 6) != 0)
		return;
	memmove(b->ptr + r->mark_at + 2, b->ptr + r->mark_at + 6, b->len - r->mark_at - 6);
	memcpy(b->ptr + r->mark_at, "==", 2);
	b->len -= 4;
}

/*
 * Whether a "==" at p[i..i+2) opens or closes a highlight. Opening needs no space after it,
 * closing no space before it, in the same buffer and span as the opening.
 */
static bool
mark_delim_ok(const struct render *r, const uint8_t *p, size_t n, size_t i)
{
	uint8_t before = i ? p[i - 1] : 0, after = i + 2 < n ? p[i + 2] : 0;
	if (r->mark_open)
		return r->mark_buf == r->out && r->mark_depth == r->open_spans &&
		       !(before && is_ws(before));
	return !(after && is_ws(after));
}

/* Writes the "==" that mark_delim_ok() accepted. */
static void
mark_delim(struct render *r)
{
	if (r->mark_open) {
		render_put(r, "</mark>");
		r->mark_open = false;
		return;
	}
	r->mark_open = true;
	r->mark_buf = r->out;
	r->mark_at = r->out->len;
	r->mark_depth = r->open_spans;
	render_put(r, "<mark>");
}

/* True inside a link's text, where "#" is never a tag. */
static bool
in_link(const struct render *r)
{
	if (r->in_wiki)
		return true;
	for (size_t i = 0; i < r->spans.len; i++)
		if (r->spans.ptr[i] == CLOSE_A || r->spans.ptr[i] == CLOSE_SPAN)
			return true;
	return false;
}

/*
 * Writes a run of normal text (p, already restored from the copy; at, where md4c found it),
 * turning "==" into <mark> and "#tag" into a tag. A tag must follow whitespace or start a
 * line.
 */
static void
text_run(struct render *r, const uint8_t *p, size_t n, const uint8_t *at)
{
	if (r->img_depth || r->scan_fn || !n) {
		render_put_text(r, p, n);
		return;
	}
	bool tags = !in_link(r);
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '=' && i + 1 < n && p[i + 1] == '=') {
			size_t k = i;
			while (k < n && p[k] == '=')
				k++;
			if (k - i == 2 && mark_delim_ok(r, p, n, i)) {
				render_put_text(r, p + run, i - run);
				mark_delim(r);
				run = k;
			}
			i = k - 1;
			continue;
		}
		if (p[i] != '#' || !tags)
			continue;
		bool boundary = i ? is_ws(p[i - 1])
		                  : !render_in_text(r, at) || at == r->text || is_ws(at[-1]);
		size_t len = boundary ? obsidian_tag(p + i, n - i) : 0;
		if (!len)
			continue;
		render_put_text(r, p + run, i - run);
		struct slice tag = {p + i + 1, len - 1};
		obsidian_tag_open(r->out, tag);
		render_put_text(r, p + i, len);
		render_put(r, "</a>");
		if (r->opts && r->opts->tag)
			r->opts->tag(r->opts->tag_arg, tag);
		i += len - 1;
		run = i + 1;
	}
	render_put_text(r, p + run, n - run);
}

/* True if the byte at p (in text) is preceded by an odd number of backslashes. */
static bool
escaped(const struct render *r, const uint8_t *p)
{
	size_t i = (size_t)(p - r->text), n = 0;
	while (i > 0 && r->text[i - 1] == '\\') {
		i--;
		n++;
	}
	return n % 2 == 1;
}

/* A run without footnote references: the '!' of an embed, then text_run. */
static void
plain_run(struct render *r, const uint8_t *p, size_t n)
{
	if (n && render_in_text(r, p + n - 1)) {
		const uint8_t *last = p + n - 1;
		if (*last == EMBED_MARK && render_is_stand(r, last) && !escaped(r, last)) {
			text_run(r, render_src(r, p, n - 1), n - 1, p);
			r->bang = true;
			r->bang_at = last;
			return;
		}
	}
	text_run(r, render_src(r, p, n), n, p);
}

void
render_inline_text(struct render *r, const uint8_t *p, size_t n)
{
	if (!r->toks.n || !n || !render_in_text(r, p)) {
		plain_run(r, p, n);
		return;
	}
	// Footnote references split the run (md4c hands each over whole: its bytes are inert).
	size_t start = 0, i = 0;
	const uint8_t *m;
	while (i < n && (m = memchr(p + i, FOOTNOTE_MARK, n - i))) {
		size_t k = (size_t)(m - p);
		const struct footnote_tok *t = footnote_tok_at(&r->toks, (size_t)(m - r->text));
		if (!t || k + t->len > n) {
			i = k + 1;
			continue;
		}
		plain_run(r, p + start, k - start);
		render_footnote_ref(r, t);
		i = start = k + t->len;
	}
	plain_run(r, p + start, n - start);
}

/* ---- math ------------------------------------------------------------------------------ */

void
render_inline_math_enter(struct render *r, bool display)
{
	if (r->in_math) // md4c does not nest math; be safe if it ever does
		return;
	r->in_math = true;
	r->math_display = display;
	r->math_end = NULL;
	buf_reset(&r->m_html);
	buf_reset(&r->m_text);
	r->m_saved = r->out;
	r->out = &r->m_html;
}

/*
 * Inline math counts only as Obsidian (and Pandoc) read it: no space just inside the
 * dollars, and no digit right after the closing one, so "$5 and $10" stays text.
 */
static bool
math_valid(const struct render *r)
{
	if (r->math_display)
		return true;
	struct slice t = buf_slice(&r->m_text);
	if (!t.len || is_ws(t.ptr[0]) || is_ws(t.ptr[t.len - 1]))
		return false;
	const uint8_t *e = r->math_end; // the closing '$' is at e, what follows at e + 1
	if (e && render_in_text(r, e) && e + 1 < r->text + r->len && e[1] >= '0' && e[1] <= '9')
		return false;
	return true;
}

void
render_inline_math_leave(struct render *r)
{
	if (!r->in_math)
		return;
	r->in_math = false;
	r->out = r->m_saved;
	if (!math_valid(r)) {
		render_put(r, "$");
		buf_put_slice(r->out, buf_slice(&r->m_html));
		render_put(r, "$");
		return;
	}
	render_put(r, r->math_display ? "<span class=\"math display\">\\["
	                              : "<span class=\"math inline\">\\(");
	buf_put_slice(r->out, buf_slice(&r->m_html));
	render_put(r, r->math_display ? "\\]</span>" : "\\)</span>");
}
