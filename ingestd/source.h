/*
 * source.h: the source of truth in SQLite (WAL mode); all of ingestd's SQL lives behind
 * this header. Tables:
 *
 *   meta     key -> value (gen, last_push, home, render_sig)
 *   files    every pushed file: path, sha256, content, size, version, is_note, mtime
 *   notes    per note: title, keys, published, private, permalink, description, date,
 *            tags, image, cssclasses, where the body starts, frontmatter JSON, the URL it
 *            claims and the URL of the note page it holds
 *   links    every link a note writes: raw target, folded target name, fragment, embed,
 *            kind, and the vault path it resolves to (NULL when nothing matches)
 *   claims   every (url, path) claim, losers of collisions included
 *   pages    url -> (path, kind, location): exactly the page records LMDB must hold
 *   journal  gen -> the page keys that generation must write or delete (one row per push,
 *            keys NUL-separated); rows at or below LMDB's generation are done and deleted
 *   views    (path, day) -> page views counted by the fronts (viewdb.h)
 *   view_senders  front_id -> seq of the last view batch stored from it, and when
 *   url_history   (url, path): a URL path's note held before a rename, a move or a
 *            permalink change; it claims a redirect there to the note's current URL
 *   tags     (tag, path): each note's tags, folded (sitedb.h)
 *   listing  per note: what the site's lists show of it (sitedb.h)
 *
 * Row pointers handed to callbacks are valid during the callback only. A callback returns
 * 0 to go on; anything else stops the walk and is returned. Every function returns 0 or a
 * negative ERR_* (ERR_NOTFOUND for a missing row, ERR_CORRUPT for a damaged database,
 * ERR_BUSY, ERR_IO); SQLite errors are logged once, here. None of them block on the network.
 */
#ifndef INGESTD_SOURCE_H
#define INGESTD_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "shared/buf.h"

struct source;
struct sqlite3;

/* Opens (creating and migrating) the database at path. Returns 0, ERR_VERSION (written by a
 * newer folio), ERR_CORRUPT, ERR_IO. Close with source_close. */
int source_open(struct source **out, const char *path);
void source_close(struct source *s); /* NULL is a no-op */

/*
 * The connection itself, for viewdb.c, which keeps the view tables' statements beside
 * this file's (same conventions: prepared once, reset after use). Owned by s.
 */
struct sqlite3 *source_db(struct source *s);
/* Translates a SQLite result code into an ERR_*, logging the database's message once. */
int source_sqlite_err(struct source *s, int rc, const char *what);

/* One write transaction at a time (BEGIN IMMEDIATE / COMMIT / ROLLBACK). */
int source_begin(struct source *s);
int source_commit(struct source *s);
void source_rollback(struct source *s);
/*
 * A read snapshot for a run of queries (rendering a push's pages): one lock for all of
 * them instead of one per statement. Not inside a write transaction.
 */
int source_read_begin(struct source *s);
void source_read_end(struct source *s);

/* meta: text values. get appends the value to out; ERR_NOTFOUND if unset. */
int source_meta_get(struct source *s, const char *key, struct buf *out);
int source_meta_set(struct source *s, const char *key, const char *value);
/* Integer helpers: a missing or non-numeric value reads as 0. */
uint64_t source_meta_u64(struct source *s, const char *key);
int source_meta_set_u64(struct source *s, const char *key, uint64_t v);

/* --- files --- */
struct source_file_info {
	char sha256[65];
	uint64_t size;
	uint64_t version;
	int64_t mtime;
	bool is_note;
};
int source_file_get(struct source *s, const char *path, struct source_file_info *out);
int source_file_put(struct source *s, const char *path, const struct source_file_info *info,
                    struct slice content);
int source_file_del(struct source *s, const char *path);
/* Every file in path order (no content). */
typedef int source_file_fn(void *arg, const char *path, const char *sha256, bool is_note);
int source_files_each(struct source *s, source_file_fn *fn, void *arg);

