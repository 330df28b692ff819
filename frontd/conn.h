/*
 * conn.h: client connections. All of them come from one pool allocated at start (sized
 * max_conns, backed lazily by the kernel so untouched slots cost no memory); each has a
 * fixed read buffer and a response queue, so serving allocates nothing.
 *
 * A connection reads, parses every complete request in its buffer, queues the responses
 * and writes them with one writev, all in one callback. Only when the socket is full does
 * it wait for EPOLLOUT, and then it reads nothing until the queue has drained.
 */
#ifndef FRONTD_CONN_H
#define FRONTD_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontd/accesslog.h"
#include "frontd/loop.h"
#include "frontd/respond.h"
#include "shared/http.h"

#define CONN_RBUF         (HTTP_MAX_HEAD + 4096) /* a full head plus pipelined slack */
#define CONN_ACCEPT_BATCH 64                     /* accepts per readiness event */

enum conn_state {
	CONN_FREE = 0,
	CONN_READ,    /* waiting for requests (EPOLLIN) */
	CONN_WRITE,   /* the socket was full: waiting for EPOLLOUT */
	CONN_LINGER,  /* answered and shut down for writing: draining input, then close */
	CONN_CLOSING, /* closed this iteration; freed at its end */
};

struct conn {
	struct loop_src src; /* LOOP_CONN: epoll hands this back */
	uint8_t state;
	uint8_t timer; /* enum loop_timer list it is on */
	bool linger;   /* close gracefully (shutdown, drain) rather than at once */
	int fd;
	uint32_t watch; /* the epoll events registered for fd */
	uint32_t rlen;  /* bytes in rbuf */
	uint32_t rpos;  /* start of the next request to parse */
	size_t scanned; /* http_parse_head's progress on the request at rpos */
	int64_t stamp;  /* when it joined its timer list */
	struct conn *tprev, *tnext;
	struct conn *next; /* free list or closing list */
	struct respq q;
	uint32_t alog_skip;         /* answers queued again after a partial write: logged once */
	struct accesslog_peer peer; /* client address, when the access log is on */
	uint8_t rbuf[CONN_RBUF];
};

struct conn_pool {
	struct conn *mem;
	size_t cap;
	size_t fresh; /* slots [fresh, cap) were never used */
	size_t open;
	size_t map_len;
	struct conn *free;
};

/* Reserves cap connections (address space only). Returns 0 or ERR_NOMEM. */
int conn_pool_init(struct conn_pool *p, size_t cap);
void conn_pool_fini(struct conn_pool *p);
/* A free connection, zeroed for use, or NULL when max_conns are open. */
struct conn *conn_pool_get(struct conn_pool *p);
void conn_pool_put(struct conn_pool *p, struct conn *c);

/* Accepts waiting connections (up to CONN_ACCEPT_BATCH) and reads from each at once. */
void conn_accept(struct frontd *fd);
/* Handles epoll events for c. */
void conn_event(struct frontd *fd, struct conn *c, uint32_t events);
/* Called by the loop when c's timer list has expired it. */
void conn_expire(struct frontd *fd, struct conn *c, enum loop_timer which);
/* Marks c closed now and queues it to be freed at the end of the iteration. */
void conn_close(struct frontd *fd, struct conn *c);
/* Frees connections closed during this iteration. */
void conn_reap(struct frontd *fd);
/* At shutdown: closes every connection that has no request in progress. */
void conn_close_idle(struct frontd *fd);

#endif
