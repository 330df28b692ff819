/*
 * fuzz_http.c: libFuzzer target for shared/http.c. The input is a request head: it is
 * parsed whole and in pieces (which must agree), and every slice the parser hands back
 * must lie inside the input. Header values it extracted go through the Accept-Encoding,
 * If-None-Match and path helpers, whose outputs are checked too. Any violation aborts.
 *
 * Build a campaign with clang:
 *   clang -std=c17 -D_GNU_SOURCE -I. -g -O1 -fsanitize=fuzzer,address,undefined \
 *     tests/fuzz/fuzz_http.c shared/http.c -o build/fuzz/fuzz_http
 *   build/fuzz/fuzz_http -dict=tests/fuzz/http.dict tests/fuzz/corpus/http
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/err.h"
#include "shared/http.h"
#include "tests/fuzz/fuzz.h"

/* An exact-size heap copy, so the sanitizer flags any read past its end. */
static uint8_t *
copy_of(const uint8_t *data, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);
	FUZZ_CHECK(p != NULL);
	if (n)
		memcpy(p, data, n);
	return p;
}

static void
check_inside(struct slice s, const uint8_t *buf, size_t len)
{
	if (s.len == 0)
		return;
	FUZZ_CHECK(s.ptr >= buf && s.ptr + s.len <= buf + len);
}

static void
check_path(struct slice path)
{
	uint8_t out[HTTP_MAX_TARGET + 1];
	int n = http_path_normalize(path, out, sizeof(out));
	if (n < 0) {
		FUZZ_CHECK(n == ERR_PROTO || n == ERR_TOOBIG);
		return;
	}
	FUZZ_CHECK((size_t)n <= path.len && out[0] == '/');
	FUZZ_CHECK(n == 1 || out[n - 1] != '/');
	for (int i = 0; i < n; i++) {
		FUZZ_CHECK(out[i] != '\0');
		if (out[i] != '/')
			continue;
		/* No empty, "." or ".." segment survives. */
		FUZZ_CHECK(i + 1 >= n || out[i + 1] != '/');
		bool dot = i + 1 < n && out[i + 1] == '.';
		FUZZ_CHECK(!(dot && (i + 2 == n || out[i + 2] == '/')));
		FUZZ_CHECK(!(dot && i + 2 < n && out[i + 2] == '.' &&
		             (i + 3 == n || out[i + 3] == '/')));
	}
}

/* Parses data[size] with the bytes arriving in up to three pieces. */
static int
parse_pieces(const uint8_t *data, size_t size, size_t cut1, size_t cut2, struct http_req *req)
{
	size_t cuts[3] = {cut1, cut2, size}, scanned = 0;
	int rc = 0;
	for (int i = 0; i < 3; i++) {
		if (cuts[i] > size || (i && cuts[i] < cuts[i - 1]))
			continue;
		uint8_t *p = copy_of(data, cuts[i]);
		rc = http_parse_head(p, cuts[i], &scanned, req);
		free(p);
		if (rc != 0)
			return rc;
	}
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_req req, req2;
	uint8_t *buf = copy_of(data, size);
	size_t scanned = 0;
	int rc = http_parse_head(buf, size, &scanned, &req);
	FUZZ_CHECK(rc == 0 || rc == ERR_PROTO || (rc > 0 && (size_t)rc <= size));
	if (rc == ERR_PROTO) {
		int s = req.status;
		FUZZ_CHECK(s == 400 || s == 414 || s == 431 || s == 501 || s == 505);
	}
	if (rc > 0) {
		FUZZ_CHECK(req.head_len == (size_t)rc && req.head_len <= HTTP_MAX_HEAD);
		FUZZ_CHECK(req.nhdrs <= HTTP_MAX_HEADERS);
		FUZZ_CHECK(req.target.len > 0 && req.target.len <= HTTP_MAX_TARGET);
		FUZZ_CHECK(req.minor == 0 || req.minor == 1);
		check_inside(req.method_str, buf, size);
		check_inside(req.target, buf, size);
		check_inside(req.query, buf, size);
		for (size_t i = 0; i < req.nhdrs; i++) {
			check_inside(req.hdrs[i].name, buf, size);
			check_inside(req.hdrs[i].value, buf, size);
			FUZZ_CHECK(req.hdrs[i].name.len > 0);
		}
		FUZZ_CHECK(!(req.chunked && req.content_length >= 0));
		(void)http_accepts_gzip(req.accept_encoding);
		(void)http_etag_match(req.if_none_match, SLICE_LIT("\"0123456789abcdef\""));
		(void)http_header_get(&req, "x-folio");
		check_path(req.path);
	}

	/* The same bytes in pieces give the same answer. */
	size_t cut1 = size ? data[0] % (size + 1) : 0;
	size_t cut2 = size > 1 ? cut1 + data[size - 1] % (size - cut1 + 1) : size;
	int rc2 = parse_pieces(data, size, cut1, cut2, &req2);
	FUZZ_CHECK(rc2 == rc);
	if (rc == ERR_PROTO)
		FUZZ_CHECK(req2.status == req.status);
	if (rc > 0)
		FUZZ_CHECK(req2.method == req.method && req2.nhdrs == req.nhdrs &&
		           req2.keep_alive == req.keep_alive && req2.path.len == req.path.len);

	/* The whole input as a header value and as a path. */
	struct slice whole = {buf, size};
	(void)http_accepts_gzip(whole);
	(void)http_etag_match(whole, SLICE_LIT("\"abc\""));
	(void)http_etag_match(SLICE_LIT("\"abc\", W/\"x\""), whole);
	check_path(whole);
	free(buf);
	return 0;
}
