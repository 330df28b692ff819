/* Stats replies: histogram buckets and quantiles, msgpack round trips, refusal of foreign
 * or truncated bytes, and the socket pair (statsock answering, statscan reading) across
 * real processes, including a dead one and one that never answers. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shared/config.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/events.h"
#include "shared/stats.h"
#include "shared/statscan.h"
#include "shared/statsock.h"
#include "shared/statsprom.h"
#include "tests/harness.h"

static void
t_hist_buckets(void)
{
	struct stats_hist h = {0};
	uint64_t vals[] = {0, 1, 2, 3, 4, 5, 1000, (uint64_t)1 << 40};
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		stats_hist_add(&h, vals[i]);
	CHECK_INT_EQ(h.count[0], 2);  /* 0 and 1 */
	CHECK_INT_EQ(h.count[1], 1);  /* 2 */
	CHECK_INT_EQ(h.count[2], 2);  /* 3, 4 */
	CHECK_INT_EQ(h.count[3], 1);  /* 5 */
	CHECK_INT_EQ(h.count[10], 1); /* 1000 <= 1024 */
	CHECK_INT_EQ(h.count[STATS_HIST_N - 1], 1);
	CHECK_INT_EQ(h.max, (uint64_t)1 << 40);
	CHECK(h.sum == 1015 + ((uint64_t)1 << 40));
	/* Every value lands in the bucket whose bound is the first at or above it. */
	for (uint64_t v = 2; v < 5000; v++) {
		struct stats_hist one = {0};
		stats_hist_add(&one, v);
		unsigned i = 0;
		while (one.count[i] == 0)
			i++;
		if (!(v <= stats_hist_bound(i) && v > stats_hist_bound(i - 1)))
			CHECK_FAIL_("value %llu in bucket %u", (unsigned long long)v, i);
	}
	CHECK(stats_hist_bound(STATS_HIST_N - 1) == UINT64_MAX);
}

static void
t_quantile(void)
{
	uint64_t bound[] = {1, 2, 4, 8, UINT64_MAX};
	uint64_t none[] = {0, 0, 0, 0, 0};
	uint64_t ten[] = {0, 0, 10, 0, 0}; /* ten values in (2, 4] */
	uint64_t tail[] = {90, 0, 0, 0, 10};
	CHECK(stats_quantile(bound, none, 5, 0, 0.5) == 0);
	double p50 = stats_quantile(bound, ten, 5, 4, 0.5);
	CHECK(p50 > 2.99 && p50 < 3.01);
	double p99 = stats_quantile(bound, ten, 5, 4, 0.99);
	CHECK(p99 > 3.97 && p99 <= 4);
	/* Never above the largest value seen. */
	CHECK(stats_quantile(bound, ten, 5, 3, 0.99) == 3);
	/* The unbounded bucket answers max. */
	CHECK(stats_quantile(bound, tail, 5, 777, 0.99) == 777);
	CHECK(stats_quantile(bound, tail, 5, 777, 0.5) <= 1);
}

/* A reply with two counters (one labelled), a gauge and a histogram. */
static void
encode_sample(struct buf *b, struct stats_hist *h)
{
	*h = (struct stats_hist){0};
	stats_hist_add(h, 3);
	stats_hist_add(h, 300);
	struct stats_head hd = {STATS_PROC_FRONTD, "frontd.1", 4242, 1700000000000000,
	                        1700000000500000};
	struct stats_item items[] = {
	        {"req_total", "responses", STATS_COUNTER, 12345678901234ull, NULL, NULL},
	        {"conns_open", "open now", STATS_GAUGE, 7, NULL, NULL},
	        {"child_up", "running", STATS_GAUGE, 1, "child", "frontd.2"},
	};
	struct stats_hist_item hi[] = {{"latency_us", "us", "latency", h}};
	CHECK_INT_EQ(stats_encode(b, &hd, items, 3, hi, 1), 0);
}

