/*
 * api.c: the push API's connections (contract in api.h). Each connection reads a request
 * head (shared/http.h parses it), checks route, method, key and body framing before taking
 * any body bytes, reads the body into one buffer, runs the request against the ingest and
 * writes the answer, then waits for the next request on the same connection. Requests are
 * served one at a time: a push holds the loop while it runs, which is what makes a push
 * atomic with respect to every other request.
 */
#include "ingestd/api.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ingestd/check.h"
#include "ingestd/ingest.h"
#include "ingestd/ingest_statsock.h"
#include "ingestd/viewapi.h"
#include "shared/buf.h"
#include "shared/config.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/http.h"
#include "shared/log.h"
#include "shared/pushmsg.h"
#include "shared/statsprom.h"

#define API_HEAD_TIMEOUT_MS 30000 /* a request head must arrive within this */
#define API_IDLE_TIMEOUT_MS 60000 /* a keep-alive connection may sit idle this long */
#define API_IO_TIMEOUT_MS   60000 /* a body or an answer must make progress this often */
#define API_READ_CHUNK      65536
#define API_KEEP_BUF        (1u << 20) /* buffers above this are freed between requests */

enum conn_state {
	CONN_HEAD,  /* reading a request head */
	CONN_BODY,  /* reading a request body */
	CONN_WRITE, /* writing an answer */
};

enum api_route {
	ROUTE_NONE,
	ROUTE_FILES,
	ROUTE_PUSH,
	ROUTE_STATUS,
	ROUTE_CHECK,
	ROUTE_REBUILD,
	ROUTE_VIEWS,
	ROUTE_METRICS,
};

struct conn {
	int fd;
	enum conn_state state;
	struct buf in;   /* request bytes: head, then body */
	size_t scanned;  /* http_parse_head's resume point */
	size_t head_len; /* of the current request */
	size_t body_len; /* Content-Length of the current request */
	enum pushmsg_format fmt;
	bool keep_alive;  /* after this answer */
	struct buf out;   /* bytes to send */
	size_t out_off;   /* how many of them are sent */
	int64_t deadline; /* ms; the connection closes when it passes */
	bool open;
	enum api_route route; /* of the current request, for the counters */
};

struct api {
	const struct config *cfg;
	struct ingest *in;
	struct viewdb *views; /* GET /api/v1/views; NULL: not offered */
	char *key;
	int lfd;
	int port;
	bool draining;
	struct conn conns[API_MAX_CONNS];
	size_t nopen;
	/* Which connection each pollfd after the listener belongs to (api_pollfds order). */
	int polled[API_MAX_CONNS];
	size_t npolled;
};

/* --- connections --------------------------------------------------------------------------- */

static void
conn_close(struct api *a, struct conn *c)
{
	if (!c->open) {
		return;
	}
	close(c->fd);
	buf_fini(&c->in);
	buf_fini(&c->out);
	c->open = false;
	a->nopen--;
}

static void
conn_accept(struct api *a, int64_t now)
{
	for (;;) {
		int fd = accept4(a->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
				LOG_RATELIMIT(
				        log_warn("api.accept", "err=\"%s\"", strerror(errno)));
			}
			return;
		}
		struct conn *c = NULL;
		for (size_t i = 0; i < API_MAX_CONNS && !a->draining; i++) {
			if (!a->conns[i].open) {
				c = &a->conns[i];
				break;
			}
		}
		if (!c) {
			LOG_RATELIMIT(log_warn("api.full", "conns=%zu", a->nopen));
			close(fd);
			continue;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		memset(c, 0, sizeof(*c));
		c->fd = fd;
		c->open = true;
		c->state = CONN_HEAD;
		c->deadline = now + API_HEAD_TIMEOUT_MS;
		buf_init(&c->in, HTTP_MAX_HEAD + (size_t)a->cfg->max_body + API_READ_CHUNK);
		buf_init(&c->out, 0);
		a->nopen++;
	}
}

/* --- answers ------------------------------------------------------------------------------- */