/* --- notes --- */
struct source_note {
	const char *title;
	const char *name_key;
	const char *path_key;
	const char *claim; /* URL the note claims, NULL if none (unpublished) */
	const char *url;   /* URL of the note page it holds, NULL if none */
	const char *permalink;
	const char *description;
	const char *date;
	const char *tags;        /* tags joined by '\n', or NULL */
	const char *image;       /* frontmatter image/cover as written, or NULL */
	const char *cssclasses;  /* joined by '\n', or NULL */
	size_t body_off;         /* where the markdown starts, after the frontmatter */
	const char *frontmatter; /* JSON object text */
	bool published;
	bool private_;
};
/* Heap copies of a stored note's fields: free with source_note_copy_fini. */
struct source_note_copy {
	char *title;
	char *claim;
	char *url;
	char *permalink;
	bool published;
	bool private_;
};
int source_note_get(struct source *s, const char *path, struct source_note_copy *out);
void source_note_copy_fini(struct source_note_copy *n);
/* Inserts or replaces every field (claim included). */
int source_note_put(struct source *s, const char *path, const struct source_note *n);
int source_note_set_claim(struct source *s, const char *path, const char *claim);
int source_note_set_url(struct source *s, const char *path, const char *url);
int source_note_del(struct source *s, const char *path);
/* Every note: path, published, private, permalink and claim. */
typedef int source_note_fn(void *arg, const char *path, const struct source_note *n);
int source_notes_each(struct source *s, source_note_fn *fn, void *arg);

/* --- links --- */
struct source_link {
	int64_t id;
	const char *src;
	const char *target;      /* as written, before '#' */
	const char *target_name; /* links_target_name of target */
	const char *frag;
	const char *resolved; /* vault path or NULL */
	int kind;             /* enum render_link_kind */
	bool embed;
};
typedef int source_link_fn(void *arg, const struct source_link *l);
int source_link_add(struct source *s, const struct source_link *l);
int source_links_del_src(struct source *s, const char *src);
/* Links written by src / links whose target name is name / distinct sources resolving to path. */
int source_links_from(struct source *s, const char *src, source_link_fn *fn, void *arg);
int source_links_named(struct source *s, const char *name, source_link_fn *fn, void *arg);
typedef int source_str_fn(void *arg, const char *str);
int source_links_to(struct source *s, const char *path, source_str_fn *fn, void *arg);
int source_link_set_resolved(struct source *s, int64_t id, const char *resolved);

/*
 * Backlinks of path for its page: public notes (not private) holding a note page that link
 * to path, other than path itself. One row per link, in no particular order: the caller
 * removes repeats and sorts (cheaper in C than a temporary b-tree per page).
 */
typedef int source_backlink_fn(void *arg, const char *src, const char *title, const char *url);
int source_backlinks(struct source *s, const char *path, source_backlink_fn *fn, void *arg);

/* --- claims and pages (kind is enum urls_kind) --- */
struct source_page {
	const char *url;
	const char *path;
	const char *location; /* redirects only, else NULL */
	int kind;
};
typedef int source_page_fn(void *arg, const struct source_page *p);
int source_claim_add(struct source *s, const struct source_page *c);
/* Calls fn with each claim of path, then deletes them all. */
int source_claims_del_path(struct source *s, const char *path, source_page_fn *fn, void *arg);
int source_claims_of_url(struct source *s, const char *url, source_page_fn *fn, void *arg);

/* Heap copy of one page row: free with source_page_copy_fini. */
struct source_page_copy {
	char *path;
	char *location;
	int kind;
};
int source_page_get(struct source *s, const char *url, struct source_page_copy *out);
void source_page_copy_fini(struct source_page_copy *p);
/* Everything rendering one page needs, from one query. Heap copies. */
struct source_render {
	char *path;
	char *location; /* redirects */
	int kind;
	bool private_;
	int64_t mtime;
	char *title, *description, *date, *tags; /* notes; tags joined by '\n' */
	size_t body_off;                         /* notes: markdown after the frontmatter */
	char sha256[65];                         /* of the file's bytes */
	char *image, *cssclasses;                /* notes: as in struct source_note */
};
/*
 * Loads the page row of url into out, appending the file's bytes to content (not for
 * redirects). Returns 0, ERR_NOTFOUND if url has no row, or a database error. Free with
 * source_render_fini.
 */
int source_page_load(struct source *s, const char *url, struct source_render *out,
                     struct buf *content);
