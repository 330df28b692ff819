/*
 * test_ingest_statsock.c: ingestd's counters as the API bumps them, its stats reply, and
 * GET /metrics over a real socket: the exposition holds ingestd's own counters and those
 * of another process found in the data folder, and metrics_auth guards it.
 */
#include "ingestd/ingest_statsock.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "ingestd/api.h"
#include "ingestd/ingest.h"
#include "shared/config.h"
#include "shared/err.h"
#include "shared/statsock.h"
#include "tests/harness.h"

#define KEY "statsock-test-key"

struct server {
	char dir[64];
	struct config cfg;
	struct ingest *in;
	struct api *api;
	pthread_t thread;
	atomic_bool stop;
	int port;
};

static void *
server_loop(void *arg)
{
	struct server *s = arg;
	struct pollfd fds[API_MAX_CONNS + 1];
	while (!atomic_load(&s->stop)) {
		size_t n = api_pollfds(s->api, fds, API_MAX_CONNS + 1);
		int rc = poll(fds, n, 20);
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		api_handle(s->api, fds, rc > 0 ? n : 0,
		           (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000);
	}
	return NULL;
}

static bool
server_start(struct server *s, const char *dir, bool auth)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "%s", dir);
	char err[256];
	config_init(&s->cfg);
	config_set(&s->cfg, "data_dir", s->dir, err, sizeof(err));
	config_set(&s->cfg, "api_listen", "127.0.0.1:0", err, sizeof(err));
	config_set(&s->cfg, "map_size", "1M", err, sizeof(err));
	config_set(&s->cfg, "metrics_auth", auth ? "true" : "false", err, sizeof(err));
	if (ingest_open(&s->in, &s->cfg, NULL) != 0 || api_open(&s->api, &s->cfg, s->in, KEY) != 0)
		return false;
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
}

/* Sends one request (Connection: close) and reads the whole answer into out[cap]. */
static int
http(int port, const char *req, char *out, size_t cap)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	struct timeval tv = {.tv_sec = 5};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	size_t n = 0;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    send(fd, req, strlen(req), MSG_NOSIGNAL) == (ssize_t)strlen(req)) {
		ssize_t k;
		while (n + 1 < cap && (k = recv(fd, out + n, cap - 1 - n, 0)) > 0)
			n += (size_t)k;
	}
	out[n] = '\0';
	close(fd);
	int status = 0;
	sscanf(out, "HTTP/1.1 %d", &status);
	return status;
}

static const char get_metrics[] = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

static void
push(int port, const char *key, char *out, size_t cap)
{
	static const char body[] =
	        "{\"upserts\":[{\"path\":\"a.md\",\"content\":\"# A\\n\\nSee [[b]].\"},"
	        "{\"path\":\"b.md\",\"content\":\"# B\"}]}";
	char req[1024];
	snprintf(req, sizeof(req),
	         "POST /api/v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
	         "Content-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n"
	         "\r\n%s",
	         key, strlen(body), body);
	http(port, req, out, cap);
}

static int
fill_front(void *arg, const struct stats_head *hd, struct buf *out)
{
	(void)arg;
	struct stats_item it = {"req_total", "responses", STATS_COUNTER, 77, NULL, NULL};
	return stats_encode(out, hd, &it, 1, NULL, 0);
}

/* Child: a stand-in front answering on its stats socket until the pipe closes. */
static _Noreturn void
child_front(const char *dir, int quit_fd)
{
	struct config c;
	char err[128];
	config_init(&c);
	config_set(&c, "data_dir", dir, err, sizeof(err));
	setenv(STATSOCK_ENV_NAME, "unit.front", 1);
	struct statsock *s;
	if (statsock_open(&s, &c, STATS_PROC_FRONTD) < 0)
		_exit(3);
	for (int i = 0; i < 1000; i++) {
		struct pollfd p[2] = {{.fd = quit_fd, .events = POLLIN},
		                      {.fd = statsock_fd(s), .events = POLLIN}};
		if (poll(p, 2, 10) > 0 && p[0].revents)
			break;
		if (p[1].revents & POLLIN)
			statsock_serve(s, fill_front, NULL);
	}
	statsock_close(s);
	_exit(0);
}

static void
t_counters(void)
{
	struct ingest_stats st = {0};
	ingest_statsock_answered(&st, false, 404);
	ingest_statsock_answered(&st, true, 200);
	ingest_statsock_answered(&st, true, 401);
	ingest_statsock_answered(&st, true, 100); /* not an answer to the push yet */
	CHECK_INT_EQ(st.api_requests, 4);
	CHECK_INT_EQ(st.pushes_accepted, 1);
	CHECK_INT_EQ(st.pushes_rejected, 1);
	ingest_statsock_pushed(&st, stats_mono_us() - 2000, true, 7);
	ingest_statsock_pushed(&st, stats_mono_us(), false, 3);
	CHECK_INT_EQ(st.push_us.max >= 2000, 1);
	CHECK_INT_EQ(st.push_pages.max, 7);
	CHECK_INT_EQ(st.push_pages.sum, 7);
}

