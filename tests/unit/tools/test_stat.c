/*
 * test_stat.c: what `folio stat` computes from two scans: per-second rates that start
 * over (never go negative) when a process restarts, latency windows and their totals, and
 * the --json document.
 */
#include "tools/folio/stat_delta.h"
#include "tools/folio/stat_json.h"

#include <jansson.h>

#include "shared/err.h"
#include "tests/harness.h"

/* A front's reply: req_total = req, conns_open = conns, latency with lat[] values. */
static void
snap_front(struct stats_snap *s, int64_t pid, int64_t start, int64_t now, uint64_t req,
           uint64_t conns, const uint64_t *lat, size_t nlat)
{
	struct stats_hist h = {0};
	for (size_t i = 0; i < nlat; i++)
		stats_hist_add(&h, lat[i]);
	struct stats_head hd = {STATS_PROC_FRONTD, pid == 1 ? "frontd.1" : "frontd.2", pid, start,
	                        now};
	struct stats_item items[] = {
	        {"req_total", "responses", STATS_COUNTER, req, NULL, NULL},
	        {"conns_open", "open", STATS_GAUGE, conns, NULL, NULL},
	};
	struct stats_hist_item hi = {"latency_us", "us", "latency", &h};
	struct buf b;
	buf_init(&b, 0);
	stats_encode(&b, &hd, items, 2, &hi, 1);
	CHECK_INT_EQ(stats_decode(buf_slice(&b), s), 0);
	buf_fini(&b);
}

static void
t_rate(void)
{
	struct stats_snap a, b, restarted, down;
	snap_front(&a, 1, 1000, 10000000, 100, 0, NULL, 0);
	snap_front(&b, 1, 1000, 10500000, 150, 0, NULL, 0);
	snap_front(&restarted, 1, 2000, 10500000, 500, 0, NULL, 0); /* busy since its start */
	snap_front(&down, 1, 1000, 10500000, 90, 0, NULL, 0);
	double r = stat_delta_rate(&a, &b, "req_total");
	CHECK(r > 99.99 && r < 100.01);
	CHECK(stat_delta_rate(NULL, &b, "req_total") < 0);
	/* Same pid, another start time: a new run, whose counters say nothing of the interval. */
	CHECK(stat_delta_rate(&a, &restarted, "req_total") < 0);
	CHECK(stat_delta_rate(&a, &down, "req_total") < 0);
	CHECK(stat_delta_rate(&a, &b, "no_such_counter") < 0);
	stats_snap_fini(&a);
	stats_snap_fini(&b);
	stats_snap_fini(&restarted);
	stats_snap_fini(&down);
}

static void
t_window(void)
{
	uint64_t before[] = {1000, 1000, 1000, 1000}; /* 1 ms each, before the window */
	uint64_t after[] = {1000, 1000, 1000, 1000, 10, 10, 10, 10, 10, 10, 10, 10};
	struct stats_snap a, b, other;
	snap_front(&a, 1, 1000, 1000000, 4, 0, before, 4);
	snap_front(&b, 1, 1000, 2000000, 12, 0, after, 12);
	snap_front(&other, 1, 5000, 2000000, 12, 0, after, 12);
	struct stat_window w;
	CHECK(stat_delta_window(&a, &b, "latency_us", &w));
	/* Only the eight 10 us values are in the window: all in (8, 16]. */
	CHECK_INT_EQ(w.count, 8);
	CHECK(w.p50 > 8 && w.p50 <= 16);
	CHECK(w.p99 > 8 && w.p99 <= 16);
	CHECK(w.max <= 16);
	/* Without a previous scan of the same run, the window is the whole life. */
	CHECK(stat_delta_window(&other, &b, "latency_us", &w));
	CHECK_INT_EQ(w.count, 12);
	CHECK_INT_EQ(w.max, 1000);
	CHECK(w.p90 > 512);
	CHECK(!stat_delta_window(NULL, &b, "nope", &w));

	/* Totals: windows of two fronts add up. */
	struct stat_window t = {0}, one;
	CHECK(stat_delta_window(&a, &b, "latency_us", &one));
	stat_delta_add(&t, &one);
	CHECK(stat_delta_window(NULL, &a, "latency_us", &one));
	stat_delta_add(&t, &one);
	CHECK_INT_EQ(t.count, 12);
	CHECK_INT_EQ(t.max, 1000);
	CHECK(t.p50 > 8 && t.p50 <= 16);
	CHECK(t.p90 > 512 && t.p90 <= 1000);
	stats_snap_fini(&a);
	stats_snap_fini(&b);
	stats_snap_fini(&other);
}

