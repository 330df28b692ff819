/*
 * links.h: Obsidian's link resolution over the vault index. Pure: no I/O, no SQL; the
 * same rules serve rendering (hrefs) and the links table (which file a link points at).
 *
 *   [[Note]], [[Note.md]], [[note]]     by file name anywhere in the vault, case-insensitive
 *   [[Folder/Note]]                     by vault path, else by a path suffix
 *   [[./Note]], [[../Other/Note]]       relative to the linking note's folder
 *   [x](Other%20Note.md), ![](img/a.png) relative to the linking note's folder first, then
 *                                       as a vault path, then by name
 *   [[image.png]]                       assets by name (with extension) or path
 * When several files match a bare name: the one in the linking note's own folder wins, then
 * the shortest path, then the lexicographically smallest.
 */
#ifndef INGESTD_LINKS_H
#define INGESTD_LINKS_H

#include <stdbool.h>

#include "ingestd/vault.h"
#include "renderer/render.h"
#include "shared/buf.h"

/*
 * Finds the file a link points at, whether or not it has a page. src_path is the linking
 * note's vault path. Returns the entry (owned by the vault) or NULL when nothing matches or
 * the target is empty ([[#Heading]] links point into the linking note itself).
 */
const struct vault_entry *links_resolve(const struct vault *v, const char *src_path,
                                        enum render_link_kind kind, struct slice target);

/*
 * Appends the key that a target's file name must have for the link to match it (folded
 * last segment, ".md" dropped): the links table indexes it, so a push that adds or removes
 * a file finds every link whose resolution may change. Appends nothing for an empty name.
 */
void links_target_name(struct slice target, struct buf *out);

/*
 * Appends the "#..." part of an href for frag (nothing if frag is empty). Note headings
 * become slug ids (the last of nested "#A#B"), block refs keep "^id", and fragments on
 * assets ("#page=2", "#icon") are kept as written, percent-encoded where needed.
 */
void links_fragment(struct slice frag, bool to_note, struct buf *out);

/*
 * Appends the href of a link to e (its page URL, percent-encoded, plus the fragment).
 * Returns 0, or ERR_NOTFOUND when e is NULL or holds no page (unpublished, lost a URL
 * collision), in which case nothing is appended.
 */
int links_href(const struct vault_entry *e, struct slice frag, struct buf *out);

#endif
