/*
 * test_spec.c: CommonMark conformance. Renders every example of the CommonMark spec (0.31.2)
 * with strict line breaks and no resolver, and requires at least SPEC_MIN_PASS of them to
 * match. folio's extensions (tables, strikethrough, task lists, permissive autolinks, math,
 * wikilinks) legitimately change a few examples; those failures are listed, not hidden.
 *
 * The spec is looked for at $FOLIO_SPEC, then ../shared/testdata/commonmark-spec-0.31.2.txt
 * (relative to the repo root, where tests run). Without it this suite runs no tests.
 *
 * Comparison: the spec writes void elements XHTML-style ("<br />"), folio writes HTML5
 * ("<br>"), so " />" becomes ">" on both sides; in folio's output, heading ids and
 * rel="noopener" on external links are removed, as the spec has neither.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "renderer/render.h"
#include "shared/buf.h"
#include "tests/harness.h"
#include "tests/unit/renderer/examples.h"

/*
 * Measured: 643 of 655 pass. The others, by number:
 *   64               "#hashtag" is an Obsidian tag
 *   522 550 561 592  "[[...]]" is a wikilink in folio (and "![[" an embed)
 *   610 613 614      bare URLs and e-mail addresses become links (permissive autolinks)
 *   173 356 627 628  rules new in spec 0.31 that md4c 0.4.8 (spec 0.30) does not know yet:
 *                    <textarea> HTML blocks, symbols as punctuation, HTML comment forms
 */
#define SPEC_MIN_PASS 643

static const char *spec_paths[] = {
        "../shared/testdata/commonmark-spec-0.31.2.txt",
        "shared/testdata/commonmark-spec-0.31.2.txt",
};

/* Removes every occurrence of pat, and of pat-prefixed attributes up to the closing quote. */
static void
strip_attr(struct buf *b, const char *pat)
{
	size_t plen = strlen(pat), w = 0;
	for (size_t i = 0; i < b->len;) {
		if (i + plen <= b->len && memcmp(b->ptr + i, pat, plen) == 0) {
			size_t j = i + plen;
			while (j < b->len && b->ptr[j] != '"')
				j++;
			i = j + 1;
			continue;
		}
		b->ptr[w++] = b->ptr[i++];
	}
	b->len = w;
}

/* "<hN id="x">" -> "<hN>". */
static void
strip_heading_ids(struct buf *b)
{
	size_t w = 0;
	for (size_t i = 0; i < b->len;) {
		if (i + 8 <= b->len && b->ptr[i] == '<' && b->ptr[i + 1] == 'h' &&
		    b->ptr[i + 2] >= '1' && b->ptr[i + 2] <= '6' &&
		    memcmp(b->ptr + i + 3, " id=\"", 5) == 0) {
			memmove(b->ptr + w, b->ptr + i, 3);
			w += 3;
			i += 8;
			while (i < b->len && b->ptr[i] != '"')
				i++;
			i++;
			continue;
		}
		b->ptr[w++] = b->ptr[i++];
	}
	b->len = w;
}

static void
replace_all(struct buf *b, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), w = 0;
	for (size_t i = 0; i < b->len;) {
		if (i + fl <= b->len && memcmp(b->ptr + i, from, fl) == 0) {
			memcpy(b->ptr + w, to, tl); // tl <= fl: in place is safe
			w += tl;
			i += fl;
			continue;
		}
		b->ptr[w++] = b->ptr[i++];
	}
	b->len = w;
}

