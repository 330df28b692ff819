/*
 * test_api.c: the push API over real sockets on 127.0.0.1 (an ephemeral port). A thread
 * runs the API's poll loop, the test talks raw HTTP to it: authorisation, routing, push
 * bodies in JSON and msgpack, refusals (400, 411, 413, 415), Expect: 100-continue,
 * keep-alive with pipelining, malformed heads. Also the daemon's start-up helper: the API
 * key file and the data directory lock.
 */
#include "ingestd/api.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include "ingestd/ingest.h"
#include "ingestd/ingestd.h"
#include "shared/config.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/log.h"
#include "shared/pushmsg.h"
#include "tests/harness.h"

#define KEY "test-key-0123456789"

struct server {
	char dir[64];
	struct config cfg;
	struct ingest *in;
	struct api *api;
	pthread_t thread;
	atomic_bool stop;
	int port;
};

static int64_t
now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void *
server_loop(void *arg)
{
	struct server *s = arg;
	struct pollfd fds[API_MAX_CONNS + 1];
	while (!atomic_load(&s->stop)) {
		size_t n = api_pollfds(s->api, fds, sizeof(fds) / sizeof(fds[0]));
		int rc = poll(fds, n, 20);
		api_handle(s->api, fds, rc > 0 ? n : 0, now_ms());
	}
	return NULL;
}

static bool
server_start(struct server *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "/tmp/folio-api-XXXXXX");
	if (!mkdtemp(s->dir)) {
		return false;
	}
	char err[256];
	config_init(&s->cfg);
	config_set(&s->cfg, "data_dir", s->dir, err, sizeof(err));
	config_set(&s->cfg, "api_listen", "127.0.0.1:0", err, sizeof(err));
	config_set(&s->cfg, "map_size", "1M", err, sizeof(err));
	config_set(&s->cfg, "max_body", "4096", err, sizeof(err));
	if (ingest_open(&s->in, &s->cfg, NULL) != 0 ||
	    api_open(&s->api, &s->cfg, s->in, KEY) != 0) {
		return false;
	}
	s->port = api_port(s->api);
	atomic_store(&s->stop, false);
	return pthread_create(&s->thread, NULL, server_loop, s) == 0;
}

static void
server_stop(struct server *s)
{
	atomic_store(&s->stop, true);
	pthread_join(s->thread, NULL);
	api_close(s->api);
	ingest_close(s->in);
	config_fini(&s->cfg);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "could not remove %s\n", s->dir);
	}
}

static int
dial(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	struct timeval tv = {.tv_sec = 5};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
send_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n) {
		ssize_t k = send(fd, b, n, MSG_NOSIGNAL);
		if (k <= 0) {
			return;
		}
		b += k;
		n -= (size_t)k;
	}
}

struct resp {
	int status;
	char head[2048];
	char body[8192];
	bool closed; /* the server closed after this answer */
};

/* Reads one answer (head plus Content-Length body) from fd; false on timeout or EOF. */
static bool
read_resp(int fd, struct resp *r)
{
	static char pend[16384]; /* bytes read past the previous answer */
	static size_t npend;
	static int pend_fd = -1;
	if (pend_fd != fd) {
		npend = 0;
		pend_fd = fd;
	}
	memset(r, 0, sizeof(*r));
	char buf[16384];
	size_t n = npend;
	memcpy(buf, pend, npend);
	npend = 0;
	for (;;) {
		char *end = memmem(buf, n, "\r\n\r\n", 4);
		if (end) {
			size_t hl = (size_t)(end - buf) + 4;
			memcpy(r->head, buf, MIN(hl, sizeof(r->head) - 1));
			sscanf(buf, "HTTP/1.1 %d", &r->status);
			const char *cl = strcasestr(r->head, "content-length:");
			size_t blen = cl ? strtoul(cl + 15, NULL, 10) : 0;
			while (n < hl + blen) {
				ssize_t k = recv(fd, buf + n, sizeof(buf) - n, 0);
				if (k <= 0) {
					return false;
				}
				n += (size_t)k;
			}
			memcpy(r->body, buf + hl, MIN(blen, sizeof(r->body) - 1));
			npend = n - hl - blen;
			memcpy(pend, buf + hl + blen, npend);
			r->closed = strcasestr(r->head, "connection: close") != NULL;
			return true;
		}
		ssize_t k = recv(fd, buf + n, sizeof(buf) - n, 0);
		if (k <= 0) {
			return false;
		}
		n += (size_t)k;
	}
}

