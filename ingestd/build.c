/*
 * build.c: page records from page rows (contract in build.h). A note renders as
 * frontmatter -> markdown (links resolved through the vault index) -> layout with backlinks
 * from SQLite -> one gzip -> page_encode. Buffers live in the builder and are reset, not
 * freed, between pages.
 */
#include "ingestd/build.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ingestd/embed.h"
#include "ingestd/layouts.h"
#include "ingestd/links.h"
#include "ingestd/mime.h"
#include "ingestd/site.h"
#include "ingestd/sitedb.h"
#include "ingestd/source.h"
#include "ingestd/strset.h"
#include "ingestd/urls.h"
#include "ingestd/vault.h"
#include "ingestd/vendor.h"
#include "renderer/compress.h"
#include "renderer/frontmatter.h"
#include "renderer/layout.h"
#include "renderer/livejs.h"
#include "renderer/slug.h"
#include "renderer/template.h"
#include "renderer/themejs.h"
#include "shared/config.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/log.h"
#include "shared/pagefmt.h"
#include "shared/sha256.h"
#include "shared/stats.h"

#define BUILD_HTML_TYPE  "text/html; charset=utf-8"
#define BUILD_CSS_TYPE   "text/css; charset=utf-8"
#define BUILD_JS_TYPE    "text/javascript; charset=utf-8"
#define BUILD_IMMUTABLE  "public, max-age=31536000, immutable"
#define BUILD_SPECIAL_CC "public, no-cache"
#define BUILD_LAYOUT_MAX (32u << 20) /* a vault layout's page may not grow past 32 MiB */
/* Embeds nest at most this deep; deeper ones (and cycles) stay links. */
#define BUILD_EMBED_DEPTH 4
/* Part of the build signature: how note embeds render (transclusion, NFC names). */
#define BUILD_EMBED_SIG "embeds: transclusion 1"
#define BUILD_SVG_TYPE  "image/svg+xml"
#define BUILD_NAV_URL   "/_folio/nav.html"
#define BUILD_MAX_ICONS 8

/*
 * A fixed note rendered once at startup: its output goes into the build signature, so a
 * folio whose renderer or layout writes different HTML rebuilds every page on its first
 * start.
 */
static const char build_sample[] =
        "---\ntitle: Sample\ntags: [a]\n---\n# Sample\n\n"
        "Text with **bold**, `code`, [[Other|a link]], ![[pic.png]] and\n"
        "a [markdown](Other.md) link.\n\n> [!note] Callout\n> body\n\n"
        "- [ ] task\n- item ==mark==\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";

struct build {
	const struct config *cfg;
	struct source *src;
	struct vault *vault;
	struct compressor *gz;
	struct buf md, html, page, gzip, tmp, canon, image;
	char css_url[64];
	char live_url[64]; /* empty when live_reload is off */
	char theme_url[64];
	char icon_url[64]; /* folio's favicon, for vaults without one */
	struct vendor *vendor;
	struct vault_site *vsite; /* the vault's own site files */
	struct layout_icon default_icon;
	char signature[65];
	int64_t start;
	uint64_t rendered;
	uint64_t render_us, compress_us; /* time spent, for the counters (build_times) */
	const char *cur_path;
	build_missing_fn *missing;
	void *missing_arg;
	build_link_fn *link_fn;
	void *link_arg;
	build_cached_fn *cached;
	void *cached_arg;
	bool gzip_given; /* build_give_gzip: use gzip_body instead of compressing */
	struct slice gzip_body;
	struct layouts *layouts; /* vault layouts (build_set_layouts), NULL: folio's only */
	struct buf lay;          /* a layout file's bytes */
	struct sitedb *site;     /* generated pages' statements */
	render_tag_fn *tag_fn;
	void *tag_arg;
	struct build_job *job; /* build_url_job: defer compressing into it, else NULL */
	/* Note embeds being rendered, outermost first (cycles and depth are cut here). */
	const char *embedding[BUILD_EMBED_DEPTH];
	size_t nembedding;
};

/*
 * The vault's own site files (publish.css, publish.js, favicons at the root), looked up
 * again only when the vault's set of paths changed.
 */
struct vault_site {
	uint64_t changes; /* vault_changes when computed */
	bool known;
	char *publish_css, *publish_js;
	char *icon_url[BUILD_MAX_ICONS];
	char *icon_sizes[BUILD_MAX_ICONS];
	struct layout_icon icons[BUILD_MAX_ICONS];
	size_t nicons;
};

/* --- note metadata ------------------------------------------------------------------------- */

static char *
title_from_path(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	size_t n = strlen(name);
	if (vault_is_note_path(name)) {
		n -= 3;
	}
	return xstrndup(name, n);
}

static void
json_list(struct buf *b, const char *key, char *const *items, size_t n)
{
	if (!n) {
		return;
	}
	buf_printf(b, ",\"%s\":[", key);
	for (size_t i = 0; i < n; i++) {
		if (i) {
			buf_putc(b, ',');
		}
		buf_put_json_str(b, items[i], strlen(items[i]));
	}
	buf_putc(b, ']');
}

static void
json_field(struct buf *b, const char *key, const char *v)
{
	if (v) {
		buf_printf(b, ",\"%s\":", key);
		buf_put_json_str(b, v, strlen(v));
	}
}

static char *
frontmatter_json(const struct frontmatter *fm)
{
	struct buf b;
	buf_init(&b, 0);
	buf_puts(&b, "{\"v\":1");
	json_list(&b, "tags", fm->tags, fm->ntags);
	json_list(&b, "aliases", fm->aliases, fm->naliases);
	json_list(&b, "cssclasses", fm->cssclasses, fm->ncssclasses);
	json_field(&b, "date", fm->date);
	json_field(&b, "image", fm->image);
	buf_putc(&b, '}');
	buf_putc(&b, '\0');
	char *s = b.err ? xstrdup("{}") : (char *)buf_steal(&b, NULL);
	buf_fini(&b);
	return s;
}

