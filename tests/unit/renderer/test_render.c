/*
 * test_render.c: render_markdown and render_scan_links through their API: what the resolver
 * is asked, what render_info reports, errors, and inputs that sit at the very end of
 * readable memory. The HTML itself is mostly covered by the golden files (test_golden.c).
 */
#include <stdlib.h>
#include <string.h>

#include "renderer/render.h"
#include "shared/err.h"
#include "tests/harness.h"

/* Every link the resolver or scanner saw, as "kind|embed|target|frag|text" lines. */
struct seen {
	struct buf log;
	int calls;
	int fail_with; /* returned for targets starting with "Missing" (or for all when nomem) */
	bool nomem;
};

static void
log_link(struct seen *s, const struct render_link *l)
{
	static const char *const kinds[] = {"wiki", "md", "image"};
	buf_printf(&s->log, "%s|%d|%.*s|%.*s|%.*s\n", kinds[l->kind], l->embed, (int)l->target.len,
	           (const char *)l->target.ptr, (int)l->frag.len, (const char *)l->frag.ptr,
	           (int)l->text.len, (const char *)l->text.ptr);
	s->calls++;
}

static int
resolver(void *arg, const struct render_link *l, struct buf *url)
{
	struct seen *s = arg;
	log_link(s, l);
	if (s->nomem)
		return ERR_NOMEM;
	if (l->target.len >= 7 && memcmp(l->target.ptr, "Missing", 7) == 0)
		return ERR_NOTFOUND;
	buf_puts(url, "/u/");
	buf_put_slice(url, l->target);
	if (l->frag.len) {
		buf_putc(url, '#');
		buf_put_slice(url, l->frag);
	}
	return 0;
}

static void
scanner(void *arg, const struct render_link *l)
{
	log_link(arg, l);
}

/* Renders md with the test resolver; returns the HTML (static buffer) and fills info. */
static const char *
render(const char *md, struct seen *s, struct render_info *info, int *rc)
{
	static struct buf out;
	buf_fini(&out);
	buf_init(&out, 0);
	struct render_opts opts = {.resolve = resolver, .arg = s};
	*rc = render_markdown(slice_str(md), &opts, &out, info);
	return buf_cstr(&out);
}

static void
t_resolver_sees_each_link(void)
{
	struct seen s = {0};
	buf_init(&s.log, 0);
	struct render_info info;
	int rc;
	render("[[Note]] [[Folder/Other#Part|shown]] ![[pic.png|300]] [x](My%20Note.md#h)\n"
	       "![i](img/a.png) [e](https://e.com) [[Missing]] [[#Local]]",
	       &s, &info, &rc);
	CHECK_INT_EQ(rc, 0);
	CHECK_STR_EQ(buf_cstr(&s.log), "wiki|0|Note||\n"
	                               "wiki|0|Folder/Other|Part|shown\n"
	                               "wiki|1|pic.png||300\n"
	                               "md|0|My Note.md|h|\n"
	                               "image|0|img/a.png||\n"
	                               "wiki|0|Missing||\n"
	                               "wiki|0||Local|\n");
	CHECK_INT_EQ(info.nlinks, 7);
	CHECK_INT_EQ(info.nmissing, 1);
	render_info_fini(&info);
	buf_fini(&s.log);
}

static void
t_scan_matches_render(void)
{
	const char *md = "# T\n\n[[Note]] and ![[Doc#Sec|Alias]]\n\n| a |\n|---|\n| [[T\\|x]] |\n\n"
	                 "> [!note] [[InCallout]]\n\n- [ ] [md](a.md) ![img](b.png)\n\n"
	                 "`[[not]]` [ext](http://x.y) ![ext](https://x.y/i.png)";
	struct seen r = {0}, s = {0};
	buf_init(&r.log, 0);
	buf_init(&s.log, 0);
	int rc;
	render(md, &r, NULL, &rc);
	CHECK_INT_EQ(rc, 0);
	CHECK_INT_EQ(render_scan_links(slice_str(md), scanner, &s), 0);
	CHECK_STR_EQ(buf_cstr(&s.log), buf_cstr(&r.log));
	CHECK_INT_EQ(s.calls, 6);
	CHECK(strstr(buf_cstr(&s.log), "wiki|1|Doc|Sec|Alias\n") != NULL);
	CHECK(strstr(buf_cstr(&s.log), "wiki|0|T||x\n") != NULL);
	buf_fini(&r.log);
	buf_fini(&s.log);
}

