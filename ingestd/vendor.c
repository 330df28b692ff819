/*
 * vendor.c: the served browser libraries (contract in vendor.h). Everything is read at
 * start-up, before the build signature is computed, so a different KaTeX or Mermaid gives
 * new URLs and rebuilds the pages that link them.
 */
#include "ingestd/vendor.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingestd/mime.h"
#include "shared/defs.h"
#include "shared/log.h"
#include "shared/sha256.h"

#define VENDOR_MAX_FILE (16u << 20) /* a library file larger than this is refused */

struct vendor {
	struct vendor_file *files;
	size_t n;
	long katex_css, katex_js, mermaid; /* indexes into files, -1 when off */
};

/* Reads a whole regular file into a heap slice; false if it cannot be read. */
static bool
read_file(const char *path, struct slice *out)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		return false;
	}
	uint8_t *p = NULL;
	size_t len = 0, cap = 0;
	bool ok = true;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > VENDOR_MAX_FILE) {
				ok = false;
				break;
			}
			p = xrealloc(p, cap);
		}
		size_t got = fread(p + len, 1, cap - len, f);
		len += got;
		if (got == 0) {
			ok = !ferror(f);
			break;
		}
	}
	fclose(f);
	if (!ok || len == 0) {
		free(p);
		return false;
	}
	*out = (struct slice){p, len};
	return true;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
is_font(const char *name)
{
	const char *dot = strrchr(name, '.');
	return name[0] != '.' && dot &&
	       (strcmp(dot, ".woff2") == 0 || strcmp(dot, ".woff") == 0 ||
	        strcmp(dot, ".ttf") == 0);
}

/* A library being read: its files' names under the library root, and their bytes. */
struct lib {
	char **names;
	struct slice *bodies;
	size_t n;
};

static void
lib_add(struct lib *l, const char *name, struct slice body)
{
	l->names = xrealloc(l->names, (l->n + 1) * sizeof(*l->names));
	l->bodies = xrealloc(l->bodies, (l->n + 1) * sizeof(*l->bodies));
	l->names[l->n] = xstrdup(name);
	l->bodies[l->n] = body;
	l->n++;
}

static void
lib_fini(struct lib *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->names[i]);
		free((void *)(uintptr_t)l->bodies[i].ptr);
	}
	free(l->names);
	free(l->bodies);
}

/* Reads dir/first, else dir/second, as name into l. */
static bool
lib_read(struct lib *l, const char *dir, const char *first, const char *second, const char *name)
{
	char path[4096];
	struct slice body;
	snprintf(path, sizeof(path), "%s/%s", dir, first);
	if (!read_file(path, &body)) {
		snprintf(path, sizeof(path), "%s/%s", dir, second);
		if (!read_file(path, &body)) {
			return false;
		}
	}
	lib_add(l, name, body);
	return true;
}

/* Moves l's files into v under prefix + 12 hex of their digest + "/" or suffix. */
static void
lib_publish(struct vendor *v, struct lib *l, const char *prefix, const char *sep)
{
	struct sha256 h;
	uint8_t d[SHA256_LEN];
	sha256_init(&h);
	for (size_t i = 0; i < l->n; i++) {
		sha256_update(&h, l->names[i], strlen(l->names[i]) + 1);
		sha256_update(&h, l->bodies[i].ptr, l->bodies[i].len);
	}
	sha256_final(&h, d);
	v->files = xrealloc(v->files, (v->n + l->n) * sizeof(*v->files));
	for (size_t i = 0; i < l->n; i++) {
		char url[512];
		snprintf(url, sizeof(url), "%s%02x%02x%02x%02x%02x%02x%s%s", prefix, d[0], d[1],
		         d[2], d[3], d[4], d[5], sep, l->names[i]);
		v->files[v->n++] = (struct vendor_file){
		        .url = xstrdup(url),
		        .type = mime_type(l->names[i]),
		        .body = l->bodies[i],
		};
		l->bodies[i] = (struct slice){NULL, 0};
	}
}

