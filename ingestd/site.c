/*
 * site.c: generated pages: what a push changes of them, and their bodies (contract in
 * site.h).
 *
 * At push time each note the push touched (changed, deleted, or whose URL moved) is
 * compared with its listing row, the copy of what the lists showed of it: listed or not,
 * title, URL, date, description, tags. Only differences mark pages: its folder and the
 * tags concerned, and the site-wide files. Marked folders and tags are then checked for
 * whether they still hold a listed note (one indexed probe each), which adds or removes
 * the page's claim; a folder that appears or disappears marks its parent in turn.
 */
#include "ingestd/site.h"

#include <stdlib.h>
#include <string.h>

#include "ingestd/build.h"
#include "ingestd/ingest_impl.h"
#include "ingestd/plan.h"
#include "ingestd/sitedb.h"
#include "ingestd/source.h"
#include "ingestd/strset.h"
#include "ingestd/urls.h"
#include "ingestd/vault.h"
#include "renderer/layout.h"
#include "renderer/obsidian.h"
#include "renderer/sitegen.h"
#include "renderer/slug.h"
#include "shared/config.h"
#include "shared/defs.h"
#include "shared/err.h"

#define SITE_SEEDED_KEY "site_pages" /* meta key: "1" once the site tables are filled */
#define SITE_RSS_ITEMS  50

static const char *const site_files[] = {URLS_NAV, URLS_RSS, URLS_SITEMAP, URLS_ROBOTS};

/* --- tags ---------------------------------------------------------------------------------- */

/* Adds the slug_tag key of tag (as written, '#' or not) to set, if it is a valid tag. */
static void
add_tag(struct strset *set, struct slice tag)
{
	struct buf b;
	buf_init(&b, 0);
	buf_putc(&b, '#');
	size_t skip = tag.len && tag.ptr[0] == '#' ? 1 : 0;
	buf_put(&b, tag.ptr + skip, tag.len - skip);
	/* Frontmatter values must be whole tags by the same rule as "#tag" in text. */
	if (!b.err && b.len > 1 && obsidian_tag(b.ptr, b.len) == b.len) {
		buf_reset(&b);
		slug_tag((struct slice){tag.ptr + skip, tag.len - skip}, &b);
		if (!b.err && b.len) {
			strset_add(set, buf_cstr(&b));
		}
	}
	buf_fini(&b);
}

void
site_collect_tag(void *arg, struct slice tag)
{
	add_tag(arg, tag);
}

/* Adds the frontmatter tags ("a\nb", as the notes table keeps them) to set. */
static void
add_fm_tags(struct strset *set, const char *tags)
{
	while (tags && *tags) {
		const char *nl = strchr(tags, '\n');
		size_t n = nl ? (size_t)(nl - tags) : strlen(tags);
		add_tag(set, (struct slice){(const uint8_t *)tags, n});
		tags = nl ? nl + 1 : tags + n;
	}
}

static bool
same_set(const struct strset *a, const struct strset *b)
{
	if (a->count != b->count) {
		return false;
	}
	for (size_t i = 0; i < a->count; i++) {
		if (!strset_has(b, a->items[i])) {
			return false;
		}
	}
	return true;
}

/* --- dates --------------------------------------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool
digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return false;
		}
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/*
 * Reads a frontmatter date: "YYYY-MM-DD", optionally followed by 'T' or ' ' and "HH:MM"
 * or "HH:MM:SS" (UTC; a zone suffix is ignored). False if it is not one.
 */
static bool
parse_date(const char *s, int64_t *ts)
{
	int y, mo, d, h = 0, mi = 0, se = 0;
	if (!s || strlen(s) < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31) {
		return false;
	}
	const char *t = s + 10;
	if ((*t == 'T' || *t == ' ') && strlen(t) >= 6 && digits(t + 1, 2, &h) && t[3] == ':' &&
	    digits(t + 4, 2, &mi)) {
		if (t[6] == ':' && !digits(t + 7, 2, &se)) {
			se = 0;
		}
		if (h > 23 || mi > 59 || se > 60) {
			h = mi = se = 0;
		}
	}
	*ts = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return true;
}

