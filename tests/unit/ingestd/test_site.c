/*
 * test_site.c: the generated site pages through the real push pipeline: tag pages, the tag
 * index, folder pages, the nav fragment, RSS, the sitemap and robots.txt. Each incremental
 * step asserts the exact set of page records a push writes and deletes (read back from
 * LMDB: a record written by a push carries its generation).
 */
#include "ingestd/ingest.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>

#include "ingestd/source.h"
#include "ingestd/strset.h"
#include "shared/config.h"
#include "shared/err.h"
#include "shared/pagefmt.h"
#include "shared/pushmsg.h"
#include "shared/store.h"
#include "tests/harness.h"

/* What the last push changed in the store, as record_changes() sets it. */
#define INGEST_ENV_FIELDS                                                  \
	struct strset before; /* keys in the store before the last push */ \
	char changes[2048];   /* "W: written keys D: deleted keys", each sorted */
#include "tests/unit/ingestd/ingest_env.h"

struct walk {
	struct strset *keys;
	struct strset *written;
	uint64_t gen;
};

static int
walk_key(void *arg, struct slice key, struct slice val)
{
	struct walk *w = arg;
	char k[600];
	snprintf(k, sizeof(k), "%.*s", (int)key.len, (const char *)key.ptr);
	strset_add(w->keys, k);
	struct page_view v;
	if (w->written && page_decode(val, &v) == 0 && v.gen == w->gen) {
		strset_add(w->written, k);
	}
	return 0;
}

