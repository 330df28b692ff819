/*
 * sitedb.c: the SQL of the generated site pages (contract in sitedb.h), kept beside
 * source.c like viewdb.c: every statement is prepared once and reset after use, the schema
 * comes from source.c's migration list, SQLite codes are translated by source_sqlite_err.
 *
 * "Under a prefix" is a range on a primary key: tags under "a" are [a/, a0) and paths under
 * folder "F" are [F/, F0), '0' being the byte after '/'.
 */
#include "ingestd/sitedb.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingestd/source.h"
#include "ingestd/source_stmt.h"
#include "ingestd/strset.h"
#include "shared/buf.h"
#include "shared/defs.h"
#include "shared/err.h"

#define LISTED_COLS "l.path, l.title, l.url, l.ts, l.description, l.first"

enum sitedb_stmt {
	T_LISTING_GET,
	T_LISTING_PUT,
	T_LISTING_DEL,
	T_NOTE_NOW,
	T_TAGS_OF,
	T_TAGS_DEL,
	T_TAG_ADD,
	T_TAG_LIVE,
	T_ANY_TAG,
	T_FOLDER_LIVE,
	T_TAG_NOTES,
	T_TAGS_UNDER,
	T_FOLDER_NOTES,
	T_RECENT,
	T_COUNT
};

/*
 * A tag ?1 or one nested under it (?2 = "tag/", ?3 = "tag0"), written as one range on the
 * tags primary key. The CROSS JOINs keep SQLite walking tags first: without statistics it
 * would scan every listed note and probe its tags, once per tag page (a 3,000-note vault
 * with 1,800 tags took 10 s to push instead of 0.4 s).
 */
#define TAG_OR_UNDER "t.tag >= ?1 AND t.tag < ?3 AND (t.tag = ?1 OR t.tag >= ?2)"

static const char *const sitedb_sql[T_COUNT] = {
        [T_LISTING_GET] = "SELECT listed, title, url, ts, description, first FROM listing"
                          " WHERE path = ?1",
        [T_LISTING_PUT] = "INSERT OR REPLACE INTO listing(path, listed, title, url, ts,"
                          " description, first) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        [T_LISTING_DEL] = "DELETE FROM listing WHERE path = ?1",
        [T_NOTE_NOW] = "SELECT title, url, private, description, date, tags FROM notes"
                       " WHERE path = ?1",
        [T_TAGS_OF] = "SELECT tag FROM tags WHERE path = ?1 ORDER BY tag",
        [T_TAGS_DEL] = "DELETE FROM tags WHERE path = ?1",
        [T_TAG_ADD] = "INSERT OR IGNORE INTO tags(tag, path) VALUES(?1, ?2)",
        [T_TAG_LIVE] = "SELECT 1 FROM tags t CROSS JOIN listing l ON l.path = t.path"
                       " WHERE l.listed = 1 AND " TAG_OR_UNDER " LIMIT 1",
        [T_ANY_TAG] = "SELECT 1 FROM tags t JOIN listing l ON l.path = t.path"
                      " WHERE l.listed = 1 LIMIT 1",
        [T_FOLDER_LIVE] = "SELECT 1 FROM listing WHERE +listed = 1 AND path >= ?1 AND path < ?2"
                          " LIMIT 1",
        [T_TAG_NOTES] = "SELECT DISTINCT " LISTED_COLS " FROM tags t CROSS JOIN listing l"
                        " ON l.path = t.path WHERE l.listed = 1 AND " TAG_OR_UNDER
                        " ORDER BY l.title COLLATE NOCASE, l.path",
        [T_TAGS_UNDER] = "SELECT t.tag, COUNT(*) FROM tags t CROSS JOIN listing l"
                         " ON l.path = t.path"
                         " WHERE l.listed = 1 AND t.tag >= ?1 AND t.tag < ?2"
                         " GROUP BY t.tag ORDER BY t.tag",
        /* "+l.listed": walk the primary key in path order (no sort of the folder's notes)
         * rather than the listed/ts index. */
        [T_FOLDER_NOTES] = "SELECT " LISTED_COLS " FROM listing l WHERE +l.listed = 1"
                           " AND l.path >= ?1 AND l.path < ?2 ORDER BY l.path",
        [T_RECENT] = "SELECT " LISTED_COLS " FROM listing l WHERE l.listed = 1"
                     " ORDER BY l.ts DESC, l.path LIMIT ?1",
};

