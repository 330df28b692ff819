/*
 * build.h: turns one page row (notes, assets, redirects, the 404 page, the theme CSS) into
 * the page record LMDB stores. A build reads note sources and backlinks from SQLite and link
 * targets from the vault index, renders with the renderer, compresses once with a reused
 * compressor, and reuses its buffers across pages, so a push allocates little per page.
 */
#ifndef INGESTD_BUILD_H
#define INGESTD_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#include "renderer/render.h"
#include "shared/buf.h"
#include "shared/pagefmt.h"

struct build;
struct compressor;
struct config;
struct sitedb;
struct source;
struct vault;

/* What build_meta learns from a note's source, for the notes table. Heap strings. */
struct build_meta {
	char *title;       /* frontmatter title, else the file name without ".md" */
	char *permalink;   /* NULL if none; a slug becomes the note's folder + "/" + slug */
	char *description; /* NULL if none */
	char *date;        /* as written, NULL if none */
	char *tags;        /* tags joined by '\n', NULL if none */
	char *image;       /* image or cover as written, NULL if none */
	char *cssclasses;  /* joined by '\n', NULL if none */
	char *frontmatter; /* JSON object: tags, aliases, date, image, cssclasses */
	char *aliases;     /* aliases joined by '\n', NULL if none */
	char *layout;      /* frontmatter layout name, NULL if none */
	bool published;    /* not publish:false nor draft:true */
	bool private_;     /* private: true */
	struct slice body; /* the markdown after the frontmatter block, into the content */
	size_t body_off;   /* where body starts in the content */
	char error[200];   /* frontmatter problem ("line 3: ..."), empty if none */
};

/* Parses content's frontmatter. Never fails on bad YAML (error[] says why); ERR_NOMEM only. */
int build_meta(const char *path, struct slice content, struct build_meta *m);
void build_meta_fini(struct build_meta *m);

struct vault_entry;

/* Called for each link a rendered note could not resolve. */
typedef void build_missing_fn(void *arg, const char *path, const struct render_link *link);

/* Called for each link of a note as it renders, with the file it resolved to (or NULL). */
typedef void build_link_fn(void *arg, const struct render_link *link,
                           const struct vault_entry *target);

/*
 * Looks up the HTML fragment of a note rendered earlier in the same push (by
 * build_fragment): returns true and sets *html (and *first_h1, may be NULL) if there is one.
 * The memory stays the caller's and must live until the page is built.
 */
typedef bool build_cached_fn(void *arg, const char *path, struct slice *html,
                             const char **first_h1);

/*
 * A builder bound to the config, database and index (all borrowed; they must outlive it).
 * Returns NULL if zlib cannot allocate. Free with build_free.
 */
struct build *build_new(const struct config *c, struct source *src, struct vault *v);
void build_free(struct build *b); /* NULL is a no-op */

/* URL of the theme stylesheet: "/_folio/folio.<12 hex of its SHA-256>.css". */
const char *build_css_url(const struct build *b);
/* URL of the live-reload script ("/_folio/live.<12 hex>.js"), or NULL when live_reload is off. */
const char *build_live_url(const struct build *b);
/* A digest of everything besides the vault that shapes pages (theme, site settings). */
const char *build_signature(const struct build *b);

struct layouts;
/*
 * Renders notes whose notes.layout names a vault layout with it, compiled through l
 * (borrowed; must outlive the builder). Without it every note gets folio's layout.
 */
void build_set_layouts(struct build *b, struct layouts *l);
/* Reports the tags of notes rendered from now on to fn (NULL to stop). */
void build_on_tag(struct build *b, render_tag_fn *fn, void *arg);

/* The generated pages' statements (sitedb.h), owned by the builder. */
struct sitedb *build_sitedb(struct build *b);

struct layout_page;
struct strset;

/*
 * Fills the site-wide fields of a page's layout: the theme's stylesheet and scripts, the
 * sidebar's nav fragment, the vendor libraries, and the vault's publish.css, publish.js and
 * favicons (else folio's icon). Every page built with layout_page() gets them, list pages
 * too. The strings belong to b and stay valid until the vault's set of files changes.
 */
void build_layout_site(struct build *b, struct layout_page *lp);

/*
 * True for the vault's site files: publish.css, publish.js, favicon.ico, favicon.svg and
 * favicon-*.png at the root. Adding or removing one changes every page's <head>.
 */
