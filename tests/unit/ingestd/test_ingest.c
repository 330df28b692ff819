/*
 * test_ingest.c: the real push pipeline in a temporary data directory, without HTTP.
 * Pages are read back from LMDB (store_get + page_decode): hrefs of resolved links,
 * unresolved missing links, redirects, assets, the special pages; the render set of an edit
 * stays small; deletes remove records and re-render linkers; a rejected push changes
 * nothing; a crash between the SQLite and LMDB commits is repaired at the next start.
 */
#include "ingestd/ingest.h"

#include <jansson.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "ingestd/ingest_stats.h"
#include "ingestd/publish.h"
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
	env_prepare(e, "ingest");
	env_open(e);
}

static void
t_push_and_render(void)
{
	struct env e;
	env_init(&e);
	CHECK(page_exists(&e, "/_folio/404")); /* the store is usable before any push */
	int rc = push(&e, "index.md",
	              "---\ntitle: Welcome Home\n---\nSee [[Other]] and "
	              "[[Missing Note]] and [[Other#Part Two|two]].\n",
	              "Notes/Other.md",
	              "# Other\n\nBack to [[index]], ![[a.png]] and [pic](../img/a.png).\n",
	              "img/a.png", "\x89PNG\r\n\x1a\n\1\2\3", NULL);
	CHECK_INT_EQ(rc, 0);
	CHECK_INT_EQ(json_integer_value(json_object_get(e.json, "generation")), ingest_gen(e.in));
	CHECK_INT_EQ(ingest_store_gen(e.in), ingest_gen(e.in));
	CHECK_INT_EQ(e.res.rendered, 2);
	CHECK_STR_EQ(reply_url(&e, "index.md"), "/");
	CHECK_STR_EQ(reply_url(&e, "Notes/Other.md"), "/notes/other");
	CHECK_STR_EQ(reply_url(&e, "img/a.png"), "/img/a.png");
	CHECK(has_warning(&e, "index.md", "link to missing note \"Missing Note\""));
	CHECK(!has_warning(&e, "Notes/Other.md", "missing"));

	struct page_view v;
	CHECK(page_get(&e, "/", &v));
	CHECK_INT_EQ(v.status, 200);
	CHECK(v.flags & PAGE_NOTE);
	CHECK(!(v.flags & PAGE_PRIVATE));
	CHECK(v.sec[PAGE_SEC_BODY_GZIP].len > 0);
	CHECK_INT_EQ(v.gen, ingest_gen(e.in));
	page_end(&e);
	CHECK(body_has(&e, "/", "href=\"/notes/other\""));
	CHECK(body_has(&e, "/", "href=\"/notes/other#part-two\""));
	CHECK(body_has(&e, "/", "unresolved"));
	CHECK(body_has(&e, "/", "Welcome Home"));
	CHECK(body_has(&e, "/notes/other", "href=\"/\""));
	CHECK(body_has(&e, "/notes/other", "src=\"/img/a.png\""));
	CHECK(body_has(&e, "/notes/other", "href=\"/img/a.png\""));
	CHECK(body_has(&e, "/notes/other", "Welcome Home")); /* the backlink */
	CHECK(!body_has(&e, "/notes/other", "unresolved"));

	/* The home note's slug URL redirects to "/". */
	CHECK(page_get(&e, "/index", &v));
	CHECK_INT_EQ(v.status, 301);
	CHECK(v.flags & PAGE_REDIRECT);
	CHECK_MEM_STR(v.sec[PAGE_SEC_LOCATION].ptr, v.sec[PAGE_SEC_LOCATION].len, "/");
	page_end(&e);

	/* The asset, byte for byte. */
	CHECK(page_get(&e, "/img/a.png", &v));
	CHECK(v.flags & PAGE_ASSET);
	CHECK_INT_EQ(v.sec[PAGE_SEC_BODY_IDENT].len, 11);
	CHECK(memcmp(v.sec[PAGE_SEC_BODY_IDENT].ptr, "\x89PNG\r\n\x1a\n\1\2\3", 11) == 0);
	CHECK(memmem(v.sec[PAGE_SEC_HDR_IDENT].ptr, v.sec[PAGE_SEC_HDR_IDENT].len, "image/png",
	             9) != NULL);
	page_end(&e);

	CHECK(page_get(&e, "/_folio/404", &v));
	CHECK_INT_EQ(v.status, 404);
	page_end(&e);

	/* GET /api/v1/files and status bodies. */
	struct buf b;
	buf_init(&b, 0);
	CHECK_INT_EQ(ingest_files_json(e.in, &b), 0);
	CHECK(strstr(buf_cstr(&b), "\"path\":\"Notes/Other.md\",\"sha256\":\"") != NULL);
	buf_reset(&b);
	CHECK_INT_EQ(ingest_status_json(e.in, &b), 0);
	CHECK(strstr(buf_cstr(&b), "\"notes\":2,\"assets\":1") != NULL);
	buf_fini(&b);
	env_fini(&e);
}

