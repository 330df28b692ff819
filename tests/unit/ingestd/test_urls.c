/*
 * test_urls.c: URL claims (slug, permalink, home, assets, the 404 note, reserved and
 * over-long URLs), the choice of home page, and collision winners that do not depend on
 * the order claims are seen in.
 */
#include "ingestd/urls.h"

#include "ingestd/vault.h"
#include "tests/harness.h"

static struct vault *
vault_of(const char *const *paths, size_t n)
{
	struct vault *v = vault_new();
	for (size_t i = 0; i < n; i++) {
		vault_add(v, paths[i]);
	}
	return v;
}

static const char *
home_of(const struct vault *v, const char *cfg)
{
	const struct vault_entry *e = urls_home(v, cfg);
	return e ? e->path : "(none)";
}

static void
t_home_choice(void)
{
	static const char *const a[] = {"README.md", "Home.md", "index.md", "sub/index.md"};
	struct vault *v = vault_of(a, sizeof(a) / sizeof(a[0]));
	CHECK_STR_EQ(home_of(v, ""), "index.md");
	CHECK_STR_EQ(home_of(v, NULL), "index.md");
	CHECK_STR_EQ(home_of(v, "Home.md"), "Home.md");     /* configured wins */
	CHECK_STR_EQ(home_of(v, "readme.MD"), "README.md"); /* configured, any case */
	CHECK_STR_EQ(home_of(v, "gone.md"), "index.md");    /* configured but missing */
	vault_remove(v, "index.md");
	CHECK_STR_EQ(home_of(v, ""), "Home.md");
	vault_remove(v, "Home.md");
	CHECK_STR_EQ(home_of(v, ""), "README.md");
	vault_get(v, "README.md")->published = false; /* unpublished notes cannot be home */
	/* No usual home note at the root: "/" is the root folder page, whatever else exists. */
	CHECK_STR_EQ(home_of(v, ""), "(none)");
	vault_free(v);

	static const char *const b[] = {"HOME.md", "deep/Home.md", "home.png"};
	v = vault_of(b, sizeof(b) / sizeof(b[0]));
	CHECK_STR_EQ(home_of(v, ""), "HOME.md"); /* case-insensitive, root only, notes only */
	vault_free(v);

	/* No usual home note: no note is picked (adding one that sorts first moves nothing). */
	static const char *const c[] = {"notes/index.md", "x.md",   "b.md",
	                                "a/a.md",         "404.md", "pic.png"};
	v = vault_of(c, sizeof(c) / sizeof(c[0]));
	CHECK_STR_EQ(home_of(v, ""), "(none)");
	CHECK_STR_EQ(home_of(v, "notes/index.md"), "notes/index.md");
	vault_add(v, "a.md");
	CHECK_STR_EQ(home_of(v, ""), "(none)");
	vault_free(v);
}

struct claims {
	struct buf main, alias;
	struct urls_claim c[2];
	size_t n;
	const char *why;
};

static void
claims_of(struct claims *cl, const char *path, bool published, const char *permalink, bool home)
{
	cl->n = urls_claims(path, vault_is_note_path(path), published, permalink, home, &cl->main,
	                    &cl->alias, cl->c, &cl->why);
}

static void
t_claims(void)
{
	struct claims cl;
	buf_init(&cl.main, 0);
	buf_init(&cl.alias, 0);

	claims_of(&cl, "Folder/My Note.md", true, NULL, false);
	CHECK_INT_EQ(cl.n, 1);
	CHECK_STR_EQ(cl.c[0].url, "/folder/my-note");
	CHECK_INT_EQ(cl.c[0].kind, URLS_NOTE);

	/* A permalink moves the page; the slug URL redirects to it. */
	claims_of(&cl, "Folder/My Note.md", true, "Custom/Place", false);
	CHECK_INT_EQ(cl.n, 2);
	CHECK_STR_EQ(cl.c[0].url, "/custom/place");
	CHECK_STR_EQ(cl.c[1].url, "/folder/my-note");
	CHECK_INT_EQ(cl.c[1].kind, URLS_REDIRECT);
	CHECK_STR_EQ(cl.c[1].location, "/custom/place");

	/* The home note lives at "/", its slug URL redirects there. */
	claims_of(&cl, "index.md", true, "ignored", true);
	CHECK_INT_EQ(cl.n, 2);
	CHECK_STR_EQ(cl.c[0].url, "/");
	CHECK_STR_EQ(cl.c[1].url, "/index");
	CHECK_STR_EQ(cl.c[1].location, "/");

	claims_of(&cl, "Draft.md", false, NULL, false);
	CHECK_INT_EQ(cl.n, 0);
	CHECK(cl.why == NULL);

	claims_of(&cl, "img/Photo 1.PNG", true, NULL, false);
	CHECK_INT_EQ(cl.n, 1);
	CHECK_STR_EQ(cl.c[0].url, "/img/Photo 1.PNG");
	CHECK_INT_EQ(cl.c[0].kind, URLS_ASSET);

	claims_of(&cl, "404.md", true, NULL, false);
	CHECK_INT_EQ(cl.n, 1);
	CHECK_STR_EQ(cl.c[0].url, URLS_NOT_FOUND);
	CHECK_INT_EQ(cl.c[0].kind, URLS_NOTFOUND);
	claims_of(&cl, "sub/404.md", true, NULL, false); /* only at the root */
	CHECK_STR_EQ(cl.c[0].url, "/sub/404");

	claims_of(&cl, "_folio/404", true, NULL, false); /* an asset in the reserved space */
	CHECK_INT_EQ(cl.n, 0);
	CHECK(cl.why != NULL);

	char longp[700];
	memset(longp, 'a', sizeof(longp));
	memcpy(longp + sizeof(longp) - 4, ".md", 4);
	claims_of(&cl, longp, true, NULL, false);
	CHECK_INT_EQ(cl.n, 0);
	CHECK(cl.why != NULL);

	buf_fini(&cl.main);
	buf_fini(&cl.alias);
}