/* Queues a complete answer with a JSON body; the connection switches to writing it. */
static void
respond_as(struct api *a, struct conn *c, int status, const char *ctype, const char *extra,
           struct slice body, int64_t now)
{
	if (a->draining) {
		c->keep_alive = false;
	}
	ingest_statsock_answered(ingest_stats(a->in), c->route == ROUTE_PUSH, status);
	buf_printf(&c->out,
	           "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
	           "Content-Length: %zu\r\nCache-Control: no-store\r\nConnection: %s\r\n%s\r\n",
	           status, http_reason(status), ctype, body.len + 1,
	           c->keep_alive ? "keep-alive" : "close", extra ? extra : "");
	buf_put_slice(&c->out, body);
	buf_putc(&c->out, '\n');
	c->state = CONN_WRITE;
	c->deadline = now + API_IO_TIMEOUT_MS;
}

static void
respond(struct api *a, struct conn *c, int status, const char *extra, struct slice body,
        int64_t now)
{
	respond_as(a, c, status, "application/json", extra, body, now);
}

static void
respond_error(struct api *a, struct conn *c, int status, const char *msg, const char *extra,
              int64_t now)
{
	struct buf b;
	buf_init(&b, 0);
	buf_puts(&b, "{\"error\":");
	buf_put_json_str(&b, msg, strlen(msg));
	buf_putc(&b, '}');
	respond(a, c, status, extra, buf_slice(&b), now);
	buf_fini(&b);
}

/* --- requests ------------------------------------------------------------------------------ */

static enum api_route
route_of(struct slice path)
{
	if (slice_eq_str(path, "/api/v1/push")) {
		return ROUTE_PUSH;
	}
	if (slice_eq_str(path, "/api/v1/files")) {
		return ROUTE_FILES;
	}
	if (slice_eq_str(path, "/api/v1/status")) {
		return ROUTE_STATUS;
	}
	if (slice_eq_str(path, "/api/v1/views")) {
		return ROUTE_VIEWS;
	}
	if (slice_eq_str(path, "/api/v1/check")) {
		return ROUTE_CHECK;
	}
	if (slice_eq_str(path, "/api/v1/rebuild")) {
		return ROUTE_REBUILD;
	}
	if (slice_eq_str(path, "/metrics")) {
		return ROUTE_METRICS;
	}
	return ROUTE_NONE;
}

/* Compares the bearer token with the key in time independent of where they differ. */
static bool
authorised(const struct api *a, struct slice auth)
{
	static const char scheme[] = "bearer ";
	size_t n = sizeof(scheme) - 1;
	if (auth.len < n || !slice_case_eq_str((struct slice){auth.ptr, n}, scheme)) {
		return false;
	}
	struct slice tok = {auth.ptr + n, auth.len - n};
	while (tok.len && tok.ptr[0] == ' ') {
		tok.ptr++;
		tok.len--;
	}
	size_t klen = strlen(a->key);
	uint8_t diff = (uint8_t)(tok.len != klen);
	for (size_t i = 0; i < klen; i++) {
		uint8_t t = i < tok.len ? tok.ptr[i] : 0;
		diff |= (uint8_t)(t ^ (uint8_t)a->key[i]);
	}
	return klen > 0 && diff == 0;
}

/* The push body's format from its Content-Type; false if not one folio reads. */
static bool
format_of(struct slice ct, enum pushmsg_format *fmt)
{
	size_t n = 0;
	while (n < ct.len && ct.ptr[n] != ';' && ct.ptr[n] != ' ' && ct.ptr[n] != '\t') {
		n++;
	}
	struct slice type = {ct.ptr, n};
	if (slice_case_eq_str(type, "application/msgpack") ||
	    slice_case_eq_str(type, "application/x-msgpack") ||
	    slice_case_eq_str(type, "application/vnd.msgpack")) {
		*fmt = PUSHMSG_MSGPACK;
		return true;
	}
	if (slice_case_eq_str(type, "application/json")) {
		*fmt = PUSHMSG_JSON;
		return true;
	}
	return false;
}

