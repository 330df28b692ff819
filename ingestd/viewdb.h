/*
 * viewdb.h: page views in SQLite, on the source's connection (tables created by migration
 * 2 in source.c):
 *
 *   views         (path, day) -> count; day is "YYYY-MM-DD", UTC
 *   view_senders  front_id -> last_seq (the last batch stored from that front), seen
 *
 * A batch is stored in one transaction that adds its counts and raises last_seq, so a
 * batch that arrives again (a resend after a lost acknowledgement, or after ingestd was
 * killed between commit and ack) is recognised and not counted twice. Fronts send their
 * batches in seq order, one at a time, which is what makes "seq <= last_seq" a duplicate.
 *
 * Every function returns 0 or an ERR_* (database errors logged once, by source.c's
 * translation). They run on ingestd's one thread and block only on the local disk.
 */
#ifndef INGESTD_VIEWDB_H
#define INGESTD_VIEWDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"

struct source;
struct viewdb;

#define VIEWDB_DAY_LEN 10 /* "YYYY-MM-DD" */

/* Prepares the statements on src's connection (borrowed; must outlive db). */
int viewdb_open(struct viewdb **out, struct source *src);
void viewdb_close(struct viewdb *db); /* NULL is a no-op */

/*
 * Opens the transaction for batch seq of front_id. If that seq is not above the last one
 * stored for front_id, sets *dup, ends the transaction and returns 0: nothing to store.
 * Otherwise follow with viewdb_add per entry, then viewdb_commit (or viewdb_abort).
 */
int viewdb_begin(struct viewdb *db, uint64_t front_id, uint64_t seq, bool *dup);
/* Adds count views of path (borrowed) on day (days since 1970-01-01). */
int viewdb_add(struct viewdb *db, uint32_t day, struct slice path, uint64_t count);
/* Records seq as front_id's last batch (seen at unix second now) and commits. */
int viewdb_commit(struct viewdb *db, uint64_t front_id, uint64_t seq, int64_t now);
void viewdb_abort(struct viewdb *db);

/* Forgets senders not heard from since unix second before (old fronts' ids). */
int viewdb_prune_senders(struct viewdb *db, int64_t before);

/* Formats a day number as "YYYY-MM-DD" into out[VIEWDB_DAY_LEN + 1]. */
void viewdb_day_str(uint32_t day, char *out);
/* Parses exactly "YYYY-MM-DD" (a real calendar date, 1970 or later). Returns 0 or ERR_INVAL. */
int viewdb_day_parse(struct slice s, uint32_t *day);

/* What to read: views on days >= since ("" for all), of one path (NULL for all). */
struct viewdb_query {
	const char *since;
	const char *path;
	size_t top; /* most rows viewdb_top returns */
};

/* A row: a path or a day (valid during the call only) and its views. Nonzero stops. */
typedef int viewdb_row_fn(void *arg, const char *key, uint64_t views);

/* Total views and number of distinct paths matching q. */
int viewdb_total(struct viewdb *db, const struct viewdb_query *q, uint64_t *views, uint64_t *paths);
/* Paths by views over the range, most viewed first (ties by path), at most q->top. */
int viewdb_top(struct viewdb *db, const struct viewdb_query *q, viewdb_row_fn *fn, void *arg);
/* One row per day of q->path (must be set), oldest first. */
int viewdb_days(struct viewdb *db, const struct viewdb_query *q, viewdb_row_fn *fn, void *arg);

#endif
