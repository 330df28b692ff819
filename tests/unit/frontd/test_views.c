/*
 * test_views.c: a front's view counter (frontd/views.h): counting into the bounded table,
 * batches sealed on a full table and on a new day, drops counted once the queue is full,
 * no allocation after views_init, a view counted only when its response is written in
 * full (respond.h), and stop-and-wait delivery against a real nng reply socket standing
 * in for ingestd: send, acknowledge, resend after the timeout, graceful stop.
 */
#include "frontd/views.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "frontd/respond.h"
#include "shared/bus.h"
#include "shared/config.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/events.h"
#include "tests/harness.h"

#define DAY0 (19876LL * 86400 + 3600) /* unix seconds, one hour into day 19876 */

/* ---- counting allocations on this thread ------------------------------------------------ */

static __thread volatile bool alloc_counting;
static __thread volatile unsigned long alloc_count;

/* Compilers know malloc reads no user memory: keep the flag's stores on their side of it. */
static void
alloc_count_on(bool on)
{
	__asm__ volatile("" ::: "memory");
	alloc_counting = on;
	__asm__ volatile("" ::: "memory");
}

#ifdef __SANITIZE_ADDRESS__
int __sanitizer_install_malloc_and_free_hooks(void (*m)(const volatile void *, size_t),
                                              void (*f)(const volatile void *));
static void
alloc_hook(const volatile void *p, size_t n)
{
	(void)p;
	(void)n;
	if (alloc_counting)
		alloc_count++;
}
static void
free_hook(const volatile void *p)
{
	(void)p;
}
static void
alloc_watch(void)
{
	static bool installed;
	if (!installed && !__sanitizer_install_malloc_and_free_hooks(alloc_hook, free_hook))
		CHECK_FAIL_("the sanitizer's malloc hook could not be installed");
	installed = true;
}
#else
void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);

void *
malloc(size_t n)
{
	if (alloc_counting)
		alloc_count++;
	return __libc_malloc(n);
}

void *
calloc(size_t n, size_t size)
{
	if (alloc_counting)
		alloc_count++;
	return __libc_calloc(n, size);
}

void *
realloc(void *p, size_t n)
{
	if (alloc_counting)
		alloc_count++;
	return __libc_realloc(p, n);
}

static void
alloc_watch(void)
{
}
#endif

/* ---- helpers ---------------------------------------------------------------------------- */

static void
cfg_make(struct config *c, int batch_max, int max_pending)
{
	char err[256], v[32];
	config_init(c);
	snprintf(v, sizeof(v), "%d", batch_max);
	config_set(c, "views_batch_max", v, err, sizeof(err));
	snprintf(v, sizeof(v), "%d", max_pending);
	config_set(c, "views_max_pending", v, err, sizeof(err));
	config_set(c, "views_flush_ms", "1000", err, sizeof(err));
	config_set(c, "views_resend_ms", "2000", err, sizeof(err));
}

struct sum {
	uint64_t views;
	size_t n;
	uint64_t count_of_a;     /* views of "/a" */
	uint64_t count_of_other; /* views of "/other" */
};

static int
sum_entry(void *arg, struct slice path, uint64_t count)
{
	struct sum *s = arg;
	s->views += count;
	s->n++;
	if (slice_eq_str(path, "/a"))
		s->count_of_a += count;
	if (slice_eq_str(path, "/other"))
		s->count_of_other += count;
	return 0;
}

/* Decodes the i-th queued batch (0 = oldest). */
static struct event_views
batch_at(const struct views *v, size_t i, struct sum *s)
{
	const struct views_batch *b = &v->q[(v->q_head + i) % v->max_pending];
	struct event_views h = {0};
	*s = (struct sum){0};
	CHECK_INT_EQ(events_decode_views((struct slice){b->msg, b->len}, &h, sum_entry, s), 0);
	CHECK_INT_EQ(h.seq, b->seq);
	CHECK_INT_EQ(s->views, b->views);
	return h;
}

static struct slice
path_n(char *buf, size_t cap, int i)
{
	int n = snprintf(buf, cap, "/notes/page-%d", i);
	return (struct slice){(const uint8_t *)buf, (size_t)n};
}

