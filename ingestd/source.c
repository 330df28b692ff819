/*
 * source.c: ingestd's SQLite database (tables in source.h); the only file with SQL besides
 * viewdb.c, which owns the view tables' statements on the same connection. Every
 * statement is prepared once at open and reset after use, so a push pays for binding and
 * stepping only. The schema carries a version (PRAGMA user_version) and grows by appending
 * to the migration list, never by editing an applied step.
 */
#include "ingestd/source.h"
#include "ingestd/source_stmt.h"
#include "ingestd/walckpt.h"

#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "shared/defs.h"
#include "shared/err.h"
#include "shared/log.h"

/* Applied in order; user_version counts the steps done. */
static const char *const source_migrations[] = {
        /* 1: the initial schema */
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
        "CREATE TABLE files(path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, size INTEGER NOT NULL,"
        "  version INTEGER NOT NULL, is_note INTEGER NOT NULL, mtime INTEGER NOT NULL,"
        "  content BLOB NOT NULL);"
        "CREATE TABLE notes(path TEXT PRIMARY KEY, title TEXT NOT NULL, name_key TEXT NOT NULL,"
        "  path_key TEXT NOT NULL, claim TEXT, url TEXT, published INTEGER NOT NULL,"
        "  private INTEGER NOT NULL, permalink TEXT, description TEXT, date TEXT,"
        "  tags TEXT, image TEXT, cssclasses TEXT, body_off INTEGER NOT NULL DEFAULT 0,"
        "  frontmatter TEXT NOT NULL DEFAULT '{}') WITHOUT ROWID;"
        "CREATE TABLE links(id INTEGER PRIMARY KEY, src TEXT NOT NULL, target TEXT NOT NULL,"
        "  target_name TEXT NOT NULL, frag TEXT NOT NULL, embed INTEGER NOT NULL,"
        "  kind INTEGER NOT NULL, resolved TEXT);"
        "CREATE INDEX links_src ON links(src);"
        "CREATE INDEX links_name ON links(target_name);"
        "CREATE INDEX links_resolved ON links(resolved);"
        "CREATE TABLE claims(url TEXT NOT NULL, path TEXT NOT NULL, kind INTEGER NOT NULL,"
        "  location TEXT, PRIMARY KEY(url, path)) WITHOUT ROWID;"
        "CREATE INDEX claims_path ON claims(path);"
        "CREATE TABLE pages(url TEXT PRIMARY KEY, path TEXT NOT NULL, kind INTEGER NOT NULL,"
        "  location TEXT) WITHOUT ROWID;"
        "CREATE INDEX pages_path ON pages(path);"
        "CREATE TABLE journal(gen INTEGER PRIMARY KEY, urls BLOB NOT NULL);",
        /* 2: page views from the fronts (viewdb.c), and the last batch stored per front */
        "CREATE TABLE views(path TEXT NOT NULL, day TEXT NOT NULL, count INTEGER NOT NULL,"
        "  PRIMARY KEY(path, day)) WITHOUT ROWID;"
        "CREATE INDEX views_day ON views(day);"
        "CREATE TABLE view_senders(front_id INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL,"
        "  seen INTEGER NOT NULL);",
        /* v3: site pages (h-site): each note's tags, and what the site's lists show of it */
        "CREATE TABLE tags(tag TEXT NOT NULL, path TEXT NOT NULL, PRIMARY KEY(tag, path))"
        "  WITHOUT ROWID;"
        "CREATE INDEX tags_path ON tags(path);"
        "CREATE TABLE listing(path TEXT PRIMARY KEY, listed INTEGER NOT NULL,"
        "  title TEXT NOT NULL, url TEXT, ts INTEGER NOT NULL, description TEXT,"
        "  first INTEGER NOT NULL) WITHOUT ROWID;"
        "CREATE INDEX listing_ts ON listing(listed, ts);",
        /* 4: old URLs that redirect to the note that lived there (a rename, a move, a
         * permalink change), each note's aliases, and the layout it asks for and uses */
        "CREATE TABLE url_history(url TEXT NOT NULL, path TEXT NOT NULL,"
        "  PRIMARY KEY(url, path)) WITHOUT ROWID;"
        "CREATE INDEX url_history_path ON url_history(path);"
        "ALTER TABLE notes ADD COLUMN aliases TEXT;"
        "ALTER TABLE notes ADD COLUMN layout_want TEXT;"
        "ALTER TABLE notes ADD COLUMN layout TEXT NOT NULL DEFAULT '';"
        "CREATE INDEX notes_layout ON notes(layout);"
        "CREATE INDEX notes_layout_want ON notes(layout_want);",
};

enum source_stmt {
	S_BEGIN,
	S_BEGIN_READ,
	S_COMMIT,
	S_ROLLBACK,
	S_META_GET,
	S_META_SET,
	S_FILE_GET,
	S_FILE_PUT,
	S_FILE_DEL,
	S_FILES_EACH,
	S_NOTE_GET,
	S_NOTE_PUT,
	S_NOTE_SET_CLAIM,
	S_NOTE_SET_URL,
	S_NOTE_DEL,
	S_NOTES_EACH,
	S_LINK_ADD,
	S_LINKS_DEL_SRC,
	S_LINKS_FROM,
	S_LINKS_NAMED,
	S_LINKS_TO,
	S_LINK_SET_RESOLVED,
	S_BACKLINKS,
	S_CLAIM_ADD,
	S_CLAIMS_OF_PATH,
	S_CLAIMS_DEL_PATH,
	S_CLAIMS_OF_URL,
	S_PAGE_GET,
	S_PAGE_LOAD,
	S_PAGE_PUT,
	S_PAGE_DEL,
	S_PAGES_OF_PATH,
	S_PAGES_EACH,
	S_JOURNAL_ADD,
	S_JOURNAL_ABOVE,
	S_JOURNAL_CLEAR,
	S_HIST_ADD,
	S_HIST_OF_PATH,
	S_HIST_MOVE,
	S_HIST_DEL_PATH,
	S_HIST_DEL,
	S_NOTE_EXTRA_SET,
	S_NOTE_EXTRA_GET,
	S_NOTE_SET_LAYOUT,
	S_NOTES_LAYOUT,
	S_LAYOUT_SHA_USED,
	S_FILE_CONTENT,
	S_CLAIM_DEL,
	S_NOTE_BODY,
	S_EMBEDDERS,
	S_LINKS_ALL,
	S_LINK_SET_NAME,
	S_NOTE_SET_KEYS,
	S_NOTES_PATHS,
	S_COUNT
};

