/*
 * test_export.c: folio export's file names. URLs become names nginx finds with
 * try_files $uri $uri.html $uri/index.html; keys that could leave the export folder are
 * refused.
 */
#include "tests/harness.h"
#include "tools/folio/export.h"

static const char *
rel(const char *key, bool html)
{
	static char out[256];
	int n = export_rel_path((const uint8_t *)key, strlen(key), html, out, sizeof(out));
	return n < 0 ? NULL : out;
}

static void
t_names(void)
{
	CHECK_STR_EQ(rel("/", true), "index.html");
	CHECK_STR_EQ(rel("/folder/my-note", true), "folder/my-note.html");
	CHECK_STR_EQ(rel("/folder/", true), "folder/index.html");
	CHECK_STR_EQ(rel("/page.html", true), "page.html");
	CHECK_STR_EQ(rel("/Page.HTML", true), "Page.HTML");
	CHECK_STR_EQ(rel("/_folio/404", true), "_folio/404.html");
	CHECK_STR_EQ(rel("/_folio/folio.0123456789ab.css", false), "_folio/folio.0123456789ab.css");
	CHECK_STR_EQ(rel("/img/figure 1.svg", false), "img/figure 1.svg");
	CHECK_STR_EQ(rel("/a..b/c", false), "a..b/c");
	CHECK_STR_EQ(rel("/.well-known/x", false), ".well-known/x");
}

static void
t_unsafe_keys(void)
{
	CHECK(rel("", true) == NULL);
	CHECK(rel("relative", true) == NULL);
	CHECK(rel("/..", false) == NULL);
	CHECK(rel("/../etc/passwd", false) == NULL);
	CHECK(rel("/a/../../b", false) == NULL);
	CHECK(rel("/a/./b", false) == NULL);
	CHECK(rel("/a//b", false) == NULL);
	CHECK(rel("/a/..", true) == NULL);
	static const uint8_t nul[] = {'/', 'a', 0, 'b'};
	char out[64];
	CHECK(export_rel_path(nul, sizeof(nul), false, out, sizeof(out)) < 0);
	/* Too long for the caller's buffer: refused, not cut. */
	char key[300];
	memset(key, 'x', sizeof(key) - 1);
	key[0] = '/';
	key[sizeof(key) - 1] = '\0';
	CHECK(export_rel_path((const uint8_t *)key, strlen(key), true, out, sizeof(out)) < 0);
}

static const struct test tests[] = {
        {"names", t_names},
        {"unsafe_keys", t_unsafe_keys},
};

TEST_MAIN(tests)