static void
serve_json(struct api *a, struct conn *c, int rc, struct buf *body, int64_t now)
{
	if (rc < 0) {
		LOG_RATELIMIT(log_err("api.query", "err=\"%s\"", err_str(rc)));
		respond_error(a, c, 500, "database error", NULL, now);
		return;
	}
	respond(a, c, 200, NULL, buf_slice(body), now);
}

static void
serve_push(struct api *a, struct conn *c, int64_t now)
{
	struct slice body = {c->in.ptr + c->head_len, c->body_len};
	struct push_limits lim = {a->cfg->max_file, (uint64_t)a->cfg->max_files};
	struct push p;
	struct buf reply;
	struct ingest_result res = {0};
	int64_t t0 = stats_mono_us();
	buf_init(&reply, 0);
	int rc = pushmsg_decode(body, c->fmt, &lim, &p);
	if (rc == ERR_NOMEM) {
		respond_error(a, c, 500, "out of memory decoding the push", NULL, now);
		pushmsg_fini(&p);
		buf_fini(&reply);
		return;
	}
	/* A push with problems is still handed over: the ingest refuses it with the details. */
	rc = ingest_push(a->in, &p, &reply, &res);
	int status = 200;
	if (rc == ERR_PROTO || rc == ERR_TOOBIG || rc == ERR_INVAL) {
		status = 400;
	} else if (rc < 0) {
		status = 500;
	}
	if (reply.err) {
		buf_reset(&reply);
		buf_puts(&reply, "{\"error\":\"out of memory building the answer\"}");
		status = 500;
	}
	respond(a, c, status, NULL, buf_slice(&reply), now);
	ingest_statsock_pushed(ingest_stats(a->in), t0, status == 200, res.rendered);
	pushmsg_fini(&p);
	buf_fini(&reply);
}

/* GET /metrics: every process's counters for Prometheus (ingest_statsock.h). */
static bool
on_metrics(struct api *a, struct conn *c, const struct http_req *req, bool has_body, int64_t now)
{
	if (req->method != HTTP_GET) {
		respond_error(a, c, 405, "method not allowed", "Allow: GET\r\n", now);
	} else if (a->cfg->metrics_auth && !authorised(a, req->authorization)) {
		respond_error(a, c, 401, "missing or wrong API key (metrics_auth is on)",
		              "WWW-Authenticate: Bearer realm=\"folio\"\r\n", now);
	} else if (has_body) {
		respond_error(a, c, 400, "a GET request takes no body", NULL, now);
	} else {
		struct buf body;
		buf_init(&body, 0);
		ingest_statsock_metrics(a->cfg, a->in, &body);
		respond_as(a, c, 200, STATSPROM_CONTENT_TYPE, NULL, buf_slice(&body), now);
		buf_fini(&body);
	}
	return false;
}

/* GET /api/v1/check and POST /api/v1/rebuild (check.h): long, bodiless, answered at once. */
static bool
on_check(struct api *a, struct conn *c, bool rebuild, bool has_body, int64_t now)
{
	if (has_body) {
		respond_error(a, c, 400, "this request takes no body", NULL, now);
		return false;
	}
	struct buf body;
	buf_init(&body, 0);
	int rc = rebuild ? check_rebuild(a->in, &body) : check_run(a->in, &body, NULL);
	if (rc < 0) {
		char msg[160];
		snprintf(msg, sizeof(msg), "%s failed: %s", rebuild ? "rebuild" : "check",
		         err_str(rc));
		respond_error(a, c, 500, msg, NULL, now);
	} else {
		respond(a, c, 200, NULL, buf_slice(&body), now);
	}
	buf_fini(&body);
	return false;
}

/* GET /api/v1/views (viewapi.h): bad parameters are the client's 400. */
static bool
on_views(struct api *a, struct conn *c, const struct http_req *req, bool has_body, int64_t now)
{
	if (has_body || !a->views) {
		respond_error(a, c, has_body ? 400 : 404,
		              has_body ? "a GET request takes no body" : "view counts are off",
		              NULL, now);
		return false;
	}
	struct buf body;
	buf_init(&body, 0);
	int rc = viewapi_json(a->views, req->query, &body);
	if (rc == ERR_INVAL) {
		respond_error(a, c, 400, buf_cstr(&body), NULL, now);
	} else {
		serve_json(a, c, rc, &body, now);
	}
	buf_fini(&body);
	return false;
}

