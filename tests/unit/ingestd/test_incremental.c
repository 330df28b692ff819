/*
 * test_incremental.c: the exact render set of each kind of push. A vault is pushed once,
 * then each push's note pages (ingest_last_pages, PAGE_NOTE records only, so pages other
 * kinds of push may write do not count) are compared with the set it must render: an
 * edit, a note a bare-name link now finds, a closer duplicate that steals a link, a
 * rename, a delete, a title change, an embed chain, and a push that changes nothing.
 * Also what transclusion puts on a page (sections, blocks, privacy, cycles, depth, ids,
 * whose links embedded text holds) and Unicode names (NFC/NFD, refolding old databases).
 */
#include "ingestd/ingest.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "ingestd/source.h"
#include "shared/config.h"
#include "shared/err.h"
#include "shared/log.h"
#include "shared/pagefmt.h"
#include "shared/pushmsg.h"
#include "shared/store.h"
#include "tests/harness.h"
#include "tests/unit/ingestd/ingest_env.h"

static void
env_init(struct env *e)
{
	env_prepare(e, "incr");
	env_open(e);
}

static int
url_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct urls {
	char *u[64];
	size_t n;
};

static int
collect_note(void *arg, const char *url, uint32_t flags)
{
	struct urls *l = arg;
	if ((flags & PAGE_NOTE) && l->n < 64) {
		l->u[l->n++] = strdup(url);
	}
	return 0;
}

/* The note pages the last push wrote, sorted and joined by spaces ("" for none). */
static const char *
rendered(struct env *e)
{
	static char out[1024];
	struct urls l = {.n = 0};
	ingest_last_pages(e->in, collect_note, &l);
	qsort(l.u, l.n, sizeof(l.u[0]), url_cmp);
	out[0] = '\0';
	for (size_t i = 0; i < l.n; i++) {
		if (i) {
			strncat(out, " ", sizeof(out) - strlen(out) - 1);
		}
		strncat(out, l.u[i], sizeof(out) - strlen(out) - 1);
		free(l.u[i]);
	}
	return out;
}

#define CHECK_SET(e, want)                                                         \
	do {                                                                       \
		const char *got_ = rendered(e);                                    \
		if (strcmp(got_, (want)) != 0)                                     \
			CHECK_FAIL_("rendered \"%s\", want \"%s\"", got_, (want)); \
	} while (0)

/* The vault every test starts from. */
static void
seed(struct env *e)
{
	CHECK_INT_EQ(push(e, "index.md", "Home.\n", "A.md", "A links to [[B]].\n", "B.md",
	                  "B is a leaf to [[D]].\n", "C.md", "C wants [[Target]].\n", "D.md",
	                  "D stands alone.\n", "F.md", "F wants [[Dup]].\n", "X/Dup.md",
	                  "far dup\n", "T.md", "---\ntitle: Tee\n---\nT links [[Titled]].\n",
	                  "Titled.md", "titled\n", "E1.md", "E1 says\n\n![[E2]]\n", "E2.md",
	                  "E2 says\n\n![[E3]]\n", "E3.md", "E3 v1\n", NULL),
	             0);
	CHECK_SET(e, "/ /a /b /c /d /e1 /e2 /e3 /f /t /titled /x/dup");
}

static void
t_noop_and_leaf_edit(void)
{
	struct env e;
	env_init(&e);
	seed(&e);
	CHECK_INT_EQ(push(&e, "D.md", "D stands alone.\n", NULL), 0);
	CHECK_SET(&e, "");
	CHECK_INT_EQ(e.res.rendered, 0);
	/* An edit that keeps links and title: the note alone (not its linker A, nor D). */
	CHECK_INT_EQ(push(&e, "B.md", "B, edited, still a leaf to [[D]].\n", NULL), 0);
	CHECK_SET(&e, "/b");
	CHECK_INT_EQ(push(&e, "D.md", "D edited.\n", NULL), 0);
	CHECK_SET(&e, "/d");
	env_fini(&e);
}

static void
t_add_resolves_links(void)
{
	struct env e;
	env_init(&e);
	seed(&e);
	CHECK(body_has(&e, "/c", "unresolved"));
	/* The bare name C wrote now finds a note: C renders, nothing else but the new note. */
	CHECK_INT_EQ(push(&e, "Sub/Target.md", "here\n", NULL), 0);
	CHECK_SET(&e, "/c /sub/target");
	CHECK(body_has(&e, "/c", "href=\"/sub/target\""));
	/* A duplicate in F's own folder steals F's link; X/Dup loses F as a backlink. */
	CHECK_INT_EQ(push(&e, "Dup.md", "near dup\n", NULL), 0);
	CHECK_SET(&e, "/dup /f /x/dup");
	CHECK(body_has(&e, "/f", "href=\"/dup\""));
	env_fini(&e);
}

