/*
 * api.h: ingestd's HTTP API (the push endpoint and friends). Single-threaded and driven by
 * the daemon's poll loop: the API hands out the descriptors it wants polled and handles
 * what poll reports. Several connections, keep-alive, "Expect: 100-continue", bodies up to
 * max_body with Content-Length. Every endpoint wants "Authorization: Bearer <key>".
 *
 *   GET  /api/v1/files    {"files":[{"path","sha256"}...]}
 *   POST /api/v1/push     msgpack or JSON push body (pushmsg.h) -> per-file result
 *   GET  /api/v1/status   {"generation","notes","assets","last_push","version"}
 *   GET  /api/v1/views    page views counted by the fronts (viewapi.h)
 *   GET  /api/v1/check    the page store against SQLite (check.h)
 *   POST /api/v1/rebuild  the page store rewritten from SQLite (check.h)
 *
 * Errors are JSON {"error": "...", "details": ...} with a 4xx or 5xx status.
 */
#ifndef INGESTD_API_H
#define INGESTD_API_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct api;
struct config;
struct ingest;
struct viewdb;

#define API_MAX_CONNS 64

/*
 * Listens on c->api_listen (port 0 picks a free one) for requests against in, authorised
 * by key (copied). c and in are borrowed and must outlive the API. Returns 0, ERR_INVAL
 * (bad address), ERR_EXIST (address in use) or ERR_IO.
 */
int api_open(struct api **out, const struct config *c, struct ingest *in, const char *key);
void api_close(struct api *a); /* NULL is a no-op; closes every connection */

/* The port actually bound. */
int api_port(const struct api *a);
/* Offers GET /api/v1/views from db (borrowed; must outlive the API). */
void api_set_views(struct api *a, struct viewdb *db);

/*
 * Fills fds (room for cap >= API_MAX_CONNS + 1 entries) with the listener and the
 * connections, each with the events it waits for, and returns how many. After poll, pass
 * the same array to api_handle.
 */
size_t api_pollfds(struct api *a, struct pollfd *fds, size_t cap);
/* Accepts, reads, answers and writes as poll reported; closes timed-out connections. */
void api_handle(struct api *a, const struct pollfd *fds, size_t n, int64_t now_ms);
/* Milliseconds until the next connection deadline (-1: none), for poll's timeout. */
int api_timeout(const struct api *a, int64_t now_ms);

/*
 * Stops accepting: the listening socket closes, so new clients are refused at once. Idle
 * connections close now; one in the middle of a request (a push upload, a push or rebuild
 * running) finishes it (its answer says Connection: close) and then closes.
 */
void api_drain(struct api *a);
/* True when no connection is open. */
bool api_idle(const struct api *a);

#endif