void source_render_fini(struct source_render *r);
int source_page_put(struct source *s, const struct source_page *p);
int source_page_del(struct source *s, const char *url);
int source_pages_of_path(struct source *s, const char *path, source_page_fn *fn, void *arg);
int source_pages_each(struct source *s, source_page_fn *fn, void *arg);

/* --- url history, aliases, layouts (schema v4) --- */
/* Records that url was path's; a row already there is kept. */
int source_hist_add(struct source *s, const char *url, const char *path);
/* Old URLs of path, in URL order. */
int source_hist_of_path(struct source *s, const char *path, source_str_fn *fn, void *arg);
/* Gives every old URL of from to to (a rename: the chain collapses onto the new path). */
int source_hist_move(struct source *s, const char *from, const char *to);
int source_hist_del_path(struct source *s, const char *path);
/* Returns 1 if the row was there (and is gone), 0 if not, or an ERR_*. */
int source_hist_del(struct source *s, const char *url, const char *path);
/* Deletes one claim. */
int source_claim_del(struct source *s, const char *url, const char *path);

/* A note's aliases ('\n'-joined), the layout it asks for and the layout file it uses. */
struct source_note_extra {
	char *aliases;     /* NULL if none */
	char *layout_want; /* frontmatter layout name, NULL if none */
	char *layout;      /* "_layouts/x.html" in use, "" for folio's own layout */
};
/* Sets them on an existing notes row (after source_note_put); layout NULL means "". */
int source_note_extra_set(struct source *s, const char *path, const char *aliases,
                          const char *layout_want, const char *layout);
/* Heap copies: free with source_note_extra_fini. ERR_NOTFOUND without a notes row. */
int source_note_extra_get(struct source *s, const char *path, struct source_note_extra *out);
void source_note_extra_fini(struct source_note_extra *x);
int source_note_set_layout(struct source *s, const char *path, const char *layout);
/*
 * Notes that use layout, or ask for name, or (fallback) use folio's own layout: the notes
 * a change of the layout file may concern.
 */
typedef int source_layout_fn(void *arg, const char *path, const char *layout_want,
                             const char *layout);
int source_notes_of_layout(struct source *s, const char *layout, const char *name, bool fallback,
                           source_layout_fn *fn, void *arg);
/* Whether a file under _layouts/ has this content hash. */
int source_layout_sha_used(struct source *s, const char *sha256, bool *used);
/* Appends a file's bytes to out; ERR_NOTFOUND if there is no such file. */
int source_file_content(struct source *s, const char *path, struct buf *out);
/* --- embeds --- */
/* A note's source for transclusion. Heap title: free with source_note_body_fini. */
struct source_note_body {
	char *title;
	bool private_;
	size_t body_off; /* the markdown starts here in content */
};
/*
 * Appends the file's bytes of the note at path to content and fills out. Returns 0,
 * ERR_NOTFOUND (no such note), ERR_NOMEM, or a database error.
 */
int source_note_body(struct source *s, const char *path, struct source_note_body *out,
                     struct buf *content);
void source_note_body_fini(struct source_note_body *b);
/* Distinct notes holding an embed (embed = 1) that resolves to path. */
int source_embedders(struct source *s, const char *path, source_str_fn *fn, void *arg);

/*
 * Computes stored folded keys again when their meaning changed (ingestd does it once at
 * start-up, marked in meta): for links, fold(arg, true, target, k1, k2) appends the new
 * target_name to k1 (k2 unused); for notes, fold(arg, false, path, ...) appends name_key to k1 and
 * path_key to k2. Rows whose keys already match are left alone. Run inside a write
 * transaction. Returns 0, ERR_NOMEM or a database error.
 */
typedef void source_fold_fn(void *arg, bool link, const char *s, struct buf *k1, struct buf *k2);
int source_refold(struct source *s, source_fold_fn *fold, void *arg);

/* --- journal --- */
int source_journal_add(struct source *s, uint64_t gen, char *const *urls, size_t n);
/* URLs journaled by generations above gen (a URL may come more than once). */
int source_journal_above(struct source *s, uint64_t gen, source_str_fn *fn, void *arg);
/* Deletes rows of generations at or below gen. */
int source_journal_clear(struct source *s, uint64_t gen);

#endif
