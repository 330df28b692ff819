/*
 * plan.c: the SQLite half of a push (contract in plan.h). Stages run in order, each reading
 * what the ones before decided: files, home page, URL claims and their winners, which files
 * hold pages, links (rendering the pushed notes once on the way), links whose resolution
 * changed, and finally the journal of page keys. Only rows that depend on what changed are
 * touched; nothing scans the vault.
 */
#include "ingestd/plan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "ingestd/ingest_impl.h"
#include "ingestd/links.h"
#include "ingestd/site.h"
#include "ingestd/source.h"
#include "ingestd/urls.h"
#include "ingestd/vault.h"
#include "renderer/slug.h"
#include "shared/config.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/pushmsg.h"
#include "shared/sha256.h"

void
plan_init(struct plan *j, size_t nupserts)
{
	memset(j, 0, sizeof(*j));
	strset_init(&j->changed);
	strset_init(&j->added);
	strset_init(&j->note_paths);
	strset_init(&j->mains);
	strset_init(&j->won);
	strset_init(&j->deleted);
	strset_init(&j->claims);
	strset_init(&j->names);
	strset_init(&j->affected);
	strset_init(&j->holders);
	strset_init(&j->moved);
	strset_init(&j->rerender);
	strset_init(&j->content);
	strset_init(&j->urls);
	strset_init(&j->result_paths);
	strset_init(&j->layouts);
	strset_init(&j->alias_keys);
	j->notes = xcalloc(nupserts ? nupserts : 1, sizeof(*j->notes));
	j->results = xcalloc(nupserts ? nupserts : 1, sizeof(*j->results));
	buf_init(&j->a, 0);
	buf_init(&j->b, 0);
	buf_init(&j->w, 0);
}

void
plan_fini(struct plan *j)
{
	free(j->home);
	strset_fini(&j->changed);
	strset_fini(&j->added);
	for (size_t i = 0; i < j->mains.count; i++) {
		free(j->main_url[i]);
	}
	for (size_t i = 0; i < j->won.count; i++) {
		free(j->won_path[i]);
	}
	free(j->main_url);
	free(j->won_path);
	free(j->won_kind);
	strset_fini(&j->mains);
	strset_fini(&j->won);
	strset_fini(&j->deleted);
	strset_fini(&j->claims);
	strset_fini(&j->names);
	strset_fini(&j->affected);
	strset_fini(&j->holders);
	strset_fini(&j->moved);
	strset_fini(&j->rerender);
	strset_fini(&j->content);
	strset_fini(&j->urls);
	strset_fini(&j->result_paths);
	strset_fini(&j->layouts);
	strset_fini(&j->alias_keys);
	for (size_t i = 0; i < j->ngone; i++) {
		free(j->gone[i].path);
		free(j->gone[i].claim);
	}
	free(j->gone);
	for (size_t i = 0; i < j->nresults; i++) {
		free(j->results[i].url);
		buf_fini(&j->results[i].warnings);
	}
	free(j->results);
	for (size_t i = 0; i < j->nnotes; i++) {
		build_meta_fini(&j->notes[i].m);
		buf_fini(&j->notes[i].html);
		strset_fini(&j->notes[i].tags);
		free(j->notes[i].first_h1);
		free(j->notes[i].old_claim);
	}
	free(j->notes);
	strset_fini(&j->note_paths);
	buf_fini(&j->a);
	buf_fini(&j->b);
	buf_fini(&j->w);
}