static void
t_collisions(void)
{
	struct urls_claim c[] = {
	        {"/x", "b/X.md", URLS_NOTE, NULL},
	        {"/x", "X.md", URLS_REDIRECT, "/y"},
	        {"/x", "a/x.md", URLS_NOTE, NULL},
	        {"/x", "A/x.md", URLS_NOTE, NULL},
	};
	size_t n = sizeof(c) / sizeof(c[0]);
	/* Pages beat redirects; among pages the smallest path wins ("A/x.md" < "a/x.md"). */
	CHECK_STR_EQ(c[urls_winner(c, n)].path, "A/x.md");
	/* Any order gives the same winner. */
	for (size_t rot = 0; rot < n; rot++) {
		struct urls_claim r[4];
		for (size_t i = 0; i < n; i++) {
			r[i] = c[(i + rot) % n];
		}
		CHECK_STR_EQ(r[urls_winner(r, n)].path, "A/x.md");
		struct urls_claim rev[4];
		for (size_t i = 0; i < n; i++) {
			rev[i] = r[n - 1 - i];
		}
		CHECK_STR_EQ(rev[urls_winner(rev, n)].path, "A/x.md");
	}
	/* A redirect only wins an uncontested URL. */
	CHECK_INT_EQ(urls_winner(&c[1], 1), 0);
	struct urls_claim two[] = {{"/x", "z.md", URLS_REDIRECT, "/q"},
	                           {"/x", "zz.png", URLS_ASSET, NULL}};
	CHECK_STR_EQ(two[urls_winner(two, 2)].path, "zz.png");

	/* Generated pages lose to vault pages and beat redirects, in any order. */
	struct urls_claim g[] = {
	        {"/guides", "a.md", URLS_REDIRECT, "/a"},
	        {"/guides", "//Guides", URLS_FOLDER, NULL},
	        {"/guides", "Guides.md", URLS_NOTE, NULL},
	};
	for (size_t rot = 0; rot < 3; rot++) {
		struct urls_claim r[3];
		for (size_t i = 0; i < 3; i++) {
			r[i] = g[(i + rot) % 3];
		}
		CHECK_STR_EQ(r[urls_winner(r, 3)].path, "Guides.md");
		CHECK_STR_EQ(r[urls_winner(r, 2)].path,
		             r[0].kind == URLS_NOTE || r[1].kind == URLS_NOTE       ? "Guides.md"
		             : r[0].kind == URLS_FOLDER || r[1].kind == URLS_FOLDER ? "//Guides"
		                                                                    : "a.md");
	}
	struct urls_claim rss[] = {{"/rss.xml", "/rss.xml", URLS_SITE, NULL},
	                           {"/rss.xml", "rss.xml", URLS_ASSET, NULL}};
	CHECK_STR_EQ(rss[urls_winner(rss, 2)].path, "rss.xml"); /* the vault's own file wins */
	struct urls_claim tf[] = {{"/tags/x", "/tags/x", URLS_TAG, NULL},
	                          {"/tags/x", "//tags/X", URLS_FOLDER, NULL}};
	CHECK_STR_EQ(tf[urls_winner(tf, 2)].path, "//tags/X"); /* generated: smallest path */
	CHECK(urls_is_generated(URLS_TAG) && urls_is_generated(URLS_FOLDER) &&
	      urls_is_generated(URLS_SITE));
	CHECK(!urls_is_generated(URLS_NOTE) && !urls_is_generated(URLS_REDIRECT));
	/* The kinds are stored in SQLite: their values never change. */
	CHECK_INT_EQ(URLS_TAG, 4);
	CHECK_INT_EQ(URLS_FOLDER, 5);
	CHECK_INT_EQ(URLS_SITE, 6);
}

static void
t_generated_urls(void)
{
	struct buf b;
	buf_init(&b, 0);
	urls_folder("", &b);
	CHECK_STR_EQ(buf_cstr(&b), "/");
	buf_reset(&b);
	urls_folder("Guides/Sub Folder", &b);
	CHECK_STR_EQ(buf_cstr(&b), "/guides/sub-folder");
	buf_reset(&b);
	urls_tag("Project/Sub", &b);
	CHECK_STR_EQ(buf_cstr(&b), "/tags/project/sub");
	buf_reset(&b);
	urls_tag("Café", &b);
	CHECK_STR_EQ(buf_cstr(&b), "/tags/café");
	buf_fini(&b);
}

static const struct test tests[] = {
        {"home_choice", t_home_choice},
        {"claims", t_claims},
        {"collisions", t_collisions},
        {"generated_urls", t_generated_urls},
};

TEST_MAIN(tests)