static void
t_first_h1(void)
{
	struct seen s = {0};
	buf_init(&s.log, 0);
	struct render_info info;
	int rc;
	render("intro\n\n## Two\n\n# The *First* [[Note#Part]]\n\n# Second", &s, &info, &rc);
	CHECK_INT_EQ(rc, 0);
	CHECK_STR_EQ(info.first_h1, "The First Note > Part");
	render_info_fini(&info);
	CHECK(info.first_h1 == NULL);
	render("no heading", &s, &info, &rc);
	CHECK(info.first_h1 == NULL);
	render_info_fini(&info);
	buf_fini(&s.log);
}

static void
t_line_breaks(void)
{
	struct buf out;
	buf_init(&out, 0);
	struct render_opts strict = {.strict_line_breaks = true};
	CHECK_INT_EQ(render_markdown(SLICE_LIT("a\nb"), NULL, &out, NULL), 0);
	CHECK_STR_EQ(buf_cstr(&out), "<p>a<br>\nb</p>\n");
	buf_reset(&out);
	CHECK_INT_EQ(render_markdown(SLICE_LIT("a\nb"), &strict, &out, NULL), 0);
	CHECK_STR_EQ(buf_cstr(&out), "<p>a\nb</p>\n");
	buf_reset(&out);
	CHECK_INT_EQ(render_markdown(SLICE_LIT("a\r\nb\r\n\r\n# H\r\n"), NULL, &out, NULL), 0);
	CHECK_STR_EQ(buf_cstr(&out), "<p>a<br>\nb</p>\n<h1 id=\"h\">H</h1>\n");
	buf_fini(&out);
}

static void
t_odd_bytes(void)
{
	struct buf out;
	buf_init(&out, 0);
	static const char nul[] = "a\0b";
	CHECK_INT_EQ(render_markdown((struct slice){(const uint8_t *)nul, 3}, NULL, &out, NULL), 0);
	CHECK_STR_EQ(buf_cstr(&out), "<p>a\xEF\xBF\xBD"
	                             "b</p>\n");
	buf_reset(&out);
	CHECK_INT_EQ(render_markdown(SLICE_LIT("\xEF\xBB\xBF# Title"), NULL, &out, NULL), 0);
	CHECK_STR_EQ(buf_cstr(&out), "<h1 id=\"title\">Title</h1>\n");
	buf_reset(&out);
	CHECK_INT_EQ(render_markdown((struct slice){NULL, 0}, NULL, &out, NULL), 0);
	CHECK_INT_EQ(out.len, 0);
	buf_fini(&out);
}

/* The stand-in used to parse embeds never shows, whatever surrounds it. */
static void
t_embed_stand_in_never_leaks(void)
{
	struct buf out;
	buf_init(&out, 0);
	const char *md = "{[[a]] ![[b]] `![[c]]` [l](x![[y]]) <span title=\"![[z]]\">t</span>\n\n"
	                 "```\n![[d]]\n```\n\n    ![[e]]";
	CHECK_INT_EQ(render_markdown(slice_str(md), NULL, &out, NULL), 0);
	const char *html = buf_cstr(&out);
	CHECK(strstr(html, "{<a class=\"internal\" href=\"/a\">a</a>") != NULL);
	CHECK(strstr(html, "<a class=\"internal embed\" href=\"/b\">b</a>") != NULL);
	CHECK(strstr(html, "<code>![[c]]</code>") != NULL);
	CHECK(strstr(html, "title=\"![[z]]\"") != NULL);
	CHECK(strstr(html, "<pre><code>![[d]]\n</code></pre>") != NULL);
	CHECK(strstr(html, "<pre><code>![[e]]\n</code></pre>") != NULL);
	// Only one '{' in the output: the one written in the note.
	CHECK(strchr(html, '{') == strrchr(html, '{'));
	buf_fini(&out);
}

/*
 * Links in footnote bodies go through the resolver, in the order the footnotes are listed,
 * and render_scan_links reports the same; an unused definition's links are never seen.
 */