/* Pushes a chain of n notes, N0 -> N1 -> ... each linking to the next. */
static void
push_chain(struct env *e, int n)
{
	struct push_file *ups = calloc((size_t)n, sizeof(*ups));
	char(*paths)[32] = calloc((size_t)n, 32);
	char(*texts)[96] = calloc((size_t)n, 96);
	for (int i = 0; i < n; i++) {
		snprintf(paths[i], 32, "chain/N%d.md", i);
		snprintf(texts[i], 96, "Note %d links to [[N%d]].\n", i, (i + 1) % n);
		ups[i] = (struct push_file){paths[i], slice_str(texts[i])};
	}
	struct push p = {.upserts = ups, .nupserts = (size_t)n};
	buf_reset(&e->reply);
	CHECK_INT_EQ(ingest_push(e->in, &p, &e->reply, &e->res), 0);
	CHECK_INT_EQ(e->res.rendered, n);
	free(ups);
	free(paths);
	free(texts);
}

static void
t_small_render_set(void)
{
	struct env e;
	env_init(&e);
	push_chain(&e, 50);
	/* New text, same links, same title: only the note itself. */
	CHECK_INT_EQ(push(&e, "chain/N10.md", "Edited; still links to [[N11]].\n", NULL), 0);
	CHECK_INT_EQ(e.res.rendered, 1);
	CHECK(body_has(&e, "/chain/n10", "Edited"));
	/* A new link: the new target's backlinks change too. */
	CHECK_INT_EQ(push(&e, "chain/N10.md", "Now [[N11]] and [[N30]].\n", NULL), 0);
	CHECK_INT_EQ(e.res.rendered, 2);
	CHECK(body_has(&e, "/chain/n30", "N10"));
	/* A new title shows in the backlinks of every target. */
	CHECK_INT_EQ(push(&e, "chain/N10.md", "---\ntitle: Ten\n---\n[[N11]] [[N30]]\n", NULL), 0);
	CHECK_INT_EQ(e.res.rendered, 3);
	CHECK(body_has(&e, "/chain/n11", "Ten"));
	/* The same bytes again: nothing to do. */
	CHECK_INT_EQ(push(&e, "chain/N10.md", "---\ntitle: Ten\n---\n[[N11]] [[N30]]\n", NULL), 0);
	CHECK_INT_EQ(e.res.rendered, 0);
	CHECK_INT_EQ(e.res.changed, 0);
	env_fini(&e);
}

static void
t_delete(void)
{
	struct env e;
	env_init(&e);
	CHECK_INT_EQ(push(&e, "index.md", "home\n", "Target.md", "I am the [[Far]] target.\n",
	                  "A.md", "To [[Target]].\n", "B.md", "Also [[target]].\n", "C.md",
	                  "Unrelated.\n", "Far.md", "far\n", "pic.png", "png", NULL),
	             0);
	CHECK(body_has(&e, "/a", "href=\"/target\""));
	CHECK_INT_EQ(push(&e, "Target.md", NULL, "pic.png", NULL, NULL), 0);
	CHECK(!page_exists(&e, "/target"));
	CHECK(!page_exists(&e, "/pic.png"));
	/* Linkers re-rendered (now unresolved), and Far lost a backlink; C untouched. */
	CHECK_INT_EQ(e.res.rendered, 3);
	CHECK(body_has(&e, "/a", "unresolved"));
	CHECK(!body_has(&e, "/a", "href=\"/target\""));
	CHECK(body_has(&e, "/b", "unresolved"));
	json_t *del = json_object_get(e.json, "deleted");
	CHECK_INT_EQ(json_array_size(del), 2);
	/* Deleting what is not there is not an error, and renders nothing. */
	CHECK_INT_EQ(push(&e, "Target.md", NULL, NULL), 0);
	CHECK_INT_EQ(e.res.rendered, 0);
	CHECK_INT_EQ(json_array_size(json_object_get(e.json, "deleted")), 0);
	/* Bringing it back resolves the links again. */
	CHECK_INT_EQ(push(&e, "Target.md", "back\n", NULL), 0);
	CHECK_INT_EQ(e.res.rendered, 3);
	CHECK(body_has(&e, "/a", "href=\"/target\""));
	env_fini(&e);
}

static void
t_rejected_push(void)
{
	struct env e;
	env_init(&e);
	CHECK_INT_EQ(push(&e, "index.md", "home\n", "Keep.md", "original\n", NULL), 0);
	uint64_t gen = ingest_gen(e.in);
	/* A decoded push with problems: the good file must not be stored either. */
	struct buf body;
	buf_init(&body, 0);
	const char *json = "{\"upserts\":[{\"path\":\"Keep.md\",\"content\":\"changed\"},"
	                   "{\"path\":\"../evil.md\",\"content\":\"x\"}]}";
	struct push p;
	CHECK_ERR(pushmsg_decode(slice_str(json), PUSHMSG_JSON, NULL, &p), ERR_PROTO);
	buf_reset(&e.reply);
	CHECK_ERR(ingest_push(e.in, &p, &e.reply, &e.res), ERR_PROTO);
	pushmsg_fini(&p);
	CHECK(strstr(buf_cstr(&e.reply), "\"details\":[{\"path\":\"../evil.md\"") != NULL);
	CHECK_INT_EQ(ingest_gen(e.in), gen);
	CHECK_INT_EQ(ingest_store_gen(e.in), gen);
	CHECK(body_has(&e, "/keep", "original"));
	CHECK(!page_exists(&e, "/evil"));
	buf_fini(&body);
	/* Still rejected after a restart: nothing was stored. */
	env_reopen(&e);
	CHECK_INT_EQ(ingest_gen(e.in), gen);
	CHECK(body_has(&e, "/keep", "original"));
	env_fini(&e);
}

