/* test_template.c: the layout template language: values and escaping, raw, if/else, for,
 * nesting, every compile error with its line, the output cap, and garbage input. */
#include "renderer/template.h"

#include <stdlib.h>
#include <string.h>

#include "shared/err.h"
#include "tests/harness.h"

static const struct layout_link links[] = {{"A & B", "/a"}, {"Other", "/o p"}};
static const char *const tags[] = {"Go", "x/y"};
static const char *const classes[] = {"wide"};

static struct layout_page
page(void)
{
	return (struct layout_page){
	        .site_title = "Site",
	        .title = "T <1> & \"q\"",
	        .description = NULL,
	        .css_url = "/_folio/folio.abc.css",
	        .content = {(const uint8_t *)"<p>hi</p>", 9},
	        .backlinks = links,
	        .nbacklinks = 2,
	        .tags = tags,
	        .ntags = 2,
	        .cssclasses = classes,
	        .ncssclasses = 1,
	        .date = "2024-01-02",
	};
}

/* Renders src against the test page; returns a heap string or NULL (error in err). */
static char *
run(const char *src, char *err, size_t errlen)
{
	struct template *t;
	int rc = template_compile("_layouts/t.html", slice_str(src), &t, err, errlen);
	if (rc) {
		return NULL;
	}
	struct layout_page p = page();
	struct template_data d = {.page = &p, .page_url = "/dir/my note", .base_url = "https://x"};
	struct buf out;
	buf_init(&out, 0);
	rc = template_render(t, &d, &out, 1 << 20);
	template_free(t);
	if (rc) {
		buf_fini(&out);
		snprintf(err, errlen, "render %d", rc);
		return NULL;
	}
	char *s = strndup((const char *)out.ptr, out.len);
	buf_fini(&out);
	return s;
}

#define CHECK_RENDER(src, want)                           \
	do {                                              \
		char err_[200] = "";                      \
		char *got_ = run((src), err_, 200);       \
		if (!got_)                                \
			CHECK_STR_EQ(err_, "(no error)"); \
		else                                      \
			CHECK_STR_EQ(got_, (want));       \
		free(got_);                               \
	} while (0)

#define CHECK_COMPILE_ERR(src, want)                                                     \
	do {                                                                             \
		char err_[200] = "";                                                     \
		struct template *t_ = NULL;                                              \
		CHECK_ERR(template_compile("_layouts/t.html", slice_str(src), &t_, err_, \
		                           sizeof(err_)),                                \
		          ERR_PROTO);                                                    \
		CHECK(t_ == NULL);                                                       \
		CHECK_STR_EQ(err_, (want));                                              \
	} while (0)

static void
t_values(void)
{
	CHECK_RENDER("plain", "plain");
	CHECK_RENDER("<h1>{{ page.title }}</h1>", "<h1>T &lt;1&gt; &amp; &quot;q&quot;</h1>");
	CHECK_RENDER("{{page.title|raw}}", "T <1> & \"q\"");
	CHECK_RENDER("{{ page.title | raw }}", "T <1> & \"q\"");
	CHECK_RENDER("{{ page.content }}", "<p>hi</p>");
	CHECK_RENDER("{{ site.title }}|{{ page.description }}|{{ page.date }}", "Site||2024-01-02");
	CHECK_RENDER("<a href=\"{{ page.url }}\">", "<a href=\"/dir/my%20note\">");
	CHECK_RENDER("{{ site.base_url }}{{ page.css_url }}", "https://x/_folio/folio.abc.css");
	CHECK_RENDER("{{ page.tags_html }}", "<a class=\"tag\" href=\"/tags/go\">#Go</a> "
	                                     "<a class=\"tag\" href=\"/tags/x/y\">#x/y</a>");
	CHECK_RENDER("{{ page.backlinks_html }}",
	             "<ul class=\"backlinks\"><li><a class=\"internal\" href=\"/a\">A &amp; "
	             "B</a></li><li><a class=\"internal\" href=\"/o%20p\">Other</a></li></ul>");
	CHECK_RENDER("a{# note #}b", "ab");
	CHECK_RENDER("{ not a tag } {", "{ not a tag } {");
}

static void
t_if_else(void)
{
	CHECK_RENDER("{% if page.title %}yes{% endif %}", "yes");
	CHECK_RENDER("{% if page.description %}yes{% else %}no{% endif %}", "no");
	CHECK_RENDER("{% if not page.description %}none{% endif %}", "none");
	CHECK_RENDER("{% if page.tags %}T{% else %}F{% endif %}", "T");
	CHECK_RENDER("{% if page.image %}{{ page.image }}{% else %}-{% endif %}!", "-!");
	CHECK_RENDER("{% if page.date %}{% if page.description %}a{% else %}b{% endif %}{% "
	             "else %}c{% endif %}",
	             "b");
}

