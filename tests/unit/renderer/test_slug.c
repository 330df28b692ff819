/*
 * test_slug.c: note paths to URLs, heading text to ids, and href encoding.
 */
#include "renderer/slug.h"
#include "tests/harness.h"

typedef void slug_fn(struct slice, struct buf *);

static void
check(slug_fn *fn, const char *in, const char *want, int line)
{
	struct buf b;
	buf_init(&b, 0);
	fn(slice_str(in), &b);
	const char *got = buf_cstr(&b);
	if (strcmp(got, want) != 0)
		CHECK_FAIL_("line %d: \"%s\" -> \"%s\", want \"%s\"", line, in, got, want);
	buf_fini(&b);
}

#define SEG(in, want)    check(slug_segment, in, want, __LINE__)
#define NOTE(in, want)   check(slug_note_url, in, want, __LINE__)
#define PERM(in, want)   check(slug_permalink, in, want, __LINE__)
#define ASSET(in, want)  check(slug_asset_url, in, want, __LINE__)
#define HREF(in, want)   check(slug_href, in, want, __LINE__)
#define TAG(in, want)    check(slug_tag, in, want, __LINE__)
#define TAGURL(in, want) check(slug_tag_url, in, want, __LINE__)

static void
t_segment(void)
{
	SEG("Task lists & more", "task-lists-more");
	SEG("Hello World", "hello-world");
	SEG("  --Leading and trailing--  ", "leading-and-trailing");
	SEG("v1.2 notes", "v1-2-notes");
	SEG("Don't panic", "dont-panic");
	SEG("Don\xE2\x80\x99t panic", "dont-panic"); // typographic apostrophe
	SEG("a_b-c+d", "a-b-c-d");
	SEG("CamelCase123", "camelcase123");
	SEG("", "-");
	SEG("!!!", "-");
	SEG("Café au lait", "café-au-lait");
	SEG("ÄRGER über", "ärger-über");
	SEG("Ωμέγα Ελλάδα", "ωμέγα-ελλάδα");
	SEG("Привет Мир", "привет-мир");
	SEG("Łódź Ŵ", "łódź-ŵ");
	SEG("İstanbul", "istanbul");
	SEG("日本語のノート", "日本語のノート");
	SEG("日本語、ノート。", "日本語-ノート");
	SEG("a\xC2\xA0"
	    "b",
	    "a-b");                     // no-break space
	SEG("a \xE2\x80\x94 b", "a-b"); // em dash
	SEG("\xE2\x80\x9CQuoted\xE2\x80\x9D", "quoted");
	SEG("emoji \xF0\x9F\x98\x80 ok", "emoji-\xF0\x9F\x98\x80-ok");
	SEG("bad \xFF\xFE bytes", "bad-\xFF\xFE-bytes"); // kept; hrefs encode them
	SEG("a/b", "a-b");
}

static void
t_note_url(void)
{
	NOTE("Folder/My Note.md", "/folder/my-note");
	NOTE("My Note.md", "/my-note");
	NOTE("Note.MD", "/note");
	NOTE("a/b/c.md", "/a/b/c");
	NOTE("/leading/slash.md", "/leading/slash");
	NOTE("double//slash.md", "/double/slash");
	NOTE("v1.2 notes.md", "/v1-2-notes");
	NOTE("no extension", "/no-extension");
	NOTE("dir.md/file.md", "/dir-md/file"); // only the file name loses .md
	NOTE("Ärger/Über.md", "/ärger/über");
	// Decomposed names (macOS) give the precomposed slug: one href for both spellings.
	NOTE("A\xCC\x88rger/U\xCC\x88"
	     "ber.md",
	     "/\xC3\xA4rger/\xC3\xBC"
	     "ber");
	NOTE("\xC3\x9Cn\xC3\xAF"
	     "code N\xC3\xB6te.md",
	     "/\xC3\xBCn\xC3\xAF"
	     "code-n\xC3\xB6te");
	NOTE("U\xCC\x88ni\xCC\x88"
	     "code No\xCC\x88te.md",
	     "/\xC3\xBCn\xC3\xAF"
	     "code-n\xC3\xB6te");
	SEG("Cafe\xCC\x81", "caf\xC3\xA9");
	NOTE(".md", "/md"); // a name that is only an extension keeps it
	NOTE("", "/");
}

static void
t_permalink(void)
{
	PERM("/Blog/My Post/", "/blog/my-post");
	PERM("about", "/about");
	PERM("/", "/");
	PERM("", "/");
	PERM("notes/2024 Review.md", "/notes/2024-review-md");
}

static void
t_asset_and_href(void)
{
	ASSET("Images/My Pic.png", "/Images/My Pic.png");
	ASSET("/x.png", "/x.png");
	HREF("/Images/My Pic.png", "/Images/My%20Pic.png");
	HREF("/ärger", "/%C3%A4rger");
	HREF("a-b_c.d~e/f", "a-b_c.d~e/f");
	HREF("q?x=1&y=\"2\"#f", "q%3Fx%3D1%26y%3D%222%22%23f");
	HREF("", "");
}

static void
t_tag(void)
{
	TAG("#Project", "project");
	TAG("Project/Sub", "project/sub");
	TAG("#a//b/", "a/b");
	TAG("/lead", "lead");
	TAG("#CAFÉ/Ärger", "café/ärger");
	TAG("ΣΟΦΙΑ", "σοφια");
	TAG("with_under-dash", "with_under-dash");
	TAG("#", "");
	TAGURL("#Project/Sub", "/tags/project/sub");
	TAGURL("Café", "/tags/caf%C3%A9");
	TAGURL("a b", "/tags/a%20b");
}

static void
t_appends(void)
{
	struct buf b;
	buf_init(&b, 0);
	buf_puts(&b, "prefix:");
	slug_segment(SLICE_LIT("X Y"), &b);
	slug_note_url(SLICE_LIT("A.md"), &b);
	CHECK_STR_EQ(buf_cstr(&b), "prefix:x-y/a");
	buf_fini(&b);
}

static const struct test tests[] = {
        {"segment", t_segment},     {"note_url", t_note_url},
        {"permalink", t_permalink}, {"asset_and_href", t_asset_and_href},
        {"appends", t_appends},     {"tag", t_tag},
};

TEST_MAIN(tests)
