/*
 * http.c: the HTTP/1.x request-head parser and the header helpers frontd and ingestd's
 * API share (contract in http.h). Every scan is bounded by the head's final line feed or
 * by len, character classes come from one lookup table, and nothing is allocated: the
 * request points into the caller's buffer.
 *
 * Incremental parsing: the end of the head is searched only in bytes not yet examined
 * (*scanned). While the head is incomplete, the request line is checked as far as it has
 * arrived, so garbage (a TLS hello on the plain port, a binary probe) is answered at once
 * instead of after the header timeout. The checks run left to right with the same rules
 * whether the head arrives whole or byte by byte, so both give the same answer.
 *
 * Choices where RFC 9110/9112 leave room: an HTTP/1.1 request without exactly one Host
 * is refused (400); absolute-form targets take their host from the target; versions
 * 1.2 and up are spoken as 1.1; Content-Length must be plain digits (a list such as
 * "5, 5" is refused, repeated identical lines are fine); a method token over 32 bytes is
 * answered 501; of repeated If-None-Match, Accept-Encoding, Authorization or
 * Content-Type lines the first counts.
 */
#include "shared/http.h"

#include <string.h>

#include "shared/err.h"

#define HTTP_MAX_METHOD 32 /* a longer token is an unknown method: 501 */

/* Character classes, one bit each. */
enum {
	CH_TCHAR = 1,  /* token character (RFC 9110 5.6.2): methods and field names */
	CH_VALUE = 2,  /* field value: VCHAR, SP, HTAB, obs-text */
	CH_TARGET = 4, /* request target: VCHAR and obs-text (raw UTF-8 is tolerated) */
	CH_HEX = 8,    /* hex digit */
};

/* clang-format off */
static const uint8_t http_cls[256] = {
	 0,  0,  0,  0,  0,  0,  0,  0,  0,  2,  0,  0,  0,  0,  0,  0,
	 0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,
	 2,  7,  6,  7,  7,  7,  7,  7,  6,  6,  7,  7,  6,  7,  7,  6,
	15, 15, 15, 15, 15, 15, 15, 15, 15, 15,  6,  6,  6,  6,  6,  6,
	 6, 15, 15, 15, 15, 15, 15,  7,  7,  7,  7,  7,  7,  7,  7,  7,
	 7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  6,  6,  6,  7,  7,
	 7, 15, 15, 15, 15, 15, 15,  7,  7,  7,  7,  7,  7,  7,  7,  7,
	 7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  7,  6,  7,  6,  7,  0,
	 6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,
	 6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,
	 6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,
	 6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,
	 6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,
	 6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,
	 6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,
	 6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,  6,
};
/* clang-format on */

static inline uint8_t
lc(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c | 0x20) : c;
}

/* ASCII case-insensitive comparison of s with a lowercase literal of length n. */
static bool
ieq(struct slice s, const char *lit, size_t n)
{
	if (s.len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lc(s.ptr[i]) != (uint8_t)lit[i])
			return false;
	return true;
}

#define IEQ(s, lit) ieq((s), (lit), sizeof(lit) - 1)

static inline bool
is_ows(uint8_t c)
{
	return c == ' ' || c == '\t';
}

static struct slice
trim_ows(struct slice s)
{
	while (s.len && is_ows(s.ptr[0])) {
		s.ptr++;
		s.len--;
	}
	while (s.len && is_ows(s.ptr[s.len - 1]))
		s.len--;
	return s;
}

/*
 * Splits the next element off a comma-separated list: *rest advances past it and its
 * comma. Returns false when no element is left. Elements are trimmed and may be empty.
 */
static bool
list_next(struct slice *rest, struct slice *elem)
{
	if (rest->len == 0)
		return false;
	const uint8_t *comma = memchr(rest->ptr, ',', rest->len);
	size_t n = comma ? (size_t)(comma - rest->ptr) : rest->len;
	*elem = trim_ows((struct slice){rest->ptr, n});
	size_t skip = comma ? n + 1 : n;
	rest->ptr += skip;
	rest->len -= skip;
	return true;
}

/* ---- request line --------------------------------------------------------------------- */

