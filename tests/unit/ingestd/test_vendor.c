/*
 * test_vendor.c: the served browser libraries. KaTeX from a folder (CSS, script, fonts
 * beside the CSS) under one content-hashed prefix; Mermaid from one file; a missing
 * library is off, never an error.
 */
#include "ingestd/vendor.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "shared/log.h"
#include "tests/harness.h"

static void
put(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		CHECK_FAIL_("cannot write %s", path);
		return;
	}
	fputs(text, f);
	fclose(f);
}

static void
rm_rf(const char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "could not remove %s\n", dir);
	}
}

static bool
starts_with(const char *s, const char *prefix)
{
	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

static void
t_katex(void)
{
	char dir[] = "/tmp/folio-vendor-XXXXXX", fonts[600];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(fonts, sizeof(fonts), "%s/fonts", dir);
	mkdir(fonts, 0755);
	put(dir, "katex.min.css", "@font-face{src:url(fonts/A.woff2)}");
	put(dir, "katex.min.js", "var katex={};");
	put(fonts, "A.woff2", "font");
	put(fonts, "README", "not a font");

	struct vendor *v = vendor_load(dir, NULL);
	const char *css = vendor_katex_css(v), *js = vendor_katex_js(v);
	CHECK(starts_with(css, "/_folio/vendor/katex."));
	CHECK_INT_EQ(strlen(css), strlen("/_folio/vendor/katex.") + 12 + strlen("/katex.min.css"));
	CHECK(starts_with(js, "/_folio/vendor/katex."));
	CHECK(vendor_mermaid_js(v) == NULL);
	CHECK_INT_EQ(vendor_count(v), 3); // CSS, script, one font
	// The font sits where the stylesheet's relative URL points.
	char font[200];
	snprintf(font, sizeof(font), "%.*sfonts/A.woff2", (int)(strlen(css) - 13), css);
	const struct vendor_file *f = vendor_get(v, font);
	CHECK(f != NULL);
	if (f) {
		CHECK_STR_EQ(f->type, "font/woff2");
		CHECK(slice_eq_str(f->body, "font"));
	}
	f = vendor_get(v, css);
	CHECK(f && strncmp(f->type, "text/css", 8) == 0);
	CHECK(vendor_get(v, "/_folio/vendor/nothing") == NULL);
	CHECK(vendor_get(v, "/elsewhere") == NULL);
	char first[200];
	snprintf(first, sizeof(first), "%s", css);
	vendor_free(v);

	// Any changed file gives every file a new URL.
	put(fonts, "A.woff2", "font 2");
	v = vendor_load(dir, NULL);
	CHECK(vendor_katex_css(v) && strcmp(vendor_katex_css(v), first) != 0);
	vendor_free(v);

	// Without the script, KaTeX is off.
	char js_path[600];
	snprintf(js_path, sizeof(js_path), "%s/katex.min.js", dir);
	unlink(js_path);
	v = vendor_load(dir, NULL);
	CHECK(vendor_katex_css(v) == NULL);
	CHECK_INT_EQ(vendor_count(v), 0);
	vendor_free(v);
	rm_rf(dir);
}

static void
t_mermaid_and_missing(void)
{
	char dir[] = "/tmp/folio-vendor-XXXXXX", path[600];
	CHECK(mkdtemp(dir) != NULL);
	put(dir, "mermaid.min.js", "globalThis.mermaid={};");
	snprintf(path, sizeof(path), "%s/mermaid.min.js", dir);
	struct vendor *v = vendor_load("/nonexistent/katex", path);
	CHECK(vendor_katex_css(v) == NULL);
	const char *m = vendor_mermaid_js(v);
	CHECK(starts_with(m, "/_folio/vendor/mermaid."));
	CHECK(m && strcmp(m + strlen(m) - 7, ".min.js") == 0);
	CHECK(vendor_get(v, m) && slice_eq_str(vendor_get(v, m)->body, "globalThis.mermaid={};"));
	vendor_free(v);

	v = vendor_load(NULL, "");
	CHECK_INT_EQ(vendor_count(v), 0);
	vendor_free(v);
	vendor_free(NULL);
	rm_rf(dir);
}

static const struct test tests[] = {
        {"katex", t_katex},
        {"mermaid_and_missing", t_mermaid_and_missing},
};

TEST_MAIN(tests)
