/*
 * test_check.c: the store check and the rebuild, on a real ingest in a temporary data
 * directory. A clean push checks clean; then the store is damaged one way at a time
 * (a record deleted, one added, an old version put back, garbage, a flipped gzip byte, a
 * push whose LMDB commit was skipped) and the check must name the page and the kind of
 * problem; a rebuild makes the check clean again.
 */
#include "ingestd/check.h"

#include <jansson.h>
#include <stdarg.h>

#include "ingestd/ingest.h"
#include "shared/config.h"
#include "shared/err.h"
#include "shared/log.h"
#include "shared/pagefmt.h"
#include "shared/pushmsg.h"
#include "shared/store.h"
#include "tests/harness.h"

/* The last check's counts; its reply goes to e->json, like a push's. */
#define INGEST_ENV_FIELDS struct check_report rep;
#include "tests/unit/ingestd/ingest_env.h"

static void
env_init(struct env *e)
{
	env_prepare(e, "check");
	env_open(e);
}

/* Runs a check; the reply is parsed into e->json and the counts into e->rep. */
static int
check(struct env *e)
{
	struct buf out;
	buf_init(&out, 0);
	int rc = check_run(e->in, &out, &e->rep);
	json_decref(e->json);
	e->json = json_loadb((const char *)out.ptr, out.len, 0, NULL);
	if (rc == 0 && !e->json) {
		CHECK_FAIL_("check reply is not JSON: %.*s", (int)out.len, (const char *)out.ptr);
	}
	buf_fini(&out);
	return rc;
}

/* True if the last check listed a problem of kind at url (NULL: a store-wide one). */
static bool
listed(struct env *e, const char *kind, const char *url)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(e->json, "listed"), i, p)
	{
		const char *k = json_string_value(json_object_get(p, "problem"));
		const char *u = json_string_value(json_object_get(p, "url"));
		if (k && strcmp(k, kind) == 0 &&
		    (url ? u && strcmp(u, url) == 0 : json_is_null(json_object_get(p, "url")))) {
			return true;
		}
	}
	return false;
}

/* The detail text of the first problem listed at url, or "". */
static const char *
detail_of(struct env *e, const char *url)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(e->json, "listed"), i, p)
	{
		const char *u = json_string_value(json_object_get(p, "url"));
		if (u && strcmp(u, url) == 0) {
			return json_string_value(json_object_get(p, "detail"));
		}
	}
	return "";
}

/* A copy of the record at url (heap; caller frees), or NULL. */
static uint8_t *
record_copy(struct env *e, const char *url, size_t *len)
{
	struct store *s = ingest_store(e->in);
	struct slice rec;
	uint8_t *copy = NULL;
	if (store_read_begin(s) == 0 && store_get(s, slice_str(url), &rec) == 0) {
		copy = malloc(rec.len);
		memcpy(copy, rec.ptr, rec.len);
		*len = rec.len;
	}
	store_read_end(s);
	return copy;
}

/* Damages the store behind ingestd's back: puts val at url (NULL: deletes url). */
static void
poke(struct env *e, const char *url, const void *val, size_t len)
{
	struct store_wtxn *t;
	CHECK_INT_EQ(store_write_begin(ingest_store(e->in), &t), 0);
	if (val) {
		CHECK_INT_EQ(store_put(t, slice_str(url), (struct slice){val, len}), 0);
	} else {
		CHECK_INT_EQ(store_del(t, slice_str(url)), 0);
	}
	CHECK_INT_EQ(store_write_commit(t), 0);
}

/* A note long enough to be stored with a gzip body. */
static const char long_note[] =
        "# Long\n\nSee [[A]] and [[B]]. Lorem ipsum dolor sit amet, consectetur adipiscing "
        "elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad "
        "minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea.\n";

