/*
 * site.h: the pages folio generates around the notes (URLs in urls.h, SQL in sitedb.h,
 * bodies in renderer/sitegen.h):
 *
 *   /tags/<tag>         notes carrying the tag or a tag nested under it, and those tags
 *   /tags               every tag with its count
 *   folder slug URL     each folder holding listed notes: its subfolders and notes ("/"
 *                       for the vault root when no home note claims it)
 *   /_folio/nav.html    the navigation tree, an HTML fragment the theme fetches
 *   /rss.xml, /sitemap.xml, /robots.txt
 *
 * A listed note is a published, non-private note that holds its note page; nothing else
 * shows in any list. Generated pages claim their URLs like files do and lose to notes and
 * assets (a vault's own rss.xml wins), beating redirects.
 *
 * Incremental: a push re-renders a generated page only when what it shows changed: a tag
 * page when a note's tags, title, URL or listed state change for that tag; a folder page
 * when a listed note in it comes, goes, is retitled or moves (and its parent when the
 * folder appears or disappears); the nav tree, feed and sitemap when the listed set,
 * titles, URLs or dates change. A body-only edit re-renders none of them. A page whose
 * last note goes loses its claim, so its record is deleted.
 */
#ifndef INGESTD_SITE_H
#define INGESTD_SITE_H

#include <stdbool.h>

#include "shared/buf.h"

struct config;
struct ingest;
struct plan;
struct sitedb;
struct strset;

/* --- push time (plan.c) --- */

/*
 * render_tag_fn for collecting a note's tags while it renders: arg is a struct strset of
 * slug_tag keys.
 */
void site_collect_tag(void *arg, struct slice tag);

/*
 * True when the site tables have not been filled from the notes yet (a database from a
 * folio without generated pages): ingest_open then runs an empty push, which fills them.
 */
bool site_needs_seed(struct ingest *in);

/*
 * Inside the push's transaction, after links: updates each changed note's tags and
 * listing, adds or removes the claims of generated pages (their URLs go into j->affected,
 * which the caller must have emptied and then give to the winners stage), and adds the
 * generated URLs whose content changed to render. Returns 0 or an ERR_*.
 */
int site_plan(struct ingest *in, struct plan *j, struct strset *render);

/* After the winners: journals the URLs of render that a generated page holds. */
int site_journal(struct ingest *in, struct plan *j, const struct strset *render);

/* --- build time (build.c) --- */

/* What a generated page needs besides the database. */
struct layout_page;

struct site_look {
	const struct config *cfg;
	const char *css_url;
	const char *live_url; /* NULL: none */
	/* The theme's site-wide layout fields (build_layout_site), or NULL for none. */
	const struct layout_page *chrome;
};

/*
 * Appends the body of the generated page at url (page row path and kind) to body and sets
 * *content_type (static). Returns 0, ERR_NOMEM, ERR_CORRUPT for a row it does not know, or
 * a database error.
 */
int site_page(struct sitedb *db, const struct site_look *look, const char *url, const char *path,
              int kind, struct buf *body, const char **content_type);

#endif
