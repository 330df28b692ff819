/*
 * test_http.c: the request-head parser and header helpers in shared/http.h. Every parse
 * runs on bytes placed right before a PROT_NONE page, so an over-read faults, and most
 * inputs are also fed one byte at a time to prove incremental parsing answers the same.
 */
#include <stdio.h>
#include <string.h>

#include "shared/defs.h"
#include "shared/err.h"
#include "shared/http.h"
#include "tests/harness.h"

/* The last guarded copy; freed by the next parse so slices stay valid until then. */
static void *g_base;
static size_t g_maplen;
static struct http_req g_req;

static void
guard_release(void)
{
	if (g_base)
		test_guarded_free(g_base, g_maplen);
	g_base = NULL;
}

/* Parses s[n] placed before a guard page; result slices live until the next call. */
static int
parse_n(const char *s, size_t n)
{
	guard_release();
	const uint8_t *g = test_guarded(s, n, &g_base, &g_maplen);
	size_t scanned = 0;
	return http_parse_head(g, n, &scanned, &g_req);
}

static int
parse(const char *s)
{
	return parse_n(s, strlen(s));
}

/* Status answered for s, or 0 if it parsed (or needs more). */
static int
status_of(const char *s)
{
	int rc = parse(s);
	if (rc == ERR_PROTO)
		return g_req.status;
	return rc > 0 ? 0 : -1;
}

/*
 * Feeds s one byte at a time, each prefix before a guard page, and returns the first
 * non-zero result; *req receives the final state.
 */
static int
parse_bytewise(const char *s, size_t n, struct http_req *req)
{
	size_t scanned = 0;
	int rc = 0;
	for (size_t k = 1; k <= n; k++) {
		void *base;
		size_t maplen;
		const uint8_t *g = test_guarded(s, k, &base, &maplen);
		rc = http_parse_head(g, k, &scanned, req);
		test_guarded_free(base, maplen);
		if (rc != 0)
			return rc;
	}
	return rc;
}

/* Whole-buffer and byte-by-byte parsing must agree on the outcome. */
static void
check_same_bytewise(const char *s)
{
	size_t n = strlen(s);
	struct http_req a, b;
	int ra = parse_n(s, n);
	a = g_req;
	int rb = parse_bytewise(s, n, &b);
	if (ra != rb)
		printf("    input: %.60s\n", s);
	CHECK_INT_EQ(ra, rb);
	if (ra == ERR_PROTO && rb == ERR_PROTO)
		CHECK_INT_EQ(a.status, b.status);
	if (ra > 0 && rb > 0) {
		CHECK_INT_EQ(a.method, b.method);
		CHECK_INT_EQ(a.minor, b.minor);
		CHECK_INT_EQ(a.nhdrs, b.nhdrs);
		CHECK_INT_EQ(a.path.len, b.path.len);
		CHECK_INT_EQ(a.query.len, b.query.len);
		CHECK_INT_EQ(a.content_length, b.content_length);
		CHECK_INT_EQ(a.keep_alive, b.keep_alive);
		CHECK_INT_EQ(a.chunked, b.chunked);
	}
}

static void
t_simple_get(void)
{
	const char *s = "GET /notes/a%20b?x=1&y HTTP/1.1\r\nHost: example.org\r\n"
	                "Accept-Encoding: gzip, br\r\nIf-None-Match: \"abc\"\r\n\r\n";
	int rc = parse(s);
	CHECK_INT_EQ(rc, (int)strlen(s));
	CHECK_INT_EQ(g_req.head_len, strlen(s));
	CHECK_INT_EQ(g_req.method, HTTP_GET);
	CHECK_MEM_STR(g_req.method_str.ptr, g_req.method_str.len, "GET");
	CHECK_MEM_STR(g_req.target.ptr, g_req.target.len, "/notes/a%20b?x=1&y");
	CHECK_MEM_STR(g_req.path.ptr, g_req.path.len, "/notes/a%20b");
	CHECK_MEM_STR(g_req.query.ptr, g_req.query.len, "x=1&y");
	CHECK_INT_EQ(g_req.minor, 1);
	CHECK_INT_EQ(g_req.nhdrs, 3);
	CHECK_MEM_STR(g_req.host.ptr, g_req.host.len, "example.org");
	CHECK_MEM_STR(g_req.accept_encoding.ptr, g_req.accept_encoding.len, "gzip, br");
	CHECK_MEM_STR(g_req.if_none_match.ptr, g_req.if_none_match.len, "\"abc\"");
	CHECK_INT_EQ(g_req.content_length, -1);
	CHECK(g_req.keep_alive);
	CHECK(!g_req.chunked);
	CHECK(!g_req.expect_continue);
	CHECK(g_req.authorization.ptr == NULL);
	CHECK_INT_EQ(g_req.status, 0);
}