static void
t_rename_and_delete(void)
{
	struct env e;
	env_init(&e);
	seed(&e);
	/* B moves: A's link follows it, D's backlink from B points at the new URL. */
	CHECK_INT_EQ(push(&e, "B.md", NULL, "Moved/B.md", "B is a leaf to [[D]].\n", NULL), 0);
	CHECK_SET(&e, "/a /d /moved/b");
	CHECK(body_has(&e, "/a", "href=\"/moved/b\""));
	CHECK(body_has(&e, "/d", "/moved/b"));
	/* D goes: its linker B renders (now unresolved); nobody else. */
	CHECK_INT_EQ(push(&e, "D.md", NULL, NULL), 0);
	CHECK_SET(&e, "/moved/b");
	CHECK(body_has(&e, "/moved/b", "unresolved"));
	env_fini(&e);
}

static void
t_url_change(void)
{
	struct env e;
	env_init(&e);
	seed(&e);
	/* A permalink moves B: its linker A and its target D (whose backlink shows B's URL)
	 * render; the old URL becomes a redirect, not a note page. */
	CHECK_INT_EQ(push(&e, "B.md", "---\npermalink: bee\n---\nB is a leaf to [[D]].\n", NULL),
	             0);
	CHECK_SET(&e, "/a /bee /d");
	CHECK(body_has(&e, "/a", "href=\"/bee\""));
	CHECK(body_has(&e, "/d", "href=\"/bee\""));
	env_fini(&e);
}

static void
t_title_change(void)
{
	struct env e;
	env_init(&e);
	seed(&e);
	CHECK(body_has(&e, "/titled", ">Tee<"));
	/* Titled lists T as a backlink, by title. */
	CHECK_INT_EQ(push(&e, "T.md", "---\ntitle: Tea\n---\nT links [[Titled]].\n", NULL), 0);
	CHECK_SET(&e, "/t /titled");
	CHECK(body_has(&e, "/titled", ">Tea<"));
	env_fini(&e);
}

static void
t_embed_chain(void)
{
	struct env e;
	env_init(&e);
	seed(&e);
	CHECK(body_has(&e, "/e1", "E3 v1"));
	/* E3 changes: E2 shows it, and E1 shows E2. */
	CHECK_INT_EQ(push(&e, "E3.md", "E3 v2\n", NULL), 0);
	CHECK_SET(&e, "/e1 /e2 /e3");
	CHECK(body_has(&e, "/e1", "E3 v2"));
	CHECK(body_has(&e, "/e2", "E3 v2"));
	/* Embedder and target in one push: the embedder renders with the new target. */
	CHECK_INT_EQ(push(&e, "E1.md", "E1 now says\n\n![[E2]]\n", "E2.md", "E2 v2\n\n![[E3]]\n",
	                  "E3.md", "E3 v3\n", NULL),
	             0);
	CHECK_SET(&e, "/e1 /e2 /e3");
	CHECK(body_has(&e, "/e1", "E2 v2"));
	CHECK(body_has(&e, "/e1", "E3 v3"));
	/* Embedded text links nowhere on the embedder's behalf: E3's backlinks show E2 (which
	 * embeds it), not E1 (which shows it through E2). */
	CHECK(body_has(&e, "/e3", "href=\"/e2\""));
	CHECK(!body_has(&e, "/e3", "href=\"/e1\""));
	/* A title change shows in the embedders' title links. */
	CHECK_INT_EQ(push(&e, "E3.md", "---\ntitle: Third\n---\nE3 v3\n", NULL), 0);
	CHECK_SET(&e, "/e1 /e2 /e3");
	CHECK(body_has(&e, "/e1", ">Third</a>"));
	/* An edit of the top of the chain is the top alone. */
	CHECK_INT_EQ(push(&e, "E1.md", "E1 again\n\n![[E2]]\n", NULL), 0);
	CHECK_SET(&e, "/e1");
	/* Deleting the bottom: E2's embed is unresolved now, and E1 shows E2. */
	CHECK_INT_EQ(push(&e, "E3.md", NULL, NULL), 0);
	CHECK_SET(&e, "/e1 /e2");
	CHECK(body_has(&e, "/e1", "unresolved"));
	/* Adding it back (elsewhere): the embed resolves again, up the chain. */
	CHECK_INT_EQ(push(&e, "Z/E3.md", "E3 is back\n", NULL), 0);
	CHECK_SET(&e, "/e1 /e2 /z/e3");
	CHECK(body_has(&e, "/e1", "E3 is back"));
	env_fini(&e);
}