static bool
str_eq_null(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void plan_warn(struct plan *j, const char *path, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Adds a warning to path's answer, if path is a file of this push; skips repeats. */
static void
plan_warn(struct plan *j, const char *path, const char *fmt, ...)
{
	long i = strset_index(&j->result_paths, path);
	if (i < 0) {
		return;
	}
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	struct buf *w = &j->results[i].warnings;
	buf_reset(&j->w);
	buf_put_json_str(&j->w, msg, strlen(msg));
	if (w->len && memmem(w->ptr, w->len, j->w.ptr, j->w.len)) {
		return;
	}
	if (w->len) {
		buf_putc(w, ',');
	}
	buf_put_slice(w, buf_slice(&j->w));
}

/* --- collecting rows ----------------------------------------------------------------------- */

static int
add_str(void *arg, const char *s)
{
	strset_add(arg, s);
	return 0;
}

static int
add_resolved(void *arg, const struct source_link *l)
{
	strset_add(arg, l->resolved);
	return 0;
}

static int
add_claim_url(void *arg, const struct source_page *c)
{
	strset_add(arg, c->url);
	return 0;
}

/* Adds the page keys path holds (redirects aside) to the URL set. */
static int
add_page_url(void *arg, const struct source_page *p)
{
	if (p->kind != URLS_REDIRECT) {
		strset_add(arg, p->url);
	}
	return 0;
}

/* --- stage: files -------------------------------------------------------------------------- */

/* Remembers a deleted note and its URL, in case an added note turns out to be the same. */
static int
gone_add(struct ingest *in, struct plan *j, const char *path, const char *sha256)
{
	struct source_note_copy n;
	int rc = source_note_get(in->src, path, &n);
	if (rc < 0 && rc != ERR_NOTFOUND) {
		return rc;
	}
	j->gone = xrealloc(j->gone, (j->ngone + 1) * sizeof(*j->gone));
	struct plan_gone *g = &j->gone[j->ngone++];
	g->path = xstrdup(path);
	snprintf(g->sha256, sizeof(g->sha256), "%s", sha256);
	g->claim = rc == 0 && n.claim ? xstrdup(n.claim) : NULL;
	if (rc == 0) {
		source_note_copy_fini(&n);
	}
	return 0;
}

static int
stage_delete(struct ingest *in, struct plan *j, const char *path)
{
	struct source_file_info fi;
	int rc = source_file_get(in->src, path, &fi);
	if (rc == ERR_NOTFOUND) {
		return 0;
	}
	if (rc < 0) {
		return rc;
	}
	strset_add(&j->deleted, path);
	strset_add(&j->changed, path);
	struct vault_entry *e = vault_get(in->vault, path);
	if (e) {
		strset_add(&j->names, e->name_key);
	}
	if (urls_is_layout(path)) {
		strset_add(&j->layouts, path);
	}
	if (fi.is_note) {
		rc = gone_add(in, j, path, fi.sha256);
		/* The notes it linked to lose a backlink. */
		if (!rc) {
			rc = source_links_from(in->src, path, add_resolved, &j->rerender);
		}
		if (!rc) {
			rc = source_links_del_src(in->src, path);
		}
		if (!rc) {
			rc = source_note_del(in->src, path);
		}
	}
	if (!rc) {
		rc = source_claims_del_path(in->src, path, add_claim_url, &j->affected);
	}
	if (!rc) {
		rc = source_file_del(in->src, path);
	}
	vault_remove(in->vault, path);
	return rc;
}

static int
stage_upsert(struct ingest *in, struct plan *j, const struct push_file *f)
{
	struct plan_file *r = &j->results[j->nresults++];
	r->path = f->path;
	buf_init(&r->warnings, 0);
	strset_add(&j->result_paths, f->path);

	struct source_file_info old, info = {0};
	int rc = source_file_get(in->src, f->path, &old);
	bool existed = rc == 0;
	if (rc < 0 && rc != ERR_NOTFOUND) {
		return rc;
	}
	sha256_hex(f->content.ptr, f->content.len, info.sha256);
	info.is_note = vault_is_note_path(f->path);
	if (existed && strcmp(old.sha256, info.sha256) == 0) {
		return 0; /* unchanged: nothing to store or render */
	}
	info.size = f->content.len;
	info.version = existed ? old.version + 1 : 1;
	info.mtime = j->now;
	rc = source_file_put(in->src, f->path, &info, f->content);
	if (rc < 0) {
		return rc;
	}
	struct vault_entry *e = vault_add(in->vault, f->path);
	if (!existed) {
		strset_add(&j->names, e->name_key);
		strset_add(&j->added, f->path);
	}
	strset_add(&j->changed, f->path);
	strset_add(&j->claims, f->path);
	if (urls_is_layout(f->path)) {
		strset_add(&j->layouts, f->path);
	}
	if (!info.is_note) {
		return 0;
	}

	/* The notes row is written once claims and URLs are known (stage_notes). */
	struct plan_note *nj = &j->notes[j->nnotes];
	buf_init(&nj->html, 0);
	rc = build_meta(f->path, f->content, &nj->m);
	if (rc < 0) {
		return rc;
	}
	j->nnotes++;
	nj->path = f->path;
	memcpy(nj->sha256, info.sha256, sizeof(nj->sha256));
	strset_add(&j->note_paths, f->path);
	if (nj->m.error[0]) {
		plan_warn(j, f->path, "frontmatter: %s", nj->m.error);
	}
	e->published = nj->m.published;
	nj->meta_changed = true;
	if (existed) {
		struct source_note_copy prev;
		rc = source_note_get(in->src, f->path, &prev);
		if (rc == 0) {
			nj->meta_changed = !str_eq_null(prev.title, nj->m.title) ||
			                   prev.private_ != nj->m.private_ ||
			                   prev.published != nj->m.published;
			nj->old_claim = prev.claim;
			prev.claim = NULL;
			source_note_copy_fini(&prev);
		}
		rc = rc == ERR_NOTFOUND ? 0 : rc;
	}
	return rc;
}

/*
 * The layout file a note asking for want uses: "_layouts/<want>.html" when the vault has
 * it, else "_layouts/note.html" when it has that, else "" (folio's own layout); *missing
 * says that want named a layout the vault lacks.
 */
static void
layout_pick(struct ingest *in, const char *want, struct buf *out, bool *missing)
{
	*missing = false;
	buf_reset(out);
	if (want && *want) {
		size_t n = strlen(want);
		bool ext = n > 5 && strcmp(want + n - 5, ".html") == 0;
		buf_printf(out, "_layouts/%s%s", want, ext ? "" : ".html");
		if (vault_get(in->vault, buf_cstr(out))) {
			return;
		}
		*missing = true;
	}
	buf_reset(out);
	if (vault_get(in->vault, "_layouts/note.html")) {
		buf_puts(out, "_layouts/note.html");
	}
}

/* Writes the notes rows of this push's notes, now that their claims and URLs are known. */
static int
stage_notes(struct ingest *in, struct plan *j)
{
	int rc = 0;
	for (size_t i = 0; i < j->nnotes && !rc; i++) {
		const struct plan_note *nj = &j->notes[i];
		const struct build_meta *m = &nj->m;
		const struct vault_entry *e = vault_get(in->vault, nj->path);
		long mi = strset_index(&j->mains, nj->path);
		if (!e) {
			continue;
		}
		struct source_note n = {
		        .title = m->title,
		        .name_key = e->name_key,
		        .path_key = e->path_key,
		        .claim = mi >= 0 ? j->main_url[mi] : NULL,
		        .url = e->url,
		        .permalink = m->permalink,
		        .description = m->description,
		        .date = m->date,
		        .tags = m->tags,
		        .image = m->image,
		        .cssclasses = m->cssclasses,
		        .body_off = m->body_off,
		        .frontmatter = m->frontmatter,
		        .published = m->published,
		        .private_ = m->private_,
		};
		rc = source_note_put(in->src, nj->path, &n);
		if (!rc) {
			bool missing;
			layout_pick(in, m->layout, &j->a, &missing);
			if (missing) {
				plan_warn(j, nj->path,
				          "layout \"%s\" not found in _layouts/: using the default "
				          "layout",
				          m->layout);
			}
			rc = source_note_extra_set(in->src, nj->path, m->aliases, m->layout,
			                           buf_cstr(&j->a));
		}
	}
	return rc;
}

/* --- stage: URLs --------------------------------------------------------------------------- */

static int
stage_home(struct ingest *in, struct plan *j)
{
	/* The home depends only on which notes exist and are published, and on home_note. A
	 * push that changes content but adds, deletes and re-publishes nothing keeps it (a
	 * changed home_note is applied at start-up by an empty push, which recomputes it). */
	bool same_notes = j->changed.count > 0 && j->added.count == 0 && j->deleted.count == 0;
	for (size_t i = 0; i < j->nnotes && same_notes; i++) {
		same_notes = !j->notes[i].meta_changed;
	}
	if (same_notes) {
		j->home = in->home ? xstrdup(in->home) : NULL;
		return 0;
	}
	const struct vault_entry *h = urls_home(in->vault, in->cfg->home_note);
	j->home = h ? xstrdup(h->path) : NULL;
	if (str_eq_null(j->home, in->home)) {
		return 0;
	}
	if (in->home) {
		strset_add(&j->claims, in->home);
	}
	if (j->home) {
		strset_add(&j->claims, j->home);
	}
	return source_meta_set(in->src, "home", j->home ? j->home : "");
}

/* Claims one redirect to a note (an alias or an old URL). */
static int
claim_redirect(struct ingest *in, struct plan *j, const struct urls_claim *c, bool alias)
{
	if (strcmp(c->url, "/") == 0) {
		return 0; /* the home page is nobody's old name */
	}
	struct source_page sp = {c->url, c->path, c->location, (int)c->kind};
	int rc = source_claim_add(in->src, &sp);
	strset_add(&j->affected, c->url);
	if (alias) {
		buf_reset(&j->w);
		buf_printf(&j->w, "%s\n%s", c->url, c->path);
		strset_add(&j->alias_keys, buf_cstr(&j->w));
	}
	return rc;
}

/*
 * The redirects a published note claims besides its slug URL: its old URLs (url_history;
 * its previous main URL joins them when it changed) and its aliases. read_aliases: take the
 * aliases from its notes row (a note this push did not change).
 */
static int
claim_extras(struct ingest *in, struct plan *j, const char *path, const char *main, const char *old,
             const char *aliases, bool read_aliases)
{
	struct source_note_extra x = {0};
	struct strset hist;
	struct buf url;
	strset_init(&hist);
	buf_init(&url, 0);
	int rc = 0;
	if (read_aliases) {
		rc = source_note_extra_get(in->src, path, &x);
		rc = rc == ERR_NOTFOUND ? 0 : rc;
		aliases = x.aliases;
	}
	if (!rc && old && strcmp(old, main) != 0 && strcmp(old, "/") != 0) {
		rc = source_hist_add(in->src, old, path);
	}
	if (!rc) {
		rc = source_hist_of_path(in->src, path, add_str, &hist);
	}
	for (size_t i = 0; i < hist.count && !rc; i++) {
		struct urls_claim c;
		if (strcmp(hist.items[i], main) == 0) {
			rc = source_hist_del(in->src, hist.items[i], path); /* back where it was */
			rc = rc < 0 ? rc : 0;
		} else if (urls_extra_claim(path, NULL, hist.items[i], main, &url, &c)) {
			rc = claim_redirect(in, j, &c, false);
		}
	}
	for (const char *a = aliases; a && *a && !rc;) {
		const char *nl = strchr(a, '\n');
		size_t n = nl ? (size_t)(nl - a) : strlen(a);
		char *one = xstrndup(a, n);
		struct urls_claim c;
		if (n && urls_extra_claim(path, one, NULL, main, &url, &c)) {
			rc = claim_redirect(in, j, &c, true);
		}
		free(one);
		a = nl ? nl + 1 : a + n;
	}
	source_note_extra_fini(&x);
	strset_fini(&hist);
	buf_fini(&url);
	return rc;
}

/*
 * Deleted notes whose content an added note has: a rename (or a move). The new path takes
 * over the old one's URLs (its main and slug URLs, and the old URLs it had inherited, so
 * a chain of renames collapses onto the newest path). A note deleted with no successor
 * takes its old URLs with it.
 */
static int
stage_renames(struct ingest *in, struct plan *j)
{
	struct strset taken;
	strset_init(&taken);
	int rc = 0;
	for (size_t g = 0; g < j->ngone && !rc; g++) {
		const struct plan_gone *gn = &j->gone[g];
		const char *to = NULL;
		for (size_t i = 0; i < j->nnotes && !to; i++) {
			const struct plan_note *nj = &j->notes[i];
			if (strset_has(&j->added, nj->path) && !strset_has(&taken, nj->path) &&
			    strcmp(nj->sha256, gn->sha256) == 0) {
				to = nj->path;
			}
		}
		if (!to) {
			rc = source_hist_del_path(in->src, gn->path);
			continue;
		}
		strset_add(&taken, to);
		rc = source_hist_move(in->src, gn->path, to);
		if (!rc && gn->claim && strcmp(gn->claim, "/") != 0) {
			rc = source_hist_add(in->src, gn->claim, to);
		}
		buf_reset(&j->a);
		slug_note_url(slice_str(gn->path), &j->a);
		if (!rc && !j->a.err && strcmp(buf_cstr(&j->a), "/") != 0) {
			rc = source_hist_add(in->src, buf_cstr(&j->a), to);
		}
	}
	strset_fini(&taken);
	return rc;
}

/* Computes the claims of one existing file again. */
static int
claim_file(struct ingest *in, struct plan *j, const char *path)
{
	struct vault_entry *e = vault_get(in->vault, path);
	if (!e) {
		return 0; /* deleted: its claims went with it */
	}
	int rc = 0;
	if (!strset_has(&j->added, path)) {
		rc = source_claims_del_path(in->src, path, add_claim_url, &j->affected);
		if (rc < 0) {
			return rc;
		}
	}
	struct source_note_copy n = {0};
	long ni = strset_index(&j->note_paths, path);
	bool claim_known = true; /* n.claim is what the notes row holds */
	if (ni >= 0) {
		/* Stored by this push: what the claims need is still at hand. A new note's row
		 * has no claim yet; an existing one's row kept its old claim, not read here. */
		n.published = j->notes[ni].m.published;
		n.permalink = j->notes[ni].m.permalink ? xstrdup(j->notes[ni].m.permalink) : NULL;
		claim_known = false;
	} else if (e->is_note) {
		rc = source_note_get(in->src, path, &n);
		if (rc < 0) {
			return rc;
		}
	}
	struct urls_claim c[2];
	const char *why;
	size_t nc = urls_claims(path, e->is_note, e->is_note ? n.published : true, n.permalink,
	                        str_eq_null(path, j->home), &j->a, &j->b, c, &why);
	if (why) {
		plan_warn(j, path, "no page: %s", why);
	}
	for (size_t i = 0; i < nc && !rc; i++) {
		struct source_page sp = {c[i].url, c[i].path, c[i].location, (int)c[i].kind};
		rc = source_claim_add(in->src, &sp);
		strset_add(&j->affected, c[i].url);
	}
	if (!rc && e->is_note && nc && c[0].kind == URLS_NOTE) {
		const char *old = ni >= 0 ? j->notes[ni].old_claim : n.claim;
		rc = claim_extras(in, j, path, c[0].url, old,
		                  ni >= 0 ? j->notes[ni].m.aliases : NULL, ni < 0);
	}
	if (!rc && e->is_note && ni < 0 &&
	    (!claim_known || !str_eq_null(n.claim, nc ? c[0].url : NULL))) {
		rc = source_note_set_claim(in->src, path, nc ? c[0].url : NULL);
	}
	if (strset_add(&j->mains, path)) {
		j->main_url = xrealloc(j->main_url, j->mains.count * sizeof(*j->main_url));
		j->main_url[j->mains.count - 1] = nc ? xstrdup(c[0].url) : NULL;
	}
	strset_add(&j->holders, path);
	source_note_copy_fini(&n);
	return rc;
}

/* The claims of one URL, copied. */
struct claim_list {
	struct urls_claim *c;
	size_t n, cap;
};

static int
claim_collect(void *arg, const struct source_page *p)
{
	struct claim_list *l = arg;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->c = xrealloc(l->c, l->cap * sizeof(*l->c));
	}
	l->c[l->n++] = (struct urls_claim){
	        .url = xstrdup(p->url),
	        .path = xstrdup(p->path),
	        .kind = (enum urls_kind)p->kind,
	        .location = p->location ? xstrdup(p->location) : NULL,
	};
	return 0;
}

static void
claim_list_clear(struct claim_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free((char *)(uintptr_t)l->c[i].url);
		free((char *)(uintptr_t)l->c[i].path);
		free((char *)(uintptr_t)l->c[i].location);
	}
	l->n = 0;
}

