/*
 * conn.c: client connections (contract in conn.h): the pool, accept, and the
 * read -> parse -> serve -> writev cycle with pipelining, partial writes, timeouts and
 * graceful closing.
 *
 * Partial writes: when writev cannot take everything, the first unfinished response is
 * kept (with its page key, so its body can be found again in a later txn) and every
 * response queued after it is dropped; the read position goes back to just after the
 * first one's request, so those requests are parsed and served again once the socket
 * drains. No map pointer survives the iteration, and requests stay answered in order.
 */
#include "frontd/conn.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frontd/front_statsock.h"
#include "frontd/frontd.h"
#include "frontd/serve.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/log.h"

/* ---- pool ----------------------------------------------------------------------------- */

int
conn_pool_init(struct conn_pool *p, size_t cap)
{
	*p = (struct conn_pool){0};
	size_t len = cap * sizeof(struct conn);
	/* Reserved, not committed: the kernel backs a slot's pages when it is first used. */
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return ERR_NOMEM;
	p->mem = m;
	p->cap = cap;
	p->map_len = len;
	return 0;
}

void
conn_pool_fini(struct conn_pool *p)
{
	if (p->mem)
		munmap(p->mem, p->map_len);
	*p = (struct conn_pool){0};
}

struct conn *
conn_pool_get(struct conn_pool *p)
{
	struct conn *c = p->free;
	if (c) {
		p->free = c->next;
	} else if (p->fresh < p->cap) {
		c = &p->mem[p->fresh++]; /* a fresh slot is zero already */
	} else {
		return NULL;
	}
	c->src.kind = LOOP_CONN;
	c->state = CONN_READ;
	c->timer = LOOP_TIMER_NONE;
	c->linger = false;
	c->fd = -1;
	c->watch = 0;
	c->rlen = c->rpos = 0;
	c->scanned = 0;
	c->stamp = 0;
	c->tprev = c->tnext = c->next = NULL;
	respond_reset(&c->q);
	c->alog_skip = 0;
	c->peer.text[0] = '\0';
	p->open++;
	return c;
}

void
conn_pool_put(struct conn_pool *p, struct conn *c)
{
	c->state = CONN_FREE;
	c->next = p->free;
	p->free = c;
	p->open--;
}

/* Registers events for c's fd unless they already are: epoll_ctl only on a change. */
static int
conn_watch(struct frontd *fd, struct conn *c, uint32_t events)
{
	if (c->watch == events)
		return 0;
	int rc = loop_rewatch(fd->epfd, c->fd, events, &c->src);
	if (rc == 0)
		c->watch = events;
	return rc;
}

/* ---- closing -------------------------------------------------------------------------- */

void
conn_close(struct frontd *fd, struct conn *c)
{
	if (c->state == CONN_CLOSING || c->state == CONN_FREE)
		return;
	loop_timer_clear(&fd->timers, c);
	c->state = CONN_CLOSING;
	c->next = fd->closing;
	fd->closing = c;
}

void
conn_reap(struct frontd *fd)
{
	struct conn *c;
	while ((c = fd->closing)) {
		fd->closing = c->next;
		/* -1: the socket went on as a live-reload stream. Closing also leaves the epoll
		 * set: the fd is never duplicated. */
		if (c->fd >= 0)
			close(c->fd);
		fd->stats.conns_open--;
		conn_pool_put(&fd->pool, c);
	}
}

/*
 * Ends c after its last response. A client may still be sending (pipelined requests
 * after a "Connection: close", the body of a refused request): closing with unread input
 * makes the kernel send a reset that can destroy the response in flight, so such a
 * connection is shut down for writing and drained for a while first.
 */
static void
conn_end(struct frontd *fd, struct conn *c)
{
	int unread = 0;
	if (!c->linger && c->rpos == c->rlen &&
	    (ioctl(c->fd, FIONREAD, &unread) < 0 || unread == 0)) {
		conn_close(fd, c);
		return;
	}
	if (shutdown(c->fd, SHUT_WR) < 0 || conn_watch(fd, c, EPOLLIN) < 0) {
		conn_close(fd, c);
		return;
	}
	c->state = CONN_LINGER;
	loop_timer_set(&fd->timers, c, LOOP_TIMER_LINGER, fd->now_ms);
}

static void
conn_linger_read(struct frontd *fd, struct conn *c)
{
	for (int i = 0; i < 4; i++) {
		ssize_t n = read(c->fd, c->rbuf, sizeof(c->rbuf));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			conn_close(fd, c);
			return;
		}
	}
}

/* ---- writing -------------------------------------------------------------------------- */

/*
 * Writes what is queued. Returns 0 once everything is written. Otherwise c is now
 * waiting for EPOLLOUT (ERR_AGAIN, see the top of the file) or closed (another error).
 */
