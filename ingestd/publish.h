/*
 * publish.h: ingestd's side of the invalidation channel. After each LMDB commit ingestd
 * publishes {gen, changed URL paths} on ipc://DATA/run/events.sock. Pub/sub may drop
 * messages; fronts treat LMDB as the truth and use gen to notice gaps.
 */
#ifndef INGESTD_PUBLISH_H
#define INGESTD_PUBLISH_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct publish;

/*
 * Listens on config_path(c, "run/events.sock"). The caller must hold the data directory's
 * lock: a socket file left by a dead ingestd is removed first. Returns 0, ERR_TOOBIG (path
 * too long for a socket), ERR_INVAL or ERR_IO.
 */
int publish_open(struct publish **out, const struct config *c);
void publish_close(struct publish *p); /* NULL is a no-op */

/*
 * Sends one invalidation for generation gen naming n URL paths (borrowed). Never blocks:
 * with no subscriber, or a full queue, the message is dropped. Returns 0, ERR_NOMEM or
 * ERR_IO (logged by the caller; a lost event is not a failed push).
 */
int publish_inval(struct publish *p, uint64_t gen, char *const *urls, size_t n);

#endif
