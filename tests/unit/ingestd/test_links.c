/*
 * test_links.c: Obsidian's link resolution over the vault index: names, paths, relative
 * markdown links, assets, case-insensitivity, duplicate names (own folder, then shortest
 * path, then lexicographic), fragments, and missing or unpublished targets.
 */
#include "ingestd/links.h"

#include "ingestd/vault.h"
#include "shared/err.h"
#include "tests/harness.h"

/* A vault where every file holds a page at "/u/<path>". */
static struct vault *
make_vault(const char *const *paths, size_t n)
{
	struct vault *v = vault_new();
	for (size_t i = 0; i < n; i++) {
		struct vault_entry *e = vault_add(v, paths[i]);
		char url[256];
		snprintf(url, sizeof(url), "/u/%s", paths[i]);
		vault_set_url(e, url);
	}
	return v;
}

static const char *
res(const struct vault *v, const char *src, enum render_link_kind kind, const char *target)
{
	const struct vault_entry *e = links_resolve(v, src, kind, slice_str(target));
	return e ? e->path : "(none)";
}

#define WIKI RENDER_LINK_WIKI
#define MD   RENDER_LINK_MD
#define IMG  RENDER_LINK_IMAGE

static void
t_by_name(void)
{
	static const char *const paths[] = {"Notes/My Note.md", "Other.md", "deep/a/b/Leaf.md",
	                                    "img/pic.png", "Embed files.md"};
	struct vault *v = make_vault(paths, (sizeof(paths) / sizeof(paths[0])));
	CHECK_STR_EQ(res(v, "x.md", WIKI, "My Note"), "Notes/My Note.md");
	CHECK_STR_EQ(res(v, "x.md", WIKI, "my note"), "Notes/My Note.md");    /* any case */
	CHECK_STR_EQ(res(v, "x.md", WIKI, "My Note.md"), "Notes/My Note.md"); /* .md optional */
	CHECK_STR_EQ(res(v, "x.md", WIKI, "My Note.MD"), "Notes/My Note.md");
	CHECK_STR_EQ(res(v, "x.md", WIKI, "Embed Files"), "Embed files.md");
	CHECK_STR_EQ(res(v, "x.md", WIKI, " Other "), "Other.md");
	CHECK_STR_EQ(res(v, "x.md", WIKI, "Leaf"), "deep/a/b/Leaf.md");
	CHECK_STR_EQ(res(v, "x.md", WIKI, "Missing"), "(none)");
	CHECK_STR_EQ(res(v, "x.md", WIKI, ""), "(none)");
	/* Assets need their extension; notes never match one. */
	CHECK_STR_EQ(res(v, "x.md", WIKI, "pic.png"), "img/pic.png");
	CHECK_STR_EQ(res(v, "x.md", WIKI, "PIC.PNG"), "img/pic.png");
	CHECK_STR_EQ(res(v, "x.md", WIKI, "pic"), "(none)");
	CHECK_STR_EQ(res(v, "x.md", WIKI, "Other.png"), "(none)");
	vault_free(v);
}

static void
t_by_path(void)
{
	static const char *const paths[] = {"A/Note.md", "B/Note.md", "B/C/Note.md",
	                                    "x/Folder/Deep.md", "assets/img/a.png"};
	struct vault *v = make_vault(paths, (sizeof(paths) / sizeof(paths[0])));
	CHECK_STR_EQ(res(v, "z.md", WIKI, "A/Note"), "A/Note.md");
	CHECK_STR_EQ(res(v, "z.md", WIKI, "b/note.md"), "B/Note.md");
	CHECK_STR_EQ(res(v, "z.md", WIKI, "/B/C/Note"), "B/C/Note.md"); /* leading slash: root */
	CHECK_STR_EQ(res(v, "z.md", WIKI, "C/Note"), "B/C/Note.md");    /* a path suffix */
	CHECK_STR_EQ(res(v, "z.md", WIKI, "Folder/Deep"), "x/Folder/Deep.md");
	CHECK_STR_EQ(res(v, "z.md", WIKI, "older/Deep"), "(none)"); /* suffixes stop at a '/' */
	CHECK_STR_EQ(res(v, "z.md", WIKI, "D/Note"), "(none)");
	CHECK_STR_EQ(res(v, "z.md", WIKI, "img/a.png"), "assets/img/a.png");
	CHECK_STR_EQ(res(v, "z.md", WIKI, "assets/img/a.png"), "assets/img/a.png");
	vault_free(v);
}

