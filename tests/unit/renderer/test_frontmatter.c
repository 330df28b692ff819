/*
 * test_frontmatter.c: finding the block, reading the keys folio uses, and failing well.
 */
#include "renderer/frontmatter.h"
#include "shared/err.h"
#include "tests/harness.h"

struct parsed {
	struct frontmatter fm;
	struct slice body;
	char err[160];
	int rc;
};

static void
parse(const char *src, struct parsed *p)
{
	p->rc = frontmatter_parse(slice_str(src), &p->fm, &p->body, p->err, sizeof(p->err));
}

static void
t_basic(void)
{
	struct parsed p;
	parse("---\n"
	      "title: My Note\n"
	      "description: \"A note, quoted\"\n"
	      "date: 2024-01-05\n"
	      "permalink: /notes/mine\n"
	      "image: cover.png\n"
	      "tags: [one, \"#two\", three]\n"
	      "aliases:\n  - Old Name\n  - Other\n"
	      "cssclasses: wide, dark\n"
	      "publish: yes\n"
	      "draft: false\n"
	      "private: TRUE\n"
	      "unknown: {a: 1}\n"
	      "---\n"
	      "# Body\n",
	      &p);
	CHECK_INT_EQ(p.rc, 0);
	CHECK_STR_EQ(p.err, "");
	CHECK_STR_EQ(p.fm.title, "My Note");
	CHECK_STR_EQ(p.fm.description, "A note, quoted");
	CHECK_STR_EQ(p.fm.date, "2024-01-05");
	CHECK_STR_EQ(p.fm.permalink, "/notes/mine");
	CHECK_STR_EQ(p.fm.image, "cover.png");
	CHECK_INT_EQ(p.fm.ntags, 3);
	if (p.fm.ntags == 3) {
		CHECK_STR_EQ(p.fm.tags[0], "one");
		CHECK_STR_EQ(p.fm.tags[1], "two");
		CHECK_STR_EQ(p.fm.tags[2], "three");
	}
	CHECK_INT_EQ(p.fm.naliases, 2);
	if (p.fm.naliases == 2) {
		CHECK_STR_EQ(p.fm.aliases[0], "Old Name");
		CHECK_STR_EQ(p.fm.aliases[1], "Other");
	}
	CHECK_INT_EQ(p.fm.ncssclasses, 2);
	CHECK_INT_EQ(p.fm.publish, FM_TRUE);
	CHECK_INT_EQ(p.fm.draft, FM_FALSE);
	CHECK_INT_EQ(p.fm.private_, FM_TRUE);
	CHECK(frontmatter_published(&p.fm));
	CHECK_MEM_STR(p.body.ptr, p.body.len, "# Body\n");
	frontmatter_fini(&p.fm);
	CHECK(p.fm.title == NULL && p.fm.ntags == 0 && p.fm.tags == NULL);
	frontmatter_fini(&p.fm); // twice is fine
}

static void
t_tag_forms(void)
{
	struct parsed p;
	parse("---\ntags: \"#a, b  #c/d,,e\"\n---\n", &p);
	CHECK_INT_EQ(p.rc, 0);
	CHECK_INT_EQ(p.fm.ntags, 4);
	if (p.fm.ntags == 4) {
		CHECK_STR_EQ(p.fm.tags[0], "a");
		CHECK_STR_EQ(p.fm.tags[1], "b");
		CHECK_STR_EQ(p.fm.tags[2], "c/d");
		CHECK_STR_EQ(p.fm.tags[3], "e");
	}
	frontmatter_fini(&p.fm);

	parse("---\ntags:\n  - x\n  - 2024\n  - x\n  -\n  - [nested]\ntag: y\n---\n", &p);
	CHECK_INT_EQ(p.rc, 0);
	CHECK_INT_EQ(p.fm.ntags, 3); // duplicates, nulls and nested lists are dropped
	if (p.fm.ntags == 3) {
		CHECK_STR_EQ(p.fm.tags[0], "x");
		CHECK_STR_EQ(p.fm.tags[1], "2024");
		CHECK_STR_EQ(p.fm.tags[2], "y");
	}
	frontmatter_fini(&p.fm);

	parse("---\naliases: Just One, With Comma\ntags: {a: 1}\n---\n", &p);
	CHECK_INT_EQ(p.rc, 0);
	CHECK_INT_EQ(p.fm.naliases, 1);
	if (p.fm.naliases == 1)
		CHECK_STR_EQ(p.fm.aliases[0], "Just One, With Comma");
	CHECK_INT_EQ(p.fm.ntags, 0); // wrong shape: ignored
	frontmatter_fini(&p.fm);
}

