/*
 * test_viewmsg.c: the view batch and acknowledgement messages (events.h): round trips,
 * every truncation refused without reading past the end, foreign and malformed bytes,
 * the encoded size bound fronts size their buffers with, and a real nng request/reply hop
 * through the bus wrapper (bus_req_open / bus_rep_open).
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "shared/bus.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/events.h"
#include "tests/harness.h"

struct got {
	int n;
	uint64_t sum;
	char path[4][64];
	uint64_t count[4];
	int stop_at; /* return nonzero at this entry (0: never) */
};

static int
collect(void *arg, struct slice path, uint64_t count)
{
	struct got *g = arg;
	if (g->n < 4 && path.len < 64) {
		memcpy(g->path[g->n], path.ptr, path.len);
		g->path[g->n][path.len] = '\0';
		g->count[g->n] = count;
	}
	g->n++;
	g->sum += count;
	return g->stop_at && g->n == g->stop_at ? ERR_IO : 0;
}

/* Encodes a batch of the given paths with counts 1, 2, 3, ... */
static void
encode_batch(struct buf *b, uint64_t front_id, uint64_t seq, const char *const *paths, size_t n)
{
	struct event_views h = {front_id, seq, 19876, n};
	CHECK_INT_EQ(events_encode_views_head(b, &h), 0);
	for (size_t i = 0; i < n; i++)
		CHECK_INT_EQ(events_encode_views_entry(b, slice_str(paths[i]), i + 1), 0);
}

static void
t_batch_round_trip(void)
{
	const char *paths[] = {"/", "/guides/pushing", "/caf\xc3\xa9"};
	struct buf b;
	buf_init(&b, 0);
	encode_batch(&b, 0xfedcba9876543210ull, 77, paths, 3);
	int type = 0;
	CHECK_INT_EQ(events_peek_type(buf_slice(&b), &type), 0);
	CHECK_INT_EQ(type, EVENT_VIEWS);
	struct event_views h;
	struct got g = {0};
	CHECK_INT_EQ(events_decode_views(buf_slice(&b), &h, collect, &g), 0);
	CHECK(h.front_id == 0xfedcba9876543210ull);
	CHECK_INT_EQ(h.seq, 77);
	CHECK_INT_EQ(h.day, 19876);
	CHECK_INT_EQ(h.n, 3);
	CHECK_INT_EQ(g.n, 3);
	CHECK_STR_EQ(g.path[0], "/");
	CHECK_STR_EQ(g.path[2], "/caf\xc3\xa9");
	CHECK_INT_EQ(g.count[1], 2);
	CHECK_INT_EQ(g.sum, 6);

	/* A callback's nonzero result stops the walk and is returned. */
	struct got stop = {.stop_at = 2};
	CHECK_ERR(events_decode_views(buf_slice(&b), &h, collect, &stop), ERR_IO);
	CHECK_INT_EQ(stop.n, 2);

	/* An empty batch is valid. */
	buf_reset(&b);
	encode_batch(&b, 5, 1, NULL, 0);
	CHECK_INT_EQ(events_decode_views(buf_slice(&b), &h, collect, &g), 0);
	CHECK_INT_EQ(h.n, 0);
	buf_fini(&b);
}

static void
t_ack_round_trip(void)
{
	struct buf b;
	buf_init(&b, 0);
	CHECK_INT_EQ(events_encode_views_ack(&b, UINT64_MAX, 123456789, EVENT_VIEWS_DUPLICATE), 0);
	uint64_t id = 0, seq = 0;
	enum event_views_status st = EVENT_VIEWS_STORED;
	CHECK_INT_EQ(events_decode_views_ack(buf_slice(&b), &id, &seq, &st), 0);
	CHECK(id == UINT64_MAX);
	CHECK_INT_EQ(seq, 123456789);
	CHECK_INT_EQ(st, EVENT_VIEWS_DUPLICATE);
	/* An ack is not a batch, and the other way round. */
	struct event_views h;
	CHECK_ERR(events_decode_views(buf_slice(&b), &h, NULL, NULL), ERR_PROTO);
	CHECK_INT_EQ(h.front_id, 0);
	buf_reset(&b);
	encode_batch(&b, 1, 1, NULL, 0);
	CHECK_ERR(events_decode_views_ack(buf_slice(&b), &id, &seq, &st), ERR_PROTO);
	buf_fini(&b);
}

