/*
 * viewdb.c: the view tables' SQL (contract in viewdb.h), kept out of source.c so that the
 * push pipeline's file stays about the vault. It follows source.c's conventions: every
 * statement is prepared once and reset after use, the schema comes from source.c's
 * migration list, and SQLite codes are translated by source_sqlite_err.
 */
#include "ingestd/viewdb.h"

#include <inttypes.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "ingestd/source.h"
#include "ingestd/source_stmt.h"
#include "shared/defs.h"
#include "shared/err.h"

enum viewdb_stmt {
	V_SENDER_GET,
	V_SENDER_PUT,
	V_SENDER_PRUNE,
	V_ADD,
	V_TOTAL_ALL,
	V_TOTAL_PATH,
	V_TOP,
	V_DAYS,
	V_COUNT
};

static const char *const viewdb_sql[V_COUNT] = {
        [V_SENDER_GET] = "SELECT last_seq FROM view_senders WHERE front_id = ?1",
        [V_SENDER_PUT] = "INSERT INTO view_senders(front_id, last_seq, seen) VALUES(?1, ?2, ?3)"
                         " ON CONFLICT(front_id) DO UPDATE SET last_seq = excluded.last_seq,"
                         " seen = excluded.seen",
        [V_SENDER_PRUNE] = "DELETE FROM view_senders WHERE seen < ?1",
        [V_ADD] = "INSERT INTO views(path, day, count) VALUES(?1, ?2, ?3)"
                  " ON CONFLICT(path, day) DO UPDATE SET count = count + excluded.count",
        [V_TOTAL_ALL] = "SELECT COALESCE(SUM(count), 0), COUNT(DISTINCT path) FROM views"
                        " WHERE day >= ?1",
        [V_TOTAL_PATH] = "SELECT COALESCE(SUM(count), 0), COUNT(*) > 0 FROM views"
                         " WHERE path = ?1 AND day >= ?2",
        [V_TOP] = "SELECT path, SUM(count) AS n FROM views WHERE day >= ?1"
                  " GROUP BY path ORDER BY n DESC, path LIMIT ?2",
        [V_DAYS] = "SELECT day, count FROM views WHERE path = ?1 AND day >= ?2 ORDER BY day",
};

struct viewdb {
	struct source *src;
	sqlite3 *db;
	sqlite3_stmt *st[V_COUNT];
	bool in_txn;
};

static sqlite3_stmt *
stmt(struct viewdb *db, enum viewdb_stmt id)
{
	return source_stmt_fresh(db->st[id]);
}

/* Steps a statement that returns no rows, then resets it. */
static int
exec_stmt(struct viewdb *db, enum viewdb_stmt id)
{
	return source_stmt_exec(db->src, db->st[id], viewdb_sql[id]);
}

