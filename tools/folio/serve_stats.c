/*
 * serve_stats.c: the supervisor's stats socket (contract in serve_stats.h). Replies are
 * built from the child table on demand; the supervisor keeps no counters of its own.
 */
#include "tools/folio/serve_stats.h"

#include <stdlib.h>

#include "shared/defs.h"
#include "shared/statsock.h"
#include "tools/folio/super.h"

struct serve_stats {
	struct statsock *sock;
	struct super *sup;
};

int
serve_stats_fill(void *arg, const struct stats_head *hd, struct buf *out)
{
	struct super *sup = arg;
	size_t n = super_count(sup);
	struct stats_item *items = xcalloc(4 + 3 * n, sizeof(*items));
	uint64_t started = 0, restarts = 0, running = 0;
	size_t k = 4;
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		int idx = (int)i;
		if (!super_keeps_running(sup, idx))
			continue; /* one-shot work (the publisher) is not a service */
		kept++;
		const char *name = super_name(sup, idx);
		pid_t pid = super_pid(sup, idx);
		started += super_starts(sup, idx);
		restarts += super_restarts(sup, idx);
		running += pid != 0;
		items[k++] = (struct stats_item){
		        "child_up",  "whether the child runs now (1) or not (0)",
		        STATS_GAUGE, pid != 0,
		        "child",     name};
		items[k++] =
		        (struct stats_item){"child_pid", "the child's pid (0 when not running)",
		                            STATS_GAUGE, (uint64_t)pid,
		                            "child",     name};
		items[k++] = (struct stats_item){
		        "child_restarts", "times the child was started again after it exited",
		        STATS_COUNTER,    super_restarts(sup, idx),
		        "child",          name};
	}
	items[0] = (struct stats_item){"children", "children kept running", STATS_GAUGE, kept, NULL,
	                               NULL};
	items[1] = (struct stats_item){
	        "children_running", "children running now", STATS_GAUGE, running, NULL, NULL};
	items[2] = (struct stats_item){
	        "children_started", "child processes started", STATS_COUNTER, started, NULL, NULL};
	items[3] = (struct stats_item){"children_restarted",
	                               "child processes started again after one exited",
	                               STATS_COUNTER,
	                               restarts,
	                               NULL,
	                               NULL};
	int rc = stats_encode(out, hd, items, k, NULL, 0);
	free(items);
	return rc;
}

static void
serve_stats_answer(void *arg)
{
	struct serve_stats *st = arg;
	statsock_serve(st->sock, serve_stats_fill, st->sup);
}

int
serve_stats_open(struct serve_stats **out, const struct config *c, struct super *sup)
{
	*out = NULL;
	struct serve_stats *st = xcalloc(1, sizeof(*st));
	int rc = statsock_open(&st->sock, c, STATS_PROC_SERVE);
	if (rc < 0) {
		free(st);
		return rc;
	}
	st->sup = sup;
	super_watch(sup, statsock_fd(st->sock), serve_stats_answer, st);
	*out = st;
	return 0;
}

void
serve_stats_close(struct serve_stats *st)
{
	if (!st)
		return;
	super_watch(st->sup, -1, NULL, NULL);
	statsock_close(st->sock);
	free(st);
}
