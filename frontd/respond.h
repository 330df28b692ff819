/*
 * respond.h: a connection's queue of responses and the writev that sends them.
 *
 * Response heads (status line, Date, Server, Connection and the record's header block)
 * are copied into the queue's own buffer; only bodies point into the LMDB map. Several
 * pipelined responses go out in one writev. A body pointer is valid only in the event-loop
 * iteration that produced it, so a response that cannot be finished keeps, next to its
 * head, the page key and ETag needed to find its body again (serve_refresh) and the
 * number of bytes already sent. Nothing here allocates.
 */
#ifndef FRONTD_RESPOND_H
#define FRONTD_RESPOND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "frontd/front_stats.h"
#include "shared/buf.h"

struct views;

#define RESPOND_MAX_QUEUE 16   /* responses batched per connection and writev */
#define RESPOND_HBUF      6144 /* bytes for response heads plus resume keys */
#define RESPOND_MIN_ROOM  256  /* free bytes a new response needs to start */
#define RESPOND_IOV_MAX   (RESPOND_MAX_QUEUE * 2)

/* Where a response's body lives. */
enum respond_body {
	RESPOND_BODY_NONE = 0, /* HEAD, 304, redirects */
	RESPOND_BODY_STATIC,   /* a string in the program image: always valid */
	RESPOND_BODY_MAP,      /* a page section in the LMDB map: valid this iteration only */
};

/* What a response was, for the counters. */
enum respond_kind {
	RESPOND_KIND_OTHER = 0, /* built-in answers and redirects */
	RESPOND_KIND_IDENTITY,
	RESPOND_KIND_GZIP,
	RESPOND_KIND_304,
	RESPOND_KIND_BAD, /* the parser refused the request */
};

/* How the Connection header reads. */
enum respond_conn {
	RESPOND_CONN_KEEP = 0, /* HTTP/1.1 keep-alive: no header */
	RESPOND_CONN_KEEP10,   /* HTTP/1.0 asked for keep-alive: "Connection: keep-alive" */
	RESPOND_CONN_CLOSE,    /* "Connection: close"; the connection ends after this */
};

struct resp {
	uint32_t head_off; /* head bytes in the queue buffer */
	uint32_t head_len;
	uint32_t key_off; /* page key, then ETag, in the queue buffer (map bodies) */
	uint16_t key_len;
	uint8_t etag_len;
	uint8_t sec; /* page section holding the body (enum page_sec) */
	uint8_t body_src;
	uint8_t kind;
	uint16_t status;
	bool close;
	bool view;        /* a note page view: counted in the queue's views once written */
	uint32_t req_end; /* read-buffer offset just past the request this answers */
	uint8_t method;   /* enum http_method of the request (HTTP_OTHER if unparsable) */
	int64_t head_us;  /* stats_mono_us() when its head was complete; 0: not timed */
	const uint8_t *body;
	size_t body_len;
};

struct respq {
	uint32_t first; /* entries [first, n) wait to be written */
	uint32_t n;
	uint32_t hlen; /* bytes of hbuf in use */
	size_t sent;   /* bytes of r[first] already written, head then body */
	bool stale;    /* r[first]'s body pointer is from an ended txn: refresh before writing */
	bool close_after;
	struct views *views; /* where views are counted (views.h); NULL: not counted */
	uint32_t done;       /* responses written in full since respond_reset (keep-alive reuse) */
	struct resp r[RESPOND_MAX_QUEUE];
	uint8_t hbuf[RESPOND_HBUF];
};

/* The Date and Server lines, rebuilt when the second changes. */
struct respond_date {
	int64_t sec;
	size_t len;
	char line[64]; /* "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\nServer: folio\r\n" */
};

/* Reformats d for unix time sec unless it already holds that second. */
void respond_date_update(struct respond_date *d, int64_t sec);

/* Empties q (keeps nothing). */
void respond_reset(struct respq *q);

static inline bool
respond_empty(const struct respq *q)
{
	return q->first == q->n;
}

/* Whether a queued response has its body in the map (the read txn must not renew). */
bool respond_holds_map(const struct respq *q);

/* Whether another response can start: a free slot and RESPOND_MIN_ROOM bytes. */
bool respond_has_room(const struct respq *q);

/*
 * Starts a response: status line, Date, Server and Connection into the buffer. Returns
 * the entry, not yet queued, or NULL when q has no room (flush first). Until
 * respond_commit() the entry can be dropped with respond_cancel().
 */
struct resp *respond_begin(struct respq *q, int status, enum respond_conn conn,
                           const struct respond_date *d);
/* Appends header bytes (complete "Name: value\r\n" lines). False when out of room. */
bool respond_put(struct respq *q, struct resp *r, const void *p, size_t n);
/* Appends "Location: <path percent-encoded>[?query]\r\n". False when out of room. */
bool respond_put_location(struct respq *q, struct resp *r, struct slice path, struct slice query);
/* Appends "Content-Length: n\r\n". False when out of room. */
bool respond_put_length(struct respq *q, struct resp *r, size_t n);
/* Ends the head with the blank line. False when out of room. */
bool respond_end_head(struct respq *q, struct resp *r);
/* Sets a body that stays valid (a string literal). */
void respond_body_static(struct resp *r, const void *p, size_t n);
/*
 * Sets a body in the LMDB map and stores key and etag (etag <= 255 bytes) after the head,
 * so the body can be found again after the txn ends. False when out of room.
 */
bool respond_body_map(struct respq *q, struct resp *r, struct slice body, int sec, struct slice key,
                      struct slice etag);
/*
 * Marks r as a view of the page at key (copied after the head unless respond_body_map
 * already saved it), to be counted in q->views once r is written in full. False when out
 * of room.
 */
bool respond_mark_view(struct respq *q, struct resp *r, struct slice key);
/* Queues r (the entry respond_begin returned). */
void respond_commit(struct respq *q, struct resp *r);
/* Drops r before it was committed, giving back its buffer space. */
void respond_cancel(struct respq *q, struct resp *r);

/* The saved key and ETag of a map-body entry. */
struct slice respond_key(const struct respq *q, const struct resp *r);
struct slice respond_etag(const struct respq *q, const struct resp *r);

/*
 * Fills iov[cap] with what is left to send, from r[first] skipping q->sent bytes. Returns
 * the number of entries (0 when nothing is left) and the byte total in *total.
 */
size_t respond_iov(const struct respq *q, struct iovec *iov, size_t cap, size_t *total);

/*
 * Accounts for n bytes written: finished responses leave the queue (counted in st) and
 * q->sent moves into the next one. When the queue empties, its buffer is reused.
 */
void respond_advance(struct respq *q, size_t n, struct front_stats *st);

/*
 * Writes the queue to fd with writev (iov is scratch of cap entries). Returns 0 when
 * everything was written, ERR_AGAIN when the socket is full (what is left stays queued),
 * ERR_CLOSED when the peer is gone, or ERR_IO. Never blocks.
 */
int respond_flush(struct respq *q, int fd, struct iovec *iov, size_t cap, struct front_stats *st);

/*
 * After a flush that could not finish: keeps r[first] (to be completed later from its
 * saved key) and drops every response after it, so their requests are parsed and served
 * again later. Returns the read-buffer offset to resume parsing from.
 */
uint32_t respond_trim(struct respq *q);

#endif
