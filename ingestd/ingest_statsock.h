/*
 * ingest_statsock.h: ingestd's stats: the counters the API bumps (answers, pushes and
 * their latency and size), the stats socket answered from the daemon's poll loop, and
 * GET /metrics, which gathers every folio process's stats socket into one Prometheus
 * exposition.
 *
 * /metrics runs on the API's single thread: it asks the other processes all at once and
 * waits at most INGEST_METRICS_WAIT_MS, then answers with whoever replied (a process that
 * did not is missing from that scrape; folio_process_start_time_seconds shows which
 * answered). Scrapes are meant to be seconds apart, and a push waits at most that long.
 */
#ifndef INGESTD_INGEST_STATSOCK_H
#define INGESTD_INGEST_STATSOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ingestd/ingest_stats.h"
#include "shared/buf.h"
#include "shared/stats.h"

struct config;
struct ingest;

#define INGEST_METRICS_WAIT_MS 250

/* Counts an API answer of status; push: it answers POST /api/v1/push. */
void ingest_statsock_answered(struct ingest_stats *st, bool push, int status);

/*
 * Records a push that was decoded and run, answered ok or not: for accepted ones, the
 * time since t0_us (stats_mono_us() when its body had arrived) and the pages rendered.
 */
void ingest_statsock_pushed(struct ingest_stats *st, int64_t t0_us, bool ok, size_t rendered);

/* Builds ingestd's reply (statsock_fill_fn; arg is the struct ingest). */
int ingest_statsock_fill(void *arg, const struct stats_head *hd, struct buf *out);

/*
 * Appends the Prometheus exposition of this ingestd and every process with a live stats
 * socket in c's data folder. Returns 0 or out->err.
 */
int ingest_statsock_metrics(const struct config *c, struct ingest *in, struct buf *out);

#endif
