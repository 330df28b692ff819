/*
 * test_key.c: where the CLI finds the API key, and which keys it refuses.
 * tools/folio has no archive of its own, so the module is compiled into the test.
 */
#include "tools/folio/key.c"

#include <stdlib.h>

#include "tests/harness.h"

static char dir[256];

static void
write_file(const char *name, const char *content)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	if (!f) {
		CHECK_FAIL_("cannot create %s", p);
		return;
	}
	fputs(content, f);
	fclose(f);
}

static void
t_read_file(void)
{
	char key[KEY_MAX + 1], err[256], p[512];

	snprintf(dir, sizeof(dir), "/tmp/folio-test-key.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	write_file("api.key", "  s3cret-KEY_1 \r\nsecond line\n");
	snprintf(p, sizeof(p), "%s/api.key", dir);
	CHECK_INT_EQ(key_read_file(p, key, sizeof(key), err, sizeof(err)), 0);
	CHECK_STR_EQ(key, "s3cret-KEY_1");

	write_file("empty.key", "\n\n");
	snprintf(p, sizeof(p), "%s/empty.key", dir);
	CHECK_ERR(key_read_file(p, key, sizeof(key), err, sizeof(err)), ERR_INVAL);
	CHECK(strstr(err, "empty.key") != NULL);

	write_file("space.key", "two words\n");
	snprintf(p, sizeof(p), "%s/space.key", dir);
	CHECK_ERR(key_read_file(p, key, sizeof(key), err, sizeof(err)), ERR_INVAL);

	snprintf(p, sizeof(p), "%s/missing.key", dir);
	CHECK_ERR(key_read_file(p, key, sizeof(key), err, sizeof(err)), ERR_NOTFOUND);
	CHECK(strstr(err, "missing.key") != NULL);

	// Longer than KEY_MAX: refused, not truncated.
	char big[KEY_MAX + 10];
	memset(big, 'k', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	write_file("big.key", big);
	snprintf(p, sizeof(p), "%s/big.key", dir);
	CHECK_ERR(key_read_file(p, key, sizeof(key), err, sizeof(err)), ERR_INVAL);
}

static void
t_resolve_order(void)
{
	char key[KEY_MAX + 1], err[256], kf[512];
	const char *from = NULL;

	write_file("other.key", "from-file\n");
	snprintf(kf, sizeof(kf), "%s/other.key", dir);

	struct key_sources all = {
	        .key = "from-flag", .env = "from-env", .key_file = kf, .data_dir = dir};
	CHECK_INT_EQ(key_resolve(&all, key, sizeof(key), &from, err, sizeof(err)), 0);
	CHECK_STR_EQ(key, "from-flag");
	CHECK_STR_EQ(from, "--key");

	all.key = NULL;
	CHECK_INT_EQ(key_resolve(&all, key, sizeof(key), &from, err, sizeof(err)), 0);
	CHECK_STR_EQ(key, "from-env");

	all.env = ""; // an empty variable counts as unset
	CHECK_INT_EQ(key_resolve(&all, key, sizeof(key), &from, err, sizeof(err)), 0);
	CHECK_STR_EQ(key, "from-file");

	all.key_file = NULL;
	CHECK_INT_EQ(key_resolve(&all, key, sizeof(key), &from, err, sizeof(err)), 0);
	CHECK_STR_EQ(key, "s3cret-KEY_1"); // DATA/api.key
	CHECK_STR_EQ(from, "DATA/api.key");

	struct key_sources none = {.data_dir = "/nonexistent/folio"};
	CHECK_ERR(key_resolve(&none, key, sizeof(key), &from, err, sizeof(err)), ERR_NOTFOUND);
	CHECK(strstr(err, "/nonexistent/folio/api.key") != NULL);

	struct key_sources bad = {.key = "has space"};
	CHECK_ERR(key_resolve(&bad, key, sizeof(key), &from, err, sizeof(err)), ERR_INVAL);
	bad.key = "";
	CHECK_ERR(key_resolve(&bad, key, sizeof(key), &from, err, sizeof(err)), ERR_INVAL);
	bad.key = "caf\xc3\xa9";
	CHECK_ERR(key_resolve(&bad, key, sizeof(key), &from, err, sizeof(err)), ERR_INVAL);

	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK_INT_EQ(system(cmd), 0);
}

static const struct test tests[] = {
        {"read_file", t_read_file},
        {"resolve_order", t_resolve_order},
};
TEST_MAIN(tests)
