/*
 * statsprom.h: Prometheus text exposition (format 0.0.4) of stats snapshots, so one scrape
 * of ingestd's GET /metrics charts every folio process without an exporter.
 *
 * Every sample carries process (the process's name), kind and pid labels. A metric M of a
 * process of kind K becomes folio_K_M; counters end in _total; names ending in _us and
 * histograms of unit "us" are converted to seconds (folio_frontd_latency_seconds) as
 * Prometheus expects base units. Families are grouped across processes, each with the
 * # HELP and # TYPE lines taken from the metrics' own documentation.
 */
#ifndef SHARED_STATSPROM_H
#define SHARED_STATSPROM_H

#include <stddef.h>

#include "shared/buf.h"
#include "shared/stats.h"

#define STATSPROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* Appends the exposition of snaps[0..n). Errors stick in out->err. */
void statsprom_write(struct buf *out, const struct stats_snap *snaps, size_t n);

#endif
