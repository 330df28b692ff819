/*
 * ingest_stats.h: ingestd's counters, declared once as an X-macro (like frontd's
 * front_stats.h) so the stats socket, /metrics and the docs walk the same list. Only the
 * daemon's single thread writes them. Names ending in _us count microseconds.
 */
#ifndef INGESTD_INGEST_STATS_H
#define INGESTD_INGEST_STATS_H

#include <stdint.h>

#include "shared/stats.h"

/* X(name, kind, doc): kind is counter (only rises) or gauge (goes both ways). */
#define INGEST_STATS(X)                                                                       \
	X(pushes_accepted, counter, "pushes applied and committed")                           \
	X(pushes_rejected, counter, "pushes refused (bad body, bad file, limits, auth)")      \
	X(pages_rendered, counter, "pages rendered by pushes, reconciles and rebuilds")       \
	X(render_us, counter, "time spent rendering markdown and layout")                     \
	X(compress_us, counter, "time spent in gzip")                                         \
	X(gzip_worker_pages, counter, "pages gzipped by the worker thread")                   \
	X(gzip_helped_pages, counter, "pages the push's thread gzipped, the worker behind")   \
	X(commit_us, counter, "time spent committing SQLite and LMDB")                        \
	X(generation, gauge, "last committed push generation")                                \
	X(map_size, gauge, "LMDB map size in bytes")                                          \
	X(map_used, gauge, "LMDB map bytes in use")                                           \
	X(api_requests, counter, "API requests answered")                                     \
	X(views_stored, counter, "page views stored from the fronts' batches")                \
	X(view_batches_stored, counter, "view batches stored (one SQLite transaction each)")  \
	X(view_batches_duplicate, counter, "view batches received again and ignored (acked)") \
	X(view_batches_refused, counter, "view batches dropped as malformed")                 \
	X(readers_reclaimed, counter, "LMDB reader slots of dead processes cleared")

struct ingest_stats {
#define INGEST_STATS_FIELD(name, kind, doc) uint64_t name;
	INGEST_STATS(INGEST_STATS_FIELD)
#undef INGEST_STATS_FIELD
	struct stats_hist push_us;    /* a push request: body received to answer ready */
	struct stats_hist push_pages; /* pages rendered by each accepted push */
};

#endif
