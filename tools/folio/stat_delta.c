/*
 * stat_delta.c: what two scans of the same process tell (contract in stat_delta.h):
 * per-second rates of counters, and histograms over the interval between the scans.
 */
#include "tools/folio/stat_delta.h"

#include <string.h>

#include "shared/defs.h"

double
stat_delta_rate(const struct stats_snap *prev, const struct stats_snap *cur, const char *name)
{
	if (!prev || !prev->raw || !stats_same_run(prev, cur) || cur->now_us <= prev->now_us)
		return -1;
	const struct stats_metric *a = stats_find(prev, name), *b = stats_find(cur, name);
	if (!a || !b || b->value < a->value)
		return -1;
	return (double)(b->value - a->value) * 1e6 / (double)(cur->now_us - prev->now_us);
}

/* The quantiles and max of w from its deltas; hist_max caps the estimates. */
static void
stat_delta_finish(struct stat_window *w, uint64_t hist_max, bool whole)
{
	w->count = 0;
	unsigned top = 0;
	for (unsigned i = 0; i < w->nb; i++) {
		w->count += w->delta[i];
		if (w->delta[i])
			top = i;
	}
	if (w->count == 0) {
		w->p50 = w->p90 = w->p99 = 0;
		w->max = 0;
		return;
	}
	/* Over a window the largest value is known only to its bucket. */
	w->max = whole || top + 1 == w->nb ? hist_max : MIN(w->bound[top], hist_max);
	w->p50 = stats_quantile(w->bound, w->delta, w->nb, w->max, 0.50);
	w->p90 = stats_quantile(w->bound, w->delta, w->nb, w->max, 0.90);
	w->p99 = stats_quantile(w->bound, w->delta, w->nb, w->max, 0.99);
}

bool
stat_delta_window(const struct stats_snap *prev, const struct stats_snap *cur, const char *name,
                  struct stat_window *w)
{
	const struct stats_histo *h = stats_find_hist(cur, name);
	if (!h)
		return false;
	const struct stats_histo *p = NULL;
	if (prev && prev->raw && stats_same_run(prev, cur))
		p = stats_find_hist(prev, name);
	if (p && (p->nb != h->nb || memcmp(p->bound, h->bound, h->nb * sizeof(h->bound[0]))))
		p = NULL;
	w->nb = h->nb;
	memcpy(w->bound, h->bound, h->nb * sizeof(h->bound[0]));
	for (unsigned i = 0; i < h->nb; i++) {
		uint64_t before = p ? p->count[i] : 0;
		w->delta[i] = h->count[i] >= before ? h->count[i] - before : 0;
	}
	stat_delta_finish(w, h->max, p == NULL);
	return true;
}

void
stat_delta_add(struct stat_window *acc, const struct stat_window *src)
{
	if (src->count == 0)
		return;
	if (acc->nb == 0) {
		*acc = *src;
		return;
	}
	if (acc->nb != src->nb || memcmp(acc->bound, src->bound, acc->nb * sizeof(acc->bound[0])))
		return; /* another build's buckets cannot be merged */
	uint64_t mx = MAX(acc->max, src->max);
	for (unsigned i = 0; i < acc->nb; i++)
		acc->delta[i] += src->delta[i];
	stat_delta_finish(acc, mx, true);
	acc->max = mx;
}