/* ---- tests ------------------------------------------------------------------------------ */

static void
t_no_alloc_after_init(void)
{
	struct config c;
	struct front_stats st = {0};
	struct views v;
	cfg_make(&c, 64, 4);
	alloc_watch();
	CHECK_INT_EQ(views_init(&v, &c, NULL, &st, 0, DAY0), 0);
	char p[64];
	alloc_count = 0;
	alloc_count_on(true);
	for (int i = 0; i < 100000; i++)
		views_count(&v, path_n(p, sizeof(p), i % 300));
	views_tick(&v, 5000, DAY0);
	alloc_count_on(false);
	CHECK_INT_EQ(alloc_count, 0);
	CHECK_INT_EQ(st.views_counted, 100000);
	CHECK(st.views_dropped > 0); /* 300 paths through a 64-path table and 4 batches */
	CHECK_INT_EQ(v.q_len, 4);

	/* The check itself can fail: an allocation in the window is seen. */
	alloc_count_on(true);
	void *volatile x = malloc(16);
	alloc_count_on(false);
	CHECK(alloc_count > 0);
	free(x);
	views_fini(&v);
	config_fini(&c);
}

static void
t_table_counts_and_seals(void)
{
	struct config c;
	struct front_stats st = {0};
	struct views v;
	cfg_make(&c, 4, 8);
	CHECK_INT_EQ(views_init(&v, &c, NULL, &st, 0, DAY0), 0);
	CHECK(v.front_id != 0);
	for (int i = 0; i < 5; i++)
		views_count(&v, SLICE_LIT("/a"));
	views_count(&v, SLICE_LIT("/b"));
	views_count(&v, SLICE_LIT("/c"));
	views_count(&v, SLICE_LIT("/d"));
	CHECK_INT_EQ(v.nents, 4);
	CHECK_INT_EQ(v.q_len, 0);
	/* A fifth path does not fit: the table becomes batch 1 and starts over. */
	views_count(&v, SLICE_LIT("/e"));
	CHECK_INT_EQ(v.q_len, 1);
	CHECK_INT_EQ(v.nents, 1);
	CHECK_INT_EQ(st.view_batches_pending, 1);
	struct sum s;
	struct event_views h = batch_at(&v, 0, &s);
	CHECK_INT_EQ(h.seq, 1);
	CHECK_INT_EQ(h.day, 19876);
	CHECK(h.front_id == v.front_id);
	CHECK_INT_EQ(s.n, 4);
	CHECK_INT_EQ(s.views, 8);
	CHECK_INT_EQ(s.count_of_a, 5);

	/* The flush interval seals what is counted; an empty table seals nothing. */
	views_tick(&v, 500, DAY0);
	CHECK_INT_EQ(v.q_len, 1);
	views_tick(&v, 1000, DAY0);
	CHECK_INT_EQ(v.q_len, 2);
	h = batch_at(&v, 1, &s);
	CHECK_INT_EQ(h.seq, 2);
	CHECK_INT_EQ(s.views, 1);
	views_tick(&v, 5000, DAY0);
	CHECK_INT_EQ(v.q_len, 2);

	/* A new UTC day seals the old day's views under the old day. */
	views_count(&v, SLICE_LIT("/a"));
	views_tick(&v, 5001, DAY0 + 86400);
	CHECK_INT_EQ(v.q_len, 3);
	h = batch_at(&v, 2, &s);
	CHECK_INT_EQ(h.day, 19876);
	CHECK_INT_EQ(v.day, 19877);
	views_count(&v, SLICE_LIT("/a"));
	CHECK(views_seal(&v));
	h = batch_at(&v, 3, &s);
	CHECK_INT_EQ(h.day, 19877);
	CHECK_INT_EQ(h.seq, 4);

	/* Keys the table cannot hold are dropped and counted. */
	char longkey[VIEWS_KEY_MAX + 2];
	memset(longkey, 'k', sizeof(longkey));
	longkey[0] = '/';
	views_count(&v, (struct slice){(const uint8_t *)longkey, sizeof(longkey)});
	views_count(&v, (struct slice){NULL, 0});
	views_count(&v, SLICE_LIT("relative"));
	CHECK_INT_EQ(st.views_dropped, 3);
	CHECK_INT_EQ(st.views_counted, 14);
	views_fini(&v);
	config_fini(&c);
}