static void
t_footnote_links(void)
{
	const char *md = "See [^b] and ^[inline [[Inl]]] then [^a].\n\n"
	                 "[^a]: A links [[Alpha]] and [x](Doc.md).\n"
	                 "[^b]: B embeds ![[pic.png]]\n"
	                 "    and cites [^a] again.\n"
	                 "[^unused]: [[Never]]\n";
	struct seen r = {0}, s = {0};
	buf_init(&r.log, 0);
	buf_init(&s.log, 0);
	int rc;
	const char *html = render(md, &r, NULL, &rc);
	CHECK_INT_EQ(rc, 0);
	CHECK_STR_EQ(buf_cstr(&r.log), "wiki|1|pic.png||\n"
	                               "wiki|0|Inl||\n"
	                               "wiki|0|Alpha||\n"
	                               "md|0|Doc.md||\n");
	CHECK_INT_EQ(render_scan_links(slice_str(md), scanner, &s), 0);
	CHECK_STR_EQ(buf_cstr(&s.log), buf_cstr(&r.log));
	// [^b] is 1, the inline one 2, [^a] 3; the second reference to [^a] gets its own id.
	CHECK(strstr(html, "<a href=\"#fn-1\" id=\"fnref-1\">1</a>") != NULL);
	CHECK(strstr(html, "<a href=\"#fn-3\" id=\"fnref-3-2\">3</a>") != NULL);
	CHECK(strstr(html, "Never") == NULL);
	buf_fini(&r.log);
	buf_fini(&s.log);
}

/* The bytes standing in for footnote references never show; code keeps them as written. */
static void
t_footnote_mark_never_leaks(void)
{
	struct buf out;
	buf_init(&out, 0);
	const char *md = "a}[^1] `[^1] ^[x]` [l](u[^1]) <span title=\"[^1]\">t</span> $[^1]$\n\n"
	                 "```\n[^1] ^[y]\n```\n\n    [^1] ^[z]\n\n[^1]: one\n";
	CHECK_INT_EQ(render_markdown(slice_str(md), NULL, &out, NULL), 0);
	const char *html = buf_cstr(&out);
	CHECK(strstr(html, "<code>[^1] ^[x]</code>") != NULL);
	CHECK(strstr(html, "title=\"[^1]\"") != NULL);
	CHECK(strstr(html, "<pre><code>[^1] ^[y]\n</code></pre>") != NULL);
	CHECK(strstr(html, "<pre><code>[^1] ^[z]\n</code></pre>") != NULL);
	CHECK(strstr(html, "\\([^1]\\)") != NULL);
	// Only one '}' in the output: the one written in the note.
	CHECK(strchr(html, '}') != NULL && strchr(html, '}') == strrchr(html, '}'));
	buf_fini(&out);
}

static void
t_resolver_nomem_fails(void)
{
	struct seen s = {.nomem = true};
	buf_init(&s.log, 0);
	struct render_info info;
	int rc;
	render("# H\n\n[[Note]]", &s, &info, &rc);
	CHECK_INT_EQ(rc, ERR_NOMEM);
	CHECK(info.first_h1 == NULL); // freed on failure
	buf_fini(&s.log);
}

static void
t_output_limit(void)
{
	struct buf out;
	buf_init(&out, 64);
	struct buf md;
	buf_init(&md, 0);
	for (int i = 0; i < 1000; i++)
		buf_puts(&md, "word ");
	CHECK_INT_EQ(render_markdown(buf_slice(&md), NULL, &out, NULL), ERR_TOOBIG);
	// A buffer that has already failed is reported as is, without rendering.
	CHECK_INT_EQ(render_markdown(SLICE_LIT("x"), NULL, &out, NULL), ERR_TOOBIG);
	buf_fini(&out);
	buf_fini(&md);

	uint8_t mem[16];
	struct buf fixed;
	buf_init_fixed(&fixed, mem, sizeof(mem));
	CHECK_INT_EQ(render_markdown(SLICE_LIT("a long enough paragraph"), NULL, &fixed, NULL),
	             ERR_TOOBIG);
}