static void
t_methods(void)
{
	CHECK(parse("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n") > 0);
	CHECK_INT_EQ(g_req.method, HTTP_HEAD);
	CHECK(parse("POST /api HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n") > 0);
	CHECK_INT_EQ(g_req.method, HTTP_POST);
	CHECK_INT_EQ(g_req.content_length, 3);
	CHECK(parse("PUT / HTTP/1.1\r\nHost: x\r\n\r\n") > 0);
	CHECK_INT_EQ(g_req.method, HTTP_PUT);
	CHECK(parse("DELETE / HTTP/1.1\r\nHost: x\r\n\r\n") > 0);
	CHECK_INT_EQ(g_req.method, HTTP_DELETE);
	CHECK(parse("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n") > 0);
	CHECK_INT_EQ(g_req.method, HTTP_OPTIONS);
	CHECK_MEM_STR(g_req.path.ptr, g_req.path.len, "*");
	CHECK(parse("BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n") > 0);
	CHECK_INT_EQ(g_req.method, HTTP_OTHER);
	CHECK_MEM_STR(g_req.method_str.ptr, g_req.method_str.len, "BREW");
	/* Methods are case-sensitive: "get" is some other method. */
	CHECK(parse("get / HTTP/1.1\r\nHost: x\r\n\r\n") > 0);
	CHECK_INT_EQ(g_req.method, HTTP_OTHER);
}

