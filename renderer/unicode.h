/*
 * unicode.h: Unicode normalisation for names (libutf8proc, included only by unicode.c).
 * Vault file names come in NFC or NFD (macOS stores NFD) and links are typed in either;
 * slugs and link keys compare them in NFC.
 */
#ifndef RENDERER_UNICODE_H
#define RENDERER_UNICODE_H

#include <stdbool.h>

#include "shared/buf.h"

/*
 * Appends s in NFC to out; with fold, Unicode case folding is applied first ("Ä" and
 * "a" + U+0308 both give "ä"). ASCII-only input is copied (lowercased with fold) without
 * calling the library. Returns false, appending nothing, for malformed UTF-8; out's
 * sticky error records allocation failure.
 */
bool unicode_nfc(struct slice s, bool fold, struct buf *out);

#endif
