/*
 * test_serve.c: routing a request to its response against a real page store in a temp
 * dir, without sockets: status, headers and body of every kind of answer, and the
 * re-lookup that resumes a partly written body.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontd/conn.h"
#include "frontd/frontd.h"
#include "frontd/serve.h"
#include "shared/err.h"
#include "shared/pagefmt.h"
#include "shared/store.h"
#include "tests/harness.h"

static struct frontd fd;
static struct conn c;
static char dir[512];
static char out[65536];
static size_t out_len;

static const char home_body[] = "<html>home</html>";
static const char gz_body[] = "\x1f\x8b-pretend-gzip";
static const char nf_body[] = "<html>not here</html>";

static void
put_page(struct store_wtxn *t, const char *key, struct page_input *in)
{
	struct buf b;
	buf_init(&b, 0);
	CHECK_INT_EQ(page_encode(in, &b), 0);
	CHECK_INT_EQ(store_put(t, slice_str(key), buf_slice(&b)), 0);
	buf_fini(&b);
}

/* Writes the test site in one txn. home_text varies to change the home page's ETag. */
static void
write_site(const char *home_text)
{
	struct store_wtxn *t;
	CHECK_INT_EQ(store_write_begin(fd.store, &t), 0);
	struct page_input home = {.status = 200,
	                          .flags = PAGE_NOTE,
	                          .gen = 1,
	                          .mtime = 1000,
	                          .content_type = "text/html; charset=utf-8",
	                          .cache_control = "public, no-cache",
	                          .body = slice_str(home_text),
	                          .gzip = slice_str(gz_body)};
	put_page(t, "/", &home);
	put_page(t, "/folder/my-note", &home);
	put_page(t, "/caps", &home);
	struct page_input priv = home;
	priv.flags |= PAGE_PRIVATE;
	put_page(t, "/secret", &priv);
	put_page(t, "/secretcaps", &priv);
	struct page_input redirect = {.status = 301,
	                              .flags = PAGE_REDIRECT,
	                              .gen = 1,
	                              .location = slice_str("/folder/my-note")};
	put_page(t, "/old", &redirect);
	struct page_input nf = {.status = 404,
	                        .flags = PAGE_SPECIAL,
	                        .gen = 1,
	                        .mtime = 1000,
	                        .content_type = "text/html; charset=utf-8",
	                        .body = slice_str(nf_body)};
	put_page(t, SERVE_404_KEY, &nf);
	CHECK_INT_EQ(store_put(t, slice_str("/corrupt"), slice_str("FPG1garbage-garbage-garbage")),
	             0);
	CHECK_INT_EQ(store_set_gen(t, 1), 0);
	CHECK_INT_EQ(store_write_commit(t), 0);
}

static void
t_setup(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/folio-test-serve-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	CHECK(mkdtemp(dir) != NULL);
	memset(&fd, 0, sizeof(fd));
	CHECK_INT_EQ(store_open(&fd.store, dir, STORE_WRITER, 16 << 20, 16), 0);
	respond_date_update(&fd.date, 784111777);
	write_site(home_body);
}

/* Parses raw, serves it on a fresh connection and gathers the queued bytes into out. */
static int
serve(const char *raw)
{
	memset(&c, 0, sizeof(c));
	respond_reset(&c.q);
	size_t scanned = 0;
	int rc = http_parse_head((const uint8_t *)raw, strlen(raw), &scanned, &fd.req);
	CHECK(rc > 0);
	if (rc <= 0)
		return rc;
	rc = serve_request(&fd, &c, &fd.req, (uint32_t)rc);
	struct iovec iov[RESPOND_IOV_MAX];
	size_t total, n = respond_iov(&c.q, iov, RESPOND_IOV_MAX, &total);
	out_len = 0;
	for (size_t i = 0; i < n && out_len + iov[i].iov_len < sizeof(out); i++) {
		memcpy(out + out_len, iov[i].iov_base, iov[i].iov_len);
		out_len += iov[i].iov_len;
	}
	out[out_len] = '\0';
	if (fd.store)
		store_read_end(fd.store);
	return rc;
}