static const char *const source_sql[S_COUNT] = {
        [S_BEGIN] = "BEGIN IMMEDIATE",
        [S_BEGIN_READ] = "BEGIN DEFERRED",
        [S_COMMIT] = "COMMIT",
        [S_ROLLBACK] = "ROLLBACK",
        [S_META_GET] = "SELECT value FROM meta WHERE key = ?1",
        [S_META_SET] = "INSERT INTO meta(key, value) VALUES(?1, ?2)"
                       " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [S_FILE_GET] = "SELECT sha256, size, version, is_note, mtime FROM files WHERE path = ?1",
        [S_FILE_PUT] = "INSERT INTO files(path, sha256, size, version, is_note, mtime, content)"
                       " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(path) DO UPDATE SET"
                       " sha256 = excluded.sha256, size = excluded.size,"
                       " version = excluded.version, is_note = excluded.is_note,"
                       " mtime = excluded.mtime, content = excluded.content",
        [S_FILE_DEL] = "DELETE FROM files WHERE path = ?1",
        [S_FILES_EACH] = "SELECT path, sha256, is_note FROM files ORDER BY path",
        [S_NOTE_GET] = "SELECT title, claim, permalink, published, private, url FROM notes"
                       " WHERE path = ?1",
        [S_NOTE_PUT] = "INSERT OR REPLACE INTO notes(path, title, name_key, path_key, claim,"
                       " published, private, permalink, description, date, tags, body_off,"
                       " frontmatter, url, image, cssclasses) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7,"
                       " ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        [S_NOTE_SET_CLAIM] = "UPDATE notes SET claim = ?2 WHERE path = ?1",
        [S_NOTE_SET_URL] = "UPDATE notes SET url = ?2 WHERE path = ?1",
        [S_NOTE_DEL] = "DELETE FROM notes WHERE path = ?1",
        [S_NOTES_EACH] = "SELECT path, title, claim, permalink, published, private FROM notes",
        [S_LINK_ADD] = "INSERT INTO links(src, target, target_name, frag, embed, kind, resolved)"
                       " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        [S_LINKS_DEL_SRC] = "DELETE FROM links WHERE src = ?1",
        [S_LINKS_FROM] = "SELECT id, src, target, target_name, frag, embed, kind, resolved"
                         " FROM links WHERE src = ?1 ORDER BY id",
        [S_LINKS_NAMED] = "SELECT id, src, target, target_name, frag, embed, kind, resolved"
                          " FROM links WHERE target_name = ?1 ORDER BY id",
        [S_LINKS_TO] = "SELECT DISTINCT src FROM links WHERE resolved = ?1",
        [S_LINK_SET_RESOLVED] = "UPDATE links SET resolved = ?2 WHERE id = ?1",
        [S_BACKLINKS] = "SELECT l.src, n.title, n.url FROM links l JOIN notes n ON n.path = l.src"
                        " WHERE l.resolved = ?1 AND l.src != ?1 AND n.private = 0"
                        " AND n.url IS NOT NULL",
        [S_CLAIM_ADD] = "INSERT OR REPLACE INTO claims(url, path, kind, location)"
                        " VALUES(?1, ?2, ?3, ?4)",
        [S_CLAIMS_OF_PATH] = "SELECT url, path, kind, location FROM claims WHERE path = ?1",
        [S_CLAIMS_DEL_PATH] = "DELETE FROM claims WHERE path = ?1",
        [S_CLAIMS_OF_URL] = "SELECT url, path, kind, location FROM claims WHERE url = ?1",
        [S_PAGE_GET] = "SELECT path, kind, location FROM pages WHERE url = ?1",
        [S_PAGE_LOAD] =
                "SELECT p.path, p.kind, p.location, COALESCE(n.private, 0), f.mtime,"
                " CASE WHEN p.kind = 3 THEN NULL ELSE f.content END, n.title,"
                " n.description, n.date, n.tags, COALESCE(n.body_off, 0), f.sha256, n.image,"
                " n.cssclasses FROM pages p"
                " LEFT JOIN notes n ON n.path = p.path LEFT JOIN files f ON f.path = p.path"
                " WHERE p.url = ?1",
        [S_PAGE_PUT] = "INSERT OR REPLACE INTO pages(url, path, kind, location)"
                       " VALUES(?1, ?2, ?3, ?4)",
        [S_PAGE_DEL] = "DELETE FROM pages WHERE url = ?1",
        [S_PAGES_OF_PATH] = "SELECT url, path, kind, location FROM pages WHERE path = ?1",
        [S_PAGES_EACH] = "SELECT url, path, kind, location FROM pages ORDER BY url",
        [S_JOURNAL_ADD] = "INSERT OR REPLACE INTO journal(gen, urls) VALUES(?1, ?2)",
        [S_JOURNAL_ABOVE] = "SELECT urls FROM journal WHERE gen > ?1 ORDER BY gen",
        [S_JOURNAL_CLEAR] = "DELETE FROM journal WHERE gen <= ?1",
        [S_HIST_ADD] = "INSERT OR IGNORE INTO url_history(url, path) VALUES(?1, ?2)",
        [S_HIST_OF_PATH] = "SELECT url FROM url_history WHERE path = ?1 ORDER BY url",
        [S_HIST_MOVE] = "UPDATE OR REPLACE url_history SET path = ?2 WHERE path = ?1",
        [S_HIST_DEL_PATH] = "DELETE FROM url_history WHERE path = ?1",
        [S_HIST_DEL] = "DELETE FROM url_history WHERE url = ?1 AND path = ?2",
        [S_NOTE_EXTRA_SET] = "UPDATE notes SET aliases = ?2, layout_want = ?3, layout = ?4"
                             " WHERE path = ?1",
        [S_NOTE_EXTRA_GET] = "SELECT aliases, layout_want, layout FROM notes WHERE path = ?1",
        [S_NOTE_SET_LAYOUT] = "UPDATE notes SET layout = ?2 WHERE path = ?1",
        [S_NOTES_LAYOUT] = "SELECT path, layout_want, layout FROM notes WHERE layout = ?1"
                           " OR layout_want = ?2 OR (?3 AND layout = '') ORDER BY path",
        [S_LAYOUT_SHA_USED] = "SELECT 1 FROM files WHERE sha256 = ?1 AND path >= '_layouts/'"
                              " AND path < '_layouts0' LIMIT 1",
        [S_FILE_CONTENT] = "SELECT content FROM files WHERE path = ?1",
        [S_CLAIM_DEL] = "DELETE FROM claims WHERE url = ?1 AND path = ?2",
        [S_NOTE_BODY] = "SELECT n.title, n.private, COALESCE(n.body_off, 0), f.content"
                        " FROM notes n JOIN files f ON f.path = n.path WHERE n.path = ?1",
        [S_EMBEDDERS] = "SELECT DISTINCT src FROM links WHERE resolved = ?1 AND embed = 1",
        [S_LINKS_ALL] = "SELECT id, target, target_name FROM links ORDER BY id",
        [S_LINK_SET_NAME] = "UPDATE links SET target_name = ?2 WHERE id = ?1",
        [S_NOTE_SET_KEYS] = "UPDATE notes SET name_key = ?2, path_key = ?3 WHERE path = ?1",
        [S_NOTES_PATHS] = "SELECT path, name_key, path_key FROM notes ORDER BY path",
};

