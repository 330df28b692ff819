/*
 * compress.c: gzip members with zlib. Two z_streams per compressor (small pages and the
 * rest), reset between pages, so a push that compresses thousands of pages allocates zlib's
 * state once. Sole includer of zlib.h.
 */
#include "renderer/compress.h"

#include <limits.h>
#include <stdlib.h>
#include <strings.h>

#include <zlib.h>

#include "shared/err.h"

/*
 * deflateReset clears the whole hash table, 2^(memLevel+7) two-byte heads: 64 KB at zlib's
 * default memLevel 8, as much work as compressing a small page. Pages up to
 * COMPRESS_SMALL_MAX go through a second stream with memLevel 6 (a 16 KB table); on folio's
 * pages that size the output is the same size to 0.01 %.
 */
#define COMPRESS_SMALL_MAX   (16u * 1024)
#define COMPRESS_SMALL_LEVEL 6

struct compressor {
	z_stream zs;
	z_stream small; /* for inputs up to COMPRESS_SMALL_MAX */
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
	if (deflateInit2(&c->small, level, Z_DEFLATED, 15 + 16, COMPRESS_SMALL_LEVEL,
	                 Z_DEFAULT_STRATEGY) != Z_OK) {
		deflateEnd(&c->zs);
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
	deflateEnd(&c->small);
	free(c);
}

int
compress_gzip(struct compressor *c, struct slice in, struct buf *out)
{
	if (out->err)
		return out->err;
	z_stream *zs = in.len <= COMPRESS_SMALL_MAX ? &c->small : &c->zs;
	if (deflateReset(zs) != Z_OK)
		return ERR_NOMEM;
	size_t start = out->len;
	const uint8_t *src = in.ptr;
	size_t left = in.len;
	// Reserve what zlib says the whole member can take; inputs over 4 GiB go in slices.
	uLong bound = deflateBound(zs, (uLong)(left < UINT_MAX ? left : UINT_MAX));
	for (;;) {
		uInt chunk = left < UINT_MAX ? (uInt)left : UINT_MAX;
		zs->next_in = (Bytef *)(uintptr_t)src; // zlib's API is not const-correct
		zs->avail_in = chunk;
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
			zs->next_out = dst;
			zs->avail_out = (uInt)want;
			zr = deflate(zs, flush);
			if (zr == Z_STREAM_ERROR) {
				out->len = start;
				return ERR_NOMEM;
			}
			out->len += want - zs->avail_out;
			bound = 4096; // anything further is the tail of an oddly incompressible
			              // input
		} while (zs->avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
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

int
compress_gunzip_equal(struct slice gz, struct slice expect)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 16) != Z_OK)
		return ERR_NOMEM;
	uint8_t chunk[16384];
	size_t at = 0; // bytes of expect matched so far
	int rc = 0, zr = Z_OK;
	const uint8_t *src = gz.ptr;
	size_t left = gz.len;
	while (zr != Z_STREAM_END) {
		if (zs.avail_in == 0) {
			if (left == 0) {
				rc = ERR_CORRUPT; // the member ends early
				break;
			}
			uInt n = left < UINT_MAX ? (uInt)left : UINT_MAX;
			zs.next_in = (Bytef *)(uintptr_t)src;
			zs.avail_in = n;
			src += n;
			left -= n;
		}
		zs.next_out = chunk;
		zs.avail_out = sizeof(chunk);
		zr = inflate(&zs, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			rc = zr == Z_MEM_ERROR ? ERR_NOMEM : ERR_CORRUPT;
			break;
		}
		size_t got = sizeof(chunk) - zs.avail_out;
		if (got && (got > expect.len - at || memcmp(chunk, expect.ptr + at, got) != 0)) {
			rc = ERR_CORRUPT;
			break;
		}
		at += got;
	}
	// Equal means the whole member, and nothing after it, inflates to all of expect.
	if (rc == 0 && (at != expect.len || zs.avail_in != 0 || left != 0))
		rc = ERR_CORRUPT;
	inflateEnd(&zs);
	return rc;
}