static enum http_method
method_of(struct slice m)
{
	switch (m.len) {
	case 3:
		if (memcmp(m.ptr, "GET", 3) == 0)
			return HTTP_GET;
		if (memcmp(m.ptr, "PUT", 3) == 0)
			return HTTP_PUT;
		break;
	case 4:
		if (memcmp(m.ptr, "HEAD", 4) == 0)
			return HTTP_HEAD;
		if (memcmp(m.ptr, "POST", 4) == 0)
			return HTTP_POST;
		break;
	case 6:
		if (memcmp(m.ptr, "DELETE", 6) == 0)
			return HTTP_DELETE;
		break;
	case 7:
		if (memcmp(m.ptr, "OPTIONS", 7) == 0)
			return HTTP_OPTIONS;
		break;
	default:
		break;
	}
	return HTTP_OTHER;
}

/* Whether s starts with lit (a lowercase literal), ignoring ASCII case. */
static bool
istarts(struct slice s, const char *lit)
{
	size_t n = strlen(lit);
	return s.len >= n && ieq((struct slice){s.ptr, n}, lit, n);
}

/*
 * Splits the target into path and query. Origin-form ("/p?q") is the usual case;
 * absolute-form ("http://host/p") sets *authority, which then overrides Host
 * (RFC 9112 3.2.2). Other forms keep the whole target as the path for the caller to
 * refuse.
 */
static void
split_target(struct http_req *req, struct slice *authority)
{
	struct slice t = req->target;
	size_t skip = 0;
	*authority = (struct slice){NULL, 0};
	if (t.ptr[0] != '/') {
		if (istarts(t, "http://"))
			skip = 7;
		else if (istarts(t, "https://"))
			skip = 8;
	}
	if (skip) {
		size_t a = skip;
		while (a < t.len && t.ptr[a] != '/' && t.ptr[a] != '?' && t.ptr[a] != '#')
			a++;
		*authority = (struct slice){t.ptr + skip, a - skip};
		t.ptr += a;
		t.len -= a;
	}
	size_t i = 0;
	while (i < t.len && t.ptr[i] != '?' && t.ptr[i] != '#')
		i++;
	req->path = (struct slice){t.ptr, i};
	if (skip && (i == 0 || t.ptr[0] != '/'))
		req->path = SLICE_LIT("/"); /* "http://host" and "http://host?q" mean "/" */
	req->query = (struct slice){NULL, 0};
	if (i < t.len && t.ptr[i] == '?') {
		size_t q = i + 1, e = q;
		while (e < t.len && t.ptr[e] != '#')
			e++;
		req->query = (struct slice){t.ptr + q, e - q};
	}
}

/*
 * Checks the request line p[n] (without its line ending) when complete is true, or the
 * part of it received so far when false. Returns 0 (valid, or valid so far) or the status
 * to answer. A complete line also fills method, target, path, query and minor.
 */
static int
request_line(const uint8_t *p, size_t n, bool complete, struct http_req *req,
             struct slice *authority)
{
	size_t i = 0;
	while (i < n && (http_cls[p[i]] & CH_TCHAR))
		i++;
	if (i > HTTP_MAX_METHOD)
		return 501;
	if (i == n)
		return complete ? 400 : 0;
	if (i == 0 || p[i] != ' ')
		return 400;
	size_t t0 = i + 1, j = t0;
	while (j < n && (http_cls[p[j]] & CH_TARGET))
		j++;
	if (j - t0 > HTTP_MAX_TARGET)
		return 414;
	if (j == n)
		return complete ? 400 : 0; /* a line without a version: HTTP/0.9 is not spoken */
	if (j == t0 || p[j] != ' ')
		return 400;
	static const char proto[] = "HTTP/d.d";
	const uint8_t *v = p + j + 1;
	size_t vn = n - j - 1;
	if (vn > 8 || (complete && vn != 8))
		return 400;
	for (size_t k = 0; k < vn; k++) {
		bool ok =
		        proto[k] == 'd' ? (v[k] >= '0' && v[k] <= '9') : v[k] == (uint8_t)proto[k];
		if (!ok)
			return 400;
	}
	if (!complete)
		return 0;
	if (v[5] != '1')
		return 505;
	req->method_str = (struct slice){p, i};
	req->method = method_of(req->method_str);
	req->target = (struct slice){p + t0, j - t0};
	req->minor = v[7] == '0' ? 0 : 1; /* 1.2 and later minors are spoken as 1.1 */
	split_target(req, authority);
	return 0;
}

