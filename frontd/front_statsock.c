/*
 * front_statsock.c: a front's stats socket (contract in front_statsock.h). The reply walks
 * FRONT_STATS, so a counter added to front_stats.h is reported, documented and exported
 * to Prometheus with no change here.
 */
#include "frontd/front_statsock.h"

#include <sys/epoll.h>

#include "frontd/frontd.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/log.h"
#include "shared/statsock.h"

#define FRONT_STATS_ONE(name, kind, doc) +1
enum { FRONT_STATS_COUNT = 0 FRONT_STATS(FRONT_STATS_ONE) };
#undef FRONT_STATS_ONE

int
front_statsock_fill(void *arg, const struct stats_head *hd, struct buf *out)
{
	const struct front_stats *st = arg;
	struct stats_item items[FRONT_STATS_COUNT];
	size_t n = 0;
#define FRONT_STATS_ITEM(f, k, d) \
	items[n++] =              \
	        (struct stats_item){.name = #f, .doc = d, .kind = STATS_KIND_##k, .value = st->f};
	FRONT_STATS(FRONT_STATS_ITEM)
#undef FRONT_STATS_ITEM
	const struct stats_hist_item h[] = {
	        {"latency_us", "us", "time from a complete request head to the response written",
	         &st->latency_us},
	};
	return stats_encode(out, hd, items, n, h, ARRAY_LEN(h));
}

void
front_statsock_open(struct frontd *fd)
{
	int rc = statsock_open(&fd->statsock, fd->cfg, STATS_PROC_FRONTD);
	if (rc == 0) {
		fd->statsock_src.kind = LOOP_STATS;
		rc = loop_watch(fd->epfd, statsock_fd(fd->statsock), EPOLLIN, &fd->statsock_src);
		if (rc < 0) {
			log_warn("stats.watch", "err=%s", err_str(rc));
			statsock_close(fd->statsock);
			fd->statsock = NULL;
		}
		fd->statsock_retry_at = 0;
		return;
	}
	/* No data folder yet: ingestd makes it. Anything else will not fix itself. */
	fd->statsock_retry_at = rc == ERR_NOTFOUND ? fd->now_ms + FRONT_STATSOCK_RETRY_MS : 0;
}

void
front_statsock_close(struct frontd *fd)
{
	statsock_close(fd->statsock); /* its descriptor leaves the epoll set as nng closes it */
	fd->statsock = NULL;
	fd->statsock_retry_at = 0;
}

void
front_statsock_answer(struct frontd *fd)
{
	if (fd->statsock)
		statsock_serve(fd->statsock, front_statsock_fill, &fd->stats);
}

void
front_statsock_tick(struct frontd *fd)
{
	if (!fd->statsock && fd->statsock_retry_at && fd->now_ms >= fd->statsock_retry_at)
		front_statsock_open(fd);
}
