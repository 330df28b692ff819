/*
 * ingest.h: the push pipeline, callable without sockets. An ingest owns the SQLite source
 * of truth, the LMDB page store it derives, the in-memory vault index and a page builder.
 * It is single-threaded: one push at a time.
 */
#ifndef INGESTD_INGEST_H
#define INGESTD_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"

struct config;
struct ingest;
struct ingest_stats;
struct publish;
struct push;
struct source;
struct store;

/* What one push (or rebuild) did. */
struct ingest_result {
	uint64_t gen;      /* generation committed */
	size_t changed;    /* files whose content changed, plus files deleted */
	size_t rendered;   /* notes rendered (markdown to page) */
	size_t written;    /* page records written */
	size_t removed;    /* page records deleted */
	double elapsed_ms; /* wall time of the push */
};

/*
 * Opens DATA/folio.db and DATA/pages (c->data_dir must exist), loads the vault index and
 * reconciles LMDB with SQLite: journaled pages of generations LMDB missed are re-rendered;
 * a missing, damaged or newer LMDB, or a change of theme or site settings, rebuilds it
 * whole. pub (borrowed, may be NULL) receives an invalidation after each commit. c must
 * outlive the ingest. Returns 0 or an ERR_* (logged).
 */
int ingest_open(struct ingest **out, const struct config *c, struct publish *pub);
void ingest_close(struct ingest *in); /* NULL is a no-op */

/*
 * Applies a decoded push (pushmsg.h) and appends the JSON reply to reply:
 *   {"generation":N,"files":[{"path","url","warnings":[...]}],"deleted":[...],
 *    "rendered":K,"elapsed_ms":x}
 * A push with problems changes nothing, appends {"error":..,"details":[{"path","error"}]}
 * and returns ERR_PROTO (ERR_TOOBIG when it has too many files). Other errors (database,
 * disk) append {"error":..} and return the ERR_*; if the pages could not be written after
 * SQLite committed, the push is kept and the next push or start repairs LMDB. res may be NULL.
 */
int ingest_push(struct ingest *in, const struct push *p, struct buf *reply,
                struct ingest_result *res);

/*
 * Rewrites every page record from SQLite in one LMDB transaction (dropping all others) and
 * clears the journal. `folio rebuild` calls it (check.h); so does start-up when LMDB cannot
 * be trusted. Returns 0 or an ERR_*.
 */
int ingest_rebuild(struct ingest *in, struct ingest_result *res);

/* {"files":[{"path":..,"sha256":..},...]} in path order. Returns 0 or an ERR_*. */
int ingest_files_json(struct ingest *in, struct buf *out);
/* {"generation","notes","assets","last_push" (unix seconds or null),"version"}. */
int ingest_status_json(struct ingest *in, struct buf *out);

/* The page store (owned by the ingest), for tools and tests that read records back. */
struct store *ingest_store(struct ingest *in);
/* The SQLite source (owned by the ingest), for the view counts kept beside the vault. */
struct source *ingest_source(struct ingest *in);

/* The daemon's counters (ingest_stats.h), owned by the ingest: callers bump theirs in place. */
struct ingest_stats *ingest_stats(struct ingest *in);
/*
 * Brings up to date the counters the ingest derives: generation, pages rendered, render and
 * compress time, map size and use (a stats reply calls it first).
 */
void ingest_stats_refresh(struct ingest *in);

/* Generation committed to SQLite, and the one LMDB holds. */
uint64_t ingest_gen(const struct ingest *in);
uint64_t ingest_store_gen(const struct ingest *in);

/*
 * What the last committed page write (a push, a rebuild or a start-up repair) put in LMDB:
 * fn gets each record's URL and its page flags (PAGE_NOTE, PAGE_ASSET, ... from pagefmt.h),
 * in the order written; deleted keys are not listed. Tests use it to assert a push's exact
 * render set (tests/unit/ingestd/test_incremental.c filters on PAGE_NOTE). Returns 0 or
 * what fn returned (non-zero stops the walk).
 */
typedef int ingest_page_fn(void *arg, const char *url, uint32_t flags);
int ingest_last_pages(const struct ingest *in, ingest_page_fn *fn, void *arg);

/*
 * Test hook: with skip set, the next pushes commit SQLite but abort the LMDB transaction,
 * as if the process died between the two commits.
 */
void ingest_test_skip_store_commit(struct ingest *in, int skip);

/*
 * Test hook: with on set, writes compress every page on the push's thread, as pushes of
 * a few pages always do, instead of handing large writes to the compressing worker.
 */
void ingest_test_inline_gzip(struct ingest *in, int on);

/*
 * Test hook: with hold set, large writes keep the compressing worker idle, so the push's
 * thread compresses every page of them itself (the path it takes when the worker lags).
 */
void ingest_test_hold_gzip_worker(struct ingest *in, int hold);

#endif