/* Tells every pushed claimant of a contested URL who else wants it and who won. */
static void
warn_collision(struct plan *j, const char *url, const struct claim_list *l, size_t win)
{
	/* Only vault pages collide: a generated page (a folder's list) yields to a note by
	 * design, and redirects yield to pages. */
	size_t pages = 0;
	for (size_t i = 0; i < l->n; i++) {
		pages += l->c[i].kind != URLS_REDIRECT && !urls_is_generated((int)l->c[i].kind);
	}
	if (pages < 2 || l->c[win].kind == URLS_REDIRECT) {
		return;
	}
	for (size_t i = 0; i < l->n; i++) {
		if (l->c[i].kind == URLS_REDIRECT || urls_is_generated((int)l->c[i].kind) ||
		    strset_index(&j->result_paths, l->c[i].path) < 0) {
			continue;
		}
		struct buf others;
		buf_init(&others, 0);
		for (size_t k = 0; k < l->n; k++) {
			if (k == i || l->c[k].kind == URLS_REDIRECT ||
			    urls_is_generated((int)l->c[k].kind)) {
				continue;
			}
			buf_puts(&others, others.len ? ", " : "");
			buf_puts(&others, l->c[k].path);
		}
		plan_warn(j, l->c[i].path, "URL %s also claimed by %s; %s wins", url,
		          buf_cstr(&others), l->c[win].path);
		buf_fini(&others);
	}
}