static void
t_queue_full_drops(void)
{
	struct config c;
	struct front_stats st = {0};
	struct views v;
	cfg_make(&c, 2, 2);
	CHECK_INT_EQ(views_init(&v, &c, NULL, &st, 0, DAY0), 0);
	char p[64];
	for (int i = 0; i < 6; i++)
		views_count(&v, path_n(p, sizeof(p), i)); /* 2 batches of 2, then 2 in the table */
	CHECK_INT_EQ(v.q_len, 2);
	CHECK_INT_EQ(v.nents, 2);
	CHECK_INT_EQ(st.views_dropped, 0);
	/* Queue and table full: paths the table holds still count, new ones are dropped. */
	views_count(&v, path_n(p, sizeof(p), 4));
	views_count(&v, path_n(p, sizeof(p), 5));
	views_count(&v, path_n(p, sizeof(p), 99));
	CHECK_INT_EQ(st.views_dropped, 1);
	CHECK_INT_EQ(v.table_views, 4);
	CHECK(!views_seal(&v));
	views_tick(&v, 2000, DAY0); /* nothing to send to: still bounded */
	CHECK_INT_EQ(v.q_len, 2);
	CHECK_INT_EQ(st.views_counted, 9);
	/* What was never acknowledged is reported lost at the end. */
	views_fini(&v);
	CHECK_INT_EQ(st.views_dropped, 9);
	config_fini(&c);
}

static struct respq q;
static struct respond_date date;

/* A view is counted when its response is written in full, once, even after a trim. */
static void
t_counted_when_written(void)
{
	struct config c;
	struct front_stats st = {0};
	struct views v;
	cfg_make(&c, 16, 4);
	CHECK_INT_EQ(views_init(&v, &c, NULL, &st, 0, DAY0), 0);
	respond_reset(&q);
	q.views = &v;
	respond_date_update(&date, DAY0);
	struct resp *r = respond_begin(&q, 200, RESPOND_CONN_KEEP, &date);
	CHECK(respond_put(&q, r, "Content-Length: 4\r\n", 19) && respond_end_head(&q, r));
	CHECK(respond_body_map(&q, r, SLICE_LIT("BODY"), 4, SLICE_LIT("/page"),
	                       SLICE_LIT("\"t\"")));
	CHECK(respond_mark_view(&q, r, SLICE_LIT("/page")));
	respond_commit(&q, r);
	/* A 304 saves its own key; a plain answer is not a view. */
	r = respond_begin(&q, 304, RESPOND_CONN_KEEP, &date);
	CHECK(respond_end_head(&q, r));
	CHECK(respond_mark_view(&q, r, SLICE_LIT("/other")));
	respond_commit(&q, r);
	r = respond_begin(&q, 404, RESPOND_CONN_KEEP, &date);
	CHECK(respond_end_head(&q, r));
	respond_commit(&q, r);

	size_t first = q.r[0].head_len + 4;
	respond_advance(&q, first - 1, &st);
	CHECK_INT_EQ(st.views_counted, 0);
	respond_advance(&q, 1, &st);
	CHECK_INT_EQ(st.views_counted, 1);
	/* The 304 is cut short and trimmed: its key survives for when it is written. */
	respond_advance(&q, 2, &st);
	respond_trim(&q);
	CHECK_INT_EQ(q.n, 2);
	struct slice k = respond_key(&q, &q.r[1]);
	CHECK_MEM_STR(k.ptr, k.len, "/other");
	CHECK_INT_EQ(st.views_counted, 1);
	/* A response queued behind it must not overwrite the saved key. */
	r = respond_begin(&q, 404, RESPOND_CONN_KEEP, &date);
	CHECK(respond_end_head(&q, r));
	respond_commit(&q, r);
	respond_advance(&q, q.r[1].head_len - 2, &st);
	CHECK_INT_EQ(st.views_counted, 2);
	CHECK_INT_EQ(st.req_total, 2);
	CHECK(views_seal(&v));
	struct sum s;
	batch_at(&v, 0, &s);
	CHECK_INT_EQ(s.n, 2);
	CHECK_INT_EQ(s.views, 2);
	CHECK_INT_EQ(s.count_of_other, 1);
	views_fini(&v);
	config_fini(&c);
}