/* --- push time ----------------------------------------------------------------------------- */

struct site_work {
	struct ingest *in;
	struct plan *j;
	struct sitedb *db;
	bool seed;              /* filling the tables for every note */
	struct strset tags;     /* tags whose pages may change */
	struct strset folders;  /* folders (vault paths, "" the root) whose pages may change */
	struct strset *render;  /* generated URLs to render */
	bool nav, rss, sitemap; /* site files to render */
	bool tag_index;         /* /tags to render */
	struct strset counted;  /* tags whose count of listed notes may have changed... */
	long *delta;            /* ...and by how much */
	struct strset old, now; /* a note's tags before and after */
	struct buf a, b, scratch;
};

static bool
str_eq_null(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Marks the folder holding path. */
static void
touch_parent(struct site_work *w, const char *path)
{
	const char *slash = strrchr(path, '/');
	buf_reset(&w->a);
	if (slash) {
		buf_put(&w->a, path, (size_t)(slash - path));
	}
	strset_add(&w->folders, buf_cstr(&w->a));
}

static void
touch_tags(struct site_work *w, const struct strset *tags)
{
	for (size_t i = 0; i < tags->count; i++) {
		strset_add(&w->tags, tags->items[i]);
	}
}

/* Adds d to the count of listed notes of each tag in tags that is not in but. */
static void
count_tags(struct site_work *w, const struct strset *tags, const struct strset *but, long d)
{
	for (size_t i = 0; i < tags->count; i++) {
		if (but && strset_has(but, tags->items[i])) {
			continue;
		}
		strset_add(&w->tags, tags->items[i]);
		if (strset_add(&w->counted, tags->items[i])) {
			w->delta = xrealloc(w->delta, w->counted.count * sizeof(*w->delta));
			w->delta[w->counted.count - 1] = 0;
		}
		w->delta[strset_index(&w->counted, tags->items[i])] += d;
	}
}

/* The body tags of a note this push did not render (seeding): renders it once for them. */
static int
seed_body_tags(struct site_work *w, const char *path, const char *url, struct strset *out)
{
	struct source_render r;
	buf_reset(&w->scratch);
	int rc = source_page_load(w->in->src, url, &r, &w->scratch);
	if (rc == ERR_NOTFOUND) {
		return 0;
	}
	if (rc < 0) {
		return rc;
	}
	if (r.kind == URLS_NOTE && strcmp(r.path, path) == 0) {
		struct buf html;
		buf_init(&html, 0);
		char *h1 = NULL;
		struct slice body = {w->scratch.ptr + r.body_off, w->scratch.len - r.body_off};
		build_on_tag(w->in->build, site_collect_tag, out);
		rc = build_fragment(w->in->build, path, body, &html, &h1, NULL, NULL);
		build_on_tag(w->in->build, NULL, NULL);
		free(h1);
		buf_fini(&html);
	}
	source_render_fini(&r);
	return rc == ERR_PROTO ? 0 : rc;
}

/* Compares one note with its listing row, stores what changed and marks pages. */
static int
site_note(struct site_work *w, const char *path)
{
	if (!vault_is_note_path(path) || urls_is_404_note(path)) {
		return 0;
	}
	struct plan *j = w->j;
	struct sitedb_note_copy old = {0}, now = {0};
	/* A file new in this push has no rows yet: two queries saved per note of a big push. */
	bool added = strset_has(&j->added, path);
	int rc = added ? ERR_NOTFOUND : sitedb_listing_get(w->db, path, &old);
	bool had = rc == 0;
	if (rc < 0 && rc != ERR_NOTFOUND) {
		return rc;
	}
	bool exists = false;
	long ni = strset_index(&j->note_paths, path);
	const struct vault_entry *e = vault_get(w->in->vault, path);
	if (e && ni >= 0) {
		/* Stored by this push: the notes row holds what the plan has at hand. */
		const struct build_meta *m = &j->notes[ni].m;
		now.title = xstrdup(m->title ? m->title : "");
		now.url = e->url ? xstrdup(e->url) : NULL;
		now.listed = e->url && !m->private_;
		now.description = m->description ? xstrdup(m->description) : NULL;
		now.date = m->date ? xstrdup(m->date) : NULL;
		now.tags = m->tags ? xstrdup(m->tags) : NULL;
		exists = true;
	} else if (e) {
		rc = sitedb_note_now(w->db, path, &now);
		exists = rc == 0;
		if (rc < 0 && rc != ERR_NOTFOUND) {
			sitedb_note_fini(&old);
			return rc;
		}
	}
	strset_clear(&w->old);
	strset_clear(&w->now);
	rc = added ? 0 : sitedb_tags_of(w->db, path, &w->old);
	if (!rc && exists) {
		if (ni >= 0 || w->seed) {
			add_fm_tags(&w->now, now.tags);
			if (ni >= 0) {
				for (size_t k = 0; k < j->notes[ni].tags.count; k++) {
					strset_add(&w->now, j->notes[ni].tags.items[k]);
				}
			} else if (now.url) {
				rc = seed_body_tags(w, path, now.url, &w->now);
			}
		} else {
			for (size_t k = 0; k < w->old.count; k++) {
				strset_add(&w->now, w->old.items[k]);
			}
		}
	}
	int64_t ts = 0;
	if (!rc && exists) {
		int64_t first = had ? old.first : j->now;
		if (!parse_date(now.date, &ts)) {
			ts = first;
		}
		struct sitedb_note n = {
		        .path = path,
		        .title = now.title,
		        .url = now.url,
		        .description = now.description,
		        .ts = ts,
		        .first = first,
		        .listed = now.listed,
		};
		rc = sitedb_listing_put(w->db, &n);
	} else if (!rc && had) {
		rc = sitedb_listing_del(w->db, path);
	}
	if (!rc && !same_set(&w->old, &w->now)) {
		rc = sitedb_tags_set(w->db, path, &w->now);
	}

	bool ol = had && old.listed, nl = exists && now.listed;
	if (!rc && (ol || nl)) {
		bool shown = ol != nl || !str_eq_null(old.title, now.title) ||
		             !str_eq_null(old.url, now.url);
		bool dated = ol != nl || old.ts != ts;
		if (shown) {
			touch_parent(w, path);
			w->nav = w->rss = w->sitemap = true;
			if (ol) {
				touch_tags(w, &w->old);
			}
			if (nl) {
				touch_tags(w, &w->now);
			}
		}
		if (ol && !nl) {
			count_tags(w, &w->old, NULL, -1);
		} else if (!ol && nl) {
			count_tags(w, &w->now, NULL, 1);
		}
		if (dated || !str_eq_null(old.description, now.description)) {
			w->rss = true;
		}
		if (dated) {
			w->sitemap = true;
		}
		if (ol && nl) {
			count_tags(w, &w->old, &w->now, -1);
			count_tags(w, &w->now, &w->old, 1);
		}
	}
	sitedb_note_fini(&old);
	sitedb_note_fini(&now);
	return rc;
}

/* Whether path holds a claim on url. */
static int
has_claim_cb(void *arg, const struct source_page *p)
{
	const char **want = arg;
	if (strcmp(p->path, want[0]) == 0) {
		want[1] = p->path; /* found (only compared with NULL) */
	}
	return 0;
}

/*
 * Makes the generated page (url, path, kind) claimed exactly when live. Returns 0 or an
 * ERR_*; *changed says whether the claim came or went.
 */
static int
set_claim(struct site_work *w, const char *url, const char *path, int kind, bool live,
          bool *changed)
{
	const char *want[2] = {path, NULL};
	int rc = source_claims_of_url(w->in->src, url, has_claim_cb, want);
	bool had = want[1] != NULL;
	*changed = had != live;
	if (rc || !*changed) {
		return rc;
	}
	if (live) {
		struct source_page c = {url, path, NULL, kind};
		rc = source_claim_add(w->in->src, &c);
	} else {
		rc = source_claims_del_path(w->in->src, path, NULL, NULL);
	}
	strset_add(&w->j->affected, url);
	return rc;
}

static int
site_folders(struct site_work *w)
{
	int rc = 0;
	for (size_t i = 0; i < w->folders.count && !rc; i++) {
		char *folder =
		        xstrdup(w->folders.items[i]); /* items may move as parents are added */
		bool live, changed;
		rc = sitedb_folder_live(w->db, folder, &live);
		buf_reset(&w->a);
		urls_folder(folder, &w->a);
		buf_reset(&w->b);
		buf_puts(&w->b, URLS_FOLDER_PATH);
		buf_puts(&w->b, folder);
		if (!rc && w->a.len <= URLS_MAX_LEN) {
			char *url = xstrdup(buf_cstr(&w->a));
			rc = set_claim(w, url, buf_cstr(&w->b), URLS_FOLDER, live, &changed);
			if (!rc && changed && *folder) {
				touch_parent(w, folder); /* the parent lists this folder */
			}
			if (live) {
				strset_add(w->render, url);
			}
			free(url);
		}
		free(folder);
	}
	return rc;
}

static int
site_tags(struct site_work *w)
{
	/* The tag index shows counts: it changes when one does (a tag coming or going too). */
	for (size_t i = 0; i < w->counted.count; i++) {
		w->tag_index |= w->delta[i] != 0;
	}
	/* A tag page lists nested tags and their notes: every ancestor of a marked tag too. */
	size_t n = w->tags.count;
	for (size_t i = 0; i < n; i++) {
		buf_reset(&w->a);
		buf_puts(&w->a, w->tags.items[i]);
		for (size_t k = w->a.len; k > 0; k--) {
			if (w->a.ptr[k - 1] == '/') {
				w->a.ptr[k - 1] = '\0';
				strset_add(&w->tags, (const char *)w->a.ptr);
			}
		}
	}
	int rc = 0;
	for (size_t i = 0; i < w->tags.count && !rc; i++) {
		const char *tag = w->tags.items[i];
		bool live, changed;
		rc = sitedb_tag_live(w->db, tag, &live);
		buf_reset(&w->a);
		urls_tag(tag, &w->a);
		if (!rc && w->a.len <= URLS_MAX_LEN) {
			const char *url = buf_cstr(&w->a);
			rc = set_claim(w, url, url, URLS_TAG, live, &changed);
			w->tag_index |= changed;
			if (live) {
				strset_add(w->render, url);
			}
		}
	}
	if (!rc && (w->tag_index || w->seed)) {
		bool live, changed;
		rc = sitedb_any_tag(w->db, &live);
		if (!rc) {
			rc = set_claim(w, URLS_TAGS, URLS_TAGS, URLS_TAG, live, &changed);
		}
		if (live) {
			strset_add(w->render, URLS_TAGS);
		}
	}
	return rc;
}

static int
site_files_claims(struct site_work *w)
{
	const bool want[] = {w->nav, w->rss, w->sitemap, w->seed};
	int rc = 0;
	for (size_t i = 0; i < ARRAY_LEN(site_files) && !rc; i++) {
		bool changed;
		rc = set_claim(w, site_files[i], site_files[i], URLS_SITE, true, &changed);
		if (want[i] || changed) {
			strset_add(w->render, site_files[i]);
		}
	}
	return rc;
}

static int
add_path(void *arg, const char *path, const struct source_note *n)
{
	(void)n;
	strset_add(arg, path);
	return 0;
}

bool
site_needs_seed(struct ingest *in)
{
	struct buf v;
	buf_init(&v, 0);
	bool seeded = source_meta_get(in->src, SITE_SEEDED_KEY, &v) == 0;
	buf_fini(&v);
	return !seeded && vault_notes(in->vault) > 0;
}

int
site_plan(struct ingest *in, struct plan *j, struct strset *render)
{
	struct site_work w = {.in = in, .j = j, .db = build_sitedb(in->build), .render = render};
	buf_init(&w.a, 0);
	buf_init(&w.b, 0);
	buf_init(&w.scratch, 0);
	struct strset notes;
	strset_init(&notes);
	struct buf flag;
	buf_init(&flag, 0);
	int rc = source_meta_get(in->src, SITE_SEEDED_KEY, &flag);
	w.seed = rc == ERR_NOTFOUND;
	rc = rc == ERR_NOTFOUND ? 0 : rc;
	buf_fini(&flag);
	if (!rc && w.seed) {
		/* Every note, once: the tables start from what the database already holds. */
		rc = source_notes_each(in->src, add_path, &notes);
		if (!rc) {
			rc = source_meta_set(in->src, SITE_SEEDED_KEY, "1");
		}
	}
	for (size_t i = 0; i < j->changed.count; i++) {
		strset_add(&notes, j->changed.items[i]);
	}
	for (size_t i = 0; i < j->moved.count; i++) {
		strset_add(&notes, j->moved.items[i]);
	}
	for (size_t i = 0; i < notes.count && !rc; i++) {
		rc = site_note(&w, notes.items[i]);
	}
	if (!rc) {
		rc = site_folders(&w);
	}
	if (!rc) {
		rc = site_tags(&w);
	}
	if (!rc) {
		rc = site_files_claims(&w);
	}
	strset_fini(&notes);
	strset_fini(&w.tags);
	strset_fini(&w.folders);
	strset_fini(&w.old);
	strset_fini(&w.counted);
	free(w.delta);
	strset_fini(&w.now);
	buf_fini(&w.a);
	buf_fini(&w.b);
	buf_fini(&w.scratch);
	return rc;
}

int
site_journal(struct ingest *in, struct plan *j, const struct strset *render)
{
	for (size_t i = 0; i < render->count; i++) {
		struct source_page_copy p;
		int rc = source_page_get(in->src, render->items[i], &p);
		if (rc == ERR_NOTFOUND) {
			continue;
		}
		if (rc < 0) {
			return rc;
		}
		if (urls_is_generated(p.kind)) {
			strset_add(&j->urls, render->items[i]);
		}
		source_page_copy_fini(&p);
	}
	return 0;
}

/* --- build time ---------------------------------------------------------------------------- */

struct note_list {
	struct sitegen_note *n;
	size_t count, cap;
};

static int
note_list_add(void *arg, const struct sitedb_note *n)
{
	struct note_list *l = arg;
	if (l->count == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->n = xrealloc(l->n, l->cap * sizeof(*l->n));
	}
	l->n[l->count++] = (struct sitegen_note){
	        .path = xstrdup(n->path),
	        .title = xstrdup(n->title ? n->title : ""),
	        .url = xstrdup(n->url ? n->url : "/"),
	        .description = n->description ? xstrdup(n->description) : NULL,
	        .ts = n->ts,
	};
	return 0;
}

static void
note_list_free(struct note_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free((char *)(uintptr_t)l->n[i].path);
		free((char *)(uintptr_t)l->n[i].title);
		free((char *)(uintptr_t)l->n[i].url);
		free((char *)(uintptr_t)l->n[i].description);
	}
	free(l->n);
}