static int
conn_flush(struct frontd *fd, struct conn *c)
{
	if (respond_empty(&c->q))
		return 0;
	int rc = respond_flush(&c->q, c->fd, fd->iov, RESPOND_IOV_MAX, &fd->stats);
	if (rc == 0)
		return 0;
	if (rc != ERR_AGAIN) {
		conn_close(fd, c);
		return rc;
	}
	c->alog_skip += c->q.n - c->q.first - 1; /* answers dropped here are queued again */
	c->rpos = respond_trim(&c->q);
	c->scanned = 0;
	if (conn_watch(fd, c, EPOLLOUT) < 0) {
		conn_close(fd, c);
		return ERR_IO;
	}
	c->state = CONN_WRITE;
	loop_timer_set(&fd->timers, c, LOOP_TIMER_WRITE, fd->now_ms);
	return rc;
}

/*
 * After a round of serving: writes, then either ends the connection or compacts the
 * read buffer and arms the timer that fits what is left (a partial head or nothing).
 */
static void
conn_finish(struct frontd *fd, struct conn *c, bool served)
{
	if (conn_flush(fd, c))
		return;
	if (c->q.close_after) {
		conn_end(fd, c);
		return;
	}
	if (conn_watch(fd, c, EPOLLIN) < 0) {
		conn_close(fd, c);
		return;
	}
	if (c->rpos == c->rlen) {
		c->rpos = c->rlen = 0;
	} else if (c->rpos) {
		memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
		c->rlen -= c->rpos;
		c->rpos = 0;
	}
	if (c->rlen == 0) {
		if (fd->stopping && !fd->stop_idle_at) {
			conn_close(fd, c); /* past a stop's grace (frontd_stop) */
			return;
		}
		loop_timer_set(&fd->timers, c, LOOP_TIMER_IDLE, fd->now_ms);
	} else if (served || c->timer != LOOP_TIMER_HEAD) {
		/* A new request began: its head has header_timeout_ms from now, not from
		 * its last byte, so a trickling client cannot hold the slot forever. */
		loop_timer_set(&fd->timers, c, LOOP_TIMER_HEAD, fd->now_ms);
	}
}

/* ---- reading and serving -------------------------------------------------------------- */

/* Parses and serves every complete request in the read buffer, then writes. */
static void
conn_process(struct frontd *fd, struct conn *c)
{
	struct respq *q = &c->q;
	struct http_req *req = &fd->req;
	bool served = false;
	while (!q->close_after && c->rpos < c->rlen) {
		int rc = http_parse_head(c->rbuf + c->rpos, c->rlen - c->rpos, &c->scanned, req);
		if (rc == 0)
			break;
		if (!respond_has_room(q) && conn_flush(fd, c))
			return;
		uint32_t n0 = q->n; /* a response queued past it answers this request */
		if (rc < 0) {
			if (serve_error(fd, c, req->status, c->rlen) < 0)
				conn_close(fd, c); /* cannot happen on a drained queue */
			front_statsock_stamp(q, n0, HTTP_OTHER, fd->now_us);
			if (fd->alog)
				accesslog_note(fd, c, n0, NULL);
			break;
		}
		uint32_t end = c->rpos + (uint32_t)rc;
		rc = serve_request(fd, c, req, end);
		if (rc == ERR_TOOBIG) {
			if (!respond_empty(q)) {
				if (conn_flush(fd, c))
					return;
				continue; /* parse it again and serve it into the empty queue */
			}
			LOG_RATELIMIT(
			        log_warn("serve.toobig", "head exceeds %d bytes", RESPOND_HBUF));
			serve_error(fd, c, 500, end);
		}
		front_statsock_stamp(q, n0, (uint8_t)req->method, fd->now_us);
		if (fd->alog)
			accesslog_note(fd, c, n0, req);
		c->rpos = end;
		c->scanned = 0;
		served = true;
	}
	if (c->state == CONN_CLOSING)
		return;
	conn_finish(fd, c, served);
}

static void
conn_read(struct frontd *fd, struct conn *c)
{
	if (c->rpos && c->rlen == CONN_RBUF) {
		memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
		c->rlen -= c->rpos;
		c->rpos = 0;
	}
	ssize_t n = read(c->fd, c->rbuf + c->rlen, CONN_RBUF - c->rlen);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			conn_close(fd, c);
		return;
	}
	if (n == 0) {
		conn_close(fd, c); /* the client is done; a half-sent head is abandoned */
		return;
	}
	c->rlen += (uint32_t)n;
	conn_process(fd, c);
}

