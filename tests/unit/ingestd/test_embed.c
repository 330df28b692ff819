/*
 * test_embed.c: the part of a note an embed shows (embed_section: whole note, heading
 * sections, nested headings, blocks by id) and ids dropped from embedded HTML.
 */
#include "ingestd/embed.h"

#include <string.h>

#include "tests/harness.h"

static const char doc[] = "Intro line.\n"
                          "\n"
                          "# Top\n"
                          "top text\n"
                          "## Sub One\n"
                          "one text\n"
                          "### Deep\n"
                          "deep text\n"
                          "## Sub Two\n"
                          "two text\n"
                          "```\n"
                          "# not a heading\n"
                          "```\n"
                          "# Second\n"
                          "second text ^para-id\n"
                          "\n"
                          "- item a\n"
                          "- item b ^item-id\n"
                          "- item c\n"
                          "\n"
                          "> quoted\n"
                          "> lines\n"
                          "\n"
                          "^quote-id\n"
                          "\n"
                          "| a | b |\n"
                          "|---|---|\n"
                          "| 1 | 2 |\n"
                          "^table-id\n";

/* The section frag names, as a C string ("(none)" when embed_section says no). */
static const char *
section(const char *frag)
{
	static char out[1024];
	struct slice s;
	if (!embed_section(slice_str(doc), slice_str(frag), &s)) {
		return "(none)";
	}
	snprintf(out, sizeof(out), "%.*s", (int)s.len, (const char *)s.ptr);
	return out;
}

static void
t_headings(void)
{
	CHECK_STR_EQ(section(""), doc);
	CHECK_STR_EQ(section("Sub One"), "## Sub One\none text\n### Deep\ndeep text\n");
	CHECK_STR_EQ(section("sub-one"), "## Sub One\none text\n### Deep\ndeep text\n");
	CHECK_STR_EQ(section("Deep"), "### Deep\ndeep text\n");
	/* A heading in a code fence does not end the section. */
	CHECK_STR_EQ(section("Sub Two"), "## Sub Two\ntwo text\n```\n# not a heading\n```\n");
	CHECK_STR_EQ(section("Top#Sub Two"), "## Sub Two\ntwo text\n```\n# not a heading\n```\n");
	CHECK_STR_EQ(section("Top#Sub One#Deep"), "### Deep\ndeep text\n");
	/* Nested names walk down: Deep is not under Second. */
	CHECK_STR_EQ(section("Second#Deep"), "(none)");
	CHECK_STR_EQ(section("not a heading"), "(none)");
	CHECK_STR_EQ(section("Missing"), "(none)");
}

static void
t_blocks(void)
{
	CHECK_STR_EQ(section("^para-id"), "second text ^para-id\n");
	CHECK_STR_EQ(section("^item-id"), "- item b ^item-id\n");
	CHECK_STR_EQ(section("^quote-id"), "> quoted\n> lines\n");
	CHECK_STR_EQ(section("^table-id"), "| a | b |\n|---|---|\n| 1 | 2 |\n");
	CHECK_STR_EQ(section("^missing"), "(none)");
	CHECK_STR_EQ(section("^para"), "(none)"); /* ids match whole */
	struct slice s;
	CHECK(embed_section(slice_str("para one\nstill one ^p1\n\nnext\n"), slice_str("^p1"), &s));
	CHECK(slice_eq_str(s, "para one\nstill one ^p1\n"));
	CHECK(embed_section(slice_str("- a\n  more of a\n- b ^b1\n  - child\n"), slice_str("^b1"),
	                    &s));
	CHECK(slice_eq_str(s, "- b ^b1\n"));
	CHECK(embed_section(slice_str("- a\n    - nested ^n1\n- c\n"), slice_str("^n1"), &s));
	CHECK(slice_eq_str(s, "- nested ^n1\n"));
}

static void
t_drop_ids(void)
{
	struct buf b;
	buf_init(&b, 0);
	buf_puts(&b, "<h1 id=\"keep\">x</h1>");
	size_t from = b.len;
	buf_puts(&b, "<h2 id=\"top\">Top</h2>\n<p id='p1' class=\"c\">text id=\"not\" here</p>"
	             "<a title=\"a id=&quot;x\" href=\"#y\">l</a>");
	embed_drop_ids(&b, from);
	CHECK_STR_EQ(buf_cstr(&b),
	             "<h1 id=\"keep\">x</h1><h2>Top</h2>\n<p class=\"c\">text "
	             "id=\"not\" here</p><a title=\"a id=&quot;x\" href=\"#y\">l</a>");
	buf_fini(&b);
}

static const struct test tests[] = {
        {"headings", t_headings},
        {"blocks", t_blocks},
        {"drop_ids", t_drop_ids},
};

TEST_MAIN(tests)