/* The items joined by '\n' (a newline inside an item becomes a space), or NULL. */
static char *
join_lines(char *const *items, size_t n)
{
	if (!n) {
		return NULL;
	}
	struct buf b;
	buf_init(&b, 0);
	for (size_t i = 0; i < n; i++) {
		if (i) {
			buf_putc(&b, '\n');
		}
		for (const char *t = items[i]; *t; t++) {
			buf_putc(&b, *t == '\n' || *t == '\r' ? ' ' : *t);
		}
	}
	buf_putc(&b, '\0');
	char *s = b.err ? NULL : (char *)buf_steal(&b, NULL);
	buf_fini(&b);
	return s;
}

/* A frontmatter slug replaces the last segment of the note's URL: "A/B.md" + "x" -> "A/x". */
static char *
slug_in_folder(const char *path, const char *slug)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) + 1 : 0;
	char *s = xmalloc(n + strlen(slug) + 1);
	memcpy(s, path, n);
	strcpy(s + n, slug);
	return s;
}

int
build_meta(const char *path, struct slice content, struct build_meta *m)
{
	memset(m, 0, sizeof(*m));
	struct frontmatter fm;
	int rc = frontmatter_parse(content, &fm, &m->body, m->error, sizeof(m->error));
	if (rc == ERR_NOMEM) {
		return rc;
	}
	if (rc < 0 && !m->error[0]) {
		snprintf(m->error, sizeof(m->error), "%s", err_str(rc));
	}
	if (rc == 0) {
		m->error[0] = '\0';
	}
	m->body_off = (size_t)(m->body.ptr - content.ptr);
	m->title = fm.title && *fm.title ? xstrdup(fm.title) : title_from_path(path);
	m->permalink = fm.permalink && *fm.permalink ? xstrdup(fm.permalink) : NULL;
	if (!m->permalink && fm.slug && *fm.slug) {
		m->permalink = slug_in_folder(path, fm.slug);
	}
	m->aliases = join_lines(fm.aliases, fm.naliases);
	m->layout = fm.layout && *fm.layout ? xstrdup(fm.layout) : NULL;
	m->description = fm.description ? xstrdup(fm.description) : NULL;
	m->date = fm.date ? xstrdup(fm.date) : NULL;
	m->tags = join_lines(fm.tags, fm.ntags);
	m->cssclasses = join_lines(fm.cssclasses, fm.ncssclasses);
	m->image = fm.image && *fm.image ? xstrdup(fm.image) : NULL;
	m->frontmatter = frontmatter_json(&fm);
	m->published = frontmatter_published(&fm);
	m->private_ = fm.private_ == FM_TRUE;
	frontmatter_fini(&fm);
	return 0;
}

void
build_meta_fini(struct build_meta *m)
{
	free(m->title);
	free(m->permalink);
	free(m->description);
	free(m->date);
	free(m->tags);
	free(m->image);
	free(m->cssclasses);
	free(m->frontmatter);
	free(m->aliases);
	free(m->layout);
	memset(m, 0, sizeof(*m));
}

/* --- site chrome ---------------------------------------------------------------------------- */

static void
vsite_clear(struct vault_site *sf)
{
	free(sf->publish_css);
	free(sf->publish_js);
	for (size_t i = 0; i < sf->nicons; i++) {
		free(sf->icon_url[i]);
		free(sf->icon_sizes[i]);
	}
	memset(sf, 0, sizeof(*sf));
}

bool
build_is_site_file(const char *path)
{
	size_t n = strlen(path);
	if (strchr(path, '/')) {
		return false;
	}
	return strcmp(path, "publish.css") == 0 || strcmp(path, "publish.js") == 0 ||
	       strcmp(path, "favicon.ico") == 0 || strcmp(path, "favicon.svg") == 0 ||
	       (n > 12 && strncmp(path, "favicon-", 8) == 0 && strcmp(path + n - 4, ".png") == 0);
}

/* "favicon-32x32.png" -> "32x32"; NULL when the name does not give a size. */
static char *
icon_sizes(const char *path)
{
	const char *s = path + 8, *end = path + strlen(path) - 4;
	size_t w = strspn(s, "0123456789");
	if (w == 0 || s[w] != 'x' || strspn(s + w + 1, "0123456789") != (size_t)(end - s - w - 1) ||
	    end - s - w - 1 == 0) {
		return NULL;
	}
	return xstrndup(s, (size_t)(end - s));
}

struct vsite_scan {
	struct vault_site *sf;
	struct buf href;
};

static int
vsite_seen(void *arg, const struct vault_entry *e)
{
	struct vsite_scan *ss = arg;
	struct vault_site *sf = ss->sf;
	if (!e->url || !build_is_site_file(e->path)) {
		return 0;
	}
	buf_reset(&ss->href);
	slug_href(slice_str(e->url), &ss->href);
	if (ss->href.err) {
		return 0;
	}
	char *url = xstrdup(buf_cstr(&ss->href));
	if (strcmp(e->path, "publish.css") == 0) {
		free(sf->publish_css);
		sf->publish_css = url;
	} else if (strcmp(e->path, "publish.js") == 0) {
		free(sf->publish_js);
		sf->publish_js = url;
	} else if (sf->nicons < BUILD_MAX_ICONS) {
		size_t i = sf->nicons++;
		sf->icon_url[i] = url;
		sf->icon_sizes[i] = NULL;
		const char *type = "image/png";
		if (strcmp(e->path, "favicon.ico") == 0) {
			type = "image/x-icon";
			sf->icon_sizes[i] = xstrdup("any");
		} else if (strcmp(e->path, "favicon.svg") == 0) {
			type = BUILD_SVG_TYPE;
		} else {
			sf->icon_sizes[i] = icon_sizes(e->path);
		}
		sf->icons[i] = (struct layout_icon){url, type, sf->icon_sizes[i]};
	} else {
		free(url);
	}
	return 0;
}

static int
icon_cmp(const void *a, const void *b)
{
	return strcmp(((const struct layout_icon *)a)->url, ((const struct layout_icon *)b)->url);
}

/* The vault's site files, scanned again when files came or went since the last look. */
static const struct vault_site *
vsite_get(struct build *b)
{
	struct vault_site *sf = b->vsite;
	uint64_t now = vault_changes(b->vault);
	if (sf->known && sf->changes == now) {
		return sf;
	}
	vsite_clear(sf);
	struct vsite_scan ss = {.sf = sf};
	buf_init(&ss.href, 0);
	vault_each(b->vault, vsite_seen, &ss);
	buf_fini(&ss.href);
	// vault_each has no order: sort so that every page links the icons alike.
	qsort(sf->icons, sf->nicons, sizeof(*sf->icons), icon_cmp);
	sf->known = true;
	sf->changes = now;
	return sf;
}