struct tag_list {
	struct sitegen_tag *t;
	size_t count, cap;
};

static int
tag_list_add(void *arg, const char *tag, uint64_t count)
{
	struct tag_list *l = arg;
	if (l->count == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->t = xrealloc(l->t, l->cap * sizeof(*l->t));
	}
	l->t[l->count++] = (struct sitegen_tag){xstrdup(tag), count};
	return 0;
}

static void
tag_list_free(struct tag_list *l)
{
	for (size_t i = 0; i < l->count; i++) {
		free((char *)(uintptr_t)l->t[i].tag);
	}
	free(l->t);
}

/* Wraps content in the site's layout. */
static int
site_html(const struct site_look *look, const char *url, const char *title, struct slice content,
          struct buf *body)
{
	const struct config *c = look->cfg;
	struct buf canon;
	buf_init(&canon, 0);
	if (c->base_url && *c->base_url) {
		size_t n = strlen(c->base_url);
		while (n && c->base_url[n - 1] == '/') {
			n--;
		}
		buf_put(&canon, c->base_url, n);
		slug_href(slice_str(url), &canon);
	}
	struct layout_page lp = look->chrome ? *look->chrome : (struct layout_page){0};
	lp.site_title = c->site_title;
	lp.title = title;
	lp.canonical = canon.len ? buf_cstr(&canon) : NULL;
	lp.css_url = look->css_url;
	lp.home_url = "/";
	lp.content = content;
	lp.show_title = true;
	lp.live_url = look->live_url;
	lp.no_toc = true; // a list, not a note
	int rc = layout_page(&lp, body);
	buf_fini(&canon);
	return rc;
}

