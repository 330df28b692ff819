/*
 * embed.h: what a note embed shows. Cuts the part of a note's markdown that an embed's
 * fragment names (a heading's section, nested "#H1#H2", or a block "^id"), and drops the
 * ids of embedded HTML so they cannot collide with the embedding page's own. Pure: no I/O.
 */
#ifndef INGESTD_EMBED_H
#define INGESTD_EMBED_H

#include <stdbool.h>
#include <stddef.h>

#include "shared/buf.h"

/*
 * Sets *out to the part of md (a note's body) that frag names, pointing into md:
 *   ""          the whole body;
 *   "H"         the heading whose text slugs like H, with everything up to the next heading
 *               of the same or a higher level (headings in code fences do not count);
 *   "H1#H2"     H2 searched within H1's section, and so on down;
 *   "^id"       the paragraph or list item whose last line ends in " ^id", or the block
 *               (list, quote, callout, table) right before a line holding only "^id".
 * Returns false if nothing matches (*out is then empty).
 */
bool embed_section(struct slice md, struct slice frag, struct slice *out);

/*
 * Removes every id="..." attribute from the tags of html from offset from on. Headings and
 * blocks of an embedded note keep their ids on the note's own page; on the embedding page
 * they would collide with its ids (and links there point at the note's page anyway).
 */
void embed_drop_ids(struct buf *html, size_t from);

#endif
