/*
 * sitedb.h: the SQL behind the pages folio generates around the notes (site.h), on the
 * source's connection (tables created by migration 3 in source.c):
 *
 *   tags     (tag, path): every tag of every note, as slug_tag keys ("project/sub"),
 *            from the frontmatter and the body
 *   listing  path -> listed, title, url, ts, description, first: what the site's lists
 *            show of a note. listed: the note holds a public note page (published, not
 *            private, URL won). ts: its date for feeds (frontmatter date, else first);
 *            first: unix seconds of the push that first stored it.
 *
 * Lists only ever show listed rows. Every function returns 0 or an ERR_* (ERR_NOTFOUND for
 * a missing row; database errors logged once by source.c's translation). Row pointers
 * handed to callbacks are valid during the callback only; a callback returns 0 to go on.
 * They run on ingestd's one thread and block only on the local disk.
 */
#ifndef INGESTD_SITEDB_H
#define INGESTD_SITEDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct source;
struct sitedb;
struct strset;

/* Prepares the statements on src's connection (borrowed; must outlive db). */
int sitedb_open(struct sitedb **out, struct source *src);
void sitedb_close(struct sitedb *db); /* NULL is a no-op */

struct sitedb_note {
	const char *path;
	const char *title;
	const char *url; /* page key of its note page, NULL if none */
	const char *description;
	int64_t ts, first;
	bool listed;
};

/* Heap copy of a listing row: free with sitedb_note_fini. */
struct sitedb_note_copy {
	char *title, *url, *description, *date;
	char *tags; /* sitedb_note_now: frontmatter tags joined by '\n', or NULL */
	int64_t ts, first;
	bool listed;
};
void sitedb_note_fini(struct sitedb_note_copy *n);

/* The listing row of path (date unset). */
int sitedb_listing_get(struct sitedb *db, const char *path, struct sitedb_note_copy *out);
int sitedb_listing_put(struct sitedb *db, const struct sitedb_note *n);
int sitedb_listing_del(struct sitedb *db, const char *path);
/*
 * What the notes table holds of path now: title, url, description, date (as written) and
 * frontmatter tags;
 * listed is url != NULL and not private. ts and first are left 0.
 */
int sitedb_note_now(struct sitedb *db, const char *path, struct sitedb_note_copy *out);

/* The tags of path, added to out. */
int sitedb_tags_of(struct sitedb *db, const char *path, struct strset *out);
/* Replaces the tags of path with tags (NULL or empty: none). */
int sitedb_tags_set(struct sitedb *db, const char *path, const struct strset *tags);

/* Whether a listed note has tag or a tag nested under it ("a" for "a/b"). */
int sitedb_tag_live(struct sitedb *db, const char *tag, bool *live);
/* Whether any listed note has a tag. */
int sitedb_any_tag(struct sitedb *db, bool *live);
/* Whether a listed note lies under folder (a vault path; "" is the root: any note). */
int sitedb_folder_live(struct sitedb *db, const char *folder, bool *live);

typedef int sitedb_note_fn(void *arg, const struct sitedb_note *n);
typedef int sitedb_tag_fn(void *arg, const char *tag, uint64_t count);

/* Listed notes with tag or a tag under it, each once, by title (case-insensitive), path. */
int sitedb_tag_notes(struct sitedb *db, const char *tag, sitedb_note_fn *fn, void *arg);
/*
 * Tags nested under tag ("" for every tag), in tag order, each with the number of listed
 * notes that carry it.
 */
int sitedb_tags_under(struct sitedb *db, const char *tag, sitedb_tag_fn *fn, void *arg);
/* Listed notes under folder ("" for all), in path order. */
int sitedb_folder_notes(struct sitedb *db, const char *folder, sitedb_note_fn *fn, void *arg);
/* The limit newest listed notes, by ts (newest first), then path. */
int sitedb_recent(struct sitedb *db, size_t limit, sitedb_note_fn *fn, void *arg);

#endif
