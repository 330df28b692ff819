/*
 * test_front_statsock.c: a front's per-response accounting (by method, keep-alive reuse,
 * latency from the head's stamp to the write) and its stats reply, which must carry every
 * counter of front_stats.h.
 */
#include "frontd/front_statsock.h"

#include "shared/err.h"
#include "tests/harness.h"

/* Queues a bodiless 200 answering a request of method whose head came at head_us. */
static void
queue(struct respq *q, const struct respond_date *d, uint8_t method, int64_t head_us)
{
	uint32_t n0 = q->n;
	struct resp *r = respond_begin(q, 200, RESPOND_CONN_KEEP, d);
	CHECK(r != NULL);
	if (!r)
		return;
	respond_put_length(q, r, 0);
	respond_end_head(q, r);
	respond_commit(q, r);
	front_statsock_stamp(q, n0, method, head_us);
}

/* Writes everything queued, as a successful writev would. */
static void
written(struct respq *q, struct front_stats *st)
{
	size_t total = 0;
	struct iovec iov[RESPOND_IOV_MAX];
	respond_iov(q, iov, RESPOND_IOV_MAX, &total);
	respond_advance(q, total, st);
}

static void
t_count(void)
{
	static struct respq q;
	struct front_stats st = {0};
	struct respond_date d = {0};
	respond_date_update(&d, 1700000000);
	respond_reset(&q);
	int64_t t = stats_mono_us();
	queue(&q, &d, HTTP_GET, t - 300); /* ~300 us ago */
	queue(&q, &d, HTTP_HEAD, t);
	queue(&q, &d, HTTP_OTHER, 0); /* not timed */
	written(&q, &st);
	CHECK_INT_EQ(st.req_total, 3);
	CHECK_INT_EQ(st.req_get, 1);
	CHECK_INT_EQ(st.req_head, 1);
	CHECK_INT_EQ(st.req_other, 1);
	CHECK_INT_EQ(st.keepalive_reused, 2); /* the second and third on the connection */
	uint64_t timed = 0;
	for (int i = 0; i < STATS_HIST_N; i++)
		timed += st.latency_us.count[i];
	CHECK_INT_EQ(timed, 2);
	CHECK(st.latency_us.max >= 300 && st.latency_us.max < 1000000);
	CHECK(st.latency_us.sum >= 300);

	/* A later write on the same connection is reuse too; a new connection starts over. */
	queue(&q, &d, HTTP_GET, t);
	written(&q, &st);
	CHECK_INT_EQ(st.keepalive_reused, 3);
	respond_reset(&q);
	queue(&q, &d, HTTP_GET, t);
	written(&q, &st);
	CHECK_INT_EQ(st.keepalive_reused, 3);
	CHECK_INT_EQ(st.req_get, 3);

	/* A stamp only marks a response that was queued for the request. */
	uint32_t n0 = q.n;
	front_statsock_stamp(&q, n0, HTTP_HEAD, t);
	CHECK_INT_EQ(q.n, n0);
}

static void
t_fill(void)
{
	struct front_stats st = {0};
	uint64_t v = 1;
#define SET(f, k, d) st.f = v++;
	FRONT_STATS(SET)
#undef SET
	stats_hist_add(&st.latency_us, 42);
	struct stats_head hd = {STATS_PROC_FRONTD, "frontd.9", 99, 1, 2};
	struct buf b;
	buf_init(&b, 0);
	CHECK_INT_EQ(front_statsock_fill(&st, &hd, &b), 0);
	struct stats_snap s;
	CHECK_INT_EQ(stats_decode(buf_slice(&b), &s), 0);
	size_t n = 0;
#define CHECK_ONE(f, k, d)                                                  \
	do {                                                                \
		const struct stats_metric *m = stats_find(&s, #f);          \
		CHECK(m && m->value == st.f && m->kind == STATS_KIND_##k && \
		      slice_eq_str(m->doc, d));                             \
		n++;                                                        \
	} while (0);
	FRONT_STATS(CHECK_ONE)
#undef CHECK_ONE
	CHECK_INT_EQ(s.nm, n); /* every counter, nothing else */
	const struct stats_histo *h = stats_find_hist(&s, "latency_us");
	CHECK(h && h->total == 1 && h->max == 42 && slice_eq_str(h->unit, "us"));
	stats_snap_fini(&s);
	buf_fini(&b);
}

static const struct test tests[] = {
        {"count", t_count},
        {"fill", t_fill},
};
TEST_MAIN(tests)
