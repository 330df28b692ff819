/*
 * serve.c: routing a parsed request to a queued response (contract in serve.h). The only
 * work per request is one snapshot check, one or two B-tree lookups, the record's bounds
 * check and a few memcpy of precomputed header lines; bodies are never copied.
 *
 * Requests with a body: folio serves only GET and HEAD, which carry none, so a body is
 * never read. GET or HEAD with Content-Length > 0 or chunked is answered 400 and the
 * connection is closed (after draining, see conn_end), since the body bytes would
 * otherwise be parsed as the next request. Other methods get 405, closing likewise when
 * they carry a body.
 */
#include "frontd/serve.h"

#include "frontd/conn.h"
#include "frontd/frontd.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/log.h"
#include "shared/pagefmt.h"
#include "shared/store.h"

/* Bodies of the answers frontd makes up itself. */
static struct slice
builtin_body(int status)
{
	switch (status) {
	case 400:
		return SLICE_LIT("400 Bad Request\n");
	case 404:
		return SLICE_LIT("404 Not Found\n");
	case 405:
		return SLICE_LIT("405 Method Not Allowed: folio serves GET and HEAD\n");
	case 408:
		return SLICE_LIT("408 Request Timeout\n");
	case 414:
		return SLICE_LIT("414 URI Too Long\n");
	case 431:
		return SLICE_LIT("431 Request Header Fields Too Large\n");
	case 500:
		return SLICE_LIT("500 Internal Server Error\n");
	case 501:
		return SLICE_LIT("501 Not Implemented\n");
	case 503:
		return SLICE_LIT("503 Service Unavailable: no pages published yet\n");
	case 505:
		return SLICE_LIT("505 HTTP Version Not Supported\n");
	default:
		return (struct slice){NULL, 0};
	}
}

static enum respond_conn
conn_mode(const struct frontd *fd, const struct http_req *req, bool close)
{
	if (close || fd->stopping || !req->keep_alive)
		return RESPOND_CONN_CLOSE;
	return req->minor == 0 ? RESPOND_CONN_KEEP10 : RESPOND_CONN_KEEP;
}

/* Queues a plain-text answer made up here; extra holds header lines to add. */
static int
builtin(struct frontd *fd, struct conn *c, int status, enum respond_conn mode, bool head,
        struct slice extra, enum respond_kind kind, uint32_t req_end)
{
	struct respq *q = &c->q;
	struct resp *r = respond_begin(q, status, mode, &fd->date);
	if (!r)
		return ERR_TOOBIG;
	struct slice body = builtin_body(status);
	bool ok = true;
	if (body.len)
		ok = respond_put(q, r, "Content-Type: text/plain; charset=utf-8\r\n", 41);
	ok = ok && respond_put_length(q, r, body.len) && respond_put(q, r, extra.ptr, extra.len) &&
	     respond_end_head(q, r);
	if (!ok) {
		respond_cancel(q, r);
		return ERR_TOOBIG;
	}
	if (!head && body.len)
		respond_body_static(r, body.ptr, body.len);
	r->kind = (uint8_t)kind;
	r->req_end = req_end;
	respond_commit(q, r);
	return 0;
}

int
serve_error(struct frontd *fd, struct conn *c, int status, uint32_t req_end)
{
	enum respond_kind kind =
	        status == 408 || status == 500 ? RESPOND_KIND_OTHER : RESPOND_KIND_BAD;
	int rc = builtin(fd, c, status, RESPOND_CONN_CLOSE, false, (struct slice){NULL, 0}, kind,
	                 req_end);
	if (rc == 0)
		c->linger = true;
	return rc;
}

/* Looks key up and validates the record. Returns 0, ERR_NOTFOUND, ERR_CORRUPT or ERR_STALE. */
static int
lookup(struct frontd *fd, struct slice key, struct page_view *v)
{
	struct slice rec;
	int rc = store_get(fd->store, key, &rec);
	if (rc)
		return rc;
	rc = page_decode(rec, v);
	if (rc) {
		LOG_RATELIMIT(log_warn("serve.corrupt", "key=%.*s err=%s", (int)MIN(key.len, 200),
		                       (const char *)key.ptr, err_str(rc)));
		return ERR_CORRUPT;
	}
	return 0;
}

