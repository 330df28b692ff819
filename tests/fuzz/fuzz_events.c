/*
 * fuzz_events.c: libFuzzer target for shared/events.c, the messages between processes.
 * The input is one message as a socket would deliver it; every decoder runs on it. Slices
 * handed to callbacks must lie inside the input, a decoded view batch must obey its rules
 * (paths start with '/', counts >= 1), and a batch that decodes must survive re-encoding
 * unchanged. Any violation aborts.
 *
 * Build a campaign with clang: make fuzz-events, then
 *   build/fuzz/fuzz_events tests/fuzz/corpus/events
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "shared/buf.h"
#include "shared/err.h"
#include "shared/events.h"
#include "tests/fuzz/fuzz.h"

struct fuzz_ctx {
	const uint8_t *buf;
	size_t len;
	struct buf *re; /* re-encoded batch, or NULL */
	uint64_t views;
	size_t n;
};

static void
check_inside(const struct fuzz_ctx *x, struct slice s)
{
	if (s.len)
		FUZZ_CHECK(s.ptr >= x->buf && s.ptr + s.len <= x->buf + x->len);
}

static void
on_path(void *arg, struct slice p)
{
	check_inside(arg, p);
}

static int
on_view(void *arg, struct slice path, uint64_t count)
{
	struct fuzz_ctx *x = arg;
	check_inside(x, path);
	FUZZ_CHECK(path.len >= 1 && path.len <= EVENT_VIEWS_PATH_MAX && path.ptr[0] == '/');
	FUZZ_CHECK(count >= 1);
	x->views += count;
	x->n++;
	if (x->re)
		events_encode_views_entry(x->re, path, count);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p = malloc(size ? size : 1);
	FUZZ_CHECK(p != NULL);
	if (size)
		memcpy(p, data, size);
	struct slice msg = {p, size};
	struct fuzz_ctx x = {p, size, NULL, 0, 0};

	int type = 0;
	int rc = events_peek_type(msg, &type);
	FUZZ_CHECK(rc == 0 || rc == ERR_PROTO || rc == ERR_VERSION);

	uint64_t gen = 0;
	size_t npaths = 0;
	rc = events_decode_inval(msg, &gen, &npaths, on_path, &x);
	FUZZ_CHECK(rc == 0 || rc == ERR_PROTO || rc == ERR_VERSION);

	uint64_t id = 0, seq = 0;
	enum event_views_status st;
	rc = events_decode_views_ack(msg, &id, &seq, &st);
	FUZZ_CHECK(rc == 0 || rc == ERR_PROTO || rc == ERR_VERSION);
	if (rc == 0)
		FUZZ_CHECK(st == EVENT_VIEWS_STORED || st == EVENT_VIEWS_DUPLICATE ||
		           st == EVENT_VIEWS_REFUSED);

	struct buf re;
	buf_init(&re, 0);
	struct event_views h;
	rc = events_decode_views(msg, &h, NULL, NULL);
	FUZZ_CHECK(rc == 0 || rc == ERR_PROTO || rc == ERR_VERSION);
	if (rc == 0) {
		events_encode_views_head(&re, &h);
		x.re = &re;
		FUZZ_CHECK(events_decode_views(msg, &h, on_view, &x) == 0);
		FUZZ_CHECK(x.n == h.n);
		/* The re-encoded batch carries the same head and counts. */
		struct fuzz_ctx y = {re.ptr, re.len, NULL, 0, 0};
		struct event_views h2;
		FUZZ_CHECK(re.err == 0);
		FUZZ_CHECK(events_decode_views(buf_slice(&re), &h2, on_view, &y) == 0);
		FUZZ_CHECK(h2.front_id == h.front_id && h2.seq == h.seq && h2.day == h.day);
		FUZZ_CHECK(y.n == x.n && y.views == x.views);
	}
	buf_fini(&re);
	free(p);
	return 0;
}
