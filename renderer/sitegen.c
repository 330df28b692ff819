/*
 * sitegen.c: generated list pages, the nav tree and the feeds (contract in sitegen.h).
 * Everything works from lists the caller queried; nothing here knows SQL or the vault.
 */
#include "renderer/sitegen.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "renderer/html.h"
#include "renderer/slug.h"

/* --- ordering ------------------------------------------------------------------------------ */

/* Compares two path segments: case-insensitively, then by length, then byte for byte. */
static int
seg_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	int c = strncasecmp(a, b, na < nb ? na : nb);
	if (c) {
		return c;
	}
	if (na != nb) {
		return na < nb ? -1 : 1;
	}
	return memcmp(a, b, na);
}

static int
tree_cmp(const void *pa, const void *pb)
{
	const struct sitegen_note *x = pa, *y = pb;
	const char *p = x->path, *q = y->path;
	for (;;) {
		const char *ep = strchr(p, '/'), *eq = strchr(q, '/');
		if (ep && eq) {
			int c = seg_cmp(p, (size_t)(ep - p), q, (size_t)(eq - q));
			if (c) {
				return c;
			}
			p = ep + 1;
			q = eq + 1;
			continue;
		}
		if (ep || eq) {
			return ep ? -1 : 1; /* subfolders before notes */
		}
		int c = strcasecmp(x->title ? x->title : "", y->title ? y->title : "");
		return c ? c : strcmp(x->path, y->path);
	}
}

void
sitegen_sort_tree(struct sitegen_note *notes, size_t n)
{
	if (n > 1) {
		qsort(notes, n, sizeof(*notes), tree_cmp);
	}
}

/* --- HTML pieces --------------------------------------------------------------------------- */

static void
text(struct buf *out, const char *s)
{
	if (s) {
		html_escape(out, s, strlen(s));
	}
}

/* href="..." of a page key. */
static void
put_href(struct buf *out, const char *url)
{
	buf_puts(out, "href=\"");
	struct buf h;
	buf_init(&h, 0);
	slug_href(slice_str(url ? url : "/"), &h);
	html_escape(out, h.ptr, h.len);
	if (h.err) {
		out->err = out->err ? out->err : h.err;
	}
	buf_fini(&h);
	buf_putc(out, '"');
}

/* href="..." of the folder at vault path folder[0..n). */
static void
put_folder_href(struct buf *out, const char *folder, size_t n)
{
	struct buf u;
	buf_init(&u, 0);
	slug_permalink((struct slice){(const uint8_t *)folder, n}, &u);
	put_href(out, buf_cstr(&u));
	buf_fini(&u);
}

static void
note_item(struct buf *out, const struct sitegen_note *note)
{
	buf_puts(out, "<li class=\"note\"><a ");
	put_href(out, note->url);
	buf_putc(out, '>');
	text(out, note->title);
	buf_puts(out, "</a></li>\n");
}

/* The part of path after folder's "/" ("" folder: all of it), or NULL if not under it. */
static const char *
under(const char *folder, const char *path)
{
	size_t n = strlen(folder);
	if (n == 0) {
		return path;
	}
	if (strncmp(path, folder, n) != 0 || path[n] != '/') {
		return NULL;
	}
	return path + n + 1;
}

void
sitegen_folder(const char *folder, const struct sitegen_note *notes, size_t n, struct buf *out)
{
	size_t nfolders = 0, nnotes = 0;
	const char *last = NULL; /* the last subfolder written, as a prefix of some path */
	size_t last_len = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rest = under(folder, notes[i].path);
		const char *slash = rest ? strchr(rest, '/') : NULL;
		if (!slash) {
			continue;
		}
		size_t len = (size_t)(slash - rest);
		if (last && len == last_len && memcmp(last, rest, len) == 0) {
			continue;
		}
		if (nfolders++ == 0) {
			buf_puts(out, "<section class=\"folder-index\">\n<h2>Folders</h2>\n"
			              "<ul class=\"folder-list\">\n");
		}
		buf_puts(out, "<li class=\"folder\"><a ");
		put_folder_href(out, notes[i].path, (size_t)(slash - notes[i].path));
		buf_putc(out, '>');
		html_escape(out, rest, len);
		buf_puts(out, "</a></li>\n");
		last = rest;
		last_len = len;
	}
	if (nfolders) {
		buf_puts(out, "</ul>\n</section>\n");
	}
	for (size_t i = 0; i < n; i++) {
		const char *rest = under(folder, notes[i].path);
		if (!rest || strchr(rest, '/')) {
			continue;
		}
		if (nnotes++ == 0) {
			buf_puts(out, "<section class=\"note-index\">\n<h2>Notes</h2>\n"
			              "<ul class=\"note-list\">\n");
		}
		note_item(out, &notes[i]);
	}
	if (nnotes) {
		buf_puts(out, "</ul>\n</section>\n");
	}
	if (!nfolders && !nnotes) {
		buf_puts(out, "<p class=\"empty\">Nothing is published here yet.</p>\n");
	}
}

