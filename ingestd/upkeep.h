/*
 * upkeep.h: ingestd's periodic housekeeping, run from its poll loop between requests.
 * Today that is the LMDB reader check: a front killed while it held a read transaction
 * leaves its reader slot behind, and a stale slot pins the pages of its old snapshot, so
 * the map would grow with every push until something clears it. Fronts clear dead slots
 * when they start and when the table is full; ingestd clears them every
 * UPKEEP_READERS_MS, whether or not any front starts again.
 */
#ifndef INGESTD_UPKEEP_H
#define INGESTD_UPKEEP_H

#include <stdint.h>

struct ingest;

#define UPKEEP_READERS_MS 5000

struct upkeep {
	int64_t readers_at; /* next reader check, monotonic ms (0: at once) */
};

/* The poll timeout (ms, -1 for none) shortened so the next check is not late. */
int upkeep_timeout(const struct upkeep *u, int64_t now, int timeout);

/*
 * Runs what is due at now: clears reader slots of dead processes (counted in the ingest's
 * readers_reclaimed, logged when any). Never blocks on readers; a failed check is logged
 * (rate-limited) and tried again next time.
 */
void upkeep_run(struct upkeep *u, struct ingest *in, int64_t now);

#endif