static void
t_truncation_and_foreign(void)
{
	const char *paths[] = {"/a", "/bb"};
	struct buf b;
	buf_init(&b, 0);
	encode_batch(&b, 9, 3, paths, 2);
	struct event_views h;
	for (size_t len = 0; len < b.len; len++) {
		void *base;
		size_t maplen;
		const uint8_t *g = test_guarded(b.ptr, len, &base, &maplen);
		if (events_decode_views((struct slice){g, len}, &h, NULL, NULL) == 0)
			CHECK_FAIL_("truncated batch of %zu bytes decoded", len);
		test_guarded_free(base, maplen);
	}
	struct buf a;
	buf_init(&a, 0);
	events_encode_views_ack(&a, 9, 3, EVENT_VIEWS_STORED);
	uint64_t id, seq;
	enum event_views_status st;
	for (size_t len = 0; len < a.len; len++) {
		void *base;
		size_t maplen;
		const uint8_t *g = test_guarded(a.ptr, len, &base, &maplen);
		if (events_decode_views_ack((struct slice){g, len}, &id, &seq, &st) == 0)
			CHECK_FAIL_("truncated ack of %zu bytes decoded", len);
		test_guarded_free(base, maplen);
	}
	CHECK_ERR(events_decode_views(SLICE_LIT("GET / HTTP/1.1\r\n"), &h, NULL, NULL), ERR_PROTO);
	CHECK_ERR(events_decode_views(SLICE_LIT("\x93\x01\x02\x03"), &h, NULL, NULL), ERR_VERSION);
	/* A newer version is refused as such. */
	b.ptr[6] = 9; /* [0x97, 0xce magic(4), version] */
	CHECK_ERR(events_decode_views(buf_slice(&b), &h, NULL, NULL), ERR_VERSION);
	a.ptr[6] = 9;
	CHECK_ERR(events_decode_views_ack(buf_slice(&a), &id, &seq, &st), ERR_VERSION);
	/* An unknown status is refused. */
	buf_reset(&a);
	events_encode_views_ack(&a, 9, 3, (enum event_views_status)7);
	CHECK_ERR(events_decode_views_ack(buf_slice(&a), &id, &seq, &st), ERR_PROTO);
	buf_fini(&a);
	buf_fini(&b);
}

/* Entries that break the rules make the whole batch ERR_PROTO, head still readable. */
static void
t_bad_entries(void)
{
	char longp[EVENT_VIEWS_PATH_MAX + 2];
	memset(longp, 'x', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	const char *bad[] = {"relative", "", longp};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		const char *paths[] = {"/ok", bad[i]};
		struct buf b;
		buf_init(&b, 0);
		encode_batch(&b, 42, 8, paths, 2);
		struct event_views h;
		struct got g = {0};
		CHECK_ERR(events_decode_views(buf_slice(&b), &h, collect, &g), ERR_PROTO);
		CHECK_INT_EQ(g.n, 0); /* nothing is handed out from a bad batch */
		CHECK_INT_EQ(h.front_id, 42);
		CHECK_INT_EQ(h.seq, 8);
		buf_fini(&b);
	}
	/* A zero count. */
	struct buf b;
	buf_init(&b, 0);
	struct event_views h = {1, 1, 1, 1};
	events_encode_views_head(&b, &h);
	events_encode_views_entry(&b, SLICE_LIT("/a"), 0);
	CHECK_ERR(events_decode_views(buf_slice(&b), &h, NULL, NULL), ERR_PROTO);
	/* A head announcing more entries than follow is a truncated message. */
	buf_reset(&b);
	h = (struct event_views){1, 1, 1, 3};
	events_encode_views_head(&b, &h);
	events_encode_views_entry(&b, SLICE_LIT("/a"), 1);
	CHECK_ERR(events_decode_views(buf_slice(&b), &h, NULL, NULL), ERR_PROTO);
	buf_fini(&b);
}

/*
 * Headers that announce far more than the message holds (an array of 2^32 entries, a map,
 * a string of 4 GB) are refused before msgpack-c would size memory from them.
 */
