/*
 * test_live.c: live-reload streams against a real page store in a temp dir, with socket
 * pairs standing in for readers: the stream's head and hello, query checks, fan-out only
 * to the readers of a changed page and only when its ETag changed, catch-up through since=,
 * dropping a reader that stopped reading, keep-alives, live_max, resyncs after lost
 * events, readers leaving, and a graceful stop.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frontd/conn.h"
#include "frontd/frontd.h"
#include "frontd/live.h"
#include "frontd/serve.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/pagefmt.h"
#include "shared/store.h"
#include "tests/harness.h"

#define CAP 4

static struct frontd fd;
static char dir[512];
static char got[16384];

/* Writes /a, /b and the private /priv with the given bodies, at generation gen. */
static void
write_pages(const char *a, const char *b, uint64_t gen)
{
	struct store_wtxn *t;
	CHECK_INT_EQ(store_write_begin(fd.store, &t), 0);
	const char *keys[] = {"/a", "/b", "/priv"};
	const char *bodies[] = {a, b, "secret"};
	for (int i = 0; i < 3; i++) {
		struct page_input in = {.status = 200,
		                        .flags = PAGE_NOTE | (i == 2 ? PAGE_PRIVATE : 0),
		                        .gen = gen,
		                        .mtime = 1000,
		                        .content_type = "text/html; charset=utf-8",
		                        .body = slice_str(bodies[i])};
		struct buf rec;
		buf_init(&rec, 0);
		CHECK_INT_EQ(page_encode(&in, &rec), 0);
		CHECK_INT_EQ(store_put(t, slice_str(keys[i]), buf_slice(&rec)), 0);
		buf_fini(&rec);
	}
	CHECK_INT_EQ(store_set_gen(t, gen), 0);
	CHECK_INT_EQ(store_write_commit(t), 0);
}

static void
t_setup(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/folio-test-live-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	CHECK(mkdtemp(dir) != NULL);
	memset(&fd, 0, sizeof(fd));
	fd.lfd = fd.sigfd = -1;
	fd.epfd = epoll_create1(EPOLL_CLOEXEC);
	CHECK(fd.epfd >= 0);
	CHECK_INT_EQ(conn_pool_init(&fd.pool, 16), 0);
	CHECK_INT_EQ(live_init(&fd.live, true, CAP, 0), 0);
	CHECK_INT_EQ(fd.live.cap, CAP);
	CHECK_INT_EQ(store_open(&fd.store, dir, STORE_WRITER, 16 << 20, 16), 0);
	respond_date_update(&fd.date, 784111777);
	fd.now_ms = 100000;
	write_pages("A1", "B1", 1);
}

/*
 * Sends one request head on a fresh connection (a socket pair: the front's end becomes
 * c->fd) and serves it. Returns the reader's end (non-blocking), or -1.
 */
static int
request(const char *raw, struct conn **out)
{
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0);
	struct conn *c = conn_pool_get(&fd.pool);
	CHECK(c != NULL);
	c->fd = sv[0];
	CHECK_INT_EQ(loop_watch(fd.epfd, c->fd, EPOLLIN, &c->src), 0);
	c->watch = EPOLLIN;
	fd.stats.conns_open++;
	size_t scanned = 0;
	int rc = http_parse_head((const uint8_t *)raw, strlen(raw), &scanned, &fd.req);
	CHECK(rc > 0);
	if (rc <= 0)
		printf("    request: %s\n", raw);
	CHECK_INT_EQ(serve_request(&fd, c, &fd.req, (uint32_t)rc), 0);
	if (fd.store)
		store_read_end(fd.store);
	*out = c;
	return sv[1];
}

/* Opens a stream with query q ("path=/a"); returns the reader's end. */
static int
subscribe(const char *q)
{
	char raw[1024];
	snprintf(raw, sizeof(raw), "GET /_folio/live?%s HTTP/1.1\r\nHost: x\r\n\r\n", q);
	struct conn *c;
	int r = request(raw, &c);
	CHECK(c->state == CONN_CLOSING); /* the socket moved on to the stream */
	CHECK(c->fd == -1);
	conn_reap(&fd);
	return r;
}