/* ---- header fields -------------------------------------------------------------------- */

/* Framing facts gathered over all header lines, judged once the head is complete. */
struct framing {
	bool te_seen;
	bool te_chunked;     /* chunked seen */
	bool te_after_chunk; /* a coding after chunked, or chunked twice: 400 */
	bool te_other;       /* a coding folio does not decode: 501 */
	bool conn_close;
	bool conn_keep_alive;
};

static int
parse_content_length(struct slice v, struct http_req *req)
{
	if (v.len == 0 || v.len > 18)
		return 400;
	int64_t n = 0;
	for (size_t i = 0; i < v.len; i++) {
		if (v.ptr[i] < '0' || v.ptr[i] > '9')
			return 400;
		n = n * 10 + (v.ptr[i] - '0');
	}
	if (req->content_length >= 0 && req->content_length != n)
		return 400;
	req->content_length = n;
	return 0;
}

static int
parse_transfer_encoding(struct slice v, struct framing *f)
{
	struct slice rest = v, e;
	bool any = false;
	f->te_seen = true;
	while (list_next(&rest, &e)) {
		if (e.len == 0)
			continue;
		any = true;
		if (f->te_chunked)
			f->te_after_chunk = true;
		if (IEQ(e, "chunked"))
			f->te_chunked = true;
		else
			f->te_other = true;
	}
	return any ? 0 : 400;
}

static void
parse_connection(struct slice v, struct framing *f)
{
	struct slice rest = v, e;
	while (list_next(&rest, &e)) {
		if (IEQ(e, "close"))
			f->conn_close = true;
		else if (IEQ(e, "keep-alive"))
			f->conn_keep_alive = true;
	}
}

static void
first_of(struct slice *dst, struct slice v)
{
	if (!dst->ptr)
		*dst = v;
}

/* Records the fields folio acts on. Returns 0 or the status to answer. */
static int
classify(struct http_req *req, struct framing *f, struct slice name, struct slice value)
{
	switch (name.len) {
	case 4:
		if (IEQ(name, "host")) {
			if (req->host.ptr)
				return 400; /* RFC 9112 3.2: more than one Host */
			req->host = value;
		}
		break;
	case 6:
		if (IEQ(name, "expect") && IEQ(value, "100-continue"))
			req->expect_continue = true;
		break;
	case 10:
		if (IEQ(name, "connection"))
			parse_connection(value, f);
		break;
	case 12:
		if (IEQ(name, "content-type"))
			first_of(&req->content_type, value);
		break;
	case 13:
		if (IEQ(name, "if-none-match"))
			first_of(&req->if_none_match, value);
		else if (IEQ(name, "authorization"))
			first_of(&req->authorization, value);
		break;
	case 14:
		if (IEQ(name, "content-length"))
			return parse_content_length(value, req);
		break;
	case 15:
		if (IEQ(name, "accept-encoding"))
			first_of(&req->accept_encoding, value);
		break;
	case 17:
		if (IEQ(name, "transfer-encoding"))
			return parse_transfer_encoding(value, f);
		break;
	default:
		break;
	}
	return 0;
}

/*
 * Parses the header lines in buf[p, end). The caller found the head's end, so every line
 * here ends in a line feed before end and no scan below can run past it (LF is in no
 * character class).
 */
static int
header_lines(const uint8_t *buf, size_t p, struct http_req *req, struct framing *f)
{
	for (;;) {
		uint8_t c = buf[p];
		if (c == '\n' || (c == '\r' && buf[p + 1] == '\n'))
			return 0; /* the empty line that ends the head */
		if (is_ows(c))
			return 400; /* obs-fold (RFC 9112 5.2) or whitespace before a name */
		size_t n0 = p;
		while (http_cls[buf[p]] & CH_TCHAR)
			p++;
		if (p == n0 || buf[p] != ':')
			return 400; /* no name, no colon, or whitespace before the colon */
		struct slice name = {buf + n0, p - n0};
		p++;
		while (is_ows(buf[p]))
			p++;
		size_t v0 = p;
		while (http_cls[buf[p]] & CH_VALUE)
			p++;
		size_t v1 = p;
		if (buf[p] == '\r')
			p++;
		if (buf[p] != '\n')
			return 400; /* a control character or a bare CR in the value */
		p++;
		while (v1 > v0 && is_ows(buf[v1 - 1]))
			v1--;
		if (req->nhdrs == HTTP_MAX_HEADERS)
			return 431;
		struct slice value = {buf + v0, v1 - v0};
		req->hdrs[req->nhdrs++] = (struct http_header){name, value};
		int st = classify(req, f, name, value);
		if (st)
			return st;
	}
}

