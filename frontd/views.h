/*
 * views.h: a front's page-view counter. Each note page answered 200 or 304 to a GET, once
 * written in full, adds one to its path in a fixed-size table; every views_flush_ms (or
 * when the table is full) the table becomes a batch {front_id, seq, day, [(path, count)]}
 * sent to ingestd over ipc://DATA/run/views.sock, which stores it and acknowledges it.
 *
 * Delivery is stop-and-wait: only the oldest unacknowledged batch is on the wire, resent
 * every views_resend_ms until its ack arrives, so batches reach ingestd in seq order and
 * ingestd can drop a repeat by comparing seq with the last one it stored for front_id.
 * Batches wait in a queue of views_max_pending; while it is full the table keeps counting
 * the paths it holds, and views of other paths are dropped and counted (views_dropped).
 *
 * Memory is fixed at views_init: counting a view costs a hash, a probe and at worst the
 * encoding of a full batch into preallocated memory; no allocation, lock or syscall. The
 * socket work (send, receive, resend) happens in views_tick and views_drain, between events.
 * HEAD requests are not views: nobody read the page.
 */
#ifndef FRONTD_VIEWS_H
#define FRONTD_VIEWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontd/front_stats.h"
#include "shared/buf.h"

#define VIEWS_KEY_MAX  512  /* longest path counted (LMDB keys are at most 511 bytes) */
#define VIEWS_KEY_AVG  64   /* key bytes reserved per table entry; longer keys fill it sooner */
#define VIEWS_RETRY_MS 100  /* while ingestd is not connected, try to send this often */
#define VIEWS_STOP_MS  2000 /* at a graceful stop, wait this long for the last acks */

struct bus;
struct config;

struct views_ent {
	uint64_t count;
	uint32_t hash;
	uint32_t key_off; /* in the arena */
	uint16_t key_len;
};

/* A sealed batch: its encoded message, kept until ingestd acknowledges it. */
struct views_batch {
	uint64_t seq;
	uint64_t views; /* views it carries (counted as dropped if it is refused or lost) */
	size_t len;     /* message bytes at msg */
	uint8_t *msg;   /* one slot of views.slots */
	bool sent;      /* handed to the bus at least once */
};

struct views {
	struct front_stats *st; /* borrowed: the front's counters */
	struct bus *bus;        /* NULL when the socket could not be opened */
	int fd;                 /* pollable receive fd for acks, or -1 */
	uint64_t front_id;      /* random, never 0 */
	uint64_t next_seq;      /* seq of the next batch sealed; the first is 1 */
	int64_t flush_ms, resend_ms;

	/* The table being filled: open addressing over ents, keys copied into arena. */
	uint32_t *slots; /* entry index + 1, or 0 when free; mask + 1 of them */
	size_t mask;
	struct views_ent *ents;
	size_t nents, max_ents;
	uint8_t *arena;
	size_t arena_len, arena_cap;
	uint64_t table_views;
	uint32_t day; /* UTC day the table counts for */

	/* Sealed batches, oldest first: a ring of max_pending slots of slot_cap bytes. */
	struct views_batch *q;
	size_t q_head, q_len, max_pending;
	uint8_t *slot_mem;
	size_t slot_cap, slot_map_len;

	int64_t flush_at;   /* next periodic seal */
	int64_t sent_at;    /* when the head batch last went out */
	int64_t retry_at;   /* when to try again after a failed send */
	bool inflight;      /* the head batch is on the wire, waiting for its ack */
	bool stopping;      /* views_stop ran: no more periodic seals */
	int64_t stop_until; /* views_done gives up waiting for acks then */
	uint8_t ack[64];    /* receive buffer for acknowledgements */
};

/*
 * Allocates the table and queue from cfg (views_batch_max, views_max_pending,
 * views_flush_ms, views_resend_ms), picks a random front_id and dials url
 * ("ipc://DATA/run/views.sock"; ingestd need not be up). st is borrowed and must outlive v.
 * now_ms is the loop's monotonic clock and unix_sec the wall clock (for the UTC day).
 * Returns 0 or ERR_NOMEM; a socket that cannot be opened is logged and leaves v->fd at -1
 * (views are then counted and eventually dropped, never delivered).
 */
int views_init(struct views *v, const struct config *cfg, const char *url, struct front_stats *st,
               int64_t now_ms, int64_t unix_sec);
/* Closes the socket and frees the memory; logs the views still unacknowledged. */
void views_fini(struct views *v);

/*
 * Counts one view of path key (the normalised URL path, borrowed for the call). The hot
 * path: no allocation, lock or syscall. A key that does not fit is dropped and counted.
 */
void views_count(struct views *v, struct slice key);

/*
 * Turns the table into a batch at the end of the queue. Returns true if the table is now
 * empty, false when the queue is full (the table keeps its counts).
 */
bool views_seal(struct views *v);

/*
 * Periodic work, once per loop iteration: seals the table every views_flush_ms and when
 * the UTC day changes, sends the head batch if it is not on the wire, resends it after
 * views_resend_ms. Never blocks.
 */
void views_tick(struct views *v, int64_t now_ms, int64_t unix_sec);
/* Receives acknowledgements without blocking (the fd polled readable). */
void views_drain(struct views *v, int64_t now_ms);
/* The next time views_tick has work (absolute ms), or 0 for none. */
int64_t views_deadline(const struct views *v);

/* Graceful stop: seals what is counted, sends it, and waits at most VIEWS_STOP_MS. */
void views_stop(struct views *v, int64_t now_ms);
/* After views_stop: true once every batch is acknowledged or the wait is over. */
bool views_done(const struct views *v, int64_t now_ms);

#endif
