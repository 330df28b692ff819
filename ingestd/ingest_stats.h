/*
 * ingest_stats.h: ingestd's counters, declared once as an X-macro (like frontd's
 * front_stats.h) so the stats socket, /metrics and the docs walk the same list. Only the
 * daemon's single thread writes them.
 */
#ifndef INGESTD_INGEST_STATS_H
#define INGESTD_INGEST_STATS_H

#include <stdint.h>

/* X(name, kind, doc): kind is counter (only rises) or gauge (goes both ways). */
#define INGEST_STATS(X)                                                                        \
	X(pushes_accepted, counter, "pushes applied and committed")                            \
	X(pushes_rejected, counter, "pushes refused (bad body, bad file, limits, auth)")       \
	X(pages_rendered, counter, "pages rendered by pushes, reconciles and rebuilds")        \
	X(render_us, counter, "microseconds spent rendering markdown and layout")              \
	X(compress_us, counter, "microseconds spent in gzip")                                  \
	X(commit_us, counter, "microseconds spent committing SQLite and LMDB")                 \
	X(generation, gauge, "last committed push generation")                                 \
	X(map_size, gauge, "LMDB map size in bytes")                                           \
	X(map_used, gauge, "LMDB map bytes in use")                                            \
	X(api_requests, counter, "API requests answered")

struct ingest_stats {
#define INGEST_STATS_FIELD(name, kind, doc) uint64_t name;
	INGEST_STATS(INGEST_STATS_FIELD)
#undef INGEST_STATS_FIELD
};

#endif