static void
t_crash_between_commits(void)
{
	struct env e;
	env_init(&e);
	CHECK_INT_EQ(push(&e, "index.md", "home\n", "A.md", "version one, see [[B]]\n", "B.md",
	                  "bee\n", NULL),
	             0);
	uint64_t before = ingest_gen(e.in);
	ingest_test_skip_store_commit(e.in, 1);
	CHECK_INT_EQ(push(&e, "A.md", "version two, see [[C]]\n", "C.md", "sea\n", NULL), 0);
	CHECK_INT_EQ(ingest_gen(e.in), before + 1);
	CHECK_INT_EQ(ingest_store_gen(e.in), before); /* LMDB missed the commit */
	CHECK(body_has(&e, "/a", "version one"));
	CHECK(!page_exists(&e, "/c"));
	/* "Restart": the journal tells start-up what to re-render. */
	env_reopen(&e);
	CHECK_INT_EQ(ingest_gen(e.in), before + 1);
	CHECK_INT_EQ(ingest_store_gen(e.in), before + 1);
	CHECK(body_has(&e, "/a", "version two"));
	CHECK(body_has(&e, "/a", "href=\"/c\""));
	CHECK(page_exists(&e, "/c"));
	CHECK(!body_has(&e, "/b", ">A<")); /* B lost its backlink from A */

	/* Two missed generations in a row are repaired together. */
	ingest_test_skip_store_commit(e.in, 1);
	CHECK_INT_EQ(push(&e, "D.md", "dee\n", NULL), 0);
	CHECK_INT_EQ(push(&e, "A.md", "version three [[D]]\n", NULL), 0);
	env_reopen(&e);
	CHECK_INT_EQ(ingest_store_gen(e.in), ingest_gen(e.in));
	CHECK(body_has(&e, "/a", "version three"));
	CHECK(body_has(&e, "/a", "href=\"/d\""));
	CHECK(page_exists(&e, "/d"));
	env_fini(&e);
}

static void
t_rebuild(void)
{
	struct env e;
	env_init(&e);
	CHECK_INT_EQ(push(&e, "index.md", "home\n", "A.md", "[[B]]\n", "B.md", "b\n", "x.txt",
	                  "text file\n", NULL),
	             0);
	uint64_t gen = ingest_gen(e.in);
	struct ingest_result r = {0};
	CHECK_INT_EQ(ingest_rebuild(e.in, &r), 0);
	CHECK(ingest_gen(e.in) > gen);
	CHECK_INT_EQ(ingest_store_gen(e.in), ingest_gen(e.in));
	CHECK_INT_EQ(r.rendered, 3);
	CHECK(body_has(&e, "/a", "href=\"/b\""));
	CHECK(body_has(&e, "/x.txt", "text file"));
	/* A lost page store is rebuilt whole at start-up. */
	ingest_close(e.in);
	e.in = NULL;
	char path[200];
	snprintf(path, sizeof(path), "%s/pages/data.mdb", e.dir);
	CHECK_INT_EQ(unlink(path), 0);
	env_open(&e);
	CHECK(body_has(&e, "/a", "href=\"/b\""));
	CHECK(page_exists(&e, "/x.txt"));
	CHECK(page_exists(&e, "/_folio/404"));
	CHECK_INT_EQ(ingest_store_gen(e.in), ingest_gen(e.in));
	env_fini(&e);
}

static void
t_publish_flags(void)
{
	struct env e;
	env_init(&e);
	CHECK_INT_EQ(push(&e, "index.md", "home\n", NULL), 0);
	CHECK_INT_EQ(push(&e, "Hidden.md", "---\npublish: false\n---\nsecret\n", "Draft.md",
	                  "---\ndraft: true\n---\nwip\n", "Mine.md",
	                  "---\nprivate: true\n---\nme, see [[Pub]]\n", "Pub.md",
	                  "[[Hidden]] [[Draft]] [[Mine|the private one]]\n", "Bad.md",
	                  "---\ntitle: [unclosed\n---\nbody\n", NULL),
	             0);
	CHECK(!page_exists(&e, "/hidden"));
	CHECK(!page_exists(&e, "/draft"));
	CHECK(reply_url(&e, "Hidden.md") == NULL);
	CHECK(has_warning(&e, "Pub.md", "missing note \"Hidden\""));
	CHECK(has_warning(&e, "Bad.md", "frontmatter: "));
	struct page_view v;
	CHECK(page_get(&e, "/mine", &v));
	CHECK(v.flags & PAGE_PRIVATE);
	page_end(&e);
	CHECK(body_has(&e, "/pub", "href=\"/mine\""));
	CHECK(!body_has(&e, "/pub", "href=\"/hidden\""));
	/* Pub shows no backlink from the private note (only its own link to it). */
	CHECK(!body_has(&e, "/pub", ">Mine<"));
	/* Publishing it later resolves the link in Pub. */
	CHECK_INT_EQ(push(&e, "Hidden.md", "now public\n", NULL), 0);
	CHECK(page_exists(&e, "/hidden"));
	CHECK(body_has(&e, "/pub", "href=\"/hidden\""));
	CHECK_INT_EQ(e.res.rendered, 2);
	env_fini(&e);
}