/*
 * After a page wins url: old URLs (url_history) other notes kept there are forgotten, with
 * their claims, since a page claims that URL again; aliases that lost say so in their
 * note's answer.
 */
static int
claims_lost(struct ingest *in, struct plan *j, const char *url, const struct claim_list *l,
            size_t win)
{
	int rc = 0;
	for (size_t i = 0; i < l->n && !rc; i++) {
		if (i == win || l->c[i].kind != URLS_REDIRECT) {
			continue;
		}
		buf_reset(&j->b);
		buf_printf(&j->b, "%s\n%s", url, l->c[i].path);
		if (strset_has(&j->alias_keys, buf_cstr(&j->b))) {
			plan_warn(j, l->c[i].path, "alias URL %s is taken by %s", url,
			          l->c[win].path);
		}
		if (l->c[win].kind == URLS_REDIRECT) {
			continue;
		}
		rc = source_hist_del(in->src, url, l->c[i].path);
		buf_reset(&j->b);
		slug_note_url(slice_str(l->c[i].path), &j->b);
		if (rc == 1 && strcmp(buf_cstr(&j->b), url) != 0) {
			/* An old URL, not the note's slug URL: its claim goes with it, so the
			 * URL does not come back to the note when the page leaves. */
			rc = source_claim_del(in->src, url, l->c[i].path);
		}
		rc = rc < 0 ? rc : 0;
	}
	return rc;
}