/* One listed note of the cache below: offsets into its string buffer (SIZE_MAX: NULL). */
struct cached_note {
	size_t path, title, url, description;
	int64_t ts, first;
};

/*
 * Every listed note in path order, kept while the database is unchanged: one push's write
 * renders the root folder page, the nav fragment and the sitemap, and each wants all of
 * them. Valid while sqlite3_total_changes64 of the connection is what it was when filled
 * (any write, even one rolled back, drops it).
 */
struct all_cache {
	bool valid;
	int64_t changes;
	struct cached_note *n;
	size_t count, cap;
	struct buf strs;
};

struct sitedb {
	struct source *src;
	sqlite3_stmt *st[T_COUNT];
	struct buf lo, hi; /* range bounds */
	struct all_cache all;
};

static sqlite3_stmt *
stmt(struct sitedb *db, enum sitedb_stmt id)
{
	return source_stmt_fresh(db->st[id]);
}

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static int
exec_stmt(struct sitedb *db, enum sitedb_stmt id)
{
	return source_stmt_exec(db->src, db->st[id], sitedb_sql[id]);
}

/* Binds the range of keys under prefix ("" for everything) as ?lo and ?lo + 1. */
static int
bind_under(struct sitedb *db, sqlite3_stmt *st, int lo, const char *prefix)
{
	buf_reset(&db->lo);
	buf_reset(&db->hi);
	if (*prefix) {
		buf_puts(&db->lo, prefix);
		buf_putc(&db->lo, '/');
		buf_puts(&db->hi, prefix);
		buf_putc(&db->hi, '0');
	} else {
		buf_puts(&db->hi, "\xff");
	}
	if (db->lo.err || db->hi.err) {
		return ERR_NOMEM;
	}
	sqlite3_bind_text(st, lo, buf_cstr(&db->lo), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, lo + 1, buf_cstr(&db->hi), -1, SQLITE_STATIC);
	return 0;
}

int
sitedb_open(struct sitedb **out, struct source *src)
{
	*out = NULL;
	struct sitedb *db = xcalloc(1, sizeof(*db));
	db->src = src;
	buf_init(&db->lo, 0);
	buf_init(&db->hi, 0);
	buf_init(&db->all.strs, 0);
	int rc = source_stmts_prepare(src, sitedb_sql, db->st, T_COUNT);
	if (rc) {
		sitedb_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

void
sitedb_close(struct sitedb *db)
{
	if (!db) {
		return;
	}
	source_stmts_finalize(db->st, T_COUNT);
	buf_fini(&db->lo);
	buf_fini(&db->hi);
	free(db->all.n);
	buf_fini(&db->all.strs);
	free(db);
}

void
sitedb_note_fini(struct sitedb_note_copy *n)
{
	free(n->title);
	free(n->url);
	free(n->description);
	free(n->date);
	free(n->tags);
	memset(n, 0, sizeof(*n));
}

/* Steps a one-row statement: 0 with the row, ERR_NOTFOUND, or a database error. */
static int
step_row(struct sitedb *db, enum sitedb_stmt id)
{
	return source_stmt_row(db->src, db->st[id], sitedb_sql[id]);
}

int
sitedb_listing_get(struct sitedb *db, const char *path, struct sitedb_note_copy *out)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *st = stmt(db, T_LISTING_GET);
	source_bind_text(st, 1, path);
	int rc = step_row(db, T_LISTING_GET);
	if (rc) {
		return rc;
	}
	out->listed = sqlite3_column_int(st, 0) != 0;
	out->title = dup_or_null(source_col_text(st, 1));
	out->url = dup_or_null(source_col_text(st, 2));
	out->ts = sqlite3_column_int64(st, 3);
	out->description = dup_or_null(source_col_text(st, 4));
	out->first = sqlite3_column_int64(st, 5);
	sqlite3_reset(st);
	return 0;
}

int
sitedb_listing_put(struct sitedb *db, const struct sitedb_note *n)
{
	sqlite3_stmt *st = stmt(db, T_LISTING_PUT);
	source_bind_text(st, 1, n->path);
	sqlite3_bind_int(st, 2, n->listed);
	source_bind_text(st, 3, n->title ? n->title : "");
	source_bind_text(st, 4, n->url);
	sqlite3_bind_int64(st, 5, n->ts);
	source_bind_text(st, 6, n->description);
	sqlite3_bind_int64(st, 7, n->first);
	return exec_stmt(db, T_LISTING_PUT);
}

int
sitedb_listing_del(struct sitedb *db, const char *path)
{
	source_bind_text(stmt(db, T_LISTING_DEL), 1, path);
	return exec_stmt(db, T_LISTING_DEL);
}

int
sitedb_note_now(struct sitedb *db, const char *path, struct sitedb_note_copy *out)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *st = stmt(db, T_NOTE_NOW);
	source_bind_text(st, 1, path);
	int rc = step_row(db, T_NOTE_NOW);
	if (rc) {
		return rc;
	}
	out->title = dup_or_null(source_col_text(st, 0));
	out->url = dup_or_null(source_col_text(st, 1));
	out->listed = out->url && sqlite3_column_int(st, 2) == 0;
	out->description = dup_or_null(source_col_text(st, 3));
	out->date = dup_or_null(source_col_text(st, 4));
	out->tags = dup_or_null(source_col_text(st, 5));
	sqlite3_reset(st);
	return 0;
}