void
build_layout_site(struct build *b, struct layout_page *lp)
{
	lp->css_url = b->css_url;
	lp->live_url = build_live_url(b);
	lp->theme_js = b->theme_url;
	lp->nav_url = BUILD_NAV_URL;
	lp->katex_css = vendor_katex_css(b->vendor);
	lp->katex_js = vendor_katex_js(b->vendor);
	lp->mermaid_js = vendor_mermaid_js(b->vendor);
	const struct vault_site *sf = b->vault ? vsite_get(b) : NULL;
	lp->publish_css = sf ? sf->publish_css : NULL;
	lp->publish_js = sf ? sf->publish_js : NULL;
	if (sf && sf->nicons) {
		lp->icons = sf->icons;
		lp->nicons = sf->nicons;
	} else {
		b->default_icon = (struct layout_icon){b->icon_url, BUILD_SVG_TYPE, NULL};
		lp->icons = &b->default_icon;
		lp->nicons = 1;
	}
}

void
build_add_specials(const struct build *b, struct strset *urls)
{
	strset_add(urls, b->theme_url);
	strset_add(urls, b->icon_url);
	for (size_t i = 0; i < vendor_count(b->vendor); i++) {
		strset_add(urls, vendor_at(b->vendor, i)->url);
	}
}

/* --- the builder --------------------------------------------------------------------------- */

static int build_resolve(void *arg, const struct render_link *l, struct buf *url);
static int build_embed(void *arg, const struct render_link *l, struct buf *out, struct buf *title);

/* The theme's files and the vendor libraries: their URLs carry their content hashes. */
static void
build_sign_theme(struct build *b, struct sha256 *h)
{
	const char *urls[] = {b->theme_url, b->icon_url};
	for (size_t i = 0; i < ARRAY_LEN(urls); i++) {
		sha256_update(h, urls[i], strlen(urls[i]) + 1);
	}
	for (size_t i = 0; i < vendor_count(b->vendor); i++) {
		const char *u = vendor_at(b->vendor, i)->url;
		sha256_update(h, u, strlen(u) + 1);
	}
}

/* Hashes everything besides the vault that shapes pages into b->signature. */
static void
build_sign(struct build *b)
{
	struct sha256 h;
	uint8_t d[SHA256_LEN];
	char line[64];
	sha256_init(&h);
	struct slice css = layout_css();
	sha256_update(&h, css.ptr, css.len);
	const char *fields[] = {b->cfg->site_title, b->cfg->base_url, b->cfg->page_cache_control,
	                        b->cfg->asset_cache_control};
	for (size_t i = 0; i < ARRAY_LEN(fields); i++) {
		const char *f = fields[i] ? fields[i] : "";
		sha256_update(&h, f, strlen(f) + 1);
	}
	snprintf(line, sizeof(line), "%d %lld", b->cfg->strict_line_breaks,
	         (long long)b->cfg->gzip_level);
	sha256_update(&h, line, strlen(line));
	/* What the sample cannot show (it has no vault): bump when embeds render otherwise. */
	sha256_update(&h, BUILD_EMBED_SIG, sizeof(BUILD_EMBED_SIG));
	build_sign_theme(b, &h);

	/* The sample page, rendered without a vault (links fall back to slug URLs). */
	struct render_opts ro = {.strict_line_breaks = b->cfg->strict_line_breaks};
	struct frontmatter fm;
	struct slice body;
	char err[64];
	buf_reset(&b->html);
	buf_reset(&b->page);
	int frc = frontmatter_parse(SLICE_LIT(build_sample), &fm, &body, err, sizeof(err));
	if (frc != ERR_NOMEM) {
		render_markdown(body, &ro, &b->html, NULL);
		struct layout_page lp = {
		        .site_title = b->cfg->site_title,
		        .title = "Sample",
		        .css_url = b->css_url,
		        .home_url = "/",
		        .content = buf_slice(&b->html),
		        .tags = (const char *const *)fm.tags,
		        .ntags = fm.ntags,
		        .live_url = build_live_url(b),
		};
		// The vault's own site files are not the theme's: leave them out of the signature.
		struct vault *v = b->vault;
		b->vault = NULL;
		build_layout_site(b, &lp);
		b->vault = v;
		layout_page(&lp, &b->page);
		layout_not_found_page(&lp, &b->page);
		sha256_update(&h, b->page.ptr, b->page.len);
		frontmatter_fini(&fm);
	}
	sha256_final(&h, d);
	for (int i = 0; i < SHA256_LEN; i++) {
		snprintf(b->signature + 2 * i, 3, "%02x", d[i]);
	}
}

struct build *
build_new(const struct config *c, struct source *src, struct vault *v)
{
	struct build *b = xcalloc(1, sizeof(*b));
	b->cfg = c;
	b->src = src;
	b->vault = v;
	b->gz = compressor_new((int)c->gzip_level);
	if (!b->gz || sitedb_open(&b->site, src) < 0) {
		compressor_free(b->gz);
		free(b);
		return NULL;
	}
	buf_init(&b->md, 0);
	buf_init(&b->html, 0);
	buf_init(&b->page, 0);
	buf_init(&b->gzip, 0);
	buf_init(&b->tmp, 0);
	buf_init(&b->canon, 0);
	buf_init(&b->image, 0);
	buf_init(&b->lay, 0);
	b->start = (int64_t)time(NULL);
	struct slice css = layout_css();
	char hex[65];
	sha256_hex(css.ptr, css.len, hex);
	snprintf(b->css_url, sizeof(b->css_url), "/_folio/folio.%.12s.css", hex);
	if (c->live_reload) {
		struct slice js = livejs_source();
		sha256_hex(js.ptr, js.len, hex);
		snprintf(b->live_url, sizeof(b->live_url), "/_folio/live.%.12s.js", hex);
	}
	struct slice tjs = themejs_source();
	sha256_hex(tjs.ptr, tjs.len, hex);
	snprintf(b->theme_url, sizeof(b->theme_url), "/_folio/theme.%.12s.js", hex);
	struct slice icon = themejs_icon();
	sha256_hex(icon.ptr, icon.len, hex);
	snprintf(b->icon_url, sizeof(b->icon_url), "/_folio/icon.%.12s.svg", hex);
	b->vendor = vendor_load(c->katex_dir, c->mermaid_js);
	b->vsite = xcalloc(1, sizeof(*b->vsite));
	build_sign(b);
	return b;
}

