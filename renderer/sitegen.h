/*
 * sitegen.h: the bodies of the pages folio generates around the notes: folder pages, tag
 * pages, the tag index, the navigation tree fragment, RSS 2.0, the sitemap and robots.txt.
 * Pure: lists in, HTML or XML out; every value is escaped here. HTML results are fragments
 * that the caller puts into layout_page() as content (the nav tree is served as is).
 *
 * Hrefs are slug_href() of the page keys; folder links use the folder's slug URL. Feeds and
 * sitemaps make links absolute with base_url; when base_url is empty they carry root-relative
 * links ("/notes/a"), which readers resolve against the feed's own address but which the
 * sitemap protocol does not allow: set base_url for a sitemap search engines accept.
 */
#ifndef RENDERER_SITEGEN_H
#define RENDERER_SITEGEN_H

#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"

/* One listed note. Strings are borrowed. */
struct sitegen_note {
	const char *path;        /* vault path: "Guides/Setup.md" */
	const char *title;       /* shown as the link text */
	const char *url;         /* the note page's key (unencoded): "/guides/setup" */
	const char *description; /* NULL if none (feeds only) */
	int64_t ts;              /* unix seconds: date for feeds and the sitemap */
};

/* One tag (a slug_tag key) and how many listed notes carry it. */
struct sitegen_tag {
	const char *tag;
	uint64_t count;
};

/*
 * Sorts notes into tree order: folder by folder, in each folder its subfolders first (by
 * name, case-insensitive), then its notes by title (case-insensitive), then path.
 */
void sitegen_sort_tree(struct sitegen_note *notes, size_t n);

/*
 * A folder page's content: the folder's direct subfolders and its direct notes, from
 * notes (every listed note under folder, in tree order). folder is a vault path, "" for
 * the root.
 */
void sitegen_folder(const char *folder, const struct sitegen_note *notes, size_t n,
                    struct buf *out);

/*
 * The navigation tree: <nav class="folio-nav"> with nested <ul> of folders (linking to
 * their folder pages) and notes, from every listed note in tree order.
 */
void sitegen_nav(const struct sitegen_note *notes, size_t n, struct buf *out);

/* A tag page's content: its notes (in the order given) and the tags nested under it. */
void sitegen_tag_page(const char *tag, const struct sitegen_note *notes, size_t n,
                      const struct sitegen_tag *sub, size_t nsub, struct buf *out);

/* The tag index's content: every tag with its count, in the order given. */
void sitegen_tag_index(const struct sitegen_tag *tags, size_t n, struct buf *out);

/* An RSS 2.0 document of the items in the order given (newest first). */
void sitegen_rss(const char *site_title, const char *base_url, const struct sitegen_note *items,
                 size_t n, struct buf *out);

/* A sitemap (sitemaps.org 0.9) of the notes, each with its lastmod day (from ts). */
void sitegen_sitemap(const char *base_url, const struct sitegen_note *notes, size_t n,
                     struct buf *out);

/* robots.txt: everything allowed; a Sitemap line when base_url is set. */
void sitegen_robots(const char *base_url, struct buf *out);

/* Appends s escaped for XML text and attributes; drops bytes XML 1.0 forbids (controls). */
void sitegen_xml_text(struct buf *out, const char *s);

#endif
