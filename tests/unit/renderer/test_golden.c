/*
 * test_golden.c: runs every golden file in tests/render (*.txt) through render_markdown and
 * compares byte for byte. Format (also described at the top of each file):
 *
 *   ```````````````````````````````` example [strict] [noresolve]
 *   markdown
 *   .
 *   expected HTML
 *   ````````````````````````````````
 *
 * The fences are 32 backticks. "→" stands for a tab on both sides. Text outside examples is
 * commentary. Options: "strict" renders with strict_line_breaks; "noresolve" renders with no
 * resolver (wikilinks then get slug URLs). Otherwise links go through the test vault below.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "renderer/render.h"
#include "renderer/slug.h"
#include "shared/buf.h"
#include "shared/err.h"
#include "tests/harness.h"
#include "tests/unit/renderer/examples.h"

#define GOLDEN_DIR "tests/render"

/*
 * The test vault: these targets resolve (case-insensitively, ".md" ignored); anything else
 * is ERR_NOTFOUND. Notes get slug URLs plus "#" and the slug of the fragment's last
 * heading (a "^block-id" as written); files get "/files/", their path and the fragment as
 * written.
 */
static const char *const vault_notes[] = {
        "Note",
        "Other Note",
        "Folder/Deep Note",
        "Ünïcode Note",
};
static const char *const vault_files[] = {
        "pic.png", "photos/cat.jpg", "song.mp3", "clip.mp4", "paper.pdf", "send.svg",
};

static bool
in_list(struct slice t, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (slice_case_eq_str(t, list[i]))
			return true;
	return false;
}

static int
vault_resolve(void *arg, const struct render_link *l, struct buf *url)
{
	(void)arg;
	struct slice t = l->target;
	if (t.len > 3 && slice_case_eq_str((struct slice){t.ptr + t.len - 3, 3}, ".md"))
		t.len -= 3;
	struct buf tmp;
	buf_init(&tmp, 0);
	if (t.len == 0) {
		// "[[#Heading]]": a link within the note itself
	} else if (in_list(t, vault_notes, sizeof(vault_notes) / sizeof(vault_notes[0]))) {
		slug_note_url(t, &tmp);
		slug_href(buf_slice(&tmp), url);
	} else if (in_list(t, vault_files, sizeof(vault_files) / sizeof(vault_files[0]))) {
		buf_puts(url, "/files/");
		slug_href(t, url);
		if (l->frag.len) { // a file's fragment is kept as written, as ingestd does
			buf_putc(url, '#');
			buf_put_slice(url, l->frag);
		}
		buf_fini(&tmp);
		return 0;
	} else {
		buf_fini(&tmp);
		return ERR_NOTFOUND;
	}
	if (l->frag.len) { // the last of nested headings; a block id as written (as ingestd)
		size_t last = l->frag.len;
		while (last > 0 && l->frag.ptr[last - 1] != '#')
			last--;
		struct slice part = {l->frag.ptr + last, l->frag.len - last};
		buf_reset(&tmp);
		if (part.len && part.ptr[0] == '^')
			buf_put_slice(&tmp, part);
		else
			slug_segment(part, &tmp);
		buf_putc(url, '#');
		buf_put_slice(url, buf_slice(&tmp));
	}
	buf_fini(&tmp);
	return 0;
}

/*
 * Note embeds in the test vault: "Note" and "Other Note" have content (Other Note embeds
 * Note, to show embeds nest); any other note cannot be embedded (ERR_NOTFOUND), and stays
 * an "internal embed" link. The fragment is shown, not cut: cutting is ingestd's.
 */
static int
vault_embed(void *arg, const struct render_link *l, struct buf *out, struct buf *title)
{
	struct slice t = l->target;
	if (t.len > 3 && slice_case_eq_str((struct slice){t.ptr + t.len - 3, 3}, ".md"))
		t.len -= 3;
	const char *md;
	if (slice_case_eq_str(t, "Note"))
		md = "Content of **Note**.";
	else if (slice_case_eq_str(t, "Other Note"))
		md = "Before\n\n![[Note]]";
	else
		return ERR_NOTFOUND;
	buf_put_slice(title, t);
	if (l->frag.len) {
		buf_puts(title, " > ");
		buf_put_slice(title, l->frag);
	}
	struct render_opts o = {.resolve = vault_resolve, .arg = arg, .embed = vault_embed};
	return render_markdown(slice_str(md), &o, out, NULL);
}