static void
req_reset(struct http_req *req)
{
	req->method = HTTP_OTHER;
	req->method_str = req->target = req->path = req->query = (struct slice){NULL, 0};
	req->minor = 0;
	req->head_len = 0;
	req->nhdrs = 0;
	req->content_length = -1;
	req->chunked = req->keep_alive = req->expect_continue = false;
	req->host = req->if_none_match = req->accept_encoding = (struct slice){NULL, 0};
	req->authorization = req->content_type = (struct slice){NULL, 0};
	req->status = 0;
}

static int
fail(struct http_req *req, int status)
{
	req->status = status;
	return ERR_PROTO;
}

/* Skips empty lines before the request line (RFC 9112 2.2); a lone CR at the end waits. */
static size_t
skip_empty_lines(const uint8_t *buf, size_t len)
{
	size_t i = 0;
	for (;;) {
		if (i < len && buf[i] == '\n')
			i++;
		else if (i + 1 < len && buf[i] == '\r' && buf[i + 1] == '\n')
			i += 2;
		else
			return i;
	}
}

/* Judges the framing once every header line is known. */
static int
finish_head(struct http_req *req, const struct framing *f, struct slice authority)
{
	if (f->te_seen) {
		if (f->te_after_chunk)
			return 400; /* chunked must be the final coding, once */
		if (f->te_other)
			return 501;
		if (req->content_length >= 0)
			return 400; /* both framings: a smuggling attempt (RFC 9112 6.3) */
		req->chunked = true;
	}
	if (req->minor >= 1 && !req->host.ptr)
		return 400; /* RFC 9112 3.2: an HTTP/1.1 request must carry Host */
	if (authority.ptr)
		req->host = authority;
	if (req->minor >= 1)
		req->keep_alive = !f->conn_close;
	else
		req->keep_alive = f->conn_keep_alive && !f->conn_close;
	return 0;
}

int
http_parse_head(const uint8_t *buf, size_t len, size_t *scanned, struct http_req *req)
{
	req_reset(req);
	size_t start = skip_empty_lines(buf, len);
	size_t limit = len < HTTP_MAX_HEAD ? len : HTTP_MAX_HEAD;
	size_t i = *scanned > start ? *scanned : start;
	size_t end = 0;
	struct slice authority;

	/* Find the empty line: a LF right after a LF, or after CR LF. */
	while (i < limit) {
		const uint8_t *q = memchr(buf + i, '\n', limit - i);
		if (!q) {
			i = limit;
			break;
		}
		size_t j = (size_t)(q - buf);
		if ((j > start && buf[j - 1] == '\n') ||
		    (j > start + 1 && buf[j - 1] == '\r' && buf[j - 2] == '\n')) {
			end = j + 1;
			break;
		}
		i = j + 1;
	}

	if (!end) {
		*scanned = i;
		int st = 0;
		if (start < limit) {
			const uint8_t *lf = memchr(buf + start, '\n', limit - start);
			if (lf) {
				size_t n = (size_t)(lf - (buf + start));
				if (n && buf[start + n - 1] == '\r')
					n--;
				st = request_line(buf + start, n, true, req, &authority);
			} else {
				/* A CR at the end may be the first half of the line's CRLF. */
				size_t n = limit - start;
				if (buf[start + n - 1] == '\r')
					n--;
				st = request_line(buf + start, n, false, req, &authority);
			}
		}
		if (st)
			return fail(req, st);
		if (len >= HTTP_MAX_HEAD)
			return fail(req, 431);
		return 0;
	}

	const uint8_t *lf = memchr(buf + start, '\n', end - start);
	size_t n = (size_t)(lf - (buf + start));
	if (n && buf[start + n - 1] == '\r')
		n--;
	int st = request_line(buf + start, n, true, req, &authority);
	if (st)
		return fail(req, st);
	struct framing f = {0};
	st = header_lines(buf, (size_t)(lf - buf) + 1, req, &f);
	if (!st)
		st = finish_head(req, &f, authority);
	if (st)
		return fail(req, st);
	req->head_len = end;
	return (int)end;
}