static void
t_collisions(void)
{
	struct env e;
	env_init(&e);
	CHECK_INT_EQ(push(&e, "index.md", "home\n", NULL), 0);
	CHECK_INT_EQ(push(&e, "b/y.md", "---\npermalink: same\n---\nfrom y\n", "a/x.md",
	                  "---\npermalink: same\n---\nfrom x\n", "L.md", "[[y]] [[x]]\n", NULL),
	             0);
	CHECK(body_has(&e, "/same", "from x")); /* the smaller path wins */
	CHECK(has_warning(&e, "b/y.md", "URL /same also claimed by a/x.md; a/x.md wins"));
	CHECK(has_warning(&e, "a/x.md", "URL /same also claimed by b/y.md; a/x.md wins"));
	CHECK_STR_EQ(reply_url(&e, "a/x.md"), "/same");
	CHECK(reply_url(&e, "b/y.md") == NULL);
	CHECK(body_has(&e, "/l", "href=\"/same\""));
	/* Each slug URL redirects to the permalink. */
	struct page_view v;
	CHECK(page_get(&e, "/b/y", &v));
	CHECK_INT_EQ(v.status, 301);
	page_end(&e);
	/* The winner leaves: the loser takes the URL, and L's link to y resolves. */
	CHECK_INT_EQ(push(&e, "a/x.md", NULL, NULL), 0);
	CHECK(body_has(&e, "/same", "from y"));
	CHECK(!page_exists(&e, "/a/x"));
	env_fini(&e);
}

static void
t_links_follow_new_files(void)
{
	struct env e;
	env_init(&e);
	CHECK_INT_EQ(
	        push(&e, "deep/er/Src.md", "[[Target]] and [[Other]]\n", "Other.md", "o\n", NULL),
	        0);
	CHECK(body_has(&e, "/deep/er/src", "unresolved"));
	CHECK_INT_EQ(push(&e, "far/Target.md", "here\n", NULL), 0);
	CHECK(body_has(&e, "/deep/er/src", "href=\"/far/target\""));
	CHECK_INT_EQ(e.res.rendered, 2); /* the new note and the one whose link now resolves */
	/* A same-named note in the linking note's folder takes the link over. */
	CHECK_INT_EQ(push(&e, "deep/er/Target.md", "closer\n", NULL), 0);
	CHECK(body_has(&e, "/deep/er/src", "href=\"/deep/er/target\""));
	CHECK_INT_EQ(e.res.rendered, 3); /* new note, Src, and far/Target lost a backlink */
	env_fini(&e);
}

static void
t_home_fallback(void)
{
	/* No index, Home or README: "/" is the root folder page, and every note keeps its URL. */
	struct env e;
	env_init(&e);
	CHECK_INT_EQ(push(&e, "deep/Zed.md", "zed\n", "Mid.md", "mid [[Zed]]\n", NULL), 0);
	CHECK_STR_EQ(reply_url(&e, "Mid.md"), "/mid");
	CHECK(body_has(&e, "/", "href=\"/mid\">Mid</a>"));
	CHECK(body_has(&e, "/", "href=\"/deep\">deep</a>"));
	CHECK(body_has(&e, "/deep/zed", "zed"));
	/* A README arrives: it takes "/" from the folder page. */
	CHECK_INT_EQ(push(&e, "README.md", "readme\n", NULL), 0);
	CHECK(body_has(&e, "/", "readme"));
	CHECK(!body_has(&e, "/", "folder-list"));
	CHECK(body_has(&e, "/mid", "mid"));
	/* It goes again: the folder page is back. */
	CHECK_INT_EQ(push(&e, "README.md", NULL, NULL), 0);
	CHECK(body_has(&e, "/", "href=\"/mid\">Mid</a>"));
	env_fini(&e);
}

static void
t_home_moves(void)
{
	struct env e;
	env_init(&e);
	CHECK_INT_EQ(push(&e, "README.md", "readme\n", "L.md", "[[README]]\n", NULL), 0);
	CHECK(body_has(&e, "/", "readme"));
	CHECK(body_has(&e, "/l", "href=\"/\""));
	CHECK_INT_EQ(push(&e, "index.md", "the index\n", NULL), 0);
	CHECK(body_has(&e, "/", "the index"));
	CHECK(body_has(&e, "/readme", "readme"));
	CHECK(body_has(&e, "/l", "href=\"/readme\""));
	struct page_view v;
	CHECK(page_get(&e, "/index", &v));
	CHECK_INT_EQ(v.status, 301);
	page_end(&e);
	/* A configured home_note wins after a restart. */
	char err[128];
	config_set(&e.cfg, "home_note", "L.md", err, sizeof(err));
	env_reopen(&e);
	CHECK(body_has(&e, "/", "href=\"/readme\"")); /* L is home now, linking README */
	CHECK(page_exists(&e, "/l"));                 /* its slug URL redirects home */
	CHECK(body_has(&e, "/index", "the index"));
	env_fini(&e);
}