static void
t_scalars(void)
{
	struct parsed p;
	parse("---\ntitle: 42\ndescription: ~\ndate: 2024-03-01T10:00:00Z\nslug: from-slug\n"
	      "cover: c.jpg\npublish: nonsense\ndraft: on\n---\nbody",
	      &p);
	CHECK_INT_EQ(p.rc, 0);
	CHECK_STR_EQ(p.fm.title, "42");
	CHECK(p.fm.description == NULL);
	CHECK_STR_EQ(p.fm.date, "2024-03-01T10:00:00Z");
	CHECK(p.fm.permalink == NULL); /* a slug is a last segment, not a path */
	CHECK_STR_EQ(p.fm.slug, "from-slug");
	CHECK_STR_EQ(p.fm.image, "c.jpg");
	CHECK_INT_EQ(p.fm.publish, FM_UNSET);
	CHECK_INT_EQ(p.fm.draft, FM_TRUE);
	CHECK(!frontmatter_published(&p.fm));
	frontmatter_fini(&p.fm);

	parse("---\npermalink: p\nslug: s\nimage: i\ncover: c\ntitle: [not, a, title]\nlayout: "
	      "wide\n---\n",
	      &p);
	CHECK_STR_EQ(p.fm.permalink, "p");
	CHECK_STR_EQ(p.fm.slug, "s");
	CHECK_STR_EQ(p.fm.layout, "wide");
	CHECK_STR_EQ(p.fm.image, "i");
	CHECK(p.fm.title == NULL);
	frontmatter_fini(&p.fm);

	parse("---\npublish: false\n---\n", &p);
	CHECK_INT_EQ(p.fm.publish, FM_FALSE);
	CHECK(!frontmatter_published(&p.fm));
	frontmatter_fini(&p.fm);

	parse("---\nTitle: Case Insensitive Keys\n---\n", &p);
	CHECK_STR_EQ(p.fm.title, "Case Insensitive Keys");
	frontmatter_fini(&p.fm);
}

static void
t_fences(void)
{
	struct parsed p;
	// CRLF everywhere, and a BOM.
	parse("\xEF\xBB\xBF---\r\ntitle: Windows\r\ntags:\r\n  - a\r\n---\r\nbody\r\n", &p);
	CHECK_INT_EQ(p.rc, 0);
	CHECK_STR_EQ(p.fm.title, "Windows");
	CHECK_INT_EQ(p.fm.ntags, 1);
	CHECK_MEM_STR(p.body.ptr, p.body.len, "body\r\n");
	frontmatter_fini(&p.fm);

	// "..." closes too; trailing spaces on fences are fine.
	parse("---  \ntitle: Dots\n...\nafter", &p);
	CHECK_STR_EQ(p.fm.title, "Dots");
	CHECK_MEM_STR(p.body.ptr, p.body.len, "after");
	frontmatter_fini(&p.fm);

	// Closing fence at the very end, without a newline.
	parse("---\ntitle: End\n---", &p);
	CHECK_STR_EQ(p.fm.title, "End");
	CHECK_INT_EQ(p.body.len, 0);
	frontmatter_fini(&p.fm);

	// Empty block.
	parse("---\n---\ntext", &p);
	CHECK_INT_EQ(p.rc, 0);
	CHECK(p.fm.title == NULL);
	CHECK_MEM_STR(p.body.ptr, p.body.len, "text");
	frontmatter_fini(&p.fm);

	// Not frontmatter: no closing fence, not on the first line, fence with text.
	static const char *const not_fm[] = {
	        "---\ntitle: open\nno close\n",
	        "\n---\ntitle: x\n---\n",
	        "---x\ntitle: x\n---\n",
	        "----\ntitle: x\n----\n",
	        "--- \n",
	        "---",
	        "",
	        "# Just a note",
	};
	for (size_t i = 0; i < sizeof(not_fm) / sizeof(not_fm[0]); i++) {
		parse(not_fm[i], &p);
		CHECK_INT_EQ(p.rc, 0);
		CHECK(p.fm.title == NULL);
		CHECK_MEM_STR(p.body.ptr, p.body.len, not_fm[i]);
		frontmatter_fini(&p.fm);
	}
}