static void
t_metrics(void)
{
	char dir[] = "/tmp/folio-istats-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	/* The child first: this process uses nng only once it has forked. */
	int quit[2];
	CHECK(pipe(quit) == 0);
	pid_t child = fork();
	if (child == 0) {
		close(quit[1]);
		child_front(dir, quit[0]);
	}
	close(quit[0]);
	char sock[256];
	snprintf(sock, sizeof(sock), "%s/run/stats/frontd-%d.sock", dir, (int)child);
	for (int i = 0; i < 300 && access(sock, F_OK) != 0; i++)
		usleep(10000);

	struct server s;
	CHECK(server_start(&s, dir, false));
	static char out[1 << 17];
	push(s.port, KEY, out, sizeof(out));
	CHECK(strstr(out, "HTTP/1.1 200") == out);
	push(s.port, "wrong", out, sizeof(out));
	CHECK(strstr(out, "HTTP/1.1 401") == out);
	CHECK_INT_EQ(http(s.port, get_metrics, out, sizeof(out)), 200);
	CHECK(strstr(out, "\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n") !=
	      NULL);
	CHECK(strstr(out, "# TYPE folio_ingestd_pushes_accepted_total counter\n") != NULL);
	CHECK(strstr(out, "folio_ingestd_pushes_accepted_total{process=\"ingestd-") != NULL);
	char want[160];
	snprintf(want, sizeof(want), ",kind=\"ingestd\",pid=\"%d\"} 1\n", (int)getpid());
	const char *acc = strstr(out, "folio_ingestd_pushes_accepted_total{");
	CHECK(acc && strncmp(strchr(acc, ','), want, strlen(want)) == 0);
	const char *rej = strstr(out, "folio_ingestd_pushes_rejected_total{");
	CHECK(rej && strncmp(strchr(rej, ','), want, strlen(want)) == 0);
	CHECK(strstr(out, "folio_ingestd_push_latency_seconds_count{") != NULL);
	CHECK(strstr(out, "folio_ingestd_push_pages_bucket{") != NULL);
	CHECK(strstr(out, "# TYPE folio_ingestd_render_seconds_total counter\n") != NULL);
	/* The other process in the data folder is in the same exposition. */
	snprintf(want, sizeof(want),
	         "folio_frontd_req_total{process=\"unit.front\",kind=\"frontd\",pid=\"%d\"} 77\n",
	         (int)child);
	CHECK(strstr(out, want) != NULL);
	CHECK_INT_EQ(http(s.port,
	                  "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
	                  "Connection: close\r\n\r\n",
	                  out, sizeof(out)),
	             405);
	server_stop(&s);

	/* metrics_auth: the key is needed. */
	CHECK(server_start(&s, dir, true));
	CHECK_INT_EQ(http(s.port, get_metrics, out, sizeof(out)), 401);
	CHECK_INT_EQ(http(s.port,
	                  "GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " KEY
	                  "\r\nConnection: close\r\n\r\n",
	                  out, sizeof(out)),
	             200);
	server_stop(&s);

	close(quit[1]);
	int st = -1;
	waitpid(child, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static void
t_fill(void)
{
	char dir[] = "/tmp/folio-istats-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	struct server s;
	CHECK(server_start(&s, dir, false));
	struct stats_head hd = {STATS_PROC_INGESTD, "ingestd", 1, 1, 2};
	struct buf b;
	buf_init(&b, 0);
	CHECK_INT_EQ(ingest_statsock_fill(s.in, &hd, &b), 0);
	struct stats_snap snap;
	CHECK_INT_EQ(stats_decode(buf_slice(&b), &snap), 0);
	size_t n = 0;
#define ONE(f, k, d)                                                              \
	do {                                                                      \
		const struct stats_metric *m = stats_find(&snap, #f);             \
		CHECK(m && m->kind == STATS_KIND_##k && slice_eq_str(m->doc, d)); \
		n++;                                                              \
	} while (0);
	INGEST_STATS(ONE)
#undef ONE
	CHECK_INT_EQ(snap.nm, n);
	const struct stats_metric *g = stats_find(&snap, "map_size");
	CHECK(g && g->value >= 1048576); /* refreshed from the store */
	CHECK(stats_find_hist(&snap, "push_latency_us") && stats_find_hist(&snap, "push_pages"));
	stats_snap_fini(&snap);
	buf_fini(&b);
	server_stop(&s);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static const struct test tests[] = {
        {"counters", t_counters},
        {"fill", t_fill},
        {"metrics", t_metrics},
};
TEST_MAIN(tests)