void
build_free(struct build *b)
{
	if (!b) {
		return;
	}
	compressor_free(b->gz);
	sitedb_close(b->site);
	vsite_clear(b->vsite);
	free(b->vsite);
	vendor_free(b->vendor);
	buf_fini(&b->md);
	buf_fini(&b->html);
	buf_fini(&b->page);
	buf_fini(&b->gzip);
	buf_fini(&b->tmp);
	buf_fini(&b->canon);
	buf_fini(&b->image);
	buf_fini(&b->lay);
	free(b);
}

const char *
build_css_url(const struct build *b)
{
	return b->css_url;
}

const char *
build_live_url(const struct build *b)
{
	return b->live_url[0] ? b->live_url : NULL;
}

const char *
build_signature(const struct build *b)
{
	return b->signature;
}

void
build_on_missing(struct build *b, build_missing_fn *fn, void *arg)
{
	b->missing = fn;
	b->missing_arg = arg;
}

void
build_set_layouts(struct build *b, struct layouts *l)
{
	b->layouts = l;
}

void
build_on_tag(struct build *b, render_tag_fn *fn, void *arg)
{
	b->tag_fn = fn;
	b->tag_arg = arg;
}

struct sitedb *
build_sitedb(struct build *b)
{
	return b->site;
}

void
build_on_cached(struct build *b, build_cached_fn *fn, void *arg)
{
	b->cached = fn;
	b->cached_arg = arg;
}

void
build_give_gzip(struct build *b, const struct slice *gz)
{
	b->gzip_given = gz != NULL;
	b->gzip_body = gz ? *gz : (struct slice){NULL, 0};
}

uint64_t
build_rendered(const struct build *b)
{
	return b->rendered;
}

void
build_times(const struct build *b, uint64_t *render_us, uint64_t *compress_us)
{
	*render_us = b->render_us;
	*compress_us = b->compress_us;
}

/* --- records ------------------------------------------------------------------------------- */

/* True when a record's body gets a gzip twin: a type worth it, and not tiny. */
static bool
gzip_wanted(const char *content_type, struct slice body)
{
	return body.len >= 64 && compress_worthwhile(content_type);
}

/*
 * Compresses body into out (reset first) with gz, adding the time taken to *us; returns the
 * gzip slice, or an empty one when compressing failed or did not make the body smaller.
 */
static struct slice
gzip_into(struct compressor *gz, struct slice body, struct buf *out, uint64_t *us)
{
	buf_reset(out);
	int64_t t0 = stats_mono_us();
	int rc = compress_gzip(gz, body, out);
	*us += (uint64_t)(stats_mono_us() - t0);
	if (rc < 0 || out->len >= body.len) {
		return (struct slice){NULL, 0};
	}
	return buf_slice(out);
}

/*
 * Compresses body into b->gzip when the type is worth it and the result is smaller;
 * returns the gzip slice or an empty one.
 */
static struct slice
maybe_gzip(struct build *b, const char *content_type, struct slice body)
{
	buf_reset(&b->gzip);
	if (b->gzip_given) {
		return b->gzip_body;
	}
	if (!gzip_wanted(content_type, body)) {
		return (struct slice){NULL, 0};
	}
	return gzip_into(b->gz, body, &b->gzip, &b->compress_us);
}

/* Copies s into strs; returns its offset there (strings stay NUL-terminated). */
static size_t
job_keep(struct buf *strs, struct slice s)
{
	size_t at = strs->len;
	buf_put_slice(strs, s);
	buf_putc(strs, '\0');
	return at;
}

/*
 * Leaves in's record to build_job_finish: copies the body and every borrowed string into
 * the job, since the builder reuses its buffers (and SQLite its rows) for the next page.
 */
static int
job_defer(struct build_job *j, const struct page_input *in)
{
	buf_reset(&j->body);
	buf_reset(&j->strs);
	buf_put_slice(&j->body, in->body);
	size_t ct = job_keep(&j->strs, slice_str(in->content_type ? in->content_type : ""));
	size_t cc = job_keep(&j->strs, slice_str(in->cache_control ? in->cache_control : ""));
	size_t seed = job_keep(&j->strs, in->etag_seed);
	size_t loc = job_keep(&j->strs, in->location);
	size_t grp = job_keep(&j->strs, in->groups);
	if (j->body.err || j->strs.err) {
		return ERR_NOMEM;
	}
	const char *base = (const char *)j->strs.ptr;
	j->in = *in;
	j->in.content_type = in->content_type ? base + ct : NULL;
	j->in.cache_control = in->cache_control ? base + cc : NULL;
	j->in.etag_seed = (struct slice){j->strs.ptr + seed, in->etag_seed.len};
	j->in.location = (struct slice){j->strs.ptr + loc, in->location.len};
	j->in.groups = (struct slice){j->strs.ptr + grp, in->groups.len};
	j->in.body = buf_slice(&j->body);
	j->in.gzip = (struct slice){NULL, 0};
	j->pending = true;
	j->deferred = true;
	return 0;
}

static int
encode(struct build *b, struct page_input *in, struct buf *out)
{
	if (b->job && !b->gzip_given && gzip_wanted(in->content_type, in->body)) {
		return job_defer(b->job, in);
	}
	in->gzip = maybe_gzip(b, in->content_type, in->body);
	return page_encode(in, out);
}

void
build_job_init(struct build_job *j)
{
	memset(j, 0, sizeof(*j));
	buf_init(&j->rec, 0);
	buf_init(&j->body, 0);
	buf_init(&j->strs, 0);
	buf_init(&j->gzip, 0);
}

void
build_job_fini(struct build_job *j)
{
	buf_fini(&j->rec);
	buf_fini(&j->body);
	buf_fini(&j->strs);
	buf_fini(&j->gzip);
}

