/*
 * slug.h: the URL and id rules. Pure functions over UTF-8.
 *   note path -> URL:  "Folder/My Note.md" -> "/folder/my-note"
 *   heading   -> id:   "Task lists & more" -> "task-lists-more"
 * ASCII letters are lowercased; runs of anything that is not a letter, digit or non-ASCII
 * byte become one '-'; leading and trailing '-' are dropped. Non-ASCII UTF-8 is kept
 * (URLs carry it percent-encoded in href attributes; fronts decode it), except that capitals
 * of Latin-1, Latin Extended-A, Greek and Cyrillic are lowercased, apostrophes (' and the
 * curly ones) vanish ("don't" -> "dont"), and common Unicode punctuation and spaces (NBSP,
 * dashes, quotes, ellipsis, CJK and fullwidth punctuation) separate like ASCII punctuation.
 */
#ifndef RENDERER_SLUG_H
#define RENDERER_SLUG_H

#include "shared/buf.h"

/* Appends the slug of one name (no slashes kept) to out. An empty result becomes "-". */
void slug_segment(struct slice name, struct buf *out);

/*
 * Appends the URL path of a vault note path: each folder and the file name (without .md)
 * slugified, joined by '/', with a leading '/'.
 */
void slug_note_url(struct slice vault_path, struct buf *out);

/* Appends the URL path of a permalink value: "/"-prefixed, each segment slugified. */
void slug_permalink(struct slice permalink, struct buf *out);

/* Appends an asset's URL path: "/" + the vault path as-is (fronts decode %XX before lookup). */
void slug_asset_url(struct slice vault_path, struct buf *out);

/* Appends s percent-encoded for an href: keeps unreserved bytes and '/', encodes the rest. */
void slug_href(struct slice s, struct buf *out);

/*
 * Appends the key of a tag ("#Project/Sub" or "Project/Sub" -> "project/sub"): a leading
 * '#' dropped, letters lowercased like slugs (ASCII, Latin-1, Latin Extended-A, Greek,
 * Cyrillic), '/' kept as nesting with empty segments dropped, everything else as written.
 * Appends nothing for a name with no segment left.
 */
void slug_tag(struct slice tag, struct buf *out);

/*
 * Appends the href of a tag's page: "/tags/" + slug_tag(tag), percent-encoded as hrefs
 * need (slug_href). The page's key is the same path unencoded.
 */
void slug_tag_url(struct slice tag, struct buf *out);

#endif
