/*
 * test_sitegen.c: generated list pages and feeds: tree order, folder pages, the nav tree's
 * nesting, tag pages and the tag index, XML escaping, RSS, the sitemap and robots.txt.
 */
#include "renderer/sitegen.h"
#include "tests/harness.h"

#define N(path, title, url)               \
	{                                 \
		path, title, url, NULL, 0 \
	}

static void
t_sort_tree(void)
{
	struct sitegen_note n[] = {
	        N("b.md", "Beta", "/b"),          N("A/z.md", "zeta", "/a/z"),
	        N("a.md", "alpha", "/a"),         N("A/B/c.md", "C", "/a/b/c"),
	        N("A/y.md", "Ypsilon", "/a/y"),   N("c/x.md", "X", "/c/x"),
	        N("A/B/a.md", "Apple", "/a/b/a"),
	};
	sitegen_sort_tree(n, 7);
	/* Folders first (by name), then notes by title, case-insensitively, at every level. */
	const char *want[] = {"A/B/a.md", "A/B/c.md", "A/y.md", "A/z.md", "c/x.md", "a.md", "b.md"};
	for (size_t i = 0; i < 7; i++) {
		CHECK_STR_EQ(n[i].path, want[i]);
	}
}

static void
t_folder(void)
{
	struct sitegen_note n[] = {
	        N("Guides/Sub Folder/Deep.md", "Deep", "/guides/sub-folder/deep"),
	        N("Guides/Sub Folder/More.md", "More", "/guides/sub-folder/more"),
	        N("Guides/Setup.md", "Set <up>", "/guides/setup"),
	        N("Guides/Été.md", "Été", "/guides/été"),
	};
	struct buf b;
	buf_init(&b, 0);
	sitegen_folder("Guides", n, 4, &b);
	CHECK_STR_EQ(
	        buf_cstr(&b),
	        "<section class=\"folder-index\">\n<h2>Folders</h2>\n<ul class=\"folder-list\">\n"
	        "<li class=\"folder\"><a href=\"/guides/sub-folder\">Sub Folder</a></li>\n"
	        "</ul>\n</section>\n"
	        "<section class=\"note-index\">\n<h2>Notes</h2>\n<ul class=\"note-list\">\n"
	        "<li class=\"note\"><a href=\"/guides/setup\">Set &lt;up&gt;</a></li>\n"
	        "<li class=\"note\"><a href=\"/guides/%C3%A9t%C3%A9\">Été</a></li>\n"
	        "</ul>\n</section>\n");
	buf_reset(&b);
	sitegen_folder("Nothing", n, 4, &b);
	CHECK(strstr(buf_cstr(&b), "class=\"empty\"") != NULL);
	buf_fini(&b);
}

static void
t_nav(void)
{
	struct sitegen_note n[] = {
	        N("A/B/c.md", "C", "/a/b/c"),
	        N("A/y.md", "Y", "/a/y"),
	        N("D/E/f.md", "F", "/d/e/f"),
	        N("top.md", "Top", "/top"),
	};
	struct buf b;
	buf_init(&b, 0);
	sitegen_nav(n, 4, &b);
	CHECK_STR_EQ(buf_cstr(&b), "<nav class=\"folio-nav\" aria-label=\"Site\">\n<ul>\n"
	                           "<li class=\"folder\"><a href=\"/a\">A</a>\n<ul>\n"
	                           "<li class=\"folder\"><a href=\"/a/b\">B</a>\n<ul>\n"
	                           "<li class=\"note\"><a href=\"/a/b/c\">C</a></li>\n"
	                           "</ul></li>\n"
	                           "<li class=\"note\"><a href=\"/a/y\">Y</a></li>\n"
	                           "</ul></li>\n"
	                           "<li class=\"folder\"><a href=\"/d\">D</a>\n<ul>\n"
	                           "<li class=\"folder\"><a href=\"/d/e\">E</a>\n<ul>\n"
	                           "<li class=\"note\"><a href=\"/d/e/f\">F</a></li>\n"
	                           "</ul></li>\n</ul></li>\n"
	                           "<li class=\"note\"><a href=\"/top\">Top</a></li>\n"
	                           "</ul>\n</nav>\n");
	buf_reset(&b);
	sitegen_nav(NULL, 0, &b);
	CHECK_STR_EQ(buf_cstr(&b),
	             "<nav class=\"folio-nav\" aria-label=\"Site\">\n<ul>\n</ul>\n</nav>\n");
	buf_fini(&b);
}