void
build_job_trim(struct build_job *j, size_t keep)
{
	struct buf *bufs[] = {&j->rec, &j->body, &j->strs, &j->gzip};
	for (size_t i = 0; i < ARRAY_LEN(bufs); i++) {
		if (bufs[i]->cap > keep) {
			buf_fini(bufs[i]);
			buf_init(bufs[i], 0);
		}
	}
}

int
build_url_job(struct build *b, const char *url, uint64_t gen, struct build_job *j)
{
	buf_reset(&j->rec);
	j->del = false;
	j->pending = false;
	j->deferred = false;
	j->gzip_us = 0;
	b->job = j;
	j->rc = build_url(b, url, gen, &j->rec, &j->del);
	b->job = NULL;
	return j->rc;
}

void
build_job_finish(struct build_job *j, struct compressor *gz)
{
	if (!j->pending || j->rc < 0) {
		return;
	}
	j->in.gzip = gzip_into(gz, j->in.body, &j->gzip, &j->gzip_us);
	j->rc = page_encode(&j->in, &j->rec);
	j->pending = false;
}

void
build_job_account(struct build *b, const struct build_job *j)
{
	b->compress_us += j->gzip_us;
}

static int
build_resolve(void *arg, const struct render_link *l, struct buf *url)
{
	struct build *b = arg;
	int rc;
	if (l->target.len == 0) {
		if (b->link_fn) {
			b->link_fn(b->link_arg, l, NULL);
		}
		/* [[#Heading]]: a heading of this very note. */
		if (l->frag.len == 0) {
			return ERR_NOTFOUND;
		}
		links_fragment(l->frag, true, url);
		return url->err;
	}
	const struct vault_entry *e = links_resolve(b->vault, b->cur_path, l->kind, l->target);
	if (b->link_fn) {
		b->link_fn(b->link_arg, l, e);
	}
	rc = links_href(e, l->frag, url);
	if (rc == ERR_NOTFOUND && b->missing) {
		b->missing(b->missing_arg, b->cur_path, l);
	}
	return rc;
}

/*
 * Transcludes a note (render_embed_fn). The target resolves from the note being rendered
 * (the innermost embed's note when embeds nest); it must be a published note holding a
 * page, not private unless the page it lands on is private too, not already being
 * embedded (a cycle), and within BUILD_EMBED_DEPTH. Its section renders with links
 * resolving from its own path and reported to nobody: they are its links, not the
 * embedding note's (no backlinks from embedded text, no warnings twice).
 */
static int
build_embed(void *arg, const struct render_link *l, struct buf *out, struct buf *title)
{
	struct build *b = arg;
	if (l->target.len == 0 || !b->cur_path || b->nembedding >= BUILD_EMBED_DEPTH) {
		return ERR_NOTFOUND;
	}
	const struct vault_entry *e = links_resolve(b->vault, b->cur_path, l->kind, l->target);
	if (!e || !e->is_note || !e->url || !e->published) {
		return ERR_NOTFOUND;
	}
	const char *root = b->nembedding ? b->embedding[0] : b->cur_path;
	if (strcmp(e->path, root) == 0 || strcmp(e->path, b->cur_path) == 0) {
		return ERR_NOTFOUND;
	}
	for (size_t i = 0; i < b->nembedding; i++) {
		if (strcmp(b->embedding[i], e->path) == 0) {
			return ERR_NOTFOUND;
		}
	}
	struct buf md;
	buf_init(&md, 0);
	struct source_note_body nb;
	int rc = source_note_body(b->src, e->path, &nb, &md);
	if (rc == 0 && nb.private_) {
		struct source_note_copy rn;
		int prc = source_note_get(b->src, root, &rn);
		if (prc == 0) {
			rc = rn.private_ ? 0 : ERR_NOTFOUND;
			source_note_copy_fini(&rn);
		} else {
			rc = prc == ERR_NOTFOUND ? ERR_NOTFOUND : prc;
		}
	}
	struct slice section = {0};
	if (rc == 0 && !embed_section((struct slice){md.ptr + nb.body_off, md.len - nb.body_off},
	                              l->frag, &section)) {
		rc = ERR_NOTFOUND; // the heading or block is gone: show the link
	}
	if (rc == 0) {
		buf_puts(title, nb.title ? nb.title : e->path);
		const char *saved_path = b->cur_path;
		build_link_fn *saved_fn = b->link_fn;
		build_missing_fn *saved_missing = b->missing;
		b->embedding[b->nembedding++] = saved_path;
		b->cur_path = e->path;
		b->link_fn = NULL;
		b->missing = NULL;
		struct render_opts ro = {
		        .strict_line_breaks = b->cfg->strict_line_breaks,
		        .resolve = build_resolve,
		        .arg = b,
		        .embed = build_embed,
		};
		size_t start = out->len;
		rc = render_markdown(section, &ro, out, NULL);
		b->nembedding--;
		b->cur_path = saved_path;
		b->link_fn = saved_fn;
		b->missing = saved_missing;
		if (rc == ERR_PROTO) {
			out->len = start;
			rc = ERR_NOTFOUND;
		}
		embed_drop_ids(out, start);
	}
	if (rc != 0 && rc != ERR_NOMEM && rc != ERR_NOTFOUND) {
		rc = ERR_NOTFOUND; // a database error shows as the link; the page still builds
	}
	source_note_body_fini(&nb);
	buf_fini(&md);
	return rc;
}

struct backlinks {
	struct layout_link *items;
	size_t n, cap;
	struct buf *href;
};

static int
collect_backlink(void *arg, const char *src, const char *title, const char *url)
{
	struct backlinks *bl = arg;
	(void)src;
	if (!url) {
		return 0;
	}
	if (bl->n == bl->cap) {
		bl->cap = bl->cap ? bl->cap * 2 : 8;
		bl->items = xrealloc(bl->items, bl->cap * sizeof(*bl->items));
	}
	buf_reset(bl->href);
	slug_href(slice_str(url), bl->href);
	bl->items[bl->n].title = xstrdup(title ? title : "");
	bl->items[bl->n].url = xstrdup(buf_cstr(bl->href));
	bl->n++;
	return 0;
}