static void
t_errors(void)
{
	struct parsed p;
	parse("---\ntitle: ok\nbad: [unclosed\nmore: x\n---\nthe body\n", &p);
	CHECK_ERR(p.rc, ERR_PROTO);
	CHECK(strncmp(p.err, "line ", 5) == 0);
	CHECK(p.fm.title == NULL); // nothing kept on error
	CHECK_MEM_STR(p.body.ptr, p.body.len, "the body\n");
	frontmatter_fini(&p.fm);

	parse("---\ntitle: a\n  b: c: d\n---\n", &p);
	CHECK_ERR(p.rc, ERR_PROTO);
	CHECK(strstr(p.err, "line 3") != NULL);
	frontmatter_fini(&p.fm);

	parse("---\njust a string\n---\nbody", &p);
	CHECK_ERR(p.rc, ERR_PROTO);
	CHECK(strstr(p.err, "line 2") != NULL);
	CHECK_MEM_STR(p.body.ptr, p.body.len, "body");
	frontmatter_fini(&p.fm);

	parse("---\ntitle: \"\xFF\xFE\"\n---\n", &p); // not UTF-8
	CHECK_ERR(p.rc, ERR_PROTO);
	CHECK(strstr(p.err, "line 2") != NULL);
	frontmatter_fini(&p.fm);

	// A short error buffer is truncated, not overrun; a NULL one is allowed.
	char tiny[8];
	struct frontmatter fm;
	struct slice body;
	CHECK_ERR(frontmatter_parse(SLICE_LIT("---\n[\n---\n"), &fm, &body, tiny, sizeof(tiny)),
	          ERR_PROTO);
	CHECK(strlen(tiny) < sizeof(tiny));
	CHECK_ERR(frontmatter_parse(SLICE_LIT("---\n[\n---\n"), &fm, &body, NULL, 0), ERR_PROTO);
	frontmatter_fini(&fm);
}

static void
t_anchors_and_guard(void)
{
	struct parsed p;
	parse("---\nbase: &b [x, y]\ntags: *b\ntitle: &t Shared\ndescription: *t\n---\n", &p);
	CHECK_INT_EQ(p.rc, 0);
	CHECK_INT_EQ(p.fm.ntags, 2);
	CHECK_STR_EQ(p.fm.description, "Shared");
	frontmatter_fini(&p.fm);

	static const char src[] = "---\ntitle: Guarded\n---";
	void *base;
	size_t maplen;
	const uint8_t *g = test_guarded(src, sizeof(src) - 1, &base, &maplen);
	struct frontmatter fm;
	struct slice body;
	char err[64];
	CHECK_INT_EQ(
	        frontmatter_parse((struct slice){g, sizeof(src) - 1}, &fm, &body, err, sizeof(err)),
	        0);
	CHECK_STR_EQ(fm.title, "Guarded");
	frontmatter_fini(&fm);
	test_guarded_free(base, maplen);
}

static const struct test tests[] = {
        {"basic", t_basic},     {"tag_forms", t_tag_forms},
        {"scalars", t_scalars}, {"fences", t_fences},
        {"errors", t_errors},   {"anchors_and_guard", t_anchors_and_guard},
};

TEST_MAIN(tests)
