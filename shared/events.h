/*
 * events.h: messages between processes, encoded with msgpack; the only file that
 * includes msgpack.h. Every message is a msgpack array whose first two elements are
 * EVENT_MAGIC and EVENT_VERSION, then the type, then the type's fields, so a mismatched
 * build fails loudly (ERR_VERSION) instead of misreading.
 *
 *   invalidation: [magic, version, EVENT_INVAL, gen, [path, ...]]
 */
#ifndef SHARED_EVENTS_H
#define SHARED_EVENTS_H

#include <stdint.h>

#include "shared/buf.h"

#define EVENT_MAGIC   0x464f4c56u /* "FOLV" */
#define EVENT_VERSION 1

enum event_type {
	EVENT_INVAL = 1, /* ingestd -> fronts: a push committed generation gen */
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

#endif