/* Gives each URL whose claims changed to its winner; records what changed hands. */
static int
stage_winners(struct ingest *in, struct plan *j)
{
	struct claim_list l = {0};
	int rc = 0;
	for (size_t i = 0; i < j->affected.count && !rc; i++) {
		const char *url = j->affected.items[i];
		claim_list_clear(&l);
		rc = source_claims_of_url(in->src, url, claim_collect, &l);
		if (rc < 0) {
			break;
		}
		struct source_page_copy cur;
		int grc = source_page_get(in->src, url, &cur);
		if (grc < 0 && grc != ERR_NOTFOUND) {
			rc = grc;
			break;
		}
		bool have = grc == 0;
		if (strset_add(&j->won, url)) {
			size_t k = j->won.count;
			j->won_path = xrealloc(j->won_path, k * sizeof(*j->won_path));
			j->won_kind = xrealloc(j->won_kind, k * sizeof(*j->won_kind));
			size_t w = l.n ? urls_winner(l.c, l.n) : 0;
			j->won_path[k - 1] = l.n ? xstrdup(l.c[w].path) : NULL;
			j->won_kind[k - 1] = l.n ? (int)l.c[w].kind : -1;
		}
		if (l.n == 0) {
			if (have) {
				rc = source_page_del(in->src, url);
				strset_add(&j->holders, cur.path);
				strset_add(&j->urls, url);
			}
		} else {
			size_t w = urls_winner(l.c, l.n);
			const struct urls_claim *c = &l.c[w];
			if (!have || strcmp(cur.path, c->path) != 0 || cur.kind != (int)c->kind ||
			    !str_eq_null(cur.location, c->location)) {
				struct source_page sp = {url, c->path, c->location, (int)c->kind};
				rc = source_page_put(in->src, &sp);
				strset_add(&j->urls, url);
				strset_add(&j->holders, c->path);
				if (have) {
					strset_add(&j->holders, cur.path);
				}
			}
			warn_collision(j, url, &l, w);
			rc = rc ? rc : claims_lost(in, j, url, &l, w);
		}
		if (have) {
			source_page_copy_fini(&cur);
		}
	}
	claim_list_clear(&l);
	free(l.c);
	return rc;
}

/* The URL a file's links point at now: its main claim, if it holds that page. */
static int
held_url(struct ingest *in, struct plan *j, const struct vault_entry *e, char **out)
{
	*out = NULL;
	buf_reset(&j->a);
	long mi = strset_index(&j->mains, e->path);
	if (mi >= 0) {
		if (j->main_url[mi]) {
			buf_puts(&j->a, j->main_url[mi]);
		}
	} else if (e->is_note) {
		struct source_note_copy n;
		int rc = source_note_get(in->src, e->path, &n);
		if (rc < 0) {
			return rc == ERR_NOTFOUND ? 0 : rc;
		}
		if (n.claim) {
			buf_puts(&j->a, n.claim);
		}
		source_note_copy_fini(&n);
	} else {
		const char *why;
		struct urls_claim c[2];
		if (urls_claims(e->path, false, true, NULL, false, &j->a, &j->b, c, &why) == 0) {
			return 0;
		}
	}
	if (j->a.len == 0) {
		return 0;
	}
	const char *url = buf_cstr(&j->a);
	long wi = strset_index(&j->won, url);
	if (wi >= 0) {
		int kind = j->won_kind[wi];
		if (j->won_path[wi] && strcmp(j->won_path[wi], e->path) == 0 &&
		    (kind == URLS_NOTE || kind == URLS_ASSET)) {
			*out = xstrdup(url);
		}
		return 0;
	}
	struct source_page_copy p;
	int rc = source_page_get(in->src, url, &p);
	if (rc == ERR_NOTFOUND) {
		return 0;
	}
	if (rc < 0) {
		return rc;
	}
	if (strcmp(p.path, e->path) == 0 && (p.kind == URLS_NOTE || p.kind == URLS_ASSET)) {
		*out = xstrdup(url);
	}
	source_page_copy_fini(&p);
	return 0;
}

