/*
 * respond.c: response heads, the per-connection queue and the writev that drains it
 * (contract in respond.h). Heads are built by appending to the queue's buffer, so a head
 * is always contiguous and consecutive bodiless responses (HEAD, 304) merge into one
 * iovec. Counters are bumped when a response has been written in full, so a response
 * dropped by respond_trim() and served again later is counted once.
 */
#include "frontd/respond.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

#include "frontd/front_statsock.h"
#include "frontd/views.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/http.h"
#include "shared/pagefmt.h"

void
respond_date_update(struct respond_date *d, int64_t sec)
{
	if (d->len && d->sec == sec)
		return;
	char date[30];
	page_http_date(sec, date);
	int n = snprintf(d->line, sizeof(d->line), "Date: %s\r\nServer: folio\r\n", date);
	d->len = n > 0 && (size_t)n < sizeof(d->line) ? (size_t)n : 0;
	d->sec = sec;
}

void
respond_reset(struct respq *q)
{
	q->first = q->n = q->hlen = 0;
	q->sent = 0;
	q->stale = false;
	q->close_after = false;
	q->done = 0;
}

bool
respond_holds_map(const struct respq *q)
{
	for (uint32_t i = q->first; i < q->n; i++)
		if (q->r[i].body_src == RESPOND_BODY_MAP)
			return true;
	return false;
}

bool
respond_has_room(const struct respq *q)
{
	return q->n < RESPOND_MAX_QUEUE && RESPOND_HBUF - q->hlen >= RESPOND_MIN_ROOM;
}

#define STATUS_LINE(code, text) \
	case code:              \
		return SLICE_LIT("HTTP/1.1 " #code " " text "\r\n")

/* The status lines folio sends, prebuilt; an empty slice for any other code. */
static struct slice
status_line(int status)
{
	switch (status) {
		STATUS_LINE(200, "OK");
		STATUS_LINE(301, "Moved Permanently");
		STATUS_LINE(302, "Found");
		STATUS_LINE(304, "Not Modified");
		STATUS_LINE(307, "Temporary Redirect");
		STATUS_LINE(308, "Permanent Redirect");
		STATUS_LINE(400, "Bad Request");
		STATUS_LINE(404, "Not Found");
		STATUS_LINE(405, "Method Not Allowed");
		STATUS_LINE(408, "Request Timeout");
		STATUS_LINE(414, "URI Too Long");
		STATUS_LINE(431, "Request Header Fields Too Large");
		STATUS_LINE(500, "Internal Server Error");
		STATUS_LINE(501, "Not Implemented");
		STATUS_LINE(503, "Service Unavailable");
		STATUS_LINE(505, "HTTP Version Not Supported");
	default:
		return (struct slice){NULL, 0};
	}
}

bool
respond_put(struct respq *q, struct resp *r, const void *p, size_t n)
{
	if (n == 0)
		return true;
	if (n > RESPOND_HBUF - q->hlen)
		return false;
	memcpy(q->hbuf + q->hlen, p, n);
	q->hlen += (uint32_t)n;
	r->head_len += (uint32_t)n;
	return true;
}

struct resp *
respond_begin(struct respq *q, int status, enum respond_conn conn, const struct respond_date *d)
{
	if (!respond_has_room(q))
		return NULL;
	if (status < 100 || status > 599)
		status = 500; /* a record can hold any u16; never send a malformed line */
	struct resp *r = &q->r[q->n];
	*r = (struct resp){.head_off = q->hlen, .status = (uint16_t)status};
	struct slice sl = status_line(status);
	char tmp[80];
	if (!sl.ptr) {
		int n = snprintf(tmp, sizeof(tmp), "HTTP/1.1 %03d %s\r\n", status,
		                 http_reason(status));
		sl = (struct slice){(const uint8_t *)tmp, n > 0 ? (size_t)n : 0};
	}
	/* RESPOND_MIN_ROOM covers these lines, so the puts below cannot fail. */
	respond_put(q, r, sl.ptr, sl.len);
	respond_put(q, r, d->line, d->len);
	if (conn == RESPOND_CONN_CLOSE)
		respond_put(q, r, "Connection: close\r\n", 19);
	else if (conn == RESPOND_CONN_KEEP10)
		respond_put(q, r, "Connection: keep-alive\r\n", 24);
	r->close = conn == RESPOND_CONN_CLOSE;
	return r;
}

/* Characters a Location path keeps as they are (RFC 3986 pchar plus '/'). */
static bool
location_safe(uint8_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c != 0 && strchr("-._~!$&'()*+,;=:@/", c) != NULL;
}

bool
respond_put_location(struct respq *q, struct resp *r, struct slice path, struct slice query)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t need = 10 + 2 + (query.len ? 1 : 0);
	for (size_t i = 0; i < path.len; i++)
		need += location_safe(path.ptr[i]) ? 1 : 3;
	for (size_t i = 0; i < query.len; i++)
		need += location_safe(query.ptr[i]) || query.ptr[i] == '?' || query.ptr[i] == '%'
		                ? 1
		                : 3;
	if (need > RESPOND_HBUF - q->hlen)
		return false;
	uint8_t *o = q->hbuf + q->hlen;
	memcpy(o, "Location: ", 10);
	o += 10;
	for (size_t i = 0; i < path.len; i++) {
		uint8_t c = path.ptr[i];
		if (location_safe(c)) {
			*o++ = c;
		} else {
			*o++ = '%';
			*o++ = (uint8_t)hex[c >> 4];
			*o++ = (uint8_t)hex[c & 15];
		}
	}
	if (query.len)
		*o++ = '?';
	for (size_t i = 0; i < query.len; i++) {
		uint8_t c = query.ptr[i]; /* still percent-encoded: keep its escapes */
		if (location_safe(c) || c == '?' || c == '%') {
			*o++ = c;
		} else {
			*o++ = '%';
			*o++ = (uint8_t)hex[c >> 4];
			*o++ = (uint8_t)hex[c & 15];
		}
	}
	*o++ = '\r';
	*o++ = '\n';
	q->hlen += (uint32_t)need;
	r->head_len += (uint32_t)need;
	return true;
}