/*
 * Decides what to do with a parsed head. Returns true if a body must be read first.
 * Anything refused before its body answers with Connection: close, since the body bytes
 * would otherwise be read as the next request.
 */
static bool
on_head(struct api *a, struct conn *c, const struct http_req *req, int64_t now)
{
	c->head_len = req->head_len;
	c->body_len = 0;
	c->keep_alive = req->keep_alive;
	bool has_body = req->chunked || req->content_length > 0;
	if (has_body) {
		c->keep_alive = false; /* until the body is known to be read */
	}
	enum api_route r = route_of(req->path);
	c->route = r;
	if (r == ROUTE_NONE) {
		respond_error(a, c, 404, "no such endpoint", NULL, now);
		return false;
	}
	if (r == ROUTE_METRICS) {
		return on_metrics(a, c, req, has_body, now);
	}
	bool post = r == ROUTE_PUSH || r == ROUTE_REBUILD;
	if ((post && req->method != HTTP_POST) || (!post && req->method != HTTP_GET)) {
		respond_error(a, c, 405, "method not allowed",
		              post ? "Allow: POST\r\n" : "Allow: GET\r\n", now);
		return false;
	}
	if (!authorised(a, req->authorization)) {
		/* A wrong key is logged for operators watching for key guessing (a missing
		 * one is any probe); rate-limited like any line a client can cause. */
		if (req->authorization.len) {
			LOG_RATELIMIT(log_warn("api.auth", "msg=\"wrong API key\""));
		}
		respond_error(a, c, 401, "missing or wrong API key",
		              "WWW-Authenticate: Bearer realm=\"folio\"\r\n", now);
		return false;
	}
	if (r == ROUTE_CHECK || r == ROUTE_REBUILD) {
		return on_check(a, c, r == ROUTE_REBUILD, has_body, now);
	}
	if (r == ROUTE_VIEWS) {
		return on_views(a, c, req, has_body, now);
	}
	if (!post) {
		if (has_body) {
			respond_error(a, c, 400, "a GET request takes no body", NULL, now);
			return false;
		}
		struct buf body;
		buf_init(&body, 0);
		int rc = r == ROUTE_FILES ? ingest_files_json(a->in, &body)
		                          : ingest_status_json(a->in, &body);
		serve_json(a, c, rc, &body, now);
		buf_fini(&body);
		return false;
	}
	if (req->chunked || req->content_length < 0) {
		respond_error(a, c, 411, "a push needs a Content-Length", NULL, now);
		return false;
	}
	if ((uint64_t)req->content_length > a->cfg->max_body) {
		char msg[128];
		snprintf(msg, sizeof(msg), "body of %lld bytes is over max_body (%llu)",
		         (long long)req->content_length, (unsigned long long)a->cfg->max_body);
		respond_error(a, c, 413, msg, NULL, now);
		return false;
	}
	if (!format_of(req->content_type, &c->fmt)) {
		respond_error(a, c, 415,
		              "Content-Type must be application/msgpack or application/json", NULL,
		              now);
		return false;
	}
	c->body_len = (size_t)req->content_length;
	c->keep_alive = req->keep_alive;
	c->state = CONN_BODY;
	c->deadline = now + API_IO_TIMEOUT_MS;
	if (req->expect_continue) {
		buf_puts(&c->out, "HTTP/1.1 100 Continue\r\n\r\n");
	}
	return true;
}

/* Drops the finished request's bytes, keeping any pipelined request that followed it. */
static void
consume(struct conn *c, size_t n)
{
	size_t left = c->in.len - n;
	if (c->in.cap > API_KEEP_BUF && left < API_KEEP_BUF) {
		struct buf fresh;
		buf_init(&fresh, c->in.max);
		buf_put(&fresh, c->in.ptr + n, left);
		buf_fini(&c->in);
		c->in = fresh;
	} else {
		memmove(c->in.ptr, c->in.ptr + n, left);
		c->in.len = left;
	}
	c->scanned = 0;
}

