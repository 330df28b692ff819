/*
 * ingest_impl.h: the inside of struct ingest, shared by the push pipeline (ingest.c),
 * start-up reconciliation (recover.c) and the store check (check.c). Nothing outside those
 * files includes it.
 */
#ifndef INGESTD_INGEST_IMPL_H
#define INGESTD_INGEST_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "ingestd/ingest.h"
#include "ingestd/ingest_stats.h"
#include "shared/buf.h"

struct build;
struct gzpool;
struct layouts;
struct source;
struct store;
struct vault;

struct ingest {
	const struct config *cfg;
	struct source *src;
	struct store *store;
	struct vault *vault;
	struct build *build;
	struct layouts *layouts; /* compiled vault layouts, kept across pushes (layouts.h) */
	struct publish *pub;
	uint64_t gen;      /* last generation committed to SQLite */
	uint64_t lmdb_gen; /* last generation committed to LMDB */
	char *home;        /* vault path of the home note, NULL if none */
	bool skip_store_commit;
	struct buf rec;            /* one page record, reused */
	struct buf wrote;          /* the last write's records: u32 flags, URL, NUL (each) */
	struct strset *reclaim;    /* paths whose URL claims the next push computes again */
	struct ingest_stats stats; /* the daemon's counters: ingest_stats() */
	struct gzpool *gzpool;     /* compressing worker, started by the first large write */
	bool inline_gzip;          /* ingest_test_inline_gzip: never use the worker */
	bool hold_gzip;            /* ingest_test_hold_gzip_worker */
};

/*
 * Writes the page records of urls[0..n) for generation gen in one LMDB transaction (after
 * emptying the store when drop_all), growing the map and starting over when it fills.
 * Sets in->lmdb_gen on commit. Adds to res->rendered/written/removed (res may be NULL).
 */
int ingest_write_pages(struct ingest *in, char *const *urls, size_t n, uint64_t gen, bool drop_all,
                       struct ingest_result *res);

/* Start-up repair (recover.c): brings LMDB in line with SQLite. */
int recover_startup(struct ingest *in);
/* Re-renders the journaled pages of generations LMDB has not committed; clears the journal. */
int recover_reconcile(struct ingest *in);
/* Rewrites LMDB from SQLite (ingest_rebuild). */
int recover_rebuild(struct ingest *in, struct ingest_result *res);
struct strset;
/* Adds the site pages every store holds whatever the vault (404 page, theme files) to urls. */
void recover_specials(struct ingest *in, struct strset *urls);

#endif
