/*
 * test_redirects.c: through the real push pipeline (no HTTP), the redirects a note claims
 * besides its slug URL (aliases; old URLs after a rename, a move, a permalink or slug
 * change; chains collapsing; a page taking a URL back; deletion dropping them), and vault
 * layouts (selection, warnings, the exact re-render set of a layout edit, a template error
 * refusing the push, the compiled-layout cache). Status and Location come from the store.
 */
#include "ingestd/ingest.h"

#include <jansson.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "ingestd/ingest_impl.h"
#include "ingestd/layouts.h"
#include "ingestd/source.h"
#include "shared/bus.h"
#include "shared/config.h"
#include "shared/err.h"
#include "shared/events.h"
#include "shared/log.h"
#include "shared/pagefmt.h"
#include "shared/pushmsg.h"
#include "shared/store.h"
#include "tests/harness.h"
#include "tests/unit/ingestd/ingest_env.h"

static void
env_init(struct env *e)
{
	env_prepare(e, "redir");
	env_open(e);
}

/* The redirect at url: true when it is a 301 to location. */
static bool
redirects(struct env *e, const char *url, const char *location)
{
	struct page_view v;
	if (!page_get(e, url, &v)) {
		CHECK_FAIL_("no record at %s", url);
		return false;
	}
	struct slice l = v.sec[PAGE_SEC_LOCATION];
	bool ok = v.status == 301 && (v.flags & PAGE_REDIRECT) && l.len == strlen(location) &&
	          memcmp(l.ptr, location, l.len) == 0;
	if (!ok) {
		CHECK_FAIL_("%s: status %d location \"%.*s\", want 301 to %s", url, v.status,
		            (int)l.len, (const char *)l.ptr, location);
	}
	page_end(e);
	return ok;
}

/* True when url holds a note page (200) whose body has text. */
static bool
note_at(struct env *e, const char *url, const char *text)
{
	struct page_view v;
	if (!page_get(e, url, &v)) {
		return false;
	}
	bool ok = v.status == 200 && (v.flags & PAGE_NOTE);
	page_end(e);
	return ok && body_has(e, url, text);
}

static void
t_aliases(void)
{
	struct env e;
	env_init(&e);
	CHECK_INT_EQ(
	        push(&e, "index.md", "home\n", "Other.md", "other page\n", "Notes/New Name.md",
	             "---\naliases: [Old Name, folder/old note.md, Other, New Name]\n---\nnew\n",
	             NULL),
	        0);
	CHECK(note_at(&e, "/notes/new-name", "new"));
	CHECK(redirects(&e, "/old-name", "/notes/new-name"));
	CHECK(redirects(&e, "/folder/old-note", "/notes/new-name"));
	CHECK(redirects(&e, "/new-name", "/notes/new-name"));
	/* A page beats an alias, and the note hears of it. */
	CHECK(note_at(&e, "/other", "other page"));
	CHECK(has_warning(&e, "Notes/New Name.md", "alias URL /other is taken by Other.md"));
	CHECK(!has_warning(&e, "Notes/New Name.md", "/old-name"));
	/* The alias leaves the frontmatter: its redirect goes. The page is rendered once. */
	CHECK_INT_EQ(push(&e, "Notes/New Name.md", "---\naliases: Old Name\n---\nnew 2\n", NULL),
	             0);
	CHECK(redirects(&e, "/old-name", "/notes/new-name"));
	CHECK(!page_exists(&e, "/folder/old-note"));
	/* The page that held an alias's URL goes: the alias takes it. */
	CHECK_INT_EQ(
	        push(&e, "Notes/New Name.md", "---\naliases: [Old Name, Other]\n---\nnew\n", NULL),
	        0);
	CHECK_INT_EQ(push(&e, "Other.md", NULL, NULL), 0);
	CHECK(redirects(&e, "/other", "/notes/new-name"));
	/* The note moves: its aliases follow. */
	CHECK_INT_EQ(push(&e, "Notes/New Name.md",
	                  "---\naliases: [Old Name]\npermalink: /nn\n---\nx\n", NULL),
	             0);
	CHECK(redirects(&e, "/old-name", "/nn"));
	CHECK(redirects(&e, "/notes/new-name", "/nn"));
	/* Deleted: every redirect of it goes. */
	CHECK_INT_EQ(push(&e, "Notes/New Name.md", NULL, NULL), 0);
	CHECK(!page_exists(&e, "/old-name"));
	CHECK(!page_exists(&e, "/notes/new-name"));
	CHECK(!page_exists(&e, "/nn"));
	env_fini(&e);
}

