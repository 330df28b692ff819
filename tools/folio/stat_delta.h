/*
 * stat_delta.h: what two scans of one process tell `folio stat`: per-second rates of its
 * counters, and its histograms over the interval between the scans. Scans of different
 * runs of a process (another pid or start time) tell nothing: a restart starts the rates
 * over instead of making them negative.
 */
#ifndef TOOLS_FOLIO_STAT_DELTA_H
#define TOOLS_FOLIO_STAT_DELTA_H

#include <stdbool.h>
#include <stdint.h>

#include "shared/stats.h"

/*
 * Per-second rate of counter name from prev to cur, or -1 when it cannot be known: no
 * prev, prev from another run of the process (pid or start time differ), the counter
 * missing from either, or gone down.
 */
double stat_delta_rate(const struct stats_snap *prev, const struct stats_snap *cur,
                       const char *name);

/* A histogram over a window: counts since prev (or since the start), and its quantiles. */
struct stat_window {
	uint64_t count;       /* values in the window */
	double p50, p90, p99; /* estimates, in the histogram's unit */
	uint64_t max;         /* largest value: exact since the start, a bound for a window */
	unsigned nb;          /* buckets */
	uint64_t bound[STATS_BUCKETS_MAX];
	uint64_t delta[STATS_BUCKETS_MAX];
};

/*
 * Fills w with histogram name of cur, over the window since prev when prev is the same
 * run (NULL: since the start). False when cur has no such histogram.
 */
bool stat_delta_window(const struct stats_snap *prev, const struct stats_snap *cur,
                       const char *name, struct stat_window *w);
/* Adds src's window into acc (same bounds) and recomputes the quantiles: a totals row. */
void stat_delta_add(struct stat_window *acc, const struct stat_window *src);

#endif