/* Number of '/'-separated folder segments path[0..n) and a' share, compared exactly. */
static size_t
common_folders(const char *a, size_t na, const char *b, size_t nb)
{
	size_t depth = 0, i = 0;
	for (;;) {
		size_t ea = i, eb = i;
		while (ea < na && a[ea] != '/') {
			ea++;
		}
		while (eb < nb && b[eb] != '/') {
			eb++;
		}
		if (i >= na || i >= nb || ea != eb || memcmp(a + i, b + i, ea - i) != 0) {
			return depth;
		}
		depth++;
		i = ea + 1;
	}
}

static size_t
count_folders(const char *path, size_t n)
{
	size_t d = n ? 1 : 0;
	for (size_t i = 0; i < n; i++) {
		d += path[i] == '/';
	}
	return d;
}

void
sitegen_nav(const struct sitegen_note *notes, size_t n, struct buf *out)
{
	buf_puts(out, "<nav class=\"folio-nav\" aria-label=\"Site\">\n<ul>\n");
	const char *open = ""; /* folder path of the innermost open list */
	size_t open_len = 0, depth = 0;
	for (size_t i = 0; i < n; i++) {
		const char *p = notes[i].path;
		const char *slash = strrchr(p, '/');
		size_t flen = slash ? (size_t)(slash - p) : 0;
		size_t keep = common_folders(open, open_len, p, flen);
		for (; depth > keep; depth--) {
			buf_puts(out, "</ul></li>\n");
		}
		size_t want = count_folders(p, flen);
		/* Open each folder below the kept ones. */
		size_t seg = 0, at = 0;
		while (depth < want) {
			size_t end = at;
			while (end < flen && p[end] != '/') {
				end++;
			}
			if (seg++ >= depth) {
				buf_puts(out, "<li class=\"folder\"><a ");
				put_folder_href(out, p, end);
				buf_putc(out, '>');
				html_escape(out, p + at, end - at);
				buf_puts(out, "</a>\n<ul>\n");
				depth++;
			}
			at = end + 1;
		}
		open = p;
		open_len = flen;
		note_item(out, &notes[i]);
	}
	for (; depth > 0; depth--) {
		buf_puts(out, "</ul></li>\n");
	}
	buf_puts(out, "</ul>\n</nav>\n");
}

static void
tag_item(struct buf *out, const struct sitegen_tag *t)
{
	buf_puts(out, "<li><a class=\"tag\" href=\"");
	slug_tag_url(slice_str(t->tag), out);
	buf_puts(out, "\">#");
	text(out, t->tag);
	buf_printf(out, "</a> <span class=\"count\">%llu</span></li>\n",
	           (unsigned long long)t->count);
}

void
sitegen_tag_page(const char *tag, const struct sitegen_note *notes, size_t n,
                 const struct sitegen_tag *sub, size_t nsub, struct buf *out)
{
	(void)tag;
	if (n) {
		buf_puts(out, "<section class=\"note-index\">\n<ul class=\"note-list\">\n");
		for (size_t i = 0; i < n; i++) {
			note_item(out, &notes[i]);
		}
		buf_puts(out, "</ul>\n</section>\n");
	}
	if (nsub) {
		buf_puts(out, "<section class=\"tag-index\">\n<h2>Nested tags</h2>\n"
		              "<ul class=\"tag-list\">\n");
		for (size_t i = 0; i < nsub; i++) {
			tag_item(out, &sub[i]);
		}
		buf_puts(out, "</ul>\n</section>\n");
	}
}

void
sitegen_tag_index(const struct sitegen_tag *tags, size_t n, struct buf *out)
{
	if (!n) {
		buf_puts(out, "<p class=\"empty\">No tags yet.</p>\n");
		return;
	}
	buf_puts(out, "<section class=\"tag-index\">\n<ul class=\"tag-list\">\n");
	for (size_t i = 0; i < n; i++) {
		tag_item(out, &tags[i]);
	}
	buf_puts(out, "</ul>\n</section>\n");
}