/* Reads what the reader has been sent so far into got[] (NUL-terminated). */
static const char *
drain(int r)
{
	size_t n = 0;
	for (;;) {
		ssize_t k = read(r, got + n, sizeof(got) - 1 - n);
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	got[n] = '\0';
	return got;
}

/* True when the reader sees end of stream. */
static bool
ended(int r)
{
	char c;
	return read(r, &c, 1) == 0;
}

/* Ends the current loop iteration the way the event loop does. */
static void
end_iteration(void)
{
	if (fd.store)
		store_read_end(fd.store);
	conn_reap(&fd);
	live_tick(&fd);
}

static void
t_hello(void)
{
	int r = subscribe("path=/a");
	const char *s = drain(r);
	CHECK(strncmp(s, "HTTP/1.1 200 OK\r\n", 17) == 0);
	CHECK(strstr(s, "Content-Type: text/event-stream\r\n") != NULL);
	CHECK(strstr(s, "Cache-Control: no-store\r\n") != NULL);
	CHECK(strstr(s, "Content-Length") == NULL);
	CHECK(strstr(s, "\r\n\r\nretry: 5000\n\nevent: hello\nid: 1\ndata: "
	                "{\"gen\":1,\"path\":\"/a\",\"etag\":\"\\\"") != NULL);
	CHECK(strstr(s, "\\\"\"}\n\n") != NULL);
	CHECK(strstr(s, "event: push") == NULL);
	CHECK_INT_EQ(fd.live.open, 1);
	CHECK_INT_EQ(fd.stats.live_open, 1);
	CHECK_INT_EQ(fd.stats.live_accepted, 1);
	CHECK_INT_EQ(fd.stats.conns_open, 0); /* no longer a connection of the pool */
	CHECK_INT_EQ(fd.pool.open, 0);
	CHECK(!ended(r));
	live_stop(&fd);
	CHECK(ended(r));
	CHECK_INT_EQ(fd.live.open, 0);
	close(r);
	end_iteration();
}

/* Queues q's response to raw and returns what would be written. */
static const char *
answer(const char *raw)
{
	struct conn *c;
	int r = request(raw, &c);
	struct iovec iov[RESPOND_IOV_MAX];
	size_t total, n = respond_iov(&c->q, iov, RESPOND_IOV_MAX, &total);
	size_t len = 0;
	for (size_t i = 0; i < n && len + iov[i].iov_len < sizeof(got); i++) {
		memcpy(got + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	got[len] = '\0';
	CHECK(c->q.close_after);
	conn_close(&fd, c);
	conn_reap(&fd);
	close(r);
	return got;
}

static void
t_bad_queries(void)
{
	CHECK(strstr(answer("GET /_folio/live HTTP/1.1\r\nHost: x\r\n\r\n"), "HTTP/1.1 400 ") !=
	      NULL);
	CHECK(strstr(answer("GET /_folio/live?since=3 HTTP/1.0\r\n\r\n"), " 400 ") != NULL);
	CHECK(strstr(answer("GET /_folio/live?path=a HTTP/1.0\r\n\r\n"), " 400 ") != NULL);
	CHECK(strstr(answer("GET /_folio/live?path=/%zz HTTP/1.0\r\n\r\n"), " 400 ") != NULL);
	CHECK(strstr(answer("GET /_folio/live?path=/%2 HTTP/1.0\r\n\r\n"), " 400 ") != NULL);
	CHECK(strstr(answer("GET /_folio/live?path=/%2e%2e%2f.. HTTP/1.0\r\n\r\n"), " 400 ") !=
	      NULL);
	CHECK(strstr(answer("GET /_folio/live?path=/%2500 HTTP/1.0\r\n\r\n"), " 400 ") != NULL);
	char big[1024] = "GET /_folio/live?path=/";
	memset(big + strlen(big), 'a', 600); /* longer than any page key */
	strcpy(big + strlen(big), " HTTP/1.0\r\n\r\n");
	CHECK(strstr(answer(big), " 400 ") != NULL);
	const char *h = answer("HEAD /_folio/live?path=/a HTTP/1.0\r\n\r\n");
	CHECK(strncmp(h, "HTTP/1.1 200 OK\r\n", 17) == 0);
	CHECK(strstr(h, "Content-Type: text/event-stream\r\n") != NULL);
	CHECK(strstr(h, "event:") == NULL);
	CHECK_INT_EQ(fd.live.open, 0);
	/* Other spellings of the endpoint are ordinary (missing) pages. */
	CHECK(strstr(answer("GET /_folio/live/ HTTP/1.0\r\n\r\n"), " 404 ") != NULL);
}

static void
t_paths_normalised(void)
{
	int r1 = subscribe("path=%2Fa");
	CHECK(strstr(drain(r1), "\"path\":\"/a\"") != NULL);
	int r2 = subscribe("x=1&path=/b/../a/&y");
	CHECK(strstr(drain(r2), "\"path\":\"/a\"") != NULL);
	/* Quotes, backslashes and control bytes are escaped in the JSON. */
	int r3 = subscribe("path=/q%2522%255C%2501");
	CHECK(strstr(drain(r3), "\"path\":\"/q\\\"\\\\\\u0001\"") != NULL);
	live_stop(&fd);
	close(r1);
	close(r2);
	close(r3);
	end_iteration();
}

static void
t_fanout(void)
{
	int a1 = subscribe("path=/a"), a2 = subscribe("path=/a"), b = subscribe("path=/b");
	drain(a1);
	drain(a2);
	drain(b);
	uint64_t pushes = fd.stats.live_pushes;

	write_pages("A2", "B1", 2);
	live_on_path(&fd, 2, SLICE_LIT("/a"));
	live_on_path(&fd, 2, SLICE_LIT("/b")); /* written again, but the same bytes */
	live_on_path(&fd, 2, SLICE_LIT("/nobody"));
	live_on_event(&fd, 2);
	end_iteration();
	const char *want = "event: push\nid: 2\ndata: {\"gen\":2,\"paths\":[\"/a\"]}\n\n";
	CHECK_STR_EQ(drain(a1), want);
	CHECK_STR_EQ(drain(a2), want);
	CHECK_STR_EQ(drain(b), "");
	CHECK_INT_EQ(fd.stats.live_pushes, pushes + 2);

	/* The same event again (or a push that did not change /a): nobody hears twice. */
	live_on_path(&fd, 2, SLICE_LIT("/a"));
	CHECK_STR_EQ(drain(a1), "");

	write_pages("A2", "B3", 3);
	live_on_path(&fd, 3, SLICE_LIT("/a"));
	live_on_path(&fd, 3, SLICE_LIT("/b"));
	live_on_event(&fd, 3);
	end_iteration();
	CHECK_STR_EQ(drain(a1), "");
	CHECK_STR_EQ(drain(b), "event: push\nid: 3\ndata: {\"gen\":3,\"paths\":[\"/b\"]}\n\n");
	CHECK_INT_EQ(fd.stats.live_resyncs, 0);

	/* A reader that leaves is noticed through epoll and closed. */
	close(a2);
	struct epoll_event ev[8];
	int n = epoll_wait(fd.epfd, ev, 8, 1000);
	CHECK(n >= 1);
	for (int i = 0; i < n; i++)
		live_event(&fd,
		           container_of((struct loop_src *)ev[i].data.ptr, struct live_sub, src),
		           ev[i].events);
	CHECK_INT_EQ(fd.live.open, 2);
	end_iteration();
	live_stop(&fd);
	close(a1);
	close(b);
	end_iteration();
}

static void
t_catch_up(void)
{
	/* The store is at 3: /a was last written at 2, /b at 3. */
	int r = subscribe("path=/a&since=1");
	CHECK(strstr(drain(r), "event: push\nid: 3\ndata: {\"gen\":3,\"paths\":[\"/a\"]}") != NULL);
	int r2 = subscribe("path=/a&since=3");
	CHECK(strstr(drain(r2), "event: push") == NULL);
	int r3 = subscribe("path=/b&since=zz"); /* not a number: no catch-up */
	CHECK(strstr(drain(r3), "event: push") == NULL);
	live_stop(&fd);
	close(r);
	close(r2);
	close(r3);
	end_iteration();

	/* Last-Event-ID counts when since= is absent. A missing or private page that may
	 * have gone since then is a change too. */
	struct conn *c;
	r = request("GET /_folio/live?path=/b HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 2\r\n\r\n", &c);
	conn_reap(&fd);
	CHECK(strstr(drain(r), "\"paths\":[\"/b\"]") != NULL);
	r2 = subscribe("path=/priv&since=2");
	CHECK(strstr(drain(r2), "\"paths\":[\"/priv\"]") != NULL);
	r3 = subscribe("path=/gone&since=3");
	CHECK(strstr(drain(r3), "event: push") == NULL);
	/* A generation from the future: the store was replaced. */
	int r4 = subscribe("path=/a&since=99");
	CHECK(strstr(drain(r4), "event: push") != NULL);
	live_stop(&fd);
	close(r);
	close(r2);
	close(r3);
	close(r4);
	end_iteration();

	/* etag= is exact: /a was written again at 3 with the bytes of 2, which since= cannot
	 * tell from a change, but the ETag can. */
	r = subscribe("path=/a");
	const char *e = strstr(drain(r), "\"etag\":\"\\\"");
	CHECK(e != NULL);
	char q[256] = "path=/a&since=1&etag=%22", *o = q + strlen(q);
	for (e = e ? e + 10 : "x"; *e && *e != '\\' && o < q + sizeof(q) - 8; e++)
		*o++ = *e;
	strcpy(o, "%22");
	r2 = subscribe(q);
	CHECK(strstr(drain(r2), "event: push") == NULL);
	r3 = subscribe("path=/a&etag=%22000%22");
	CHECK(strstr(drain(r3), "event: push") != NULL);
	r4 = subscribe("path=/gone&etag="); /* no page then, none now */
	CHECK(strstr(drain(r4), "\"etag\":\"\"") != NULL);
	CHECK(strstr(got, "event: push") == NULL);
	live_stop(&fd);
	close(r);
	close(r2);
	close(r3);
	close(r4);
	end_iteration();
	r = subscribe("path=/a&etag="); /* a page where the reader saw none */
	CHECK(strstr(drain(r), "event: push") != NULL);
	live_stop(&fd);
	close(r);
	end_iteration();
}

static void
t_full_socket_dropped(void)
{
	int slow = subscribe("path=/a"), ok = subscribe("path=/a");
	drain(slow);
	drain(ok);
	/* Fill the slow reader's socket from the front's end: it never reads. */
	struct live_sub *s = fd.live.khead;
	CHECK(s != NULL && s->fd >= 0);
	char junk[4096];
	memset(junk, 'x', sizeof(junk));
	while (send(s->fd, junk, sizeof(junk), MSG_DONTWAIT) > 0)
		;
	uint64_t dropped = fd.stats.live_dropped;
	write_pages("A4", "B3", 4);
	live_on_path(&fd, 4, SLICE_LIT("/a"));
	live_on_event(&fd, 4);
	live_tick(&fd);
	CHECK_INT_EQ(fd.stats.live_dropped, dropped + 1);
	CHECK_INT_EQ(fd.live.open, 1);
	CHECK(strstr(drain(ok), "\"gen\":4") != NULL);
	end_iteration();
	live_stop(&fd);
	close(slow);
	close(ok);
	end_iteration();
}

static void
t_keepalive(void)
{
	int r1 = subscribe("path=/a");
	fd.now_ms += 10;
	int r2 = subscribe("path=/b");
	drain(r1);
	drain(r2);
	fd.live.keepalive_ms = 1000;
	live_tick(&fd);
	CHECK_STR_EQ(drain(r1), "");
	CHECK_INT_EQ(fd.live.wake_at, fd.now_ms - 10 + 1000);
	fd.now_ms += 995; /* r1 is due, r2 not yet */
	live_tick(&fd);
	CHECK_STR_EQ(drain(r1), ":\n\n");
	CHECK_STR_EQ(drain(r2), "");
	fd.now_ms += 10;
	live_tick(&fd);
	CHECK_STR_EQ(drain(r1), "");
	CHECK_STR_EQ(drain(r2), ":\n\n");
	/* An event counts as traffic: no keep-alive right after it. */
	fd.now_ms += 500;
	write_pages("A5", "B3", 5);
	live_on_path(&fd, 5, SLICE_LIT("/a"));
	live_on_event(&fd, 5);
	live_tick(&fd);
	CHECK(strstr(drain(r1), "event: push") != NULL);
	fd.now_ms += 600;
	live_tick(&fd);
	CHECK_STR_EQ(drain(r2), ":\n\n");
	CHECK_STR_EQ(drain(r1), "");
	fd.live.keepalive_ms = LIVE_KEEPALIVE_MS;
	live_stop(&fd);
	close(r1);
	close(r2);
	end_iteration();
}

static void
t_send_queue(void)
{
	int r1 = subscribe("path=/a"), r2 = subscribe("path=/a"), r3 = subscribe("path=/b");
	drain(r1);
	drain(r2);
	drain(r3);
	fd.live.send_step = 1;
	/* Two pushes before the loop gets to write: each reader is told once, of the newest. */
	write_pages("A10", "B10", 10);
	live_on_path(&fd, 10, SLICE_LIT("/a"));
	live_on_path(&fd, 10, SLICE_LIT("/b"));
	live_on_event(&fd, 10);
	write_pages("A11", "B10", 11);
	live_on_path(&fd, 11, SLICE_LIT("/a"));
	live_on_event(&fd, 11);
	CHECK_INT_EQ(fd.live.wake_at, fd.now_ms); /* the loop comes back at once */
	CHECK_STR_EQ(drain(r1), "");
	live_tick(&fd); /* one event per iteration here */
	const char *want = "event: push\nid: 11\ndata: {\"gen\":11,\"paths\":[\"/a\"]}\n\n";
	bool got1 = strcmp(drain(r1), want) == 0;
	bool got2 = strcmp(drain(r2), want) == 0;
	CHECK(got1 != got2); /* exactly one of the two readers of /a so far */
	CHECK_INT_EQ(fd.live.wake_at, fd.now_ms);
	/* The other, still queued, leaves: it is taken out of the queue. */
	int left = got1 ? r2 : r1, stays = got1 ? r1 : r2;
	struct live_sub *q = fd.live.qhead;
	CHECK(q != NULL && q->path[1] == 'a');
	close(left);
	if (q)
		live_event(&fd, q, EPOLLIN | EPOLLRDHUP);
	live_tick(&fd);
	CHECK_STR_EQ(drain(r3), "event: push\nid: 10\ndata: {\"gen\":10,\"paths\":[\"/b\"]}\n\n");
	CHECK(fd.live.qhead == NULL);
	live_tick(&fd);
	CHECK_STR_EQ(drain(stays), "");
	fd.live.send_step = LIVE_SEND_STEP;
	live_stop(&fd);
	close(stays);
	close(r3);
	end_iteration();
}

static void
t_live_max(void)
{
	int r[CAP];
	for (int i = 0; i < CAP; i++)
		r[i] = subscribe("path=/a");
	CHECK_INT_EQ(fd.live.open, CAP);
	uint64_t rejected = fd.stats.live_rejected;
	const char *s = answer("GET /_folio/live?path=/a HTTP/1.0\r\n\r\n");
	CHECK(strncmp(s, "HTTP/1.1 503 ", 13) == 0);
	CHECK(strstr(s, "Retry-After: 5\r\n") != NULL);
	CHECK_INT_EQ(fd.stats.live_rejected, rejected + 1);
	/* A slot freed by a reader who left is reused after the iteration. */
	live_stop(&fd);
	for (int i = 0; i < CAP; i++)
		close(r[i]);
	end_iteration();
	int again = subscribe("path=/a");
	CHECK_INT_EQ(fd.live.open, 1);
	CHECK(fd.live.fresh <= CAP);
	/* A stopping front sends readers elsewhere. */
	fd.stopping = true;
	CHECK(strncmp(answer("GET /_folio/live?path=/a HTTP/1.0\r\n\r\n"), "HTTP/1.1 503 ", 13) ==
	      0);
	fd.stopping = false;
	live_stop(&fd);
	close(again);
	end_iteration();
}

static void
t_resync(void)
{
	int a = subscribe("path=/a"), b = subscribe("path=/b");
	drain(a);
	drain(b);
	CHECK_INT_EQ(fd.live.gen, 5);
	/* Generation 6 changes /b, but its event is lost; 7 changes nothing we watch. */
	write_pages("A5", "B6", 6);
	write_pages("A5", "B6", 7);
	uint64_t resyncs = fd.stats.live_resyncs;
	live_on_event(&fd, 7); /* 6 was skipped: ask the store */
	CHECK_INT_EQ(fd.stats.live_resyncs, resyncs + 1);
	CHECK(fd.live.resync);
	CHECK_INT_EQ(fd.live.wake_at, fd.now_ms);
	live_tick(&fd);
	CHECK(!fd.live.resync);
	CHECK_STR_EQ(drain(b), "event: push\nid: 7\ndata: {\"gen\":7,\"paths\":[\"/b\"]}\n\n");
	CHECK_STR_EQ(drain(a), "");

	/* No event at all for 8: the periodic check notices the store moved ahead, waits one
	 * more check for the event, then resyncs. */
	write_pages("A8", "B6", 8);
	fd.now_ms = fd.live.check_at;
	live_tick(&fd);
	CHECK_STR_EQ(drain(a), "");
	CHECK_INT_EQ(fd.live.lag_gen, 8);
	resyncs = fd.stats.live_resyncs;
	fd.now_ms = fd.live.check_at;
	live_tick(&fd);
	CHECK_INT_EQ(fd.stats.live_resyncs, resyncs + 1);
	CHECK(!fd.live.resync); /* two streams: done within the same iteration */
	CHECK_STR_EQ(drain(a), "event: push\nid: 8\ndata: {\"gen\":8,\"paths\":[\"/a\"]}\n\n");
	CHECK_INT_EQ(fd.live.gen, 8);
	/* An event that arrives between two checks settles the lag without a resync. */
	write_pages("A9", "B6", 9);
	fd.now_ms = fd.live.check_at;
	live_tick(&fd);
	live_on_path(&fd, 9, SLICE_LIT("/a"));
	live_on_event(&fd, 9);
	resyncs = fd.stats.live_resyncs;
	fd.now_ms = fd.live.check_at;
	live_tick(&fd);
	CHECK(!fd.live.resync);
	CHECK_INT_EQ(fd.stats.live_resyncs, resyncs);
	CHECK(strstr(drain(a), "\"gen\":9") != NULL);
	live_stop(&fd);
	close(a);
	close(b);
	end_iteration();
}

static void
t_disabled(void)
{
	struct live off;
	CHECK_INT_EQ(live_init(&off, false, 100, 0), 0);
	CHECK(!live_is_endpoint(&off, SLICE_LIT(LIVE_ENDPOINT)));
	live_fini(&off);
	CHECK(live_is_endpoint(&fd.live, SLICE_LIT(LIVE_ENDPOINT)));
	CHECK(!live_is_endpoint(&fd.live, SLICE_LIT("/_folio/live2")));
	/* A descriptor limit too small for live_max lowers it. */
	struct live tight;
	CHECK_INT_EQ(live_init(&tight, true, (size_t)1 << 30, 0), 0);
	CHECK(tight.cap < ((size_t)1 << 30));
	live_fini(&tight);
}

static void
t_teardown(void)
{
	live_fini(&fd.live);
	conn_pool_fini(&fd.pool);
	store_close(fd.store);
	fd.store = NULL;
	close(fd.epfd);
	char path[600];
	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/lock.mdb", dir);
	unlink(path);
	CHECK(rmdir(dir) == 0);
}

static const struct test tests[] = {
        {"setup", t_setup},
        {"hello", t_hello},
        {"bad_queries", t_bad_queries},
        {"paths_normalised", t_paths_normalised},
        {"fanout", t_fanout},
        {"catch_up", t_catch_up},
        {"full_socket_dropped", t_full_socket_dropped},
        {"keepalive", t_keepalive},
        {"live_max", t_live_max},
        {"resync", t_resync},
        {"send_queue", t_send_queue},
        {"disabled", t_disabled},
        {"teardown", t_teardown},
};

TEST_MAIN(tests)
