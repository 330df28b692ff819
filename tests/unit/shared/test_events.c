/* Inter-process messages: msgpack round trips, refusal of foreign bytes, and a real
 * nng pub/sub hop through the bus wrapper. */
#include <poll.h>
#include <stdlib.h>
#include <time.h>

#include "shared/bus.h"
#include "shared/err.h"
#include "shared/events.h"
#include "tests/harness.h"

struct seen {
	int n;
	char paths[8][64];
};

static void
collect(void *arg, struct slice p)
{
	struct seen *s = arg;
	if (s->n < 8 && p.len < 64) {
		memcpy(s->paths[s->n], p.ptr, p.len);
		s->paths[s->n][p.len] = '\0';
	}
	s->n++;
}

static void
t_inval_round_trip(void)
{
	struct slice paths[] = {SLICE_LIT("/a"), SLICE_LIT("/notes/b c"), SLICE_LIT("")};
	struct buf b;
	buf_init(&b, 0);
	CHECK_INT_EQ(events_encode_inval(&b, 123456789012ull, paths, 3), 0);
	int type = 0;
	CHECK_INT_EQ(events_peek_type(buf_slice(&b), &type), 0);
	CHECK_INT_EQ(type, EVENT_INVAL);
	uint64_t gen = 0;
	size_t n = 0;
	struct seen s = {0};
	CHECK_INT_EQ(events_decode_inval(buf_slice(&b), &gen, &n, collect, &s), 0);
	CHECK_INT_EQ(gen, 123456789012ull);
	CHECK_INT_EQ(n, 3);
	CHECK_INT_EQ(s.n, 3);
	CHECK_STR_EQ(s.paths[1], "/notes/b c");
	CHECK_STR_EQ(s.paths[2], "");
	buf_fini(&b);
}

static void
t_refuses_foreign(void)
{
	uint64_t gen;
	size_t n;
	int type;
	CHECK_ERR(events_peek_type(SLICE_LIT(""), &type), ERR_PROTO);
	CHECK_ERR(events_peek_type(SLICE_LIT("\x93\x01\x02\x03"), &type), ERR_VERSION);
	CHECK_ERR(events_peek_type(SLICE_LIT("\xa3"
	                                     "abc"),
	                           &type),
	          ERR_PROTO);
	struct slice p = SLICE_LIT("/x");
	struct buf b;
	buf_init(&b, 0);
	events_encode_inval(&b, 1, &p, 1);
	/* Every truncation is refused without reading past the end. */
	for (size_t len = 0; len < b.len; len++) {
		void *base;
		size_t maplen;
		const uint8_t *g = test_guarded(b.ptr, len, &base, &maplen);
		if (events_decode_inval((struct slice){g, len}, &gen, &n, NULL, NULL) == 0)
			CHECK_FAIL_("truncated message of %zu bytes decoded", len);
		test_guarded_free(base, maplen);
	}
	/* A wrong version is ERR_VERSION. */
	b.ptr[6] = 9; /* [0x95, 0xce magic(4), version] */
	CHECK_ERR(events_decode_inval(buf_slice(&b), &gen, &n, NULL, NULL), ERR_VERSION);
	buf_fini(&b);
}

static void
t_bus_pub_sub(void)
{
	char url[128];
	snprintf(url, sizeof(url), "ipc:///tmp/folio-test-bus-%d.sock", (int)getpid());
	struct bus *pub, *sub;
	CHECK_INT_EQ(bus_sub_open(&sub, url), 0); /* dialling before the listener exists is fine */
	CHECK_INT_EQ(bus_pub_open(&pub, url), 0);
	int fd = -1;
	CHECK_INT_EQ(bus_recv_fd(sub, &fd), 0);
	uint8_t msg[256];
	size_t len = 0;
	CHECK_ERR(bus_recv(sub, msg, sizeof(msg), &len), ERR_AGAIN);
	/* Publish until the subscription is connected; bounded at 2 s. */
	struct slice p = SLICE_LIT("/hello");
	struct buf b;
	buf_init(&b, 0);
	events_encode_inval(&b, 42, &p, 1);
	int got = 0;
	for (int i = 0; i < 200 && !got; i++) {
		bus_send(pub, buf_slice(&b));
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (poll(&pfd, 1, 10) == 1 && bus_recv(sub, msg, sizeof(msg), &len) == 0)
			got = 1;
	}
	CHECK(got);
	uint64_t gen = 0;
	size_t n = 0;
	CHECK_INT_EQ(events_decode_inval((struct slice){msg, len}, &gen, &n, NULL, NULL), 0);
	CHECK_INT_EQ(gen, 42);
	bus_close(sub);
	bus_close(pub);
	buf_fini(&b);
}

static const struct test tests[] = {
        {"inval_round_trip", t_inval_round_trip},
        {"refuses_foreign", t_refuses_foreign},
        {"bus_pub_sub", t_bus_pub_sub},
};
TEST_MAIN(tests)
