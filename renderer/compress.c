/*
 * compress.c: gzip members with zlib. One z_stream per compressor, reset between pages, so
 * a push that compresses thousands of pages allocates zlib's state once. Sole includer of
 * zlib.h.
 */
#include "renderer/compress.h"

#include <limits.h>
#include <stdlib.h>
#include <strings.h>

#include <zlib.h>

#include "shared/err.h"

struct compressor {
	z_stream zs;
};

struct compressor *
compressor_new(int level)
{
	if (level < 1)
		level = 1;
	if (level > 9)
		level = 9;
	struct compressor *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	// windowBits 15 + 16 asks for a gzip header and trailer; memLevel 8 is zlib's default.
	if (deflateInit2(&c->zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(c);
		return NULL;
	}
	return c;
}

void
compressor_free(struct compressor *c)
{
	if (!c)
		return;
	deflateEnd(&c->zs);
	free(c);
}

int
compress_gzip(struct compressor *c, struct slice in, struct buf *out)
{
	if (out->err)
		return out->err;
	if (deflateReset(&c->zs) != Z_OK)
		return ERR_NOMEM;
	size_t start = out->len;
	const uint8_t *src = in.ptr;
	size_t left = in.len;
	// Reserve what zlib says the whole member can take; inputs over 4 GiB go in slices.
	uLong bound = deflateBound(&c->zs, (uLong)(left < UINT_MAX ? left : UINT_MAX));
	for (;;) {
		uInt chunk = left < UINT_MAX ? (uInt)left : UINT_MAX;
		c->zs.next_in = (Bytef *)(uintptr_t)src; // zlib's API is not const-correct
		c->zs.avail_in = chunk;
		int flush = chunk == left ? Z_FINISH : Z_NO_FLUSH;
		int zr;
		do {
			size_t want = bound > 64 ? (size_t)bound : 64;
			if (want > UINT_MAX)
				want = UINT_MAX;
			uint8_t *dst = buf_reserve(out, want);
			if (!dst) {
				out->len = start;
				return out->err;
			}
			c->zs.next_out = dst;
			c->zs.avail_out = (uInt)want;
			zr = deflate(&c->zs, flush);
			if (zr == Z_STREAM_ERROR) {
				out->len = start;
				return ERR_NOMEM;
			}
			out->len += want - c->zs.avail_out;
			bound = 4096; // anything further is the tail of an oddly incompressible
			              // input
		} while (c->zs.avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
		src += chunk;
		left -= chunk;
		if (flush == Z_FINISH)
			break;
	}
	return 0;
}

bool
compress_worthwhile(const char *content_type)
{
	if (!content_type)
		return false;
	size_t n = strcspn(content_type, "; \t");
	struct slice ct = {(const uint8_t *)content_type, n};
	if (n >= 5 && strncasecmp(content_type, "text/", 5) == 0)
		return true;
	// Structured-syntax suffixes: application/ld+json, application/atom+xml, image/svg+xml.
	if ((n > 5 && strncasecmp(content_type + n - 5, "+json", 5) == 0) ||
	    (n > 4 && strncasecmp(content_type + n - 4, "+xml", 4) == 0))
		return true;
	static const char *const types[] = {
	        "application/json",
	        "application/javascript",
	        "application/x-javascript",
	        "application/ecmascript",
	        "application/xml",
	        "application/wasm",
	        "application/x-ndjson",
	        "application/toml",
	        "application/yaml",
	        "application/x-yaml",
	        "application/x-tex",
	        "application/rtf",
	        "application/postscript",
	        "image/x-icon",
	        "image/vnd.microsoft.icon",
	        "image/bmp",
	        "font/ttf",
	        "font/otf",
	        "application/vnd.ms-fontobject",
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (slice_case_eq_str(ct, types[i]))
			return true;
	return false;
}