bool build_is_site_file(const char *path);

/* Adds the URLs of the theme script, folio's icon and the vendor files to urls. */
void build_add_specials(const struct build *b, struct strset *urls);

/* Reports unresolved links of notes rendered from now on to fn (NULL to stop). */
void build_on_missing(struct build *b, build_missing_fn *fn, void *arg);

/* Makes build_url use fragments from fn instead of rendering again (NULL to stop). */
void build_on_cached(struct build *b, build_cached_fn *fn, void *arg);

/*
 * Renders the markdown body of the note at path into an HTML fragment appended to out,
 * resolving links through the vault index (which must hold this push's final URLs) and
 * reporting each link to fn (may be NULL). *first_h1 gets a heap copy of the first H1's
 * text or NULL; the caller frees it. Returns 0 or ERR_NOMEM; markdown md4c cannot parse
 * becomes preformatted text.
 */
int build_fragment(struct build *b, const char *path, struct slice body, struct buf *out,
                   char **first_h1, build_link_fn *fn, void *arg);

/*
 * Builds the record that LMDB must hold at url for generation gen, appending it to out.
 * *del is set instead when the key must be deleted (no page row and not a special URL).
 * Returns 0, ERR_NOMEM, or an error from the database.
 */
int build_url(struct build *b, const char *url, uint64_t gen, struct buf *out, bool *del);

/*
 * Reads a frontmatter image value as a link: false for an http(s) URL (used as written);
 * else true with *link set to an image link ("img/a.png") or a wikilink ("[[a.png]]"),
 * its target pointing into image.
 */
bool build_image_link(const char *image, struct render_link *link);

/*
 * Makes the next records carry *gz (borrowed until the next call; empty for none) as their
 * gzip body instead of compressing, so a check can rebuild a stored record byte for byte
 * without redoing the costly half of the work. NULL goes back to compressing.
 */
void build_give_gzip(struct build *b, const struct slice *gz);

/*
 * A page on its way to a record, for a push that compresses on another thread (gzpool.h).
 * build_url_job fills it on the render thread; build_job_finish then compresses and
 * encodes it on any thread, touching nothing but the job and the compressor it is given.
 * The job owns its buffers and keeps them across pages (no allocation per page once they
 * have grown). Fields are the caller's to read after build_job_finish.
 */
struct build_job {
	struct buf rec;       /* the record, once there is one */
	bool del;             /* the key must be deleted instead (build_url's *del) */
	bool pending;         /* the record waits for build_job_finish (a body worth compressing) */
	bool deferred;        /* it did (stays set after build_job_finish) */
	int rc;               /* build_url's result, then build_job_finish's */
	size_t index;         /* the caller's: which key this job is for */
	bool helped;          /* the caller's: gzpool marks jobs the push's thread compressed */
	uint64_t gzip_us;     /* time build_job_finish spent compressing */
	struct page_input in; /* for a pending job: slices into body and strs */
	struct buf body, strs, gzip;
};

void build_job_init(struct build_job *j);
void build_job_fini(struct build_job *j);
/* Frees the job's buffers that grew past keep bytes (a large page), so an idle job is small. */
void build_job_trim(struct build_job *j, size_t keep);

/*
 * build_url into a job: records that need no compression (redirects, binary assets, tiny
 * bodies, a check's given gzip) land in j->rec at once; a body worth compressing is copied
 * into the job and j->pending is set. Sets j->rc to the result and returns it (the errors
 * of build_url). Render thread only.
 */
int build_url_job(struct build *b, const char *url, uint64_t gen, struct build_job *j);

/*
 * Completes a pending job with gz (a compressor of the builder's gzip level, used by this
 * thread alone): the same gzip choice and record as build_url makes, appended to j->rec.
 * A job that is not pending or has failed is left alone. Sets j->rc (0, ERR_NOMEM,
 * ERR_TOOBIG). Safe on any thread; does not block.
 */
void build_job_finish(struct build_job *j, struct compressor *gz);

/* Counts a finished job's compression time in build_times (render thread). */
void build_job_account(struct build *b, const struct build_job *j);

/* Note pages built so far (not assets, redirects or special pages). */
uint64_t build_rendered(const struct build *b);
/* Microseconds spent so far rendering (markdown and layout) and compressing. */
void build_times(const struct build *b, uint64_t *render_us, uint64_t *compress_us);

#endif