/* One request on a fresh connection. */
static bool
request(struct server *s, const char *raw, size_t n, struct resp *r)
{
	int fd = dial(s->port);
	if (fd < 0) {
		return false;
	}
	send_all(fd, raw, n);
	bool ok = read_resp(fd, r);
	close(fd);
	return ok;
}

static bool
get(struct server *s, const char *path, const char *auth, struct resp *r)
{
	char raw[512];
	int n = snprintf(raw, sizeof(raw), "GET %s HTTP/1.1\r\nHost: t\r\n%s%s%s\r\n", path,
	                 auth ? "Authorization: " : "", auth ? auth : "", auth ? "\r\n" : "");
	return request(s, raw, (size_t)n, r);
}

static bool
post(struct server *s, const char *ctype, const void *body, size_t len, struct resp *r)
{
	char raw[8192];
	int n = snprintf(raw, sizeof(raw),
	                 "POST /api/v1/push HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " KEY
	                 "\r\n"
	                 "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n",
	                 ctype, len);
	if ((size_t)n + len > sizeof(raw)) {
		return false;
	}
	memcpy(raw + n, body, len);
	return request(s, raw, (size_t)n + len, r);
}

static void
t_auth_and_routes(void)
{
	struct server s;
	CHECK(server_start(&s));
	struct resp r;
	CHECK(get(&s, "/api/v1/status", NULL, &r));
	CHECK_INT_EQ(r.status, 401);
	CHECK(strstr(r.body, "\"error\"") != NULL);
	CHECK(strcasestr(r.head, "WWW-Authenticate: Bearer") != NULL);
	CHECK(get(&s, "/api/v1/status", "Bearer wrong-key-0123456789", &r));
	CHECK_INT_EQ(r.status, 401);
	CHECK(get(&s, "/api/v1/status", "Bearer " KEY "x", &r)); /* a longer key is wrong too */
	CHECK_INT_EQ(r.status, 401);
	CHECK(get(&s, "/api/v1/status", "Basic " KEY, &r));
	CHECK_INT_EQ(r.status, 401);
	CHECK(get(&s, "/api/v1/status", "bearer " KEY, &r)); /* the scheme is case-insensitive */
	CHECK_INT_EQ(r.status, 200);
	CHECK(strstr(r.body, "\"generation\":") != NULL);
	CHECK(strstr(r.body, "\"last_push\":null") != NULL);
	CHECK(strcasestr(r.head, "Content-Type: application/json") != NULL);
	CHECK(get(&s, "/api/v1/nothing", "Bearer " KEY, &r));
	CHECK_INT_EQ(r.status, 404);
	CHECK(get(&s, "/api/v1/push", "Bearer " KEY, &r));
	CHECK_INT_EQ(r.status, 405);
	CHECK(strcasestr(r.head, "Allow: POST") != NULL);
	const char *del = "DELETE /api/v1/files HTTP/1.1\r\nHost: t\r\n\r\n";
	CHECK(request(&s, del, strlen(del), &r));
	CHECK_INT_EQ(r.status, 405);
	server_stop(&s);
}

