/* test_views.c: the request `folio views` builds (tools/folio/views.h). */
#include "tools/folio/views.h"

#include "tests/harness.h"

static const char *
query(unsigned long top, const char *since, const char *path, struct buf *b)
{
	buf_reset(b);
	CHECK_INT_EQ(views_query_path(b, top, since, path), 0);
	return buf_cstr(b);
}

static void
t_query_path(void)
{
	struct buf b;
	buf_init(&b, 0);
	CHECK_STR_EQ(query(0, NULL, NULL, &b), "/api/v1/views");
	CHECK_STR_EQ(query(5, NULL, NULL, &b), "/api/v1/views?top=5");
	CHECK_STR_EQ(query(0, "2024-05-01", NULL, &b), "/api/v1/views?since=2024-05-01");
	CHECK_STR_EQ(query(3, "2024-05-01", "/notes/a-b_c.d~e", &b),
	             "/api/v1/views?top=3&since=2024-05-01&path=/notes/a-b_c.d~e");
	/* Everything that could end or split the query is escaped, UTF-8 included. */
	CHECK_STR_EQ(query(0, NULL, "/a b&c=d?e#f%+\xc3\xa9", &b),
	             "/api/v1/views?path=/a%20b%26c%3Dd%3Fe%23f%25%2B%C3%A9");
	CHECK_STR_EQ(query(0, "x&y", NULL, &b), "/api/v1/views?since=x%26y");
	buf_fini(&b);
}

static const struct test tests[] = {
        {"query_path", t_query_path},
};

TEST_MAIN(tests)