int
sitedb_tags_of(struct sitedb *db, const char *path, struct strset *out)
{
	sqlite3_stmt *st = stmt(db, T_TAGS_OF);
	source_bind_text(st, 1, path);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		strset_add(out, source_col_text(st, 0));
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : source_sqlite_err(db->src, rc, sitedb_sql[T_TAGS_OF]);
}

int
sitedb_tags_set(struct sitedb *db, const char *path, const struct strset *tags)
{
	source_bind_text(stmt(db, T_TAGS_DEL), 1, path);
	int rc = exec_stmt(db, T_TAGS_DEL);
	for (size_t i = 0; tags && i < tags->count && !rc; i++) {
		sqlite3_stmt *st = stmt(db, T_TAG_ADD);
		source_bind_text(st, 1, tags->items[i]);
		source_bind_text(st, 2, path);
		rc = exec_stmt(db, T_TAG_ADD);
	}
	return rc;
}

/* Steps a "SELECT 1 ... LIMIT 1" statement into *live. */
static int
exists(struct sitedb *db, enum sitedb_stmt id, bool *live)
{
	int rc = step_row(db, id);
	*live = rc == 0;
	if (rc == 0) {
		sqlite3_reset(db->st[id]);
	}
	return rc == ERR_NOTFOUND ? 0 : rc;
}

int
sitedb_tag_live(struct sitedb *db, const char *tag, bool *live)
{
	sqlite3_stmt *st = stmt(db, T_TAG_LIVE);
	source_bind_text(st, 1, tag);
	int rc = bind_under(db, st, 2, tag);
	return rc ? rc : exists(db, T_TAG_LIVE, live);
}

int
sitedb_any_tag(struct sitedb *db, bool *live)
{
	stmt(db, T_ANY_TAG);
	return exists(db, T_ANY_TAG, live);
}

int
sitedb_folder_live(struct sitedb *db, const char *folder, bool *live)
{
	int rc = bind_under(db, stmt(db, T_FOLDER_LIVE), 1, folder);
	return rc ? rc : exists(db, T_FOLDER_LIVE, live);
}

static int
notes_walk(struct sitedb *db, enum sitedb_stmt id, sitedb_note_fn *fn, void *arg)
{
	sqlite3_stmt *st = db->st[id];
	int rc, urc = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct sitedb_note n = {
		        .path = source_col_text(st, 0),
		        .title = source_col_text(st, 1),
		        .url = source_col_text(st, 2),
		        .ts = sqlite3_column_int64(st, 3),
		        .description = source_col_text(st, 4),
		        .first = sqlite3_column_int64(st, 5),
		        .listed = true,
		};
		urc = fn(arg, &n);
		if (urc) {
			break;
		}
	}
	if (!urc && rc != SQLITE_DONE) {
		urc = source_sqlite_err(db->src, rc, sitedb_sql[id]);
	}
	sqlite3_reset(st);
	return urc;
}