static void
t_push_json_and_msgpack(void)
{
	struct server s;
	CHECK(server_start(&s));
	struct resp r;
	const char *json =
	        "{\"upserts\":[{\"path\":\"index.md\",\"content\":\"# Home\\n[[Other]]\"},"
	        "{\"path\":\"Other.md\",\"content\":\"other\"}]}";
	CHECK(post(&s, "application/json; charset=utf-8", json, strlen(json), &r));
	CHECK_INT_EQ(r.status, 200);
	CHECK(strstr(r.body, "\"url\":\"/\"") != NULL);
	CHECK(strstr(r.body, "\"url\":\"/other\"") != NULL);
	CHECK(strstr(r.body, "\"rendered\":2") != NULL);

	struct buf body;
	struct pushmsg_writer w;
	buf_init(&body, 0);
	pushmsg_writer_begin(&w, &body, 1, 1);
	pushmsg_writer_upsert(&w, "img/a.png", slice_str("PNGDATA"));
	pushmsg_writer_delete(&w, "Other.md");
	pushmsg_writer_finish(&w);
	CHECK(post(&s, "application/msgpack", body.ptr, body.len, &r));
	CHECK_INT_EQ(r.status, 200);
	CHECK(strstr(r.body, "\"deleted\":[\"Other.md\"]") != NULL);
	buf_fini(&body);

	CHECK(get(&s, "/api/v1/files", "Bearer " KEY, &r));
	CHECK_INT_EQ(r.status, 200);
	CHECK(strstr(r.body, "{\"path\":\"img/a.png\",\"sha256\":\"") != NULL);
	CHECK(strstr(r.body, "index.md") != NULL);
	CHECK(strstr(r.body, "Other.md") == NULL);
	CHECK(get(&s, "/api/v1/status", "Bearer " KEY, &r));
	CHECK(strstr(r.body, "\"notes\":1,\"assets\":1") != NULL);
	server_stop(&s);
}

static void
t_refusals(void)
{
	struct server s;
	CHECK(server_start(&s));
	struct resp r;
	const char *bad = "{\"upserts\":[{\"path\":\"/abs.md\",\"content\":\"x\"},"
	                  "{\"path\":\"fine.md\",\"content\":\"y\"}]}";
	CHECK(post(&s, "application/json", bad, strlen(bad), &r));
	CHECK_INT_EQ(r.status, 400);
	CHECK(strstr(r.body, "\"details\":[{\"path\":\"/abs.md\"") != NULL);
	CHECK(post(&s, "application/json", "[1,2]", 5, &r));
	CHECK_INT_EQ(r.status, 400);
	CHECK(post(&s, "text/plain", "{}", 2, &r));
	CHECK_INT_EQ(r.status, 415);
	/* Nothing of the refused pushes was stored. */
	CHECK(get(&s, "/api/v1/files", "Bearer " KEY, &r));
	CHECK(strstr(r.body, "fine.md") == NULL);

	const char *nolen = "POST /api/v1/push HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " KEY
	                    "\r\nContent-Type: application/json\r\n\r\n";
	CHECK(request(&s, nolen, strlen(nolen), &r));
	CHECK_INT_EQ(r.status, 411);
	const char *chunked = "POST /api/v1/push HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " KEY
	                      "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
	                      "\r\n2\r\n{}\r\n0\r\n\r\n";
	CHECK(request(&s, chunked, strlen(chunked), &r));
	CHECK_INT_EQ(r.status, 411);
	CHECK(r.closed);
	/* Over max_body (4096 here): refused from the head, before any body is read. */
	const char *big = "POST /api/v1/push HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " KEY
	                  "\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n";
	CHECK(request(&s, big, strlen(big), &r));
	CHECK_INT_EQ(r.status, 413);
	CHECK(r.closed);
	/* Unauthorised pushes are refused before their body too. */
	const char *noauth = "POST /api/v1/push HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}";
	CHECK(request(&s, noauth, strlen(noauth), &r));
	CHECK_INT_EQ(r.status, 401);
	CHECK(r.closed);
	const char *junk = "NOT A REQUEST\r\n\r\n";
	CHECK(request(&s, junk, strlen(junk), &r));
	CHECK_INT_EQ(r.status, 400);
	CHECK(r.closed);
	server_stop(&s);
}

static void
t_expect_continue(void)
{
	struct server s;
	CHECK(server_start(&s));
	const char *body = "{\"upserts\":[{\"path\":\"c.md\",\"content\":\"continued\"}]}";
	char head[512];
	int n = snprintf(head, sizeof(head),
	                 "POST /api/v1/push HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " KEY
	                 "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
	                 "Content-Length: %zu\r\n\r\n",
	                 strlen(body));
	int fd = dial(s.port);
	CHECK(fd >= 0);
	send_all(fd, head, (size_t)n);
	char got[64] = {0};
	ssize_t k = recv(fd, got, 25, MSG_WAITALL);
	CHECK_INT_EQ(k, 25);
	CHECK(memcmp(got, "HTTP/1.1 100 Continue\r\n\r\n", 25) == 0);
	send_all(fd, body, strlen(body));
	struct resp r;
	CHECK(read_resp(fd, &r));
	CHECK_INT_EQ(r.status, 200);
	CHECK(strstr(r.body, "\"path\":\"c.md\"") != NULL);
	close(fd);
	server_stop(&s);
}

