/*
 * callout.h: Obsidian callouts, "> [!type] Title" blockquotes. The renderer hands over the
 * first line of a blockquote as it rendered it; this decides whether it opens a callout and
 * writes the callout's markup. Types are case-insensitive; aliases map to their standard
 * type, and an unknown type looks like a note.
 */
#ifndef RENDERER_CALLOUT_H
#define RENDERER_CALLOUT_H

#include <stdbool.h>

#include "shared/buf.h"

struct callout {
	struct slice type;  /* as written, e.g. "Warning" (letters, digits, '-', '_') */
	char fold;          /* 0, '+' (foldable, open) or '-' (foldable, closed) */
	struct slice title; /* rendered HTML after the marker, trimmed; empty when none */
};

/*
 * Parses a callout marker at the start of line (HTML as rendered: "[!tip]- <em>Hi</em>").
 * On success fills co with slices into line and returns true.
 */
bool callout_parse(struct slice line, struct callout *co);

/*
 * The standard type a written type stands for ("summary" -> "abstract"), or "note" when
 * it is not one Obsidian knows. Returns a static string.
 */
const char *callout_canonical(struct slice type);

/*
 * Appends the opening markup: a <div class="callout ..."> (a <details> when foldable), its
 * title, and the opening of the content <div>. The default title is the type, capitalised.
 */
void callout_open(const struct callout *co, struct buf *out);

/* Appends the markup that closes a callout opened with the given fold. */
void callout_close(char fold, struct buf *out);

#endif