struct source {
	sqlite3 *db;
	sqlite3_stmt *st[S_COUNT];
	struct walckpt *ckpt; /* WAL checkpoints on a thread of their own (walckpt.h) */
};

/* Translates a SQLite result code and logs the database's message once. */
static int
source_err(struct source *s, int rc, const char *what)
{
	int err;
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return 0;
	case SQLITE_NOMEM:
		err = ERR_NOMEM;
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		err = ERR_BUSY;
		break;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		err = ERR_CORRUPT;
		break;
	case SQLITE_CONSTRAINT:
		err = ERR_EXIST;
		break;
	case SQLITE_TOOBIG:
		err = ERR_TOOBIG;
		break;
	case SQLITE_PERM:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
		err = ERR_PERM;
		break;
	default:
		err = ERR_IO;
		break;
	}
	log_err("source.sqlite", "op=%s rc=%d msg=\"%s\"", what, rc,
	        s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
	return err;
}

static sqlite3_stmt *
stmt(struct source *s, enum source_stmt id)
{
	return source_stmt_fresh(s->st[id]);
}

static void
bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v) {
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	} else {
		sqlite3_bind_null(st, i);
	}
}

static const char *
col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Steps a statement that returns no rows, then resets it. */
static int
exec_stmt(struct source *s, enum source_stmt id, sqlite3_stmt *st)
{
	return source_stmt_exec(s, st, source_sql[id]);
}

/* Binds ?1, and ?2 when n is 2, as text (NULL binds NULL), then steps like exec_stmt. */
static int
exec_text(struct source *s, enum source_stmt id, int n, const char *a, const char *b)
{
	sqlite3_stmt *st = stmt(s, id);
	bind_text(st, 1, a);
	if (n == 2) {
		bind_text(st, 2, b);
	}
	return exec_stmt(s, id, st);
}

/*
 * Calls fn with column 0 of each row of statement id (?1 = key) until it returns non-zero,
 * which is returned; what names the statement in errors.
 */
static int
strs_walk(struct source *s, enum source_stmt id, const char *key, const char *what,
          source_str_fn *fn, void *arg)
{
	sqlite3_stmt *st = stmt(s, id);
	bind_text(st, 1, key);
	int rc, urc = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		urc = fn(arg, col_text(st, 0));
		if (urc) {
			break;
		}
	}
	if (!urc && rc != SQLITE_DONE) {
		urc = source_err(s, rc, what);
	}
	sqlite3_reset(st);
	return urc;
}

/* --- statements of sitedb.c and viewdb.c (source_stmt.h) ----------------------------------- */

int
source_stmts_prepare(struct source *s, const char *const *sql, sqlite3_stmt **st, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = sqlite3_prepare_v3(s->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &st[i],
		                            NULL);
		if (rc != SQLITE_OK) {
			return source_err(s, rc, sql[i]);
		}
	}
	return 0;
}

void
source_stmts_finalize(sqlite3_stmt **st, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		sqlite3_finalize(st[i]);
	}
}

sqlite3_stmt *
source_stmt_fresh(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

void
source_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	bind_text(st, i, v);
}

const char *
source_col_text(sqlite3_stmt *st, int i)
{
	return col_text(st, i);
}

int
source_stmt_exec(struct source *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : source_err(s, rc, what);
}

int
source_stmt_row(struct source *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		return 0;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? ERR_NOTFOUND : source_err(s, rc, what);
}

