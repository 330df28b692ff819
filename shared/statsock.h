/*
 * statsock.h: a process's stats socket, the answering side. Each folio process listens
 * (nng rep) at ipc://DATA/run/stats/<kind>-<pid>.sock; readers find the sockets by listing
 * that folder (statscan.h). The socket's descriptor goes into the process's own poll or
 * epoll set and statsock_serve() answers between events, from the process's plain counter
 * structs, so reading stats never holds up a request. The socket file is removed at a
 * clean exit; one left by a killed process is skipped (and removed) by readers.
 *
 * A process is named by the FOLIO_NAME environment variable (folio serve sets frontd.1,
 * frontd.2, ...; a systemd template can set frontd.%i), else "<kind>-<pid>".
 */
#ifndef SHARED_STATSOCK_H
#define SHARED_STATSOCK_H

#include <stddef.h>

#include "shared/buf.h"
#include "shared/stats.h"

struct config;
struct statsock;

#define STATSOCK_DIR      "run/stats" /* under data_dir */
#define STATSOCK_NAME_MAX 64
#define STATSOCK_ENV_NAME "FOLIO_NAME"

/*
 * Fills hd's name, pid and times: the process's name (see above) and pid, its start time
 * and now. For replies built outside a socket (ingestd's own /metrics entry).
 */
void statsock_head(struct stats_head *hd, enum stats_proc proc, char name[STATSOCK_NAME_MAX]);

/*
 * Listens at DATA/run/stats/<kind>-<pid>.sock, making run/ and run/stats/ if data_dir
 * exists. Returns 0, ERR_NOTFOUND (no data_dir yet: try again later), ERR_INVAL (path too
 * long for a unix socket) or ERR_IO; logs why.
 */
int statsock_open(struct statsock **out, const struct config *c, enum stats_proc proc);
/* Stops listening and removes the socket file. NULL is a no-op. */
void statsock_close(struct statsock *s);

/* The descriptor to poll for reading; owned by the socket. */
int statsock_fd(const struct statsock *s);
/* The process name replies carry. */
const char *statsock_name(const struct statsock *s);

/*
 * Builds the reply: called with hd filled in (statsock_head) and out empty; appends the
 * reply with stats_encode() and returns 0 or out->err.
 */
typedef int statsock_fill_fn(void *arg, const struct stats_head *hd, struct buf *out);

/*
 * Answers the requests waiting (a bounded number per call) without blocking. Returns how
 * many were answered.
 */
int statsock_serve(struct statsock *s, statsock_fill_fn *fill, void *arg);

#endif
