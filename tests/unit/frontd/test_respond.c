/*
 * test_respond.c: response assembly, the Date cache, the queue's iovecs, partial-write
 * accounting and trimming, and writev against a socketpair whose buffer fills.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frontd/respond.h"
#include "shared/err.h"
#include "tests/harness.h"

static struct respq q;
static struct respond_date date;

/* Concatenates everything left in q into out; returns the length. */
static size_t
gather(char *out, size_t cap)
{
	struct iovec iov[RESPOND_IOV_MAX];
	size_t total, n = respond_iov(&q, iov, RESPOND_IOV_MAX, &total), len = 0;
	for (size_t i = 0; i < n; i++) {
		if (len + iov[i].iov_len > cap)
			return 0;
		memcpy(out + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	CHECK_INT_EQ(len, total);
	out[len] = '\0';
	return len;
}

static void
t_date(void)
{
	struct respond_date d = {0};
	respond_date_update(&d, 784111777);
	CHECK_MEM_STR(d.line, d.len, "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\nServer: folio\r\n");
	respond_date_update(&d, 784111777);
	CHECK_MEM_STR(d.line, d.len, "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\nServer: folio\r\n");
	respond_date_update(&d, 784111778);
	CHECK_MEM_STR(d.line, d.len, "Date: Sun, 06 Nov 1994 08:49:38 GMT\r\nServer: folio\r\n");
	respond_date_update(&d, 0);
	CHECK_MEM_STR(d.line, d.len, "Date: Thu, 01 Jan 1970 00:00:00 GMT\r\nServer: folio\r\n");
}

static void
t_head_assembly(void)
{
	char out[4096];
	respond_reset(&q);
	respond_date_update(&date, 784111777);
	struct resp *r = respond_begin(&q, 200, RESPOND_CONN_KEEP, &date);
	CHECK(r != NULL);
	CHECK(respond_put(&q, r, "Content-Length: 5\r\n", 19));
	CHECK(respond_end_head(&q, r));
	respond_body_static(r, "hello", 5);
	respond_commit(&q, r);
	gather(out, sizeof(out));
	CHECK_STR_EQ(out, "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	                  "Server: folio\r\nContent-Length: 5\r\n\r\nhello");
	CHECK(!q.close_after);

	respond_reset(&q);
	r = respond_begin(&q, 404, RESPOND_CONN_CLOSE, &date);
	CHECK(respond_put_length(&q, r, 0) && respond_end_head(&q, r));
	respond_commit(&q, r);
	gather(out, sizeof(out));
	CHECK_STR_EQ(out, "HTTP/1.1 404 Not Found\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	                  "Server: folio\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
	CHECK(q.close_after);

	respond_reset(&q);
	r = respond_begin(&q, 410, RESPOND_CONN_KEEP10, &date);
	CHECK(respond_end_head(&q, r));
	respond_commit(&q, r);
	gather(out, sizeof(out));
	CHECK_STR_EQ(out, "HTTP/1.1 410 Gone\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	                  "Server: folio\r\nConnection: keep-alive\r\n\r\n");

	/* A status no client could parse never reaches the wire. */
	respond_reset(&q);
	r = respond_begin(&q, 1234, RESPOND_CONN_KEEP, &date);
	CHECK_INT_EQ(r->status, 500);
	CHECK(memcmp(q.hbuf, "HTTP/1.1 500 Internal Server Error\r\n", 36) == 0);
	respond_cancel(&q, r);
	CHECK_INT_EQ(q.hlen, 0);
	CHECK(respond_empty(&q));
}

static void
t_location(void)
{
	char out[4096];
	respond_reset(&q);
	respond_date_update(&date, 0);
	struct resp *r = respond_begin(&q, 301, RESPOND_CONN_KEEP, &date);
	uint32_t before = q.hlen;
	CHECK(respond_put_location(&q, r, slice_str("/a b/caf\xc3\xa9/%x\r\n"),
	                           slice_str("q=a%20b&c=\xff")));
	CHECK_MEM_STR(q.hbuf + before, q.hlen - before,
	              "Location: /a%20b/caf%C3%A9/%25x%0D%0A?q=a%20b&c=%FF\r\n");
	before = q.hlen;
	CHECK(respond_put_location(&q, r, slice_str("/x(1)"), (struct slice){NULL, 0}));
	CHECK_MEM_STR(q.hbuf + before, q.hlen - before, "Location: /x(1)\r\n");
	CHECK(respond_end_head(&q, r));
	respond_commit(&q, r);
	CHECK(gather(out, sizeof(out)) > 0);
}

static void
t_room(void)
{
	respond_reset(&q);
	respond_date_update(&date, 0);
	for (int i = 0; i < RESPOND_MAX_QUEUE; i++) {
		CHECK(respond_has_room(&q));
		struct resp *r = respond_begin(&q, 200, RESPOND_CONN_KEEP, &date);
		CHECK(r && respond_end_head(&q, r));
		respond_commit(&q, r);
	}
	CHECK(!respond_has_room(&q));
	CHECK(respond_begin(&q, 200, RESPOND_CONN_KEEP, &date) == NULL);

	/* The head buffer bounds a response too: puts fail, cancel gives the space back. */
	static char big[RESPOND_HBUF];
	memset(big, 'h', sizeof(big));
	respond_reset(&q);
	struct resp *r = respond_begin(&q, 200, RESPOND_CONN_KEEP, &date);
	uint32_t used = q.hlen;
	CHECK(!respond_put(&q, r, big, sizeof(big)));
	CHECK_INT_EQ(q.hlen, used);
	CHECK(respond_put(&q, r, big, RESPOND_HBUF - used));
	CHECK(!respond_end_head(&q, r));
	CHECK(!respond_body_map(&q, r, slice_str("b"), 4, slice_str("/k"), slice_str("\"e\"")));
	respond_cancel(&q, r);
	CHECK_INT_EQ(q.hlen, 0);
	CHECK(respond_has_room(&q));
}

/* Queues two 304s, a 200 with a map body and a closing 404 with a static body. */
static void
queue_mixed(void)
{
	respond_reset(&q);
	respond_date_update(&date, 0);
	struct resp *r = respond_begin(&q, 304, RESPOND_CONN_KEEP, &date);
	respond_end_head(&q, r);
	r->kind = RESPOND_KIND_304;
	r->req_end = 10;
	respond_commit(&q, r);
	r = respond_begin(&q, 304, RESPOND_CONN_KEEP, &date);
	respond_end_head(&q, r);
	r->kind = RESPOND_KIND_304;
	r->req_end = 20;
	respond_commit(&q, r);
	r = respond_begin(&q, 200, RESPOND_CONN_KEEP, &date);
	respond_end_head(&q, r);
	CHECK(respond_body_map(&q, r, slice_str("BODYBODY"), 5, slice_str("/page"),
	                       slice_str("\"tag\"")));
	r->kind = RESPOND_KIND_GZIP;
	r->req_end = 30;
	respond_commit(&q, r);
	r = respond_begin(&q, 404, RESPOND_CONN_CLOSE, &date);
	respond_end_head(&q, r);
	respond_body_static(r, "nope", 4);
	r->req_end = 40;
	respond_commit(&q, r);
}

static void
t_iov_and_advance(void)
{
	queue_mixed();
	struct iovec iov[RESPOND_IOV_MAX];
	size_t total;
	size_t n = respond_iov(&q, iov, RESPOND_IOV_MAX, &total);
	/* Two 304 heads and the 200 head are contiguous: one iovec; then body, head, body. */
	CHECK_INT_EQ(n, 4);
	CHECK_INT_EQ(iov[0].iov_len, q.r[0].head_len + q.r[1].head_len + q.r[2].head_len);
	CHECK_MEM_STR(iov[1].iov_base, iov[1].iov_len, "BODYBODY");
	CHECK_MEM_STR(iov[3].iov_base, iov[3].iov_len, "nope");
	CHECK(respond_holds_map(&q));
	CHECK_MEM_STR(respond_key(&q, &q.r[2]).ptr, respond_key(&q, &q.r[2]).len, "/page");
	CHECK_MEM_STR(respond_etag(&q, &q.r[2]).ptr, respond_etag(&q, &q.r[2]).len, "\"tag\"");
	/* A capped iovec array stops early; nothing is lost. */
	n = respond_iov(&q, iov, 2, &total);
	CHECK_INT_EQ(n, 2);
	CHECK_INT_EQ(total, iov[0].iov_len + iov[1].iov_len);

	struct front_stats st = {0};
	size_t first = q.r[0].head_len;
	respond_advance(&q, first + 3, &st);
	CHECK_INT_EQ(st.req_total, 1);
	CHECK_INT_EQ(st.resp_304, 1);
	CHECK_INT_EQ(q.first, 1);
	CHECK_INT_EQ(q.sent, 3);
	n = respond_iov(&q, iov, RESPOND_IOV_MAX, &total);
	CHECK_INT_EQ(iov[0].iov_len, q.r[1].head_len - 3 + q.r[2].head_len);

	/* Stop in the middle of the map body: trim keeps that response and drops the 404. */
	size_t advanced = first + 3 + q.r[1].head_len - 3 + q.r[2].head_len + 4;
	respond_advance(&q, q.r[1].head_len - 3 + q.r[2].head_len + 4, &st);
	CHECK_INT_EQ(st.req_total, 2);
	CHECK_INT_EQ(q.first, 2);
	CHECK_INT_EQ(q.sent, q.r[2].head_len + 4);
	CHECK(q.close_after);
	uint32_t resume = respond_trim(&q);
	CHECK_INT_EQ(resume, 30);
	CHECK_INT_EQ(q.n, 3);
	CHECK(q.stale);
	CHECK(!q.close_after);
	CHECK(q.r[2].body == NULL);
	CHECK_MEM_STR(respond_key(&q, &q.r[2]).ptr, respond_key(&q, &q.r[2]).len, "/page");
	CHECK_INT_EQ(q.hlen, q.r[2].key_off + 5 + 5);

	/* A refreshed pointer resumes at the same offset. */
	q.r[2].body = (const uint8_t *)"BODYBODY";
	q.stale = false;
	n = respond_iov(&q, iov, RESPOND_IOV_MAX, &total);
	CHECK_INT_EQ(n, 1);
	CHECK_MEM_STR(iov[0].iov_base, iov[0].iov_len, "BODY");
	respond_advance(&q, 4, &st);
	CHECK_INT_EQ(st.req_total, 3);
	CHECK_INT_EQ(st.resp_gzip, 1);
	CHECK_INT_EQ(st.resp_2xx, 1);
	CHECK_INT_EQ(st.resp_3xx, 2);
	CHECK(respond_empty(&q));
	CHECK_INT_EQ(q.hlen, 0);
	CHECK_INT_EQ(st.bytes_out, advanced + 4);
}

static void
t_trim_static(void)
{
	queue_mixed();
	struct front_stats st = {0};
	respond_advance(&q, q.r[0].head_len + q.r[1].head_len + q.r[2].head_len + 8 + 2, &st);
	CHECK_INT_EQ(q.first, 3);
	CHECK_INT_EQ(respond_trim(&q), 40);
	CHECK(!q.stale);
	CHECK(q.close_after);
	CHECK(!respond_holds_map(&q));
}

static void
set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void
t_flush_socketpair(void)
{
	static uint8_t body[1 << 20];
	for (size_t i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)(i * 7 + i / 251);
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	set_nonblock(sv[0]);
	int small = 4096;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));

	respond_reset(&q);
	respond_date_update(&date, 0);
	struct resp *r = respond_begin(&q, 200, RESPOND_CONN_KEEP, &date);
	respond_put_length(&q, r, sizeof(body));
	respond_end_head(&q, r);
	respond_body_static(r, body, sizeof(body));
	respond_commit(&q, r);
	size_t head_len = r->head_len;
	r = respond_begin(&q, 204, RESPOND_CONN_CLOSE, &date);
	respond_end_head(&q, r);
	respond_commit(&q, r);
	size_t tail_len = r->head_len;

	static uint8_t got[(1 << 20) + 1024];
	size_t have = 0;
	struct front_stats st = {0};
	struct iovec iov[RESPOND_IOV_MAX];
	int rounds = 0, rc;
	while ((rc = respond_flush(&q, sv[0], iov, RESPOND_IOV_MAX, &st)) == ERR_AGAIN) {
		rounds++;
		ssize_t n = read(sv[1], got + have, sizeof(got) - have);
		CHECK(n > 0);
		if (n <= 0)
			break;
		have += (size_t)n;
	}
	CHECK_INT_EQ(rc, 0);
	CHECK(rounds > 1); /* the buffer really filled */
	close(sv[0]);
	ssize_t n;
	while ((n = read(sv[1], got + have, sizeof(got) - have)) > 0)
		have += (size_t)n;
	close(sv[1]);
	CHECK_INT_EQ(have, head_len + sizeof(body) + tail_len);
	CHECK(memcmp(got, "HTTP/1.1 200 OK\r\n", 17) == 0);
	CHECK(memcmp(got + head_len, body, sizeof(body)) == 0);
	CHECK(memcmp(got + head_len + sizeof(body), "HTTP/1.1 204 No Content\r\n", 25) == 0);
	CHECK_INT_EQ(st.req_total, 2);
	CHECK_INT_EQ(st.bytes_out, have);
	CHECK(respond_empty(&q));
	CHECK(q.close_after);
}

static void
t_flush_closed_peer(void)
{
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	close(sv[1]);
	respond_reset(&q);
	struct resp *r = respond_begin(&q, 200, RESPOND_CONN_KEEP, &date);
	respond_end_head(&q, r);
	respond_commit(&q, r);
	struct iovec iov[RESPOND_IOV_MAX];
	struct front_stats st = {0};
	signal(SIGPIPE, SIG_IGN);
	CHECK_INT_EQ(respond_flush(&q, sv[0], iov, RESPOND_IOV_MAX, &st), ERR_CLOSED);
	CHECK(!respond_empty(&q));
	close(sv[0]);
}

static const struct test tests[] = {
        {"date", t_date},
        {"head_assembly", t_head_assembly},
        {"location", t_location},
        {"room", t_room},
        {"iov_and_advance", t_iov_and_advance},
        {"trim_static", t_trim_static},
        {"flush_socketpair", t_flush_socketpair},
        {"flush_closed_peer", t_flush_closed_peer},
};

TEST_MAIN(tests)