static void
push_site(struct env *e)
{
	CHECK_INT_EQ(push(e, "index.md", "# Home\n\n[[A]], [[Long]]\n", "A.md",
	                  "---\npermalink: /alpha\n---\n# A\n\nSee [[B]].\n", "B.md", "# B\n",
	                  "Long.md", long_note, "img/x.txt", "plain text asset\n", "Draft.md",
	                  "---\npublish: false\n---\nhidden\n", NULL),
	             0);
}

static void
t_clean(void)
{
	struct env e;
	env_init(&e);
	CHECK_INT_EQ(check(&e), 0); /* an empty site: the site pages only */
	CHECK_INT_EQ(e.rep.problems, 0);
	CHECK(e.rep.expected >= 2);
	push_site(&e);
	CHECK_INT_EQ(check(&e), 0);
	CHECK_INT_EQ(e.rep.problems, 0);
	CHECK(json_is_true(json_object_get(e.json, "ok")));
	CHECK_INT_EQ(e.rep.records, e.rep.expected);
	CHECK_INT_EQ(e.rep.matched, e.rep.expected);
	/* notes, the redirect of A's slug URL, the asset, 404 and theme: at least 8 */
	CHECK(e.rep.expected >= 8);
	CHECK_INT_EQ(e.rep.db_gen, ingest_gen(e.in));
	CHECK_INT_EQ(e.rep.store_gen, ingest_store_gen(e.in));
	CHECK_INT_EQ(json_array_size(json_object_get(e.json, "listed")), 0);
	env_fini(&e);
}

static void
t_missing_and_extra(void)
{
	struct env e;
	env_init(&e);
	push_site(&e);
	size_t len = 0;
	uint8_t *rec = record_copy(&e, "/b", &len);
	CHECK(rec != NULL);
	poke(&e, "/b", NULL, 0);      /* B's page is gone */
	poke(&e, "/ghost", rec, len); /* a page no note claims */
	poke(&e, "/draft", rec, len); /* an unpublished note's URL */
	CHECK_INT_EQ(check(&e), 0);
	CHECK_INT_EQ(e.rep.problems, 3);
	CHECK_INT_EQ(e.rep.by_kind[CHECK_MISSING], 1);
	CHECK_INT_EQ(e.rep.by_kind[CHECK_EXTRA], 2);
	CHECK(listed(&e, "missing", "/b"));
	CHECK(listed(&e, "extra", "/ghost"));
	CHECK(listed(&e, "extra", "/draft"));
	CHECK(json_is_false(json_object_get(e.json, "ok")));

	/* A key that is not UTF-8 (damage can write anything) still gives valid JSON. */
	poke(&e, "/bad\xff\x01\"q", rec, len);
	CHECK_INT_EQ(check(&e), 0);
	CHECK(e.json != NULL);
	CHECK(listed(&e, "extra", "/bad??\"q"));
	free(rec);
	env_fini(&e);
}

static void
t_stale(void)
{
	struct env e;
	env_init(&e);
	push_site(&e);
	size_t len = 0, rlen = 0;
	uint8_t *old = record_copy(&e, "/b", &len);
	uint8_t *redirect = record_copy(&e, "/a", &rlen); /* the slug URL redirects to /alpha */
	CHECK(old && redirect);
	CHECK_INT_EQ(push(&e, "B.md", "# B\n\nversion two\n", NULL), 0);
	CHECK_INT_EQ(check(&e), 0);
	CHECK_INT_EQ(e.rep.problems, 0);
	poke(&e, "/b", old, len);           /* the previous version is back */
	poke(&e, "/alpha", redirect, rlen); /* a note page replaced by a redirect */
	CHECK_INT_EQ(check(&e), 0);
	CHECK_INT_EQ(e.rep.by_kind[CHECK_STALE], 2);
	CHECK(listed(&e, "stale", "/b"));
	CHECK(strstr(detail_of(&e, "/b"), "ETag") != NULL);
	CHECK(listed(&e, "stale", "/alpha"));
	CHECK(strstr(detail_of(&e, "/alpha"), "status 301") != NULL);
	free(old);
	free(redirect);
	env_fini(&e);
}