int
sitedb_tag_notes(struct sitedb *db, const char *tag, sitedb_note_fn *fn, void *arg)
{
	sqlite3_stmt *st = stmt(db, T_TAG_NOTES);
	source_bind_text(st, 1, tag);
	int rc = bind_under(db, st, 2, tag);
	return rc ? rc : notes_walk(db, T_TAG_NOTES, fn, arg);
}

int
sitedb_tags_under(struct sitedb *db, const char *tag, sitedb_tag_fn *fn, void *arg)
{
	sqlite3_stmt *st = stmt(db, T_TAGS_UNDER);
	int rc = bind_under(db, st, 1, tag);
	if (rc) {
		return rc;
	}
	int urc = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		urc = fn(arg, source_col_text(st, 0), (uint64_t)sqlite3_column_int64(st, 1));
		if (urc) {
			break;
		}
	}
	if (!urc && rc != SQLITE_DONE) {
		urc = source_sqlite_err(db->src, rc, sitedb_sql[T_TAGS_UNDER]);
	}
	sqlite3_reset(st);
	return urc;
}

static size_t
cache_str(struct all_cache *c, const char *s)
{
	if (!s) {
		return SIZE_MAX;
	}
	size_t at = c->strs.len;
	buf_put(&c->strs, s, strlen(s) + 1);
	return at;
}

static const char *
cached_str(const struct all_cache *c, size_t at)
{
	return at == SIZE_MAX ? NULL : (const char *)c->strs.ptr + at;
}

/* notes_walk's callback while filling the cache: keeps the row, then hands it on. */
struct cache_fill {
	struct all_cache *c;
	sitedb_note_fn *fn;
	void *arg;
};

static int
cache_add(void *arg, const struct sitedb_note *n)
{
	struct cache_fill *f = arg;
	struct all_cache *c = f->c;
	if (c->count == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->n = xrealloc(c->n, c->cap * sizeof(*c->n));
	}
	c->n[c->count++] = (struct cached_note){
	        .path = cache_str(c, n->path),
	        .title = cache_str(c, n->title),
	        .url = cache_str(c, n->url),
	        .description = cache_str(c, n->description),
	        .ts = n->ts,
	        .first = n->first,
	};
	return f->fn(f->arg, n);
}

/* Every listed note, from the cache when the database has not changed since it was filled. */
static int
all_notes(struct sitedb *db, sitedb_note_fn *fn, void *arg)
{
	struct all_cache *c = &db->all;
	int64_t changes = sqlite3_total_changes64(source_db(db->src));
	if (c->valid && c->changes == changes) {
		for (size_t i = 0; i < c->count; i++) {
			struct sitedb_note n = {
			        .path = cached_str(c, c->n[i].path),
			        .title = cached_str(c, c->n[i].title),
			        .url = cached_str(c, c->n[i].url),
			        .description = cached_str(c, c->n[i].description),
			        .ts = c->n[i].ts,
			        .first = c->n[i].first,
			        .listed = true,
			};
			int rc = fn(arg, &n);
			if (rc) {
				return rc;
			}
		}
		return 0;
	}
	c->valid = false;
	c->count = 0;
	buf_reset(&c->strs);
	struct cache_fill f = {c, fn, arg};
	int rc = bind_under(db, stmt(db, T_FOLDER_NOTES), 1, "");
	if (!rc) {
		rc = notes_walk(db, T_FOLDER_NOTES, cache_add, &f);
	}
	if (!rc && !c->strs.err) {
		c->valid = true; // a walk cut short, or out of memory, leaves no cache
		c->changes = changes;
	}
	return rc;
}

int
sitedb_folder_notes(struct sitedb *db, const char *folder, sitedb_note_fn *fn, void *arg)
{
	if (!*folder) {
		return all_notes(db, fn, arg);
	}
	int rc = bind_under(db, stmt(db, T_FOLDER_NOTES), 1, folder);
	return rc ? rc : notes_walk(db, T_FOLDER_NOTES, fn, arg);
}

int
sitedb_recent(struct sitedb *db, size_t limit, sitedb_note_fn *fn, void *arg)
{
	sqlite3_bind_int64(stmt(db, T_RECENT), 1, (sqlite3_int64)limit);
	return notes_walk(db, T_RECENT, fn, arg);
}