/* Runs as far as the bytes in c->in allow: parse heads, finish bodies, answer. */
static void
conn_process(struct api *a, struct conn *c, int64_t now)
{
	if (c->state == CONN_HEAD && c->in.len) {
		struct http_req req;
		int rc = http_parse_head(c->in.ptr, c->in.len, &c->scanned, &req);
		if (rc < 0) {
			c->keep_alive = false;
			c->route = ROUTE_NONE;
			respond_error(a, c, req.status ? req.status : 400, "malformed request",
			              NULL, now);
			return;
		}
		if (rc == 0) {
			return;
		}
		c->deadline = now + API_HEAD_TIMEOUT_MS;
		if (!on_head(a, c, &req, now)) {
			if (c->keep_alive) {
				consume(c, c->head_len);
			}
			return;
		}
	}
	if (c->state == CONN_BODY && c->in.len - c->head_len >= c->body_len) {
		serve_push(a, c, now);
		consume(c, c->head_len + c->body_len);
	}
}

static void
conn_read(struct api *a, struct conn *c, int64_t now)
{
	size_t want = API_READ_CHUNK;
	if (c->state == CONN_BODY) {
		size_t need = c->head_len + c->body_len - MIN(c->in.len, c->head_len + c->body_len);
		want = MAX(want, MIN(need, (size_t)16 << 20));
	}
	uint8_t *dst = buf_reserve(&c->in, want);
	if (!dst) {
		conn_close(a, c);
		return;
	}
	ssize_t n = recv(c->fd, dst, want, 0);
	if (n == 0) {
		conn_close(a, c);
		return;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			conn_close(a, c);
		}
		return;
	}
	c->in.len += (size_t)n;
	if (c->state == CONN_BODY) {
		c->deadline = now + API_IO_TIMEOUT_MS;
	}
	conn_process(a, c, now);
}

static void
conn_write(struct api *a, struct conn *c, int64_t now)
{
	while (c->out_off < c->out.len) {
		ssize_t n =
		        send(c->fd, c->out.ptr + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK) {
				conn_close(a, c);
			}
			return;
		}
		c->out_off += (size_t)n;
		c->deadline = now + API_IO_TIMEOUT_MS;
	}
	buf_reset(&c->out);
	if (c->out.cap > API_KEEP_BUF) {
		buf_fini(&c->out);
		buf_init(&c->out, 0);
	}
	c->out_off = 0;
	if (c->state != CONN_WRITE) {
		return; /* a 100 Continue went out; the body follows */
	}
	if (!c->keep_alive || a->draining) {
		conn_close(a, c);
		return;
	}
	c->state = CONN_HEAD;
	c->deadline = now + (c->in.len ? API_HEAD_TIMEOUT_MS : API_IDLE_TIMEOUT_MS);
	conn_process(a, c, now); /* a pipelined request may be waiting */
	if (c->open && c->state == CONN_WRITE) {
		conn_write(a, c, now);
	}
}

/* --- the listener and the loop's hooks ----------------------------------------------------- */

int
api_open(struct api **out, const struct config *c, struct ingest *in, const char *key)
{
	*out = NULL;
	struct sockaddr_storage ss;
	socklen_t sslen;
	if (config_parse_addr(c->api_listen, &ss, &sslen) < 0) {
		log_err("api.listen", "addr=\"%s\" msg=\"not host:port\"", c->api_listen);
		return ERR_INVAL;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return ERR_IO;
	}
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sslen) < 0 || listen(fd, 128) < 0) {
		int e = errno;
		log_err("api.listen", "addr=\"%s\" err=\"%s\"", c->api_listen, strerror(e));
		close(fd);
		return e == EADDRINUSE ? ERR_EXIST : ERR_IO;
	}
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);
	getsockname(fd, (struct sockaddr *)&bound, &blen);
	struct api *a = xcalloc(1, sizeof(*a));
	a->cfg = c;
	a->in = in;
	a->key = xstrdup(key);
	a->lfd = fd;
	a->port = bound.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&bound)->sin6_port)
	                                      : ntohs(((struct sockaddr_in *)&bound)->sin_port);
	log_info("api.listen", "addr=\"%s\" port=%d", c->api_listen, a->port);
	*out = a;
	return 0;
}