/*
 * Access control hook: whether this request may see the page. Private pages need a
 * signed-in reader in one of the page's groups (PAGE_SEC_GROUPS); until sign-in exists
 * they are answered like missing pages, which also hides that they exist.
 */
static bool
serve_access_ok(const struct http_req *req, const struct page_view *v)
{
	(void)req;
	return !(v->flags & PAGE_PRIVATE);
}

static bool
is_redirect(int status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/*
 * Queues the answer from a page record. status_override (404 for the not-found page)
 * replaces the record's status and rules out 304.
 */
static int
serve_page(struct frontd *fd, struct conn *c, const struct http_req *req, enum respond_conn mode,
           struct slice key, const struct page_view *v, int status_override, uint32_t req_end)
{
	struct respq *q = &c->q;
	bool head = req->method == HTTP_HEAD;
	int status = status_override ? status_override : v->status;
	enum page_sec hdr = PAGE_SEC_HDR_IDENT, body = PAGE_SEC_BODY_IDENT;
	enum respond_kind kind = RESPOND_KIND_IDENTITY;
	bool has_body = true;

	if ((v->flags & PAGE_REDIRECT) || is_redirect(status)) {
		if (!is_redirect(status))
			status = 301;
		kind = RESPOND_KIND_OTHER;
		has_body = false; /* the header block holds Location and Content-Length: 0 */
	} else if (!status_override && status == 200 &&
	           http_etag_match(req->if_none_match, v->sec[PAGE_SEC_ETAG])) {
		status = 304;
		hdr = PAGE_SEC_HDR_304;
		kind = RESPOND_KIND_304;
		has_body = false;
	} else if ((v->flags & PAGE_GZIP) && http_accepts_gzip(req->accept_encoding)) {
		hdr = PAGE_SEC_HDR_GZIP;
		body = PAGE_SEC_BODY_GZIP;
		kind = RESPOND_KIND_GZIP;
	}

	struct resp *r = respond_begin(q, status, mode, &fd->date);
	if (!r)
		return ERR_TOOBIG;
	bool ok = respond_put(q, r, v->sec[hdr].ptr, v->sec[hdr].len) && respond_end_head(q, r);
	if (ok && has_body && !head)
		ok = respond_body_map(q, r, v->sec[body], body, key, v->sec[PAGE_SEC_ETAG]);
	/* A view: a note page read (200) or revalidated (304) with GET; HEAD reads nothing. */
	if (ok && !head && !status_override && (v->flags & PAGE_NOTE) &&
	    (status == 200 || status == 304))
		ok = respond_mark_view(q, r, key);
	if (!ok) {
		respond_cancel(q, r);
		return ERR_TOOBIG;
	}
	r->kind = (uint8_t)kind;
	r->req_end = req_end;
	respond_commit(q, r);
	return 0;
}

/* The site's 404 page (written by ingestd), or a plain one if there is none yet. */
static int
serve_not_found(struct frontd *fd, struct conn *c, const struct http_req *req,
                enum respond_conn mode, uint32_t req_end)
{
	struct page_view v;
	struct slice key = SLICE_LIT(SERVE_404_KEY);
	if (lookup(fd, key, &v) == 0 && !(v.flags & PAGE_REDIRECT))
		return serve_page(fd, c, req, mode, key, &v, 404, req_end);
	return builtin(fd, c, 404, mode, req->method == HTTP_HEAD, (struct slice){NULL, 0},
	               RESPOND_KIND_OTHER, req_end);
}

/* 301 to the lowercase spelling of the path, keeping the query. */
static int
serve_case_redirect(struct frontd *fd, struct conn *c, const struct http_req *req,
                    enum respond_conn mode, struct slice lower, uint32_t req_end)
{
	struct respq *q = &c->q;
	struct resp *r = respond_begin(q, 301, mode, &fd->date);
	if (!r)
		return ERR_TOOBIG;
	if (!respond_put_location(q, r, lower, req->query) ||
	    !respond_put(q, r, "Content-Length: 0\r\n", 19) || !respond_end_head(q, r)) {
		respond_cancel(q, r);
		return ERR_TOOBIG;
	}
	r->req_end = req_end;
	respond_commit(q, r);
	return 0;
}

/* Writes key in ASCII lowercase into out[cap]; false if it has no uppercase or is too long. */
static bool
lowercase_key(struct slice key, uint8_t *out, size_t cap)
{
	bool upper = false;
	if (key.len > cap)
		return false;
	for (size_t i = 0; i < key.len; i++) {
		uint8_t ch = key.ptr[i];
		if (ch >= 'A' && ch <= 'Z') {
			ch |= 0x20;
			upper = true;
		}
		out[i] = ch;
	}
	return upper;
}

int
serve_request(struct frontd *fd, struct conn *c, const struct http_req *req, uint32_t req_end)
{
	bool head = req->method == HTTP_HEAD;
	bool with_body = req->content_length > 0 || req->chunked;
	const struct slice none = {NULL, 0};

	if (req->method != HTTP_GET && !head) {
		int rc = builtin(fd, c, 405, conn_mode(fd, req, with_body), false,
		                 SLICE_LIT("Allow: GET, HEAD\r\n"), RESPOND_KIND_OTHER, req_end);
		if (rc == 0 && with_body)
			c->linger = true;
		return rc;
	}
	if (with_body) {
		int rc = builtin(fd, c, 400, RESPOND_CONN_CLOSE, head, none, RESPOND_KIND_BAD,
		                 req_end);
		if (rc == 0)
			c->linger = true;
		return rc;
	}
	if (live_is_endpoint(&fd->live, req->path))
		return live_serve(fd, c, req, req_end); /* the connection becomes a stream */
	enum respond_conn mode = conn_mode(fd, req, false);
	int n = http_path_normalize(req->path, fd->key, sizeof(fd->key));
	if (n < 0)
		return builtin(fd, c, 400, mode, head, none, RESPOND_KIND_BAD, req_end);
	struct slice key = {fd->key, (size_t)n};

	int rc = fd->store ? 0 : ERR_NOTFOUND;
	if (fd->store && !respond_holds_map(&c->q)) {
		/* Renewing now invalidates no queued body: none points into the map. */
		rc = store_read_begin(fd->store);
		if (rc)
			LOG_RATELIMIT(log_warn("store.read", "err=%s", err_str(rc)));
	}
	struct page_view v;
	if (rc == 0)
		rc = lookup(fd, key, &v);
	if (rc == 0 && serve_access_ok(req, &v))
		return serve_page(fd, c, req, mode, key, &v, 0, req_end);
	if (rc == 0 || rc == ERR_NOTFOUND) {
		if (!fd->store) {
			fd->stats.store_unavailable++;
			return builtin(fd, c, 503, mode, head, SLICE_LIT("Retry-After: 1\r\n"),
			               RESPOND_KIND_OTHER, req_end);
		}
		if (rc == ERR_NOTFOUND && lowercase_key(key, fd->alt, sizeof(fd->alt))) {
			struct slice lower = {fd->alt, key.len};
			if (lookup(fd, lower, &v) == 0 && serve_access_ok(req, &v))
				return serve_case_redirect(fd, c, req, mode, lower, req_end);
		}
		return serve_not_found(fd, c, req, mode, req_end);
	}
	if (rc == ERR_CORRUPT) {
		fd->stats.store_corrupt++;
		return builtin(fd, c, 500, mode, head, none, RESPOND_KIND_OTHER, req_end);
	}
	fd->stats.store_unavailable++;
	return builtin(fd, c, 503, mode, head, SLICE_LIT("Retry-After: 1\r\n"), RESPOND_KIND_OTHER,
	               req_end);
}

int
serve_refresh(struct frontd *fd, struct conn *c)
{
	struct respq *q = &c->q;
	struct resp *r = &q->r[q->first];
	struct page_view v;
	if (!fd->store || store_read_begin(fd->store) < 0 || lookup(fd, respond_key(q, r), &v) < 0)
		return ERR_STALE;
	struct slice body = v.sec[r->sec];
	if (!slice_eq(v.sec[PAGE_SEC_ETAG], respond_etag(q, r)) || body.len != r->body_len)
		return ERR_STALE;
	r->body = body.ptr;
	q->stale = false;
	return 0;
}