static int
exec_sql(struct source *s, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		log_err("source.sqlite", "op=exec rc=%d msg=\"%s\"", rc, msg ? msg : "");
		sqlite3_free(msg);
		return source_err(NULL, rc, "exec");
	}
	return 0;
}

static int
source_migrate(struct source *s)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		return source_err(s, rc, "user_version");
	}
	int64_t version = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		version = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	int64_t latest = (int64_t)ARRAY_LEN(source_migrations);
	if (version > latest) {
		log_err("source.schema",
		        "version=%" PRId64 " known=%" PRId64 " msg=\"written by a"
		        " newer folio\"",
		        version, latest);
		return ERR_VERSION;
	}
	for (int64_t v = version; v < latest; v++) {
		char pragma[64];
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %" PRId64, v + 1);
		rc = exec_sql(s, "BEGIN IMMEDIATE");
		if (!rc) {
			rc = exec_sql(s, source_migrations[v]);
		}
		if (!rc) {
			rc = exec_sql(s, pragma);
		}
		if (!rc) {
			rc = exec_sql(s, "COMMIT");
		}
		if (rc) {
			exec_sql(s, "ROLLBACK");
			return rc;
		}
		log_info("source.migrate", "version=%" PRId64, v + 1);
	}
	return 0;
}

struct sqlite3 *
source_db(struct source *s)
{
	return s->db;
}

int
source_sqlite_err(struct source *s, int rc, const char *what)
{
	return source_err(s, rc, what);
}

int
source_open(struct source **out, const char *path)
{
	*out = NULL;
	struct source *s = xcalloc(1, sizeof(*s));
	int rc = sqlite3_open_v2(path, &s->db,
	                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                         NULL);
	if (rc != SQLITE_OK) {
		rc = source_err(s, rc, "open");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 5000);
	sqlite3_extended_result_codes(s->db, 1);
	/* WAL plus synchronous=NORMAL: a crash never corrupts or half-applies a transaction;
	 * only a power loss can drop the newest ones, which startup treats like LMDB being
	 * ahead (a rebuild). */
	rc = exec_sql(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
	                 "PRAGMA foreign_keys = OFF; PRAGMA temp_store = MEMORY;"
	                 "PRAGMA cache_size = -32768;");
	if (rc) {
		goto fail;
	}
	rc = source_migrate(s);
	if (rc) {
		goto fail;
	}
	rc = source_stmts_prepare(s, source_sql, s->st, S_COUNT);
	if (rc) {
		goto fail;
	}
	walckpt_start(&s->ckpt, s->db); /* on failure SQLite keeps checkpointing in commits */
	*out = s;
	return 0;
fail:
	source_close(s);
	return rc;
}

void
source_close(struct source *s)
{
	if (!s) {
		return;
	}
	walckpt_stop(s->ckpt);
	source_stmts_finalize(s->st, S_COUNT);
	sqlite3_close(s->db);
	free(s);
}

int
source_begin(struct source *s)
{
	return exec_stmt(s, S_BEGIN, stmt(s, S_BEGIN));
}

int
source_commit(struct source *s)
{
	return exec_stmt(s, S_COMMIT, stmt(s, S_COMMIT));
}

void
source_rollback(struct source *s)
{
	if (!sqlite3_get_autocommit(s->db)) {
		exec_stmt(s, S_ROLLBACK, stmt(s, S_ROLLBACK));
	}
}

int
source_read_begin(struct source *s)
{
	return exec_stmt(s, S_BEGIN_READ, stmt(s, S_BEGIN_READ));
}

void
source_read_end(struct source *s)
{
	if (!sqlite3_get_autocommit(s->db)) {
		exec_stmt(s, S_COMMIT, stmt(s, S_COMMIT));
	}
}

/* --- meta ---------------------------------------------------------------------------------- */

int
source_meta_get(struct source *s, const char *key, struct buf *out)
{
	sqlite3_stmt *st = stmt(s, S_META_GET);
	bind_text(st, 1, key);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		buf_put(out, sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
		rc = out->err;
	} else if (rc == SQLITE_DONE) {
		rc = ERR_NOTFOUND;
	} else {
		rc = source_err(s, rc, "meta_get");
	}
	sqlite3_reset(st);
	return rc;
}

int
source_meta_set(struct source *s, const char *key, const char *value)
{
	return exec_text(s, S_META_SET, 2, key, value);
}

uint64_t
source_meta_u64(struct source *s, const char *key)
{
	struct buf b;
	buf_init(&b, 64);
	uint64_t v = 0;
	if (source_meta_get(s, key, &b) == 0) {
		v = strtoull(buf_cstr(&b), NULL, 10);
	}
	buf_fini(&b);
	return v;
}

int
source_meta_set_u64(struct source *s, const char *key, uint64_t v)
{
	char num[24];
	snprintf(num, sizeof(num), "%" PRIu64, v);
	return source_meta_set(s, key, num);
}

/* --- files --------------------------------------------------------------------------------- */

int
source_file_get(struct source *s, const char *path, struct source_file_info *out)
{
	sqlite3_stmt *st = stmt(s, S_FILE_GET);
	bind_text(st, 1, path);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *sha = col_text(st, 0);
		snprintf(out->sha256, sizeof(out->sha256), "%s", sha ? sha : "");
		out->size = (uint64_t)sqlite3_column_int64(st, 1);
		out->version = (uint64_t)sqlite3_column_int64(st, 2);
		out->is_note = sqlite3_column_int(st, 3) != 0;
		out->mtime = sqlite3_column_int64(st, 4);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = ERR_NOTFOUND;
	} else {
		rc = source_err(s, rc, "file_get");
	}
	sqlite3_reset(st);
	return rc;
}

