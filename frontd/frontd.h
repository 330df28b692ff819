/*
 * frontd.h: one front process: a listening socket shared with the other fronts through
 * SO_REUSEPORT, a read-only map of the page store, the invalidation subscriber, the
 * connection pool and its counters. Everything a request needs is reached from struct
 * frontd, passed explicitly; the loop serves one request at a time, so the scratch space
 * for it lives here too.
 */
#ifndef FRONTD_FRONTD_H
#define FRONTD_FRONTD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "frontd/conn.h"
#include "frontd/front_stats.h"
#include "frontd/inval.h"
#include "frontd/live.h"
#include "frontd/loop.h"
#include "frontd/respond.h"
#include "frontd/views.h"
#include "shared/http.h"

struct config;
struct statsock;
struct store;

#define FRONTD_STOP_MS        5000 /* a graceful stop waits this long for responses in flight */
#define FRONTD_STOP_IDLE_MS   1000 /* and this long for idle keep-alive clients to ask again */
#define FRONTD_STORE_RETRY_MS 1000 /* until the store exists, try to open it this often */
#define FRONTD_GEN_CHECK_MS   5000 /* compare the store's generation with the events' */
#define FRONTD_KEY_MAX        512  /* LMDB keys are at most 511 bytes */

struct frontd {
	const struct config *cfg;
	int epfd;
	int lfd;   /* listening socket; -1 once stopping */
	int sigfd; /* SIGTERM and SIGINT */
	struct loop_src listen_src, signal_src, bus_src;
	struct loop_src views_src; /* LOOP_VIEWS: acknowledgements of view batches */
	char listen_name[80];      /* the bound address, for logs */
	char pages_dir[4096];

	struct store *store; /* NULL until ingestd has created it */
	int64_t store_retry_at;
	bool store_wait_logged;
	int64_t gen_check_at;
	int64_t listen_paused_until; /* accept failed for lack of fds: retry then */

	struct inval inval;
	struct views views; /* page views counted, batched and sent to ingestd */
	struct live live;   /* live-reload streams (live.h) */
	struct conn_pool pool;
	struct loop_timers timers;
	struct conn *closing; /* closed this iteration, freed at its end */
	struct respond_date date;
	struct front_stats stats;
	int64_t now_ms; /* monotonic, read once per iteration */
	int64_t now_us; /* the same instant, precise (stats_mono_us): starts latency timing */

	struct statsock *statsock;    /* stats socket (front_statsock.h); NULL until open */
	struct accesslog *alog;       /* access_log (accesslog.h); NULL when off */
	struct loop_src statsock_src; /* LOOP_STATS */
	int64_t statsock_retry_at;    /* try to open it then (0: do not) */

	bool stopping;
	int64_t stop_deadline;
	int64_t stop_idle_at; /* a stop's grace for idle keep-alive connections ends (0: over) */

	/* Scratch for the request being served. */
	struct http_req req;
	uint8_t key[HTTP_MAX_TARGET + 1];
	uint8_t alt[FRONTD_KEY_MAX];
	struct iovec iov[RESPOND_IOV_MAX];
};

/*
 * Sets fd up from cfg (borrowed; must outlive fd): binds and listens, blocks SIGTERM and
 * SIGINT into a signalfd, allocates the connection pool, dials the bus and tries to open
 * the store (a missing store is not an error: requests get 503 until it appears).
 * Logs the reason and returns a negative ERR_* on failure; fd is then finalised.
 */
int frontd_init(struct frontd *fd, const struct config *cfg);
/* Serves until SIGTERM or SIGINT, then finishes responses in flight. Returns 0 or ERR_IO. */
int frontd_run(struct frontd *fd);
void frontd_fini(struct frontd *fd);

/* Starts a graceful stop (a second call cuts it short). */
void frontd_stop(struct frontd *fd);
/* Periodic work run once per loop iteration: store retry, generation check, accept pause. */
void frontd_tick(struct frontd *fd);
/* Stops polling the listening socket for a while (out of file descriptors). */
void frontd_pause_listen(struct frontd *fd);

#endif
