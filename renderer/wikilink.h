/*
 * wikilink.h: the small rules of Obsidian links that do not depend on the parser: what a
 * target's extension says it is, image sizes after '|', and the default display text.
 */
#ifndef RENDERER_WIKILINK_H
#define RENDERER_WIKILINK_H

#include <stdbool.h>

#include "shared/buf.h"

enum wikilink_media {
	WIKILINK_NOTE, /* no known media extension: a note (or another file shown as a link) */
	WIKILINK_IMAGE,
	WIKILINK_AUDIO,
	WIKILINK_VIDEO,
	WIKILINK_PDF,
};

/* Classifies a target by its extension (case-insensitive): png jpg jpeg gif svg webp ... */
enum wikilink_media wikilink_media(struct slice target);

/*
 * Splits an embed's label into alt text and size: "300" -> width 300, "300x200" -> width
 * and height, "A cat|300" -> alt "A cat" and width 300; a label with no size is all alt.
 * *w and *h are 0 when absent.
 */
void wikilink_size(struct slice label, struct slice *alt, unsigned *w, unsigned *h);

/*
 * Appends the text Obsidian shows for a link without '|': the target as written with each
 * '#' shown as " > " ("Note#Heading" -> "Note > Heading"); a link within the note
 * ("#Heading") shows just "Heading". HTML-escaped when escape is set.
 */
void wikilink_display(struct slice raw, bool escape, struct buf *out);

/* Splits raw at its first '#' into target and fragment (without the '#'). */
void wikilink_split(struct slice raw, struct slice *target, struct slice *frag);

/* Trims ASCII spaces and tabs from both ends. */
struct slice wikilink_trim(struct slice s);

#endif