static void
t_duplicates(void)
{
	static const char *const paths[] = {"zz/Dup.md", "a/b/Dup.md", "Dup.md",
	                                    "aa/Dup.md", "ab/Dup.md",  "q/Only.md"};
	struct vault *v = make_vault(paths, (sizeof(paths) / sizeof(paths[0])));
	/* The linking note's own folder wins... */
	CHECK_STR_EQ(res(v, "a/b/src.md", WIKI, "Dup"), "a/b/Dup.md");
	CHECK_STR_EQ(res(v, "zz/src.md", WIKI, "Dup"), "zz/Dup.md");
	/* ...then the shortest path... */
	CHECK_STR_EQ(res(v, "q/src.md", WIKI, "Dup"), "Dup.md");
	vault_free(v);

	static const char *const paths2[] = {"zz/Dup.md", "ab/Dup.md", "aa/Dup.md", "a/b/Dup.md"};
	v = make_vault(paths2, (sizeof(paths2) / sizeof(paths2[0])));
	/* ...then the lexicographically smallest, whatever the insertion order. */
	CHECK_STR_EQ(res(v, "q/src.md", WIKI, "Dup"), "aa/Dup.md");
	CHECK_STR_EQ(res(v, "ab/src.md", WIKI, "dup"), "ab/Dup.md");
	vault_free(v);

	/* Same name, different case, same folder: deterministic too. */
	static const char *const paths3[] = {"n/note.md", "n/Note.md"};
	v = make_vault(paths3, (sizeof(paths3) / sizeof(paths3[0])));
	CHECK_STR_EQ(res(v, "x.md", WIKI, "NOTE"), "n/Note.md");
	vault_free(v);
}

static void
t_markdown_links(void)
{
	static const char *const paths[] = {"docs/Other Note.md", "Other Note.md", "docs/img/a.png",
	                                    "img/a.png",          "top.md",        "docs/sub/s.md"};
	struct vault *v = make_vault(paths, (sizeof(paths) / sizeof(paths[0])));
	/* Relative to the linking note's folder first... */
	CHECK_STR_EQ(res(v, "docs/x.md", MD, "Other Note.md"), "docs/Other Note.md");
	CHECK_STR_EQ(res(v, "docs/x.md", IMG, "img/a.png"), "docs/img/a.png");
	CHECK_STR_EQ(res(v, "docs/sub/s.md", MD, "../Other Note.md"), "docs/Other Note.md");
	CHECK_STR_EQ(res(v, "docs/sub/s.md", MD, "../../top.md"), "top.md");
	CHECK_STR_EQ(res(v, "docs/sub/s.md", MD, "./s.md"), "docs/sub/s.md");
	/* ...then as a vault path... */
	CHECK_STR_EQ(res(v, "elsewhere/x.md", IMG, "img/a.png"), "img/a.png");
	CHECK_STR_EQ(res(v, "elsewhere/x.md", MD, "docs/Other Note.md"), "docs/Other Note.md");
	/* ...then by name, like a wikilink. */
	CHECK_STR_EQ(res(v, "elsewhere/x.md", MD, "top.md"), "top.md");
	CHECK_STR_EQ(res(v, "elsewhere/x.md", MD, "s"), "docs/sub/s.md");
	/* Climbing above the root matches nothing. */
	CHECK_STR_EQ(res(v, "docs/x.md", MD, "../../top.md"), "(none)");
	/* A wikilink without ./ is not relative: by name, shortest path wins. */
	CHECK_STR_EQ(res(v, "docs/sub/s.md", WIKI, "Other Note"), "Other Note.md");
	CHECK_STR_EQ(res(v, "docs/sub/s.md", WIKI, "../Other Note"), "docs/Other Note.md");
	vault_free(v);
}