static void
t_json(void)
{
	struct stat_entry e[3];
	memset(e, 0, sizeof(e));
	uint64_t lat[] = {5, 6};
	snprintf(e[0].peer.kind, sizeof(e[0].peer.kind), "frontd");
	e[0].peer.pid = 1;
	snap_front(&e[0].snap, 1, 1000000, 3000000, 30, 2, lat, 2);
	snprintf(e[1].peer.kind, sizeof(e[1].peer.kind), "frontd");
	e[1].peer.pid = 2;
	snap_front(&e[1].snap, 2, 1000000, 3000000, 12, 1, NULL, 0);
	snprintf(e[2].peer.kind, sizeof(e[2].peer.kind), "frontd");
	e[2].peer.pid = 3;
	e[2].err = ERR_AGAIN;
	struct buf b;
	buf_init(&b, 0);
	stat_json(&b, "var \"x\"", e, 3, 123);
	json_error_t jerr;
	json_t *j = json_loadb((const char *)b.ptr, b.len, 0, &jerr);
	CHECK(j != NULL);
	if (!j) {
		printf("    %s: %.*s\n", jerr.text, (int)b.len, (const char *)b.ptr);
		buf_fini(&b);
		return;
	}
	CHECK_STR_EQ(json_string_value(json_object_get(j, "data_dir")), "var \"x\"");
	json_t *procs = json_object_get(j, "processes");
	CHECK_INT_EQ(json_array_size(procs), 3);
	json_t *p0 = json_array_get(procs, 0);
	CHECK_STR_EQ(json_string_value(json_object_get(p0, "name")), "frontd.1");
	CHECK_INT_EQ(json_integer_value(json_object_get(p0, "pid")), 1);
	CHECK_INT_EQ(json_integer_value(json_object_get(p0, "start_us")), 1000000);
	CHECK_INT_EQ(json_integer_value(json_object_get(p0, "uptime_s")), 2);
	CHECK_INT_EQ(
	        json_integer_value(json_object_get(json_object_get(p0, "counters"), "req_total")),
	        30);
	CHECK_INT_EQ(
	        json_integer_value(json_object_get(json_object_get(p0, "gauges"), "conns_open")),
	        2);
	json_t *lh = json_object_get(json_object_get(p0, "histograms"), "latency_us");
	CHECK_INT_EQ(json_integer_value(json_object_get(lh, "count")), 2);
	CHECK_INT_EQ(json_integer_value(json_object_get(lh, "max")), 6);
	CHECK_INT_EQ(json_array_size(json_object_get(lh, "buckets")), STATS_HIST_N);
	json_t *p2 = json_array_get(procs, 2);
	CHECK(json_is_false(json_object_get(p2, "answered")));
	CHECK_STR_EQ(json_string_value(json_object_get(p2, "error")), "no answer in time");
	json_t *tot = json_object_get(json_object_get(j, "totals"), "frontd");
	CHECK_INT_EQ(json_integer_value(json_object_get(tot, "req_total")), 42);
	CHECK(json_object_get(tot, "conns_open") == NULL); /* gauges are not summed */
	json_decref(j);
	buf_fini(&b);
	for (int i = 0; i < 3; i++)
		stats_snap_fini(&e[i].snap);
}

static const struct test tests[] = {
        {"rate", t_rate},
        {"window", t_window},
        {"json", t_json},
};
TEST_MAIN(tests)