static void
t_forged_counts(void)
{
	static const uint8_t arr[] = {0x97, 0xce, 0x46, 0x4f, 0x4c, 0x56, 0x01, 0x02,
	                              0x01, 0x01, 0x01, 0xdd, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t map[] = {0xdf, 0x7f, 0xff, 0xff, 0xff, 0x01, 0x01};
	static const uint8_t str[] = {0x93, 0xce, 0x46, 0x4f, 0x4c, 0x56, 0xdb, 0xff, 0xff, 0xff};
	static const uint8_t nested[] = {0x91, 0x91, 0x91, 0xdc, 0xff, 0xff};
	static const uint8_t unused[] = {0x93, 0xc1, 0x01, 0x01};
	struct event_views h;
	int type;
	CHECK_ERR(events_decode_views((struct slice){arr, sizeof(arr)}, &h, NULL, NULL), ERR_PROTO);
	CHECK_ERR(events_peek_type((struct slice){map, sizeof(map)}, &type), ERR_PROTO);
	CHECK_ERR(events_peek_type((struct slice){str, sizeof(str)}, &type), ERR_PROTO);
	CHECK_ERR(events_peek_type((struct slice){nested, sizeof(nested)}, &type), ERR_PROTO);
	CHECK_ERR(events_peek_type((struct slice){unused, sizeof(unused)}, &type), ERR_PROTO);
	uint64_t gen;
	size_t n;
	CHECK_ERR(events_decode_inval((struct slice){arr, sizeof(arr)}, &gen, &n, NULL, NULL),
	          ERR_PROTO);
}

/* The bounds fronts use to size a batch buffer hold for the largest values. */
static void
t_size_bound(void)
{
	char p[EVENT_VIEWS_PATH_MAX + 1];
	memset(p, 'y', EVENT_VIEWS_PATH_MAX);
	p[0] = '/';
	p[EVENT_VIEWS_PATH_MAX] = '\0';
	struct buf b;
	buf_init(&b, 0);
	struct event_views h = {UINT64_MAX, UINT64_MAX, UINT32_MAX, UINT32_MAX};
	events_encode_views_head(&b, &h);
	CHECK(b.len <= EVENT_VIEWS_HEAD_MAX);
	size_t before = b.len;
	events_encode_views_entry(&b, slice_str(p), UINT64_MAX);
	CHECK(b.len - before <= EVENT_VIEWS_ENTRY_MAX + EVENT_VIEWS_PATH_MAX);
	before = b.len;
	events_encode_views_entry(&b, SLICE_LIT("/"), UINT64_MAX);
	CHECK(b.len - before <= EVENT_VIEWS_ENTRY_MAX + 1);
	/* A fixed buffer that is too small fails cleanly. */
	uint8_t small[20];
	struct buf f;
	buf_init_fixed(&f, small, sizeof(small));
	CHECK_ERR(events_encode_views_entry(&f, slice_str(p), 1), ERR_TOOBIG);
	buf_fini(&b);
}

static bool
wait_readable(int fd, int ms)
{
	struct pollfd p = {fd, POLLIN, 0};
	return poll(&p, 1, ms) > 0;
}

/* A batch over real nng req/rep sockets, then the answer back to the requester. */
static void
t_bus_request_reply(void)
{
	char dir[] = "/tmp/folio-viewmsg-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char url[128], path[96];
	snprintf(path, sizeof(path), "%s/views.sock", dir);
	snprintf(url, sizeof(url), "ipc://%s", path);
	struct bus *req = NULL, *rep = NULL;
	CHECK_INT_EQ(bus_req_open(&req, url), 0);
	/* No listener yet: a send is refused at once, never blocks. */
	CHECK_ERR(bus_send(req, SLICE_LIT("x")), ERR_AGAIN);
	CHECK_INT_EQ(bus_rep_open(&rep, url, 1 << 20), 0);
	int rfd = -1, qfd = -1;
	CHECK_INT_EQ(bus_recv_fd(rep, &rfd), 0);
	CHECK_INT_EQ(bus_recv_fd(req, &qfd), 0);

	const char *paths[] = {"/a"};
	struct buf b;
	buf_init(&b, 0);
	encode_batch(&b, 3, 1, paths, 1);
	int rc = ERR_AGAIN;
	for (int i = 0; i < 200 && rc == ERR_AGAIN; i++) {
		rc = bus_send(req, buf_slice(&b));
		if (rc == ERR_AGAIN)
			usleep(10000); /* the dial connects in the background */
	}
	CHECK_INT_EQ(rc, 0);
	CHECK(wait_readable(rfd, 2000));
	uint8_t m[256];
	size_t len = 0;
	CHECK_INT_EQ(bus_recv(rep, m, sizeof(m), &len), 0);
	struct event_views h;
	CHECK_INT_EQ(events_decode_views((struct slice){m, len}, &h, NULL, NULL), 0);
	CHECK_INT_EQ(h.seq, 1);

	/* Nothing has answered yet: a receive on the requester is ERR_AGAIN, harmlessly. */
	CHECK_ERR(bus_recv(req, m, sizeof(m), &len), ERR_AGAIN);
	buf_reset(&b);
	events_encode_views_ack(&b, h.front_id, h.seq, EVENT_VIEWS_STORED);
	CHECK_INT_EQ(bus_send(rep, buf_slice(&b)), 0);
	CHECK(wait_readable(qfd, 2000));
	CHECK_INT_EQ(bus_recv(req, m, sizeof(m), &len), 0);
	uint64_t id, seq;
	enum event_views_status st;
	CHECK_INT_EQ(events_decode_views_ack((struct slice){m, len}, &id, &seq, &st), 0);
	CHECK_INT_EQ(id, 3);
	CHECK_INT_EQ(st, EVENT_VIEWS_STORED);
	buf_fini(&b);
	bus_close(req);
	bus_close(rep);
	unlink(path);
	rmdir(dir);
}

static const struct test tests[] = {
        {"batch_round_trip", t_batch_round_trip},
        {"ack_round_trip", t_ack_round_trip},
        {"truncation_and_foreign", t_truncation_and_foreign},
        {"bad_entries", t_bad_entries},
        {"forged_counts", t_forged_counts},
        {"size_bound", t_size_bound},
        {"bus_request_reply", t_bus_request_reply},
};

TEST_MAIN(tests)