static void
backlinks_free(struct backlinks *bl)
{
	for (size_t i = 0; i < bl->n; i++) {
		free((char *)(uintptr_t)bl->items[i].title);
		free((char *)(uintptr_t)bl->items[i].url);
	}
	free(bl->items);
}

int
build_fragment(struct build *b, const char *path, struct slice body, struct buf *out,
               char **first_h1, build_link_fn *fn, void *arg)
{
	struct render_opts ro = {
	        .strict_line_breaks = b->cfg->strict_line_breaks,
	        .resolve = build_resolve,
	        .arg = b,
	        .tag = b->tag_fn,
	        .tag_arg = b->tag_arg,
	        .embed = build_embed,
	};
	struct render_info info = {0};
	size_t start = out->len;
	b->cur_path = path;
	b->link_fn = fn;
	b->link_arg = arg;
	int64_t t0 = stats_mono_us();
	int rc = render_markdown(body, &ro, out, &info);
	b->render_us += (uint64_t)(stats_mono_us() - t0);
	b->cur_path = NULL;
	b->link_fn = NULL;
	b->link_arg = NULL;
	if (rc == ERR_PROTO) {
		/* md4c gave up: publish the source as preformatted text rather than nothing. */
		out->len = start;
		buf_puts(out, "<pre>");
		buf_put_html(out, body.ptr, body.len);
		buf_puts(out, "</pre>");
		rc = out->err;
	}
	*first_h1 = info.first_h1;
	info.first_h1 = NULL;
	render_info_fini(&info);
	return rc;
}

bool
build_image_link(const char *image, struct render_link *link)
{
	if (strncmp(image, "http://", 7) == 0 || strncmp(image, "https://", 8) == 0) {
		return false;
	}
	struct slice t = slice_str(image);
	*link = (struct render_link){.kind = RENDER_LINK_IMAGE, .embed = true};
	if (t.len >= 4 && memcmp(t.ptr, "[[", 2) == 0 && memcmp(t.ptr + t.len - 2, "]]", 2) == 0) {
		t = (struct slice){t.ptr + 2, t.len - 4};
		const uint8_t *bar = memchr(t.ptr, '|', t.len);
		t.len = bar ? (size_t)(bar - t.ptr) : t.len;
		link->kind = RENDER_LINK_WIKI;
	}
	const uint8_t *hash = memchr(t.ptr, '#', t.len);
	if (hash) {
		link->frag = (struct slice){hash + 1, t.len - (size_t)(hash - t.ptr) - 1};
		t.len = (size_t)(hash - t.ptr);
	}
	link->target = t;
	return true;
}

/* Appends base_url without its trailing slashes. */
static void
put_base_url(const struct build *b, struct buf *out)
{
	size_t n = strlen(b->cfg->base_url);
	while (n && b->cfg->base_url[n - 1] == '/') {
		n--;
	}
	buf_put(out, b->cfg->base_url, n);
}

/*
 * Appends the og:image URL for a frontmatter image: an http(s) URL as written, or a vault
 * file ("img/cover.png", "[[cover.png]]") resolved like a link from the note, made
 * absolute with base_url when one is set. Appends nothing if the file does not resolve.
 */
static void
image_url(struct build *b, const char *path, const char *image, struct buf *out)
{
	struct render_link l;
	if (!build_image_link(image, &l)) {
		buf_puts(out, image);
		return;
	}
	const struct vault_entry *e = links_resolve(b->vault, path, l.kind, l.target);
	if (!e || !e->url) {
		return;
	}
	if (b->cfg->base_url && *b->cfg->base_url) {
		put_base_url(b, out);
	}
	slug_href(slice_str(e->url), out);
}

/* Splits tags ("a\nb") in place into at most max pointers; returns how many. */
static size_t
split_tags(char *tags, const char **out, size_t max)
{
	size_t n = 0;
	while (tags && *tags && n < max) {
		out[n++] = tags;
		char *nl = strchr(tags, '\n');
		if (!nl) {
			break;
		}
		*nl = '\0';
		tags = nl + 1;
	}
	return n;
}

static int
backlink_cmp(const void *a, const void *b)
{
	const struct layout_link *x = a, *y = b;
	int c = strcmp(x->title, y->title);
	return c ? c : strcmp(x->url, y->url);
}

/* Sorts backlinks by title and drops repeats (a note linking twice shows once). */
static void
backlinks_tidy(struct backlinks *bl)
{
	if (bl->n < 2) {
		return;
	}
	qsort(bl->items, bl->n, sizeof(*bl->items), backlink_cmp);
	size_t k = 1;
	for (size_t i = 1; i < bl->n; i++) {
		if (strcmp(bl->items[i].url, bl->items[k - 1].url) == 0 &&
		    strcmp(bl->items[i].title, bl->items[k - 1].title) == 0) {
			free((char *)(uintptr_t)bl->items[i].title);
			free((char *)(uintptr_t)bl->items[i].url);
			continue;
		}
		bl->items[k++] = bl->items[i];
	}
	bl->n = k;
}

/*
 * The vault layout the note at path uses (notes.layout, chosen at push time), compiled
 * through the cache; *t stays NULL for folio's own layout. A layout that cannot be had is
 * logged and the default used: layouts are compiled when pushed, so this is a damaged
 * database, not a user mistake.
 */
static int
note_layout(struct build *b, const char *path, const struct template **t)
{
	*t = NULL;
	if (!b->layouts) {
		return 0;
	}
	struct source_note_extra x;
	int rc = source_note_extra_get(b->src, path, &x);
	if (rc) {
		return rc == ERR_NOTFOUND ? 0 : rc;
	}
	struct source_file_info fi;
	if (*x.layout && (rc = source_file_get(b->src, x.layout, &fi)) == 0) {
		*t = layouts_find(b->layouts, fi.sha256);
		if (!*t) {
			char err[200];
			buf_reset(&b->lay);
			rc = source_file_content(b->src, x.layout, &b->lay);
			if (!rc) {
				rc = layouts_get(b->layouts, x.layout, fi.sha256,
				                 buf_slice(&b->lay), t, err, sizeof(err));
			}
			if (rc == ERR_PROTO) {
				log_err("build.layout", "path=\"%s\" err=\"%s\"", path, err);
			}
		}
	}
	if (rc == ERR_NOTFOUND || rc == ERR_PROTO) {
		rc = 0;
	}
	source_note_extra_fini(&x);
	return rc;
}

