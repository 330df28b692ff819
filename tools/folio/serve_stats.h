/*
 * serve_stats.h: the `folio serve` supervisor's stats socket (statsock.h, kind "serve"):
 * children started and restarted, and per child whether it runs, its pid and its
 * restarts (labelled child="frontd.1"). The supervisor answers while it waits for
 * signals (super_watch), so folio stat and /metrics see it like any other process.
 */
#ifndef TOOLS_FOLIO_SERVE_STATS_H
#define TOOLS_FOLIO_SERVE_STATS_H

#include "shared/buf.h"
#include "shared/stats.h"

struct config;
struct serve_stats;
struct super;

/*
 * Opens the socket in c's data folder and has sup answer it while waiting. Call once the
 * children that run code forked from folio have started: the socket brings nng's threads
 * into this process. Returns 0 or an ERR_* (logged; serving goes on without it).
 */
int serve_stats_open(struct serve_stats **out, const struct config *c, struct super *sup);
/* Stops answering and removes the socket. NULL is a no-op. */
void serve_stats_close(struct serve_stats *st);

/* Builds the supervisor's reply (statsock_fill_fn; arg is the struct super). For tests. */
int serve_stats_fill(void *arg, const struct stats_head *hd, struct buf *out);

#endif