/* Inputs ending exactly at a PROT_NONE page: any read past the end faults. */
static void
t_no_overread(void)
{
	static const char *const inputs[] = {
	        "[[Note",
	        "[[Note]]",
	        "![[pic.png|30",
	        "![[pic.png|30]]",
	        "![[",
	        "!",
	        "$x$",
	        "$$x$",
	        "a $x",
	        "> [!note",
	        "> [!note]",
	        "# H",
	        "[x](y.md",
	        "&amp",
	        "&#x1F600;",
	        "<!--",
	        "| a |\n|---|\n| [[b\\|c]] |",
	        "---",
	        "\\",
	        "- [x]",
	};
	struct seen s = {0};
	buf_init(&s.log, 0);
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		size_t n = strlen(inputs[i]);
		void *base;
		size_t maplen;
		const uint8_t *p = test_guarded(inputs[i], n, &base, &maplen);
		struct buf out;
		buf_init(&out, 0);
		struct render_opts opts = {.resolve = resolver, .arg = &s};
		CHECK_INT_EQ(render_markdown((struct slice){p, n}, &opts, &out, NULL), 0);
		CHECK(out.len > 0);
		CHECK_INT_EQ(render_scan_links((struct slice){p, n}, scanner, &s), 0);
		buf_fini(&out);
		test_guarded_free(base, maplen);
	}
	buf_fini(&s.log);
}

/*
 * md4c 0.4.8 sends unbalanced span events for some broken input: here an
 * image that never closes and a wikilink that closes without opening. The HTML must still
 * be complete, with nothing lost after the paragraph.
 */
static void
t_md4c_unbalanced_spans(void)
{
	struct seen s = {0};
	buf_init(&s.log, 0);
	struct render_info info;
	int rc;
	const char *html = render("![[cd) cd) ![?ither%0o2Nte.cd) ![i](a%20b.p$](a%![[cd) "
	                          "cdsing.png]] ![[Mng Note]]\n\nafter",
	                          &s, &info, &rc);
	CHECK_INT_EQ(rc, 0);
	CHECK(strstr(html, "<p>after</p>") != NULL);
	// A markdown image of a target with no media extension is an embed of a note.
	CHECK(strstr(html, "\">?ither%0o2Nte.cd) ![i](a%20b.p$</a>") != NULL);
	render_info_fini(&info);
	buf_fini(&s.log);
}

/* Random bytes and random markdown-ish soup: never a crash, leak or error. */
static void
t_random_input(void)
{
	static const char alphabet[] = "[]!|#*_`$<>&;\\-+=:.()\"' \n\tabcx0123^%{}~\xC3\xA9";
	unsigned seed = 12345;
	struct buf md, out;
	buf_init(&md, 0);
	buf_init(&out, 0);
	struct seen s = {0};
	buf_init(&s.log, 0);
	for (int iter = 0; iter < 400; iter++) {
		buf_reset(&md);
		size_t n = (size_t)(rand_r(&seed) % 600);
		for (size_t i = 0; i < n; i++) {
			unsigned r = (unsigned)rand_r(&seed);
			char c = (char)(iter % 2 ? (int)(r & 0xFF)
			                         : alphabet[r % (sizeof(alphabet) - 1)]);
			buf_putc(&md, c);
		}
		buf_reset(&out);
		buf_reset(&s.log);
		struct render_opts opts = {.resolve = resolver, .arg = &s};
		struct render_info info;
		int rc = render_markdown(buf_slice(&md), &opts, &out, &info);
		if (rc != 0)
			CHECK_FAIL_("iteration %d: rc=%d", iter, rc);
		render_info_fini(&info);
		CHECK_INT_EQ(render_scan_links(buf_slice(&md), scanner, &s), 0);
	}
	buf_fini(&md);
	buf_fini(&out);
	buf_fini(&s.log);
}

static const struct test tests[] = {
        {"resolver_sees_each_link", t_resolver_sees_each_link},
        {"scan_matches_render", t_scan_matches_render},
        {"first_h1", t_first_h1},
        {"line_breaks", t_line_breaks},
        {"odd_bytes", t_odd_bytes},
        {"embed_stand_in_never_leaks", t_embed_stand_in_never_leaks},
        {"footnote_links", t_footnote_links},
        {"footnote_mark_never_leaks", t_footnote_mark_never_leaks},
        {"resolver_nomem_fails", t_resolver_nomem_fails},
        {"output_limit", t_output_limit},
        {"no_overread", t_no_overread},
        {"md4c_unbalanced_spans", t_md4c_unbalanced_spans},
        {"random_input", t_random_input},
};

TEST_MAIN(tests)