/* --- XML ----------------------------------------------------------------------------------- */

void
sitegen_xml_text(struct buf *out, const char *s)
{
	if (!s) {
		return;
	}
	size_t run = 0, i = 0;
	for (; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *rep = NULL;
		switch (c) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&apos;";
			break;
		default:
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
				rep = ""; /* not allowed in XML 1.0, even escaped */
			}
			break;
		}
		if (rep) {
			buf_put(out, s + run, i - run);
			buf_puts(out, rep);
			run = i + 1;
		}
	}
	buf_put(out, s + run, i - run);
}

/* base_url without trailing slashes, then the href of url, escaped for XML. */
static void
xml_link(struct buf *out, const char *base_url, const char *url)
{
	struct buf u;
	buf_init(&u, 0);
	size_t n = base_url ? strlen(base_url) : 0;
	while (n && base_url[n - 1] == '/') {
		n--;
	}
	buf_put(&u, base_url, n);
	slug_href(slice_str(url ? url : "/"), &u);
	buf_putc(&u, '\0');
	if (u.err) {
		out->err = out->err ? out->err : u.err;
	} else {
		sitegen_xml_text(out, (const char *)u.ptr);
	}
	buf_fini(&u);
}

static void
put_rfc822(struct buf *out, int64_t ts)
{
	static const char days[][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t t = (time_t)ts;
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_mday = 1;
		tm.tm_year = 70;
		tm.tm_wday = 4;
	}
	buf_printf(out, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7], tm.tm_mday,
	           months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static bool
absolute(const char *base_url)
{
	return base_url && *base_url;
}

void
sitegen_rss(const char *site_title, const char *base_url, const struct sitegen_note *items,
            size_t n, struct buf *out)
{
	const char *title = site_title && *site_title ? site_title : "folio";
	buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\">\n"
	              "<channel>\n<title>");
	sitegen_xml_text(out, title);
	buf_puts(out, "</title>\n<link>");
	xml_link(out, base_url, "/");
	buf_puts(out, "</link>\n<description>");
	sitegen_xml_text(out, title);
	buf_puts(out, "</description>\n");
	if (n) {
		buf_puts(out, "<lastBuildDate>");
		put_rfc822(out, items[0].ts);
		buf_puts(out, "</lastBuildDate>\n");
	}
	for (size_t i = 0; i < n; i++) {
		const struct sitegen_note *it = &items[i];
		buf_puts(out, "<item>\n<title>");
		sitegen_xml_text(out, it->title);
		buf_puts(out, "</title>\n<link>");
		xml_link(out, base_url, it->url);
		buf_puts(out, absolute(base_url) ? "</link>\n<guid isPermaLink=\"true\">"
		                                 : "</link>\n<guid isPermaLink=\"false\">");
		xml_link(out, base_url, it->url);
		buf_puts(out, "</guid>\n<pubDate>");
		put_rfc822(out, it->ts);
		buf_puts(out, "</pubDate>\n");
		if (it->description && *it->description) {
			buf_puts(out, "<description>");
			sitegen_xml_text(out, it->description);
			buf_puts(out, "</description>\n");
		}
		buf_puts(out, "</item>\n");
	}
	buf_puts(out, "</channel>\n</rss>\n");
}

void
sitegen_sitemap(const char *base_url, const struct sitegen_note *notes, size_t n, struct buf *out)
{
	buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	              "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	for (size_t i = 0; i < n; i++) {
		buf_puts(out, "<url><loc>");
		xml_link(out, base_url, notes[i].url);
		buf_puts(out, "</loc>");
		time_t t = (time_t)notes[i].ts;
		struct tm tm;
		if (notes[i].ts > 0 && gmtime_r(&t, &tm)) {
			buf_printf(out, "<lastmod>%04d-%02d-%02d</lastmod>", tm.tm_year + 1900,
			           tm.tm_mon + 1, tm.tm_mday);
		}
		buf_puts(out, "</url>\n");
	}
	buf_puts(out, "</urlset>\n");
}

void
sitegen_robots(const char *base_url, struct buf *out)
{
	buf_puts(out, "User-agent: *\nAllow: /\n");
	if (absolute(base_url)) {
		buf_puts(out, "Sitemap: ");
		size_t n = strlen(base_url);
		while (n && base_url[n - 1] == '/') {
			n--;
		}
		buf_put(out, base_url, n);
		buf_puts(out, "/sitemap.xml\n");
	}
}
