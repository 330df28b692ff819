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
	LACKS(html, "description");
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

static const struct test tests[] = {
        {"full_page", t_full_page}, {"escaping", t_escaping}, {"nulls", t_nulls},
        {"not_found", t_not_found}, {"css", t_css},           {"live_script", t_live_script},
};

TEST_MAIN(tests)
