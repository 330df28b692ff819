/*
 * test_walckpt.c: the background WAL checkpointer. With automatic checkpoints off, a WAL
 * that nobody checkpoints grows with every commit; with the thread running it is copied
 * back and restarted, so it stays the size of a few commits.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ingestd/walckpt.h"
#include "tests/harness.h"

static char dir[256];

static sqlite3 *
open_db(const char *name)
{
	char path[320];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	sqlite3 *db = NULL;
	CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) ==
	      SQLITE_OK);
	CHECK(sqlite3_exec(db,
	                   "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
	                   "CREATE TABLE t(k INTEGER PRIMARY KEY, v BLOB);",
	                   NULL, NULL, NULL) == SQLITE_OK);
	return db;
}

static long
wal_size(const char *name)
{
	char path[320];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s-wal", dir, name);
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Commits n transactions of about 40 KB each, pausing so a checkpointer may run. */
static void
write_batches(sqlite3 *db, int n)
{
	for (int i = 0; i < n; i++) {
		CHECK(sqlite3_exec(db,
		                   "INSERT OR REPLACE INTO t(k, v) VALUES"
		                   "(1, zeroblob(10000)), (2, zeroblob(10000)),"
		                   "(3, zeroblob(10000)), (4, zeroblob(10000));",
		                   NULL, NULL, NULL) == SQLITE_OK);
		struct timespec ts = {0, (WALCKPT_INTERVAL_MS + 50) * 1000000L};
		nanosleep(&ts, NULL);
	}
}

/* Removes the test's folder and everything SQLite left in it. */
static void
remove_dir(void)
{
	static const char *const names[] = {"a.db", "a.db-wal", "a.db-shm",
	                                    "b.db", "b.db-wal", "b.db-shm"};
	char path[320];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void
t_checkpoints_in_background(void)
{
	snprintf(dir, sizeof(dir), "%s/folio-walckpt.XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	CHECK(mkdtemp(dir) != NULL);
	sqlite3 *db = open_db("a.db");
	struct walckpt *w = NULL;
	CHECK_INT_EQ(walckpt_start(&w, db), 0);
	CHECK(w != NULL);
	write_batches(db, 12);
	CHECK(walckpt_runs(w) >= 5);
	long bg = wal_size("a.db");
	walckpt_stop(w);

	/* The same commits with automatic checkpoints off and no thread: the WAL keeps all. */
	sqlite3 *db2 = open_db("b.db");
	sqlite3_wal_autocheckpoint(db2, 0);
	write_batches(db2, 12);
	long none = wal_size("b.db");
	CHECK(bg > 0 && none > 0);
	CHECK(bg * 3 < none);
	sqlite3_close(db2);

	/* The writer's data is all there after the thread is gone. */
	sqlite3_stmt *st;
	CHECK(sqlite3_prepare_v2(db, "SELECT count(*) FROM t", -1, &st, NULL) == SQLITE_OK);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_INT_EQ(sqlite3_column_int(st, 0), 4);
	sqlite3_finalize(st);
	sqlite3_close(db);
	remove_dir();
}

static void
t_memory_db_is_refused(void)
{
	sqlite3 *db = NULL;
	CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
	struct walckpt *w = (struct walckpt *)1;
	CHECK(walckpt_start(&w, db) < 0);
	CHECK(w == NULL);
	walckpt_stop(NULL);
	sqlite3_close(db);
}

static const struct test tests[] = {
        {"checkpoints_in_background", t_checkpoints_in_background},
        {"memory_db_is_refused", t_memory_db_is_refused},
};

TEST_MAIN(tests)