struct slice
http_header_get(const struct http_req *req, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < req->nhdrs; i++) {
		struct slice h = req->hdrs[i].name;
		if (h.len != n)
			continue;
		size_t k = 0;
		while (k < n && lc(h.ptr[k]) == lc((uint8_t)name[k]))
			k++;
		if (k == n)
			return req->hdrs[i].value;
	}
	return (struct slice){NULL, 0};
}

/* ---- Accept-Encoding and If-None-Match ------------------------------------------------ */

/*
 * Parses a qvalue ("0", "0.5", "1.000") into thousandths. Returns -1 if malformed.
 */
static int
parse_qvalue(struct slice v)
{
	if (v.len == 0 || v.len > 5 || (v.ptr[0] != '0' && v.ptr[0] != '1'))
		return -1;
	int q = (v.ptr[0] - '0') * 1000;
	if (v.len == 1)
		return q;
	if (v.ptr[1] != '.')
		return -1;
	int scale = 100;
	for (size_t i = 2; i < v.len; i++, scale /= 10) {
		if (v.ptr[i] < '0' || v.ptr[i] > '9')
			return -1;
		q += (v.ptr[i] - '0') * scale;
	}
	return q > 1000 ? -1 : q;
}

/* Weight of one Accept-Encoding element "coding;q=0.5": sets *coding, returns 0..1000. */
static int
coding_weight(struct slice e, struct slice *coding)
{
	const uint8_t *semi = memchr(e.ptr, ';', e.len);
	size_t n = semi ? (size_t)(semi - e.ptr) : e.len;
	*coding = trim_ows((struct slice){e.ptr, n});
	int q = 1000;
	while (semi) {
		struct slice rest = {semi + 1, e.len - (size_t)(semi + 1 - e.ptr)};
		semi = memchr(rest.ptr, ';', rest.len);
		struct slice param = trim_ows(
		        (struct slice){rest.ptr, semi ? (size_t)(semi - rest.ptr) : rest.len});
		const uint8_t *eq = memchr(param.ptr, '=', param.len);
		if (!eq)
			continue;
		struct slice pname = trim_ows((struct slice){param.ptr, (size_t)(eq - param.ptr)});
		if (!IEQ(pname, "q"))
			continue;
		struct slice pval =
		        trim_ows((struct slice){eq + 1, param.len - (size_t)(eq + 1 - param.ptr)});
		q = parse_qvalue(pval);
		if (q < 0)
			q = 0; /* a weight we cannot read is not consent */
	}
	return q;
}

bool
http_accepts_gzip(struct slice accept_encoding)
{
	int gzip_q = -1, star_q = -1;
	struct slice rest = accept_encoding, e, coding;
	if (!rest.ptr)
		return false;
	while (list_next(&rest, &e)) {
		if (e.len == 0)
			continue;
		int q = coding_weight(e, &coding);
		if (IEQ(coding, "gzip") || IEQ(coding, "x-gzip"))
			gzip_q = q;
		else if (coding.len == 1 && coding.ptr[0] == '*')
			star_q = q;
	}
	if (gzip_q >= 0)
		return gzip_q > 0;
	return star_q > 0;
}

bool
http_etag_match(struct slice if_none_match, struct slice etag)
{
	if (!if_none_match.ptr || etag.len == 0)
		return false;
	if (etag.len > 2 && etag.ptr[0] == 'W' && etag.ptr[1] == '/') {
		etag.ptr += 2; /* weak comparison: W/ never matters (RFC 9110 8.8.3.2) */
		etag.len -= 2;
	}
	const uint8_t *p = if_none_match.ptr, *end = p + if_none_match.len;
	for (;;) {
		while (p < end && (is_ows(*p) || *p == ','))
			p++;
		if (p == end)
			return false;
		if (*p == '*')
			return true;
		if (end - p > 2 && p[0] == 'W' && p[1] == '/')
			p += 2;
		const uint8_t *t0 = p;
		if (*p == '"') {
			const uint8_t *close = memchr(p + 1, '"', (size_t)(end - p - 1));
			if (!close)
				return false; /* unterminated: malformed, matches nothing */
			p = close + 1;
		} else {
			while (p < end && *p != ',' && !is_ows(*p))
				p++; /* an unquoted tag from a sloppy client: compare as is */
		}
		struct slice tag = {t0, (size_t)(p - t0)};
		if (tag.len == etag.len && memcmp(tag.ptr, etag.ptr, tag.len) == 0)
			return true;
		while (p < end && *p != ',')
			p++;
	}
}

