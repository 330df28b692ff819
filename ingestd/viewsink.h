/*
 * viewsink.h: ingestd's end of the view channel. It listens with an nng reply socket at
 * ipc://DATA/run/views.sock; each front sends view batches (events.h, EVENT_VIEWS) one at
 * a time and waits for the answer. A batch is stored in one SQLite transaction
 * (viewdb.h) and only then acknowledged, so a batch whose ack is lost, or whose ingestd
 * died before answering, is sent again and recognised by its seq: every view is stored
 * exactly once across restarts and kill -9.
 *
 * Driven by the daemon's poll loop: viewsink_fd is polled for input, viewsink_handle
 * takes what is waiting without blocking on the socket.
 */
#ifndef INGESTD_VIEWSINK_H
#define INGESTD_VIEWSINK_H

#include <stdint.h>

#include "ingestd/ingest_stats.h"

struct config;
struct viewdb;
struct viewsink;

#define VIEWSINK_MSG_MAX     (8u << 20) /* largest batch taken (views_batch_max 65536 fits) */
#define VIEWSINK_ROUND_MAX   32         /* batches stored per poll round, so the API stays live */
#define VIEWSINK_SENDER_DAYS 30         /* senders silent this long are forgotten */

/*
 * Listens on config_path(c, "run/views.sock"). The caller holds the data directory's lock:
 * a socket file left by a dead ingestd is removed first. db and st are borrowed and must
 * outlive the sink. Returns 0, ERR_TOOBIG (path too long for a socket), ERR_INVAL or ERR_IO.
 */
int viewsink_open(struct viewsink **out, const struct config *c, struct viewdb *db,
                  struct ingest_stats *st);
void viewsink_close(struct viewsink *s); /* NULL is a no-op */

/* The descriptor that polls readable while a batch waits. */
int viewsink_fd(const struct viewsink *s);

/*
 * Stores and acknowledges up to VIEWSINK_ROUND_MAX waiting batches. A malformed batch is
 * refused (acknowledged as such, so its front drops it); a batch the database cannot take
 * now is not acknowledged, so its front sends it again. Returns the batches handled.
 */
int viewsink_handle(struct viewsink *s);

#endif
