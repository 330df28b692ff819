/*
 * math.h: display math written as a block, "$$" alone on a line, the formula, and "$$" alone
 * on a line. md4c reads "$$...$$" as an inline span, so lines of the formula that look like
 * markdown ("+ y", "# n", a blank line) would break it up. Before parsing, such blocks
 * become fenced code with the MATH_INFO info string, which the renderer writes as display
 * math; the formula's lines are kept exactly as written.
 */
#ifndef RENDERER_MATH_H
#define RENDERER_MATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"

/* Info string of the fences that stand for "$$" blocks (no note can type its first byte). */
#define MATH_INFO "\x01math"

/*
 * If s[0..n) has "$$" blocks outside code fences (a "$$" line, after any spaces, tabs and
 * '>' of its container, closed by a later one), writes the text with their delimiter lines
 * turned into fences to out and returns true; otherwise returns false and leaves out alone.
 * Linear: once no closing line is left, no later "$$" line is looked at. out->err reports
 * a failure.
 */
bool math_blocks(const uint8_t *s, size_t n, struct buf *out);

#endif