/* ---- path normalisation --------------------------------------------------------------- */

static inline int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return lc(c) - 'a' + 10;
}

/*
 * Closes the segment out[*seg, *o): drops ".", pops the previous segment for "..",
 * collapses empty ones, else keeps it. Returns 0 or ERR_PROTO when ".." climbs above
 * the root.
 */
static int
close_segment(uint8_t *out, size_t *o, size_t *seg)
{
	size_t n = *o - *seg;
	const uint8_t *s = out + *seg;
	if (n == 1 && s[0] == '.') {
		*o = *seg;
	} else if (n == 2 && s[0] == '.' && s[1] == '.') {
		if (*seg == 1)
			return ERR_PROTO;
		size_t k = *seg - 1; /* the '/' that ends the previous segment */
		while (k > 0 && out[k - 1] != '/')
			k--;
		*o = *seg = k;
	}
	return 0;
}

int
http_path_normalize(struct slice path, uint8_t *out, size_t cap)
{
	if (path.len == 0 || !path.ptr || path.ptr[0] != '/')
		return ERR_PROTO;
	if (cap == 0)
		return ERR_TOOBIG;
	/*
	 * out[seg, o) is the segment being decoded. A kept segment's closing '/' is written
	 * only when another segment follows (sep), so a trailing slash never needs room.
	 */
	size_t o = 0, seg = 1;
	bool sep = false;
	out[o++] = '/';
	for (size_t i = 1; i < path.len; i++) {
		uint8_t c = path.ptr[i];
		if (c == '%') {
			if (path.len - i < 3 || !(http_cls[path.ptr[i + 1]] & CH_HEX) ||
			    !(http_cls[path.ptr[i + 2]] & CH_HEX))
				return ERR_PROTO;
			c = (uint8_t)(hexval(path.ptr[i + 1]) << 4 | hexval(path.ptr[i + 2]));
			i += 2;
		}
		if (c == '\0')
			return ERR_PROTO;
		if (c != '/') {
			if (sep) {
				if (o >= cap)
					return ERR_TOOBIG;
				out[o++] = '/';
				seg = o;
				sep = false;
			}
			if (o >= cap)
				return ERR_TOOBIG;
			out[o++] = c;
			continue;
		}
		if (sep || o == seg)
			continue; /* an empty segment: "//" collapses */
		if (close_segment(out, &o, &seg) < 0)
			return ERR_PROTO;
		sep = o > seg;
	}
	if (!sep && o > seg && close_segment(out, &o, &seg) < 0)
		return ERR_PROTO;
	if (o > 1 && out[o - 1] == '/')
		o--; /* "/a/.." leaves "/a/": the page is "/a" */
	return (int)o;
}

const char *
http_reason(int status)
{
	switch (status) {
	case 100:
		return "Continue";
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 204:
		return "No Content";
	case 206:
		return "Partial Content";
	case 301:
		return "Moved Permanently";
	case 302:
		return "Found";
	case 303:
		return "See Other";
	case 304:
		return "Not Modified";
	case 307:
		return "Temporary Redirect";
	case 308:
		return "Permanent Redirect";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 408:
		return "Request Timeout";
	case 409:
		return "Conflict";
	case 410:
		return "Gone";
	case 411:
		return "Length Required";
	case 413:
		return "Content Too Large";
	case 414:
		return "URI Too Long";
	case 415:
		return "Unsupported Media Type";
	case 416:
		return "Range Not Satisfiable";
	case 417:
		return "Expectation Failed";
	case 422:
		return "Unprocessable Content";
	case 429:
		return "Too Many Requests";
	case 431:
		return "Request Header Fields Too Large";
	case 500:
		return "Internal Server Error";
	case 501:
		return "Not Implemented";
	case 502:
		return "Bad Gateway";
	case 503:
		return "Service Unavailable";
	case 504:
		return "Gateway Timeout";
	case 505:
		return "HTTP Version Not Supported";
	default:
		return "Unknown";
	}
}
