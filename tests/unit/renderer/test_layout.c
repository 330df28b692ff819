/*
 * test_layout.c: the page and 404 documents, escaping of every value, and the stylesheet.
 */
#include "renderer/layout.h"
#include "tests/harness.h"

static const char *
page(const struct layout_page *p, struct buf *out)
{
	buf_reset(out);
	CHECK_INT_EQ(layout_page(p, out), 0);
	return buf_cstr(out);
}

#define HAS(html, s)                                     \
	do {                                             \
		if (!strstr((html), (s)))                \
			CHECK_FAIL_("missing: %s", (s)); \
	} while (0)
#define LACKS(html, s)                                      \
	do {                                                \
		if (strstr((html), (s)))                    \
			CHECK_FAIL_("unexpected: %s", (s)); \
	} while (0)

static void
t_full_page(void)
{
	static const struct layout_link bl[] = {{"First", "/first"}, {"Second Note", "/second"}};
	static const char *const tags[] = {"alpha", "nested/tag"};
	static const char *const classes[] = {"wide"};
	struct layout_page p = {
	        .site_title = "My Garden",
	        .title = "A Note",
	        .description = "What it is about",
	        .canonical = "https://example.org/a-note",
	        .css_url = "/_folio/style.abc123.css",
	        .home_url = "/",
	        .content = SLICE_LIT("<p>Body text</p>"),
	        .backlinks = bl,
	        .nbacklinks = 2,
	        .tags = tags,
	        .ntags = 2,
	        .date = "2024-05-01",
	        .show_title = true,
	        .image = "https://example.org/cover.png",
	        .cssclasses = classes,
	        .ncssclasses = 1,
	};
	struct buf out;
	buf_init(&out, 0);
	const char *html = page(&p, &out);
	CHECK(strncmp(html, "<!doctype html>\n<html lang=\"en\">\n", 33) == 0);
	HAS(html, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
	HAS(html, "<title>A Note \xC2\xB7 My Garden</title>");
	HAS(html, "<link rel=\"stylesheet\" href=\"/_folio/style.abc123.css\">");
	HAS(html, "<link rel=\"canonical\" href=\"https://example.org/a-note\">");
	HAS(html, "<meta name=\"description\" content=\"What it is about\">");
	HAS(html, "<meta property=\"og:image\" content=\"https://example.org/cover.png\">");
	HAS(html, "<a class=\"site-title\" href=\"/\">My Garden</a>");
	HAS(html, "<article class=\"note wide\">");
	HAS(html, "<h1 class=\"note-title\">A Note</h1>");
	HAS(html, "<time datetime=\"2024-05-01\">2024-05-01</time>");
	HAS(html, "<span class=\"tag\">#nested/tag</span>");
	HAS(html, "<div class=\"note-content\">\n<p>Body text</p>\n</div>");
	HAS(html, "<h2 id=\"_backlinks\">Backlinks</h2>");
	HAS(html, "<li><a href=\"/second\">Second Note</a></li>");
	HAS(html, "Published with folio");
	CHECK(strcmp(html + out.len - 8, "</html>\n") == 0);

	// Without backlinks, tags, date or title, those parts are left out.
	p.nbacklinks = 0;
	p.ntags = 0;
	p.date = NULL;
	p.show_title = false;
	p.description = NULL;
	p.canonical = NULL;
	html = page(&p, &out);
	LACKS(html, "Backlinks");
	LACKS(html, "note-header");
	LACKS(html, "<h1");
	HAS(html, "<meta name=\"description\" content=\"Body text\">"); // the first paragraph
	HAS(html, "<meta property=\"og:description\" content=\"Body text\">");
	LACKS(html, "canonical");
	HAS(html, "<p>Body text</p>");
	buf_fini(&out);
}

static void
t_escaping(void)
{
	static const struct layout_link bl[] = {{"<b>\"x\"</b>", "/a b?c=\"d\"&e"}};
	static const char *const tags[] = {"<script>"};
	struct layout_page p = {
	        .site_title = "Tom & Jerry's <Site>",
	        .title = "\"Quoted\" <Title>",
	        .description = "a \"b\" <c>",
	        .canonical = "https://e.org/\"x\"",
	        .css_url = "/s.css\"><script>",
	        .home_url = "/\"",
	        .content = SLICE_LIT("<p>trusted <em>html</em></p>\n"),
	        .backlinks = bl,
	        .nbacklinks = 1,
	        .tags = tags,
	        .ntags = 1,
	        .date = "May <5>",
	        .show_title = true,
	        .lang = "de\"",
	};
	struct buf out;
	buf_init(&out, 0);
	const char *html = page(&p, &out);
	LACKS(html, "<script>");
	LACKS(html, "<Site>");
	LACKS(html, "<Title>");
	LACKS(html, "<b>");
	HAS(html, "<p>trusted <em>html</em></p>"); // content is trusted HTML
	HAS(html, "Tom &amp; Jerry's &lt;Site&gt;");
	HAS(html, "<h1 class=\"note-title\">&quot;Quoted&quot; &lt;Title&gt;</h1>");
	HAS(html, "href=\"/a%20b?c=%22d%22&amp;e\"");
	HAS(html, "href=\"/s.css%22%3E%3Cscript%3E\"");
	HAS(html, "<time>May &lt;5&gt;</time>"); // not a date: no datetime attribute
	HAS(html, "<html lang=\"de&quot;\">");
	buf_fini(&out);
}

static void
t_nulls(void)
{
	struct layout_page p = {.content = SLICE_LIT("x")};
	struct buf out;
	buf_init(&out, 0);
	const char *html = page(&p, &out);
	LACKS(html, "stylesheet");
	HAS(html, "<title></title>");
	HAS(html, "href=\"/\">Home</a>");
	HAS(html, "<div class=\"note-content\">\nx\n</div>");
	buf_fini(&out);

	// Title equal to the site title is not repeated.
	struct layout_page q = {.site_title = "Site", .title = "Site", .show_title = true};
	buf_init(&out, 0);
	html = page(&q, &out);
	HAS(html, "<title>Site</title>");
	buf_fini(&out);
}

static void
t_not_found(void)
{
	struct buf out;
	buf_init(&out, 0);
	CHECK_INT_EQ(layout_not_found("A & B", "/style.css", "/home", &out), 0);
	const char *html = buf_cstr(&out);
	HAS(html, "<title>Page not found \xC2\xB7 A &amp; B</title>");
	HAS(html, "<meta name=\"robots\" content=\"noindex\">");
	HAS(html, "<link rel=\"stylesheet\" href=\"/style.css\">");
	HAS(html, "<a href=\"/home\">Go to the home page</a>");
	HAS(html, "Published with folio");
	buf_fini(&out);

	uint8_t mem[32];
	struct buf small;
	buf_init_fixed(&small, mem, sizeof(mem));
	CHECK(layout_not_found("x", NULL, NULL, &small) != 0);
}

static void
t_css(void)
{
	struct slice css = layout_css();
	CHECK(css.len > 2000);
	CHECK(css.ptr[css.len - 1] == '\n');
	const char *s = (const char *)css.ptr;
	CHECK(strstr(s, "prefers-color-scheme:dark") != NULL);
	CHECK(strstr(s, "minmax(0,45rem)") != NULL);
	CHECK(strstr(s, "system-ui") != NULL);
	CHECK(strstr(s, ".unresolved{") != NULL);
	CHECK(strstr(s, "overflow-x:auto") != NULL);
	CHECK(strstr(s, ".callout{") != NULL);
	CHECK(strstr(s, "img,video,iframe,embed,object,svg{max-width:100%") != NULL);
	CHECK(strstr(s, ":root[data-theme=dark]{") != NULL);
	CHECK(strstr(s, ":root:not([data-theme=light])") != NULL);
	CHECK(strstr(s, ".task-list-item") != NULL);
	CHECK(strstr(s, "scroll-margin-top") != NULL);
	// Balanced braces: a typo in the stylesheet would silently drop rules.
	int depth = 0;
	bool neg = false;
	for (size_t i = 0; i < css.len; i++) {
		depth += css.ptr[i] == '{';
		depth -= css.ptr[i] == '}';
		neg |= depth < 0;
	}
	CHECK_INT_EQ(depth, 0);
	CHECK(!neg);
	CHECK(layout_css().ptr == css.ptr); // static, the same every time
}

/* The live-reload script: a deferred script after the stylesheet, only when asked for. */
static void
t_live_script(void)
{
	struct layout_page p = {.site_title = "S", .css_url = "/s.css", .live_url = "/_folio/l.js"};
	struct buf out;
	buf_init(&out, 0);
	const char *html = page(&p, &out);
	HAS(html, "<link rel=\"stylesheet\" href=\"/s.css\">\n"
	          "<script defer src=\"/_folio/l.js\"></script>\n");
	CHECK(strstr(html, "<script") < strstr(html, "</head>"));
	p.live_url = NULL;
	LACKS(page(&p, &out), "<script");
	buf_reset(&out);
	CHECK_INT_EQ(layout_not_found_live("S", "/s.css", "/_folio/l.js", "/", &out), 0);
	HAS(buf_cstr(&out), "<script defer src=\"/_folio/l.js\"></script>");
	buf_reset(&out);
	CHECK_INT_EQ(layout_not_found("S", "/s.css", "/", &out), 0);
	LACKS(buf_cstr(&out), "<script");
	buf_fini(&out);
}

/* The heading scanner behind the table of contents. */
static void
t_headings(void)
{
	static const char html[] =
	        "<h1 id=\"title\">Title</h1>\n<h2 id=\"one\">One <em>x</em></h2>\n"
	        "<h3>No id</h3>\n<h5 id=\"deep\">Too deep</h5>\n<h3 id=\"two\">Two</h3>\n"
	        "<div class=\"markdown-embed\" data-embed=\"X\"><div><h2 id=\"in\">In</h2></div>"
	        "<h2 id=\"in2\">In too</h2></div>\n<h4 id=\"three\">Three &amp; more</h4>\n"
	        "<p>&lt;h2 id=&quot;fake&quot;&gt;</p><h2 id=\"last\">";
	struct layout_heading h[8];
	size_t n = layout_headings(SLICE_LIT(html), h, 8);
	CHECK_INT_EQ(n, 3);
	CHECK_INT_EQ(h[0].level, 2);
	CHECK(slice_eq_str(h[0].id, "one"));
	CHECK(slice_eq_str(h[0].inner, "One <em>x</em>"));
	CHECK_INT_EQ(h[1].level, 3);
	CHECK(slice_eq_str(h[1].id, "two"));
	CHECK_INT_EQ(h[2].level, 4);
	CHECK(slice_eq_str(h[2].inner, "Three &amp; more"));
	// Counting goes on past max.
	CHECK_INT_EQ(layout_headings(SLICE_LIT(html), h, 1), 3);
	CHECK(slice_eq_str(h[0].id, "one"));
	CHECK_INT_EQ(layout_headings((struct slice){NULL, 0}, h, 8), 0);

	CHECK(layout_has_math(SLICE_LIT("<p><span class=\"math inline\">\\(x\\)</span></p>")));
	CHECK(layout_has_math(SLICE_LIT("<span class=\"math display\">\\[x\\]</span>")));
	CHECK(!layout_has_math(SLICE_LIT("<p>$5 and $10</p><code>class=&quot;math</code>")));
	CHECK(layout_has_mermaid(SLICE_LIT("<pre class=\"mermaid\">graph TD</pre>")));
	CHECK(!layout_has_mermaid(SLICE_LIT("<pre><code class=\"language-mermaid\">")));
}

static void
t_toc(void)
{
	struct layout_page p = {
	        .site_title = "S",
	        .title = "T",
	        .show_title = true,
	        .content = SLICE_LIT("<p>x</p>\n<h2 id=\"a\">A <a href=\"/l\">link</a></h2>\n"
	                             "<h3 id=\"b-1\">B &lt;1&gt;<sup class=\"footnote-ref\">"
	                             "<a href=\"#fn1\">1</a></sup></h3>\n"),
	};
	struct buf out;
	buf_init(&out, 0);
	const char *html = page(&p, &out);
	HAS(html, "<details class=\"toc\" open data-wide=\"(min-width:78rem)\">"
	          "<summary>On this page</summary>");
	HAS(html, "<li class=\"toc-h2\"><a href=\"#a\">A link</a></li>\n"
	          "<li class=\"toc-h3\"><a href=\"#b-1\">B &lt;1&gt;</a></li>\n");
	// Before the note's text, after the layout's title.
	CHECK(strstr(html, "class=\"toc\"") > strstr(html, "note-title"));
	CHECK(strstr(html, "class=\"toc\"") < strstr(html, "note-content"));

	// A note that opens with its own H1 gets the contents after it.
	p.show_title = false;
	p.content = SLICE_LIT("<h1 id=\"t\">T</h1>\n<h2 id=\"a\">A</h2>\n<h2 id=\"b\">B</h2>\n");
	html = page(&p, &out);
	HAS(html, "<div class=\"note-content\">\n<h1 id=\"t\">T</h1>\n<div class=\"toc-box\">");

	// Fewer than two headings, or a list page: no contents.
	p.content = SLICE_LIT("<h2 id=\"a\">A</h2>\n<h5 id=\"b\">B</h5>\n");
	LACKS(page(&p, &out), "toc");
	p.content = SLICE_LIT("<h2 id=\"a\">A</h2>\n<h2 id=\"b\">B</h2>\n");
	p.no_toc = true;
	LACKS(page(&p, &out), "toc");
	buf_fini(&out);
}

/* The toggle, its boot script and the theme script come with theme_js, and only then. */
static void
t_theme_toggle(void)
{
	struct layout_page p = {.site_title = "S", .css_url = "/s.css", .content = SLICE_LIT("x")};
	struct buf out;
	buf_init(&out, 0);
	const char *html = page(&p, &out);
	LACKS(html, "theme-toggle");
	LACKS(html, "<script");
	p.theme_js = "/_folio/theme.abc.js";
	html = page(&p, &out);
	HAS(html, "<button class=\"theme-toggle\" type=\"button\" aria-pressed=\"false\"");
	HAS(html, "localStorage.getItem(\"folio-theme\")");
	HAS(html, "<script defer src=\"/_folio/theme.abc.js\"></script>");
	// The boot script runs before the stylesheet, so it never waits for it.
	CHECK(strstr(html, "folio-theme") < strstr(html, "rel=\"stylesheet\""));
	CHECK(strstr(html, "theme-toggle") > strstr(html, "<body>"));
	buf_fini(&out);
}

/* Tags link to their pages when the caller knows the URLs. */
static void
t_tag_links(void)
{
	static const char *const tags[] = {"a", "b/c", "d"};
	static const char *const urls[] = {"/tags/a", "/tags/b/c\"", NULL};
	struct layout_page p = {.content = SLICE_LIT("x"), .tags = tags, .ntags = 3};
	struct buf out;
	buf_init(&out, 0);
	HAS(page(&p, &out), "<span class=\"tag\">#a</span><span class=\"tag\">#b/c</span>");
	p.tag_urls = urls;
	const char *html = page(&p, &out);
	HAS(html, "<a class=\"tag\" href=\"/tags/a\">#a</a>"
	          "<a class=\"tag\" href=\"/tags/b/c%22\">#b/c</a><span class=\"tag\">#d</span>");
	buf_fini(&out);
}

/* The sidebar: a placeholder the theme script fills, with a link that works without it. */
static void
t_sidebar(void)
{
	struct layout_page p = {.site_title = "S", .content = SLICE_LIT("x"), .home_url = "/"};
	struct buf out;
	buf_init(&out, 0);
	LACKS(page(&p, &out), "sidebar");
	p.nav_url = "/_folio/nav.html";
	const char *html = page(&p, &out);
	HAS(html, "<div class=\"page has-nav\">");
	HAS(html, "<nav class=\"site-nav\" aria-label=\"Notes\" data-nav=\"/_folio/nav.html\">"
	          "<ul><li><a href=\"/\">All notes</a></li></ul></nav>");
	CHECK(strstr(html, "sidebar") < strstr(html, "<main id=\"_content\">"));
	// A keyboard reader can skip the header and the sidebar.
	HAS(html, "<a class=\"skip-link\" href=\"#_content\">Skip to content</a>");
	buf_reset(&out);
	CHECK_INT_EQ(layout_not_found_page(&p, &out), 0);
	HAS(buf_cstr(&out), "data-nav=\"/_folio/nav.html\"");
	HAS(buf_cstr(&out), "Page not found");
	buf_fini(&out);
}

/* The vault's site files and the icons, in the order the head needs them. */
static void
t_site_files(void)
{
	static const struct layout_icon icons[] = {
	        {"/favicon.ico", "image/x-icon", "any"},
	        {"/favicon-32x32.png", "image/png", "32x32"},
	};
	struct layout_page p = {
	        .site_title = "S",
	        .content = SLICE_LIT("x"),
	        .css_url = "/_folio/folio.1.css",
	        .theme_js = "/_folio/theme.1.js",
	        .live_url = "/_folio/live.1.js",
	        .publish_css = "/publish.css",
	        .publish_js = "/publish.js",
	        .icons = icons,
	        .nicons = 2,
	};
	struct buf out;
	buf_init(&out, 0);
	const char *html = page(&p, &out);
	HAS(html, "<link rel=\"stylesheet\" href=\"/_folio/folio.1.css\">\n"
	          "<link rel=\"stylesheet\" href=\"/publish.css\">\n");
	HAS(html, "<link rel=\"icon\" href=\"/favicon.ico\" type=\"image/x-icon\" sizes=\"any\">\n"
	          "<link rel=\"icon\" href=\"/favicon-32x32.png\" type=\"image/png\" "
	          "sizes=\"32x32\">\n");
	HAS(html, "<script defer src=\"/_folio/theme.1.js\"></script>\n"
	          "<script defer src=\"/publish.js\"></script>\n"
	          "<script defer src=\"/_folio/live.1.js\"></script>\n");
	buf_reset(&out);
	CHECK_INT_EQ(layout_not_found_page(&p, &out), 0);
	HAS(buf_cstr(&out), "href=\"/publish.css\"");
	HAS(buf_cstr(&out), "src=\"/publish.js\"");
	HAS(buf_cstr(&out), "href=\"/favicon.ico\"");
	buf_fini(&out);
}

static void
t_social(void)
{
	struct layout_page p = {
	        .site_title = "S",
	        .title = "T",
	        .description = "D",
	        .canonical = "https://e.org/t",
	        .content = SLICE_LIT("x"),
	};
	struct buf out;
	buf_init(&out, 0);
	const char *html = page(&p, &out);
	HAS(html, "<link rel=\"canonical\" href=\"https://e.org/t\">");
	HAS(html, "<meta name=\"description\" content=\"D\">");
	HAS(html, "<meta property=\"og:title\" content=\"T\">");
	HAS(html, "<meta property=\"og:description\" content=\"D\">");
	HAS(html, "<meta property=\"og:url\" content=\"https://e.org/t\">");
	HAS(html, "<meta property=\"og:type\" content=\"article\">");
	HAS(html, "<meta name=\"twitter:card\" content=\"summary\">");
	LACKS(html, "og:image");
	p.image = "https://e.org/c.png";
	html = page(&p, &out);
	HAS(html, "<meta property=\"og:image\" content=\"https://e.org/c.png\">");
	HAS(html, "<meta name=\"twitter:card\" content=\"summary_large_image\">");
	CHECK(strstr(html, "twitter:card") < strstr(html, "</head>"));
	buf_fini(&out);
}

/* KaTeX and Mermaid: linked only by pages that hold math or a diagram. */
static void
t_vendor_scripts(void)
{
	struct layout_page p = {
	        .site_title = "S",
	        .content = SLICE_LIT("<p>Costs $5 and $10.</p>"),
	        .theme_js = "/_folio/theme.1.js",
	        .katex_css = "/_folio/vendor/katex.1/katex.min.css",
	        .katex_js = "/_folio/vendor/katex.1/katex.min.js",
	        .mermaid_js = "/_folio/vendor/mermaid.1.min.js",
	};
	struct buf out;
	buf_init(&out, 0);
	LACKS(page(&p, &out), "/_folio/vendor/");
	p.content = SLICE_LIT("<p><span class=\"math inline\">\\(x\\)</span></p>");
	const char *html = page(&p, &out);
	HAS(html, "<link rel=\"stylesheet\" href=\"/_folio/vendor/katex.1/katex.min.css\">");
	HAS(html, "<script defer src=\"/_folio/vendor/katex.1/katex.min.js\"></script>\n"
	          "<script defer src=\"/_folio/theme.1.js\"></script>");
	LACKS(html, "mermaid");
	p.content = SLICE_LIT("<pre class=\"mermaid\">graph TD\nA--&gt;B\n</pre>");
	html = page(&p, &out);
	HAS(html, "<script defer src=\"/_folio/vendor/mermaid.1.min.js\"></script>\n"
	          "<script defer src=\"/_folio/theme.1.js\"></script>");
	LACKS(html, "katex");
	// Without the libraries (not installed), nothing is linked.
	p.mermaid_js = NULL;
	LACKS(page(&p, &out), "/_folio/vendor/");
	buf_fini(&out);
}

/* Every new value is escaped like the old ones. */
static void
t_escaping_chrome(void)
{
	static const struct layout_icon icons[] = {{"/i\"><script>", "t\"<x>", "s\"<y>"}};
	struct layout_page p = {
	        .site_title = "S",
	        .content = SLICE_LIT("<span class=\"math inline\">\\(x\\)</span>"
	                             "<pre class=\"mermaid\">a</pre>"),
	        .theme_js = "/t.js\"><script>",
	        .nav_url = "/n\"><script>",
	        .home_url = "/h\"<",
	        .publish_css = "/p.css\"><script>",
	        .publish_js = "/p.js\"><script>",
	        .icons = icons,
	        .nicons = 1,
	        .katex_css = "/k.css\"><script>",
	        .katex_js = "/k.js\"><script>",
	        .mermaid_js = "/m.js\"><script>",
	        .image = "/c.png\"><script>",
	};
	struct buf out;
	buf_init(&out, 0);
	const char *html = page(&p, &out);
	LACKS(html, "\"><script>");
	LACKS(html, "<x>");
	LACKS(html, "<y>");
	HAS(html, "src=\"/t.js%22%3E%3Cscript%3E\"");
	HAS(html, "data-nav=\"/n%22%3E%3Cscript%3E\"");
	HAS(html, "href=\"/p.css%22%3E%3Cscript%3E\"");
	HAS(html, "src=\"/p.js%22%3E%3Cscript%3E\"");
	HAS(html, "href=\"/k.css%22%3E%3Cscript%3E\"");
	HAS(html, "src=\"/k.js%22%3E%3Cscript%3E\"");
	HAS(html, "src=\"/m.js%22%3E%3Cscript%3E\"");
	HAS(html, "href=\"/i%22%3E%3Cscript%3E\" type=\"t&quot;&lt;x&gt;\" "
	          "sizes=\"s&quot;&lt;y&gt;\"");
	HAS(html, "<a href=\"/h%22%3C\">All notes</a>");
	buf_fini(&out);
}

/* The first paragraph's text stands in for a missing description. */
static void
t_excerpt(void)
{
	char out[LAYOUT_EXCERPT_MAX];
	CHECK_INT_EQ(layout_excerpt(SLICE_LIT("<h1>T</h1>\n<p></p><p>  A <a href=\"/x\">link</a>,\n"
	                                      "&amp; <em>more</em>.</p><p>Next</p>"),
	                            out, sizeof(out)),
	             19);
	CHECK_STR_EQ(out, "A link, &amp; more.");
	CHECK_INT_EQ(layout_excerpt(SLICE_LIT("<pre>code</pre>"), out, sizeof(out)), 0);
	CHECK_STR_EQ(out, "");

	// Long text is cut at a word, with an ellipsis, and fits.
	char small[24];
	layout_excerpt(SLICE_LIT("<p>one two three four five six seven</p>"), small, sizeof(small));
	CHECK_STR_EQ(small, "one two three four\xE2\x80\xA6");
	// Never inside an entity ...
	layout_excerpt(SLICE_LIT("<p>abcdefghijklmnop&quot;xyz</p>"), small, sizeof(small));
	CHECK_STR_EQ(small, "abcdefghijklmnop\xE2\x80\xA6");
	// ... nor inside a character.
	layout_excerpt(SLICE_LIT("<p>abcdefghijklmnopq\xC3\xA9\xC3\xA9\xC3\xA9</p>"), small,
	               sizeof(small));
	CHECK_STR_EQ(small, "abcdefghijklmnopq\xC3\xA9\xE2\x80\xA6");

	// A written description wins.
	struct layout_page p = {.description = "Mine", .content = SLICE_LIT("<p>Body</p>")};
	struct buf b;
	buf_init(&b, 0);
	const char *html = page(&p, &b);
	HAS(html, "<meta name=\"description\" content=\"Mine\">");
	LACKS(html, "content=\"Body\"");
	buf_fini(&b);
}

static const struct test tests[] = {
        {"full_page", t_full_page},
        {"escaping", t_escaping},
        {"nulls", t_nulls},
        {"not_found", t_not_found},
        {"css", t_css},
        {"live_script", t_live_script},
        {"headings", t_headings},
        {"toc", t_toc},
        {"theme_toggle", t_theme_toggle},
        {"sidebar", t_sidebar},
        {"site_files", t_site_files},
        {"social", t_social},
        {"vendor_scripts", t_vendor_scripts},
        {"escaping_chrome", t_escaping_chrome},
        {"excerpt", t_excerpt},
        {"tag_links", t_tag_links},
};

TEST_MAIN(tests)
