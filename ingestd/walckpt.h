/*
 * walckpt.h: SQLite WAL checkpoints off the push path. SQLite's automatic checkpoint runs
 * inside the commit that crosses its threshold (1,000 frames), so one push in every ~20
 * paid for copying the whole WAL into the database and two fsyncs. A thread of ingestd's
 * own, with its own connection, runs PASSIVE checkpoints (which never block the writer or
 * readers) every WALCKPT_INTERVAL_MS, so by the time a commit crosses the threshold its
 * automatic checkpoint finds the frames copied already and only lets the next transaction
 * start the WAL over (which only the writer can do). Crash safety is SQLite's: a checkpoint
 * copies committed frames only, and where it stops does not matter.
 */
#ifndef INGESTD_WALCKPT_H
#define INGESTD_WALCKPT_H

struct sqlite3;
struct walckpt;

#define WALCKPT_INTERVAL_MS 20 /* how often the thread looks at the WAL */

/*
 * Starts checkpointing the database db is open on (a file, in WAL mode): opens a second
 * connection to it and starts the thread. On any failure *out is NULL and the reason is
 * logged; the commits' own checkpoints then do all the work, as SQLite does by default.
 * Returns 0 or a negative ERR_*.
 */
int walckpt_start(struct walckpt **out, struct sqlite3 *db);

/* Stops the thread (a checkpoint under way finishes first) and closes its connection.
 * NULL is a no-op. Call before closing db. */
void walckpt_stop(struct walckpt *w);

/* Checkpoints so far that copied at least one frame (for tests and logs). */
unsigned long walckpt_runs(const struct walckpt *w);

#endif