static void
load_katex(struct vendor *v, const char *dir)
{
	struct lib l = {0};
	if (!lib_read(&l, dir, "katex.min.css", "katex.css", "katex.min.css") ||
	    !lib_read(&l, dir, "katex.min.js", "katex.js", "katex.min.js")) {
		log_info("vendor.katex",
		         "dir=\"%s\" state=off reason=\"no katex.min.css and "
		         "katex.min.js there\"",
		         dir);
		lib_fini(&l);
		return;
	}
	char fonts[4096];
	snprintf(fonts, sizeof(fonts), "%s/fonts", dir);
	DIR *d = opendir(fonts);
	char **names = NULL;
	size_t nn = 0;
	for (struct dirent *de; d && (de = readdir(d));) {
		if (is_font(de->d_name)) {
			names = xrealloc(names, (nn + 1) * sizeof(*names));
			names[nn++] = xstrdup(de->d_name);
		}
	}
	if (d) {
		closedir(d);
	}
	qsort(names, nn, sizeof(*names), name_cmp);
	size_t nfonts = 0;
	for (size_t i = 0; i < nn; i++) {
		char path[4400], name[300];
		struct slice body;
		snprintf(path, sizeof(path), "%s/%s", fonts, names[i]);
		snprintf(name, sizeof(name), "fonts/%s", names[i]);
		if (read_file(path, &body)) {
			lib_add(&l, name, body);
			nfonts++;
		}
		free(names[i]);
	}
	free(names);
	size_t base = v->n;
	lib_publish(v, &l, "/_folio/vendor/katex.", "/");
	v->katex_css = (long)base;
	v->katex_js = (long)base + 1;
	log_info("vendor.katex", "dir=\"%s\" state=on fonts=%zu url=\"%s\"", dir, nfonts,
	         v->files[base].url);
	lib_fini(&l);
}

static void
load_mermaid(struct vendor *v, const char *path)
{
	struct lib l = {0};
	struct slice body;
	if (!read_file(path, &body)) {
		log_info("vendor.mermaid", "path=\"%s\" state=off reason=\"cannot read it\"", path);
		return;
	}
	lib_add(&l, ".min.js", body);
	v->mermaid = (long)v->n;
	lib_publish(v, &l, "/_folio/vendor/mermaid.", "");
	log_info("vendor.mermaid", "path=\"%s\" state=on url=\"%s\"", path,
	         v->files[v->mermaid].url);
	lib_fini(&l);
}

struct vendor *
vendor_load(const char *katex_dir, const char *mermaid_js)
{
	struct vendor *v = xcalloc(1, sizeof(*v));
	v->katex_css = v->katex_js = v->mermaid = -1;
	if (katex_dir && *katex_dir) {
		load_katex(v, katex_dir);
	}
	if (mermaid_js && *mermaid_js) {
		load_mermaid(v, mermaid_js);
	}
	return v;
}

void
vendor_free(struct vendor *v)
{
	if (!v) {
		return;
	}
	for (size_t i = 0; i < v->n; i++) {
		free(v->files[i].url);
		free((void *)(uintptr_t)v->files[i].body.ptr);
	}
	free(v->files);
	free(v);
}

static const char *
url_at(const struct vendor *v, long i)
{
	return i >= 0 ? v->files[i].url : NULL;
}

const char *
vendor_katex_css(const struct vendor *v)
{
	return url_at(v, v->katex_css);
}

const char *
vendor_katex_js(const struct vendor *v)
{
	return url_at(v, v->katex_js);
}

const char *
vendor_mermaid_js(const struct vendor *v)
{
	return url_at(v, v->mermaid);
}

size_t
vendor_count(const struct vendor *v)
{
	return v->n;
}

const struct vendor_file *
vendor_at(const struct vendor *v, size_t i)
{
	return i < v->n ? &v->files[i] : NULL;
}

const struct vendor_file *
vendor_get(const struct vendor *v, const char *url)
{
	if (strncmp(url, "/_folio/vendor/", 15) != 0) {
		return NULL;
	}
	for (size_t i = 0; i < v->n; i++) {
		if (strcmp(v->files[i].url, url) == 0) {
			return &v->files[i];
		}
	}
	return NULL;
}