static void
t_many_notes(void)
{
	/* Pushes a larger vault and checks an edit into it stays cheap. */
	struct env e;
	env_init(&e);
	push_chain(&e, 2000);
	double initial = e.res.elapsed_ms;
	/* The store started with a 1 MB map: the push filled it, grew it and went on. */
	struct store_info si;
	CHECK_INT_EQ(store_info(ingest_store(e.in), &si), 0);
	CHECK(si.map_size > 1048576);
	CHECK(page_exists(&e, "/chain/n1999"));
	CHECK_INT_EQ(push(&e, "chain/N77.md", "edit [[N78]]\n", NULL), 0);
	CHECK_INT_EQ(e.res.rendered, 1);
	printf("    2000-note push %.1f ms; one-note edit %.2f ms\n", initial, e.res.elapsed_ms);
	env_fini(&e);
}

static void
t_frontmatter_image_is_a_dependency(void)
{
	struct env e;
	env_init(&e);
	CHECK_INT_EQ(push(&e, "Post.md", "---\nimage: img/cover.png\n---\ntext\n", "Other.md",
	                  "o\n", NULL),
	             0);
	/* The cover arrives later: the note's page is built again (for its og:image). */
	CHECK_INT_EQ(push(&e, "img/cover.png", "png", NULL), 0);
	CHECK_INT_EQ(e.res.rendered, 1);
	CHECK(page_exists(&e, "/img/cover.png"));
	env_fini(&e);
}

/* Collects one invalidation: its generation and whether it names want. */
struct inval_seen {
	uint64_t gen;
	const char *want;
	bool found;
};

static void
inval_path(void *arg, struct slice path)
{
	struct inval_seen *s = arg;
	if (slice_eq_str(path, s->want)) {
		s->found = true;
	}
}

static void
t_publishes_invalidation(void)
{
	struct env e;
	env_init(&e);
	ingest_close(e.in);
	e.in = NULL;
	char run[128], url[200];
	snprintf(run, sizeof(run), "%s/run", e.dir);
	mkdir(run, 0755);
	struct publish *pub = NULL;
	CHECK_INT_EQ(publish_open(&pub, &e.cfg), 0);
	CHECK_INT_EQ(ingest_open(&e.in, &e.cfg, pub), 0);
	snprintf(url, sizeof(url), "ipc://%s/run/events.sock", e.dir);
	struct bus *sub = NULL;
	CHECK_INT_EQ(bus_sub_open(&sub, url), 0);
	/* Pub/sub drops what is sent before the subscriber is connected: push until one
	 * invalidation arrives (bounded), then check it names the pushed page. */
	bool got = false;
	struct inval_seen seen = {.want = "/note"};
	CHECK_INT_EQ(push(&e, "index.md", "home\n", NULL), 0);
	for (int attempt = 0; attempt < 20 && !got && sub; attempt++) {
		char text[64];
		snprintf(text, sizeof(text), "version %d\n", attempt);
		CHECK_INT_EQ(push(&e, "Note.md", text, NULL), 0);
		for (int wait = 0; wait < 20 && !got; wait++) {
			uint8_t msg[4096];
			size_t len;
			if (bus_recv(sub, msg, sizeof(msg), &len) == 0) {
				size_t npaths;
				seen.found = false;
				int rc = events_decode_inval((struct slice){msg, len}, &seen.gen,
				                             &npaths, inval_path, &seen);
				CHECK_INT_EQ(rc, 0);
				got = rc == 0 && seen.found; /* the index push may come first */
			} else {
				usleep(10000);
			}
		}
	}
	CHECK(got);
	CHECK(seen.found);
	CHECK(seen.gen >= 2 && seen.gen <= ingest_gen(e.in));
	bus_close(sub);
	ingest_close(e.in);
	e.in = NULL;
	publish_close(pub);
	env_open(&e);
	env_fini(&e);
}

static int
journal_has(void *arg, const char *url)
{
	if (strcmp(url, "/b") == 0) {
		*(bool *)arg = true;
	}
	return 0;
}

/*
 * LMDB syncs a commit's meta page only with the next commit (MDB_NOMETASYNC), so a power
 * loss can take it back one generation: that generation's journal rows must outlive the
 * next push, or start-up could not render its pages again.
 */
static void
t_journal_keeps_last_generation(void)
{
	struct env e;
	env_init(&e);
	CHECK_INT_EQ(push(&e, "A.md", "aye\n", NULL), 0);
	CHECK_INT_EQ(push(&e, "B.md", "bee\n", NULL), 0);
	uint64_t gen_b = ingest_gen(e.in);
	CHECK_INT_EQ(push(&e, "C.md", "sea\n", NULL), 0);
	CHECK_INT_EQ(ingest_store_gen(e.in), gen_b + 1);
	bool found = false;
	CHECK_INT_EQ(source_journal_above(ingest_source(e.in), gen_b - 1, journal_has, &found), 0);
	CHECK(found); /* B's generation is still journaled after C's push */
	CHECK_INT_EQ(push(&e, "D.md", "dee\n", NULL), 0);
	found = false;
	CHECK_INT_EQ(source_journal_above(ingest_source(e.in), 0, journal_has, &found), 0);
	CHECK(!found); /* ... and cleared by the push after that */
	env_fini(&e);
}

