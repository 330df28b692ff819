/*
 * render_int.h: the renderer's state, shared by render.c (blocks, callbacks, entry points),
 * render_links.c (links, wikilinks, embeds, images) and render_inline.c (text runs:
 * highlights, tags, the '!' of embeds, math). Internal to renderer/.
 */
#ifndef RENDERER_RENDER_INT_H
#define RENDERER_RENDER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <md4c.h>

#include "renderer/footnote.h"
#include "renderer/idset.h"
#include "renderer/render.h"
#include "shared/buf.h"

#define RENDER_MD_FLAGS                                               \
	(MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_TASKLISTS | \
	 MD_FLAG_PERMISSIVEAUTOLINKS | MD_FLAG_LATEXMATHSPANS | MD_FLAG_WIKILINKS)

/* Stands in for the '!' of "![[" in the text md4c parses (see render.c's opening comment). */
#define EMBED_MARK '{'

/* No block: for render.closed_at and render.p_prev. */
#define NO_BLOCK SIZE_MAX

/* Zero bytes after the copy md4c parses (see render_run). */
#define RENDER_PAD 8

#define UNRESOLVED_OPEN "<span class=\"internal unresolved\" title=\"Not published\">"

/*
 * What closes an open link or image span; one byte per span on render.spans. CLOSE_MEDIA:
 * an image span written as audio, video or a PDF, whose alt text goes to render.sink until
 * render.out is set back to render.img_saved.
 */
enum span_close { CLOSE_NONE, CLOSE_A, CLOSE_SPAN, CLOSE_IMG, CLOSE_MEDIA };

/* Blockquote kinds on render.quotes. */
enum quote_kind { QUOTE_PLAIN, QUOTE_CALLOUT, QUOTE_CALLOUT_FOLD };

enum callout_state {
	CO_NONE,
	CO_WAIT_P, /* a blockquote just opened: its first child may be a callout marker */
	CO_IN_P,   /* in that first paragraph, before its first line break */
};

struct render {
	const struct render_opts *opts;
	render_link_fn *scan_fn; /* set: scanning links, the HTML is thrown away */
	void *scan_arg;
	struct render_info *info;

	struct buf *out; /* where output goes now: main or one of the captures below */
	struct buf *main;
	struct buf sink; /* scan mode's main: zero bytes, every put is a no-op */

	const uint8_t *text; /* what md4c parses: the copy render.c's opening comment describes */
	const uint8_t *orig; /* text as written (no stand-ins), at the same offsets */
	size_t *stands;      /* offsets of the embed stand-ins in text, ascending */
	size_t nstands, nstands_cap;
	size_t len;

	bool code_mermaid; /* in a ```mermaid block: <pre class="mermaid">, no <code> */
	bool code_math;    /* in a "$$" block turned into a fence (math.h) */
	bool in_cell;      /* in a table cell, where "\|" in code is a '|' */

	bool in_heading;
	unsigned hlevel;
	struct buf *h_saved;
	struct buf h_html, h_text;

	bool in_wiki;
	unsigned wiki_ignored; /* wikilinks inside image alt text, rendered as text */
	bool wiki_embed;
	int wiki_label; /* '|' after the target: 1 yes, 0 no, -1 not known yet, -2 unknowable */
	struct buf *w_saved;
	struct buf w_html, w_text, w_target;
	const uint8_t *wiki_end; /* in text, just past the open wikilink's "]]"; NULL unknown */

	/* A markdown image naming a note ("![](Other%20Note.md)"): written as an embed link
	 * from main offset embed_at, transcluded when it ends (render_links.c). */
	bool embed_img;
	size_t embed_at;
	const uint8_t *embed_end; /* in text, past its ')'; NULL unknown */

	bool in_math; /* in a math span: held back until its delimiters are known to count */
	bool math_display;
	const uint8_t *math_end; /* in text, just past the last math text seen */
	struct buf *m_saved;
	struct buf m_html, m_text;

	unsigned img_depth;    /* > 0: inside an image, where only alt text is written */
	size_t img_at;         /* out offset after an unresolved image's opening span */
	struct buf *img_saved; /* out before a CLOSE_MEDIA image */
	struct buf img_target;
	unsigned open_spans; /* inline spans open now (any type) */
	struct buf spans;    /* enum span_close per open link or image */
	struct buf quotes;   /* enum quote_kind per open blockquote */

	enum callout_state co_state;
	size_t co_quote_at; /* main offset of the candidate blockquote's opening tag */
	size_t co_line_at;  /* main offset where its first paragraph's content starts */
	bool skip_p_close;  /* the paragraph was only a callout title */
	bool p_reopened;    /* the open <p> was opened again after a note embed */

