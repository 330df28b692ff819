/*
 * test_walk.c: vault walking for `folio push`: what is listed, what is skipped and why,
 * the order, and hashing and reading. tools/folio has no archive of its own (its objects
 * link straight into bin/folio), so the module is compiled into the test.
 */
#include "tools/folio/walk.c"

#include <sys/stat.h>

#include "tests/harness.h"

static char root[256];

static void
put_file(const char *rel, const char *content)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	FILE *f = fopen(p, "w");
	if (!f) {
		CHECK_FAIL_("cannot create %s", p);
		return;
	}
	fputs(content, f);
	fclose(f);
}

static void
put_dir(const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	mkdir(p, 0755);
}

static void
put_link(const char *rel, const char *target)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	if (symlink(target, p) != 0) {
		CHECK_FAIL_("cannot symlink %s", p);
	}
}

static const char *
skip_why(const struct walk *w, const char *path)
{
	for (size_t i = 0; i < w->nskipped; i++) {
		if (strcmp(w->skipped[i].path, path) == 0) {
			return w->skipped[i].why;
		}
	}
	return NULL;
}

static void
make_vault(void)
{
	snprintf(root, sizeof(root), "/tmp/folio-test-walk.XXXXXX");
	if (!mkdtemp(root)) {
		CHECK_FAIL_("mkdtemp failed");
		return;
	}
	put_file("index.md", "# Home\n");
	put_file("x.md", "x");
	put_dir("x");
	put_file("x/y.md", "y");
	put_dir("B");
	put_file("B/c.md", "c");
	put_dir("B/d");
	put_file("B/d/e.png", "\x89PNG");
	put_dir(".obsidian");
	put_file(".obsidian/app.json", "{}");
	put_file(".hidden.md", "secret");
	put_dir("B/.trash");
	put_file("B/.trash/old.md", "old");
	put_link("inside.md", "index.md");
	put_link("outside.md", "/etc/hostname");
	put_link("broken.md", "no-such-file");
	put_link("B/up", "..");
	put_link("alias", "B/d");
	put_file("back\\slash.md", "bad name");
	char p[512];
	snprintf(p, sizeof(p), "%s/pipe", root);
	mkfifo(p, 0644);
}

static void
remove_vault(void)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0) {
		printf("    (could not remove %s)\n", root);
	}
}

static void
t_list(void)
{
	struct walk w;
	char err[256] = "";

	make_vault();
	CHECK_INT_EQ(walk_vault(root, &w, err, sizeof(err)), 0);
	// Sorted bytewise by whole path: "x.md" < "x/y.md" because '.' < '/'.
	static const char *const want[] = {"B/c.md",    "B/d/e.png", "alias/e.png", "index.md",
	                                   "inside.md", "x.md",      "x/y.md"};
	CHECK_INT_EQ(w.nfiles, ARRAY_LEN(want));
	for (size_t i = 0; i < w.nfiles && i < ARRAY_LEN(want); i++) {
		CHECK_STR_EQ(w.files[i].path, want[i]);
	}
	CHECK_INT_EQ(w.nerrors, 0);
	CHECK_STR_EQ(skip_why(&w, "outside.md"), "symlink leads out of the vault");
	CHECK_STR_EQ(skip_why(&w, "broken.md"), "broken symlink");
	CHECK_STR_EQ(skip_why(&w, "B/up"), "symlink loops back to a folder above it");
	CHECK_STR_EQ(skip_why(&w, "pipe"), "not a regular file");
	CHECK(skip_why(&w, "back\\slash.md") != NULL);
	CHECK(skip_why(&w, ".hidden.md") == NULL); // dot-files are left out silently
	// The symlinked file reads its target; sizes come from the target.
	for (size_t i = 0; i < w.nfiles; i++) {
		if (strcmp(w.files[i].path, "inside.md") == 0) {
			CHECK_INT_EQ(w.files[i].size, 7);
			CHECK(strstr(w.files[i].fspath, "/index.md") != NULL);
		}
	}
	walk_fini(&w);
	remove_vault();
}

static void
t_hash_read(void)
{
	struct walk w;
	char err[256] = "", hex[65], want[65];
	struct buf b;

	make_vault();
	CHECK_INT_EQ(walk_vault(root, &w, err, sizeof(err)), 0);
	CHECK_STR_EQ(w.files[3].path, "index.md");
	CHECK_INT_EQ(walk_hash(&w.files[3], hex, err, sizeof(err)), 0);
	sha256_hex("# Home\n", 7, want);
	CHECK_STR_EQ(hex, want);
	buf_init(&b, 0);
	buf_puts(&b, "prefix:");
	CHECK_INT_EQ(walk_read(&w.files[3], &b, err, sizeof(err)), 0);
	CHECK_MEM_STR(b.ptr, b.len, "prefix:# Home\n");
	// A file that vanished after the walk is reported, not read.
	char p[512];
	snprintf(p, sizeof(p), "%s/x.md", root);
	unlink(p);
	CHECK_STR_EQ(w.files[5].path, "x.md");
	CHECK_ERR(walk_hash(&w.files[5], hex, err, sizeof(err)), ERR_NOTFOUND);
	CHECK(strstr(err, "x.md") != NULL);
	// A file swapped for a FIFO is refused instead of blocking.
	mkfifo(p, 0644);
	CHECK_ERR(walk_read(&w.files[5], &b, err, sizeof(err)), ERR_INVAL);
	// A buffer limit turns into an error, not a truncated file.
	struct buf small;
	buf_init(&small, 3);
	CHECK(walk_read(&w.files[3], &small, err, sizeof(err)) != 0);
	buf_fini(&small);
	buf_fini(&b);
	walk_fini(&w);
	remove_vault();
}

static void
t_bad_roots(void)
{
	struct walk w;
	char err[256] = "";

	CHECK_ERR(walk_vault("/nonexistent/folio/vault", &w, err, sizeof(err)), ERR_NOTFOUND);
	CHECK(strstr(err, "/nonexistent/folio/vault") != NULL);
	walk_fini(&w);
	CHECK_ERR(walk_vault("/etc/hostname", &w, err, sizeof(err)), ERR_INVAL);
	walk_fini(&w);
	walk_fini(NULL);
}

static void
t_unreadable(void)
{
	struct walk w;
	char err[256] = "", p[512];

	if (geteuid() == 0) {
		printf("    (running as root: permissions are not enforced, skipped)\n");
		return;
	}
	make_vault();
	snprintf(p, sizeof(p), "%s/B", root);
	chmod(p, 0);
	CHECK_INT_EQ(walk_vault(root, &w, err, sizeof(err)), 0);
	CHECK_INT_EQ(w.nerrors, 1);
	CHECK_STR_EQ(skip_why(&w, "B"), "cannot open folder");
	chmod(p, 0755);
	walk_fini(&w);
	remove_vault();
}

static const struct test tests[] = {
        {"list", t_list},
        {"hash_read", t_hash_read},
        {"bad_roots", t_bad_roots},
        {"unreadable", t_unreadable},
};
TEST_MAIN(tests)