static void
store_keys(struct env *e, struct strset *keys, struct strset *written)
{
	struct store *s = ingest_store(e->in);
	struct walk w = {keys, written, ingest_gen(e->in)};
	CHECK_INT_EQ(store_read_begin(s), 0);
	CHECK_INT_EQ(store_each(s, walk_key, &w), 0);
	store_read_end(s);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the set's items, sorted, each after a space. */
static void
put_sorted(char *out, size_t cap, const struct strset *s)
{
	char **v = calloc(s->count + 1, sizeof(*v));
	if (s->count) {
		memcpy(v, s->items, s->count * sizeof(*v));
	}
	qsort(v, s->count, sizeof(*v), cmp_str);
	for (size_t i = 0; i < s->count; i++) {
		size_t n = strlen(out);
		snprintf(out + n, cap - n, " %s", v[i]);
	}
	free(v);
}

/*
 * Around each push(): sets e->changes to the keys the push wrote and deleted, skipping
 * the theme's files.
 */
static void
record_changes(struct env *e, bool after)
{
	if (!after) {
		strset_init(&e->before);
		store_keys(e, &e->before, NULL);
		return;
	}
	struct strset after_push, written, deleted;
	strset_init(&after_push);
	strset_init(&written);
	strset_init(&deleted);
	store_keys(e, &after_push, &written);
	for (size_t i = 0; i < e->before.count; i++) {
		if (!strset_has(&after_push, e->before.items[i])) {
			strset_add(&deleted, e->before.items[i]);
		}
	}
	snprintf(e->changes, sizeof(e->changes), "W:");
	put_sorted(e->changes, sizeof(e->changes), &written);
	size_t n = strlen(e->changes);
	snprintf(e->changes + n, sizeof(e->changes) - n, " D:");
	put_sorted(e->changes, sizeof(e->changes), &deleted);
	strset_fini(&after_push);
	strset_fini(&written);
	strset_fini(&deleted);
	strset_fini(&e->before);
}

static void
env_init(struct env *e, const char *base_url)
{
	env_prepare(e, "site");
	env_set(e, "site_title", "Site & <Co>");
	if (base_url) {
		env_set(e, "base_url", base_url);
	}
	e->around_push = record_changes;
	env_open(e);
}

/* The identity body of the record at url (heap, NUL-terminated) and its content type. */
static char *
body_of(struct env *e, const char *url, int *status, char *ctype, size_t cap)
{
	struct page_view v;
	char *out = NULL;
	if (page_get(e, url, &v)) {
		struct slice b = v.sec[PAGE_SEC_BODY_IDENT];
		out = calloc(1, b.len + 1);
		memcpy(out, b.ptr, b.len);
		*status = v.status;
		struct slice h = v.sec[PAGE_SEC_HDR_IDENT];
		const char *ct = memmem(h.ptr, h.len, "Content-Type: ", 14);
		ctype[0] = '\0';
		if (ct) {
			const char *end =
			        memchr(ct, '\r', (size_t)((const char *)h.ptr + h.len - ct));
			snprintf(ctype, cap, "%.*s", (int)(end - ct - 14), ct + 14);
		}
		page_end(e);
	}
	return out;
}

static bool
has(struct env *e, const char *url, const char *text)
{
	int status;
	char ct[128];
	char *b = body_of(e, url, &status, ct, sizeof(ct));
	bool found = b && strstr(b, text);
	free(b);
	return found;
}

static const char *
ctype_of(struct env *e, const char *url)
{
	static char ct[128];
	int status;
	char *b = body_of(e, url, &status, ct, sizeof(ct));
	free(b);
	return b ? ct : "(none)";
}

#define NAV "/_folio/nav.html"

static void
push_vault(struct env *e)
{
	CHECK_INT_EQ(push(e, "index.md", "Welcome.\n", "Guides/Setup.md",
	                  "---\ntags: [guide, '#Howto/Install']\n---\n# Setup\n\nSteps.\n",
	                  "Guides/Use.md", "Use it #guide\n", "Notes/Idea.md",
	                  "---\ndate: 2024-03-05\n---\nAn idea #Idea\n", "Notes/Secret.md",
	                  "---\nprivate: true\n---\nHush #idea #secret\n", "Drafts/Wip.md",
	                  "---\npublish: false\n---\nWip #draft\n", NULL),
	             0);
}

static void
t_pages(void)
{
	struct env e;
	env_init(&e, "https://example.org/");
	push_vault(&e);
	/* Tag pages: notes with the tag or one nested under it, by title; nested tags. */
	CHECK(has(&e, "/tags/guide", "<a href=\"/guides/setup\">Setup</a>"));
	CHECK(has(&e, "/tags/guide", "<a href=\"/guides/use\">Use</a>"));
	CHECK(has(&e, "/tags/howto", "<a href=\"/guides/setup\">Setup</a>"));
	CHECK(has(&e, "/tags/howto",
	          "<a class=\"tag\" href=\"/tags/howto/install\">#howto/install</a>"));
	CHECK(has(&e, "/tags/howto/install", "Setup"));
	CHECK(has(&e, "/tags/idea", "/notes/idea"));
	CHECK(!has(&e, "/tags/idea", "Secret")); /* private notes are never listed */
	CHECK(body_of(&e, "/tags/secret", &(int){0}, (char[8]){0}, 8) == NULL);
	CHECK(body_of(&e, "/tags/draft", &(int){0}, (char[8]){0}, 8) == NULL);
	CHECK(has(&e, "/tags", "href=\"/tags/guide\">#guide</a> <span class=\"count\">2</span>"));
	CHECK(has(&e, "/tags", "#idea</a> <span class=\"count\">1</span>"));
	CHECK(!has(&e, "/tags", "secret"));
	/* A note's inline tag links to its page. */
	CHECK(has(&e, "/guides/use", "<a class=\"tag\" href=\"/tags/guide\">#guide</a>"));
	/* Folder pages; no page for a folder with nothing public. */
	CHECK(has(&e, "/guides", "<a href=\"/guides/use\">Use</a>"));
	CHECK(has(&e, "/notes", "Idea"));
	CHECK(!has(&e, "/notes", "Secret"));
	CHECK(body_of(&e, "/drafts", &(int){0}, (char[8]){0}, 8) == NULL);
	/* "/" is the home note, not the root folder page. */
	CHECK(has(&e, "/", "Welcome."));
	/* The nav fragment: nested folders and notes, no page around it. */
	CHECK(has(&e, NAV,
	          "<li class=\"folder\"><a href=\"/guides\">Guides</a>\n<ul>\n"
	          "<li class=\"note\"><a href=\"/guides/setup\">Setup</a></li>\n"
	          "<li class=\"note\"><a href=\"/guides/use\">Use</a></li>\n</ul></li>"));
	CHECK(!has(&e, NAV, "<html"));
	CHECK(!has(&e, NAV, "Secret"));
	CHECK(!has(&e, NAV, "Wip"));
	/* Feeds, absolute with base_url, escaped. */
	CHECK(has(&e, "/rss.xml", "<title>Site &amp; &lt;Co&gt;</title>"));
	CHECK(has(&e, "/rss.xml", "<link>https://example.org/notes/idea</link>"));
	CHECK(has(&e, "/rss.xml", "<pubDate>Tue, 05 Mar 2024 00:00:00 +0000</pubDate>"));
	CHECK(!has(&e, "/rss.xml", "secret"));
	CHECK(has(&e, "/sitemap.xml", "<url><loc>https://example.org/guides/use</loc><lastmod>"));
	CHECK(has(&e, "/sitemap.xml",
	          "<loc>https://example.org/notes/idea</loc><lastmod>2024-03-05</lastmod>"));
	CHECK(!has(&e, "/sitemap.xml", "secret"));
	CHECK(has(&e, "/robots.txt",
	          "User-agent: *\nAllow: /\nSitemap: https://example.org/sitemap.xml\n"));
	CHECK_STR_EQ(ctype_of(&e, "/rss.xml"), "application/rss+xml; charset=utf-8");
	CHECK_STR_EQ(ctype_of(&e, "/sitemap.xml"), "application/xml; charset=utf-8");
	CHECK_STR_EQ(ctype_of(&e, "/robots.txt"), "text/plain; charset=utf-8");
	CHECK_STR_EQ(ctype_of(&e, NAV), "text/html; charset=utf-8");
	/* Generated pages are site machinery, not notes: the push counted 5 note pages. */
	CHECK_INT_EQ(e.res.rendered, 5);

	/* A note wins its URL from a folder page, and a vault's own robots.txt wins too. */
	CHECK_INT_EQ(push(&e, "Guides.md", "The guide.\n", "robots.txt", "User-agent: x\n", NULL),
	             0);
	CHECK(has(&e, "/guides", "The guide."));
	CHECK(has(&e, "/robots.txt", "User-agent: x"));
	CHECK_INT_EQ(push(&e, "Guides.md", NULL, "robots.txt", NULL, NULL), 0);
	CHECK(has(&e, "/guides", "folder-list") || has(&e, "/guides", "note-list"));
	CHECK(has(&e, "/robots.txt", "Allow: /"));
	env_fini(&e);
}

static void
t_incremental(void)
{
	struct env e;
	env_init(&e, NULL);
	push_vault(&e);

	/* A body-only edit: the note alone. */
	CHECK_INT_EQ(push(&e, "Guides/Use.md", "Use it well #guide\n", NULL), 0);
	CHECK_STR_EQ(e.changes, "W: /guides/use D:");

	/* Tags changed: the note, the tag pages concerned, the tag index. */
	CHECK_INT_EQ(push(&e, "Notes/Idea.md", "---\ndate: 2024-03-05\n---\nAn idea #idea #guide\n",
	                  NULL),
	             0);
	CHECK_STR_EQ(e.changes, "W: /notes/idea /tags /tags/guide D:");
	CHECK(has(&e, "/tags/guide", "/notes/idea"));

	/* Tags unchanged, text changed, tags written another way: the note alone. */
	CHECK_INT_EQ(push(&e, "Notes/Idea.md",
	                  "---\ndate: 2024-03-05\n---\nAnother idea #Guide #IDEA\n", NULL),
	             0);
	CHECK_STR_EQ(e.changes, "W: /notes/idea D:");

	/* A new title: its folder, its tags (and their parents), nav, feed, sitemap. */
	CHECK_INT_EQ(push(&e, "Guides/Setup.md",
	                  "---\ntitle: Set up\ntags: [guide, Howto/Install]\n---\nSteps.\n", NULL),
	             0);
	CHECK_STR_EQ(e.changes, "W: /_folio/nav.html /guides /guides/setup /rss.xml /sitemap.xml "
	                        "/tags/guide /tags/howto /tags/howto/install D:");

	/* A new note: its folder, its tag, the tag index, nav, feed, sitemap. */
	CHECK_INT_EQ(push(&e, "Guides/New.md", "New #fresh\n", NULL), 0);
	CHECK_STR_EQ(e.changes, "W: /_folio/nav.html /guides /guides/new /rss.xml /sitemap.xml "
	                        "/tags /tags/fresh D:");

	/* Renamed into a new folder: both folders, its tag (the tag index keeps its counts),
	 * nav, feed, sitemap; the old URL becomes a redirect to the new one. The root folder's
	 * list changes too, but index.md holds "/". */
	CHECK_INT_EQ(push(&e, "Guides/New.md", NULL, "Later/New.md", "New #fresh\n", NULL), 0);
	CHECK_STR_EQ(e.changes, "W: /_folio/nav.html /guides /guides/new /later /later/new "
	                        "/rss.xml /sitemap.xml /tags/fresh D:");

	/* Deleted, the last note of its folder and of its tag: both pages go, and so does the
	 * redirect from its old URL. */
	CHECK_INT_EQ(push(&e, "Later/New.md", NULL, NULL), 0);
	CHECK_STR_EQ(e.changes, "W: /_folio/nav.html /rss.xml /sitemap.xml /tags D: /guides/new "
	                        "/later /later/new /tags/fresh");

	/* Made private: listed nowhere any more; its tag pages change or go. */
	CHECK_INT_EQ(push(&e, "Notes/Idea.md",
	                  "---\ndate: 2024-03-05\nprivate: true\n---\nAnother idea #Guide #IDEA\n",
	                  NULL),
	             0);
	CHECK_STR_EQ(e.changes, "W: /_folio/nav.html /notes/idea /rss.xml /sitemap.xml /tags "
	                        "/tags/guide D: /notes /tags/idea");
	CHECK(!has(&e, "/tags/guide", "/notes/idea"));
	CHECK(!has(&e, NAV, "Idea"));
	env_fini(&e);
}

static void
t_root_folder_home(void)
{
	struct env e;
	env_init(&e, NULL);
	CHECK_INT_EQ(push(&e, "b.md", "bee\n", "sub/c.md", "sea\n", NULL), 0);
	CHECK(has(&e, "/", "<a href=\"/sub\">sub</a>"));
	CHECK(has(&e, "/", "<a href=\"/b\">b</a>"));
	/* Without base_url, feeds carry root-relative links and robots.txt no Sitemap line. */
	CHECK(has(&e, "/rss.xml", "<link>/b</link>"));
	CHECK(has(&e, "/rss.xml", "<guid isPermaLink=\"false\">/b</guid>"));
	CHECK(!has(&e, "/robots.txt", "Sitemap"));
	/* A note that sorts first changes no URL: "/" just lists it. */
	CHECK_INT_EQ(push(&e, "a.md", "aye\n", NULL), 0);
	CHECK_STR_EQ(e.changes, "W: / /_folio/nav.html /a /rss.xml /sitemap.xml D:");
	/* A body edit in a subfolder: not even the root folder page. */
	CHECK_INT_EQ(push(&e, "sub/c.md", "sea, edited\n", NULL), 0);
	CHECK_STR_EQ(e.changes, "W: /sub/c D:");
	/* The lists of every note (root folder page, nav, sitemap) follow each push: one walk
	 * of the listing serves all three in a write and must not outlive it. */
	CHECK(has(&e, "/", "<a href=\"/a\">a</a>"));
	CHECK(has(&e, "/_folio/nav.html", "href=\"/a\""));
	CHECK(has(&e, "/sitemap.xml", "<loc>/a</loc>"));
	CHECK_INT_EQ(push(&e, "a.md", NULL, "d.md", "dee\n", NULL), 0);
	CHECK(!has(&e, "/", "<a href=\"/a\">a</a>"));
	CHECK(has(&e, "/", "<a href=\"/d\">d</a>"));
	CHECK(!has(&e, "/_folio/nav.html", "href=\"/a\""));
	CHECK(has(&e, "/_folio/nav.html", "href=\"/d\""));
	CHECK(!has(&e, "/sitemap.xml", "<loc>/a</loc>"));
	CHECK(has(&e, "/sitemap.xml", "<loc>/d</loc>"));
	env_fini(&e);
}

/* A database from before the generated pages is filled at the next start. */
static void
t_seed_on_upgrade(void)
{
	struct env e;
	env_init(&e, NULL);
	push_vault(&e);
	sqlite3 *db = source_db(ingest_source(e.in));
	CHECK_INT_EQ(sqlite3_exec(db,
	                          "DELETE FROM tags; DELETE FROM listing;"
	                          " DELETE FROM meta WHERE key = 'site_pages';"
	                          " DELETE FROM claims WHERE kind >= 4;"
	                          " DELETE FROM pages WHERE kind >= 4;",
	                          NULL, NULL, NULL),
	             SQLITE_OK);
	ingest_close(e.in);
	CHECK_INT_EQ(ingest_open(&e.in, &e.cfg, NULL), 0);
	CHECK(has(&e, "/tags/guide", "/guides/use")); /* a body tag, found by rendering once */
	CHECK(has(&e, "/tags/howto/install", "/guides/setup")); /* a frontmatter tag */
	CHECK(has(&e, "/guides", "Setup"));
	CHECK(has(&e, NAV, "Idea"));
	CHECK(has(&e, "/robots.txt", "Allow: /"));
	/* Seeded once: the next start pushes nothing. */
	uint64_t gen = ingest_gen(e.in);
	ingest_close(e.in);
	CHECK_INT_EQ(ingest_open(&e.in, &e.cfg, NULL), 0);
	CHECK_INT_EQ(ingest_gen(e.in), gen);
	env_fini(&e);
}

static const struct test tests[] = {
        {"pages", t_pages},
        {"incremental", t_incremental},
        {"root_folder_home", t_root_folder_home},
        {"seed_on_upgrade", t_seed_on_upgrade},
};

TEST_MAIN(tests)
