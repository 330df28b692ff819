/*
 * stat_json.h: the document `folio stat --json` prints: one entry per process found (its
 * counters, gauges, labelled metrics and histograms with p50/p90/p99 and buckets, or why
 * it did not answer), and per kind of process the sum of each counter.
 */
#ifndef TOOLS_FOLIO_STAT_JSON_H
#define TOOLS_FOLIO_STAT_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"
#include "shared/stats.h"
#include "shared/statscan.h"

/* One process found by a scan: its reply, or why there is none. */
struct stat_entry {
	struct statscan_peer peer;
	struct stats_snap snap; /* empty when it did not answer */
	int err;                /* 0 when it answered */
};

/* Appends the document for entries[0..n), stamped now_us, for data folder data_dir. */
void stat_json(struct buf *out, const char *data_dir, const struct stat_entry *entries, size_t n,
               int64_t now_us);

#endif
