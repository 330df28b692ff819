/*
 * stat_json.c: the document `folio stat --json` prints (contract in stat_json.h). Built
 * with buf's JSON string escaping; every name and label comes from a peer's reply.
 */
#include "tools/folio/stat_json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "shared/err.h"

static void
json_slice(struct buf *out, struct slice s)
{
	buf_put_json_str(out, s.ptr, s.len);
}

static void
json_hist(struct buf *out, const struct stats_histo *h)
{
	uint64_t mx = h->max;
	json_slice(out, h->name);
	buf_puts(out, ":{\"unit\":");
	json_slice(out, h->unit);
	buf_printf(out, ",\"count\":%" PRIu64 ",\"sum\":%" PRIu64 ",\"max\":%" PRIu64, h->total,
	           h->sum, mx);
	buf_printf(out, ",\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f",
	           stats_quantile(h->bound, h->count, h->nb, mx, 0.50),
	           stats_quantile(h->bound, h->count, h->nb, mx, 0.90),
	           stats_quantile(h->bound, h->count, h->nb, mx, 0.99));
	buf_puts(out, ",\"buckets\":[");
	for (unsigned i = 0; i < h->nb; i++) {
		if (i + 1 == h->nb)
			buf_printf(out, "[\"+Inf\",%" PRIu64 "]", h->count[i]);
		else
			buf_printf(out, "[%" PRIu64 ",%" PRIu64 "],", h->bound[i], h->count[i]);
	}
	buf_puts(out, "]}");
}

/* The metrics of s of one kind (counter or gauge) without labels, as a JSON object. */
static void
json_metrics(struct buf *out, const struct stats_snap *s, enum stats_kind kind)
{
	bool first = true;
	buf_putc(out, '{');
	for (size_t i = 0; i < s->nm; i++) {
		const struct stats_metric *m = &s->m[i];
		if (m->kind != kind || m->nlabels)
			continue;
		if (!first)
			buf_putc(out, ',');
		first = false;
		json_slice(out, m->name);
		buf_printf(out, ":%" PRIu64, m->value);
	}
	buf_putc(out, '}');
}

static void
json_labelled(struct buf *out, const struct stats_snap *s)
{
	bool first = true;
	buf_putc(out, '[');
	for (size_t i = 0; i < s->nm; i++) {
		const struct stats_metric *m = &s->m[i];
		if (!m->nlabels)
			continue;
		buf_puts(out, first ? "{\"name\":" : ",{\"name\":");
		first = false;
		json_slice(out, m->name);
		buf_printf(out, ",\"kind\":\"%s\",\"labels\":{",
		           m->kind == STATS_GAUGE ? "gauge" : "counter");
		for (unsigned l = 0; l < m->nlabels; l++) {
			if (l)
				buf_putc(out, ',');
			json_slice(out, m->label[l]);
			buf_putc(out, ':');
			json_slice(out, m->label_value[l]);
		}
		buf_printf(out, "},\"value\":%" PRIu64 "}", m->value);
	}
	buf_putc(out, ']');
}

static void
json_process(struct buf *out, const struct stat_entry *e)
{
	const struct stats_snap *s = &e->snap;
	buf_puts(out, "{\"kind\":");
	buf_put_json_str(out, e->peer.kind, strlen(e->peer.kind));
	buf_printf(out, ",\"pid\":%" PRId64, e->peer.pid);
	if (e->err) {
		const char *why = e->err == ERR_AGAIN ? "no answer in time" : err_str(e->err);
		buf_puts(out, ",\"answered\":false,\"error\":");
		buf_put_json_str(out, why, strlen(why));
		buf_putc(out, '}');
		return;
	}
	buf_puts(out, ",\"answered\":true,\"name\":");
	json_slice(out, s->name);
	buf_printf(out,
	           ",\"start_us\":%" PRId64 ",\"now_us\":%" PRId64 ",\"uptime_s\":%" PRId64
	           ",\"counters\":",
	           s->start_us, s->now_us, (s->now_us - s->start_us) / 1000000);
	json_metrics(out, s, STATS_COUNTER);
	buf_puts(out, ",\"gauges\":");
	json_metrics(out, s, STATS_GAUGE);
	buf_puts(out, ",\"labelled\":");
	json_labelled(out, s);
	buf_puts(out, ",\"histograms\":{");
	for (size_t i = 0; i < s->nh; i++) {
		if (i)
			buf_putc(out, ',');
		json_hist(out, &s->h[i]);
	}
	buf_puts(out, "}}");
}

/* "totals": {kind: {counter: sum over that kind's processes}} for the unlabelled counters. */
static void
json_totals(struct buf *out, const struct stat_entry *entries, size_t n)
{
	buf_puts(out, "\"totals\":{");
	bool first_kind = true;
	for (size_t i = 0; i < n; i++) {
		const struct stat_entry *e = &entries[i];
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = !entries[j].err && entries[j].snap.proc == e->snap.proc;
		if (e->err || seen || !stats_proc_name(e->snap.proc))
			continue;
		buf_printf(out, "%s\"%s\":{", first_kind ? "" : ",", stats_proc_name(e->snap.proc));
		first_kind = false;
		bool first = true;
		for (size_t m = 0; m < e->snap.nm; m++) {
			const struct stats_metric *x = &e->snap.m[m];
			if (x->kind != STATS_COUNTER || x->nlabels)
				continue;
			uint64_t sum = 0;
			char name[128];
			snprintf(name, sizeof(name), "%.*s", (int)x->name.len,
			         (const char *)x->name.ptr);
			for (size_t k = i; k < n; k++) {
				const struct stats_metric *y = NULL;
				if (!entries[k].err && entries[k].snap.proc == e->snap.proc)
					y = stats_find(&entries[k].snap, name);
				sum += y ? y->value : 0;
			}
			if (!first)
				buf_putc(out, ',');
			first = false;
			json_slice(out, x->name);
			buf_printf(out, ":%" PRIu64, sum);
		}
		buf_putc(out, '}');
	}
	buf_putc(out, '}');
}

void
stat_json(struct buf *out, const char *data_dir, const struct stat_entry *entries, size_t n,
          int64_t now_us)
{
	buf_printf(out, "{\"time_us\":%" PRId64 ",\"data_dir\":", now_us);
	buf_put_json_str(out, data_dir, strlen(data_dir));
	buf_puts(out, ",\"processes\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(out, ',');
		json_process(out, &entries[i]);
	}
	buf_puts(out, "],");
	json_totals(out, entries, n);
	buf_puts(out, "}\n");
}