static void
t_round_trip(void)
{
	struct buf b;
	struct stats_hist h;
	buf_init(&b, 0);
	encode_sample(&b, &h);
	struct stats_snap s;
	CHECK_INT_EQ(stats_decode(buf_slice(&b), &s), 0);
	CHECK_INT_EQ(s.proc, STATS_PROC_FRONTD);
	CHECK_MEM_STR(s.name.ptr, s.name.len, "frontd.1");
	CHECK_INT_EQ(s.pid, 4242);
	CHECK_INT_EQ(s.start_us, 1700000000000000);
	CHECK_INT_EQ(s.now_us, 1700000000500000);
	CHECK_INT_EQ(s.nm, 3);
	const struct stats_metric *m = stats_find(&s, "req_total");
	CHECK(m && m->value == 12345678901234ull && m->kind == STATS_COUNTER);
	CHECK(m && slice_eq_str(m->doc, "responses"));
	m = stats_find(&s, "conns_open");
	CHECK(m && m->value == 7 && m->kind == STATS_GAUGE);
	CHECK(stats_find(&s, "child_up") == NULL); /* labelled: not found by name alone */
	CHECK_INT_EQ(s.m[2].nlabels, 1);
	CHECK(slice_eq_str(s.m[2].label[0], "child") &&
	      slice_eq_str(s.m[2].label_value[0], "frontd.2"));
	const struct stats_histo *hh = stats_find_hist(&s, "latency_us");
	CHECK(hh != NULL);
	if (hh) {
		CHECK_INT_EQ(hh->nb, STATS_HIST_N);
		CHECK_INT_EQ(hh->total, 2);
		CHECK_INT_EQ(hh->sum, 303);
		CHECK_INT_EQ(hh->max, 300);
		CHECK_INT_EQ(hh->count[2], 1);
		CHECK_INT_EQ(hh->count[9], 1);
		CHECK(hh->bound[hh->nb - 1] == UINT64_MAX);
		CHECK(slice_eq_str(hh->unit, "us"));
	}
	/* The snapshot owns its bytes: it outlives the message. */
	memset(b.ptr, 0, b.len);
	CHECK_MEM_STR(s.name.ptr, s.name.len, "frontd.1");
	struct stats_snap moved = {0};
	stats_snap_move(&moved, &s);
	CHECK(s.raw == NULL && moved.nm == 3);
	stats_snap_fini(&moved);
	stats_snap_fini(&s);
	buf_fini(&b);
}

static void
t_request(void)
{
	struct buf b;
	buf_init(&b, 0);
	CHECK_INT_EQ(stats_encode_request(&b), 0);
	CHECK_INT_EQ(stats_check_request(buf_slice(&b)), 0);
	struct stats_snap s;
	CHECK_ERR(stats_decode(buf_slice(&b), &s), ERR_PROTO); /* a request is not a reply */
	b.ptr[6] = 7;                                          /* [0x93, 0xce magic(4), ver] */
	CHECK_ERR(stats_check_request(buf_slice(&b)), ERR_VERSION);
	CHECK_ERR(stats_check_request(SLICE_LIT("GET / HTTP/1.1\r\n")), ERR_PROTO);
	buf_fini(&b);
}

static void
t_refuses_foreign(void)
{
	struct stats_snap s;
	CHECK_ERR(stats_decode(SLICE_LIT(""), &s), ERR_PROTO);
	CHECK_ERR(stats_decode(SLICE_LIT("\x93\x01\x02\x03"), &s), ERR_VERSION);
	CHECK_ERR(stats_decode(SLICE_LIT("\xa3"
	                                 "abc"),
	                       &s),
	          ERR_PROTO);
	/* An invalidation event is another folio message, not stats. */
	struct buf b;
	buf_init(&b, 0);
	struct slice p = SLICE_LIT("/x");
	events_encode_inval(&b, 1, &p, 1);
	CHECK_ERR(stats_decode(buf_slice(&b), &s), ERR_VERSION);
	buf_reset(&b);

	struct stats_hist h;
	encode_sample(&b, &h);
	/* Every truncation is refused without reading past the end. */
	for (size_t len = 0; len < b.len; len++) {
		void *base;
		size_t maplen;
		const uint8_t *g = test_guarded(b.ptr, len, &base, &maplen);
		if (stats_decode((struct slice){g, len}, &s) == 0) {
			CHECK_FAIL_("truncated reply of %zu bytes decoded", len);
			stats_snap_fini(&s);
		}
		test_guarded_free(base, maplen);
	}
	b.ptr[6] = 9; /* the version */
	CHECK_ERR(stats_decode(buf_slice(&b), &s), ERR_VERSION);
	buf_fini(&b);
}