int
source_file_put(struct source *s, const char *path, const struct source_file_info *info,
                struct slice content)
{
	sqlite3_stmt *st = stmt(s, S_FILE_PUT);
	bind_text(st, 1, path);
	bind_text(st, 2, info->sha256);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)info->size);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)info->version);
	sqlite3_bind_int(st, 5, info->is_note);
	sqlite3_bind_int64(st, 6, info->mtime);
	sqlite3_bind_blob64(st, 7, content.len ? (const void *)content.ptr : "",
	                    (sqlite3_uint64)content.len, SQLITE_STATIC);
	return exec_stmt(s, S_FILE_PUT, st);
}

int
source_file_del(struct source *s, const char *path)
{
	return exec_text(s, S_FILE_DEL, 1, path, NULL);
}

int
source_files_each(struct source *s, source_file_fn *fn, void *arg)
{
	sqlite3_stmt *st = stmt(s, S_FILES_EACH);
	int rc, urc = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		urc = fn(arg, col_text(st, 0), col_text(st, 1), sqlite3_column_int(st, 2) != 0);
		if (urc) {
			break;
		}
	}
	if (!urc && rc != SQLITE_DONE) {
		urc = source_err(s, rc, "files_each");
	}
	sqlite3_reset(st);
	return urc;
}

/* --- notes --------------------------------------------------------------------------------- */

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

int
source_note_get(struct source *s, const char *path, struct source_note_copy *out)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *st = stmt(s, S_NOTE_GET);
	bind_text(st, 1, path);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->title = dup_or_null(col_text(st, 0));
		out->claim = dup_or_null(col_text(st, 1));
		out->permalink = dup_or_null(col_text(st, 2));
		out->published = sqlite3_column_int(st, 3) != 0;
		out->private_ = sqlite3_column_int(st, 4) != 0;
		out->url = dup_or_null(col_text(st, 5));
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = ERR_NOTFOUND;
	} else {
		rc = source_err(s, rc, "note_get");
	}
	sqlite3_reset(st);
	return rc;
}

void
source_note_copy_fini(struct source_note_copy *n)
{
	free(n->title);
	free(n->claim);
	free(n->permalink);
	free(n->url);
	memset(n, 0, sizeof(*n));
}

int
source_note_put(struct source *s, const char *path, const struct source_note *n)
{
	sqlite3_stmt *st = stmt(s, S_NOTE_PUT);
	bind_text(st, 1, path);
	bind_text(st, 2, n->title ? n->title : "");
	bind_text(st, 3, n->name_key ? n->name_key : "");
	bind_text(st, 4, n->path_key ? n->path_key : "");
	bind_text(st, 5, n->claim);
	sqlite3_bind_int(st, 6, n->published);
	sqlite3_bind_int(st, 7, n->private_);
	bind_text(st, 8, n->permalink);
	bind_text(st, 9, n->description);
	bind_text(st, 10, n->date);
	bind_text(st, 11, n->tags);
	sqlite3_bind_int64(st, 12, (sqlite3_int64)n->body_off);
	bind_text(st, 13, n->frontmatter ? n->frontmatter : "{}");
	bind_text(st, 14, n->url);
	bind_text(st, 15, n->image);
	bind_text(st, 16, n->cssclasses);
	return exec_stmt(s, S_NOTE_PUT, st);
}

int
source_note_set_claim(struct source *s, const char *path, const char *claim)
{
	return exec_text(s, S_NOTE_SET_CLAIM, 2, path, claim);
}

int
source_note_set_url(struct source *s, const char *path, const char *url)
{
	return exec_text(s, S_NOTE_SET_URL, 2, path, url);
}

int
source_note_del(struct source *s, const char *path)
{
	return exec_text(s, S_NOTE_DEL, 1, path, NULL);
}

int
source_notes_each(struct source *s, source_note_fn *fn, void *arg)
{
	sqlite3_stmt *st = stmt(s, S_NOTES_EACH);
	int rc, urc = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct source_note n = {
		        .title = col_text(st, 1),
		        .claim = col_text(st, 2),
		        .permalink = col_text(st, 3),
		        .published = sqlite3_column_int(st, 4) != 0,
		        .private_ = sqlite3_column_int(st, 5) != 0,
		};
		urc = fn(arg, col_text(st, 0), &n);
		if (urc) {
			break;
		}
	}
	if (!urc && rc != SQLITE_DONE) {
		urc = source_err(s, rc, "notes_each");
	}
	sqlite3_reset(st);
	return urc;
}

/* --- links --------------------------------------------------------------------------------- */

int
source_link_add(struct source *s, const struct source_link *l)
{
	sqlite3_stmt *st = stmt(s, S_LINK_ADD);
	bind_text(st, 1, l->src);
	bind_text(st, 2, l->target ? l->target : "");
	bind_text(st, 3, l->target_name ? l->target_name : "");
	bind_text(st, 4, l->frag ? l->frag : "");
	sqlite3_bind_int(st, 5, l->embed);
	sqlite3_bind_int(st, 6, l->kind);
	bind_text(st, 7, l->resolved);
	return exec_stmt(s, S_LINK_ADD, st);
}

int
source_links_del_src(struct source *s, const char *src)
{
	return exec_text(s, S_LINKS_DEL_SRC, 1, src, NULL);
}

static int
links_walk(struct source *s, enum source_stmt id, const char *key, source_link_fn *fn, void *arg)
{
	sqlite3_stmt *st = stmt(s, id);
	bind_text(st, 1, key);
	int rc, urc = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct source_link l = {
		        .id = sqlite3_column_int64(st, 0),
		        .src = col_text(st, 1),
		        .target = col_text(st, 2),
		        .target_name = col_text(st, 3),
		        .frag = col_text(st, 4),
		        .embed = sqlite3_column_int(st, 5) != 0,
		        .kind = sqlite3_column_int(st, 6),
		        .resolved = col_text(st, 7),
		};
		urc = fn(arg, &l);
		if (urc) {
			break;
		}
	}
	if (!urc && rc != SQLITE_DONE) {
		urc = source_err(s, rc, source_sql[id]);
	}
	sqlite3_reset(st);
	return urc;
}

