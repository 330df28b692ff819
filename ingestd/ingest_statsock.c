/*
 * ingest_statsock.c: ingestd's counters, its stats reply and GET /metrics (contract in
 * ingest_statsock.h). The reply walks INGEST_STATS, so a counter added to ingest_stats.h
 * is reported and exported with no change here.
 */
#include "ingestd/ingest_statsock.h"

#include <stdlib.h>
#include <unistd.h>

#include "ingestd/ingest.h"
#include "shared/config.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/log.h"
#include "shared/statscan.h"
#include "shared/statsock.h"
#include "shared/statsprom.h"

#define INGEST_STATS_ONE(name, kind, doc) +1
enum { INGEST_STATS_COUNT = 0 INGEST_STATS(INGEST_STATS_ONE) };
#undef INGEST_STATS_ONE

void
ingest_statsock_answered(struct ingest_stats *st, bool push, int status)
{
	st->api_requests++;
	if (!push || status < 200)
		return;
	if (status == 200)
		st->pushes_accepted++;
	else
		st->pushes_rejected++;
}

void
ingest_statsock_pushed(struct ingest_stats *st, int64_t t0_us, bool ok, size_t rendered)
{
	if (!ok)
		return;
	int64_t d = stats_mono_us() - t0_us;
	stats_hist_add(&st->push_us, d > 0 ? (uint64_t)d : 0);
	stats_hist_add(&st->push_pages, rendered);
}

int
ingest_statsock_fill(void *arg, const struct stats_head *hd, struct buf *out)
{
	ingest_stats_refresh(arg);
	const struct ingest_stats *st = ingest_stats(arg);
	struct stats_item items[INGEST_STATS_COUNT];
	size_t n = 0;
#define INGEST_STATS_ITEM(f, k, d) \
	items[n++] =               \
	        (struct stats_item){.name = #f, .doc = d, .kind = STATS_KIND_##k, .value = st->f};
	INGEST_STATS(INGEST_STATS_ITEM)
#undef INGEST_STATS_ITEM
	const struct stats_hist_item h[] = {
	        {"push_latency_us", "us", "accepted pushes: body received to answer ready",
	         &st->push_us},
	        {"push_pages", "pages", "pages rendered by each accepted push", &st->push_pages},
	};
	return stats_encode(out, hd, items, n, h, ARRAY_LEN(h));
}

/* The snapshots gathered for one exposition. */
struct ingest_metrics {
	struct stats_snap *v;
	size_t n, cap;
};

static struct stats_snap *
metrics_slot(struct ingest_metrics *m)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->v = xrealloc(m->v, m->cap * sizeof(*m->v));
	}
	m->v[m->n] = (struct stats_snap){0};
	return &m->v[m->n];
}

static void
metrics_collect(void *arg, const struct statscan_peer *peer, struct stats_snap *snap, int err)
{
	struct ingest_metrics *m = arg;
	if (!snap) {
		LOG_RATELIMIT(log_debug("metrics.peer", "kind=%s pid=%lld err=\"%s\"", peer->kind,
		                        (long long)peer->pid, err_str(err)));
		return;
	}
	stats_snap_move(metrics_slot(m), snap);
	m->n++;
}

int
ingest_statsock_metrics(const struct config *c, struct ingest *in, struct buf *out)
{
	struct ingest_metrics m = {0};
	/* This process first, from its counters directly: its own socket cannot answer
	 * while this thread waits for the others. */
	struct stats_head hd;
	char name[STATSOCK_NAME_MAX];
	struct buf self;
	buf_init(&self, 0);
	statsock_head(&hd, STATS_PROC_INGESTD, name);
	int rc = ingest_statsock_fill(in, &hd, &self);
	if (rc == 0 && stats_decode(buf_slice(&self), metrics_slot(&m)) == 0)
		m.n++;
	buf_fini(&self);

	char dir[4096];
	if (config_path(c, STATSOCK_DIR, dir, sizeof(dir)) == 0)
		statscan_run(dir, (int64_t)getpid(), INGEST_METRICS_WAIT_MS, metrics_collect, &m);
	statsprom_write(out, m.v, m.n);
	for (size_t i = 0; i < m.n; i++)
		stats_snap_fini(&m.v[i]);
	free(m.v);
	return out->err;
}