static void
t_refuses_bad_histograms(void)
{
	/* [magic, 1, reply, frontd, "a", 1, 1, 1, [], [["h", "us", "d", bounds, counts, 0, 0]]] */
#define HEAD                                       \
	"\x9a\xce\x46\x4f\x4c\x53\x01\x02\x02\xa1" \
	"a"                                        \
	"\x01\x01\x01\x90\x91\x97\xa1"             \
	"h"                                        \
	"\xa2"                                     \
	"us"                                       \
	"\xa1"                                     \
	"d"
	struct stats_snap s;
	CHECK_INT_EQ(stats_decode(SLICE_LIT(HEAD "\x92\x01\x02\x93\x00\x05\x00\x05\x04"), &s), 0);
	CHECK(s.nh == 1 && s.h[0].nb == 3 && s.h[0].count[1] == 5 && s.h[0].total == 5);
	stats_snap_fini(&s);
	/* Bounds that do not rise. */
	CHECK_ERR(stats_decode(SLICE_LIT(HEAD "\x92\x02\x01\x93\x00\x00\x00\x00\x00"), &s),
	          ERR_PROTO);
	/* One count too few. */
	CHECK_ERR(stats_decode(SLICE_LIT(HEAD "\x92\x01\x02\x92\x00\x00\x00\x00"), &s), ERR_PROTO);
	/* A count that is not a number. */
	CHECK_ERR(stats_decode(SLICE_LIT(HEAD "\x92\x01\x02\x93\x00\xa1x\x00\x00\x00"), &s),
	          ERR_PROTO);
#undef HEAD
}

/* ---- Prometheus text ---------------------------------------------------------------------- */

static void
t_prometheus(void)
{
	struct buf b, out;
	struct stats_hist h;
	struct stats_snap s[3] = {{0}};
	buf_init(&b, 0);
	encode_sample(&b, &h);
	CHECK_INT_EQ(stats_decode(buf_slice(&b), &s[0]), 0);
	/* A second front, with an evil name and a counter in microseconds. */
	buf_reset(&b);
	struct stats_head hd = {STATS_PROC_FRONTD, "fr\"ont\n2", 7, 2000000, 3000000};
	struct stats_item items[] = {
	        {"req_total", "responses", STATS_COUNTER, 5, NULL, NULL},
	        {"wait_us", "time \\ waited\nlong", STATS_COUNTER, 1500000, NULL, NULL},
	};
	CHECK_INT_EQ(stats_encode(&b, &hd, items, 2, NULL, 0), 0);
	CHECK_INT_EQ(stats_decode(buf_slice(&b), &s[1]), 0);
	buf_reset(&b);
	struct stats_head hi = {STATS_PROC_INGESTD, "ingestd", 9, 1000000, 3000000};
	struct stats_item gen = {"generation", "gen", STATS_GAUGE, 12, NULL, NULL};
	CHECK_INT_EQ(stats_encode(&b, &hi, &gen, 1, NULL, 0), 0);
	CHECK_INT_EQ(stats_decode(buf_slice(&b), &s[2]), 0);

	buf_init(&out, 0);
	statsprom_write(&out, s, 3);
	const char *t = buf_cstr(&out);
	/* One family for both fronts, HELP and TYPE once, then a sample per process. */
	CHECK(strstr(t, "# HELP folio_frontd_req_total responses\n"
	                "# TYPE folio_frontd_req_total counter\n"
	                "folio_frontd_req_total{process=\"frontd.1\",kind=\"frontd\",pid=\"4242\"} "
	                "12345678901234\n"
	                "folio_frontd_req_total{process=\"fr\\\"ont\\n2\",kind=\"frontd\",pid="
	                "\"7\"} 5\n") != NULL);
	/* Counters get _total; microseconds become exact seconds; HELP is escaped. */
	CHECK(strstr(t, "# HELP folio_frontd_wait_seconds_total time \\\\ waited\\nlong\n") !=
	      NULL);
	CHECK(strstr(t, "} 1.500000\n") != NULL);
	CHECK(strstr(t, "# TYPE folio_frontd_conns_open gauge\n") != NULL);
	CHECK(strstr(t, "folio_frontd_child_up{process=\"frontd.1\",kind=\"frontd\",pid=\"4242\","
	                "child=\"frontd.2\"} 1\n") != NULL);
	CHECK(strstr(t, "folio_ingestd_generation{process=\"ingestd\",kind=\"ingestd\",pid=\"9\"} "
	                "12\n") != NULL);
	/* Histograms: cumulative buckets in seconds, +Inf, _sum in seconds, _count. */
	CHECK(strstr(t, "# TYPE folio_frontd_latency_seconds histogram\n") != NULL);
	CHECK(strstr(t, "folio_frontd_latency_seconds_bucket{process=\"frontd.1\",kind=\"frontd\","
	                "pid=\"4242\",le=\"0.000004\"} 1\n") != NULL);
	CHECK(strstr(t, "le=\"0.000256\"} 1\n") != NULL);
	CHECK(strstr(t, "le=\"0.000512\"} 2\n") != NULL);
	CHECK(strstr(t, "le=\"+Inf\"} 2\n") != NULL);
	CHECK(strstr(t, "folio_frontd_latency_seconds_sum{process=\"frontd.1\",kind=\"frontd\","
	                "pid=\"4242\"} 0.000303\n") != NULL);
	CHECK(strstr(t, "folio_frontd_latency_seconds_count{process=\"frontd.1\",kind=\"frontd\","
	                "pid=\"4242\"} 2\n") != NULL);
	CHECK(strstr(t, "folio_process_start_time_seconds{process=\"ingestd\",kind=\"ingestd\","
	                "pid=\"9\"} 1.000000\n") != NULL);
	/* Every family's HELP appears once. */
	const char *p = strstr(t, "# HELP folio_frontd_req_total ");
	CHECK(p && !strstr(p + 1, "# HELP folio_frontd_req_total "));
	for (int i = 0; i < 3; i++)
		stats_snap_fini(&s[i]);
	buf_fini(&out);
	buf_fini(&b);
}

