/*
 * test_pathological.c: inputs built to make a markdown renderer slow or deep (nesting,
 * unclosed openers, long delimiter runs). Each must render and produce output within a time
 * budget that is generous enough for sanitizer builds; a quadratic blow-up misses it by far.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "renderer/frontmatter.h"
#include "renderer/render.h"
#include "shared/err.h"
#include "tests/harness.h"

#define BUDGET_SECS 5.0

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
repeat(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_puts(b, s);
}

static int
resolve_all(void *arg, const struct render_link *l, struct buf *url)
{
	(void)arg;
	buf_puts(url, "/x/");
	buf_put_slice(url, l->target);
	return 0;
}

static void
scan_nothing(void *arg, const struct render_link *l)
{
	(void)l;
	(*(size_t *)arg)++;
}

/* Renders and scans md; checks success, some output and the time taken. */
static void
run(const char *name, struct buf *md)
{
	struct buf out;
	buf_init(&out, 0);
	struct render_opts opts = {.resolve = resolve_all};
	struct render_info info;
	double t0 = now();
	int rc = render_markdown(buf_slice(md), &opts, &out, &info);
	size_t nscan = 0;
	int src = render_scan_links(buf_slice(md), scan_nothing, &nscan);
	double secs = now() - t0;
	if (rc != 0 || src != 0 || out.len == 0)
		CHECK_FAIL_("%s: rc=%d scan=%d out=%zu", name, rc, src, out.len);
	if (secs > BUDGET_SECS)
		CHECK_FAIL_("%s: %.2fs, budget %.1fs", name, secs, BUDGET_SECS);
	printf("    %-24s %8zu bytes in, %8zu out, %.3fs\n", name, md->len, out.len, secs);
	render_info_fini(&info);
	buf_fini(&out);
	buf_reset(md);
}

static void
t_nesting(void)
{
	struct buf md;
	buf_init(&md, 0);
	repeat(&md, ">", 10000);
	buf_puts(&md, " deep");
	run("quotes 10k", &md);
	repeat(&md, "> [!note] t\n", 1);
	for (int i = 1; i < 2000; i++) {
		repeat(&md, ">", (size_t)i);
		buf_puts(&md, " [!tip] x\n");
	}
	run("nested callouts 2k", &md);
	for (int i = 0; i < 1000; i++) {
		repeat(&md, "  ", (size_t)i);
		buf_puts(&md, "- [ ] item\n");
	}
	run("nested task lists 1k", &md);
	repeat(&md, "* ", 10000);
	buf_puts(&md, "x");
	run("list markers 10k", &md);
	buf_fini(&md);
}

static void
t_openers(void)
{
	struct buf md;
	buf_init(&md, 0);
	repeat(&md, "[", 50000);
	run("[ x50k", &md);
	repeat(&md, "[[", 50000);
	run("[[ x50k", &md);
	repeat(&md, "![[", 50000);
	run("![[ x50k", &md);
	repeat(&md, "![[a]]", 20000);
	run("![[a]] x20k", &md);
	repeat(&md, "[[a|b]]", 20000);
	run("[[a|b]] x20k", &md);
	repeat(&md, "[a](", 50000);
	run("[a]( x50k", &md);
	repeat(&md, "![", 50000);
	run("![ x50k", &md);
	repeat(&md, "<a", 50000);
	run("<a x50k", &md);
	repeat(&md, "`", 50000);
	run("backticks 50k", &md);
	repeat(&md, "$", 50000);
	run("dollars 50k", &md);
	repeat(&md, "$a ", 50000);
	run("$a x50k", &md);
	buf_fini(&md);
}

static void
t_emphasis(void)
{
	struct buf md;
	buf_init(&md, 0);
	repeat(&md, "*a", 50000);
	run("*a x50k", &md);
	repeat(&md, "*a_", 50000);
	run("*a_ x50k", &md);
	repeat(&md, "**a*", 50000);
	run("**a* x50k", &md);
	repeat(&md, "*", 50000);
	buf_puts(&md, "a");
	repeat(&md, "*", 50000);
	run("*x50k a *x50k", &md);
	repeat(&md, "a ~~b ", 50000);
	run("~~ x50k", &md);
	buf_fini(&md);
}

