/*
 * footnote.h: footnotes, which md4c does not know. Two linear scans over the text before
 * md4c sees it: footnote_defs() cuts the "[^label]: text" definitions out (their bodies are
 * kept apart, to be rendered after the note), and footnote_mark() replaces each reference
 * "[^label]" to a definition, and each inline footnote "^[text]", with a run of
 * FOOTNOTE_MARK bytes of the same length, recording where it is. The renderer turns those
 * runs into references and restores the text as written wherever md4c hands them back in
 * another role (code, math, attributes), so a "[^1]" in code stays "[^1]".
 */
#ifndef RENDERER_FOOTNOTE_H
#define RENDERER_FOOTNOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"

/* Stands in for each byte of a reference in the text md4c parses: inert punctuation. */
#define FOOTNOTE_MARK '}'

/* Longest label "[^label]" that counts; longer ones are text. */
#define FOOTNOTE_LABEL_MAX 256

/* Inline footnotes nest at most this deep; deeper "^[...]" are text. Keeps the work linear. */
#define FOOTNOTE_MAX_DEPTH 3

/* No index (for footnote.refs_head and the like). */
#define FOOTNOTE_NONE SIZE_MAX

struct footnote {
	size_t label_off, label_len; /* in footnotes.labels; label_len 0 for inline footnotes */
	size_t body_off, body_len;   /* markdown in footnotes.bodies */
	unsigned depth;              /* 0 for definitions, 1 + where it sits for inline ones */
	unsigned num;                /* its number once referenced, 0 until then */
	unsigned nrefs;              /* references rendered so far */
	size_t id_off, id_len;       /* its <li> id, in footnotes.ids */
	size_t refs_head, refs_tail; /* its references, a list in footnotes.refs */
};

/* One rendered reference: its id (in footnotes.ids) and the next reference to the same note. */
struct footnote_ref {
	size_t id_off, id_len;
	size_t next;
};

/* A reference in a text: text[off..off+len) is FOOTNOTE_MARK and stands for footnote fn. */
struct footnote_tok {
	size_t off, len;
	size_t fn;
};

struct footnote_toks {
	struct footnote_tok *v; /* ascending by off */
	size_t n, cap;
};

struct footnotes {
	struct footnote *fn; /* definitions (sorted by label) first, then inline footnotes */
	size_t n, cap, ndefs;
	struct buf labels, bodies, ids;
	struct footnote_ref *refs;
	size_t nrefs, refs_cap;
	size_t *order; /* footnotes by number: order[k] has number k + 1 */
	size_t norder, order_cap;
};

void footnote_init(struct footnotes *f);
void footnote_fini(struct footnotes *f);
void footnote_toks_fini(struct footnote_toks *t);

/*
 * Cuts every definition out of s[0..n) in place and returns the new length; bodies and
 * labels go to f. A definition starts a line (up to three spaces in) with "[^label]:" and
 * runs on over lines indented by four or more (blank lines between them included) and over
 * lazy continuation lines, up to a blank line or a line that starts another block.
 * Definitions inside fenced code are text. Of two definitions with one label the first
 * counts. Returns the length, or sets *err to ERR_NOMEM (then s is unchanged).
 */
size_t footnote_defs(struct footnotes *f, uint8_t *s, size_t n, int *err);

/*
 * Replaces in s[0..n), in place, each reference to a definition and each inline footnote
 * (when depth < FOOTNOTE_MAX_DEPTH) with FOOTNOTE_MARK bytes, appending a token for each to
 * toks (cleared first). Inline footnotes become new entries of f, at depth + 1. Fenced code,
 * code spans and backslash escapes are skipped; an inline footnote stays on one line.
 * Returns 0 or ERR_NOMEM.
 */
int footnote_mark(struct footnotes *f, uint8_t *s, size_t n, unsigned depth,
                  struct footnote_toks *toks);

/* The token starting at offset off, or NULL. */
const struct footnote_tok *footnote_tok_at(const struct footnote_toks *t, size_t off);

#endif
