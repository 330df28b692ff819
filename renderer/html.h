/*
 * html.h: the escaping rules of the renderer's HTML output. Text and attribute values escape
 * & < > " (the CommonMark reference set, so apostrophes stay readable); URLs are
 * percent-encoded the way CommonMark renderers do before they are escaped.
 */
#ifndef RENDERER_HTML_H
#define RENDERER_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"

/* Appends p[0..n) with & < > " escaped: for text and double-quoted attribute values. */
void html_escape(struct buf *b, const void *p, size_t n);

/*
 * Appends a URL for an href or src attribute: bytes outside the URL-safe set (spaces,
 * controls, non-ASCII, quotes, backslashes, brackets) are percent-encoded, an existing "%XX"
 * is kept, a '%' not followed by two hex digits becomes "%25", and '&' is written "&amp;".
 * Idempotent on URLs that are already encoded.
 */
void html_url(struct buf *b, const void *p, size_t n);

/* Appends the UTF-8 encoding of a code point; surrogates, 0 and values past U+10FFFF become U+FFFD.
 */
void html_put_utf8(struct buf *b, uint32_t cp);

/*
 * Decodes one entity as md4c reports it ("&amp;", "&#233;", "&#xE9;") and appends its
 * characters (unescaped). Returns false, appending nothing, when the text is not a known
 * entity; the caller then treats it as literal text.
 */
bool html_entity_decode(struct buf *b, const uint8_t *s, size_t n);

/* Appends s with each "%XX" decoded to its byte; other bytes are copied as they are. */
void html_percent_decode(struct buf *b, const uint8_t *s, size_t n);

/*
 * True when u starts with a URI scheme ("https:", "mailto:"): a letter, then 1 to 31
 * letters, digits, '+', '.' or '-', then ':'.
 */
bool html_has_scheme(const uint8_t *u, size_t n);

#endif
