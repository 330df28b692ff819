/*
 * test_plan.c: the diff between a vault and the server's file list, and parsing that list.
 * tools/folio has no archive of its own, so the module is compiled into the test.
 */
#include "tools/folio/plan.c"

#include "tests/harness.h"

/* A 64-digit hash made of one repeated hex digit. */
#define H4(c)  c c c c
#define H16(c) H4(c) H4(c) H4(c) H4(c)
#define H(c)   H16(c) H16(c) H16(c) H16(c)

static struct walk_file
wf(const char *path, const char *hash, uint64_t size)
{
	struct walk_file f = {.path = (char *)(uintptr_t)path, .size = size};
	snprintf(f.sha256, sizeof(f.sha256), "%s", hash);
	return f;
}

static int
parse(struct plan *p, const char *json)
{
	char err[256];
	return plan_parse_remote(p, slice_str(json), err, sizeof(err));
}

static void
t_diff(void)
{
	struct walk_file files[] = {wf("a.md", H("1"), 10), wf("b.md", H("2"), 20),
	                            wf("d.md", H("4"), 40), wf("e.md", H("a"), 50)};
	struct walk w = {.files = files, .nfiles = ARRAY_LEN(files)};
	struct plan p;

	plan_init(&p);
	CHECK_INT_EQ(
	        parse(&p,
	              "{\"files\":[{\"path\":\"c.md\",\"sha256\":\"" H(
	                      "3") "\"},"
	                           "{\"path\":\"a.md\",\"sha256\":\"" H(
	                                   "1") "\"},"
	                                        "{\"path\":\"b.md\",\"sha256\":\"" H(
	                                                "9") "\"},"
	                                                     "{\"path\":\"e.md\",\"sha256\":\"" H(
	                                                             "A") "\"}]}"),
	        0);
	CHECK_INT_EQ(p.nremote, 4);
	CHECK_STR_EQ(p.remote[0].path, "a.md"); // sorted
	plan_build(&p, &w);
	CHECK_INT_EQ(p.nupserts, 2);
	CHECK_STR_EQ(p.upserts[0].file->path, "b.md");
	CHECK(!p.upserts[0].is_new);
	CHECK_STR_EQ(p.upserts[1].file->path, "d.md");
	CHECK(p.upserts[1].is_new);
	CHECK_INT_EQ(p.nnew, 1);
	CHECK_INT_EQ(p.nchanged, 1);
	CHECK_INT_EQ(p.upload_bytes, 60);
	CHECK_INT_EQ(p.ndeletes, 1);
	CHECK_STR_EQ(p.deletes[0], "c.md");
	plan_fini(&p);
	plan_fini(NULL);
}

static void
t_edges(void)
{
	struct walk_file files[] = {wf("a.md", H("1"), 1)};
	struct walk w = {.files = files, .nfiles = 1};
	struct walk empty = {0};
	struct plan p;

	// Empty server: everything is new.
	plan_init(&p);
	CHECK_INT_EQ(parse(&p, "{\"files\":[]}"), 0);
	plan_build(&p, &w);
	CHECK_INT_EQ(p.nnew, 1);
	CHECK_INT_EQ(p.ndeletes, 0);
	plan_fini(&p);

	// Empty vault: everything stored is deleted; a duplicated entry is deleted once.
	plan_init(&p);
	CHECK_INT_EQ(parse(&p, "{\"files\":[{\"path\":\"a.md\",\"sha256\":\"" H(
	                               "1") "\"},"
	                                    "{\"path\":\"a.md\",\"sha256\":\"" H(
	                                            "1") "\"},"
	                                                 "{\"path\":\"z.md\",\"sha256\":\"" H(
	                                                         "2") "\"}]}"),
	             0);
	plan_build(&p, &empty);
	CHECK_INT_EQ(p.nupserts, 0);
	CHECK_INT_EQ(p.ndeletes, 2);
	plan_fini(&p);

	// Duplicate of a path that matches: no upsert, no delete.
	plan_init(&p);
	CHECK_INT_EQ(parse(&p, "{\"files\":[{\"path\":\"a.md\",\"sha256\":\"" H(
	                               "1") "\"},"
	                                    "{\"path\":\"a.md\",\"sha256\":\"" H("1") "\"}]}"),
	             0);
	plan_build(&p, &w);
	CHECK_INT_EQ(p.nupserts, 0);
	CHECK_INT_EQ(p.ndeletes, 0);
	plan_fini(&p);
}

static void
t_bad_lists(void)
{
	static const char *const bad[] = {
	        "",
	        "not json",
	        "[]",
	        "{}",
	        "{\"files\":{}}",
	        "{\"files\":[1]}",
	        "{\"files\":[{\"path\":\"a.md\"}]}",
	        "{\"files\":[{\"path\":\"\",\"sha256\":\"" H("1") "\"}]}",
	        "{\"files\":[{\"path\":\"a.md\",\"sha256\":\"abc\"}]}",
	        "{\"files\":[{\"path\":\"a.md\",\"sha256\":\"" H("g") "\"}]}",
	        "{\"files\":[{\"path\":7,\"sha256\":\"" H("1") "\"}]}",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct plan p;
		char err[256] = "";
		plan_init(&p);
		CHECK_ERR(plan_parse_remote(&p, slice_str(bad[i]), err, sizeof(err)), ERR_PROTO);
		CHECK(err[0] != '\0');
		plan_fini(&p);
	}
}

static const struct test tests[] = {
        {"diff", t_diff},
        {"edges", t_edges},
        {"bad_lists", t_bad_lists},
};
TEST_MAIN(tests)
