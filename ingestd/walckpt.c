/*
 * walckpt.c: the background WAL checkpointer (contract in walckpt.h).
 *
 * The thread owns its connection; the push loop never touches it, and the thread never
 * touches the push loop's connection (each connection is used by one thread, as SQLite's
 * multi-thread mode requires). A PASSIVE checkpoint copies the frames no reader still
 * needs and fsyncs; when it has copied them all, the writer's next transaction starts the
 * WAL over from its beginning, so the file stays the size of a few pushes.
 */
#include "ingestd/walckpt.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shared/defs.h"
#include "shared/err.h"
#include "shared/log.h"

struct walckpt {
	sqlite3 *db; /* the thread's own connection */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	unsigned long runs; /* checkpoints that copied at least one frame */
};

static void *
walckpt_main(void *arg)
{
	struct walckpt *w = arg;
	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += (long)WALCKPT_INTERVAL_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		int rc = 0;
		while (!w->stop && rc != ETIMEDOUT)
			rc = pthread_cond_timedwait(&w->cv, &w->mu, &until);
		if (w->stop)
			break;
		pthread_mutex_unlock(&w->mu);
		int nlog = 0, nckpt = 0;
		int src = sqlite3_wal_checkpoint_v2(w->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &nlog,
		                                    &nckpt);
		pthread_mutex_lock(&w->mu);
		if (src == SQLITE_OK && nckpt > 0)
			__atomic_add_fetch(&w->runs, 1, __ATOMIC_RELAXED);
		else if (src != SQLITE_OK && src != SQLITE_BUSY && src != SQLITE_LOCKED)
			LOG_RATELIMIT(log_warn("walckpt.fail", "err=\"%s\"", sqlite3_errstr(src)));
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int
walckpt_start(struct walckpt **out, struct sqlite3 *db)
{
	*out = NULL;
	const char *path = sqlite3_db_filename(db, "main");
	if (!path || !*path)
		return ERR_INVAL; /* an in-memory database has no WAL */
	struct walckpt *w = xcalloc(1, sizeof(*w));
	int rc = sqlite3_open_v2(path, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		log_warn("walckpt.open", "path=\"%s\" err=\"%s\" action=autocheckpoint", path,
		         sqlite3_errstr(rc));
		sqlite3_close(w->db);
		free(w);
		return ERR_IO;
	}
	/* A connection sees the WAL once it has read the database: read the journal mode. */
	sqlite3_stmt *st = NULL;
	bool wal = false;
	if (sqlite3_prepare_v2(w->db, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *mode = sqlite3_column_text(st, 0);
		wal = mode && strcmp((const char *)mode, "wal") == 0;
	}
	sqlite3_finalize(st);
	if (!wal) {
		sqlite3_close(w->db);
		free(w);
		return ERR_INVAL;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->thread, NULL, walckpt_main, w) != 0) {
		log_warn("walckpt.thread", "err=\"%s\" action=autocheckpoint", strerror(errno));
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		sqlite3_close(w->db);
		free(w);
		return ERR_NOMEM;
	}
	*out = w;
	return 0;
}

void
walckpt_stop(struct walckpt *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	sqlite3_close(w->db);
	free(w);
}

unsigned long
walckpt_runs(const struct walckpt *w)
{
	return w ? __atomic_load_n(&w->runs, __ATOMIC_RELAXED) : 0;
}