/* Runs one file; returns the number of examples, adding failures to the running test. */
static int
run_file(const char *path)
{
	static const char fence[] = "````````````````````````````````";
	const size_t fl = sizeof(fence) - 1;
	size_t len;
	char *text = read_all(path, &len);
	if (!text) {
		CHECK_FAIL_("cannot read %s", path);
		return 0;
	}
	struct buf md, want, got;
	buf_init(&md, 0);
	buf_init(&want, 0);
	buf_init(&got, 0);
	int n = 0, lineno = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *line = p;
		size_t ll = (size_t)(eol - p);
		p = nl ? nl + 1 : end;
		lineno++;
		if (!(ll >= fl + 8 && memcmp(line, fence, fl) == 0 &&
		      memcmp(line + fl, " example", 8) == 0))
			continue;
		int start_line = lineno;
		struct slice optstr = {(const uint8_t *)line + fl + 8, ll - fl - 8};
		bool strict = memmem(optstr.ptr, optstr.len, "strict", 6) != NULL;
		bool noresolve = memmem(optstr.ptr, optstr.len, "noresolve", 9) != NULL;
		buf_reset(&md);
		buf_reset(&want);
		struct buf *cur = &md;
		bool closed = false;
		while (p < end) {
			nl = memchr(p, '\n', (size_t)(end - p));
			eol = nl ? nl : end;
			line = p;
			ll = (size_t)(eol - p);
			p = nl ? nl + 1 : end;
			lineno++;
			if (ll == fl && memcmp(line, fence, fl) == 0) {
				closed = true;
				break;
			}
			if (cur == &md && ll == 1 && line[0] == '.') {
				cur = &want;
				continue;
			}
			put_tabs(cur, line, ll);
			buf_putc(cur, '\n');
		}
		n++;
		if (!closed || cur != &want) {
			CHECK_FAIL_("%s:%d: example is not closed or has no '.' line", path,
			            start_line);
			break;
		}
		struct render_opts opts = {.strict_line_breaks = strict,
		                           .resolve = noresolve ? NULL : vault_resolve,
		                           .embed = noresolve ? NULL : vault_embed};
		buf_reset(&got);
		int rc = render_markdown(buf_slice(&md), &opts, &got, NULL);
		if (rc != 0 || !slice_eq(buf_slice(&got), buf_slice(&want)))
			CHECK_FAIL_(
			        "%s:%d: rc=%d\n--- markdown\n%.*s--- want\n%.*s--- got\n%.*s---",
			        path, start_line, rc, (int)md.len, (const char *)md.ptr,
			        (int)want.len, (const char *)want.ptr, (int)got.len,
			        (const char *)got.ptr);
	}
	buf_fini(&md);
	buf_fini(&want);
	buf_fini(&got);
	free(text);
	return n;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
t_golden_files(void)
{
	DIR *d = opendir(GOLDEN_DIR);
	if (!d) {
		CHECK_FAIL_("cannot open %s (tests run from the repo root)", GOLDEN_DIR);
		return;
	}
	char *names[256];
	size_t nn = 0;
	struct dirent *e;
	while ((e = readdir(d)) && nn < sizeof(names) / sizeof(names[0])) {
		size_t l = strlen(e->d_name);
		if (l > 4 && strcmp(e->d_name + l - 4, ".txt") == 0)
			names[nn++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, nn, sizeof(names[0]), cmp_names);
	int total = 0;
	for (size_t i = 0; i < nn; i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", GOLDEN_DIR, names[i]);
		int before = test_failures_;
		int n = run_file(path);
		printf("    %s: %d examples, %d failed\n", path, n, test_failures_ - before);
		total += n;
		free(names[i]);
	}
	CHECK(nn >= 5);
	CHECK(total >= 100);
}

static const struct test tests[] = {
        {"golden_files", t_golden_files},
};

TEST_MAIN(tests)