static const char *
body_of(void)
{
	const char *p = strstr(out, "\r\n\r\n");
	return p ? p + 4 : "";
}

static bool
has(const char *s)
{
	bool ok = strstr(out, s) != NULL;
	if (!ok)
		printf("    missing \"%s\" in:\n%s\n", s, out);
	return ok;
}

static void
t_get_identity(void)
{
	CHECK_INT_EQ(serve("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	const char *start = "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	                    "Server: folio\r\nContent-Type: ";
	CHECK(strncmp(out, start, strlen(start)) == 0);
	CHECK(has("Content-Type: text/html; charset=utf-8\r\n"));
	CHECK(has("Content-Length: 17\r\n"));
	CHECK(has("ETag: \""));
	CHECK(has("Vary: Accept-Encoding\r\n"));
	CHECK(!strstr(out, "Content-Encoding"));
	CHECK(!strstr(out, "Connection:"));
	CHECK_STR_EQ(body_of(), home_body);
	CHECK_INT_EQ(c.q.r[0].kind, RESPOND_KIND_IDENTITY);
	CHECK(!c.q.close_after);
	/* The decoded, normalised path is the key; the query is ignored. */
	CHECK_INT_EQ(serve("GET //folder/./x/../my%2Dnote/?utm=1 HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	CHECK(has("HTTP/1.1 200 OK\r\n"));
	CHECK_STR_EQ(body_of(), home_body);
}

static void
t_get_gzip(void)
{
	CHECK_INT_EQ(serve("GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br, gzip\r\n\r\n"), 0);
	CHECK(has("Content-Encoding: gzip\r\n"));
	CHECK(has("Content-Length: 15\r\n"));
	CHECK_STR_EQ(body_of(), gz_body);
	CHECK_INT_EQ(c.q.r[0].kind, RESPOND_KIND_GZIP);
	CHECK_INT_EQ(serve("GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip;q=0\r\n\r\n"), 0);
	CHECK_STR_EQ(body_of(), home_body);
}

static void
t_not_modified(void)
{
	CHECK_INT_EQ(serve("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	const char *e = strstr(out, "ETag: ");
	CHECK(e != NULL);
	char etag[80] = "";
	if (e)
		sscanf(e + 6, "%79[^\r]", etag);
	char raw[256];
	snprintf(raw, sizeof(raw),
	         "GET / HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"zz\", W/%s\r\n\r\n", etag);
	CHECK_INT_EQ(serve(raw), 0);
	CHECK(has("HTTP/1.1 304 Not Modified\r\n"));
	CHECK(has(etag));
	CHECK(!strstr(out, "Content-Length"));
	CHECK_STR_EQ(body_of(), "");
	CHECK_INT_EQ(c.q.r[0].kind, RESPOND_KIND_304);
	CHECK_INT_EQ(c.q.r[0].body_src, RESPOND_BODY_NONE);
	/* The 404 page never answers 304. */
	snprintf(raw, sizeof(raw), "GET /nope HTTP/1.1\r\nHost: x\r\nIf-None-Match: *\r\n\r\n");
	CHECK_INT_EQ(serve(raw), 0);
	CHECK(has("HTTP/1.1 404 Not Found\r\n"));
}

static void
t_head(void)
{
	CHECK_INT_EQ(serve("HEAD /folder/my-note HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	CHECK(has("HTTP/1.1 200 OK\r\n"));
	CHECK(has("Content-Length: 17\r\n"));
	CHECK_STR_EQ(body_of(), "");
	CHECK_INT_EQ(c.q.r[0].body_src, RESPOND_BODY_NONE);
	CHECK(!respond_holds_map(&c.q));
	CHECK_INT_EQ(serve("HEAD /missing HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	CHECK(has("HTTP/1.1 404 Not Found\r\n"));
	CHECK(has("Content-Length: 21\r\n"));
	CHECK_STR_EQ(body_of(), "");
}

static void
t_methods_and_bodies(void)
{
	CHECK_INT_EQ(serve("POST / HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	CHECK(has("HTTP/1.1 405 Method Not Allowed\r\n"));
	CHECK(has("Allow: GET, HEAD\r\n"));
	CHECK(!c.q.close_after);
	CHECK_INT_EQ(serve("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n"), 0);
	CHECK(has("HTTP/1.1 405 Method Not Allowed\r\n"));
	CHECK(has("Connection: close\r\n"));
	CHECK(c.q.close_after);
	CHECK(c.linger);
	CHECK_INT_EQ(serve("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n"), 0);
	CHECK(has("HTTP/1.1 400 Bad Request\r\n"));
	CHECK(has("Connection: close\r\n"));
	CHECK(c.q.close_after);
	CHECK_INT_EQ(serve("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"), 0);
	CHECK(has("HTTP/1.1 400 Bad Request\r\n"));
	CHECK_INT_EQ(serve("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"), 0);
	CHECK(has("HTTP/1.1 200 OK\r\n"));
}

static void
t_connection_modes(void)
{
	CHECK_INT_EQ(serve("GET / HTTP/1.0\r\n\r\n"), 0);
	CHECK(has("Connection: close\r\n"));
	CHECK(c.q.close_after);
	CHECK(!c.linger);
	CHECK_INT_EQ(serve("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), 0);
	CHECK(has("Connection: keep-alive\r\n"));
	CHECK(!c.q.close_after);
	CHECK_INT_EQ(serve("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 0);
	CHECK(has("Connection: close\r\n"));
	fd.stopping = true;
	CHECK_INT_EQ(serve("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	CHECK(has("Connection: close\r\n"));
	fd.stopping = false;
}

static void
t_not_found_and_private(void)
{
	CHECK_INT_EQ(serve("GET /missing HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	CHECK(has("HTTP/1.1 404 Not Found\r\n"));
	CHECK(has("Content-Type: text/html"));
	CHECK_STR_EQ(body_of(), nf_body);
	CHECK_INT_EQ(serve("GET /secret HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	CHECK(has("HTTP/1.1 404 Not Found\r\n"));
	CHECK_STR_EQ(body_of(), nf_body);
	/* A private page is not revealed through the lowercase redirect either. */
	CHECK_INT_EQ(serve("GET /SecretCaps HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	CHECK(has("HTTP/1.1 404 Not Found\r\n"));
}

static void
t_redirects(void)
{
	CHECK_INT_EQ(serve("GET /old HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	CHECK(has("HTTP/1.1 301 Moved Permanently\r\n"));
	CHECK(has("Location: /folder/my-note\r\n"));
	CHECK(has("Content-Length: 0\r\n"));
	CHECK_STR_EQ(body_of(), "");
	CHECK_INT_EQ(serve("GET /CAPS?x=1%202 HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	CHECK(has("HTTP/1.1 301 Moved Permanently\r\n"));
	CHECK(has("Location: /caps?x=1%202\r\n"));
	CHECK(has("Content-Length: 0\r\n"));
	CHECK_INT_EQ(serve("GET /Folder/My-Note HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	CHECK(has("Location: /folder/my-note\r\n"));
	/* Lowercase that does not exist either: the 404 page. */
	CHECK_INT_EQ(serve("GET /Nope HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	CHECK(has("HTTP/1.1 404 Not Found\r\n"));
}

static void
t_bad_path_and_corrupt(void)
{
	CHECK_INT_EQ(serve("GET /../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	CHECK(has("HTTP/1.1 400 Bad Request\r\n"));
	CHECK(!c.q.close_after);
	CHECK_INT_EQ(serve("GET /a%00 HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	CHECK(has("HTTP/1.1 400 Bad Request\r\n"));
	CHECK_INT_EQ(serve("GET /corrupt HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	CHECK(has("HTTP/1.1 500 Internal Server Error\r\n"));
	CHECK(fd.stats.store_corrupt > 0);
}

static void
t_no_store(void)
{
	struct store *s = fd.store;
	fd.store = NULL;
	CHECK_INT_EQ(serve("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	CHECK(has("HTTP/1.1 503 Service Unavailable\r\n"));
	CHECK(has("Retry-After: 1\r\n"));
	CHECK(fd.stats.store_unavailable > 0);
	fd.store = s;
}

static void
t_error_answers(void)
{
	memset(&c, 0, sizeof(c));
	respond_reset(&c.q);
	CHECK_INT_EQ(serve_error(&fd, &c, 431, 0), 0);
	CHECK(c.q.close_after);
	CHECK(c.linger);
	CHECK_INT_EQ(c.q.r[0].kind, RESPOND_KIND_BAD);
	CHECK(memcmp(c.q.hbuf, "HTTP/1.1 431 Request Header Fields Too Large\r\n", 46) == 0);
	CHECK_MEM_STR(c.q.r[0].body, c.q.r[0].body_len, "431 Request Header Fields Too Large\n");
}

static void
t_pipeline_queue(void)
{
	memset(&c, 0, sizeof(c));
	respond_reset(&c.q);
	const char *a = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	const char *b = "HEAD /caps HTTP/1.1\r\nHost: x\r\n\r\n";
	size_t scanned = 0;
	int n = http_parse_head((const uint8_t *)a, strlen(a), &scanned, &fd.req);
	CHECK_INT_EQ(serve_request(&fd, &c, &fd.req, (uint32_t)n), 0);
	scanned = 0;
	n = http_parse_head((const uint8_t *)b, strlen(b), &scanned, &fd.req);
	CHECK_INT_EQ(serve_request(&fd, &c, &fd.req, 100), 0);
	CHECK_INT_EQ(c.q.n, 2);
	CHECK_INT_EQ(c.q.r[1].req_end, 100);
	CHECK(respond_holds_map(&c.q));
	store_read_end(fd.store);
}

static void
t_refresh(void)
{
	CHECK_INT_EQ(serve("GET /folder/my-note HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
	struct front_stats st = {0};
	respond_advance(&c.q, c.q.r[0].head_len + 5, &st); /* 5 body bytes went out */
	respond_trim(&c.q);
	CHECK(c.q.stale);
	CHECK_INT_EQ(serve_refresh(&fd, &c), 0);
	CHECK(!c.q.stale);
	struct iovec iov[RESPOND_IOV_MAX];
	size_t total;
	CHECK_INT_EQ(respond_iov(&c.q, iov, RESPOND_IOV_MAX, &total), 1);
	CHECK_MEM_STR(iov[0].iov_base, iov[0].iov_len, home_body + 5);
	store_read_end(fd.store);

	/* The page changes mid-body: the response cannot be finished. */
	respond_trim(&c.q);
	write_site("<html>home, edited</html>");
	CHECK_INT_EQ(serve_refresh(&fd, &c), ERR_STALE);
	store_read_end(fd.store);
	write_site(home_body);
}

static void
t_teardown(void)
{
	store_close(fd.store);
	fd.store = NULL;
	char path[600];
	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/lock.mdb", dir);
	unlink(path);
	CHECK(rmdir(dir) == 0);
}

static const struct test tests[] = {
        {"setup", t_setup},
        {"get_identity", t_get_identity},
        {"get_gzip", t_get_gzip},
        {"not_modified", t_not_modified},
        {"head", t_head},
        {"methods_and_bodies", t_methods_and_bodies},
        {"connection_modes", t_connection_modes},
        {"not_found_and_private", t_not_found_and_private},
        {"redirects", t_redirects},
        {"bad_path_and_corrupt", t_bad_path_and_corrupt},
        {"no_store", t_no_store},
        {"error_answers", t_error_answers},
        {"pipeline_queue", t_pipeline_queue},
        {"refresh", t_refresh},
        {"teardown", t_teardown},
};

TEST_MAIN(tests)
