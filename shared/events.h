/*
 * events.h: messages between processes, encoded with msgpack; the only file that
 * includes msgpack.h. Every message is a msgpack array whose first two elements are
 * EVENT_MAGIC and EVENT_VERSION, then the type, then the type's fields, so a mismatched
 * build fails loudly (ERR_VERSION) instead of misreading.
 *
 *   invalidation: [magic, version, EVENT_INVAL, gen, [path, ...]]
 *   view batch:   [magic, version, EVENT_VIEWS, front_id, seq, day, [[path, count], ...]]
 *   view ack:     [magic, version, EVENT_VIEWS_ACK, front_id, seq, status]
 */
#ifndef SHARED_EVENTS_H
#define SHARED_EVENTS_H

#include <stdint.h>

#include "shared/buf.h"

#define EVENT_MAGIC   0x464f4c56u /* "FOLV" */
#define EVENT_VERSION 1

enum event_type {
	EVENT_INVAL = 1,     /* ingestd -> fronts: a push committed generation gen */
	EVENT_VIEWS = 2,     /* front -> ingestd: page views counted since the last batch */
	EVENT_VIEWS_ACK = 3, /* ingestd -> front: what became of batch seq */
};

/* Appends an invalidation message to out. Returns 0 or out->err. */
int events_encode_inval(struct buf *out, uint64_t gen, const struct slice *paths, size_t npaths);

/* Called once per path while decoding; the slice points into the message. */
typedef void events_path_fn(void *arg, struct slice path);

/*
 * Reads the type of msg without decoding the rest. Returns 0 with *type set,
 * ERR_VERSION (other magic or version) or ERR_PROTO (not a folio message).
 */
int events_peek_type(struct slice msg, int *type);

/*
 * Decodes an invalidation: sets *gen and *npaths and calls fn (if not NULL) for each path.
 * Returns 0, ERR_VERSION or ERR_PROTO. Never asserts on the bytes.
 */
int events_decode_inval(struct slice msg, uint64_t *gen, size_t *npaths, events_path_fn *fn,
                        void *arg);

/* --- view batches (see frontd/views.h and ingestd/views.h) --- */

#define EVENT_VIEWS_PATH_MAX 1024 /* longest path a batch may carry */
/* Bytes a view batch can take beyond its paths' bytes: the head, and each entry's framing. */
#define EVENT_VIEWS_HEAD_MAX  48
#define EVENT_VIEWS_ENTRY_MAX 16

/* A view batch's head. front_id is random per front process; seq rises by 1 per batch. */
struct event_views {
	uint64_t front_id;
	uint64_t seq;
	uint32_t day; /* UTC day the views were counted on, in days since 1970-01-01 */
	size_t n;     /* entries */
};

/* What ingestd did with a batch. */
enum event_views_status {
	EVENT_VIEWS_STORED = 0,    /* stored now */
	EVENT_VIEWS_DUPLICATE = 1, /* seq was stored before: nothing done */
	EVENT_VIEWS_REFUSED = 2,   /* malformed: dropped for good, do not resend */
};

/*
 * Appends the head of a view batch announcing h->n entries, which must follow as exactly
 * h->n events_encode_views_entry() calls. Return 0 or out->err (ERR_TOOBIG on a full fixed
 * buffer). Never allocate with a fixed buf.
 */
int events_encode_views_head(struct buf *out, const struct event_views *h);
int events_encode_views_entry(struct buf *out, struct slice path, uint64_t count);

/* Called once per entry while decoding; path points into the message. Nonzero stops. */
typedef int events_view_fn(void *arg, struct slice path, uint64_t count);

/*
 * Decodes a view batch: fills *h as soon as the head is read (so a malformed batch can
 * still be refused by front and seq), checks every entry (path 1..EVENT_VIEWS_PATH_MAX
 * bytes starting with '/', count >= 1), then calls fn (may be NULL) for each. Returns 0,
 * ERR_VERSION, ERR_PROTO (h->n is then 0 if the head itself was bad), or what fn returned.
 */
int events_decode_views(struct slice msg, struct event_views *h, events_view_fn *fn, void *arg);

/* Encodes / decodes an acknowledgement. Decode returns 0, ERR_VERSION or ERR_PROTO. */
int events_encode_views_ack(struct buf *out, uint64_t front_id, uint64_t seq,
                            enum event_views_status status);
int events_decode_views_ack(struct slice msg, uint64_t *front_id, uint64_t *seq,
                            enum event_views_status *status);

#endif