/* The socket drained: finish the response that did not fit, then go on serving. */
static void
conn_write(struct frontd *fd, struct conn *c)
{
	struct respq *q = &c->q;
	if (q->stale) {
		if (serve_refresh(fd, c) < 0) {
			fd->stats.write_stale++;
			conn_close(fd, c);
			return;
		}
	}
	fd->stats.write_resumed++;
	uint64_t before = fd->stats.bytes_out;
	int rc = respond_flush(q, c->fd, fd->iov, RESPOND_IOV_MAX, &fd->stats);
	if (rc == ERR_AGAIN) {
		respond_trim(q); /* the body pointer dies with this iteration's txn */
		if (fd->stats.bytes_out != before)
			loop_timer_set(&fd->timers, c, LOOP_TIMER_WRITE, fd->now_ms);
		return;
	}
	if (rc < 0) {
		conn_close(fd, c);
		return;
	}
	c->state = CONN_READ; /* EPOLLIN is armed again once nothing is left to write */
	if (q->close_after) {
		conn_end(fd, c);
		return;
	}
	conn_process(fd, c); /* requests that arrived while the socket was full */
}

void
conn_event(struct frontd *fd, struct conn *c, uint32_t events)
{
	if (c->state == CONN_CLOSING || c->state == CONN_FREE)
		return; /* closed earlier in this iteration */
	if (events & EPOLLERR) {
		conn_close(fd, c);
		return;
	}
	switch (c->state) {
	case CONN_READ:
		if (events & (EPOLLIN | EPOLLHUP | EPOLLRDHUP))
			conn_read(fd, c);
		break;
	case CONN_WRITE:
		if (events & (EPOLLOUT | EPOLLHUP))
			conn_write(fd, c);
		break;
	case CONN_LINGER:
		conn_linger_read(fd, c);
		break;
	default:
		break;
	}
}

void
conn_accept(struct frontd *fd)
{
	for (int i = 0; i < CONN_ACCEPT_BATCH; i++) {
		struct sockaddr_storage peer;
		socklen_t peer_len = sizeof(peer);
		int s = accept4(fd->lfd, fd->alog ? (struct sockaddr *)&peer : NULL,
		                fd->alog ? &peer_len : NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (s < 0) {
			switch (errno) {
			case EINTR:
			case ECONNABORTED:
			case EPROTO:
				continue;
			case EAGAIN:
				return;
			case EMFILE:
			case ENFILE:
			case ENOBUFS:
			case ENOMEM:
				LOG_RATELIMIT(log_warn("conn.accept", "err=%s open=%zu",
				                       err_str(-errno), fd->pool.open));
				frontd_pause_listen(fd);
				return;
			default:
				LOG_RATELIMIT(log_warn("conn.accept", "err=%s", err_str(-errno)));
				return;
			}
		}
		struct conn *c = fd->stopping ? NULL : conn_pool_get(&fd->pool);
		if (!c) {
			close(s); /* over max_conns: a quick close beats an unbounded queue */
			fd->stats.conns_rejected++;
			continue;
		}
		c->fd = s;
		if (fd->alog)
			accesslog_peer_set(&c->peer, (struct sockaddr *)&peer);
		c->q.views = &fd->views; /* note pages written in full count as views there */
		int one = 1;
		setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (loop_watch(fd->epfd, s, EPOLLIN, &c->src) < 0) {
			close(s);
			conn_pool_put(&fd->pool, c);
			continue;
		}
		c->watch = EPOLLIN;
		fd->stats.conns_accepted++;
		fd->stats.conns_open++;
		loop_timer_set(&fd->timers, c, LOOP_TIMER_HEAD, fd->now_ms);
		conn_read(fd, c); /* TCP_DEFER_ACCEPT: the request is usually here already */
	}
}

void
conn_expire(struct frontd *fd, struct conn *c, enum loop_timer which)
{
	switch (which) {
	case LOOP_TIMER_HEAD:
		fd->stats.timeouts_header++;
		if (c->state == CONN_READ && c->rlen > c->rpos && respond_empty(&c->q) &&
		    serve_error(fd, c, 408, c->rlen) == 0) {
			conn_finish(fd, c, false);
			return;
		}
		break;
	case LOOP_TIMER_IDLE:
		fd->stats.timeouts_idle++;
		break;
	case LOOP_TIMER_WRITE:
		fd->stats.timeouts_write++;
		break;
	default:
		break;
	}
	conn_close(fd, c);
}

void
conn_close_idle(struct frontd *fd)
{
	static const enum loop_timer lists[] = {LOOP_TIMER_IDLE, LOOP_TIMER_HEAD};
	for (size_t i = 0; i < ARRAY_LEN(lists); i++) {
		struct conn *c = fd->timers.head[lists[i]], *next;
		for (; c; c = next) {
			next = c->tnext;
			int unread = 0; /* a request already in the socket gets its answer */
			if (c->rlen == c->rpos && respond_empty(&c->q) &&
			    (ioctl(c->fd, FIONREAD, &unread) < 0 || unread == 0))
				conn_close(fd, c);
		}
	}
}