static void
t_keep_alive_pipelined(void)
{
	struct server s;
	CHECK(server_start(&s));
	const char *body = "{\"upserts\":[{\"path\":\"p.md\",\"content\":\"pipelined\"}]}";
	char raw[2048];
	int n = snprintf(raw, sizeof(raw),
	                 "GET /api/v1/status HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " KEY
	                 "\r\n\r\n"
	                 "POST /api/v1/push HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " KEY
	                 "\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s"
	                 "GET /api/v1/files HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " KEY
	                 "\r\nConnection: close\r\n\r\n",
	                 strlen(body), body);
	int fd = dial(s.port);
	CHECK(fd >= 0);
	send_all(fd, raw, (size_t)n);
	struct resp r;
	CHECK(read_resp(fd, &r));
	CHECK_INT_EQ(r.status, 200);
	CHECK(!r.closed);
	CHECK(strstr(r.body, "\"generation\"") != NULL);
	CHECK(read_resp(fd, &r));
	CHECK_INT_EQ(r.status, 200);
	CHECK(strstr(r.body, "\"path\":\"p.md\"") != NULL);
	CHECK(read_resp(fd, &r));
	CHECK_INT_EQ(r.status, 200);
	CHECK(strstr(r.body, "p.md") != NULL);
	CHECK(r.closed);
	char one;
	CHECK_INT_EQ(recv(fd, &one, 1, 0), 0); /* and it did close */
	close(fd);
	server_stop(&s);
}

static void
t_prepare_key_and_lock(void)
{
	char dir[64];
	snprintf(dir, sizeof(dir), "/tmp/folio-prep-XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	char data[128], err[128];
	snprintf(data, sizeof(data), "%s/data", dir); /* created by prepare */
	struct config c;
	config_init(&c);
	config_set(&c, "data_dir", data, err, sizeof(err));
	char key[256], key2[256];
	int lock = -1, lock2 = -1;
	CHECK_INT_EQ(ingestd_prepare(&c, key, sizeof(key), &lock), 0);
	CHECK_INT_EQ(strlen(key), 64);
	char path[256];
	snprintf(path, sizeof(path), "%s/api.key", data);
	struct stat st;
	CHECK_INT_EQ(stat(path, &st), 0);
	CHECK_INT_EQ(st.st_mode & 0777, 0600);
	/* A second daemon on the same directory is refused while the first runs. */
	CHECK_ERR(ingestd_prepare(&c, key2, sizeof(key2), &lock2), ERR_BUSY);
	close(lock);
	/* Later starts read the same key. */
	CHECK_INT_EQ(ingestd_prepare(&c, key2, sizeof(key2), &lock2), 0);
	CHECK_STR_EQ(key2, key);
	close(lock2);
	/* A configured key wins over the file. */
	config_set(&c, "api_key", "from-config", err, sizeof(err));
	CHECK_INT_EQ(ingestd_prepare(&c, key2, sizeof(key2), &lock2), 0);
	CHECK_STR_EQ(key2, "from-config");
	close(lock2);
	config_fini(&c);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK_INT_EQ(system(cmd), 0);
}

static const struct test tests[] = {
        {"auth_and_routes", t_auth_and_routes},
        {"push_json_and_msgpack", t_push_json_and_msgpack},
        {"refusals", t_refusals},
        {"expect_continue", t_expect_continue},
        {"keep_alive_pipelined", t_keep_alive_pipelined},
        {"prepare_key_and_lock", t_prepare_key_and_lock},
};

__attribute__((constructor)) static void
quiet_logs(void)
{
	log_init("test_api", LOG_ERR);
}

TEST_MAIN(tests)