static int
run_spec(const char *spec, size_t len, int *total)
{
	static const char fence[] = "````````````````````````````````";
	struct buf md, want, got, failed;
	buf_init(&md, 0);
	buf_init(&want, 0);
	buf_init(&got, 0);
	buf_init(&failed, 0);
	int pass = 0, n = 0;
	const char *p = spec, *end = spec + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		bool start = (size_t)(eol - p) >= sizeof(fence) - 1 + 8 &&
		             memcmp(p, fence, sizeof(fence) - 1) == 0 &&
		             memcmp(p + sizeof(fence) - 1, " example", 8) == 0;
		p = nl ? nl + 1 : end;
		if (!start)
			continue;
		buf_reset(&md);
		buf_reset(&want);
		struct buf *cur = &md;
		while (p < end) {
			nl = memchr(p, '\n', (size_t)(end - p));
			eol = nl ? nl : end;
			size_t ll = (size_t)(eol - p);
			const char *line = p;
			p = nl ? nl + 1 : end;
			if (ll == sizeof(fence) - 1 && memcmp(line, fence, ll) == 0)
				break;
			if (cur == &md && ll == 1 && line[0] == '.') {
				cur = &want;
				continue;
			}
			put_tabs(cur, line, ll);
			buf_putc(cur, '\n');
		}
		n++;
		replace_all(&want, " />", ">");
		buf_reset(&got);
		struct render_opts opts = {.strict_line_breaks = true};
		int rc = render_markdown(buf_slice(&md), &opts, &got, NULL);
		strip_heading_ids(&got);
		strip_attr(&got, " rel=\"noopener");
		replace_all(&got, " />", ">"); // raw HTML in the examples gets the same treatment
		if (rc == 0 && slice_eq(buf_slice(&got), buf_slice(&want))) {
			pass++;
		} else {
			buf_printf(&failed, " %d", n);
			if (getenv("FOLIO_SPEC_VERBOSE"))
				printf("--- example %d\n%.*s--- want\n%.*s--- got\n%.*s", n,
				       (int)md.len, (const char *)md.ptr, (int)want.len,
				       (const char *)want.ptr, (int)got.len, (const char *)got.ptr);
		}
	}
	printf("    commonmark spec: %d/%d examples pass (minimum %d)\n", pass, n, SPEC_MIN_PASS);
	if (failed.len)
		printf("    differing examples:%.*s\n", (int)failed.len, (const char *)failed.ptr);
	buf_fini(&md);
	buf_fini(&want);
	buf_fini(&got);
	buf_fini(&failed);
	*total = n;
	return pass;
}

static char *spec_text;
static size_t spec_len;

static void
t_spec_conformance(void)
{
	int total = 0;
	int pass = run_spec(spec_text, spec_len, &total);
	CHECK(total >= 650);
	CHECK(pass >= SPEC_MIN_PASS);
}

/* Rendering the whole spec document as one note must be fast (it is 200 KB of markdown). */
static void
t_spec_as_one_note(void)
{
	struct buf out;
	buf_init(&out, 0);
	struct render_info info;
	clock_t t0 = clock();
	int rc = render_markdown((struct slice){(const uint8_t *)spec_text, spec_len}, NULL, &out,
	                         &info);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	CHECK_INT_EQ(rc, 0);
	CHECK(out.len > spec_len / 2);
	CHECK(secs < 2.0);
	render_info_fini(&info);
	buf_fini(&out);
}

static const struct test tests[] = {
        {"spec_conformance", t_spec_conformance},
        {"spec_as_one_note", t_spec_as_one_note},
};

int test_failures_;

int
main(int argc, char **argv)
{
	const char *env = getenv("FOLIO_SPEC");
	if (env && *env)
		spec_text = read_all(env, &spec_len);
	for (size_t i = 0; !spec_text && i < sizeof(spec_paths) / sizeof(spec_paths[0]); i++)
		spec_text = read_all(spec_paths[i], &spec_len);
	if (!spec_text) {
		printf("note: CommonMark spec not found (set FOLIO_SPEC); no spec tests run\n");
		printf("0 passed, 0 failed\n");
		return 0;
	}
	int passed = 0, failed = 0;
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		test_failures_ = 0;
		tests[i].fn();
		printf("%s %s\n", test_failures_ ? "FAIL" : "ok  ", tests[i].name);
		if (test_failures_)
			failed++;
		else
			passed++;
	}
	free(spec_text);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