static void
t_bad_method(void)
{
	CHECK_INT_EQ(status_of("G@T / HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GE(T / HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET\t/ HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of(" GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET  / HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n"), 400);
	char big[200];
	memset(big, 'X', 40);
	snprintf(big + 40, sizeof(big) - 40, " / HTTP/1.1\r\nHost: x\r\n\r\n");
	CHECK_INT_EQ(status_of(big), 501);
	CHECK_INT_EQ(status_of("GET\r\n\r\n"), 400);
}

static void
t_version(void)
{
	CHECK_INT_EQ(status_of("GET /\r\nHost: x\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / \r\nHost: x\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / HTTP/2.0\r\nHost: x\r\n\r\n"), 505);
	CHECK_INT_EQ(status_of("GET / HTTP/0.9\r\nHost: x\r\n\r\n"), 505);
	CHECK_INT_EQ(status_of("GET / HTTP/3.0\r\n\r\n"), 505);
	CHECK_INT_EQ(status_of("GET / HTTP/1.10\r\nHost: x\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / HTTP/1.\r\nHost: x\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / http/1.1\r\nHost: x\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / HTTP/1.1 \r\nHost: x\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / HTTPS/1.1\r\nHost: x\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\r\nHost: x\r\n\r\n"), 400);
	CHECK(parse("GET / HTTP/1.0\r\n\r\n") > 0);
	CHECK_INT_EQ(g_req.minor, 0);
	CHECK(!g_req.keep_alive);
	CHECK(parse("GET / HTTP/1.2\r\nHost: x\r\n\r\n") > 0);
	CHECK_INT_EQ(g_req.minor, 1);
}

static void
t_line_endings(void)
{
	const char *s = "GET /a HTTP/1.1\nHost: x\nX-A: 1\n\n";
	CHECK_INT_EQ(parse(s), (int)strlen(s));
	CHECK_INT_EQ(g_req.nhdrs, 2);
	CHECK_MEM_STR(g_req.hdrs[1].value.ptr, g_req.hdrs[1].value.len, "1");
	s = "GET /a HTTP/1.1\r\nHost: x\nX-A: 1\r\n\n";
	CHECK_INT_EQ(parse(s), (int)strlen(s));
	s = "GET /a HTTP/1.1\nHost: x\n\r\n";
	CHECK_INT_EQ(parse(s), (int)strlen(s));
	/* Empty lines before the request line are skipped and counted in the head. */
	s = "\r\n\nGET / HTTP/1.1\r\nHost: x\r\n\r\n";
	CHECK_INT_EQ(parse(s), (int)strlen(s));
	CHECK_MEM_STR(g_req.path.ptr, g_req.path.len, "/");
	/* A bare CR is no line ending. */
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\rHost: x\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\nHost: x\r\nA: b\rc\r\n\r\n"), 400);
}

static void
t_header_syntax(void)
{
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\nHost x\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\nHost : x\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\nHost\t: x\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\n: x\r\nHost: x\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n\tb\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\n Host: x\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x01z\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x7fz\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\nHost: x\r\nX(A): a\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\nHo\x80st: x\r\n\r\n"), 400);
	/* NUL anywhere in the head. */
	const char nul_hdr[] = "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n";
	CHECK_INT_EQ(parse_n(nul_hdr, sizeof(nul_hdr) - 1), ERR_PROTO);
	CHECK_INT_EQ(g_req.status, 400);
	const char nul_target[] = "GET /a\0b HTTP/1.1\r\nHost: x\r\n\r\n";
	CHECK_INT_EQ(parse_n(nul_target, sizeof(nul_target) - 1), ERR_PROTO);
	CHECK_INT_EQ(g_req.status, 400);
	/* obs-text, tabs and empty values are fine; values are trimmed. */
	const char *s = "GET / HTTP/1.1\r\nHost: x\r\nX-A: \t caf\xc3\xa9 \t \r\nX-Empty:\r\n\r\n";
	CHECK_INT_EQ(parse(s), (int)strlen(s));
	CHECK_MEM_STR(g_req.hdrs[1].value.ptr, g_req.hdrs[1].value.len, "caf\xc3\xa9");
	CHECK_INT_EQ(g_req.hdrs[2].value.len, 0);
	CHECK_MEM_STR(g_req.hdrs[2].name.ptr, g_req.hdrs[2].name.len, "X-Empty");
}

static void
t_header_get(void)
{
	CHECK(parse("GET / HTTP/1.1\r\nHost: x\r\nX-Thing: one\r\nx-thing: two\r\n\r\n") > 0);
	struct slice v = http_header_get(&g_req, "X-THING");
	CHECK_MEM_STR(v.ptr, v.len, "one");
	v = http_header_get(&g_req, "host");
	CHECK_MEM_STR(v.ptr, v.len, "x");
	v = http_header_get(&g_req, "X-Thin");
	CHECK(v.ptr == NULL);
	CHECK_INT_EQ(v.len, 0);
}

static void
t_oversized_head(void)
{
	static char s[HTTP_MAX_HEAD + 2000];
	int n = snprintf(s, sizeof(s), "GET / HTTP/1.1\r\nHost: x\r\nX-Big: ");
	memset(s + n, 'a', 9000 - (size_t)n);
	memcpy(s + 9000, "\r\n\r\n", 5);
	CHECK_INT_EQ(status_of(s), 431);
	/* Incomplete but already over the limit: 431 without waiting for the end. */
	CHECK_INT_EQ(parse_n(s, HTTP_MAX_HEAD), ERR_PROTO);
	CHECK_INT_EQ(g_req.status, 431);
	CHECK_INT_EQ(parse_n(s, HTTP_MAX_HEAD - 1), 0);
	/* A head of exactly HTTP_MAX_HEAD bytes is accepted. */
	memset(s + n, 'a', HTTP_MAX_HEAD - 4 - (size_t)n);
	memcpy(s + HTTP_MAX_HEAD - 4, "\r\n\r\n", 5);
	CHECK_INT_EQ(parse(s), HTTP_MAX_HEAD);
	CHECK_INT_EQ(g_req.hdrs[1].value.len, HTTP_MAX_HEAD - 4 - (size_t)n);
	/* One byte more is not. */
	memset(s + n, 'a', HTTP_MAX_HEAD - 3 - (size_t)n);
	memcpy(s + HTTP_MAX_HEAD - 3, "\r\n\r\n", 5);
	CHECK_INT_EQ(status_of(s), 431);
	/* Nothing but empty lines, forever. */
	for (size_t i = 0; i + 2 <= HTTP_MAX_HEAD + 2; i += 2)
		memcpy(s + i, "\r\n", 2);
	CHECK_INT_EQ(parse_n(s, HTTP_MAX_HEAD + 2), ERR_PROTO);
	CHECK_INT_EQ(g_req.status, 431);
}

static void
t_too_many_headers(void)
{
	static char s[8192];
	size_t n = (size_t)snprintf(s, sizeof(s), "GET / HTTP/1.1\r\nHost: x\r\n");
	for (int i = 1; i < HTTP_MAX_HEADERS; i++)
		n += (size_t)snprintf(s + n, sizeof(s) - n, "X-%d: v\r\n", i);
	snprintf(s + n, sizeof(s) - n, "\r\n");
	CHECK(parse(s) > 0);
	CHECK_INT_EQ(g_req.nhdrs, HTTP_MAX_HEADERS);
	n += (size_t)snprintf(s + n, sizeof(s) - n, "X-last: v\r\n\r\n");
	CHECK_INT_EQ(status_of(s), 431);
}

static void
t_long_target(void)
{
	static char s[HTTP_MAX_TARGET + 200];
	memcpy(s, "GET /", 5);
	memset(s + 5, 'a', HTTP_MAX_TARGET + 10);
	strcpy(s + 5 + HTTP_MAX_TARGET + 10, " HTTP/1.1\r\nHost: x\r\n\r\n");
	CHECK_INT_EQ(status_of(s), 414);
	/* Answered before the rest of the line arrives. */
	CHECK_INT_EQ(parse_n(s, HTTP_MAX_TARGET + 100), ERR_PROTO);
	CHECK_INT_EQ(g_req.status, 414);
	CHECK_INT_EQ(parse_n(s, 4 + HTTP_MAX_TARGET), 0);
	CHECK_INT_EQ(parse_n(s, 5 + HTTP_MAX_TARGET), ERR_PROTO);
	/* The longest allowed target. */
	memset(s + 5, 'a', HTTP_MAX_TARGET - 1);
	strcpy(s + 4 + HTTP_MAX_TARGET, " HTTP/1.1\r\nHost: x\r\n\r\n");
	CHECK(parse(s) > 0);
	CHECK_INT_EQ(g_req.target.len, HTTP_MAX_TARGET);
}

static void
t_content_length(void)
{
	CHECK(parse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n") > 0);
	CHECK_INT_EQ(g_req.content_length, 0);
	CHECK(parse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\ncontent-length: "
	            "12\r\n\r\n") > 0);
	CHECK_INT_EQ(g_req.content_length, 12);
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: "
	                       "2\r\n\r\n"),
	             400);
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: +1\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1 2\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: "
	                       "99999999999999999999999\r\n\r\n"),
	             400);
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0x10\r\n\r\n"), 400);
}