static void
t_target_name(void)
{
	struct buf b;
	buf_init(&b, 0);
	links_target_name(slice_str("Folder/My Note.md"), &b);
	CHECK_MEM_STR(b.ptr, b.len, "my note");
	buf_reset(&b);
	links_target_name(slice_str("../Up/Pic.PNG"), &b);
	CHECK_MEM_STR(b.ptr, b.len, "pic.png");
	buf_reset(&b);
	links_target_name(slice_str("Folder/"), &b);
	CHECK_INT_EQ(b.len, 0);
	buf_fini(&b);
}

static void
t_href_and_fragments(void)
{
	struct vault *v = vault_new();
	struct vault_entry *note = vault_add(v, "Notes/My Note.md");
	vault_set_url(note, "/notes/my-note");
	struct vault_entry *pdf = vault_add(v, "docs/A File.pdf");
	vault_set_url(pdf, "/docs/A File.pdf");
	struct vault_entry *hidden = vault_add(v, "Draft.md");
	hidden->published = false; /* no page: no URL */
	struct buf b;
	buf_init(&b, 0);
	CHECK_INT_EQ(links_href(note, slice_str(""), &b), 0);
	CHECK_MEM_STR(b.ptr, b.len, "/notes/my-note");
	buf_reset(&b);
	CHECK_INT_EQ(links_href(note, slice_str("Task lists & more"), &b), 0);
	CHECK_MEM_STR(b.ptr, b.len, "/notes/my-note#task-lists-more");
	buf_reset(&b);
	CHECK_INT_EQ(links_href(note, slice_str("Top#Inner Part"), &b), 0); /* nested: the last */
	CHECK_MEM_STR(b.ptr, b.len, "/notes/my-note#inner-part");
	buf_reset(&b);
	CHECK_INT_EQ(links_href(note, slice_str("^block-1"), &b), 0);
	CHECK_MEM_STR(b.ptr, b.len, "/notes/my-note#^block-1");
	buf_reset(&b);
	CHECK_INT_EQ(links_href(pdf, slice_str("page=3"), &b), 0); /* asset fragments stay */
	CHECK_MEM_STR(b.ptr, b.len, "/docs/A%20File.pdf#page=3");
	buf_reset(&b);
	CHECK_INT_EQ(links_href(pdf, slice_str("page=2&height=300"), &b), 0); /* PDF parameters */
	CHECK_MEM_STR(b.ptr, b.len, "/docs/A%20File.pdf#page=2&height=300");
	buf_reset(&b);
	CHECK_ERR(links_href(hidden, slice_str(""), &b), ERR_NOTFOUND);
	CHECK_ERR(links_href(NULL, slice_str(""), &b), ERR_NOTFOUND);
	CHECK_INT_EQ(b.len, 0);
	/* [[#Heading]] in the same note. */
	links_fragment(slice_str("My Heading"), true, &b);
	CHECK_MEM_STR(b.ptr, b.len, "#my-heading");
	buf_fini(&b);
	vault_free(v);
}

