/*
 * test_views.c: ingestd's side of view counting: the day arithmetic, storing batches in
 * SQLite once per (front, seq) even across a reopen, an aborted batch leaving no trace,
 * the read queries, GET /api/v1/views's parameters and JSON (viewapi.h), and the reply
 * socket end to end (viewsink.h): stored, duplicate and refused batches are answered as
 * such and counted.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingestd/source.h"
#include "ingestd/viewapi.h"
#include "ingestd/viewdb.h"
#include "ingestd/viewsink.h"
#include "shared/bus.h"
#include "shared/config.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/events.h"
#include "tests/harness.h"

struct db {
	char dir[64], file[128];
	struct source *src;
	struct viewdb *vdb;
};

static bool
db_open(struct db *d, bool fresh)
{
	if (fresh) {
		snprintf(d->dir, sizeof(d->dir), "/tmp/folio-views-XXXXXX");
		if (!mkdtemp(d->dir))
			return false;
		snprintf(d->file, sizeof(d->file), "%s/folio.db", d->dir);
	}
	return source_open(&d->src, d->file) == 0 && viewdb_open(&d->vdb, d->src) == 0;
}

static void
db_close(struct db *d)
{
	viewdb_close(d->vdb);
	source_close(d->src);
	d->vdb = NULL;
	d->src = NULL;
}

static void
db_remove(struct db *d)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->dir);
	if (system(cmd) != 0)
		printf("    (could not remove %s)\n", d->dir);
}

/* Stores one batch of (path, count) pairs; returns 1 stored, 0 duplicate, <0 error. */
static int
store(struct db *d, uint64_t front, uint64_t seq, uint32_t day, const char *const *paths,
      const uint64_t *counts, size_t n)
{
	bool dup = false;
	int rc = viewdb_begin(d->vdb, front, seq, &dup);
	if (rc || dup)
		return rc ? rc : 0;
	for (size_t i = 0; i < n && !rc; i++)
		rc = viewdb_add(d->vdb, day, slice_str(paths[i]), counts[i]);
	if (!rc)
		rc = viewdb_commit(d->vdb, front, seq, 1700000000);
	if (rc)
		viewdb_abort(d->vdb);
	return rc ? rc : 1;
}

static uint64_t
total(struct db *d, const char *since, const char *path)
{
	struct viewdb_query q = {since, path, 10};
	uint64_t views = 0, pages = 0;
	CHECK_INT_EQ(viewdb_total(d->vdb, &q, &views, &pages), 0);
	return views;
}

struct rows {
	int n;
	char key[8][64];
	uint64_t views[8];
};

static int
row(void *arg, const char *key, uint64_t views)
{
	struct rows *r = arg;
	if (r->n < 8) {
		snprintf(r->key[r->n], sizeof(r->key[0]), "%s", key);
		r->views[r->n] = views;
	}
	r->n++;
	return 0;
}