int
source_links_from(struct source *s, const char *src, source_link_fn *fn, void *arg)
{
	return links_walk(s, S_LINKS_FROM, src, fn, arg);
}

int
source_links_named(struct source *s, const char *name, source_link_fn *fn, void *arg)
{
	return links_walk(s, S_LINKS_NAMED, name, fn, arg);
}

int
source_links_to(struct source *s, const char *path, source_str_fn *fn, void *arg)
{
	return strs_walk(s, S_LINKS_TO, path, "links_to", fn, arg);
}

int
source_link_set_resolved(struct source *s, int64_t id, const char *resolved)
{
	sqlite3_stmt *st = stmt(s, S_LINK_SET_RESOLVED);
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, resolved);
	return exec_stmt(s, S_LINK_SET_RESOLVED, st);
}

int
source_backlinks(struct source *s, const char *path, source_backlink_fn *fn, void *arg)
{
	sqlite3_stmt *st = stmt(s, S_BACKLINKS);
	bind_text(st, 1, path);
	int rc, urc = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		urc = fn(arg, col_text(st, 0), col_text(st, 1), col_text(st, 2));
		if (urc) {
			break;
		}
	}
	if (!urc && rc != SQLITE_DONE) {
		urc = source_err(s, rc, "backlinks");
	}
	sqlite3_reset(st);
	return urc;
}

/* --- claims and pages ---------------------------------------------------------------------- */

static void
bind_page(sqlite3_stmt *st, const struct source_page *p)
{
	bind_text(st, 1, p->url);
	bind_text(st, 2, p->path);
	sqlite3_bind_int(st, 3, p->kind);
	bind_text(st, 4, p->location);
}

static int
pages_walk(struct source *s, enum source_stmt id, const char *key, source_page_fn *fn, void *arg)
{
	sqlite3_stmt *st = stmt(s, id);
	if (key) {
		bind_text(st, 1, key);
	}
	int rc, urc = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct source_page p = {
		        .url = col_text(st, 0),
		        .path = col_text(st, 1),
		        .kind = sqlite3_column_int(st, 2),
		        .location = col_text(st, 3),
		};
		urc = fn(arg, &p);
		if (urc) {
			break;
		}
	}
	if (!urc && rc != SQLITE_DONE) {
		urc = source_err(s, rc, source_sql[id]);
	}
	sqlite3_reset(st);
	return urc;
}

int
source_claim_add(struct source *s, const struct source_page *c)
{
	sqlite3_stmt *st = stmt(s, S_CLAIM_ADD);
	bind_page(st, c);
	return exec_stmt(s, S_CLAIM_ADD, st);
}

int
source_claims_del_path(struct source *s, const char *path, source_page_fn *fn, void *arg)
{
	int rc = fn ? pages_walk(s, S_CLAIMS_OF_PATH, path, fn, arg) : 0;
	if (rc) {
		return rc;
	}
	return exec_text(s, S_CLAIMS_DEL_PATH, 1, path, NULL);
}

int
source_claims_of_url(struct source *s, const char *url, source_page_fn *fn, void *arg)
{
	return pages_walk(s, S_CLAIMS_OF_URL, url, fn, arg);
}

int
source_page_get(struct source *s, const char *url, struct source_page_copy *out)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *st = stmt(s, S_PAGE_GET);
	bind_text(st, 1, url);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->path = dup_or_null(col_text(st, 0));
		out->kind = sqlite3_column_int(st, 1);
		out->location = dup_or_null(col_text(st, 2));
		rc = out->path ? 0 : ERR_CORRUPT;
	} else if (rc == SQLITE_DONE) {
		rc = ERR_NOTFOUND;
	} else {
		rc = source_err(s, rc, "page_get");
	}
	sqlite3_reset(st);
	return rc;
}

int
source_page_load(struct source *s, const char *url, struct source_render *out, struct buf *content)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *st = stmt(s, S_PAGE_LOAD);
	bind_text(st, 1, url);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->path = dup_or_null(col_text(st, 0));
		out->kind = sqlite3_column_int(st, 1);
		out->location = dup_or_null(col_text(st, 2));
		out->private_ = sqlite3_column_int(st, 3) != 0;
		out->mtime = sqlite3_column_int64(st, 4);
		const void *p = sqlite3_column_blob(st, 5);
		size_t n = (size_t)sqlite3_column_bytes(st, 5);
		if (n) {
			buf_put(content, p, n);
		}
		out->title = dup_or_null(col_text(st, 6));
		out->description = dup_or_null(col_text(st, 7));
		out->date = dup_or_null(col_text(st, 8));
		out->tags = dup_or_null(col_text(st, 9));
		int64_t off = sqlite3_column_int64(st, 10);
		out->body_off = off > 0 && (uint64_t)off <= n ? (size_t)off : 0;
		const char *sha = col_text(st, 11);
		snprintf(out->sha256, sizeof(out->sha256), "%s", sha ? sha : "");
		out->image = dup_or_null(col_text(st, 12));
		out->cssclasses = dup_or_null(col_text(st, 13));
		rc = !out->path ? ERR_CORRUPT : content->err;
	} else if (rc == SQLITE_DONE) {
		rc = ERR_NOTFOUND;
	} else {
		rc = source_err(s, rc, "page_load");
	}
	sqlite3_reset(st);
	if (rc) {
		source_render_fini(out);
	}
	return rc;
}