#define UNI_NFC             \
	"\xC3\x9Cn\xC3\xAF" \
	"code N\xC3\xB6te"
#define UNI_NFD      \
	"U\xCC\x88"  \
	"ni\xCC\x88" \
	"code No\xCC\x88te"
#define UNI_URL              \
	"/\xC3\xBCn\xC3\xAF" \
	"code-n\xC3\xB6te" /* NFC, as the page key */

static int
sql_int(struct env *e, const char *sql)
{
	sqlite3_stmt *st;
	int v = -1;
	if (sqlite3_prepare_v2(source_db(ingest_source(e->in)), sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW) {
			v = sqlite3_column_int(st, 0);
		}
		sqlite3_finalize(st);
	}
	return v;
}

static void
t_unicode_names(void)
{
	struct env e;
	env_init(&e);
	/* The file is stored decomposed (a macOS vault); links are typed precomposed, in
	 * another case, and as a markdown link. One page, one URL (from the NFC form). */
	CHECK_INT_EQ(push(&e, "index.md", "home\n", UNI_NFD ".md", "unicode body\n", "L.md",
	                  "[[" UNI_NFC "]] and [[\xC3\xBCn\xC3\xAF"
	                  "code n\xC3\xB6te|lower]] and "
	                  "[md](" UNI_NFC ".md) and [[EMBED FILES]]\n\n![[" UNI_NFC "]]\n",
	                  "Embed files.md", "embedded files\n", NULL),
	             0);
	CHECK(body_has(&e, UNI_URL, "unicode body"));
	CHECK(body_has(&e, "/l", "href=\"/%C3%BCn%C3%AFcode-n%C3%B6te\">" UNI_NFC "</a>"));
	CHECK(body_has(&e, "/l", "href=\"/%C3%BCn%C3%AFcode-n%C3%B6te\">lower</a>"));
	CHECK(body_has(&e, "/l", "href=\"/embed-files\""));
	CHECK(body_has(&e, "/l", "<div class=\"markdown-embed\""));
	CHECK(!body_has(&e, "/l", "unresolved"));
	/* Edit the note under its NFD name: L embeds it, so L renders again. */
	CHECK_INT_EQ(push(&e, UNI_NFD ".md", "unicode body v2\n", NULL), 0);
	CHECK_SET(&e, "/l " UNI_URL);
	CHECK(body_has(&e, "/l", "unicode body v2"));

	/* A database from before Unicode folding: stale keys, a URL slugged from the NFD
	 * bytes, no "fold" mark. Opening it folds the keys again and moves the URL. */
	sqlite3 *db = source_db(ingest_source(e.in));
	CHECK_INT_EQ(sqlite3_exec(db,
	                          "UPDATE links SET target_name = 'stale';"
	                          "UPDATE pages SET url = '/old-nfd' WHERE url = '" UNI_URL "';"
	                          "UPDATE claims SET url = '/old-nfd' WHERE url = '" UNI_URL "';"
	                          "UPDATE notes SET claim = '/old-nfd', url = '/old-nfd'"
	                          " WHERE url = '" UNI_URL "';"
	                          "DELETE FROM meta WHERE key = 'fold';",
	                          NULL, NULL, NULL),
	             SQLITE_OK);
	ingest_close(e.in);
	CHECK_INT_EQ(ingest_open(&e.in, &e.cfg, NULL), 0);
	CHECK_INT_EQ(sql_int(&e, "SELECT count(*) FROM links WHERE target_name = 'stale'"), 0);
	CHECK_INT_EQ(sql_int(&e, "SELECT count(*) FROM pages WHERE url = '" UNI_URL "'"), 1);
	/* The old URL now only redirects to the new one (an old URL of the note). */
	CHECK_INT_EQ(sql_int(&e, "SELECT count(*) FROM pages WHERE url = '/old-nfd' AND kind <> 3"),
	             0);
	CHECK_INT_EQ(sql_int(&e, "SELECT count(*) FROM meta WHERE key = 'fold'"), 1);
	/* The refolded keys work: the linkers of a name are found through links.target_name
	 * when the file it names moves (nothing else tells L its link changed). */
	CHECK_INT_EQ(push(&e, "Embed files.md", NULL, "Sub/EMBED files.md", "moved\n", NULL), 0);
	CHECK_SET(&e, "/l /sub/embed-files");
	CHECK(body_has(&e, "/l", "href=\"/sub/embed-files\""));
	env_fini(&e);
}