static void
t_days(void)
{
	char s[VIEWDB_DAY_LEN + 1];
	uint32_t d = 1;
	viewdb_day_str(0, s);
	CHECK_STR_EQ(s, "1970-01-01");
	viewdb_day_str(19782, s);
	CHECK_STR_EQ(s, "2024-02-29");
	CHECK_INT_EQ(viewdb_day_parse(SLICE_LIT("1970-01-01"), &d), 0);
	CHECK_INT_EQ(d, 0);
	CHECK_INT_EQ(viewdb_day_parse(SLICE_LIT("2024-02-29"), &d), 0);
	CHECK_INT_EQ(d, 19782);
	for (uint32_t day = 0; day < 200000; day += 7) {
		viewdb_day_str(day, s);
		CHECK_INT_EQ(viewdb_day_parse(slice_str(s), &d), 0);
		if (d != day) {
			CHECK_FAIL_("day %u -> %s -> %u", day, s, d);
			break;
		}
	}
	const char *bad[] = {"2023-02-29", "2024-13-01", "2024-00-10",  "2024-1-01", "1969-12-31",
	                     "2024-01-32", "2024/01/01", "2024-01-01x", "",          "abcd-ef-gh"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		if (viewdb_day_parse(slice_str(bad[i]), &d) != ERR_INVAL)
			CHECK_FAIL_("\"%s\" parsed", bad[i]);
}

static void
t_store_once(void)
{
	struct db d;
	CHECK(db_open(&d, true));
	const char *p1[] = {"/", "/a"};
	const uint64_t c1[] = {3, 4};
	CHECK_INT_EQ(store(&d, 11, 1, 19782, p1, c1, 2), 1);
	/* The same batch again, or an older one, is a duplicate and adds nothing. */
	CHECK_INT_EQ(store(&d, 11, 1, 19782, p1, c1, 2), 0);
	CHECK_INT_EQ(store(&d, 11, 0, 19782, p1, c1, 2), 0);
	CHECK_INT_EQ(total(&d, NULL, NULL), 7);
	/* The next seq and another front's seq 1 are stored; counts add up per day. */
	const char *p2[] = {"/a"};
	const uint64_t c2[] = {10};
	CHECK_INT_EQ(store(&d, 11, 2, 19783, p2, c2, 1), 1);
	CHECK_INT_EQ(store(&d, 12, 1, 19782, p2, c2, 1), 1);
	CHECK_INT_EQ(total(&d, NULL, NULL), 27);
	CHECK_INT_EQ(total(&d, NULL, "/a"), 24);
	CHECK_INT_EQ(total(&d, "2024-03-01", NULL), 10);
	CHECK_INT_EQ(total(&d, "2024-03-02", NULL), 0);

	/* An aborted batch leaves neither counts nor its seq: its resend is stored. */
	bool dup = true;
	CHECK_INT_EQ(viewdb_begin(d.vdb, 11, 3, &dup), 0);
	CHECK(!dup);
	CHECK_INT_EQ(viewdb_add(d.vdb, 19783, SLICE_LIT("/a"), 1000), 0);
	viewdb_abort(d.vdb);
	CHECK_INT_EQ(total(&d, NULL, NULL), 27);
	CHECK_INT_EQ(store(&d, 11, 3, 19783, p2, c2, 1), 1);
	CHECK_INT_EQ(total(&d, NULL, NULL), 37);

	/* Durable: after a reopen (ingestd restarted) the last seq still rules. */
	db_close(&d);
	CHECK(db_open(&d, false));
	CHECK_INT_EQ(store(&d, 11, 3, 19783, p2, c2, 1), 0);
	CHECK_INT_EQ(store(&d, 11, 4, 19783, p2, c2, 1), 1);
	CHECK_INT_EQ(total(&d, NULL, NULL), 47);

	/* Reads: top paths by views, ties by path; per-day rows of one path. */
	struct rows r = {0};
	struct viewdb_query q = {NULL, NULL, 10};
	CHECK_INT_EQ(viewdb_top(d.vdb, &q, row, &r), 0);
	CHECK_INT_EQ(r.n, 2);
	CHECK_STR_EQ(r.key[0], "/a");
	CHECK_INT_EQ(r.views[0], 44);
	CHECK_STR_EQ(r.key[1], "/");
	q.top = 1;
	r = (struct rows){0};
	CHECK_INT_EQ(viewdb_top(d.vdb, &q, row, &r), 0);
	CHECK_INT_EQ(r.n, 1);
	q = (struct viewdb_query){NULL, "/a", 10};
	r = (struct rows){0};
	CHECK_INT_EQ(viewdb_days(d.vdb, &q, row, &r), 0);
	CHECK_INT_EQ(r.n, 2);
	CHECK_STR_EQ(r.key[0], "2024-02-29");
	CHECK_INT_EQ(r.views[0], 14);
	CHECK_STR_EQ(r.key[1], "2024-03-01");
	CHECK_INT_EQ(r.views[1], 30);
	/* Old senders are forgotten; their seqs then start over. */
	CHECK_INT_EQ(viewdb_prune_senders(d.vdb, 1700000001), 0);
	CHECK_INT_EQ(store(&d, 12, 1, 19782, p2, c2, 1), 1);
	db_close(&d);
	db_remove(&d);
}

/* Runs the API handler; returns its code and leaves the body in out. */
static int
api(struct db *d, const char *query, struct buf *out)
{
	buf_reset(out);
	int rc = viewapi_json(d->vdb, slice_str(query), out);
	buf_cstr(out);
	return rc;
}

static void
t_api(void)
{
	struct db d;
	CHECK(db_open(&d, true));
	const char *p[] = {"/", "/caf\xc3\xa9 note", "/b"};
	const uint64_t c[] = {5, 7, 1};
	CHECK_INT_EQ(store(&d, 1, 1, 19782, p, c, 3), 1);
	CHECK_INT_EQ(store(&d, 1, 2, 19783, p, c, 1), 1);
	struct buf b;
	buf_init(&b, 0);
	CHECK_INT_EQ(api(&d, "", &b), 0);
	CHECK_STR_EQ(
	        (const char *)b.ptr,
	        "{\"since\":null,\"total\":18,\"pages\":3,\"paths\":[{\"path\":\"/\",\"views\":10},"
	        "{\"path\":\"/caf\xc3\xa9 note\",\"views\":7},{\"path\":\"/b\",\"views\":1}]}");
	CHECK_INT_EQ(api(&d, "top=1&since=2024-03-01", &b), 0);
	CHECK_STR_EQ((const char *)b.ptr, "{\"since\":\"2024-03-01\",\"total\":5,\"pages\":1,"
	                                  "\"paths\":[{\"path\":\"/\",\"views\":5}]}");
	CHECK_INT_EQ(api(&d, "path=%2Fcaf%C3%A9+note", &b), 0);
	CHECK_STR_EQ((const char *)b.ptr,
	             "{\"since\":null,\"path\":\"/caf\xc3\xa9 note\",\"total\":7,\"pages\":1,"
	             "\"paths\":[{\"path\":\"/caf\xc3\xa9 note\",\"views\":7}],"
	             "\"days\":[{\"day\":\"2024-02-29\",\"views\":7}]}");
	CHECK_INT_EQ(api(&d, "path=/&since=2024-02-29&", &b), 0);
	CHECK_STR_EQ((const char *)b.ptr,
	             "{\"since\":\"2024-02-29\",\"path\":\"/\",\"total\":10,\"pages\":1,"
	             "\"paths\":[{\"path\":\"/\",\"views\":10}],\"days\":[{\"day\":\"2024-02-29\","
	             "\"views\":5},{\"day\":\"2024-03-01\",\"views\":5}]}");
	CHECK_INT_EQ(api(&d, "path=/never", &b), 0);
	CHECK_STR_EQ((const char *)b.ptr, "{\"since\":null,\"path\":\"/never\",\"total\":0,"
	                                  "\"pages\":0,\"paths\":[],\"days\":[]}");

	const char *bad[] = {"top=0",   "top=abc",     "top=100001", "since=2023-02-30",
	                     "path=x",  "path=",       "what=1",     "top=1&top=2",
	                     "path=%2", "path=/a%00b", "since=",     "top=-1"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		if (api(&d, bad[i], &b) != ERR_INVAL || b.len == 0)
			CHECK_FAIL_("query \"%s\" was not refused with a message", bad[i]);
	}
	api(&d, "what=1", &b);
	CHECK_STR_EQ((const char *)b.ptr, "unknown parameter \"what\" (known: top, since, path)");
	buf_fini(&b);
	db_close(&d);
	db_remove(&d);
}

/* ---- the reply socket -------------------------------------------------------------------- */

struct front {
	struct bus *req;
	int fd;
};

/* Sends msg as a front would and waits for the answer; false if none comes in 1 s. */
static bool
ask(struct front *f, struct viewsink *sink, struct slice msg, enum event_views_status *st,
    uint64_t *seq)
{
	int rc = ERR_AGAIN;
	for (int i = 0; i < 200 && rc == ERR_AGAIN; i++) {
		rc = bus_send(f->req, msg);
		if (rc == ERR_AGAIN)
			usleep(10000);
	}
	if (rc)
		return false;
	for (int i = 0; i < 100; i++) {
		struct pollfd pf[2] = {{viewsink_fd(sink), POLLIN, 0}, {f->fd, POLLIN, 0}};
		poll(pf, 2, 10);
		if (pf[0].revents & POLLIN)
			viewsink_handle(sink);
		uint8_t m[64];
		size_t len;
		if (bus_recv(f->req, m, sizeof(m), &len) == 0) {
			uint64_t id;
			return events_decode_views_ack((struct slice){m, len}, &id, seq, st) == 0;
		}
	}
	return false;
}

static void
t_sink(void)
{
	struct db d;
	CHECK(db_open(&d, true));
	char run[128], err[256], url[160];
	snprintf(run, sizeof(run), "%s/run", d.dir);
	mkdir(run, 0755);
	struct config c;
	config_init(&c);
	config_set(&c, "data_dir", d.dir, err, sizeof(err));
	struct ingest_stats st = {0};
	struct viewsink *sink = NULL;
	CHECK_INT_EQ(viewsink_open(&sink, &c, d.vdb, &st), 0);
	if (!sink)
		return;
	snprintf(url, sizeof(url), "ipc://%s/views.sock", run);
	struct front f;
	CHECK_INT_EQ(bus_req_open(&f.req, url), 0);
	CHECK_INT_EQ(bus_recv_fd(f.req, &f.fd), 0);

	struct buf b;
	buf_init(&b, 0);
	struct event_views h = {0xabcdef, 1, 19782, 2};
	events_encode_views_head(&b, &h);
	events_encode_views_entry(&b, SLICE_LIT("/a"), 3);
	events_encode_views_entry(&b, SLICE_LIT("/b"), 4);
	enum event_views_status s = EVENT_VIEWS_REFUSED;
	uint64_t seq = 0;
	CHECK(ask(&f, sink, buf_slice(&b), &s, &seq));
	CHECK_INT_EQ(s, EVENT_VIEWS_STORED);
	CHECK_INT_EQ(seq, 1);
	CHECK_INT_EQ(st.view_batches_stored, 1);
	CHECK_INT_EQ(st.views_stored, 7);
	/* The ack was lost, say: the resend is answered but not stored again. */
	CHECK(ask(&f, sink, buf_slice(&b), &s, &seq));
	CHECK_INT_EQ(s, EVENT_VIEWS_DUPLICATE);
	CHECK_INT_EQ(st.view_batches_duplicate, 1);
	CHECK_INT_EQ(total(&d, NULL, NULL), 7);

	/* A batch with a bad entry is refused, so its front stops sending it. */
	buf_reset(&b);
	h = (struct event_views){0xabcdef, 2, 19782, 1};
	events_encode_views_head(&b, &h);
	events_encode_views_entry(&b, SLICE_LIT("no-slash"), 3);
	CHECK(ask(&f, sink, buf_slice(&b), &s, &seq));
	CHECK_INT_EQ(s, EVENT_VIEWS_REFUSED);
	CHECK_INT_EQ(seq, 2);
	CHECK_INT_EQ(st.view_batches_refused, 1);
	/* Bytes that are not a batch at all get no answer and are counted. */
	CHECK(!ask(&f, sink, SLICE_LIT("hello"), &s, &seq));
	CHECK_INT_EQ(st.view_batches_refused, 2);
	CHECK_INT_EQ(total(&d, NULL, NULL), 7);

	buf_fini(&b);
	bus_close(f.req);
	viewsink_close(sink);
	config_fini(&c);
	db_close(&d);
	db_remove(&d);
}

static const struct test tests[] = {
        {"days", t_days},
        {"store_once", t_store_once},
        {"api", t_api},
        {"sink", t_sink},
};

TEST_MAIN(tests)