/* ---- delivery against a stand-in ingestd ------------------------------------------------ */

struct peer {
	char dir[64], path[96], url[128];
	struct bus *rep;
	int fd;
};

static bool
peer_open(struct peer *p)
{
	snprintf(p->dir, sizeof(p->dir), "/tmp/folio-views-XXXXXX");
	if (!mkdtemp(p->dir))
		return false;
	snprintf(p->path, sizeof(p->path), "%s/views.sock", p->dir);
	snprintf(p->url, sizeof(p->url), "ipc://%s", p->path);
	return bus_rep_open(&p->rep, p->url, 1 << 20) == 0 && bus_recv_fd(p->rep, &p->fd) == 0;
}

static void
peer_close(struct peer *p)
{
	bus_close(p->rep);
	unlink(p->path);
	rmdir(p->dir);
}

/* Receives one batch (waiting up to 2 s). */
static bool
peer_recv(struct peer *p, struct event_views *h, struct sum *s)
{
	struct pollfd pf = {p->fd, POLLIN, 0};
	uint8_t m[4096];
	size_t len;
	if (poll(&pf, 1, 2000) <= 0 || bus_recv(p->rep, m, sizeof(m), &len) != 0)
		return false;
	*s = (struct sum){0};
	return events_decode_views((struct slice){m, len}, h, sum_entry, s) == 0;
}

static void
peer_ack(struct peer *p, const struct event_views *h, enum event_views_status st)
{
	uint8_t m[64];
	struct buf b;
	buf_init_fixed(&b, m, sizeof(m));
	events_encode_views_ack(&b, h->front_id, h->seq, st);
	CHECK_INT_EQ(bus_send(p->rep, buf_slice(&b)), 0);
}

/* Lets the front take acknowledgements until the head batch changes (up to 2 s). */
static void
front_wait_ack(struct views *v, int64_t now, size_t want_pending)
{
	for (int i = 0; i < 200 && v->q_len != want_pending; i++) {
		struct pollfd pf = {v->fd, POLLIN, 0};
		poll(&pf, 1, 10);
		views_drain(v, now);
	}
}

/*
 * Ticks until the head batch is handed to the socket (up to 2 s of retries): a send can
 * find the connection busy for a moment (ERR_AGAIN), and the front then retries on a later
 * tick, which a test must advance the clock for.
 */
static void
front_send(struct views *v, int64_t *now)
{
	for (int i = 0; i < 200 && !v->inflight; i++) {
		views_tick(v, *now, DAY0);
		if (!v->inflight) {
			usleep(10000);
			*now += VIEWS_RETRY_MS;
		}
	}
}