void
api_close(struct api *a)
{
	if (!a) {
		return;
	}
	for (size_t i = 0; i < API_MAX_CONNS; i++) {
		conn_close(a, &a->conns[i]);
	}
	if (a->lfd >= 0) {
		close(a->lfd);
	}
	/* The key is a secret: do not leave it in freed memory. */
	explicit_bzero(a->key, strlen(a->key));
	free(a->key);
	free(a);
}

void
api_set_views(struct api *a, struct viewdb *db)
{
	a->views = db;
}

int
api_port(const struct api *a)
{
	return a->port;
}

size_t
api_pollfds(struct api *a, struct pollfd *fds, size_t cap)
{
	size_t n = 0;
	a->npolled = 0;
	if (cap == 0) {
		return 0;
	}
	fds[n++] = (struct pollfd){.fd = a->draining ? -1 : a->lfd, .events = POLLIN};
	for (size_t i = 0; i < API_MAX_CONNS && n < cap; i++) {
		struct conn *c = &a->conns[i];
		if (!c->open) {
			continue;
		}
		short ev = c->out_off < c->out.len ? POLLOUT : 0;
		if (c->state != CONN_WRITE) {
			ev |= POLLIN;
		}
		fds[n++] = (struct pollfd){.fd = c->fd, .events = ev};
		a->polled[a->npolled++] = (int)i;
	}
	return n;
}

void
api_handle(struct api *a, const struct pollfd *fds, size_t n, int64_t now)
{
	if (n > 0 && (fds[0].revents & POLLIN) && !a->draining) {
		conn_accept(a, now);
	}
	for (size_t k = 1; k < n && k - 1 < a->npolled; k++) {
		struct conn *c = &a->conns[a->polled[k - 1]];
		short re = fds[k].revents;
		if (!c->open || c->fd != fds[k].fd || !re) {
			continue;
		}
		if (re & POLLOUT) {
			conn_write(a, c, now);
		}
		if (c->open && (re & (POLLIN | POLLHUP | POLLERR)) && c->state != CONN_WRITE) {
			conn_read(a, c, now);
		} else if (c->open && (re & (POLLERR | POLLNVAL))) {
			conn_close(a, c);
		}
		if (c->open && c->state == CONN_WRITE && c->out_off < c->out.len) {
			conn_write(a, c, now); /* answer at once; poll only if the socket is full */
		}
	}
	for (size_t i = 0; i < API_MAX_CONNS; i++) {
		struct conn *c = &a->conns[i];
		if (c->open && now >= c->deadline) {
			conn_close(a, c);
		}
	}
}

int
api_timeout(const struct api *a, int64_t now)
{
	int64_t best = -1;
	for (size_t i = 0; i < API_MAX_CONNS; i++) {
		const struct conn *c = &a->conns[i];
		if (c->open && (best < 0 || c->deadline - now < best)) {
			best = MAX(c->deadline - now, 0);
		}
	}
	return best > INT32_MAX ? INT32_MAX : (int)best;
}

void
api_drain(struct api *a)
{
	a->draining = true;
	/* New clients are refused at once rather than left waiting in the backlog. */
	if (a->lfd >= 0) {
		close(a->lfd);
		a->lfd = -1;
	}
	for (size_t i = 0; i < API_MAX_CONNS; i++) {
		struct conn *c = &a->conns[i];
		if (c->open && c->state == CONN_HEAD && c->in.len == 0) {
			conn_close(a, c);
		}
	}
}

bool
api_idle(const struct api *a)
{
	return a->nopen == 0;
}
