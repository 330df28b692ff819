/*
 * examples.h: reading files of spec-style examples (the CommonMark spec and folio's golden
 * files share the format) for the renderer's tests. Static functions, one copy per test.
 */
#ifndef TESTS_UNIT_RENDERER_EXAMPLES_H
#define TESTS_UNIT_RENDERER_EXAMPLES_H

#include <stdint.h>
#include <stdio.h>

#include "shared/buf.h"

/* The whole file at path, NUL-terminated (heap; free it), or NULL. */
static inline char *
read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b;
	buf_init(&b, 0);
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(&b, chunk, n);
	fclose(f);
	if (b.err) {
		buf_fini(&b);
		return NULL;
	}
	*len = b.len;
	buf_cstr(&b);
	return (char *)buf_steal(&b, NULL);
}

/* Appends s with the spec's visible tab ("→", U+2192) turned back into a tab. */
static inline void
put_tabs(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i + 2 < n && (uint8_t)s[i] == 0xE2 && (uint8_t)s[i + 1] == 0x86 &&
		    (uint8_t)s[i + 2] == 0x92) {
			buf_putc(b, '\t');
			i += 2;
		} else {
			buf_putc(b, s[i]);
		}
	}
}

#endif
