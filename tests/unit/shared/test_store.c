/* The LMDB store: writer and reader handles on one environment, snapshot freshness,
 * generations, growth of a full map that a reader follows, and schema checks. */
#include <stdlib.h>

#include "shared/err.h"
#include "shared/store.h"
#include "tests/harness.h"

static char dir[64];

static void
fresh_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/folio-test-store-XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
}

static void
cleanup(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK_INT_EQ(system(cmd), 0);
}

static void
put1(struct store *w, const char *k, const char *v, uint64_t gen)
{
	struct store_wtxn *t;
	CHECK_INT_EQ(store_write_begin(w, &t), 0);
	CHECK_INT_EQ(store_put(t, slice_str(k), slice_str(v)), 0);
	CHECK_INT_EQ(store_set_gen(t, gen), 0);
	CHECK_INT_EQ(store_write_commit(t), 0);
}

static void
t_reader_before_writer(void)
{
	fresh_dir();
	struct store *r;
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/pages", dir);
	CHECK_ERR(store_open(&r, sub, STORE_READER, 0, 0), ERR_NOTFOUND);
	cleanup();
}

static void
t_write_read_fresh(void)
{
	fresh_dir();
	struct store *w, *r;
	CHECK_INT_EQ(store_open(&w, dir, STORE_WRITER, 1 << 20, 64), 0);
	put1(w, "/a", "one", 1);
	CHECK_INT_EQ(store_open(&r, dir, STORE_READER, 0, 0), 0);
	struct slice v;
	CHECK_INT_EQ(store_read_begin(r), 0);
	CHECK_INT_EQ(store_get(r, SLICE_LIT("/a"), &v), 0);
	CHECK_MEM_STR(v.ptr, v.len, "one");
	CHECK_INT_EQ(store_read_gen(r), 1);
	CHECK_ERR(store_get(r, SLICE_LIT("/missing"), &v), ERR_NOTFOUND);
	CHECK_ERR(store_get(r, SLICE_LIT(""), &v), ERR_NOTFOUND);

	/* A commit while the reader's txn is open: the next begin sees it. */
	put1(w, "/a", "two", 2);
	CHECK_INT_EQ(store_read_begin(r), 0);
	CHECK_INT_EQ(store_get(r, SLICE_LIT("/a"), &v), 0);
	CHECK_MEM_STR(v.ptr, v.len, "two");
	CHECK_INT_EQ(store_read_gen(r), 2);
	store_read_end(r);
	CHECK_ERR(store_get(r, SLICE_LIT("/a"), &v), ERR_STALE);

	uint64_t gen = 0;
	CHECK_INT_EQ(store_gen(w, &gen), 0);
	CHECK_INT_EQ(gen, 2);

	struct store_wtxn *t;
	CHECK_INT_EQ(store_write_begin(w, &t), 0);
	CHECK_INT_EQ(store_del(t, SLICE_LIT("/a")), 0);
	CHECK_INT_EQ(store_del(t, SLICE_LIT("/never")), 0);
	store_write_abort(t); /* aborted: /a stays */
	CHECK_INT_EQ(store_read_begin(r), 0);
	CHECK_INT_EQ(store_get(r, SLICE_LIT("/a"), &v), 0);
	store_read_end(r);
	CHECK_ERR(store_write_begin(r, &t), ERR_PERM);
	store_close(r);
	store_close(w);
	cleanup();
}

static int
count_cb(void *arg, struct slice k, struct slice v)
{
	(void)k;
	(void)v;
	(*(int *)arg)++;
	return 0;
}

static void
t_grow_followed_by_reader(void)
{
	fresh_dir();
	struct store *w, *r;
	CHECK_INT_EQ(store_open(&w, dir, STORE_WRITER, 1 << 20, 64), 0);
	put1(w, "/first", "x", 1);
	CHECK_INT_EQ(store_open(&r, dir, STORE_READER, 0, 0), 0);
	CHECK_INT_EQ(store_read_begin(r), 0);
	store_read_end(r);

	/* Fill a 1 MiB map, then grow and replay the same txn as ingestd does. */
	static char val[64 * 1024];
	memset(val, 'v', sizeof(val));
	int full = 0, grown = 0;
	for (int attempt = 0; attempt < 6; attempt++) {
		struct store_wtxn *t;
		CHECK_INT_EQ(store_write_begin(w, &t), 0);
		int rc = 0;
		for (int i = 0; i < 40 && !rc; i++) {
			char k[32];
			snprintf(k, sizeof(k), "/big/%d", i);
			rc = store_put(t, slice_str(k),
			               (struct slice){(uint8_t *)val, sizeof(val)});
		}
		if (!rc)
			rc = store_set_gen(t, 2);
		if (rc == ERR_FULL) {
			full++;
			store_write_abort(t);
			CHECK_INT_EQ(store_grow(w, 0), 0);
			continue;
		}
		CHECK_INT_EQ(rc, 0);
		CHECK_INT_EQ(store_write_commit(t), 0);
		grown = 1;
		break;
	}
	CHECK(full > 0);
	CHECK(grown);
	/* The reader follows the larger map without reopening. */
	struct slice v;
	CHECK_INT_EQ(store_read_begin(r), 0);
	CHECK_INT_EQ(store_get(r, SLICE_LIT("/big/39"), &v), 0);
	CHECK_INT_EQ(v.len, sizeof(val));
	CHECK_INT_EQ(store_read_gen(r), 2);
	store_read_end(r);
	int n = 0;
	CHECK_INT_EQ(store_each(r, count_cb, &n), 0);
	CHECK_INT_EQ(n, 41);
	struct store_info info;
	CHECK_INT_EQ(store_info(w, &info), 0);
	CHECK(info.map_size > (1u << 20));
	CHECK(info.map_used > 40u * sizeof(val));
	store_close(r);
	store_close(w);
	cleanup();
}

static void
t_drop_all(void)
{
	fresh_dir();
	struct store *w;
	CHECK_INT_EQ(store_open(&w, dir, STORE_WRITER, 1 << 20, 64), 0);
	put1(w, "/a", "1", 1);
	put1(w, "/b", "2", 2);
	struct store_wtxn *t;
	CHECK_INT_EQ(store_write_begin(w, &t), 0);
	CHECK_INT_EQ(store_drop_all(t), 0);
	CHECK_INT_EQ(store_write_commit(t), 0);
	int n = 0;
	CHECK_INT_EQ(store_each(w, count_cb, &n), 0);
	CHECK_INT_EQ(n, 0);
	uint64_t gen;
	CHECK_INT_EQ(store_gen(w, &gen), 0);
	CHECK_INT_EQ(gen, 2); /* meta survives */
	store_close(w);
	cleanup();
}

static const struct test tests[] = {
        {"reader_before_writer", t_reader_before_writer},
        {"write_read_fresh", t_write_read_fresh},
        {"grow_followed_by_reader", t_grow_followed_by_reader},
        {"drop_all", t_drop_all},
};
TEST_MAIN(tests)