bool
respond_put_length(struct respq *q, struct resp *r, size_t n)
{
	char tmp[48];
	int len = snprintf(tmp, sizeof(tmp), "Content-Length: %zu\r\n", n);
	return len > 0 && respond_put(q, r, tmp, (size_t)len);
}

bool
respond_end_head(struct respq *q, struct resp *r)
{
	return respond_put(q, r, "\r\n", 2);
}

void
respond_body_static(struct resp *r, const void *p, size_t n)
{
	r->body_src = RESPOND_BODY_STATIC;
	r->body = p;
	r->body_len = n;
}

bool
respond_body_map(struct respq *q, struct resp *r, struct slice body, int sec, struct slice key,
                 struct slice etag)
{
	if (key.len > UINT16_MAX || etag.len > UINT8_MAX)
		return false;
	if (key.len + etag.len > RESPOND_HBUF - q->hlen)
		return false;
	r->key_off = q->hlen;
	r->key_len = (uint16_t)key.len;
	r->etag_len = (uint8_t)etag.len;
	memcpy(q->hbuf + q->hlen, key.ptr, key.len);
	if (etag.len)
		memcpy(q->hbuf + q->hlen + key.len, etag.ptr, etag.len);
	q->hlen += (uint32_t)(key.len + etag.len);
	r->sec = (uint8_t)sec;
	r->body_src = RESPOND_BODY_MAP;
	r->body = body.ptr;
	r->body_len = body.len;
	return true;
}

bool
respond_mark_view(struct respq *q, struct resp *r, struct slice key)
{
	if (r->body_src != RESPOND_BODY_MAP) {
		if (key.len > UINT16_MAX || key.len > RESPOND_HBUF - q->hlen)
			return false;
		r->key_off = q->hlen;
		r->key_len = (uint16_t)key.len;
		r->etag_len = 0;
		memcpy(q->hbuf + q->hlen, key.ptr, key.len);
		q->hlen += (uint32_t)key.len;
	}
	r->view = true;
	return true;
}

void
respond_commit(struct respq *q, struct resp *r)
{
	ASSERT(r == &q->r[q->n]);
	q->n++;
	if (r->close)
		q->close_after = true;
}

void
respond_cancel(struct respq *q, struct resp *r)
{
	ASSERT(r == &q->r[q->n]);
	q->hlen = r->head_off;
}

struct slice
respond_key(const struct respq *q, const struct resp *r)
{
	return (struct slice){q->hbuf + r->key_off, r->key_len};
}

struct slice
respond_etag(const struct respq *q, const struct resp *r)
{
	return (struct slice){q->hbuf + r->key_off + r->key_len, r->etag_len};
}

