/*
 * urls.h: which URL each vault file claims, which note is the home page, and who wins when
 * several files claim one URL. Pure: no I/O, no SQL.
 *
 *   note       slug_note_url(path), or its permalink, or "/" for the home note; a note
 *              whose URL is not its slug URL also claims the slug URL as a redirect
 *   asset      slug_asset_url(path) ("/" + the vault path)
 *   404.md     (at the vault root) "/_folio/404", the site's not-found page
 *   _layouts/  files under it are the vault's page layouts: they claim nothing
 * A published note also claims redirects to its URL from each alias (read as a vault path:
 * slug_note_url of it) and from each old URL in url_history (urls_extra_claim).
 * "/_folio/..." is reserved for site machinery; other claims there are refused.
 *
 * Pages folio generates (site.h) claim URLs too, under paths no vault file can have (vault
 * paths never start with '/'):
 *   tag page   "/tags/<slug_tag>" (path: the URL), the tag index "/tags" (path: "/tags")
 *   folder     the folder's slug URL ("/" for the vault root; path: "//" + folder path)
 *   site files "/_folio/nav.html", "/rss.xml", "/sitemap.xml", "/robots.txt" (path: the URL)
 */
#ifndef INGESTD_URLS_H
#define INGESTD_URLS_H

#include <stdbool.h>
#include <stddef.h>

#include "ingestd/vault.h"
#include "shared/buf.h"

#define URLS_MAX_LEN     500 /* longer URLs cannot be page keys (LMDB keys stop at 511 bytes) */
#define URLS_NOT_FOUND   "/_folio/404"
#define URLS_RESERVED    "/_folio/"
#define URLS_TAGS        "/tags"            /* the tag index; tag pages live under "/tags/" */
#define URLS_NAV         "/_folio/nav.html" /* the navigation tree, an HTML fragment */
#define URLS_RSS         "/rss.xml"
#define URLS_SITEMAP     "/sitemap.xml"
#define URLS_ROBOTS      "/robots.txt"
#define URLS_FOLDER_PATH "//" /* prefix of a folder page's path */

/* Kinds of claims and pages; stored in SQLite, so values never change. */
enum urls_kind {
	URLS_NOTE = 0,     /* a rendered note */
	URLS_ASSET = 1,    /* a vault file served as-is */
	URLS_NOTFOUND = 2, /* the vault's 404.md rendered as the not-found page */
	URLS_REDIRECT = 3, /* 301 to another URL (a note's slug URL when it lives elsewhere) */
	URLS_TAG = 4,      /* a generated tag page, or the tag index */
	URLS_FOLDER = 5,   /* a generated folder page */
	URLS_SITE = 6,     /* a generated site file: nav fragment, rss, sitemap, robots.txt */
};

/* One claim on a URL. Strings are borrowed. */
struct urls_claim {
	const char *url;
	const char *path;
	enum urls_kind kind;
	const char *location; /* redirects: the target URL; NULL otherwise */
};

/*
 * The note that becomes the home page: the configured home_note if it names a published
 * note (exact path first, then case-insensitively), else index.md, Home.md, README.md at
 * the vault root (case-insensitive). Returns the entry (owned by the vault) or NULL; with
 * none, "/" is the root folder page (a generated claim that loses to any note's).
 */
const struct vault_entry *urls_home(const struct vault *v, const char *home_note);

/* True for vault paths that are the site's not-found page ("404.md" at the root, any case). */
bool urls_is_404_note(const char *path);

/*
 * Computes the claims of one file into out[2] (main claim first, then an optional redirect)
 * and returns how many there are (0 for an unpublished note). URL strings are written into
 * main_url and alias_url, which must stay alive while out is used. A claim that cannot be
 * taken (reserved namespace, too long) is left out and *why says why (static string).
 */
size_t urls_claims(const char *path, bool is_note, bool published, const char *permalink,
                   bool is_home, struct buf *main_url, struct buf *alias_url,
                   struct urls_claim out[2], const char **why);

/* True for vault paths under "_layouts/": layouts, never published as files. */
bool urls_is_layout(const char *path);

/*
 * The redirect an alias or an old URL of a note claims: for an alias ("Old Name",
 * "folder/old note.md") its slug URL is written to url first; an old URL is put in url as
 * is. Returns false (out untouched) when the URL is the note's own main URL, reserved or
 * too long. main is the note's main claim; out borrows url's and main's strings.
 */
bool urls_extra_claim(const char *path, const char *alias, const char *old_url, const char *main,
                      struct buf *url, struct urls_claim *out);

/*
 * Picks the winner among n (>= 1) claims on one URL: vault pages (notes, assets, the 404
 * note) beat generated pages (tags, folders, site files), which beat redirects; then the
 * lexicographically smallest path wins. Deterministic whatever the order of c. Returns
 * its index.
 */
size_t urls_winner(const struct urls_claim *c, size_t n);

/* Appends the URL of the folder at vault path folder ("" is the root: "/"). */
void urls_folder(const char *folder, struct buf *url);
/* Appends the URL of a tag's page ("/tags/" + slug_tag(tag)). */
void urls_tag(const char *tag, struct buf *url);
/* True if kind is a page folio generates (tag, folder, site file). */
bool urls_is_generated(int kind);

#endif
