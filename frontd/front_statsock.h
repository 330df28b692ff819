/*
 * front_statsock.h: a front's stats: the per-response accounting the hot path does
 * (inline, a few increments and at most one clock read per batch of responses) and the
 * stats socket answered between events with every counter of front_stats.h plus the
 * latency histogram.
 *
 * Latency runs from the start of the loop iteration in which a request's head was parsed
 * complete (the CLOCK_MONOTONIC read the loop makes once per iteration, right after
 * epoll_wait) to the moment the response's last byte went into the socket (one more read
 * per writev that completes responses). Heads parsed in the same iteration share a start,
 * so time spent serving earlier connections of the same batch is counted, as a client
 * would see it. The coarse clock the loop uses for timeouts ticks in milliseconds, too
 * slowly for this.
 */
#ifndef FRONTD_FRONT_STATSOCK_H
#define FRONTD_FRONT_STATSOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "frontd/front_stats.h"
#include "frontd/respond.h"
#include "shared/buf.h"
#include "shared/http.h"
#include "shared/stats.h"

struct frontd;

#define FRONT_STATSOCK_RETRY_MS 1000 /* until data_dir exists, try to open this often */

/*
 * Marks the response queued after the first n0 entries of q (if one was) as answering a
 * request of method whose head was complete at head_us.
 */
static inline void
front_statsock_stamp(struct respq *q, uint32_t n0, uint8_t method, int64_t head_us)
{
	if (q->n > n0) {
		q->r[q->n - 1].method = method;
		q->r[q->n - 1].head_us = head_us;
	}
}

/*
 * Counts a response written in full: by method, keep-alive reuse, and its latency (when
 * stamped). *now_us is read on first need and shared by the responses of one write.
 */
static inline void
front_statsock_done(struct front_stats *st, uint8_t method, bool reused, int64_t head_us,
                    int64_t *now_us)
{
	if (method == HTTP_GET)
		st->req_get++;
	else if (method == HTTP_HEAD)
		st->req_head++;
	else
		st->req_other++;
	if (reused)
		st->keepalive_reused++;
	if (head_us) {
		if (!*now_us)
			*now_us = stats_mono_us();
		int64_t d = *now_us - head_us;
		stats_hist_add(&st->latency_us, d > 0 ? (uint64_t)d : 0);
	}
}

/*
 * Opens the front's stats socket and adds it to the epoll set. Without a data folder yet
 * (the front started before ingestd) it tries again from front_statsock_tick().
 */
void front_statsock_open(struct frontd *fd);
void front_statsock_close(struct frontd *fd);
/* The socket polled readable: answers what waits. */
void front_statsock_answer(struct frontd *fd);
/* Periodic work: a deferred open. */
void front_statsock_tick(struct frontd *fd);

/* Builds a reply from st (statsock_fill_fn; arg is a struct front_stats). For tests too. */
int front_statsock_fill(void *arg, const struct stats_head *hd, struct buf *out);

#endif
