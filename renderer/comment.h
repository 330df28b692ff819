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

#endif
