/*
 * unicode.c: NFC and case folding through libutf8proc (contract in unicode.h). The
 * library is Debian's, kept current with each Unicode version; its tables beat ours.
 */
#include "renderer/unicode.h"

#include <stdlib.h>

#include <utf8proc.h>

#include "shared/err.h"

bool
unicode_nfc(struct slice s, bool fold, struct buf *out)
{
	size_t i = 0;
	while (i < s.len && s.ptr[i] < 0x80) {
		i++;
	}
	if (i == s.len) {
		uint8_t *dst = buf_reserve(out, s.len);
		if (!dst) {
			return true;
		}
		for (size_t k = 0; k < s.len; k++) {
			uint8_t c = s.ptr[k];
			dst[k] = fold && c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
		}
		out->len += s.len;
		return true;
	}
	utf8proc_uint8_t *u = NULL;
	int opts = UTF8PROC_STABLE | UTF8PROC_COMPOSE | (fold ? UTF8PROC_CASEFOLD : 0);
	utf8proc_ssize_t n =
	        utf8proc_map(s.ptr, (utf8proc_ssize_t)s.len, &u, (utf8proc_option_t)opts);
	if (n < 0) {
		free(u);
		if (n == UTF8PROC_ERROR_NOMEM) {
			out->err = out->err ? out->err : ERR_NOMEM;
		}
		return false;
	}
	buf_put(out, u, (size_t)n);
	free(u);
	return true;
}