static void
t_transfer_encoding(void)
{
	CHECK(parse("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n") > 0);
	CHECK(g_req.chunked);
	CHECK(parse("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: CHUNKED\r\n\r\n") > 0);
	CHECK(g_req.chunked);
	CHECK_INT_EQ(status_of("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
	                       "Content-Length: 5\r\n\r\n"),
	             400);
	CHECK_INT_EQ(status_of("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
	                       "Transfer-Encoding: chunked\r\n\r\n"),
	             400);
	CHECK_INT_EQ(
	        status_of("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
	        501);
	CHECK_INT_EQ(status_of("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"),
	             501);
	CHECK_INT_EQ(
	        status_of("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"),
	        400);
	CHECK_INT_EQ(status_of("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
	                       "Transfer-Encoding: chunked\r\n\r\n"),
	             400);
	CHECK_INT_EQ(status_of("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ,\r\n\r\n"), 400);
}

static void
t_host_and_connection(void)
{
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\n\r\n"), 400);
	CHECK_INT_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
	CHECK(parse("GET / HTTP/1.0\r\n\r\n") > 0);
	CHECK(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") > 0);
	CHECK(!g_req.keep_alive);
	CHECK(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, Close\r\n\r\n") > 0);
	CHECK(!g_req.keep_alive);
	CHECK(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n") > 0);
	CHECK(g_req.keep_alive);
	CHECK(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") > 0);
	CHECK(g_req.keep_alive);
	CHECK(parse("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n") > 0);
	CHECK(!g_req.keep_alive);
	CHECK(parse("GET / HTTP/1.0\r\n\r\n") > 0);
	CHECK(!g_req.keep_alive);
	CHECK(parse("GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\n\r\n") > 0);
	CHECK(g_req.expect_continue);
	CHECK(parse("GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n"
	            "Content-Type: text/plain\r\n\r\n") > 0);
	CHECK_MEM_STR(g_req.authorization.ptr, g_req.authorization.len, "Bearer k");
	CHECK_MEM_STR(g_req.content_type.ptr, g_req.content_type.len, "text/plain");
}

static void
t_absolute_form(void)
{
	CHECK(parse("GET http://example.org/a/b?q=1 HTTP/1.1\r\nHost: other\r\n\r\n") > 0);
	CHECK_MEM_STR(g_req.path.ptr, g_req.path.len, "/a/b");
	CHECK_MEM_STR(g_req.query.ptr, g_req.query.len, "q=1");
	CHECK_MEM_STR(g_req.host.ptr, g_req.host.len, "example.org");
	CHECK(parse("GET HTTPS://example.org HTTP/1.1\r\nHost: other\r\n\r\n") > 0);
	CHECK_MEM_STR(g_req.path.ptr, g_req.path.len, "/");
	CHECK_MEM_STR(g_req.host.ptr, g_req.host.len, "example.org");
	CHECK(parse("GET /p#frag HTTP/1.1\r\nHost: x\r\n\r\n") > 0);
	CHECK_MEM_STR(g_req.path.ptr, g_req.path.len, "/p");
	CHECK_INT_EQ(g_req.query.len, 0);
	CHECK(parse("GET /caf\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n") > 0);
	CHECK_MEM_STR(g_req.path.ptr, g_req.path.len, "/caf\xc3\xa9");
}

static void
t_incomplete(void)
{
	struct http_req req;
	size_t scanned = 0;
	const char *s = "GET / HTTP/1.1\r\nHost: x\r\n";
	CHECK_INT_EQ(http_parse_head((const uint8_t *)s, strlen(s), &scanned, &req), 0);
	CHECK(scanned > 0 && scanned <= strlen(s));
	CHECK_INT_EQ(parse("GET / HTTP/1.1\r"), 0);
	CHECK_INT_EQ(parse("\r"), 0);
	CHECK_INT_EQ(parse("\r\n"), 0);
	CHECK_INT_EQ(parse(""), 0);
	CHECK_INT_EQ(parse("GET /abc"), 0);
	CHECK_INT_EQ(parse("GET / HTTP/1"), 0);
	/* Garbage is refused before its head completes. */
	CHECK_INT_EQ(parse("\x16\x03\x01"), ERR_PROTO);
	CHECK_INT_EQ(g_req.status, 400);
	CHECK_INT_EQ(parse("GET / HTTX"), ERR_PROTO);
	CHECK_INT_EQ(g_req.status, 400);
	CHECK_INT_EQ(parse("GET / HTTP/1.1x"), ERR_PROTO);
	CHECK_INT_EQ(g_req.status, 400);
}

static void
t_pipelined(void)
{
	const char *s =
	        "GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /b HTTP/1.1\r\nHost: x\r\n\r\nGET /c";
	size_t n = strlen(s), scanned = 0;
	struct http_req req;
	int rc = http_parse_head((const uint8_t *)s, n, &scanned, &req);
	CHECK_INT_EQ(rc, (int)strlen("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"));
	CHECK_MEM_STR(req.path.ptr, req.path.len, "/a");
	scanned = 0;
	int rc2 = http_parse_head((const uint8_t *)s + rc, n - (size_t)rc, &scanned, &req);
	CHECK_INT_EQ(rc2, (int)strlen("HEAD /b HTTP/1.1\r\nHost: x\r\n\r\n"));
	CHECK_INT_EQ(req.method, HTTP_HEAD);
	CHECK_MEM_STR(req.path.ptr, req.path.len, "/b");
	scanned = 0;
	CHECK_INT_EQ(http_parse_head((const uint8_t *)s + rc + rc2, n - (size_t)(rc + rc2),
	                             &scanned, &req),
	             0);
}

static void
t_bytewise(void)
{
	static const char *inputs[] = {
	        "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
	        "GET /a?b HTTP/1.1\nHost: x\nAccept-Encoding: gzip\n\n",
	        "\r\n\r\nHEAD /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
	        "GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n\r\n",
	        "G@T / HTTP/1.1\r\n\r\n",
	        "GET / HTTP/2.0\r\n\r\n",
	        "GET /\r\n\r\n",
	        "GET / HTTP/1.1\r\nHost x\r\n\r\n",
	        "GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
	        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
	        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: "
	        "1\r\n\r\n",
	        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
	        "GET / HTTP/1.1\rX\r\n\r\n",
	        "GET / HTTP/1.1\r\nHost: x\r\n\r\r\n\r\n",
	        "GET / HTTP/1.1\r\n\r\n",
	        "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03",
	};
	for (size_t i = 0; i < ARRAY_LEN(inputs); i++)
		check_same_bytewise(inputs[i]);

	static char big[HTTP_MAX_HEAD + 100];
	int n = snprintf(big, sizeof(big), "GET / HTTP/1.1\r\nHost: x\r\nX-Big: ");
	memset(big + n, 'b', sizeof(big) - (size_t)n - 5);
	memcpy(big + sizeof(big) - 5, "\r\n\r\n", 5);
	check_same_bytewise(big);
	memcpy(big, "GET /", 5);
	memset(big + 5, 'p', sizeof(big) - 10);
	memcpy(big + sizeof(big) - 5, "\r\n\r\n", 5);
	check_same_bytewise(big);
}

#define AE(s) http_accepts_gzip(slice_str(s))

static void
t_accept_encoding(void)
{
	CHECK(AE("gzip"));
	CHECK(AE("GZip"));
	CHECK(AE("x-gzip"));
	CHECK(AE("deflate, gzip;q=1.0, br"));
	CHECK(AE("br;q=1.0, gzip;q=0.001"));
	CHECK(!AE("gzip;q=0"));
	CHECK(!AE("gzip; q=0.000"));
	CHECK(!AE("gzip;Q=0.0"));
	CHECK(AE("gzip ; q = 0.5"));
	CHECK(AE("*"));
	CHECK(!AE("*;q=0"));
	CHECK(AE("br, *;q=0.1"));
	CHECK(!AE("gzip;q=0, *"));
	CHECK(AE("*;q=0, gzip"));
	CHECK(!AE("identity"));
	CHECK(!AE("identity;q=1, *;q=0"));
	CHECK(!AE(""));
	CHECK(!http_accepts_gzip((struct slice){NULL, 0}));
	CHECK(AE(" , ,gzip"));
	CHECK(!AE("gzipx"));
	CHECK(!AE("gzi"));
	CHECK(!AE("gzip;q=abc"));
	CHECK(!AE("gzip;q=2"));
	CHECK(!AE("gzip;q=1.0001"));
	CHECK(AE("gzip;level=9"));
	CHECK(AE("gzip;q=1"));
	/* Guarded: a value that ends right before an unmapped page. */
	void *base;
	size_t maplen;
	const char *v = "br, gzip;q=0.";
	const uint8_t *g = test_guarded(v, strlen(v), &base, &maplen);
	CHECK(!http_accepts_gzip((struct slice){g, strlen(v)}));
	test_guarded_free(base, maplen);
}

#define INM(h, e) http_etag_match(slice_str(h), slice_str(e))

static void
t_etag(void)
{
	const char *e = "\"0123456789abcdef\"";
	CHECK(INM("\"0123456789abcdef\"", e));
	CHECK(INM("W/\"0123456789abcdef\"", e));
	CHECK(INM("\"x\", \"0123456789abcdef\"", e));
	CHECK(INM("\"x\",W/\"0123456789abcdef\"  ", e));
	CHECK(INM("  \"0123456789abcdef\"", e));
	CHECK(INM("*", e));
	CHECK(INM("\"0123456789abcdef\"", "W/\"0123456789abcdef\""));
	CHECK(!INM("\"0123456789abcdee\"", e));
	CHECK(!INM("\"x\", \"y\"", e));
	CHECK(!INM("", e));
	CHECK(!INM("\"0123456789abcdef", e));
	CHECK(!INM("0123456789abcdef", e));
	CHECK(!INM("\"a,b\"", e));
	CHECK(INM("\"a,b\", \"0123456789abcdef\"", e));
	CHECK(!INM("*", ""));
	CHECK(!http_etag_match((struct slice){NULL, 0}, slice_str(e)));
	void *base;
	size_t maplen;
	const char *v = "\"abc\", W/\"unterminated";
	const uint8_t *g = test_guarded(v, strlen(v), &base, &maplen);
	CHECK(!http_etag_match((struct slice){g, strlen(v)}, slice_str(e)));
	CHECK(http_etag_match((struct slice){g, strlen(v)}, slice_str("\"abc\"")));
	test_guarded_free(base, maplen);
}

/* Normalises s (guarded) and compares with want; want NULL expects ERR_PROTO. */
static void
check_norm(const char *s, const char *want)
{
	uint8_t out[256];
	void *base;
	size_t maplen;
	const uint8_t *g = test_guarded(s, strlen(s), &base, &maplen);
	int rc = http_path_normalize((struct slice){g, strlen(s)}, out, sizeof(out));
	test_guarded_free(base, maplen);
	if (!want) {
		if (rc != ERR_PROTO)
			printf("    path: %s\n", s);
		CHECK_INT_EQ(rc, ERR_PROTO);
		return;
	}
	if (rc < 0) {
		printf("    path: %s\n", s);
		CHECK_INT_EQ(rc, (int)strlen(want));
		return;
	}
	CHECK_MEM_STR(out, (size_t)rc, want);
}

static void
t_path_normalize(void)
{
	check_norm("/", "/");
	check_norm("/a", "/a");
	check_norm("/a/", "/a");
	check_norm("//a///b/", "/a/b");
	check_norm("/a/./b/../c", "/a/c");
	check_norm("/a/b/..", "/a");
	check_norm("/a/..", "/");
	check_norm("/.", "/");
	check_norm("/./", "/");
	check_norm("/a/.", "/a");
	check_norm("/...", "/...");
	check_norm("/a/.hidden/..x", "/a/.hidden/..x");
	check_norm("/folder/my-note", "/folder/my-note");
	check_norm("/a%20b", "/a b");
	check_norm("/a%2Fb", "/a/b");
	check_norm("/a/%2e%2e/b", "/b");
	check_norm("/a/%2E/b", "/a/b");
	check_norm("/a/.%2e/b", "/b");
	check_norm("/caf%C3%A9", "/caf\xc3\xa9");
	check_norm("/caf\xc3\xa9/\xe6\x97\xa5", "/caf\xc3\xa9/\xe6\x97\xa5");
	check_norm("/%41%62", "/Ab");
	check_norm("/../x", NULL);
	check_norm("/..", NULL);
	check_norm("/a/../../x", NULL);
	check_norm("/%2e%2e/x", NULL);
	check_norm("/%2E%2E", NULL);
	check_norm("/a%00b", NULL);
	check_norm("/a%zzb", NULL);
	check_norm("/a%2", NULL);
	check_norm("/a%", NULL);
	check_norm("/a%g0", NULL);
	check_norm("a/b", NULL);
	check_norm("", NULL);
	check_norm("*", NULL);

	uint8_t out[8];
	CHECK_INT_EQ(http_path_normalize(slice_str("/abcdefgh"), out, sizeof(out)), ERR_TOOBIG);
	CHECK_INT_EQ(http_path_normalize(slice_str("/abcdefg"), out, sizeof(out)), 8);
	CHECK_INT_EQ(http_path_normalize(slice_str("/abcdefg/"), out, sizeof(out)), 8);
	CHECK_INT_EQ(http_path_normalize(slice_str("/a//////////b"), out, sizeof(out)), 4);
	const char nul[] = "/a\0b";
	CHECK_INT_EQ(http_path_normalize((struct slice){(const uint8_t *)nul, 4}, out, sizeof(out)),
	             ERR_PROTO);
}

static void
t_reason(void)
{
	CHECK_STR_EQ(http_reason(200), "OK");
	CHECK_STR_EQ(http_reason(404), "Not Found");
	CHECK_STR_EQ(http_reason(431), "Request Header Fields Too Large");
	CHECK_STR_EQ(http_reason(505), "HTTP Version Not Supported");
	CHECK_STR_EQ(http_reason(799), "Unknown");
}

static void
t_cleanup(void)
{
	guard_release();
}

static const struct test tests[] = {
        {"simple_get", t_simple_get},
        {"methods", t_methods},
        {"bad_method", t_bad_method},
        {"version", t_version},
        {"line_endings", t_line_endings},
        {"header_syntax", t_header_syntax},
        {"header_get", t_header_get},
        {"oversized_head", t_oversized_head},
        {"too_many_headers", t_too_many_headers},
        {"long_target", t_long_target},
        {"content_length", t_content_length},
        {"transfer_encoding", t_transfer_encoding},
        {"host_and_connection", t_host_and_connection},
        {"absolute_form", t_absolute_form},
        {"incomplete", t_incomplete},
        {"pipelined", t_pipelined},
        {"bytewise", t_bytewise},
        {"accept_encoding", t_accept_encoding},
        {"etag", t_etag},
        {"path_normalize", t_path_normalize},
        {"reason", t_reason},
        {"cleanup", t_cleanup},
};

TEST_MAIN(tests)