/* Without index, Home or README "/" is the root folder page: adding a note that sorts first
 * moves no note's URL, and the page lists exactly the public notes. */
static void
t_home_fallback_follows_the_notes(void)
{
	struct env e;
	env_init(&e);
	CHECK_INT_EQ(push(&e, "b.md", "bee\n", "c.md", "sea\n", NULL), 0);
	CHECK(body_has(&e, "/", ">b</a>"));
	CHECK_INT_EQ(push(&e, "a.md", "aye\n", NULL), 0);
	CHECK_STR_EQ(reply_url(&e, "a.md"), "/a");
	CHECK(body_has(&e, "/", "href=\"/a\">a</a>"));
	CHECK(body_has(&e, "/b", "bee"));
	CHECK_INT_EQ(push(&e, "a.md", "---\npublish: false\n---\naye\n", NULL), 0);
	CHECK(!body_has(&e, "/", "href=\"/a\""));
	CHECK_INT_EQ(push(&e, "b.md", "---\nprivate: true\n---\nbee\n", NULL), 0);
	CHECK(!body_has(&e, "/", "href=\"/b\""));
	CHECK(body_has(&e, "/", "href=\"/c\""));
	CHECK_INT_EQ(push(&e, "c.md", NULL, NULL), 0);
	CHECK(!page_exists(&e, "/")); /* no public note left: no page */
	env_fini(&e);
}

/*
 * The vault's publish.css, publish.js and favicons: linked from every page; adding or
 * removing one renders every page again, editing one renders nothing. Without a favicon,
 * pages link folio's icon, which the store serves like the theme script.
 */
static void
t_site_files(void)
{
	struct env e;
	env_init(&e);
	CHECK_INT_EQ(push(&e, "index.md", "home\n", "A.md", "---\ntags: [Alpha/Beta]\n---\na\n",
	                  "Sub/B.md", "b\n", NULL),
	             0);
	CHECK(!body_has(&e, "/a", "publish.css"));
	/* The header's tags link to their pages. */
	CHECK(body_has(&e, "/a", "<a class=\"tag\" href=\"/tags/alpha/beta\">#Alpha/Beta</a>"));
	CHECK(body_has(&e, "/a", "<link rel=\"icon\" href=\"/_folio/icon."));
	CHECK(body_has(&e, "/_folio/404", "<link rel=\"icon\" href=\"/_folio/icon."));
	CHECK(body_has(&e, "/a", "<script defer src=\"/_folio/theme."));

	CHECK_INT_EQ(push(&e, "publish.css", "body{}\n", "favicon-32x32.png", "png", NULL), 0);
	CHECK_INT_EQ(e.res.rendered, 3);
	CHECK(body_has(&e, "/sub/b", "<link rel=\"stylesheet\" href=\"/publish.css\">"));
	CHECK(body_has(&e, "/a",
	               "<link rel=\"icon\" href=\"/favicon-32x32.png\" type=\"image/png\" "
	               "sizes=\"32x32\">"));
	CHECK(!body_has(&e, "/a", "/_folio/icon."));
	CHECK(body_has(&e, "/_folio/404", "href=\"/publish.css\""));
	CHECK(body_has(&e, "/publish.css", "body{}"));

	/* An edit is the file's own record: no page changes. */
	CHECK_INT_EQ(push(&e, "publish.css", "body{color:red}\n", NULL), 0);
	CHECK_INT_EQ(e.res.rendered, 0);
	CHECK(body_has(&e, "/publish.css", "color:red"));

	/* A site file in a folder is an ordinary asset. */
	CHECK_INT_EQ(push(&e, "Sub/publish.js", "x()\n", NULL), 0);
	CHECK_INT_EQ(e.res.rendered, 0);
	CHECK(!body_has(&e, "/a", "publish.js"));

	CHECK_INT_EQ(push(&e, "publish.js", "x()\n", "publish.css", NULL, NULL), 0);
	CHECK_INT_EQ(e.res.rendered, 3);
	CHECK(body_has(&e, "/a", "<script defer src=\"/publish.js\"></script>"));
	CHECK(!body_has(&e, "/a", "publish.css"));
	env_fini(&e);
}

/* Vendor libraries: stored under /_folio/vendor/, linked only by pages with math. */
static void
t_vendor_files(void)
{
	struct env e;
	memset(&e, 0, sizeof(e));
	env_init(&e);
	CHECK_INT_EQ(push(&e, "index.md", "home\n", "M.md", "Euler: $e^{i\\pi} = -1$\n", NULL), 0);
	struct page_view v;
	CHECK(page_get(&e, "/m", &v));
	struct slice b = v.sec[PAGE_SEC_BODY_IDENT];
	const char *css = memmem(b.ptr, b.len, "/_folio/vendor/katex.", 21);
	char url[128] = "";
	if (css) {
		const char *q = memchr(css, '"', (size_t)(b.ptr + b.len - (const uint8_t *)css));
		snprintf(url, sizeof(url), "%.*s", q ? (int)(q - css) : 0, css);
	}
	page_end(&e);
	if (!css) {
		/* KaTeX not installed: the feature is off and pages keep their TeX. */
		CHECK(!body_has(&e, "/", "/_folio/vendor/"));
		env_fini(&e);
		return;
	}
	CHECK(page_exists(&e, url));
	CHECK(body_has(&e, "/m", "katex.min.js\"></script>"));
	CHECK(!body_has(&e, "/", "/_folio/vendor/"));
	/* The stylesheet finds its fonts next to it. */
	char font[160];
	snprintf(font, sizeof(font), "%.*sfonts/KaTeX_Main-Regular.woff2",
	         (int)(strlen(url) - strlen("katex.min.css")), url);
	CHECK(page_exists(&e, font));
	env_fini(&e);
}