static void
t_for(void)
{
	CHECK_RENDER("{% for t in page.tags %}[{{ t.name }} {{ t.url }}]{% endfor %}",
	             "[Go /tags/go][x/y /tags/x/y]");
	CHECK_RENDER("{% for t in page.tags %}{{ t }},{% endfor %}", "Go,x/y,");
	CHECK_RENDER("{% for b in page.backlinks %}<a href=\"{{ b.url }}\">{{ b.title }}</a>{% "
	             "endfor %}",
	             "<a href=\"/a\">A &amp; B</a><a href=\"/o%20p\">Other</a>");
	CHECK_RENDER("{% for c in page.cssclasses %}{{ c.name }}{% endfor %}", "wide");
	/* Nested loops see both variables; an empty list skips its body. */
	CHECK_RENDER("{% for a in page.tags %}{% for b in page.cssclasses %}{{ a }}-{{ b }};{% "
	             "endfor %}{% endfor %}",
	             "Go-wide;x/y-wide;");
	CHECK_RENDER("{% for t in page.tags %}{% if t.name %}<{{ t }}>{% endif %}{% endfor %}",
	             "<Go><x/y>");
}

static void
t_empty_lists(void)
{
	struct template *t;
	char err[200];
	CHECK_INT_EQ(template_compile("x",
	                              slice_str("a{% for t in page.tags %}X{% endfor "
	                                        "%}b{{ page.backlinks_html }}c"),
	                              &t, err, sizeof(err)),
	             0);
	struct layout_page p = {.title = "x"};
	struct template_data d = {.page = &p};
	struct buf out;
	buf_init(&out, 0);
	CHECK_INT_EQ(template_render(t, &d, &out, 1000), 0);
	CHECK_MEM_STR(out.ptr, out.len, "abc");
	buf_fini(&out);
	template_free(t);
}

static void
t_errors(void)
{
	CHECK_COMPILE_ERR("a\n{{ page.titel }}", "_layouts/t.html:2: unknown variable page.titel");
	CHECK_COMPILE_ERR("\n\n{% if page.title %}x", "_layouts/t.html:3: unclosed {% if %}");
	CHECK_COMPILE_ERR("{% for t in page.tags %}\n\nx", "_layouts/t.html:1: unclosed {% for %}");
	CHECK_COMPILE_ERR("x\n{% endif %}", "_layouts/t.html:2: {% endif %} without {% if %}");
	CHECK_COMPILE_ERR("{% else %}", "_layouts/t.html:1: {% else %} without {% if %}");
	CHECK_COMPILE_ERR("{% if page.title %}{% else %}{% else %}{% endif %}",
	                  "_layouts/t.html:1: {% else %} without {% if %}");
	CHECK_COMPILE_ERR("{% for t in page.tags %}{% endif %}",
	                  "_layouts/t.html:1: {% endif %} without {% if %}");
	CHECK_COMPILE_ERR("{% if page.title %}{% endfor %}",
	                  "_layouts/t.html:1: {% endfor %} without {% for %}");
	CHECK_COMPILE_ERR("a\nb\n{{ page.title", "_layouts/t.html:3: unclosed {{");
	CHECK_COMPILE_ERR("{% if x", "_layouts/t.html:1: unclosed {%");
	CHECK_COMPILE_ERR("{# x", "_layouts/t.html:1: unclosed {#");
	CHECK_COMPILE_ERR("{{ }}", "_layouts/t.html:1: empty {{ }}");
	CHECK_COMPILE_ERR("{{ page.title | upper }}", "_layouts/t.html:1: unknown filter upper");
	CHECK_COMPILE_ERR("{{ page.title page.date }}",
	                  "_layouts/t.html:1: expected {{ name }} or {{ name | raw }}");
	CHECK_COMPILE_ERR("{{ page.tags }}",
	                  "_layouts/t.html:1: page.tags is a list: use {% for %}");
	CHECK_COMPILE_ERR("{% include \"x\" %}", "_layouts/t.html:1: unknown tag {% include %}");
	CHECK_COMPILE_ERR("{% for t in page.title %}{% endfor %}",
	                  "_layouts/t.html:1: page.title is not a list");
	CHECK_COMPILE_ERR("{% for t page.tags %}", "_layouts/t.html:1: expected {% for name in "
	                                           "list %}");
	CHECK_COMPILE_ERR("{% if %}", "_layouts/t.html:1: expected {% if name %} or {% if not "
	                              "name %}");
	/* A loop variable is known inside its loop only; a backlink has no name field. */
	CHECK_COMPILE_ERR("{% for t in page.tags %}{% endfor %}{{ t.name }}",
	                  "_layouts/t.html:1: unknown variable t.name");
	CHECK_COMPILE_ERR("{% for c in page.cssclasses %}{{ c.url }}{% endfor %}",
	                  "_layouts/t.html:1: unknown variable c.url");
	CHECK_COMPILE_ERR("{% if page.title %}{% if page.title %}{% if page.title %}{% if "
	                  "page.title %}{% if page.title %}{% if page.title %}{% if page.title "
	                  "%}{% if page.title %}{% if page.title %}",
	                  "_layouts/t.html:1: blocks nested more than 8 deep");
	struct template *t = NULL;
	char err[200];
	CHECK_ERR(template_compile("n.html", (struct slice){(const uint8_t *)"ok\n\0x", 5}, &t, err,
	                           sizeof(err)),
	          ERR_PROTO);
	CHECK_STR_EQ(err, "n.html:2: NUL byte in template");
}