static void
t_index_updates(void)
{
	struct vault *v = vault_new();
	vault_add(v, "a/Same.md");
	CHECK_STR_EQ(res(v, "x.md", WIKI, "Same"), "a/Same.md");
	vault_add(v, "Same.md");
	CHECK_STR_EQ(res(v, "x.md", WIKI, "Same"), "Same.md"); /* a shorter path appeared */
	vault_remove(v, "Same.md");
	CHECK_STR_EQ(res(v, "x.md", WIKI, "Same"), "a/Same.md");
	vault_remove(v, "a/Same.md");
	CHECK_STR_EQ(res(v, "x.md", WIKI, "Same"), "(none)");
	CHECK_INT_EQ(vault_count(v), 0);
	/* Many files force the tables to grow; every one must stay reachable. */
	char path[64], name[64];
	for (int i = 0; i < 3000; i++) {
		snprintf(path, sizeof(path), "dir%d/Note %d.md", i % 17, i);
		vault_add(v, path);
	}
	CHECK_INT_EQ(vault_count(v), 3000);
	CHECK_INT_EQ(vault_notes(v), 3000);
	int bad = 0;
	for (int i = 0; i < 3000; i++) {
		snprintf(path, sizeof(path), "dir%d/Note %d.md", i % 17, i);
		snprintf(name, sizeof(name), "note %d", i);
		if (strcmp(res(v, "x.md", WIKI, name), path) != 0) {
			bad++;
		}
	}
	CHECK_INT_EQ(bad, 0);
	vault_free(v);
}

/* "Ünïcode Nöte" precomposed (NFC) and decomposed (NFD, as macOS stores names). */
#define UNI_NFC             \
	"\xC3\x9Cn\xC3\xAF" \
	"code N\xC3\xB6te"
#define UNI_NFD      \
	"U\xCC\x88"  \
	"ni\xCC\x88" \
	"code No\xCC\x88te"

static void
t_unicode(void)
{
	static const char *const paths[] = {"nfd/" UNI_NFD ".md",
	                                    "Stra\xC3\x9F"
	                                    "e.md",
	                                    "Caf\xC3\xA9.png"};
	struct vault *v = make_vault(paths, (sizeof(paths) / sizeof(paths[0])));
	/* A link typed in NFC finds the file stored in NFD, in any case. */
	CHECK_STR_EQ(res(v, "x.md", WIKI, UNI_NFC), "nfd/" UNI_NFD ".md");
	CHECK_STR_EQ(res(v, "x.md", WIKI,
	                 "\xC3\xBCn\xC3\x8F"
	                 "CODE N\xC3\x96TE"),
	             "nfd/" UNI_NFD ".md");
	CHECK_STR_EQ(res(v, "x.md", WIKI, "nfd/" UNI_NFC), "nfd/" UNI_NFD ".md");
	CHECK_STR_EQ(res(v, "x.md", MD, "nfd/" UNI_NFC ".md"), "nfd/" UNI_NFD ".md");
	/* Case folding is Unicode's: "STRASSE" finds "Straße". */
	CHECK_STR_EQ(res(v, "x.md", WIKI, "STRASSE"), "Stra\xC3\x9F"
	                                              "e.md");
	/* Decomposed link, precomposed asset name. */
	CHECK_STR_EQ(res(v, "x.md", WIKI, "CAFE\xCC\x81.PNG"), "Caf\xC3\xA9.png");
	vault_free(v);

	/* And a file stored in NFC is found by a link typed in NFD. */
	static const char *const paths2[] = {UNI_NFC ".md"};
	v = make_vault(paths2, 1);
	CHECK_STR_EQ(res(v, "x.md", WIKI, UNI_NFD), UNI_NFC ".md");
	vault_free(v);

	/* Both forms fold to one key. */
	struct buf a, b;
	buf_init(&a, 0);
	buf_init(&b, 0);
	vault_fold(slice_str(UNI_NFC), &a);
	vault_fold(slice_str(UNI_NFD), &b);
	CHECK(slice_eq(buf_slice(&a), buf_slice(&b)));
	CHECK_STR_EQ(buf_cstr(&a), "\xC3\xBCn\xC3\xAF"
	                           "code n\xC3\xB6te");
	buf_fini(&a);
	buf_fini(&b);
}

static const struct test tests[] = {
        {"unicode", t_unicode},
        {"by_name", t_by_name},
        {"by_path", t_by_path},
        {"duplicates", t_duplicates},
        {"markdown_links", t_markdown_links},
        {"target_name", t_target_name},
        {"href_and_fragments", t_href_and_fragments},
        {"index_updates", t_index_updates},
};

TEST_MAIN(tests)