static void
t_rename_chain(void)
{
	struct env e;
	env_init(&e);
	CHECK_INT_EQ(push(&e, "index.md", "home [[A]]\n", "A.md", "the moving note\n", NULL), 0);
	/* A renamed to B in one push (deleted and added with the same bytes). */
	CHECK_INT_EQ(push(&e, "A.md", NULL, "B.md", "the moving note\n", NULL), 0);
	CHECK(note_at(&e, "/b", "the moving note"));
	CHECK(redirects(&e, "/a", "/b"));
	/* B renamed to C, moved into a folder: one hop from every old URL. */
	CHECK_INT_EQ(push(&e, "B.md", NULL, "Sub Dir/C.md", "the moving note\n", NULL), 0);
	CHECK(note_at(&e, "/sub-dir/c", "the moving note"));
	CHECK(redirects(&e, "/a", "/sub-dir/c"));
	CHECK(redirects(&e, "/b", "/sub-dir/c"));
	/* Renames survive a rebuild and a restart (they live in SQLite). */
	CHECK_INT_EQ(ingest_rebuild(e.in, NULL), 0);
	env_reopen(&e);
	CHECK(redirects(&e, "/b", "/sub-dir/c"));
	/* A different note takes /a: the page wins and the old URL is forgotten... */
	CHECK_INT_EQ(push(&e, "A.md", "a new A\n", NULL), 0);
	CHECK(note_at(&e, "/a", "a new A"));
	CHECK(redirects(&e, "/b", "/sub-dir/c"));
	/* ...so when that page goes, /a is gone too. */
	CHECK_INT_EQ(push(&e, "A.md", NULL, NULL), 0);
	CHECK(!page_exists(&e, "/a"));
	/* Renamed back to B: /b is a page again, no redirect loops. */
	CHECK_INT_EQ(push(&e, "Sub Dir/C.md", NULL, "B.md", "the moving note\n", NULL), 0);
	CHECK(note_at(&e, "/b", "the moving note"));
	CHECK(redirects(&e, "/sub-dir/c", "/b"));
	/* Deleted for good: 404 everywhere. */
	CHECK_INT_EQ(push(&e, "B.md", NULL, NULL), 0);
	CHECK(!page_exists(&e, "/b"));
	CHECK(!page_exists(&e, "/sub-dir/c"));
	/* A deletion and an addition with other bytes is no rename. */
	CHECK_INT_EQ(push(&e, "X.md", "x\n", NULL), 0);
	CHECK_INT_EQ(push(&e, "X.md", NULL, "Y.md", "y\n", NULL), 0);
	CHECK(!page_exists(&e, "/x"));
	env_fini(&e);
}

static void
t_permalink_and_slug(void)
{
	struct env e;
	env_init(&e);
	CHECK_INT_EQ(push(&e, "index.md", "home\n", "P.md", "---\npermalink: one\n---\np\n", NULL),
	             0);
	CHECK(note_at(&e, "/one", "p"));
	CHECK(redirects(&e, "/p", "/one"));
	CHECK_INT_EQ(push(&e, "P.md", "---\npermalink: /two/deep\n---\np\n", NULL), 0);
	CHECK(note_at(&e, "/two/deep", "p"));
	CHECK(redirects(&e, "/one", "/two/deep"));
	CHECK(redirects(&e, "/p", "/two/deep"));
	/* A slug replaces only the last segment (P is at the root: /three). */
	CHECK_INT_EQ(push(&e, "P.md", "---\nslug: Three\n---\np\n", NULL), 0);
	CHECK(note_at(&e, "/three", "p"));
	CHECK(redirects(&e, "/one", "/three"));
	CHECK(redirects(&e, "/two/deep", "/three"));
	/* Back to the first permalink: a page again, the others point at it. */
	CHECK_INT_EQ(push(&e, "P.md", "---\npermalink: one\n---\np\n", NULL), 0);
	CHECK(note_at(&e, "/one", "p"));
	CHECK(redirects(&e, "/three", "/one"));
	CHECK(redirects(&e, "/two/deep", "/one"));
	/* A slug in a folder keeps the folder. */
	CHECK_INT_EQ(push(&e, "Dir/Note.md", "---\nslug: short\n---\nn\n", NULL), 0);
	CHECK(note_at(&e, "/dir/short", "n"));
	CHECK(redirects(&e, "/dir/note", "/dir/short"));
	env_fini(&e);
}

