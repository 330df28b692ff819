/*
 * pagefmt.h: the page record, the LMDB value a front answers from without thinking.
 *
 * Layout (all integers little-endian):
 *   0  u32 magic "FPG1" (PAGE_MAGIC)   4  u16 version       6  u16 status (200, 301, ...)
 *   8  u32 flags (PAGE_*)             12  u32 reserved (0)
 *  16  u64 generation that wrote it   24  i64 last-modified, unix seconds
 *  32  PAGE_SEC_COUNT x { u32 offset, u32 length } from the record's start
 *  then the section bytes.
 *
 * The header blocks are complete "Name: value\r\n" lines a front copies verbatim after
 * its status line and Date; the blank line and the body follow. A front validates a
 * record once with page_decode() (magic, version, every section in bounds) and does no
 * other parsing.
 */
#ifndef SHARED_PAGEFMT_H
#define SHARED_PAGEFMT_H

#include <stdint.h>

#include "shared/buf.h"

#define PAGE_MAGIC      0x31475046u /* "FPG1" read as little-endian u32 */
#define PAGE_VERSION    1
#define PAGE_FIXED_SIZE 32
#define PAGE_ETAG_MAX   64

enum page_flag {
	PAGE_NOTE = 1u << 0,     /* a rendered note (counted as a view) */
	PAGE_ASSET = 1u << 1,    /* a vault file served as-is */
	PAGE_REDIRECT = 1u << 2, /* status 301/308, Location in PAGE_SEC_LOCATION */
	PAGE_PRIVATE = 1u << 3,  /* only for signed-in readers (groups in PAGE_SEC_GROUPS) */
	PAGE_GZIP = 1u << 4,     /* PAGE_SEC_BODY_GZIP and PAGE_SEC_HDR_GZIP are present */
	PAGE_SPECIAL = 1u << 5,  /* site machinery: 404 page, theme files */
};

enum page_sec {
	PAGE_SEC_HDR_IDENT, /* header lines for the identity body (Content-Type, -Length, ETag, ...)
	                     */
	PAGE_SEC_HDR_GZIP,  /* header lines for the gzip body (adds Content-Encoding) */
	PAGE_SEC_HDR_304, /* header lines of a 304 answer (ETag, Last-Modified, Cache-Control, Vary)
	                   */
	PAGE_SEC_ETAG,    /* the ETag value, quotes included, for If-None-Match */
	PAGE_SEC_BODY_IDENT,
	PAGE_SEC_BODY_GZIP,
	PAGE_SEC_LOCATION, /* redirect target (absolute path), for PAGE_REDIRECT */
	PAGE_SEC_GROUPS,   /* access groups, NUL-separated, for PAGE_PRIVATE */
	PAGE_SEC_COUNT
};

/* A decoded record: slices point into the record and live as long as it does. */
struct page_view {
	uint16_t status;
	uint32_t flags;
	uint64_t gen;
	int64_t mtime;
	struct slice sec[PAGE_SEC_COUNT];
};

/* What ingestd hands page_encode(). Slices are borrowed for the call. */
struct page_input {
	uint16_t status; /* 200 for pages and assets, 301 for redirects, 404 for the 404 page */
	uint32_t flags;  /* PAGE_*; PAGE_GZIP is set by page_encode when gzip is non-empty */
	uint64_t gen;
	int64_t mtime;
	const char *content_type;  /* e.g. "text/html; charset=utf-8" */
	const char *cache_control; /* e.g. "public, no-cache"; NULL for none */
	struct slice body;         /* identity body */
	struct slice gzip;         /* gzip body, or empty to serve identity only */
	struct slice location;     /* redirect target */
	struct slice groups;       /* NUL-separated group names */
	struct slice etag_seed;    /* bytes the ETag is derived from; empty means body */
};

/*
 * Builds a record into out (appended). The ETag is a strong tag made of the first 16 hex
 * digits of the SHA-256 of etag_seed (or body). Returns 0 or out->err (ERR_NOMEM, ERR_TOOBIG).
 */
int page_encode(const struct page_input *in, struct buf *out);

/*
 * Checks magic, version and bounds and fills v with slices into rec. Never reads outside
 * rec. Returns 0, ERR_VERSION (wrong magic or version) or ERR_CORRUPT. Allocates nothing.
 */
int page_decode(struct slice rec, struct page_view *v);

/* Formats t as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") into out[30], NUL-terminated. */
void page_http_date(int64_t t, char out[30]);

#endif