static void
t_many_blocks(void)
{
	struct buf md;
	buf_init(&md, 0);
	repeat(&md, "# Same heading\n", 20000);
	run("same heading x20k", &md);
	repeat(&md, "a|b\n-|-\n", 20000);
	run("tables x20k", &md);
	repeat(&md, "| a |\n|---|\n", 1);
	repeat(&md, "| [[x\\|y]] |\n", 20000);
	run("table rows x20k", &md);
	repeat(&md, "[a]: b\n", 20000);
	buf_puts(&md, "[a]");
	run("link defs x20k", &md);
	// md4c 0.4.8's permissive autolinks are quadratic in the number per paragraph; 5k is
	// far past any real note and still quick.
	repeat(&md, "www.a.com ", 5000);
	run("autolinks x5k", &md);
	buf_fini(&md);
}

static void
t_footnotes(void)
{
	struct buf md;
	buf_init(&md, 0);
	repeat(&md, "[^", 100000);
	run("[^ x100k", &md);
	repeat(&md, "^[", 100000);
	run("^[ x100k", &md);
	repeat(&md, "^[", 50000);
	repeat(&md, "]", 50000);
	run("^[ nested 50k", &md);
	repeat(&md, "^[a ", 50000);
	repeat(&md, "`", 1);
	repeat(&md, "]", 50000);
	run("^[a x50k, unclosed `", &md);
	for (int i = 1; i < 300; i++) { // runs of every length, none closed: skip_code's memo
		buf_puts(&md, "^[");
		repeat(&md, "`", (size_t)i);
		buf_puts(&md, " ");
	}
	run("backtick runs in ^[", &md);
	repeat(&md, "x[^1] ", 50000);
	buf_puts(&md, "\n\n[^1]: note\n");
	run("[^1] refs x50k", &md);
	for (int i = 0; i < 20000; i++)
		buf_printf(&md, "[^%d] ", i);
	buf_puts(&md, "\n\n");
	for (int i = 0; i < 20000; i++)
		buf_printf(&md, "[^%d]: note %d [^%d]\n", i, i, (i + 1) % 20000);
	run("defs x20k, chained", &md);
	buf_puts(&md, "x[^a]\n\n");
	repeat(&md, "[^a]: x\n", 50000);
	run("same def x50k", &md);
	buf_puts(&md, "x[^a]\n\n[^a]: x\n");
	repeat(&md, "    y\n\n", 50000);
	run("def body 50k lines", &md);
	buf_fini(&md);
}

static void
t_frontmatter(void)
{
	struct buf md;
	buf_init(&md, 0);
	buf_puts(&md, "---\nx: ");
	repeat(&md, "[", 200000);
	buf_puts(&md, "\n---\nbody\n");
	struct frontmatter fm;
	struct slice body;
	char err[128];
	double t0 = now();
	CHECK_ERR(frontmatter_parse(buf_slice(&md), &fm, &body, err, sizeof(err)), ERR_PROTO);
	CHECK(now() - t0 < BUDGET_SECS);
	CHECK(strstr(err, "line 2") != NULL);
	CHECK_MEM_STR(body.ptr, body.len, "body\n");
	frontmatter_fini(&fm);

	buf_reset(&md);
	buf_puts(&md, "---\ntags:\n");
	for (int i = 0; i < 50000; i++)
		buf_printf(&md, "  - t%d\n", i % 5000);
	buf_puts(&md, "---\n");
	t0 = now();
	CHECK_INT_EQ(frontmatter_parse(buf_slice(&md), &fm, &body, err, sizeof(err)), 0);
	CHECK(now() - t0 < BUDGET_SECS);
	CHECK(fm.ntags > 0 && fm.ntags <= 5000);
	frontmatter_fini(&fm);
	buf_fini(&md);
}

static const struct test tests[] = {
        {"nesting", t_nesting},         {"openers", t_openers},     {"emphasis", t_emphasis},
        {"many_blocks", t_many_blocks}, {"footnotes", t_footnotes}, {"frontmatter", t_frontmatter},
};

TEST_MAIN(tests)
