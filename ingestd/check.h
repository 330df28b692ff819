/*
 * check.h: verifying the page store against the source of truth, and rewriting it, for
 * `folio check` and `folio rebuild` (GET /api/v1/check, POST /api/v1/rebuild).
 *
 * Both run inside ingestd, the only process that knows SQLite and may write LMDB, on the
 * API's loop: no push can interleave with them. Fronts keep serving throughout; a check
 * only reads, and a rebuild is one LMDB write transaction that readers see whole or not
 * at all.
 */
#ifndef INGESTD_CHECK_H
#define INGESTD_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"

struct ingest;

/* Problems listed in a check's reply; further ones are only counted. */
#define CHECK_MAX_LISTED 1000

/* The kinds of disagreement a check reports. */
enum check_problem {
	CHECK_MISSING,     /* SQLite has a page the store holds no record for */
	CHECK_EXTRA,       /* the store holds a record SQLite has no page for */
	CHECK_STALE,       /* the record differs from what SQLite says the page is now */
	CHECK_CORRUPT,     /* the record fails its format checks */
	CHECK_UNBUILDABLE, /* the page cannot be built from what SQLite stores */
	CHECK_GENERATION,  /* store and database generations disagree */
	CHECK_INDEX,       /* SQLite's pages table and its notes and files disagree */
	CHECK_KINDS
};

/* What one check found. */
struct check_report {
	uint64_t db_gen;    /* generation SQLite committed */
	uint64_t store_gen; /* generation of the store snapshot that was checked */
	size_t expected;    /* page records SQLite says the store must hold */
	size_t records;     /* records the store holds */
	size_t matched;     /* records identical in substance to a fresh build */
	size_t problems;    /* all problems, listed or not */
	size_t by_kind[CHECK_KINDS];
	double elapsed_ms;
};

/* The problem kind's name as it appears in replies ("missing", "stale", ...). */
const char *check_problem_name(enum check_problem k);

/*
 * Compares every record in the store with what SQLite says it must be: each page row has
 * a record, no record lacks a row, and each record's status, flags, ETag, identity body,
 * redirect target and gzip body (inflated) match a fresh build of the page from SQLite.
 * Generations, and the pages table against the vault index, are checked too. Reads only.
 * Appends the JSON reply to out:
 *   {"ok":bool,"generation":N,"store_generation":N,"expected":N,"records":N,"matched":N,
 *    "problems":N,"counts":{"missing":N,...},"listed":[{"problem","url","path","detail"}],
 *    "truncated":bool,"elapsed_ms":x}
 * rep (may be NULL) receives the counts. Long checks log progress. Blocks the caller for as
 * long as building every page takes. Returns 0 (problems are not errors), or an ERR_* when
 * the stores cannot be read (out then holds nothing useful).
 */
int check_run(struct ingest *in, struct buf *out, struct check_report *rep);

/*
 * Rewrites the store from SQLite in one write transaction under a new generation
 * (ingest_rebuild), publishes an invalidation for it and appends the JSON reply to out:
 *   {"generation":N,"pages":N,"rendered":N,"elapsed_ms":x}
 * Readers keep their snapshot until the commit. Returns 0 or an ERR_* (logged); on an
 * error the store is unchanged and the next start rebuilds again.
 */
int check_rebuild(struct ingest *in, struct buf *out);

#endif