/* ---- sockets across processes ------------------------------------------------------------ */

static int
fill_one(void *arg, const struct stats_head *hd, struct buf *out)
{
	const uint64_t *v = arg;
	struct stats_item it = {"hits", "hits so far", STATS_COUNTER, *v, NULL, NULL};
	return stats_encode(out, hd, &it, 1, NULL, 0);
}

/*
 * Child: serves its stats socket (answer) or just holds it open (mute), for up to 5 s or
 * until quit_fd (a pipe's read end) reports the parent closed the other end.
 */
static _Noreturn void
child_serve(const char *data, const char *name, bool answer, int quit_fd)
{
	struct config c;
	config_init(&c);
	char err[128];
	config_set(&c, "data_dir", data, err, sizeof(err));
	setenv(STATSOCK_ENV_NAME, name, 1);
	struct statsock *s;
	if (statsock_open(&s, &c, STATS_PROC_FRONTD) < 0)
		_exit(3);
	uint64_t hits = 42;
	for (int i = 0; i < 500; i++) {
		struct pollfd p[2] = {{.fd = quit_fd, .events = POLLIN},
		                      {.fd = statsock_fd(s), .events = POLLIN}};
		/* A mute child leaves requests unanswered. */
		if (poll(p, answer ? 2 : 1, 10) > 0 && p[0].revents)
			break;
		if (p[1].revents & POLLIN)
			statsock_serve(s, fill_one, &hits);
	}
	statsock_close(s);
	_exit(0);
}

struct seen {
	int answered, silent;
	int64_t pid[8];
	char name[8][32];
};

static void
on_peer(void *arg, const struct statscan_peer *p, struct stats_snap *snap, int err)
{
	struct seen *s = arg;
	if (!snap) {
		CHECK_INT_EQ(err, ERR_AGAIN);
		s->silent++;
		return;
	}
	CHECK_STR_EQ(p->kind, "frontd");
	CHECK_INT_EQ(p->pid, snap->pid);
	const struct stats_metric *m = stats_find(snap, "hits");
	CHECK(m && m->value == 42);
	if (s->answered < 8) {
		s->pid[s->answered] = snap->pid;
		snprintf(s->name[s->answered], 32, "%.*s", (int)snap->name.len,
		         (const char *)snap->name.ptr);
	}
	s->answered++;
}