	struct buf blocks;   /* out offset of each open block's opening tag (size_t each) */
	size_t closed_at;    /* opening tag of the block closed last, if that was the last event */
	size_t p_at, p_prev; /* the open paragraph's tag; its previous sibling's, or NO_BLOCK */

	bool mark_open;       /* a "==" highlight is open: <mark> written at mark_at */
	struct buf *mark_buf; /* in this buffer */
	size_t mark_at;
	unsigned mark_depth; /* open_spans when it opened; it must close at the same depth */

	bool bang;              /* an embed's '!' is held back until we see what follows */
	const uint8_t *bang_at; /* its stand-in in text */
	int task;               /* a task checkbox waits: 1 unchecked, 2 checked */

	struct footnotes fn;       /* the note's footnotes (render_footnote.c) */
	struct footnote_toks toks; /* footnote references in text */
	unsigned fn_reserved;      /* "fn-1".."fn-N" and "fnref-1".. were reserved in ids */
	bool in_footnotes;         /* rendering the footnotes after the note */

	struct idset ids;
	struct buf src, url, tmp, tmp2;
	int err;
};

static inline void
render_put(struct render *r, const char *s)
{
	buf_puts(r->out, s);
}

/* A newline unless the output is empty or already ends in one (cmark's "cr"). */
static inline void
render_cr(struct render *r)
{
	if (r->out->len && r->out->ptr[r->out->len - 1] != '\n')
		buf_putc(r->out, '\n');
}

/* True if p points into the text md4c parses (not into an attribute md4c rewrote). */
static inline bool
render_in_text(const struct render *r, const uint8_t *p)
{
	uintptr_t u = (uintptr_t)p, b = (uintptr_t)r->text;
	return u >= b && u < b + r->len;
}

/* render.c: reading what md4c hands over, and writing text. */

/*
 * Parses text[0..len) (followed by RENDER_PAD zero bytes; marked in place) with r's
 * callbacks: the note itself at depth 0, or a footnote's body. Returns 0 or an ERR_*.
 */
int render_parse(struct render *r, uint8_t *text, size_t len, unsigned depth);

/* True if p (in text) is an embed stand-in rather than a '{' the note has. */
bool render_is_stand(const struct render *r, const uint8_t *p);
/*
 * The n bytes md4c handed over at p, with embed stand-ins turned back into '!'. Returns p
 * itself, or r->src's bytes (valid until the next call).
 */
const uint8_t *render_src(struct render *r, const void *p, size_t n);
/* Writes text: escaped into r->out, raw into the plain text of an open wikilink or heading. */
void render_put_text(struct render *r, const uint8_t *p, size_t n);
/* Appends an md4c attribute (href, title, info string) to dst with its entities decoded. */
void render_attr(struct render *r, const MD_ATTRIBUTE *a, struct buf *dst);
/* Writes a held-back '!' that turned out not to start an embed. */
void render_flush_bang(struct render *r);

/*
 * render_links.c: the span callbacks for links, images and wikilinks. Each enter pushes its
 * closing kind on r->spans (wikilinks capture into r->w_html instead); failures of the
 * resolver set r->err.
 */
void render_links_a(struct render *r, const MD_SPAN_A_DETAIL *d);
void render_links_img(struct render *r, const MD_SPAN_IMG_DETAIL *d);
void render_links_img_end(struct render *r, const MD_SPAN_IMG_DETAIL *d, enum span_close close);
/*
 * At a paragraph's end: if it was opened again after a note embed and shows nothing (blanks
 * and line breaks only), drops its "<p>" and returns true (write no "</p>").
 */
bool render_links_drop_empty_p(struct render *r);
void render_links_wiki(struct render *r, const MD_SPAN_WIKILINK_DETAIL *d);
void render_links_wiki_end(struct render *r);

/*
 * render_inline.c: MD_TEXT_NORMAL runs (highlights, tags, the '!' of embeds) and math spans.
 * render_inline_mark_revert() turns an unclosed "==" back into text; callers run it wherever
 * a highlight can no longer close (end of a block, span, or callout title line).
 */
void render_inline_text(struct render *r, const uint8_t *p, size_t n);
void render_inline_mark_revert(struct render *r);
void render_inline_math_enter(struct render *r, bool display);
void render_inline_math_leave(struct render *r);

/*
 * render_footnote.c: render_footnote_reserve() reserves the ids of the footnotes found in the
 * note before it renders; render_footnote_ref() writes the reference token t stands for
 * (numbering its footnote on first use); render_footnote_section() renders the referenced
 * footnotes after the note. Failures set r->err or are returned as ERR_*.
 */
int render_footnote_reserve(struct render *r);
void render_footnote_ref(struct render *r, const struct footnote_tok *t);
int render_footnote_section(struct render *r);

#endif
