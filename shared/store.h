/*
 * store.h: the LMDB page store, and the only file that includes lmdb.h.
 *
 * One environment (DATA/pages/) with two databases: "pages" maps a URL path ("/notes/x")
 * to a page record (pagefmt.h); "meta" holds "gen" (u64 LE, the last committed push
 * generation) and "schema". ingestd is the only writer; fronts and tools open read-only.
 *
 * Readers: a store handle owns one read transaction (MDB_NOTLS, reset/renew, never
 * freed between requests). store_read_begin() renews it unless it already sees the last
 * committed transaction, so a push is visible on the next request. Slices returned by
 * store_get() point into the map and are valid only until store_read_end() or the next
 * store_read_begin() that renews. Callers end the read before blocking (frontd ends it
 * once per event-loop iteration), so no reader is ever long-lived.
 */
#ifndef SHARED_STORE_H
#define SHARED_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "shared/buf.h"

struct store;
struct store_wtxn;

enum store_mode {
	STORE_READER = 0, /* frontd, tools: read-only map */
	STORE_WRITER = 1, /* ingestd: creates the environment if missing */
};

/*
 * Opens DIR (created by a writer if missing). map_size is used by the writer (0 keeps the
 * current size); max_readers only matters when the lock file is created.
 * Returns 0, ERR_NOTFOUND (reader and no store yet), ERR_VERSION, ERR_IO or ERR_NOMEM.
 */
int store_open(struct store **out, const char *dir, enum store_mode mode, uint64_t map_size,
               unsigned max_readers);
void store_close(struct store *s); /* NULL is a no-op; ends any open txn */

/*
 * Reading. store_read_begin renews the handle's read txn if it is not open or is older
 * than the last commit; follows a map that a writer has grown. Never blocks on writers.
 * Returns 0, ERR_FULL (reader table full, after one reader check) or ERR_IO.
 */
int store_read_begin(struct store *s);
/* Looks key up in the open read txn. Returns 0 with *val in the map, or ERR_NOTFOUND. */
int store_get(struct store *s, struct slice key, struct slice *val);
/* Generation committed with the snapshot the read txn sees (0 for an empty store). */
uint64_t store_read_gen(struct store *s);
void store_read_end(struct store *s);

/*
 * Calls fn for every page key in order, inside the handle's read txn (begun and ended by
 * the call). fn returns 0 to go on, anything else to stop and return that value.
 */
typedef int store_each_fn(void *arg, struct slice key, struct slice val);
int store_each(struct store *s, store_each_fn *fn, void *arg);

/* Clears slots of dead reader processes (mdb_reader_check); *dead may be NULL. */
int store_reader_check(struct store *s, int *dead);

/* Map statistics for stats and tools. */
struct store_info {
	uint64_t map_size;
	uint64_t map_used;
	unsigned readers_used;
	unsigned max_readers;
};
int store_info(struct store *s, struct store_info *out);

/*
 * Writing (ingestd only): one txn per push. put/del take slices borrowed for the call.
 * If the map fills, store_put returns ERR_FULL; the caller aborts, calls store_grow and
 * replays the push. Returns 0, ERR_FULL, ERR_TOOBIG (key over 511 bytes) or ERR_IO.
 */
int store_write_begin(struct store *s, struct store_wtxn **out);
int store_put(struct store_wtxn *t, struct slice key, struct slice val);
int store_del(struct store_wtxn *t, struct slice key); /* missing key is not an error */
int store_drop_all(struct store_wtxn *t);              /* empties "pages" (rebuild) */
int store_set_gen(struct store_wtxn *t, uint64_t gen);
/*
 * Commits. The writer's environment runs with MDB_NOMETASYNC: a commit syncs its data pages,
 * then writes the meta page that makes it current without syncing it; the next commit's data
 * sync (or store_sync) makes that meta page durable. So after a power loss the store may be
 * one commit behind what was acknowledged, never torn; ingestd keeps the journal of the last
 * committed generation until a later commit has made it durable (plan.c).
 */
int store_write_commit(struct store_wtxn *t); /* frees t whatever it returns */
/* Forces the last commit to disk, meta page included (writer). Returns 0 or ERR_IO. */
int store_sync(struct store *s);
void store_write_abort(struct store_wtxn *t); /* NULL is a no-op */
/* Doubles the map (or sets it to at least min_size); no txn may be open in this process. */
int store_grow(struct store *s, uint64_t min_size);
/* Last committed generation, read in its own short txn. */
int store_gen(struct store *s, uint64_t *gen);

#endif
