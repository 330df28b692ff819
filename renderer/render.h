/*
 * render.h: markdown (md4c, Obsidian flavour) to HTML. Pure: no I/O, no globals; link
 * resolution is the caller's, through a callback, so the renderer needs no vault.
 */
#ifndef RENDERER_RENDER_H
#define RENDERER_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "shared/buf.h"

enum render_link_kind {
	RENDER_LINK_WIKI,  /* [[target#frag|text]] or ![[...]] */
	RENDER_LINK_MD,    /* [text](target) to a relative, non-URL target, already %-decoded */
	RENDER_LINK_IMAGE, /* ![alt](target) to a relative target */
};

/*
 * One link as written. Slices point into the markdown or a scratch buffer: valid for the
 * callback only.
 */
struct render_link {
	enum render_link_kind kind;
	bool embed;          /* ![[...]] */
	struct slice target; /* before '#', e.g. "Folder/Note" or "image.png"; empty for [[#H]] */
	struct slice frag;   /* after the first '#', without it; empty if none */
	struct slice text;   /* display text after '|', empty if none */
};

/*
 * Resolves a link. On success appends the href (already percent-encoded, with any
 * "#fragment") to url and returns 0; returns ERR_NOTFOUND for a missing or unpublished
 * target, which renders as visibly unresolved text.
 */
typedef int render_resolve_fn(void *arg, const struct render_link *link, struct buf *url);

/* Called by render_scan_links for each link in a note. */
typedef void render_link_fn(void *arg, const struct render_link *link);

/* Called for each "#tag" rendered as a tag link: tag is the name without '#', as written. */
typedef void render_tag_fn(void *arg, struct slice tag);
/*
 * Transcludes a note embed (a wikilink embed of a note, or a markdown link to a note whose
 * image syntax "![](Other%20Note.md)" names a ".md" file), called after the resolver said 0
 * for it. On success appends the embedded note's content as HTML to out (no wrapper: the
 * renderer writes it) and the note's title as plain text to title, and returns 0. Returns
 * ERR_NOTFOUND when the target cannot be embedded (not a note, no page, a cycle, too deep):
 * the embed then renders as the link it would be without this callback. ERR_NOMEM stops
 * the render.
 *
 * Output around a transclusion (href is what the resolver gave, data-embed the target as
 * written, fragment included):
 *   <div class="markdown-embed" data-embed="Note#Heading">
 *   <a class="markdown-embed-link" href="/note#heading">Title</a>
 *   ...content...
 *   </div>
 * A div cannot sit in a <p>: an embed alone in its paragraph replaces the paragraph; one
 * inside a paragraph with text around it closes the paragraph before the div and opens a
 * new one after it (which starts with the line break, if the text after the embed was on
 * the next line). Where blocks cannot go (headings, table cells, inside a link, emphasis
 * or a callout title), the embed stays a link and the callback is not called.
 */
typedef int render_embed_fn(void *arg, const struct render_link *link, struct buf *out,
                            struct buf *title);

struct render_opts {
	bool strict_line_breaks; /* false: a single newline is <br> (Obsidian's default) */
	render_resolve_fn *resolve;
	void *arg;
	render_tag_fn *tag; /* may be NULL */
	void *tag_arg;
	render_embed_fn *embed; /* NULL: note embeds stay links ("internal embed"); gets arg */
};

/* What rendering learned about the note. Strings are heap copies; free with render_info_fini. */
struct render_info {
	char *first_h1;  /* text of the first level-1 heading, or NULL */
	size_t nlinks;   /* links handed to the resolver */
	size_t nmissing; /* links that resolved ERR_NOTFOUND */
};

/*
 * Renders md (the body, frontmatter already removed) as an HTML fragment appended to out.
 * Headings get slug ids. Returns 0, ERR_NOMEM, ERR_PROTO if md4c gave up, or out->err
 * (ERR_TOOBIG when out's limit is reached; a buffer already in error is returned as is).
 * info may be NULL; otherwise it is always initialised, and on failure holds no strings.
 *
 * opts may be NULL (Obsidian line breaks, no resolver). Without a resolver, wikilinks get
 * slug URLs (slug_note_url, or slug_asset_url for media, plus "#" and the heading's slug),
 * and markdown links and images keep their URL as written.
 *
 * Beyond CommonMark and md4c's extensions (tables, strikethrough, task lists, permissive
 * autolinks, $math$, wikilinks): "![[embeds]]", "> [!type] callouts", "==highlights==",
 * "#tags" (<a class="tag" href="/tags/...">, obsidian_tag_open), "^block-ids" (an id on
 * their block), footnotes, mermaid fences and "%%comments%%", which never reach the output.
 *
 * The markup scripts and themes rely on:
 *   math     "$x$" -> <span class="math inline">\(x\)</span>; "$$x$$" in text, and a block
 *            of "$$" lines (whose lines are never markdown) -> <span class="math display">
 *            \[x\]</span> (a block's span alone in a <p>). The TeX is HTML-escaped and keeps
 *            its line breaks. Inline math needs no space inside its dollars and no digit
 *            after the closing one, so "$5 and $10" stays text.
 *   mermaid  ```mermaid -> <pre class="mermaid">escaped source</pre>.
 *   footnote "[^label]" / "^[inline]" -> <sup class="footnote-ref"><a href="#fn-N"
 *            id="fnref-N">N</a></sup> (later references to the same footnote: id
 *            "fnref-N-2", ...), numbered by first reference; after the note:
 *            <section class="footnotes"><ol><li id="fn-N">body <a href="#fnref-N"
 *            class="footnote-backref">↩</a></li></ol></section>, the links back inside the
 *            body's last paragraph. Heading ids never take these ids. In a link's text
 *            a reference is <sup class="footnote-ref" id="fnref-N">N</sup>.
 *   embeds   images <img>, audio <audio controls>, video <video controls>, PDF <iframe
 *            class="pdf-embed" src="...#page=N" loading="lazy"> ("#height=N" adds a
 *            height style); notes transcluded through opts->embed (see
 *            render_embed_fn), else, like other files, <a class="internal embed">.
 */
int render_markdown(struct slice md, const struct render_opts *opts, struct buf *out,
                    struct render_info *info);
void render_info_fini(struct render_info *info);

/*
 * Parses md without producing HTML and reports every link, embed and image exactly as
 * render_markdown() would pass it to a resolver (links inside comments are not reported).
 * Returns 0, ERR_NOMEM or ERR_PROTO.
 */
int render_scan_links(struct slice md, render_link_fn *fn, void *arg);

#endif