static void
t_cap(void)
{
	/* Nested loops multiply; the cap stops the output and says so. */
	static const char *const many[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
	struct template *t;
	char err[200];
	CHECK_INT_EQ(template_compile("x",
	                              slice_str("{% for a in page.tags %}{% for b in page.tags "
	                                        "%}{% for c in page.tags %}{{ page.content }}"
	                                        "{% endfor %}{% endfor %}{% endfor %}"),
	                              &t, err, sizeof(err)),
	             0);
	struct layout_page p = {.tags = many, .ntags = 8};
	char big[4096];
	memset(big, 'x', sizeof(big));
	p.content = (struct slice){(const uint8_t *)big, sizeof(big)};
	struct template_data d = {.page = &p};
	struct buf out;
	buf_init(&out, 0);
	buf_puts(&out, "keep");
	CHECK_ERR(template_render(t, &d, &out, 100000), ERR_TOOBIG);
	CHECK_MEM_STR(out.ptr, out.len, "keep");
	buf_reset(&out);
	CHECK_INT_EQ(template_render(t, &d, &out, 8 * 8 * 8 * 4096), 0);
	CHECK_INT_EQ(out.len, 8 * 8 * 8 * 4096);
	buf_fini(&out);
	template_free(t);
}

/* Garbage and mutations of a valid template: compile never crashes, and whatever compiles
 * renders within its cap. */
static void
t_garbage(void)
{
	static const char base[] = "<h1>{{ page.title }}</h1>{% if page.tags %}{% for t in "
	                           "page.tags %}<a href=\"{{ t.url }}\">{{ t.name }}</a>{% endfor "
	                           "%}{% else %}none{% endif %}{{ page.content }}{# c #}";
	static const char alphabet[] = "{}%#| ifelsendorpagtx.\n";
	unsigned seed = 12345;
	struct layout_page p = page();
	struct template_data d = {.page = &p};
	struct buf out;
	buf_init(&out, 0);
	int compiled = 0;
	for (int iter = 0; iter < 20000; iter++) {
		char src[256];
		size_t n;
		if (iter % 2) {
			n = sizeof(base) - 1;
			memcpy(src, base, n);
			for (int k = 0; k < 3; k++) {
				seed = seed * 1103515245u + 12345u;
				src[(seed >> 8) % n] =
				        alphabet[(seed >> 20) % (sizeof(alphabet) - 1)];
			}
		} else {
			seed = seed * 1103515245u + 12345u;
			n = (seed >> 8) % sizeof(src);
			for (size_t k = 0; k < n; k++) {
				seed = seed * 1103515245u + 12345u;
				src[k] = (seed >> 24) & 1
				                 ? alphabet[(seed >> 16) % (sizeof(alphabet) - 1)]
				                 : (char)(seed >> 16);
			}
		}
		void *base_map;
		size_t maplen;
		char *g = test_guarded(src, n, &base_map, &maplen);
		struct template *t = NULL;
		char err[200];
		int rc = template_compile("g", (struct slice){(const uint8_t *)g, n}, &t, err,
		                          sizeof(err));
		CHECK(rc == 0 || rc == ERR_PROTO);
		CHECK((rc == 0) == (t != NULL));
		if (rc == ERR_PROTO) {
			CHECK(strncmp(err, "g:", 2) == 0);
		}
		if (t) {
			compiled++;
			buf_reset(&out);
			rc = template_render(t, &d, &out, 1 << 16);
			CHECK(rc == 0 || rc == ERR_TOOBIG);
			template_free(t);
		}
		test_guarded_free(base_map, maplen);
	}
	CHECK(compiled > 100);
	buf_fini(&out);
}

static const struct test tests[] = {
        {"values", t_values},           {"if_else", t_if_else}, {"for", t_for},
        {"empty_lists", t_empty_lists}, {"errors", t_errors},   {"cap", t_cap},
        {"garbage", t_garbage},
};

TEST_MAIN(tests)