/* Waits up to 3 s for path to exist. */
static bool
wait_file(const char *path)
{
	for (int i = 0; i < 300; i++) {
		if (access(path, F_OK) == 0)
			return true;
		usleep(10000);
	}
	return false;
}

/* Leaves a socket file nobody listens on, named for pid. */
static void
make_stale(const char *dir, int pid, char *path, size_t cap)
{
	snprintf(path, cap, "%s/frontd-%d.sock", dir, pid);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	CHECK(strlen(path) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, path, MIN(strlen(path) + 1, sizeof(sa.sun_path) - 1));
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	close(fd);
}

static void
t_scan(void)
{
	char data[] = "/tmp/folio-test-stats-XXXXXX";
	CHECK(mkdtemp(data) != NULL);
	char dir[256], path[512], stale[512];
	snprintf(dir, sizeof(dir), "%s/%s", data, STATSOCK_DIR);
	/* Children first: this process touches nng only after forking them. */
	int quit[2];
	CHECK(pipe(quit) == 0);
	pid_t a = fork();
	if (a == 0) {
		close(quit[1]);
		child_serve(data, "unit.1", true, quit[0]);
	}
	pid_t mute = fork();
	if (mute == 0) {
		close(quit[1]);
		child_serve(data, "unit.mute", false, quit[0]);
	}
	close(quit[0]);
	pid_t dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	snprintf(path, sizeof(path), "%s/frontd-%d.sock", dir, (int)a);
	CHECK(wait_file(path));
	snprintf(path, sizeof(path), "%s/frontd-%d.sock", dir, (int)mute);
	CHECK(wait_file(path));
	make_stale(dir, (int)dead, stale, sizeof(stale));
	char other[600]; /* a file that is not a stats socket is ignored */
	snprintf(other, sizeof(other), "%s/notes.txt", dir);
	FILE *f = fopen(other, "w");
	if (f)
		fclose(f);

	struct seen s = {0};
	int64_t t0 = stats_mono_us();
	int asked = statscan_run(dir, 0, 300, on_peer, &s);
	int64_t took = stats_mono_us() - t0;
	CHECK_INT_EQ(asked, 2);
	CHECK_INT_EQ(s.answered, 1);
	CHECK_INT_EQ(s.silent, 1);
	CHECK_INT_EQ(s.pid[0], a);
	CHECK_STR_EQ(s.name[0], "unit.1");
	CHECK(took < 1000000);           /* one deadline for all, not one per socket */
	CHECK(access(stale, F_OK) != 0); /* the dead process's socket was removed */

	/* Skipping a pid leaves only the mute one. */
	s = (struct seen){0};
	CHECK_INT_EQ(statscan_run(dir, a, 100, on_peer, &s), 1);
	CHECK_INT_EQ(s.answered, 0);

	/* A killed process disappears from the next scan; a clean exit removes its file. */
	kill(mute, SIGKILL);
	waitpid(mute, NULL, 0);
	s = (struct seen){0};
	CHECK_INT_EQ(statscan_run(dir, 0, 300, on_peer, &s), 1);
	CHECK_INT_EQ(s.answered, 1);
	CHECK(access(path, F_OK) != 0);
	int st = -1;
	close(quit[1]);
	waitpid(a, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	snprintf(path, sizeof(path), "%s/frontd-%d.sock", dir, (int)a);
	CHECK(access(path, F_OK) != 0);
	s = (struct seen){0};
	CHECK_INT_EQ(statscan_run(dir, 0, 100, on_peer, &s), 0);
	CHECK_ERR(statscan_run("/nonexistent/folio/run/stats", 0, 100, on_peer, &s), ERR_NOTFOUND);

	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", data);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", data);
}

static const struct test tests[] = {
        {"hist_buckets", t_hist_buckets},
        {"quantile", t_quantile},
        {"round_trip", t_round_trip},
        {"request", t_request},
        {"refuses_foreign", t_refuses_foreign},
        {"refuses_bad_histograms", t_refuses_bad_histograms},
        {"prometheus", t_prometheus},
        {"scan", t_scan},
};
TEST_MAIN(tests)
