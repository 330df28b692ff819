/*
 * live.h: live reload. A front answers GET /_folio/live?path=P[&etag=E|&since=G] with a
 * text/event-stream that stays open, and tells that stream when a push changes page P.
 *
 * Who hears what: each stream watches one page (the reader's own), so a push is written
 * only to the streams of the pages it changed, and only when the page's ETag really
 * changed (ingestd may render a page again byte for byte). A push touching 10,000 pages
 * costs the readers of those pages one small event each, not every reader a 10,000-path
 * list.
 *
 *   hello:  event: hello / id: G / data: {"gen":G,"path":"/x","etag":"\"...\""}
 *   push:   event: push  / id: G / data: {"gen":G,"paths":["/x"]}    when /x changed
 *   comment ":" every LIVE_KEEPALIVE_MS, so proxies keep an idle stream open
 *
 * A reader that reconnects says what it saw, and if the page changed meanwhile the push
 * event follows hello at once: etag=E is the ETag its last hello carried ("" for no page),
 * compared exactly; without it, since=G (or a Last-Event-ID header) is the last generation
 * it saw, and a page written after G, or gone, counts as changed.
 *
 * Cost: a stream leaves the connection pool as soon as its head is written; it holds a
 * socket and one struct live_sub (about 600 bytes) from a separate pool of live_max, so
 * streams neither count against max_conns nor meet the idle timeout. Writes never block:
 * a stream whose socket buffer is full is dropped (the reader reconnects and catches up).
 * A push does not stall the loop either: the streams to tell are queued (a stream queued
 * twice is told once, of the newest generation) and the queue is written for about
 * LIVE_SEND_US per loop iteration, with requests served in between.
 * Events can be lost on the bus, so every LIVE_CHECK_MS the front compares the store's
 * generation with the events it has seen and, when behind, checks every stream's page
 * against the store (a resync, spread over loop iterations).
 */
#ifndef FRONTD_LIVE_H
#define FRONTD_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontd/loop.h"
#include "shared/buf.h"
#include "shared/http.h"

struct conn;
struct frontd;

#define LIVE_ENDPOINT     "/_folio/live"
#define LIVE_PATH_MAX     512   /* page keys are at most 511 bytes */
#define LIVE_KEEPALIVE_MS 25000 /* comment line on an otherwise silent stream */
#define LIVE_CHECK_MS     5000  /* compare the store's generation with the events seen */
#define LIVE_RESYNC_STEP  2048  /* streams checked against the store per loop iteration */
#define LIVE_KA_STEP      1024  /* keep-alives written per loop iteration */
#define LIVE_SEND_STEP    1024  /* push events written per loop iteration, at most */
#define LIVE_SEND_US      2000  /* and for about this long, at least 16 */
#define LIVE_RETRY_MS     5000  /* "retry:" hint for clients that reconnect by themselves */
#define LIVE_MSG_MAX      (LIVE_PATH_MAX * 6 + 256) /* one event, path JSON-escaped */

enum live_state {
	LIVE_FREE = 0,
	LIVE_OPEN,
	LIVE_CLOSED, /* closed this iteration; its slot is reused after the iteration */
};

struct live_sub {
	struct loop_src src; /* LOOP_LIVE: epoll hands this back */
	uint8_t state;
	uint16_t path_len;
	int fd;
	uint64_t hash;                    /* of the page key */
	uint64_t tag;                     /* the page's ETag as last told (hashed); 0: no page */
	int64_t stamp;                    /* last write, for keep-alives */
	bool queued;                      /* waiting in the send queue */
	uint64_t qgen;                    /* the generation to tell it of */
	struct live_sub *qprev, *qnext;   /* send queue */
	struct live_sub *hnext, **hpprev; /* hash bucket chain */
	struct live_sub *kprev, *knext;   /* open streams, oldest write first */
	struct live_sub *next;            /* free list or closed list */
	uint8_t path[LIVE_PATH_MAX];      /* the page key, normalised like a request path */
};

struct live {
	bool enabled;
	size_t cap;   /* live_max, clamped to the descriptor limit */
	size_t open;  /* streams open */
	size_t fresh; /* pool slots [fresh, cap) were never used */
	size_t map_len;
	struct live_sub *mem, *free, *closed;
	struct live_sub **buckets;
	size_t mask; /* buckets - 1 (a power of two) */
	struct live_sub *khead, *ktail;
	uint64_t seed;
	uint64_t gen;     /* changes up to this generation were told (events or resync) */
	uint64_t lag_gen; /* the store was at this generation, ahead of gen, at the last check */
	int64_t check_at;
	int64_t keepalive_ms;
	bool resync;                    /* checking every stream's page against the store */
	size_t resync_pos;              /* next pool slot to check */
	int64_t wake_at;                /* when live_tick has work to do (0: none) */
	struct live_sub *qhead, *qtail; /* streams to tell, in order */
	size_t send_step;               /* events per iteration (LIVE_SEND_STEP; tests lower it) */
	uint64_t q_gen;                 /* newest generation queued, for the log line */
	size_t q_told;                  /* streams told since the queue was last empty */
	int64_t q_since_us;             /* when it stopped being empty */
	int64_t q_send_us;              /* time spent writing since then */
	char msg[LIVE_MSG_MAX];
	char out[2 * LIVE_MSG_MAX + 512];
	uint8_t scratch[HTTP_MAX_TARGET + 1];
};

/*
 * Sets lv up for at most cap streams (none when !enabled). reserved is the number of
 * descriptors the rest of the process needs: cap is lowered (with a warning) so that
 * streams can never starve ordinary connections of descriptors. Returns 0 or ERR_NOMEM.
 */
int live_init(struct live *lv, bool enabled, size_t cap, size_t reserved);
/* Closes every stream and frees lv. Safe on a zeroed or finalised lv. */
void live_fini(struct live *lv);

/* Whether a request for path (raw, as parsed) is for the live endpoint (and lv is on). */
bool live_is_endpoint(const struct live *lv, struct slice path);

/*
 * Answers a request for the live endpoint on c: a GET becomes a stream (c's socket moves
 * to a live_sub and c is closed without closing the socket); HEAD gets the head alone; a
 * bad query 400; no room (live_max) or a stopping front 503. Returns 0, or ERR_TOOBIG when
 * c has earlier responses queued (flush them, then call again). Never blocks.
 */
int live_serve(struct frontd *fd, struct conn *c, const struct http_req *req, uint32_t req_end);

/* Handles epoll events on a stream: a reader never sends, so input or hang-up closes it. */
void live_event(struct frontd *fd, struct live_sub *s, uint32_t events);

/*
 * Invalidation hooks (frontd_init installs them on fd->inval; arg is the struct frontd).
 * live_on_path tells the streams watching path, if its ETag changed; live_on_event comes
 * after an event's paths and starts a resync when generations were skipped.
 */
void live_on_path(void *arg, uint64_t gen, struct slice path);
void live_on_event(void *arg, uint64_t gen);

/* At the start of a graceful stop: closes every stream (readers reconnect elsewhere). */
void live_stop(struct frontd *fd);

/*
 * End-of-iteration work: frees the slots of streams closed this iteration, checks the
 * store's generation every LIVE_CHECK_MS, advances a resync and writes due keep-alives.
 * Sets lv->wake_at to when it next has work. Ends any read txn it began.
 */
void live_tick(struct frontd *fd);

#endif