static void
t_delivery(void)
{
	struct peer p;
	CHECK(peer_open(&p));
	struct config c;
	struct front_stats st = {0};
	struct views v;
	cfg_make(&c, 16, 4);
	int64_t now = 1000;
	CHECK_INT_EQ(views_init(&v, &c, p.url, &st, now, DAY0), 0);
	CHECK(v.fd >= 0);
	views_count(&v, SLICE_LIT("/a"));
	views_count(&v, SLICE_LIT("/a"));
	CHECK(views_seal(&v));
	views_count(&v, SLICE_LIT("/b"));
	CHECK(views_seal(&v));
	CHECK_INT_EQ(v.q_len, 2);

	/* Only the oldest batch goes out. */
	front_send(&v, &now);
	CHECK(v.inflight);
	CHECK_INT_EQ(st.view_batches_sent, 1);
	struct event_views h;
	struct sum s;
	CHECK(peer_recv(&p, &h, &s));
	CHECK_INT_EQ(h.seq, 1);
	CHECK_INT_EQ(s.count_of_a, 2);
	views_tick(&v, now + 10, DAY0);
	CHECK_INT_EQ(st.view_batches_sent, 1);

	/* No answer within views_resend_ms: the same batch goes out again. */
	now += c.views_resend_ms;
	views_tick(&v, now, DAY0);
	front_send(&v, &now);
	CHECK_INT_EQ(st.view_resends, 1);
	CHECK(peer_recv(&p, &h, &s));
	CHECK_INT_EQ(h.seq, 1);
	/* The acknowledgement lets the next one go at once. */
	peer_ack(&p, &h, EVENT_VIEWS_STORED);
	front_wait_ack(&v, now, 1);
	CHECK_INT_EQ(st.view_batches_acked, 1);
	CHECK_INT_EQ(v.q_len, 1);
	front_send(&v, &now);
	CHECK(peer_recv(&p, &h, &s));
	CHECK_INT_EQ(h.seq, 2);
	CHECK_INT_EQ(s.views, 1);

	/* An ack for another front or another seq changes nothing. */
	struct event_views other = h;
	other.front_id ^= 1;
	peer_ack(&p, &other, EVENT_VIEWS_STORED);
	for (int i = 0; i < 20; i++) {
		usleep(5000);
		views_drain(&v, now);
	}
	CHECK_INT_EQ(v.q_len, 1);
	CHECK_INT_EQ(st.view_batches_acked, 1);

	/* A refused batch is dropped for good and its views counted as dropped. */
	now += c.views_resend_ms;
	views_tick(&v, now, DAY0);
	front_send(&v, &now);
	CHECK(peer_recv(&p, &h, &s));
	peer_ack(&p, &h, EVENT_VIEWS_REFUSED);
	front_wait_ack(&v, now, 0);
	CHECK_INT_EQ(v.q_len, 0);
	CHECK_INT_EQ(st.views_dropped, 1);
	CHECK_INT_EQ(st.view_batches_pending, 0);

	/* Graceful stop: the table is sealed and sent; done once it is acknowledged. */
	views_count(&v, SLICE_LIT("/c"));
	views_stop(&v, now);
	CHECK(!views_done(&v, now));
	front_send(&v, &now);
	CHECK(peer_recv(&p, &h, &s));
	CHECK_INT_EQ(h.seq, 3);
	peer_ack(&p, &h, EVENT_VIEWS_DUPLICATE);
	front_wait_ack(&v, now, 0);
	CHECK(views_done(&v, now));
	views_fini(&v);
	CHECK_INT_EQ(st.views_dropped, 1);
	config_fini(&c);
	peer_close(&p);
}

/* With nobody answering, a stop gives up after VIEWS_STOP_MS and reports the loss. */
static void
t_stop_gives_up(void)
{
	struct config c;
	struct front_stats st = {0};
	struct views v;
	cfg_make(&c, 16, 4);
	CHECK_INT_EQ(views_init(&v, &c, "ipc:///nonexistent/folio/views.sock", &st, 0, DAY0), 0);
	views_count(&v, SLICE_LIT("/a"));
	views_stop(&v, 100);
	CHECK_INT_EQ(v.q_len, 1);
	CHECK(!views_done(&v, 100 + VIEWS_STOP_MS - 1));
	CHECK(views_done(&v, 100 + VIEWS_STOP_MS));
	CHECK_INT_EQ(views_deadline(&v) <= 100 + VIEWS_STOP_MS, 1);
	views_fini(&v);
	CHECK_INT_EQ(st.views_dropped, 1);
	config_fini(&c);
}

static const struct test tests[] = {
        {"no_alloc_after_init", t_no_alloc_after_init},
        {"table_counts_and_seals", t_table_counts_and_seals},
        {"queue_full_drops", t_queue_full_drops},
        {"counted_when_written", t_counted_when_written},
        {"delivery", t_delivery},
        {"stop_gives_up", t_stop_gives_up},
};

TEST_MAIN(tests)
