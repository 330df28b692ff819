/*
 * obsidian.h: the small inline rules of Obsidian's markdown that md4c does not know: tags
 * ("#tag"), block ids ("^id" closing a paragraph) and highlight delimiters ("=="). Pure
 * functions over bytes; the renderer decides where they apply.
 */
#ifndef RENDERER_OBSIDIAN_H
#define RENDERER_OBSIDIAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"

/*
 * Length of the tag starting at s[0] == '#' ("#tag", "#a/b-c_d", "#café"), or 0 when it is
 * not one: the name is letters, digits, '_', '-', '/' or non-ASCII characters, and not only
 * digits ("#1984" is not a tag).
 */
size_t obsidian_tag(const uint8_t *s, size_t n);

/*
 * Appends the opening tag of a tag's link: '<a class="tag" href="/tags/...">' with the
 * href of slug_tag_url(tag); tag is the name without '#'. The caller writes "#tag" and
 * "</a>".
 */
void obsidian_tag_open(struct buf *out, struct slice tag);

/*
 * Looks for a block id ("^id": letters, digits, '-') at the end of rendered paragraph or
 * list item HTML. On success *caret is the offset of '^' and *cut the offset where the text
 * before it ends (spaces and a line break before the id are cut too); a paragraph that is
 * only the id has *caret == 0.
 */
bool obsidian_block_id(struct slice html, size_t *caret, size_t *cut);

/*
 * Inserts ' id="<id>"' (escaped) into the opening tag that starts at b->ptr[at] ('<'),
 * right after the tag name. Does nothing if there is no tag at at.
 */
void obsidian_insert_id(struct buf *b, size_t at, struct slice id);

#endif
