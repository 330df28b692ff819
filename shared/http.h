/*
 * http.h: the HTTP/1.x request-head parser shared by frontd and ingestd's API, plus
 * the small pieces both answer with. The parser is incremental, allocates nothing, and
 * points into the caller's buffer; it never reads past len.
 */
#ifndef SHARED_HTTP_H
#define SHARED_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"

#define HTTP_MAX_HEAD    8192 /* a longer head is answered with 431 */
#define HTTP_MAX_TARGET  4096 /* a longer request target is answered with 414 */
#define HTTP_MAX_HEADERS 64   /* more header lines are answered with 431 */

enum http_method {
	HTTP_OTHER = 0,
	HTTP_GET,
	HTTP_HEAD,
	HTTP_POST,
	HTTP_PUT,
	HTTP_DELETE,
	HTTP_OPTIONS,
};

struct http_header {
	struct slice name;
	struct slice value; /* trimmed of surrounding spaces and tabs */
};

struct http_req {
	enum http_method method;
	struct slice method_str;
	struct slice target; /* raw request target, e.g. "/a%20b?x=1" */
	struct slice path;   /* target up to '?' or '#', still percent-encoded */
	struct slice query;  /* after '?', without it; empty if none */
	int minor;           /* 0 for HTTP/1.0, 1 for HTTP/1.1 */
	size_t head_len;     /* bytes of the head including the final CRLFCRLF */
	size_t nhdrs;
	struct http_header hdrs[HTTP_MAX_HEADERS];
	/* Extracted while parsing: */
	int64_t content_length; /* -1 if absent */
	bool chunked;           /* Transfer-Encoding ends in chunked */
	bool keep_alive;        /* from version and Connection */
	bool expect_continue;   /* Expect: 100-continue */
	struct slice host, if_none_match, accept_encoding, authorization, content_type;
	int status; /* on error: the status to answer (400, 414, 431, 501, 505) */
};

/*
 * Parses a request head in buf[len]. *scanned keeps how far a previous call looked for
 * the end of the head (start it at 0 for each request), so re-parsing after more bytes
 * arrive does not rescan. Returns the head length (> 0) when complete and valid and fills
 * req; 0 when more bytes are needed; ERR_PROTO with req->status set when the head is
 * malformed (400, 501 for Transfer-Encoding other than chunked, 505 for a version other than
 * 1.x) or too large (414, 431). Leading empty lines before the request line are skipped.
 */
int http_parse_head(const uint8_t *buf, size_t len, size_t *scanned, struct http_req *req);

/* First header named name (case-insensitive), or an empty slice with ptr NULL. */
struct slice http_header_get(const struct http_req *req, const char *name);

/* True if Accept-Encoding allows gzip (q > 0), per RFC 9110. */
bool http_accepts_gzip(struct slice accept_encoding);

/* True if an If-None-Match value matches etag ("*", or a list with weak comparison). */
bool http_etag_match(struct slice if_none_match, struct slice etag);

/*
 * Percent-decodes and normalises a URL path into out[cap]: collapses repeated slashes,
 * resolves "." and "..", drops a trailing slash (except for "/"), and rejects encoded
 * NUL, invalid escapes, a path that does not start with '/', or one that climbs above
 * the root. Returns the decoded length (> 0) or ERR_PROTO; ERR_TOOBIG if cap is too small.
 */
int http_path_normalize(struct slice path, uint8_t *out, size_t cap);

/* Reason phrase for a status code ("Not Found"); "Unknown" for ones folio never sends. */
const char *http_reason(int status);

#endif
