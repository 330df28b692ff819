/*
 * compress.h: gzip, once per page at push time. A compressor keeps its zlib state between
 * pages (deflateReset), so compressing many pages allocates once.
 */
#ifndef RENDERER_COMPRESS_H
#define RENDERER_COMPRESS_H

#include <stdbool.h>

#include "shared/buf.h"

struct compressor;

/* level 1..9. Returns NULL only if zlib cannot allocate its state. */
struct compressor *compressor_new(int level);
void compressor_free(struct compressor *c); /* NULL is a no-op */

/* Appends a gzip member holding in to out. Returns 0, ERR_NOMEM or out->err. */
int compress_gzip(struct compressor *c, struct slice in, struct buf *out);

/* True for content types worth compressing (any text/ type, JSON, JS, SVG, XML, ...). */
bool compress_worthwhile(const char *content_type);

/*
 * Inflates the gzip member gz and compares the result with expect, a chunk at a time on
 * the stack (nothing is allocated beyond zlib's state). Returns 0 when they are equal,
 * ERR_CORRUPT when gz is not one valid gzip member or inflates to other bytes, ERR_NOMEM.
 */
int compress_gunzip_equal(struct slice gz, struct slice expect);

#endif
