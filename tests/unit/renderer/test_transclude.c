/*
 * test_transclude.c: the embed callback's contract (render.h): what it is handed, that its
 * errors stop the render or fall back to a link, and that it is never called where a block
 * cannot go or while links are only being scanned. Output shapes are in
 * tests/render/embeds.txt.
 */
#include "renderer/render.h"

#include <string.h>

#include "shared/err.h"
#include "tests/harness.h"

struct seen {
	int calls;
	int rc; /* what the callback answers */
	char target[64], frag[64];
	bool embed;
};

static int
resolve(void *arg, const struct render_link *l, struct buf *url)
{
	(void)arg;
	(void)l;
	buf_puts(url, "/n");
	return 0;
}

static int
embed(void *arg, const struct render_link *l, struct buf *out, struct buf *title)
{
	struct seen *s = arg;
	s->calls++;
	snprintf(s->target, sizeof(s->target), "%.*s", (int)l->target.len,
	         (const char *)l->target.ptr);
	snprintf(s->frag, sizeof(s->frag), "%.*s", (int)l->frag.len, (const char *)l->frag.ptr);
	s->embed = l->embed;
	if (s->rc == 0) {
		buf_puts(out, "<p>X</p>");
		buf_puts(title, "T<&>");
	}
	return s->rc;
}

static int
run(const char *md, struct seen *s, struct buf *out)
{
	struct render_opts o = {.resolve = resolve, .arg = s, .embed = embed};
	buf_reset(out);
	return render_markdown(slice_str(md), &o, out, NULL);
}

static void
t_arguments(void)
{
	struct seen s = {0};
	struct buf out;
	buf_init(&out, 0);
	CHECK_INT_EQ(run("![[Some Note#H1#H2|shown]]", &s, &out), 0);
	CHECK_INT_EQ(s.calls, 1);
	CHECK_STR_EQ(s.target, "Some Note");
	CHECK_STR_EQ(s.frag, "H1#H2");
	CHECK(s.embed);
	CHECK_STR_EQ(buf_cstr(&out),
	             "<div class=\"markdown-embed\" data-embed=\"Some Note#H1#H2\">\n"
	             "<a class=\"markdown-embed-link\" href=\"/n\">T&lt;&amp;&gt;</a>\n"
	             "<p>X</p>\n</div>\n");
	buf_fini(&out);
}

static void
t_errors(void)
{
	struct seen s = {.rc = ERR_NOTFOUND};
	struct buf out;
	buf_init(&out, 0);
	CHECK_INT_EQ(run("![[N]]", &s, &out), 0);
	CHECK_STR_EQ(buf_cstr(&out), "<p><a class=\"internal embed\" href=\"/n\">N</a></p>\n");
	s = (struct seen){.rc = ERR_NOMEM};
	CHECK_ERR(run("![[N]]", &s, &out), ERR_NOMEM);
	buf_fini(&out);
}

static void
scan_fn(void *arg, const struct render_link *l)
{
	int *n = arg;
	*n += l->embed;
}

static void
t_not_called(void)
{
	struct seen s = {0};
	struct buf out;
	buf_init(&out, 0);
	/* Plain links, media, headings, table cells, emphasis: no call. */
	CHECK_INT_EQ(run("[[N]] ![[a.png]]\n\n# H ![[N]]\n\n| a |\n|---|\n| ![[N]] |\n\n**![[N]]**",
	                 &s, &out),
	             0);
	CHECK_INT_EQ(s.calls, 0);
	/* Scanning reports the embeds (markdown ones to notes included) and renders nothing. */
	int embeds = 0;
	CHECK_INT_EQ(render_scan_links(slice_str("![[N]] [[M]] ![](Other%20Note.md) ![](a.png)"),
	                               scan_fn, &embeds),
	             0);
	CHECK_INT_EQ(embeds, 2);
	buf_fini(&out);
}

static const struct test tests[] = {
        {"arguments", t_arguments},
        {"errors", t_errors},
        {"not_called", t_not_called},
};

TEST_MAIN(tests)