/* Updates the index's URL of every file that may have gained or lost a page. */
static int
stage_holders(struct ingest *in, struct plan *j)
{
	for (size_t i = 0; i < j->holders.count; i++) {
		struct vault_entry *e = vault_get(in->vault, j->holders.items[i]);
		if (!e) {
			continue;
		}
		char *url;
		int rc = held_url(in, j, e, &url);
		if (rc < 0) {
			return rc;
		}
		if (!str_eq_null(url, e->url)) {
			vault_set_url(e, url);
			strset_add(&j->moved, e->path);
			if (e->is_note && !strset_has(&j->note_paths, e->path)) {
				rc = source_note_set_url(in->src, e->path, url);
			}
		}
		free(url);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

/* --- stage: links -------------------------------------------------------------------------- */

struct scan {
	struct ingest *in;
	struct plan *j;
	const char *src;
	struct strset *targets;
	struct buf target, name, frag;
	int err;
};

/* Stores one link of the note being scanned or rendered; e is where it resolved. */
static void
record_link(void *arg, const struct render_link *l, const struct vault_entry *e)
{
	struct scan *s = arg;
	if (s->err || l->target.len == 0) {
		return; /* [[#Heading]] points into the note itself */
	}
	buf_reset(&s->name);
	links_target_name(l->target, &s->name);
	if (s->name.len == 0) {
		return;
	}
	buf_reset(&s->target);
	buf_put_slice(&s->target, l->target);
	buf_reset(&s->frag);
	buf_put_slice(&s->frag, l->frag);
	struct source_link row = {
	        .src = s->src,
	        .target = buf_cstr(&s->target),
	        .target_name = buf_cstr(&s->name),
	        .frag = buf_cstr(&s->frag),
	        .resolved = e ? e->path : NULL,
	        .kind = (int)l->kind,
	        .embed = l->embed,
	};
	if (s->target.err || s->name.err || s->frag.err) {
		s->err = ERR_NOMEM;
		return;
	}
	s->err = source_link_add(s->in->src, &row);
	if (e) {
		strset_add(s->targets, e->path);
	}
}

static void
scan_link(void *arg, const struct render_link *l)
{
	struct scan *s = arg;
	if (!s->err && l->target.len) {
		record_link(arg, l, links_resolve(s->in->vault, s->src, l->kind, l->target));
	}
}

/* Stores the links of each changed note and re-renders targets whose backlinks changed. */
static int
stage_links(struct ingest *in, struct plan *j)
{
	struct strset before, after;
	strset_init(&before);
	strset_init(&after);
	struct scan s = {.in = in, .j = j, .targets = &after};
	buf_init(&s.target, 0);
	buf_init(&s.name, 0);
	buf_init(&s.frag, 0);
	int rc = 0;
	for (size_t i = 0; i < j->nnotes && !rc; i++) {
		struct plan_note *nj = &j->notes[i];
		struct slice body = nj->m.body;
		strset_clear(&before);
		strset_clear(&after);
		if (!strset_has(&j->added, nj->path)) {
			rc = source_links_from(in->src, nj->path, add_resolved, &before);
			if (!rc) {
				rc = source_links_del_src(in->src, nj->path);
			}
		}
		if (rc) {
			break;
		}
		s.src = nj->path;
		s.err = 0;
		/* A note that will have a page renders now, once: the links come out of the
		 * render and the fragment waits in the plan for the page to be built. URLs are
		 * final at this point, so the fragment is what a later render would give. */
		const struct vault_entry *e = vault_get(in->vault, nj->path);
		if (e && (e->url || (urls_is_404_note(nj->path) && e->published))) {
			build_on_tag(in->build, site_collect_tag, &nj->tags);
			rc = build_fragment(in->build, nj->path, body, &nj->html, &nj->first_h1,
			                    record_link, &s);
			build_on_tag(in->build, NULL, NULL);
			nj->rendered = rc == 0;
		} else {
			rc = render_scan_links(body, scan_link, &s);
		}
		if (rc == ERR_PROTO) {
			rc = 0; /* md4c gave up on this note: it has no links we can see */
		}
		struct render_link img;
		if (!rc && nj->m.image && build_image_link(nj->m.image, &img)) {
			/* The frontmatter image is a link too: the page shows the file's URL. */
			scan_link(&s, &img);
		}
		if (!rc) {
			rc = s.err;
		}
		bool all = nj->meta_changed || strset_has(&j->moved, nj->path);
		for (size_t k = 0; k < before.count; k++) {
			if (all || !strset_has(&after, before.items[k])) {
				strset_add(&j->rerender, before.items[k]);
			}
		}
		for (size_t k = 0; k < after.count; k++) {
			if (all || !strset_has(&before, after.items[k])) {
				strset_add(&j->rerender, after.items[k]);
			}
		}
	}
	buf_fini(&s.target);
	buf_fini(&s.name);
	buf_fini(&s.frag);
	strset_fini(&before);
	strset_fini(&after);
	return rc;
}

/* Links whose target name was added or removed, copied for re-resolution. */
struct relink {
	int64_t id;
	char *src, *target, *resolved;
	int kind;
};

struct relink_list {
	struct relink *r;
	size_t n, cap;
	const struct strset *skip; /* sources re-scanned in this push */
};

static int
relink_collect(void *arg, const struct source_link *l)
{
	struct relink_list *rl = arg;
	if (strset_has(rl->skip, l->src)) {
		return 0;
	}
	if (rl->n == rl->cap) {
		rl->cap = rl->cap ? rl->cap * 2 : 16;
		rl->r = xrealloc(rl->r, rl->cap * sizeof(*rl->r));
	}
	rl->r[rl->n++] = (struct relink){
	        .id = l->id,
	        .src = xstrdup(l->src),
	        .target = xstrdup(l->target ? l->target : ""),
	        .resolved = l->resolved ? xstrdup(l->resolved) : NULL,
	        .kind = l->kind,
	};
	return 0;
}

/* Re-resolves links that may point elsewhere now that files came or went. */
static int
stage_names(struct ingest *in, struct plan *j)
{
	struct relink_list rl = {.skip = &j->changed};
	int rc = 0;
	for (size_t i = 0; i < j->names.count && !rc; i++) {
		rc = source_links_named(in->src, j->names.items[i], relink_collect, &rl);
	}
	for (size_t i = 0; i < rl.n; i++) {
		struct relink *r = &rl.r[i];
		if (!rc) {
			const struct vault_entry *e =
			        links_resolve(in->vault, r->src, (enum render_link_kind)r->kind,
			                      slice_str(r->target));
			const char *now = e ? e->path : NULL;
			if (!str_eq_null(now, r->resolved)) {
				rc = source_link_set_resolved(in->src, r->id, now);
				strset_add(&j->rerender, r->src);
				strset_add(&j->content, r->src);
				strset_add(&j->rerender, r->resolved);
				strset_add(&j->rerender, now);
			}
		}
		free(r->src);
		free(r->target);
		free(r->resolved);
	}
	free(rl.r);
	return rc;
}

/* Notes linking to a file whose URL changed, and the targets whose backlinks show it. */
static int
stage_moved(struct ingest *in, struct plan *j)
{
	int rc = 0;
	for (size_t i = 0; i < j->moved.count && !rc; i++) {
		/* Links to a file new in this push, and its own links, were handled when they
		 * were stored or re-resolved: their sources are rendered already. */
		if (strset_has(&j->added, j->moved.items[i])) {
			continue;
		}
		rc = source_links_to(in->src, j->moved.items[i], add_str, &j->rerender);
		if (!rc) {
			rc = source_links_from(in->src, j->moved.items[i], add_resolved,
			                       &j->rerender);
		}
	}
	return rc;
}

static int
add_layout_user(void *arg, const char *path, const char *want, const char *layout)
{
	(void)want;
	(void)layout;
	strset_add(arg, path);
	return 0;
}

/*
 * Notes whose layout file was added, changed or deleted: each one using it, asking for it,
 * or (for _layouts/note.html) falling back to folio's layout, is rendered again when the
 * layout it uses is that file or changes. Notes of this push chose theirs in stage_notes.
 */
static int
stage_layouts(struct ingest *in, struct plan *j)
{
	struct strset users;
	strset_init(&users);
	struct buf name;
	buf_init(&name, 0);
	int rc = 0;
	for (size_t i = 0; i < j->layouts.count && !rc; i++) {
		const char *file = j->layouts.items[i];
		const char *base = file + strlen("_layouts/");
		size_t n = strlen(base);
		if (strchr(base, '/') || n <= 5 || strcmp(base + n - 5, ".html") != 0) {
			continue; /* not a layout a note can name */
		}
		buf_reset(&name);
		buf_put(&name, base, n - 5);
		strset_clear(&users);
		rc = source_notes_of_layout(in->src, file, buf_cstr(&name),
		                            strcmp(buf_cstr(&name), "note") == 0, add_layout_user,
		                            &users);
		for (size_t k = 0; k < users.count && !rc; k++) {
			const char *path = users.items[k];
			if (strset_has(&j->note_paths, path)) {
				continue;
			}
			struct source_note_extra x;
			rc = source_note_extra_get(in->src, path, &x);
			if (rc) {
				rc = rc == ERR_NOTFOUND ? 0 : rc;
				continue;
			}
			bool missing;
			layout_pick(in, x.layout_want, &j->a, &missing);
			if (strcmp(buf_cstr(&j->a), x.layout) != 0) {
				rc = source_note_set_layout(in->src, path, buf_cstr(&j->a));
				strset_add(&j->rerender, path);
			} else if (strcmp(x.layout, file) == 0) {
				strset_add(&j->rerender, path);
			}
			source_note_extra_fini(&x);
		}
	}
	strset_fini(&users);
	buf_fini(&name);
	return rc;
}

/* Generated pages (site.h): claims given to their winners, then what must render. */
static int
stage_site(struct ingest *in, struct plan *j)
{
	struct strset render;
	strset_init(&render);
	strset_clear(&j->affected); /* the URL stages are done with it */
	int rc = site_plan(in, j, &render);
	if (!rc) {
		rc = stage_winners(in, j);
	}
	if (!rc) {
		rc = site_journal(in, j, &render);
	}
	strset_fini(&render);
	return rc;
}

/*
 * Notes that embed a note whose rendered body may have changed render again, and so do
 * their embedders, transitively (A embeds B embeds C: C changes, B and A render). A body
 * changes with the note's content or metadata (the embed shows its title), its URL (the
 * embed's title link), and the resolution or URL of any link in it. Backlinks are not part
 * of an embed, so a note re-rendered only for them does not spread.
 */
static int
stage_embeds(struct ingest *in, struct plan *j)
{
	int rc = 0;
	for (size_t i = 0; i < j->changed.count; i++) {
		strset_add(&j->content, j->changed.items[i]);
	}
	for (size_t i = 0; i < j->moved.count && !rc; i++) {
		strset_add(&j->content, j->moved.items[i]);
		rc = source_links_to(in->src, j->moved.items[i], add_str, &j->content);
	}
	/* content grows as embedders are found: the loop walks it as a queue. */
	for (size_t i = 0; i < j->content.count && !rc; i++) {
		size_t before = j->content.count;
		if (!vault_is_note_path(j->content.items[i])) {
			continue; // a new image shows at the same URL: its embedders stay
		}
		rc = source_embedders(in->src, j->content.items[i], add_str, &j->content);
		for (size_t k = before; k < j->content.count; k++) {
			strset_add(&j->rerender, j->content.items[k]);
		}
	}
	return rc;
}

/* Adds the key of every page with a layout (not assets nor redirects) to the URL set. */
static int
add_layout_url(void *arg, const struct source_page *p)
{
	if (p->kind != URLS_REDIRECT && p->kind != URLS_ASSET && p->kind != URLS_SITE) {
		strset_add(arg, p->url);
	}
	return 0;
}

/*
 * A vault site file (publish.css, publish.js, a favicon) that came or went changes every
 * page's <head>: all pages with a layout are rendered again (not the nav fragment nor the
 * feeds). Editing one changes only its own record.
 */
static int
stage_site_files(struct ingest *in, struct plan *j)
{
	bool any = false;
	for (size_t i = 0; i < j->added.count && !any; i++) {
		any = build_is_site_file(j->added.items[i]);
	}
	for (size_t i = 0; i < j->deleted.count && !any; i++) {
		any = build_is_site_file(j->deleted.items[i]);
	}
	if (!any) {
		return 0;
	}
	strset_add(&j->urls, URLS_NOT_FOUND);
	return source_pages_each(in->src, add_layout_url, &j->urls);
}

/* Turns changed and dependent paths into page keys and journals them. */
static int
stage_journal(struct ingest *in, struct plan *j)
{
	int rc = 0;
	for (size_t i = 0; i < j->changed.count && !rc; i++) {
		/* A new file's pages were all written by stage_winners, so are listed already. */
		if (!strset_has(&j->deleted, j->changed.items[i]) &&
		    !strset_has(&j->added, j->changed.items[i])) {
			rc = source_pages_of_path(in->src, j->changed.items[i], add_page_url,
			                          &j->urls);
		}
	}
	for (size_t i = 0; i < j->rerender.count && !rc; i++) {
		rc = source_pages_of_path(in->src, j->rerender.items[i], add_page_url, &j->urls);
	}
	if (!rc) {
		rc = source_journal_add(in->src, j->gen, j->urls.items, j->urls.count);
	}
	if (!rc) {
		rc = source_meta_set_u64(in->src, "gen", j->gen);
	}
	if (!rc) {
		rc = source_meta_set_u64(in->src, "last_push", (uint64_t)j->now);
	}
	return rc;
}

int
plan_build(struct ingest *in, const struct push *p, struct plan *j)
{
	/* Keep LMDB's last generation journaled: its meta page is durable only once a later
	 * commit has synced (MDB_NOMETASYNC, store.h), so a power loss may still undo it. */
	int rc = source_journal_clear(in->src, in->lmdb_gen > 0 ? in->lmdb_gen - 1 : 0);
	for (size_t i = 0; i < p->ndeletes && !rc; i++) {
		rc = stage_delete(in, j, p->deletes[i]);
	}
	for (size_t i = 0; i < p->nupserts && !rc; i++) {
		rc = stage_upsert(in, j, &p->upserts[i]);
	}
	for (size_t i = 0; in->reclaim && i < in->reclaim->count; i++) {
		strset_add(&j->claims, in->reclaim->items[i]); // keys refolded at start-up
	}
	if (!rc) {
		rc = stage_renames(in, j);
	}
	if (!rc) {
		rc = stage_home(in, j);
	}
	for (size_t i = 0; i < j->claims.count && !rc; i++) {
		rc = claim_file(in, j, j->claims.items[i]);
	}
	if (!rc) {
		rc = stage_winners(in, j);
	}
	if (!rc) {
		rc = stage_holders(in, j);
	}
	if (!rc) {
		rc = stage_notes(in, j);
	}
	if (!rc) {
		rc = stage_links(in, j);
	}
	if (!rc) {
		rc = stage_names(in, j);
	}
	if (!rc) {
		rc = stage_moved(in, j);
	}
	if (!rc) {
		rc = stage_layouts(in, j);
	}
	if (!rc) {
		rc = stage_embeds(in, j);
	}
	if (!rc) {
		rc = stage_site(in, j);
	}
	if (!rc) {
		rc = stage_site_files(in, j);
	}
	if (!rc) {
		rc = stage_journal(in, j);
	}
	return rc;
}

/* Records "link to missing note" warnings while the push's pages render. */
void
plan_missing(void *arg, const char *path, const struct render_link *l)
{
	struct plan *j = arg;
	const char *what = "note";
	struct slice t = l->target;
	const uint8_t *dot = NULL;
	for (size_t i = 0; i < t.len; i++) {
		if (t.ptr[i] == '.') {
			dot = t.ptr + i;
		} else if (t.ptr[i] == '/') {
			dot = NULL;
		}
	}
	if (dot && !slice_case_eq_str((struct slice){dot, (size_t)(t.ptr + t.len - dot)}, ".md")) {
		what = "file";
	}
	plan_warn(j, path, "link to missing %s \"%.*s\"", what, (int)MIN(t.len, 300),
	          (const char *)t.ptr);
}

/* Hands build_url the fragments stage_links rendered. */
bool
plan_fragment(void *arg, const char *path, struct slice *html, const char **first_h1)
{
	struct plan *j = arg;
	long i = strset_index(&j->note_paths, path);
	if (i < 0 || !j->notes[i].rendered) {
		return false;
	}
	*html = buf_slice(&j->notes[i].html);
	*first_h1 = j->notes[i].first_h1;
	return true;
}