static size_t
resp_size(const struct resp *r)
{
	return r->head_len + (r->body_src != RESPOND_BODY_NONE ? r->body_len : 0);
}

size_t
respond_iov(const struct respq *q, struct iovec *iov, size_t cap, size_t *total)
{
	size_t k = 0, skip = q->sent, sum = 0;
	for (uint32_t i = q->first; i < q->n && k < cap; i++) {
		const struct resp *r = &q->r[i];
		const uint8_t *p = q->hbuf + r->head_off;
		size_t len = r->head_len, s = MIN(skip, len);
		p += s;
		len -= s;
		skip -= s;
		if (len) {
			uint8_t *prev =
			        k ? (uint8_t *)iov[k - 1].iov_base + iov[k - 1].iov_len : NULL;
			if (prev == p)
				iov[k - 1].iov_len += len; /* heads of bodiless responses run on */
			else
				iov[k++] = (struct iovec){(void *)(uintptr_t)p, len};
			sum += len;
		}
		if (r->body_src == RESPOND_BODY_NONE || r->body_len == 0)
			continue;
		p = r->body;
		len = r->body_len;
		s = MIN(skip, len);
		p += s;
		len -= s;
		skip -= s;
		if (!len)
			continue;
		if (k == cap)
			break;
		iov[k++] = (struct iovec){(void *)(uintptr_t)p, len};
		sum += len;
	}
	*total = sum;
	return k;
}

static void
count_done(struct respq *q, const struct resp *r, struct front_stats *st, int64_t *now_us)
{
	st->req_total++;
	front_statsock_done(st, r->method, q->done++ > 0, r->head_us, now_us);
	switch (r->status / 100) {
	case 1:
		st->resp_1xx++;
		break;
	case 2:
		st->resp_2xx++;
		break;
	case 3:
		st->resp_3xx++;
		break;
	case 4:
		st->resp_4xx++;
		break;
	default:
		st->resp_5xx++;
		break;
	}
	switch (r->kind) {
	case RESPOND_KIND_IDENTITY:
		st->resp_identity++;
		break;
	case RESPOND_KIND_GZIP:
		st->resp_gzip++;
		break;
	case RESPOND_KIND_304:
		st->resp_304++;
		break;
	case RESPOND_KIND_BAD:
		st->bad_requests++;
		break;
	default:
		break;
	}
}

void
respond_advance(struct respq *q, size_t n, struct front_stats *st)
{
	int64_t now_us = 0; /* read once, when the first response completes */
	st->bytes_out += n;
	while (q->first < q->n) {
		const struct resp *r = &q->r[q->first];
		size_t remain = resp_size(r) - q->sent;
		if (n < remain) {
			q->sent += n;
			return;
		}
		n -= remain;
		count_done(q, r, st, &now_us);
		if (r->view && q->views)
			views_count(q->views, respond_key(q, r));
		q->first++;
		q->sent = 0;
	}
	/* Drained: the buffer starts over. close_after stays for the caller to act on. */
	q->first = q->n = q->hlen = 0;
	q->stale = false;
}

int
respond_flush(struct respq *q, int fd, struct iovec *iov, size_t cap, struct front_stats *st)
{
	ASSERT(!q->stale);
	while (!respond_empty(q)) {
		size_t total;
		size_t k = respond_iov(q, iov, cap, &total);
		ssize_t w = writev(fd, iov, (int)k);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return ERR_AGAIN;
			if (errno == EPIPE || errno == ECONNRESET)
				return ERR_CLOSED;
			return ERR_IO;
		}
		respond_advance(q, (size_t)w, st);
		if ((size_t)w < total)
			return ERR_AGAIN; /* the socket buffer is full: wait for EPOLLOUT */
	}
	return 0;
}

uint32_t
respond_trim(struct respq *q)
{
	ASSERT(!respond_empty(q));
	struct resp *r = &q->r[q->first];
	q->n = q->first + 1;
	q->close_after = r->close;
	if (r->body_src == RESPOND_BODY_MAP) {
		q->hlen = r->key_off + r->key_len + r->etag_len;
		q->stale = true;
		r->body = NULL;
	} else {
		/* A view keeps its saved key, which follows the head. */
		q->hlen = r->view ? r->key_off + r->key_len : r->head_off + r->head_len;
	}
	return r->req_end;
}