void
source_render_fini(struct source_render *r)
{
	free(r->path);
	free(r->location);
	free(r->title);
	free(r->description);
	free(r->date);
	free(r->tags);
	free(r->image);
	free(r->cssclasses);
	memset(r, 0, sizeof(*r));
}

void
source_page_copy_fini(struct source_page_copy *p)
{
	free(p->path);
	free(p->location);
	memset(p, 0, sizeof(*p));
}

int
source_page_put(struct source *s, const struct source_page *p)
{
	sqlite3_stmt *st = stmt(s, S_PAGE_PUT);
	bind_page(st, p);
	return exec_stmt(s, S_PAGE_PUT, st);
}

int
source_page_del(struct source *s, const char *url)
{
	return exec_text(s, S_PAGE_DEL, 1, url, NULL);
}

int
source_pages_of_path(struct source *s, const char *path, source_page_fn *fn, void *arg)
{
	return pages_walk(s, S_PAGES_OF_PATH, path, fn, arg);
}

int
source_pages_each(struct source *s, source_page_fn *fn, void *arg)
{
	return pages_walk(s, S_PAGES_EACH, NULL, fn, arg);
}

/* --- journal ------------------------------------------------------------------------------- */

int
source_journal_add(struct source *s, uint64_t gen, char *const *urls, size_t n)
{
	struct buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < n; i++) {
		buf_puts(&b, urls[i]);
		buf_putc(&b, '\0');
	}
	if (b.err) {
		buf_fini(&b);
		return ERR_NOMEM;
	}
	sqlite3_stmt *st = stmt(s, S_JOURNAL_ADD);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)gen);
	sqlite3_bind_blob64(st, 2, b.len ? (const void *)b.ptr : "", (sqlite3_uint64)b.len,
	                    SQLITE_STATIC);
	int rc = exec_stmt(s, S_JOURNAL_ADD, st);
	buf_fini(&b);
	return rc;
}

int
source_journal_above(struct source *s, uint64_t gen, source_str_fn *fn, void *arg)
{
	sqlite3_stmt *st = stmt(s, S_JOURNAL_ABOVE);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)gen);
	int rc, urc = 0;
	while (!urc && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *p = sqlite3_column_blob(st, 0);
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		/* NUL-separated URLs; a damaged tail without its NUL is ignored. */
		for (size_t i = 0; i < n && !urc;) {
			const char *end = memchr(p + i, '\0', n - i);
			if (!end) {
				break;
			}
			if (end > p + i) {
				urc = fn(arg, p + i);
			}
			i = (size_t)(end - p) + 1;
		}
	}
	if (!urc && rc != SQLITE_DONE) {
		urc = source_err(s, rc, "journal_above");
	}
	sqlite3_reset(st);
	return urc;
}

int
source_journal_clear(struct source *s, uint64_t gen)
{
	sqlite3_stmt *st = stmt(s, S_JOURNAL_CLEAR);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)gen);
	return exec_stmt(s, S_JOURNAL_CLEAR, st);
}

/* --- url history, aliases and layouts ------------------------------------------------------ */

int
source_hist_add(struct source *s, const char *url, const char *path)
{
	return exec_text(s, S_HIST_ADD, 2, url, path);
}

int
source_hist_of_path(struct source *s, const char *path, source_str_fn *fn, void *arg)
{
	return strs_walk(s, S_HIST_OF_PATH, path, "hist_of_path", fn, arg);
}

int
source_hist_move(struct source *s, const char *from, const char *to)
{
	return exec_text(s, S_HIST_MOVE, 2, from, to);
}

int
source_hist_del_path(struct source *s, const char *path)
{
	return exec_text(s, S_HIST_DEL_PATH, 1, path, NULL);
}

int
source_hist_del(struct source *s, const char *url, const char *path)
{
	sqlite3_stmt *st = stmt(s, S_HIST_DEL);
	bind_text(st, 1, url);
	bind_text(st, 2, path);
	int rc = exec_stmt(s, S_HIST_DEL, st);
	return rc ? rc : sqlite3_changes(s->db) > 0;
}

int
source_claim_del(struct source *s, const char *url, const char *path)
{
	return exec_text(s, S_CLAIM_DEL, 2, url, path);
}

int
source_note_extra_set(struct source *s, const char *path, const char *aliases,
                      const char *layout_want, const char *layout)
{
	sqlite3_stmt *st = stmt(s, S_NOTE_EXTRA_SET);
	bind_text(st, 1, path);
	bind_text(st, 2, aliases);
	bind_text(st, 3, layout_want);
	bind_text(st, 4, layout ? layout : "");
	return exec_stmt(s, S_NOTE_EXTRA_SET, st);
}

int
source_note_extra_get(struct source *s, const char *path, struct source_note_extra *out)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *st = stmt(s, S_NOTE_EXTRA_GET);
	bind_text(st, 1, path);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->aliases = dup_or_null(col_text(st, 0));
		out->layout_want = dup_or_null(col_text(st, 1));
		const char *l = col_text(st, 2);
		out->layout = xstrdup(l ? l : "");
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = ERR_NOTFOUND;
	} else {
		rc = source_err(s, rc, "note_extra_get");
	}
	sqlite3_reset(st);
	return rc;
}

void
source_note_extra_fini(struct source_note_extra *x)
{
	free(x->aliases);
	free(x->layout_want);
	free(x->layout);
	memset(x, 0, sizeof(*x));
}

int
source_note_set_layout(struct source *s, const char *path, const char *layout)
{
	sqlite3_stmt *st = stmt(s, S_NOTE_SET_LAYOUT);
	bind_text(st, 1, path);
	bind_text(st, 2, layout ? layout : "");
	return exec_stmt(s, S_NOTE_SET_LAYOUT, st);
}