static void
t_tags(void)
{
	struct sitegen_note n[] = {N("a.md", "A & B", "/a")};
	struct sitegen_tag sub[] = {{"proj/café", 2}};
	struct buf b;
	buf_init(&b, 0);
	sitegen_tag_page("proj", n, 1, sub, 1, &b);
	CHECK_STR_EQ(
	        buf_cstr(&b),
	        "<section class=\"note-index\">\n<ul class=\"note-list\">\n"
	        "<li class=\"note\"><a href=\"/a\">A &amp; B</a></li>\n</ul>\n</section>\n"
	        "<section class=\"tag-index\">\n<h2>Nested tags</h2>\n<ul class=\"tag-list\">\n"
	        "<li><a class=\"tag\" href=\"/tags/proj/caf%C3%A9\">#proj/café</a> "
	        "<span class=\"count\">2</span></li>\n</ul>\n</section>\n");
	buf_reset(&b);
	struct sitegen_tag all[] = {{"a", 1}, {"b", 3}};
	sitegen_tag_index(all, 2, &b);
	CHECK(strstr(buf_cstr(&b), "href=\"/tags/b\">#b</a> <span class=\"count\">3</span>"));
	buf_reset(&b);
	sitegen_tag_index(NULL, 0, &b);
	CHECK(strstr(buf_cstr(&b), "No tags yet."));
	buf_fini(&b);
}

static void
t_xml(void)
{
	struct buf b;
	buf_init(&b, 0);
	sitegen_xml_text(&b, "a&b<c>\"d\" 'e'\x01\x1f\tok\n");
	CHECK_STR_EQ(buf_cstr(&b), "a&amp;b&lt;c&gt;&quot;d&quot; &apos;e&apos;\tok\n");
	buf_fini(&b);
}

static void
t_feeds(void)
{
	struct sitegen_note items[] = {
	        {"n/é.md", "Tom & Jerry", "/n/é", "Cats <and> mice", 1714521600}, /* 2024-05-01 */
	        {"b.md", "B", "/b", NULL, 0},
	};
	struct buf b;
	buf_init(&b, 0);
	sitegen_rss("My <Site>", "https://ex.org/", items, 2, &b);
	CHECK_STR_EQ(
	        buf_cstr(&b),
	        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n<channel>\n"
	        "<title>My &lt;Site&gt;</title>\n<link>https://ex.org/</link>\n"
	        "<description>My &lt;Site&gt;</description>\n"
	        "<lastBuildDate>Wed, 01 May 2024 00:00:00 +0000</lastBuildDate>\n"
	        "<item>\n<title>Tom &amp; Jerry</title>\n"
	        "<link>https://ex.org/n/%C3%A9</link>\n"
	        "<guid isPermaLink=\"true\">https://ex.org/n/%C3%A9</guid>\n"
	        "<pubDate>Wed, 01 May 2024 00:00:00 +0000</pubDate>\n"
	        "<description>Cats &lt;and&gt; mice</description>\n</item>\n"
	        "<item>\n<title>B</title>\n<link>https://ex.org/b</link>\n"
	        "<guid isPermaLink=\"true\">https://ex.org/b</guid>\n"
	        "<pubDate>Thu, 01 Jan 1970 00:00:00 +0000</pubDate>\n</item>\n"
	        "</channel>\n</rss>\n");
	buf_reset(&b);
	sitegen_rss("", "", items + 1, 1, &b);
	CHECK(strstr(buf_cstr(&b), "<link>/b</link>\n<guid isPermaLink=\"false\">/b</guid>"));
	buf_reset(&b);
	sitegen_sitemap("https://ex.org", items, 2, &b);
	CHECK_STR_EQ(buf_cstr(&b),
	             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	             "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
	             "<url><loc>https://ex.org/n/%C3%A9</loc><lastmod>2024-05-01</lastmod></url>\n"
	             "<url><loc>https://ex.org/b</loc></url>\n</urlset>\n");
	buf_reset(&b);
	sitegen_robots("https://ex.org//", &b);
	CHECK_STR_EQ(buf_cstr(&b),
	             "User-agent: *\nAllow: /\nSitemap: https://ex.org/sitemap.xml\n");
	buf_reset(&b);
	sitegen_robots("", &b);
	CHECK_STR_EQ(buf_cstr(&b), "User-agent: *\nAllow: /\n");
	buf_fini(&b);
}

static const struct test tests[] = {
        {"sort_tree", t_sort_tree}, {"folder", t_folder}, {"nav", t_nav},
        {"tags", t_tags},           {"xml", t_xml},       {"feeds", t_feeds},
};

TEST_MAIN(tests)