/* --- the compressing worker ---------------------------------------------------------------- */

/* Appends every record of the store to out as key, NUL, length, record, its generation zeroed. */
static int
snap_one(void *arg, struct slice key, struct slice val)
{
	struct buf *out = arg;
	buf_put_slice(out, key);
	buf_putc(out, '\0');
	uint64_t len = val.len;
	buf_put(out, &len, sizeof(len));
	size_t at = out->len;
	buf_put_slice(out, val);
	if (!out->err && val.len >= 24) {
		memset(out->ptr + at + 16, 0, 8); /* the generation that wrote it */
	}
	return 0;
}

static void
snapshot(struct env *e, struct buf *out)
{
	buf_reset(out);
	CHECK_INT_EQ(store_each(ingest_store(e->in), snap_one, out), 0);
	CHECK_INT_EQ(out->err, 0);
}

/* Fails naming the first key whose record differs between snapshots a and b. */
static void
snap_diff(const struct buf *a, const struct buf *b)
{
	size_t i = 0, j = 0;
	while (i < a->len && j < b->len) {
		const char *ka = (const char *)a->ptr + i, *kb = (const char *)b->ptr + j;
		uint64_t la, lb;
		memcpy(&la, a->ptr + i + strlen(ka) + 1, sizeof(la));
		memcpy(&lb, b->ptr + j + strlen(kb) + 1, sizeof(lb));
		const uint8_t *ra = a->ptr + i + strlen(ka) + 1 + sizeof(la);
		const uint8_t *rb = b->ptr + j + strlen(kb) + 1 + sizeof(lb);
		if (strcmp(ka, kb) != 0 || la != lb || memcmp(ra, rb, (size_t)la) != 0) {
			CHECK_FAIL_("records differ at key %s (%llu bytes) / %s (%llu bytes)", ka,
			            (unsigned long long)la, kb, (unsigned long long)lb);
			return;
		}
		i = (size_t)(ra - a->ptr) + (size_t)la;
		j = (size_t)(rb - b->ptr) + (size_t)lb;
	}
	CHECK_FAIL_("one snapshot has more records (%zu vs %zu bytes)", a->len, b->len);
}

struct gen_count {
	uint64_t gen;
	size_t n;
};

/* Counts the records written by generation gc->gen. */
static int
count_gen(void *arg, struct slice key, struct slice val)
{
	struct gen_count *gc = arg;
	struct page_view v;
	(void)key;
	if (page_decode(val, &v) == 0 && v.gen == gc->gen) {
		gc->n++;
	}
	return 0;
}

/* Records in a snapshot (all of them, or those that carry a gzip body). */
static size_t
snap_count(const struct buf *snap, bool gzip_only)
{
	size_t n = 0, at = 0;
	while (at < snap->len) {
		at += strlen((const char *)snap->ptr + at) + 1;
		uint64_t len;
		memcpy(&len, snap->ptr + at, sizeof(len));
		at += sizeof(len);
		struct page_view v;
		if (page_decode((struct slice){snap->ptr + at, (size_t)len}, &v) == 0 &&
		    (!gzip_only || (v.flags & PAGE_GZIP))) {
			n++;
		}
		at += (size_t)len;
	}
	return n;
}

/*
 * A large write goes through the worker and gives the very records the inline path
 * gives: notes, a text asset, a binary one, a redirect, tag pages and the theme files.
 */