int
source_notes_of_layout(struct source *s, const char *layout, const char *name, bool fallback,
                       source_layout_fn *fn, void *arg)
{
	sqlite3_stmt *st = stmt(s, S_NOTES_LAYOUT);
	bind_text(st, 1, layout);
	bind_text(st, 2, name);
	sqlite3_bind_int(st, 3, fallback);
	int rc, urc = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *l = col_text(st, 2);
		urc = fn(arg, col_text(st, 0), col_text(st, 1), l ? l : "");
		if (urc) {
			break;
		}
	}
	if (!urc && rc != SQLITE_DONE) {
		urc = source_err(s, rc, "notes_of_layout");
	}
	sqlite3_reset(st);
	return urc;
}

int
source_layout_sha_used(struct source *s, const char *sha256, bool *used)
{
	sqlite3_stmt *st = stmt(s, S_LAYOUT_SHA_USED);
	bind_text(st, 1, sha256);
	int rc = sqlite3_step(st);
	*used = rc == SQLITE_ROW;
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : source_err(s, rc, "layout_sha_used");
	sqlite3_reset(st);
	return rc;
}

int
source_file_content(struct source *s, const char *path, struct buf *out)
{
	sqlite3_stmt *st = stmt(s, S_FILE_CONTENT);
	bind_text(st, 1, path);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const void *p = sqlite3_column_blob(st, 0);
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		if (n) {
			buf_put(out, p, n);
		}
		rc = out->err;
	} else if (rc == SQLITE_DONE) {
		rc = ERR_NOTFOUND;
	} else {
		rc = source_err(s, rc, "file_content");
	}
	sqlite3_reset(st);
	return rc;
}

/* --- embeds and keys ------------------------------------------------------------------------ */

int
source_note_body(struct source *s, const char *path, struct source_note_body *out,
                 struct buf *content)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *st = stmt(s, S_NOTE_BODY);
	bind_text(st, 1, path);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->title = dup_or_null(col_text(st, 0));
		out->private_ = sqlite3_column_int(st, 1) != 0;
		const void *p = sqlite3_column_blob(st, 3);
		size_t n = (size_t)sqlite3_column_bytes(st, 3);
		if (n) {
			buf_put(content, p, n);
		}
		int64_t off = sqlite3_column_int64(st, 2);
		out->body_off = off > 0 && (uint64_t)off <= n ? (size_t)off : 0;
		rc = content->err;
	} else if (rc == SQLITE_DONE) {
		rc = ERR_NOTFOUND;
	} else {
		rc = source_err(s, rc, "note_body");
	}
	sqlite3_reset(st);
	if (rc) {
		source_note_body_fini(out);
	}
	return rc;
}

void
source_note_body_fini(struct source_note_body *b)
{
	free(b->title);
	b->title = NULL;
}

int
source_embedders(struct source *s, const char *path, source_str_fn *fn, void *arg)
{
	return strs_walk(s, S_EMBEDDERS, path, "embedders", fn, arg);
}

/* One row whose stored key is to be computed again. */
struct refold_row {
	int64_t id;
	char *a, *b, *c;
};

int
source_refold(struct source *s, source_fold_fn *fold, void *arg)
{
	struct refold_row *rows = NULL;
	size_t n = 0, cap = 0;
	struct buf k1, k2;
	buf_init(&k1, 0);
	buf_init(&k2, 0);
	int rc = 0;
	for (int pass = 0; pass < 2 && !rc; pass++) {
		/* pass 0: links.target_name from target; pass 1: notes' keys from path. Rows
		 * are read whole before any is written, so the walk never sees its own updates. */
		enum source_stmt q = pass == 0 ? S_LINKS_ALL : S_NOTES_PATHS;
		sqlite3_stmt *st = stmt(s, q);
		int src;
		n = 0;
		while ((src = sqlite3_step(st)) == SQLITE_ROW) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				rows = xrealloc(rows, cap * sizeof(*rows));
			}
			struct refold_row *r = &rows[n++];
			r->id = pass == 0 ? sqlite3_column_int64(st, 0) : 0;
			int o = pass == 0 ? 1 : 0;
			r->a = dup_or_null(col_text(st, o));
			r->b = dup_or_null(col_text(st, o + 1));
			r->c = pass == 0 ? NULL : dup_or_null(col_text(st, 2));
		}
		if (src != SQLITE_DONE) {
			rc = source_err(s, src, "refold");
		}
		sqlite3_reset(st);
		for (size_t i = 0; i < n; i++) {
			struct refold_row *r = &rows[i];
			if (!rc && r->a) {
				buf_reset(&k1);
				buf_reset(&k2);
				fold(arg, pass == 0, r->a, &k1, &k2);
				const char *n1 = buf_cstr(&k1), *n2 = buf_cstr(&k2);
				if (k1.err || k2.err) {
					rc = ERR_NOMEM;
				} else if (pass == 0 && !(r->b && strcmp(r->b, n1) == 0)) {
					sqlite3_stmt *u = stmt(s, S_LINK_SET_NAME);
					sqlite3_bind_int64(u, 1, r->id);
					bind_text(u, 2, n1);
					rc = exec_stmt(s, S_LINK_SET_NAME, u);
				} else if (pass == 1 && !(r->b && strcmp(r->b, n1) == 0 && r->c &&
				                          strcmp(r->c, n2) == 0)) {
					sqlite3_stmt *u = stmt(s, S_NOTE_SET_KEYS);
					bind_text(u, 1, r->a);
					bind_text(u, 2, n1);
					bind_text(u, 3, n2);
					rc = exec_stmt(s, S_NOTE_SET_KEYS, u);
				}
			}
			free(r->a);
			free(r->b);
			free(r->c);
		}
	}
	free(rows);
	buf_fini(&k1);
	buf_fini(&k2);
	return rc;
}