static void
t_layouts(void)
{
	struct env e;
	env_init(&e);
	CHECK_INT_EQ(push(&e, "index.md", "home\n", "_layouts/note.html",
	                  "<html>{{ page.title }}|{{ page.content }}</html>\n",
	                  "_layouts/wide.html", "WIDE {{ page.title }}\n", "A.md", "alpha\n",
	                  "B.md", "---\nlayout: wide\n---\nbeta\n", "C.md",
	                  "---\nlayout: nosuch\n---\ngamma\n", NULL),
	             0);
	CHECK(body_has(&e, "/a", "<html>A|<p>alpha</p>"));
	CHECK(body_has(&e, "/b", "WIDE B"));
	CHECK(body_has(&e, "/c", "<html>C|<p>gamma</p>"));
	CHECK(has_warning(&e, "C.md", "layout \"nosuch\" not found"));
	CHECK(!page_exists(&e, "/_layouts/note.html")); /* layouts are not published */
	CHECK(reply_url(&e, "_layouts/note.html") == NULL);
	CHECK_INT_EQ(layouts_count(e.in->layouts), 2);

	/* Editing a layout renders exactly the notes that use it. */
	CHECK_INT_EQ(push(&e, "_layouts/wide.html", "WIDER {{ page.title }}\n", NULL), 0);
	CHECK_INT_EQ(e.res.rendered, 1);
	CHECK(body_has(&e, "/b", "WIDER B"));
	CHECK_INT_EQ(layouts_count(e.in->layouts), 2); /* the old one was swept */
	CHECK_INT_EQ(push(&e, "_layouts/note.html", "<main>{{ page.title }}</main>\n", NULL), 0);
	CHECK_INT_EQ(e.res.rendered, 3); /* index, A and C */
	CHECK(body_has(&e, "/", "<main>index</main>"));
	CHECK(body_has(&e, "/a", "<main>A</main>"));
	CHECK(body_has(&e, "/c", "<main>C</main>"));

	/* A template error refuses the push, naming file and line; nothing changes. */
	uint64_t gen = ingest_gen(e.in);
	CHECK_ERR(push(&e, "A.md", "alpha edited\n", "_layouts/note.html",
	               "<main>\n{% if page.title %}\n{{ page.title }}</main>\n", NULL),
	          ERR_PROTO);
	CHECK_INT_EQ(ingest_gen(e.in), gen);
	const char *msg = json_string_value(
	        json_object_get(json_array_get(json_object_get(e.json, "details"), 0), "error"));
	CHECK_STR_EQ(msg, "_layouts/note.html:2: unclosed {% if %}");
	CHECK(body_has(&e, "/a", "<main>A</main>"));
	CHECK_INT_EQ(push(&e, "_layouts/x.html", "{{ page.titel }}", NULL), ERR_PROTO);
	msg = json_string_value(
	        json_object_get(json_array_get(json_object_get(e.json, "details"), 0), "error"));
	CHECK_STR_EQ(msg, "_layouts/x.html:1: unknown variable page.titel");

	/* A note starts asking for another layout: just it. */
	CHECK_INT_EQ(push(&e, "A.md", "---\nlayout: wide\n---\nalpha\n", NULL), 0);
	CHECK(body_has(&e, "/a", "WIDER A"));
	/* The layout it asks for goes: it falls back to note.html. */
	CHECK_INT_EQ(push(&e, "_layouts/wide.html", NULL, NULL), 0);
	CHECK_INT_EQ(e.res.rendered, 2);
	CHECK(body_has(&e, "/a", "<main>A</main>"));
	CHECK(body_has(&e, "/b", "<main>B</main>"));
	/* It comes back: only the notes asking for it move to it. */
	CHECK_INT_EQ(push(&e, "_layouts/wide.html", "W2 {{ page.title }}\n", NULL), 0);
	CHECK_INT_EQ(e.res.rendered, 2);
	CHECK(body_has(&e, "/a", "W2 A"));
	CHECK(body_has(&e, "/c", "<main>C</main>"));
	/* note.html goes: index and C (asking for a missing layout) get folio's layout. */
	CHECK_INT_EQ(push(&e, "_layouts/note.html", NULL, NULL), 0);
	CHECK_INT_EQ(e.res.rendered, 2);
	CHECK(body_has(&e, "/c", "<!doctype html>"));
	CHECK_INT_EQ(layouts_count(e.in->layouts), 1);
	/* The same after a restart (the cache is rebuilt from SQLite on demand). */
	env_reopen(&e);
	CHECK_INT_EQ(ingest_rebuild(e.in, NULL), 0);
	CHECK(body_has(&e, "/a", "W2 A"));
	env_fini(&e);
}

static const struct test tests[] = {
        {"aliases", t_aliases},
        {"rename_chain", t_rename_chain},
        {"permalink_and_slug", t_permalink_and_slug},
        {"layouts", t_layouts},
};

__attribute__((constructor)) static void
quiet_logs(void)
{
	log_init("test_redirects", LOG_WARN);
}

TEST_MAIN(tests)