/*
 * Sets urls[i] to the href of tags[i]'s tag page, the strings kept in hrefs; false (urls
 * unusable) if memory ran out.
 */
static bool
tag_hrefs(const char *const *tags, size_t n, struct buf *hrefs, const char **urls)
{
	size_t off[64];
	for (size_t i = 0; i < n && i < ARRAY_LEN(off); i++) {
		off[i] = hrefs->len;
		slug_tag_url(slice_str(tags[i]), hrefs);
		buf_putc(hrefs, '\0');
	}
	for (size_t i = 0; i < n && i < ARRAY_LEN(off) && !hrefs->err; i++) {
		urls[i] = (const char *)hrefs->ptr + off[i];
	}
	return !hrefs->err && n <= ARRAY_LEN(off);
}

/*
 * Renders the note r describes, whose source is in b->md. not_found: as the site's 404
 * page (no backlinks). Frontmatter was parsed at push time; its fields come from SQLite.
 */
static int
build_note(struct build *b, const char *url, struct source_render *r, bool not_found, uint64_t gen,
           struct buf *out)
{
	struct slice body = {b->md.ptr + r->body_off, b->md.len - r->body_off};
	char *title = r->title && *r->title ? xstrdup(r->title) : title_from_path(r->path);
	const char *tags[64], *classes[32];
	size_t ntags = split_tags(r->tags, tags, ARRAY_LEN(tags));
	const char *tag_urls[ARRAY_LEN(tags)];
	struct buf hrefs;
	buf_init(&hrefs, 0);
	bool linked = tag_hrefs(tags, ntags, &hrefs, tag_urls);
	size_t nclasses = split_tags(r->cssclasses, classes, ARRAY_LEN(classes));

	struct slice html;
	const char *cached_h1 = NULL;
	char *first_h1 = NULL;
	int rc = 0;
	if (b->cached && b->cached(b->cached_arg, r->path, &html, &cached_h1)) {
		first_h1 = cached_h1 ? xstrdup(cached_h1) : NULL;
	} else {
		buf_reset(&b->html);
		rc = build_fragment(b, r->path, body, &b->html, &first_h1, NULL, NULL);
		html = buf_slice(&b->html);
	}
	b->rendered++;

	struct backlinks bl = {.href = &b->tmp};
	if (rc == 0 && !not_found) {
		rc = source_backlinks(b->src, r->path, collect_backlink, &bl);
		backlinks_tidy(&bl);
	}
	buf_reset(&b->canon);
	if (b->cfg->base_url && *b->cfg->base_url && !not_found) {
		put_base_url(b, &b->canon);
		slug_href(slice_str(url), &b->canon);
	}
	buf_reset(&b->image);
	if (r->image) {
		image_url(b, r->path, r->image, &b->image);
	}
	if (rc == 0) {
		struct layout_page lp = {
		        .site_title = b->cfg->site_title,
		        .title = title,
		        .description = r->description,
		        .canonical = b->canon.len ? buf_cstr(&b->canon) : NULL,
		        .css_url = b->css_url,
		        .home_url = "/",
		        .content = html,
		        .backlinks = bl.items,
		        .nbacklinks = bl.n,
		        .tags = tags,
		        .ntags = ntags,
		        .tag_urls = linked ? tag_urls : NULL,
		        .date = r->date,
		        .show_title = !(first_h1 && strcmp(first_h1, title) == 0),
		        .image = b->image.len ? buf_cstr(&b->image) : NULL,
		        .cssclasses = classes,
		        .ncssclasses = nclasses,
		        .live_url = build_live_url(b),
		};
		build_layout_site(b, &lp);
		buf_reset(&b->page);
		int64_t t0 = stats_mono_us();
		const struct template *t = NULL;
		rc = not_found ? 0 : note_layout(b, r->path, &t);
		if (!rc && t) {
			struct template_data td = {&lp, url, b->cfg->base_url};
			rc = template_render(t, &td, &b->page, BUILD_LAYOUT_MAX);
			if (rc == ERR_TOOBIG) {
				log_warn("build.layout",
				         "url=\"%s\" msg=\"page over %u bytes: "
				         "default layout used\"",
				         url, BUILD_LAYOUT_MAX);
			}
			t = rc == ERR_TOOBIG ? NULL : t;
			rc = rc == ERR_TOOBIG ? 0 : rc;
		}
		if (!rc && !t) {
			rc = layout_page(&lp, &b->page);
		}
		b->render_us += (uint64_t)(stats_mono_us() - t0);
	}
	if (rc == 0) {
		struct page_input in = {
		        .status = not_found ? 404 : 200,
		        .flags = not_found ? PAGE_SPECIAL
		                           : PAGE_NOTE | (r->private_ ? PAGE_PRIVATE : 0),
		        .gen = gen,
		        .mtime = r->mtime,
		        .content_type = BUILD_HTML_TYPE,
		        .cache_control = b->cfg->page_cache_control,
		        .body = buf_slice(&b->page),
		};
		rc = encode(b, &in, out);
	}
	backlinks_free(&bl);
	buf_fini(&hrefs);
	free(first_h1);
	free(title);
	return rc;
}

/*
 * An asset whose bytes are in b->md. Its ETag derives from the file's stored SHA-256, so a
 * large file is not hashed again each time its record is written.
 */
static int
build_asset(struct build *b, const struct source_render *r, uint64_t gen, struct buf *out)
{
	const char *path = r->path;
	int64_t mtime = r->mtime;
	struct page_input in = {
	        .etag_seed = slice_str(r->sha256),
	        .status = 200,
	        .flags = PAGE_ASSET,
	        .gen = gen,
	        .mtime = mtime,
	        .content_type = mime_type(path),
	        .cache_control = b->cfg->asset_cache_control,
	        .body = buf_slice(&b->md),
	};
	return encode(b, &in, out);
}