static void
t_corrupt(void)
{
	struct env e;
	env_init(&e);
	push_site(&e);
	poke(&e, "/b", "garbage", 7);
	size_t len = 0;
	uint8_t *rec = record_copy(&e, "/long", &len);
	struct page_view v;
	CHECK(rec && page_decode((struct slice){rec, len}, &v) == 0);
	CHECK(v.flags & PAGE_GZIP);
	/* One bit of the deflate stream, in the middle of the gzip body. */
	struct slice gz = v.sec[PAGE_SEC_BODY_GZIP];
	rec[(size_t)(gz.ptr - rec) + gz.len / 2] ^= 0x10;
	poke(&e, "/long", rec, len);
	CHECK_INT_EQ(check(&e), 0);
	CHECK_INT_EQ(e.rep.by_kind[CHECK_CORRUPT], 2);
	CHECK(listed(&e, "corrupt", "/b"));
	CHECK(listed(&e, "corrupt", "/long"));
	CHECK(strstr(detail_of(&e, "/long"), "gzip") != NULL);
	free(rec);
	env_fini(&e);
}

static void
t_generation_behind(void)
{
	struct env e;
	env_init(&e);
	push_site(&e);
	ingest_test_skip_store_commit(e.in, 1);
	CHECK_INT_EQ(push(&e, "C.md", "# C\n\nnew, linking [[B]]\n", NULL), 0);
	ingest_test_skip_store_commit(e.in, 0);
	CHECK_INT_EQ(check(&e), 0);
	CHECK(listed(&e, "generation", NULL));
	CHECK(listed(&e, "missing", "/c"));
	CHECK(listed(&e, "stale", "/b")); /* B's backlinks now include C */
	CHECK(e.rep.store_gen < e.rep.db_gen);
	env_fini(&e);
}

static void
t_rebuild_repairs(void)
{
	struct env e;
	env_init(&e);
	push_site(&e);
	size_t len = 0;
	uint8_t *rec = record_copy(&e, "/b", &len);
	poke(&e, "/ghost", rec, len);
	poke(&e, "/b", NULL, 0);
	poke(&e, "/long", "x", 1);
	CHECK_INT_EQ(check(&e), 0);
	CHECK_INT_EQ(e.rep.problems, 3);

	uint64_t gen = ingest_gen(e.in);
	struct buf out;
	buf_init(&out, 0);
	CHECK_INT_EQ(check_rebuild(e.in, &out), 0);
	json_t *r = json_loadb((const char *)out.ptr, out.len, 0, NULL);
	CHECK(r != NULL);
	CHECK_INT_EQ(json_integer_value(json_object_get(r, "generation")), gen + 1);
	CHECK_INT_EQ(ingest_gen(e.in), gen + 1);
	CHECK_INT_EQ(ingest_store_gen(e.in), gen + 1);
	CHECK(json_integer_value(json_object_get(r, "pages")) >= 8);
	CHECK(json_integer_value(json_object_get(r, "rendered")) >= 4);
	CHECK(json_is_number(json_object_get(r, "elapsed_ms")));
	json_decref(r);
	buf_fini(&out);

	CHECK_INT_EQ(check(&e), 0);
	CHECK_INT_EQ(e.rep.problems, 0);
	CHECK_INT_EQ(e.rep.matched, e.rep.expected);
	free(rec);
	env_fini(&e);
}

static const struct test tests[] = {
        {"clean", t_clean},
        {"missing_and_extra", t_missing_and_extra},
        {"stale", t_stale},
        {"corrupt", t_corrupt},
        {"generation_behind", t_generation_behind},
        {"rebuild_repairs", t_rebuild_repairs},
};

/* The check logs each problem it finds at warn; the tests make many on purpose. */
__attribute__((constructor)) static void
quiet_logs(void)
{
	log_init("test_check", LOG_ERR);
}

TEST_MAIN(tests)