int
viewdb_open(struct viewdb **out, struct source *src)
{
	*out = NULL;
	struct viewdb *db = xcalloc(1, sizeof(*db));
	db->src = src;
	db->db = source_db(src);
	int rc = source_stmts_prepare(src, viewdb_sql, db->st, V_COUNT);
	if (rc) {
		viewdb_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

void
viewdb_close(struct viewdb *db)
{
	if (!db) {
		return;
	}
	if (db->in_txn) {
		viewdb_abort(db);
	}
	source_stmts_finalize(db->st, V_COUNT);
	free(db);
}

/* --- storing batches ------------------------------------------------------------------------ */

int
viewdb_begin(struct viewdb *db, uint64_t front_id, uint64_t seq, bool *dup)
{
	*dup = false;
	int rc = source_begin(db->src);
	if (rc) {
		return rc;
	}
	db->in_txn = true;
	sqlite3_stmt *st = stmt(db, V_SENDER_GET);
	sqlite3_bind_int64(st, 1, (int64_t)front_id);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		uint64_t last = (uint64_t)sqlite3_column_int64(st, 0);
		*dup = seq <= last;
	} else if (step != SQLITE_DONE) {
		rc = source_sqlite_err(db->src, step, viewdb_sql[V_SENDER_GET]);
	}
	sqlite3_reset(st);
	if (rc || *dup) {
		viewdb_abort(db);
	}
	return rc;
}

int
viewdb_add(struct viewdb *db, uint32_t day, struct slice path, uint64_t count)
{
	char d[VIEWDB_DAY_LEN + 1];
	viewdb_day_str(day, d);
	if (count > INT64_MAX) {
		return ERR_INVAL;
	}
	sqlite3_stmt *st = stmt(db, V_ADD);
	sqlite3_bind_text(st, 1, (const char *)path.ptr, (int)path.len, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, d, VIEWDB_DAY_LEN, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (int64_t)count);
	return exec_stmt(db, V_ADD);
}

int
viewdb_commit(struct viewdb *db, uint64_t front_id, uint64_t seq, int64_t now)
{
	sqlite3_stmt *st = stmt(db, V_SENDER_PUT);
	sqlite3_bind_int64(st, 1, (int64_t)front_id);
	sqlite3_bind_int64(st, 2, (int64_t)seq);
	sqlite3_bind_int64(st, 3, now);
	int rc = exec_stmt(db, V_SENDER_PUT);
	if (!rc) {
		rc = source_commit(db->src);
	}
	if (rc) {
		viewdb_abort(db);
		return rc;
	}
	db->in_txn = false;
	return 0;
}

void
viewdb_abort(struct viewdb *db)
{
	if (db->in_txn) {
		source_rollback(db->src);
		db->in_txn = false;
	}
}

int
viewdb_prune_senders(struct viewdb *db, int64_t before)
{
	sqlite3_stmt *st = stmt(db, V_SENDER_PRUNE);
	sqlite3_bind_int64(st, 1, before);
	return exec_stmt(db, V_SENDER_PRUNE);
}

/* --- days ----------------------------------------------------------------------------------- */

/*
 * Days since 1970-01-01 to a proleptic Gregorian date and back, by whole 400-year eras
 * (146097 days), so no time zone or libc table is involved.
 */
static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void
viewdb_day_str(uint32_t day, char *out)
{
	int64_t y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	unsigned yy = (unsigned)(y % 10000); /* days of a uint32 end in year 11761191 */
	const unsigned v[3] = {yy, m % 100, d % 100};
	const int width[3] = {4, 2, 2};
	char *o = out;
	for (int k = 0; k < 3; k++) {
		unsigned x = v[k];
		for (int i = width[k] - 1; i >= 0; i--) {
			o[i] = (char)('0' + x % 10);
			x /= 10;
		}
		o += width[k];
		*o++ = k < 2 ? '-' : '\0';
	}
}

int
viewdb_day_parse(struct slice s, uint32_t *day)
{
	if (s.len != VIEWDB_DAY_LEN || s.ptr[4] != '-' || s.ptr[7] != '-') {
		return ERR_INVAL;
	}
	unsigned v[3] = {0, 0, 0};
	static const size_t start[3] = {0, 5, 8}, len[3] = {4, 2, 2};
	for (int k = 0; k < 3; k++) {
		for (size_t i = start[k]; i < start[k] + len[k]; i++) {
			if (s.ptr[i] < '0' || s.ptr[i] > '9') {
				return ERR_INVAL;
			}
			v[k] = v[k] * 10 + (unsigned)(s.ptr[i] - '0');
		}
	}
	if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31) {
		return ERR_INVAL;
	}
	int64_t z = days_from_civil(v[0], v[1], v[2]);
	int64_t y;
	unsigned m, d;
	civil_from_days(z, &y, &m, &d);
	if (y != v[0] || m != v[1] || d != v[2]) {
		return ERR_INVAL; /* 2023-02-30 and the like */
	}
	*day = (uint32_t)z;
	return 0;
}

/* --- reading -------------------------------------------------------------------------------- */

static const char *
since_of(const struct viewdb_query *q)
{
	return q->since ? q->since : "";
}

int
viewdb_total(struct viewdb *db, const struct viewdb_query *q, uint64_t *views, uint64_t *paths)
{
	*views = *paths = 0;
	enum viewdb_stmt id = q->path ? V_TOTAL_PATH : V_TOTAL_ALL;
	sqlite3_stmt *st = stmt(db, id);
	if (q->path) {
		sqlite3_bind_text(st, 1, q->path, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, since_of(q), -1, SQLITE_STATIC);
	} else {
		sqlite3_bind_text(st, 1, since_of(q), -1, SQLITE_STATIC);
	}
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*views = (uint64_t)sqlite3_column_int64(st, 0);
		*paths = (uint64_t)sqlite3_column_int64(st, 1);
		rc = 0;
	} else {
		rc = source_sqlite_err(db->src, rc, viewdb_sql[id]);
	}
	sqlite3_reset(st);
	return rc;
}

/* Steps st and hands each row's (text, integer) pair to fn. */
static int
each_row(struct viewdb *db, enum viewdb_stmt id, viewdb_row_fn *fn, void *arg)
{
	sqlite3_stmt *st = db->st[id];
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		rc = fn(arg, key ? key : "", (uint64_t)sqlite3_column_int64(st, 1));
		if (rc) {
			sqlite3_reset(st);
			return rc;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : source_sqlite_err(db->src, rc, viewdb_sql[id]);
}

int
viewdb_top(struct viewdb *db, const struct viewdb_query *q, viewdb_row_fn *fn, void *arg)
{
	sqlite3_stmt *st = stmt(db, V_TOP);
	sqlite3_bind_text(st, 1, since_of(q), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, q->top > INT64_MAX ? INT64_MAX : (int64_t)q->top);
	return each_row(db, V_TOP, fn, arg);
}

int
viewdb_days(struct viewdb *db, const struct viewdb_query *q, viewdb_row_fn *fn, void *arg)
{
	if (!q->path) {
		return ERR_INVAL;
	}
	sqlite3_stmt *st = stmt(db, V_DAYS);
	sqlite3_bind_text(st, 1, q->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, since_of(q), -1, SQLITE_STATIC);
	return each_row(db, V_DAYS, fn, arg);
}