static int
build_redirect(struct build *b, const char *location, uint64_t gen, struct buf *out)
{
	buf_reset(&b->tmp);
	slug_href(slice_str(location), &b->tmp);
	buf_reset(&b->page);
	buf_puts(&b->page, "<!doctype html><meta charset=\"utf-8\"><title>Moved</title>"
	                   "<p>Moved to <a href=\"");
	buf_put_html(&b->page, b->tmp.ptr, b->tmp.len);
	buf_puts(&b->page, "\">");
	buf_put_html(&b->page, b->tmp.ptr, b->tmp.len);
	buf_puts(&b->page, "</a>.</p>\n");
	struct page_input in = {
	        .status = 301,
	        .flags = PAGE_REDIRECT,
	        .gen = gen,
	        .mtime = b->start,
	        .content_type = BUILD_HTML_TYPE,
	        .cache_control = b->cfg->page_cache_control,
	        .body = buf_slice(&b->page),
	        .location = buf_slice(&b->tmp),
	};
	if (b->tmp.err || b->page.err) {
		return ERR_NOMEM;
	}
	return page_encode(&in, out);
}

static int
build_default_404(struct build *b, uint64_t gen, struct buf *out)
{
	buf_reset(&b->page);
	struct layout_page lp = {.site_title = b->cfg->site_title, .home_url = "/"};
	build_layout_site(b, &lp);
	int rc = layout_not_found_page(&lp, &b->page);
	if (rc < 0) {
		return rc;
	}
	struct page_input in = {
	        .status = 404,
	        .flags = PAGE_SPECIAL,
	        .gen = gen,
	        .mtime = b->start,
	        .content_type = BUILD_HTML_TYPE,
	        .cache_control = BUILD_SPECIAL_CC,
	        .body = buf_slice(&b->page),
	};
	return encode(b, &in, out);
}

static int
build_css(struct build *b, uint64_t gen, struct buf *out)
{
	struct page_input in = {
	        .status = 200,
	        .flags = PAGE_SPECIAL,
	        .gen = gen,
	        .mtime = b->start,
	        .content_type = BUILD_CSS_TYPE,
	        .cache_control = BUILD_IMMUTABLE,
	        .body = layout_css(),
	};
	return encode(b, &in, out);
}

/* The live-reload script: immutable under its content-hashed URL, like the stylesheet. */
static int
build_livejs(struct build *b, uint64_t gen, struct buf *out)
{
	struct page_input in = {
	        .status = 200,
	        .flags = PAGE_SPECIAL,
	        .gen = gen,
	        .mtime = b->start,
	        .content_type = BUILD_JS_TYPE,
	        .cache_control = BUILD_IMMUTABLE,
	        .body = livejs_source(),
	};
	return encode(b, &in, out);
}

/*
 * A page folio generates (site.h): tag and folder pages, the nav fragment, the feeds.
 * Site machinery like the 404 page: Last-Modified is when ingestd started, the ETag comes
 * from the body, and no view is counted.
 */
static int
build_generated(struct build *b, const char *url, const struct source_render *r, uint64_t gen,
                struct buf *out)
{
	struct layout_page chrome = {0};
	build_layout_site(b, &chrome);
	struct site_look look = {b->cfg, b->css_url, build_live_url(b), &chrome};
	const char *type;
	buf_reset(&b->page);
	int64_t t0 = stats_mono_us();
	int rc = site_page(b->site, &look, url, r->path, r->kind, &b->page, &type);
	b->render_us += (uint64_t)(stats_mono_us() - t0);
	if (rc < 0) {
		return rc;
	}
	struct page_input in = {
	        .status = 200,
	        .flags = PAGE_SPECIAL,
	        .gen = gen,
	        .mtime = b->start,
	        .content_type = type,
	        .cache_control = b->cfg->page_cache_control,
	        .body = buf_slice(&b->page),
	};
	return encode(b, &in, out);
}

/* The theme script, folio's icon and the vendor files: immutable, content-hashed URLs. */
static int
build_theme_file(struct build *b, const char *url, uint64_t gen, struct buf *out, bool *found)
{
	struct page_input in = {
	        .status = 200,
	        .flags = PAGE_SPECIAL,
	        .gen = gen,
	        .mtime = b->start,
	        .cache_control = BUILD_IMMUTABLE,
	};
	const struct vendor_file *vf;
	*found = true;
	if (strcmp(url, b->theme_url) == 0) {
		in.content_type = BUILD_JS_TYPE;
		in.body = themejs_source();
	} else if (strcmp(url, b->icon_url) == 0) {
		in.content_type = BUILD_SVG_TYPE;
		in.body = themejs_icon();
	} else if ((vf = vendor_get(b->vendor, url))) {
		in.content_type = vf->type;
		in.body = vf->body;
	} else {
		*found = false;
		return 0;
	}
	return encode(b, &in, out);
}

int
build_url(struct build *b, const char *url, uint64_t gen, struct buf *out, bool *del)
{
	*del = false;
	struct source_render r;
	buf_reset(&b->md);
	int rc = source_page_load(b->src, url, &r, &b->md);
	if (rc == ERR_NOTFOUND) {
		if (strcmp(url, URLS_NOT_FOUND) == 0) {
			return build_default_404(b, gen, out);
		}
		if (strcmp(url, b->css_url) == 0) {
			return build_css(b, gen, out);
		}
		if (b->live_url[0] && strcmp(url, b->live_url) == 0) {
			return build_livejs(b, gen, out);
		}
		bool found;
		rc = build_theme_file(b, url, gen, out, &found);
		if (found) {
			return rc;
		}
		*del = true;
		return 0;
	}
	if (rc < 0) {
		return rc;
	}
	switch (r.kind) {
	case URLS_NOTE:
	case URLS_NOTFOUND:
		rc = build_note(b, url, &r, r.kind == URLS_NOTFOUND, gen, out);
		break;
	case URLS_ASSET:
		rc = build_asset(b, &r, gen, out);
		break;
	case URLS_REDIRECT:
		rc = r.location ? build_redirect(b, r.location, gen, out) : ERR_CORRUPT;
		break;
	case URLS_TAG:
	case URLS_FOLDER:
	case URLS_SITE:
		rc = build_generated(b, url, &r, gen, out);
		break;
	default:
		rc = ERR_CORRUPT;
		break;
	}
	source_render_fini(&r);
	return rc;
}