static void
t_pipeline_same_records(void)
{
	struct env e;
	env_init(&e);
	push_chain(&e, 60);
	CHECK_INT_EQ(push(&e, "index.md", "---\ntags: [x]\n---\nhome [[Post]]\n", "Post.md",
	                  "---\naliases: [Old]\npermalink: blog/post\n---\n# Post\n\nSee [[N1]].\n",
	                  "x.txt",
	                  "a text file, long enough to be worth compressing: 0123456789 "
	                  "0123456789 0123456789 0123456789\n",
	                  "img/p.png", "\x89PNG\r\n\x1a\n not really a png but binary anyway",
	                  "Private.md", "---\nprivate: true\n---\nfor some\n", NULL),
	             0);
	struct ingest_stats *st = ingest_stats(e.in);
	CHECK(st->gzip_worker_pages + st->gzip_helped_pages >= 60);

	struct buf a, b, c;
	buf_init(&a, 0);
	buf_init(&b, 0);
	buf_init(&c, 0);
	uint64_t worker0 = st->gzip_worker_pages, helped0 = st->gzip_helped_pages;
	CHECK_INT_EQ(ingest_rebuild(e.in, NULL), 0);
	CHECK(st->gzip_worker_pages + st->gzip_helped_pages >= worker0 + helped0 + 60);
	snapshot(&e, &a);

	/* The worker idle: the push's thread compresses every page of the ring itself. */
	ingest_test_hold_gzip_worker(e.in, 1);
	worker0 = st->gzip_worker_pages, helped0 = st->gzip_helped_pages;
	CHECK_INT_EQ(ingest_rebuild(e.in, NULL), 0);
	CHECK_INT_EQ(st->gzip_worker_pages, worker0);
	CHECK(st->gzip_helped_pages >= helped0 + 60);
	snapshot(&e, &c);
	ingest_test_hold_gzip_worker(e.in, 0);

	ingest_test_inline_gzip(e.in, 1);
	worker0 = st->gzip_worker_pages, helped0 = st->gzip_helped_pages;
	CHECK_INT_EQ(ingest_rebuild(e.in, NULL), 0);
	CHECK_INT_EQ(st->gzip_worker_pages, worker0);
	CHECK_INT_EQ(st->gzip_helped_pages, helped0);
	snapshot(&e, &b);
	CHECK(snap_count(&a, true) >= 60);
	if (a.len != b.len || memcmp(a.ptr, b.ptr, a.len) != 0) {
		snap_diff(&a, &b);
	}
	if (c.len != b.len || memcmp(c.ptr, b.ptr, c.len) != 0) {
		snap_diff(&c, &b);
	}
	CHECK(page_exists(&e, "/blog/post"));
	CHECK(page_exists(&e, "/img/p.png"));

	/* A one-note edit compresses on the push's thread. */
	ingest_test_inline_gzip(e.in, 0);
	CHECK_INT_EQ(push(&e, "chain/N5.md", "edited, links to [[N6]].\n", NULL), 0);
	CHECK_INT_EQ(e.res.rendered, 1);
	CHECK_INT_EQ(st->gzip_worker_pages, worker0);
	CHECK_INT_EQ(st->gzip_helped_pages, helped0);
	CHECK(body_has(&e, "/chain/n5", "edited"));
	buf_fini(&a);
	buf_fini(&b);
	buf_fini(&c);
	env_fini(&e);
}

/*
 * A write through the worker that fills the map is aborted, the ring drained, the map grown
 * and the write replayed: everything is committed, as the inline path commits it.
 */
static void
t_pipeline_map_full(void)
{
	struct env e;
	env_init(&e); /* a 1 MB map */
	push_chain(&e, 600);
	struct store_info si;
	CHECK_INT_EQ(store_info(ingest_store(e.in), &si), 0);
	CHECK(si.map_size > 1048576);
	struct ingest_stats *st = ingest_stats(e.in);
	CHECK(st->gzip_worker_pages + st->gzip_helped_pages >= 600);
	CHECK_INT_EQ(ingest_store_gen(e.in), ingest_gen(e.in));
	size_t written = e.res.written;
	CHECK(written >= 600);
	for (int i = 0; i < 600; i += 37) {
		char url[40];
		snprintf(url, sizeof(url), "/chain/n%d", i);
		CHECK(body_has(&e, url, "links to"));
	}
	CHECK(body_has(&e, "/chain/n599", "href=\"/chain/n0\""));

	struct buf a, b;
	buf_init(&a, 0);
	buf_init(&b, 0);
	/* Each page was written once: nothing left over from the aborted attempts. */
	struct gen_count gc = {ingest_gen(e.in), 0};
	CHECK_INT_EQ(store_each(ingest_store(e.in), count_gen, &gc), 0);
	CHECK_INT_EQ(gc.n, written);
	snapshot(&e, &a);
	ingest_test_inline_gzip(e.in, 1);
	CHECK_INT_EQ(ingest_rebuild(e.in, NULL), 0);
	snapshot(&e, &b);
	if (a.len != b.len || memcmp(a.ptr, b.ptr, a.len) != 0) {
		snap_diff(&a, &b);
	}
	buf_fini(&a);
	buf_fini(&b);
	env_fini(&e);
}

static const struct test tests[] = {
        {"journal_keeps_last_generation", t_journal_keeps_last_generation},
        {"home_fallback_follows_the_notes", t_home_fallback_follows_the_notes},
        {"push_and_render", t_push_and_render},
        {"small_render_set", t_small_render_set},
        {"delete", t_delete},
        {"rejected_push", t_rejected_push},
        {"crash_between_commits", t_crash_between_commits},
        {"rebuild", t_rebuild},
        {"publish_flags", t_publish_flags},
        {"collisions", t_collisions},
        {"links_follow_new_files", t_links_follow_new_files},
        {"home_moves", t_home_moves},
        {"home_fallback", t_home_fallback},
        {"frontmatter_image_is_a_dependency", t_frontmatter_image_is_a_dependency},
        {"publishes_invalidation", t_publishes_invalidation},
        {"many_notes", t_many_notes},
        {"site_files", t_site_files},
        {"vendor_files", t_vendor_files},
        {"pipeline_same_records", t_pipeline_same_records},
        {"pipeline_map_full", t_pipeline_map_full},
};

/* Only warnings and errors on stderr: one info line per push would drown the results. */
__attribute__((constructor)) static void
quiet_logs(void)
{
	log_init("test_ingest", LOG_WARN);
}

TEST_MAIN(tests)
