/*
 * gzpool.h: one worker thread that compresses and encodes page records (build_job_finish)
 * while the push's thread renders the next pages. Jobs sit in a fixed ring and come back
 * in the order they went in, so the LMDB writes stay in key order. When the worker falls
 * behind, the push's thread compresses queued jobs itself instead of waiting.
 *
 * Only one thread (the push's) calls these functions; the worker touches nothing but the
 * jobs it was handed and its own compressor.
 */
#ifndef INGESTD_GZPOOL_H
#define INGESTD_GZPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct build_job;
struct gzpool;

/* Jobs in flight at most: enough to keep the worker busy through a slow page. */
#define GZPOOL_SLOTS 64

/*
 * Starts the worker with a compressor of zlib level (the builder's gzip_level). Returns 0,
 * or ERR_NOMEM when zlib or the thread cannot be had (the caller compresses inline).
 */
int gzpool_open(struct gzpool **out, int level);
/* Waits for the jobs in flight, stops and joins the worker, frees everything. NULL: no-op. */
void gzpool_close(struct gzpool *p);

/*
 * The next free job, in ring order, or NULL when GZPOOL_SLOTS jobs are in flight (take the
 * oldest first). The job stays the pool's; fill it (build_url_job) and gzpool_submit it.
 */
struct build_job *gzpool_next(struct gzpool *p);
/* Hands the job gzpool_next returned to the worker. */
void gzpool_submit(struct gzpool *p);

/*
 * The oldest job in flight, once it is finished, or NULL when none is in flight. Until
 * then the calling thread compresses the newest queued jobs itself, and blocks only when
 * none is left to take. It stays valid until gzpool_retire.
 */
struct build_job *gzpool_oldest(struct gzpool *p);
/* Frees the oldest job's slot for gzpool_next. */
void gzpool_retire(struct gzpool *p);

/* Jobs submitted and not yet retired. */
size_t gzpool_inflight(const struct gzpool *p);
/* Jobs the push's thread compressed itself (gzpool_oldest), since the pool opened. */
uint64_t gzpool_helped(const struct gzpool *p);

/*
 * Ends a write: forgets every job in flight (after a failed write, or before a map-full
 * replay, jobs not started are dropped and the one the worker holds is waited for), and
 * frees job buffers a large page grew. Blocks.
 */
void gzpool_drain(struct gzpool *p);

/* Test hook: with hold set the worker takes no job, so gzpool_oldest compresses them all. */
void gzpool_test_hold(struct gzpool *p, bool hold);

#endif