/* Occurrences of text in the identity body of the page at url. */
static int
body_count(struct env *e, const char *url, const char *text)
{
	struct page_view v;
	int n = 0;
	if (page_get(e, url, &v)) {
		struct slice b = v.sec[PAGE_SEC_BODY_IDENT];
		const uint8_t *p = b.ptr, *end = b.ptr + b.len;
		size_t tl = strlen(text);
		while (p < end && (p = memmem(p, (size_t)(end - p), text, tl)) != NULL) {
			n++;
			p += tl;
		}
		page_end(e);
	}
	return n;
}

static void
t_transclusion(void)
{
	struct env e;
	env_init(&e);
	CHECK_INT_EQ(push(&e, "index.md", "home\n", "Host.md",
	                  "# Part Two\n\n![[Src#Part Two]]\n\n![[Src#^blk]]\n\n![[Priv]]\n\n"
	                  "![[Loop1]]\n\n![[Deep1]]\n\n![[Src#Nowhere]]\n",
	                  "S/Src.md",
	                  "# Part One\none\n# Part Two\ntwo [[Other]]\n# Part Three\nthree\n\n"
	                  "block text ^blk\n",
	                  "S/Other.md", "near\n", "Other.md", "far\n", "Priv.md",
	                  "---\nprivate: true\n---\nsecret\n", "PrivHost.md",
	                  "---\nprivate: true\n---\n![[Priv]]\n", "Loop1.md",
	                  "loop-one\n\n![[Loop2]]\n", "Loop2.md", "loop-two\n\n![[Loop1]]\n",
	                  "Deep1.md", "d-1\n\n![[Deep2]]\n", "Deep2.md", "d-2\n\n![[Deep3]]\n",
	                  "Deep3.md", "d-3\n\n![[Deep4]]\n", "Deep4.md", "d-4\n\n![[Deep5]]\n",
	                  "Deep5.md", "d-5\n", NULL),
	             0);
	/* A heading's section, with its links resolved from the embedded note's folder. */
	CHECK(body_has(&e, "/host", "<div class=\"markdown-embed\" data-embed=\"Src#Part Two\">"));
	CHECK(body_has(&e, "/host", "<a class=\"markdown-embed-link\" href=\"/s/src#part-two\">"));
	CHECK(body_has(&e, "/host", "<h1>Part Two</h1>"));
	CHECK(body_has(&e, "/host", "href=\"/s/other\""));
	CHECK(!body_has(&e, "/host", "Part Three"));
	CHECK(!body_has(&e, "/host", "Part One"));
	/* The page's own heading keeps its id; the embedded one has none. */
	CHECK_INT_EQ(body_count(&e, "/host", "id=\"part-two\""), 1);
	/* A block, without its id. */
	CHECK(body_has(&e, "/host", "<p>block text</p>"));
	/* A private note is not shown in a public one, only in a private one. */
	CHECK(!body_has(&e, "/host", "secret"));
	CHECK(body_has(&e, "/privhost", "secret"));
	/* A cycle ends in a link; so does a fifth level, and a section that is not there. */
	CHECK_INT_EQ(body_count(&e, "/host", "loop-one"), 1);
	CHECK_INT_EQ(body_count(&e, "/host", "loop-two"), 1);
	CHECK(body_has(&e, "/host", "<a class=\"internal embed\" href=\"/loop1\">"));
	CHECK(body_has(&e, "/host", "d-4"));
	CHECK(!body_has(&e, "/host", "d-5"));
	CHECK(body_has(&e, "/host", "<a class=\"internal embed\" href=\"/deep5\">"));
	CHECK(body_has(&e, "/host", "<a class=\"internal embed\" href=\"/s/src#nowhere\">"));
	/* Links in embedded text are the embedded note's: no backlink from Host. */
	CHECK(!body_has(&e, "/s/other", "href=\"/host\""));
	CHECK(body_has(&e, "/s/other", "href=\"/s/src\""));
	CHECK(body_has(&e, "/s/src", "href=\"/host\""));
	env_fini(&e);
}

static const struct test tests[] = {
        {"transclusion", t_transclusion},
        {"unicode_names", t_unicode_names},
        {"noop_and_leaf_edit", t_noop_and_leaf_edit},
        {"add_resolves_links", t_add_resolves_links},
        {"rename_and_delete", t_rename_and_delete},
        {"url_change", t_url_change},
        {"title_change", t_title_change},
        {"embed_chain", t_embed_chain},
};

/* Only warnings and errors on stderr. */
__attribute__((constructor)) static void
quiet_logs(void)
{
	log_init("test_incremental", LOG_WARN);
}

TEST_MAIN(tests)
