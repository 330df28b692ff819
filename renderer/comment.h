/*
 * comment.h: Obsidian comments, "%%hidden%%" inline or as a block, which must never reach a
 * published page. They are cut out of the text md4c parses, before parsing.
 */
#ifndef RENDERER_COMMENT_H
#define RENDERER_COMMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Removes every comment from s[0..n) in place (from "%%" through the next "%%", or to the
 * end when it is never closed, as Obsidian does) and returns the new length. "%%" inside
 * fenced code and inline code spans is left alone.
 */
size_t comment_strip(uint8_t *s, size_t n);

/*
 * If the line starting at s[i] opens a code fence (``` or ~~~, after any spaces, tabs or '>'
 * of its container), or closes the one *ch opened with min markers (closing set), returns
 * its marker length and sets *ch; else 0. Shared by the scans that must leave code alone.
 */
size_t comment_fence(const uint8_t *s, size_t n, size_t i, uint8_t *ch, size_t min, bool closing);

/* Where a line-by-line scan stands with fenced code: the open fence, if any. Start at {0}. */
struct comment_fences {
	size_t len; /* the open fence's marker length; 0 outside fenced code */
	uint8_t ch; /* its marker, '`' or '~' */
};

/*
 * Moves f past the line starting at s[i] (comment_fence decides) and returns true if that
 * line is code to leave alone: a fence line or a line inside fenced code.
 */
bool comment_in_fence(struct comment_fences *f, const uint8_t *s, size_t n, size_t i);

/* The end of the line at s[i..n): the index of its '\n', or n. */
size_t comment_line_end(const uint8_t *s, size_t n, size_t i);

#endif
