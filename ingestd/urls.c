/*
 * urls.c: URL claims, the home page and collision winners (rules in urls.h). Everything
 * here is a pure function of its arguments, so a push and a rebuild always agree.
 */
#include "ingestd/urls.h"

#include <string.h>
#include <strings.h>

#include "renderer/slug.h"

static const char *const urls_home_names[] = {"index", "home", "readme"};

/* Best published note whose folded path key is key: the smallest path wins. */
static const struct vault_entry *
note_by_key(const struct vault *v, const char *key)
{
	const struct vault_entry *best = NULL;
	for (const struct vault_entry *e = vault_pkey_first(v, slice_str(key)); e;
	     e = vault_pkey_next(e)) {
		if (!e->is_note || !e->published || urls_is_404_note(e->path)) {
			continue;
		}
		if (!best || strcmp(e->path, best->path) < 0) {
			best = e;
		}
	}
	return best;
}

const struct vault_entry *
urls_home(const struct vault *v, const char *home_note)
{
	if (home_note && *home_note) {
		const struct vault_entry *e = vault_get(v, home_note);
		if (e && e->is_note && e->published) {
			return e;
		}
		struct buf key;
		buf_init(&key, 0);
		vault_key(slice_str(home_note), false, &key);
		e = note_by_key(v, buf_cstr(&key));
		buf_fini(&key);
		if (e) {
			return e;
		}
	}
	for (size_t i = 0; i < sizeof(urls_home_names) / sizeof(urls_home_names[0]); i++) {
		const struct vault_entry *e = note_by_key(v, urls_home_names[i]);
		if (e) {
			return e;
		}
	}
	/* None of the usual names: "/" is the root folder page (site.c). */
	return NULL;
}

bool
urls_is_404_note(const char *path)
{
	return strcasecmp(path, "404.md") == 0;
}

static bool
reserved(struct slice url)
{
	size_t n = strlen(URLS_RESERVED);
	return (url.len >= n && memcmp(url.ptr, URLS_RESERVED, n) == 0) ||
	       (url.len == n - 1 && memcmp(url.ptr, URLS_RESERVED, n - 1) == 0);
}

size_t
urls_claims(const char *path, bool is_note, bool published, const char *permalink, bool is_home,
            struct buf *main_url, struct buf *alias_url, struct urls_claim out[2], const char **why)
{
	*why = NULL;
	buf_reset(main_url);
	buf_reset(alias_url);
	if (!is_note && urls_is_layout(path)) {
		return 0;
	}
	if (!is_note) {
		slug_asset_url(slice_str(path), main_url);
		if (main_url->err) {
			*why = "URL cannot be built";
			return 0;
		}
		if (reserved(buf_slice(main_url))) {
			*why = "URLs under /_folio/ are reserved for the site";
			return 0;
		}
		if (main_url->len > URLS_MAX_LEN) {
			*why = "URL is longer than 500 bytes";
			return 0;
		}
		out[0] = (struct urls_claim){buf_cstr(main_url), path, URLS_ASSET, NULL};
		return 1;
	}
	if (!published) {
		return 0;
	}
	if (urls_is_404_note(path)) {
		buf_puts(main_url, URLS_NOT_FOUND);
		out[0] = (struct urls_claim){buf_cstr(main_url), path, URLS_NOTFOUND, NULL};
		return 1;
	}
	slug_note_url(slice_str(path), alias_url);
	if (is_home) {
		buf_putc(main_url, '/');
	} else if (permalink && *permalink) {
		slug_permalink(slice_str(permalink), main_url);
	} else {
		buf_put_slice(main_url, buf_slice(alias_url));
	}
	if (main_url->err || alias_url->err) {
		*why = "URL cannot be built";
		return 0;
	}
	if (main_url->len > URLS_MAX_LEN) {
		*why = "URL is longer than 500 bytes";
		return 0;
	}
	if (reserved(buf_slice(main_url))) {
		*why = "URLs under /_folio/ are reserved for the site";
		return 0;
	}
	out[0] = (struct urls_claim){buf_cstr(main_url), path, URLS_NOTE, NULL};
	if (slice_eq(buf_slice(main_url), buf_slice(alias_url)) || alias_url->len > URLS_MAX_LEN ||
	    reserved(buf_slice(alias_url))) {
		return 1;
	}
	out[1] = (struct urls_claim){buf_cstr(alias_url), path, URLS_REDIRECT, out[0].url};
	return 2;
}

bool
urls_is_layout(const char *path)
{
	return strncmp(path, "_layouts/", 9) == 0;
}

bool
urls_extra_claim(const char *path, const char *alias, const char *old_url, const char *main,
                 struct buf *url, struct urls_claim *out)
{
	buf_reset(url);
	if (alias) {
		slug_note_url(slice_str(alias), url);
	} else {
		buf_puts(url, old_url);
	}
	if (url->err || url->len > URLS_MAX_LEN || reserved(buf_slice(url)) ||
	    strcmp(buf_cstr(url), main) == 0) {
		return false;
	}
	*out = (struct urls_claim){buf_cstr(url), path, URLS_REDIRECT, main};
	return true;
}

bool
urls_is_generated(int kind)
{
	return kind == URLS_TAG || kind == URLS_FOLDER || kind == URLS_SITE;
}

static int
claim_rank(const struct urls_claim *c)
{
	return c->kind == URLS_REDIRECT ? 2 : urls_is_generated((int)c->kind) ? 1 : 0;
}

size_t
urls_winner(const struct urls_claim *c, size_t n)
{
	size_t best = 0;
	for (size_t i = 1; i < n; i++) {
		int ra = claim_rank(&c[i]), rb = claim_rank(&c[best]);
		if (ra < rb || (ra == rb && strcmp(c[i].path, c[best].path) < 0)) {
			best = i;
		}
	}
	return best;
}

void
urls_folder(const char *folder, struct buf *url)
{
	slug_permalink(slice_str(folder), url);
}

void
urls_tag(const char *tag, struct buf *url)
{
	buf_puts(url, URLS_TAGS "/");
	slug_tag(slice_str(tag), url);
}