int
site_page(struct sitedb *db, const struct site_look *look, const char *url, const char *path,
          int kind, struct buf *body, const char **content_type)
{
	const char *base = look->cfg->base_url;
	struct note_list notes = {0};
	struct tag_list tags = {0};
	struct buf content, title;
	buf_init(&content, 0);
	buf_init(&title, 0);
	*content_type = "text/html; charset=utf-8";
	int rc = 0;
	bool html = true;
	if (kind == URLS_TAG && strcmp(path, URLS_TAGS) == 0) {
		rc = sitedb_tags_under(db, "", tag_list_add, &tags);
		sitegen_tag_index(tags.t, tags.count, &content);
		buf_puts(&title, "Tags");
	} else if (kind == URLS_TAG && strncmp(path, URLS_TAGS "/", strlen(URLS_TAGS) + 1) == 0) {
		const char *tag = path + strlen(URLS_TAGS) + 1;
		rc = sitedb_tag_notes(db, tag, note_list_add, &notes);
		if (!rc) {
			rc = sitedb_tags_under(db, tag, tag_list_add, &tags);
		}
		sitegen_tag_page(tag, notes.n, notes.count, tags.t, tags.count, &content);
		buf_putc(&title, '#');
		buf_puts(&title, tag);
	} else if (kind == URLS_FOLDER &&
	           strncmp(path, URLS_FOLDER_PATH, strlen(URLS_FOLDER_PATH)) == 0) {
		const char *folder = path + strlen(URLS_FOLDER_PATH);
		rc = sitedb_folder_notes(db, folder, note_list_add, &notes);
		sitegen_sort_tree(notes.n, notes.count);
		sitegen_folder(folder, notes.n, notes.count, &content);
		const char *slash = strrchr(folder, '/');
		buf_puts(&title, *folder ? (slash ? slash + 1 : folder) : look->cfg->site_title);
	} else if (kind == URLS_SITE && strcmp(path, URLS_NAV) == 0) {
		html = false;
		rc = sitedb_folder_notes(db, "", note_list_add, &notes);
		sitegen_sort_tree(notes.n, notes.count);
		sitegen_nav(notes.n, notes.count, body);
	} else if (kind == URLS_SITE && strcmp(path, URLS_RSS) == 0) {
		html = false;
		rc = sitedb_recent(db, SITE_RSS_ITEMS, note_list_add, &notes);
		sitegen_rss(look->cfg->site_title, base, notes.n, notes.count, body);
		*content_type = "application/rss+xml; charset=utf-8";
	} else if (kind == URLS_SITE && strcmp(path, URLS_SITEMAP) == 0) {
		html = false;
		rc = sitedb_folder_notes(db, "", note_list_add, &notes);
		sitegen_sitemap(base, notes.n, notes.count, body);
		*content_type = "application/xml; charset=utf-8";
	} else if (kind == URLS_SITE && strcmp(path, URLS_ROBOTS) == 0) {
		html = false;
		sitegen_robots(base, body);
		*content_type = "text/plain; charset=utf-8";
	} else {
		rc = ERR_CORRUPT;
	}
	if (!rc && html) {
		rc = content.err ? content.err : title.err;
		if (!rc) {
			rc = site_html(look, url, buf_cstr(&title), buf_slice(&content), body);
		}
	}
	note_list_free(&notes);
	tag_list_free(&tags);
	buf_fini(&content);
	buf_fini(&title);
	return rc ? rc : body->err;
}
