/*
 * layout.c: the default page around a note and the theme stylesheet. One readable column,
 * the system font stack, light and dark schemes from prefers-color-scheme, no web fonts and
 * no script but the optional deferred live-reload one, so a page is one HTML response plus
 * cached, content-hashed theme files. Every value is escaped here (hrefs are
 * percent-encoded where needed too); only the note's rendered HTML goes in as is.
 */
#include "renderer/layout.h"

#include <string.h>

#include "renderer/html.h"

static const char layout_stylesheet[] =
        "/* folio default theme */\n"
        ":root{color-scheme:light dark;"
        "--bg:#fdfdfc;--fg:#1f2328;--muted:#59636e;--faint:#8b949e;--border:#e1e4e8;"
        "--accent:#0b63ce;--accent-hover:#084c9e;--code-bg:#f3f4f6;--tag-bg:#e8f0fb;"
        "--mark:#fff3a3;--shadow:rgba(0,0,0,.04);"
        "--font:system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,\"Noto Sans\","
        "sans-serif,\"Apple Color Emoji\",\"Segoe UI Emoji\";"
        "--mono:ui-monospace,SFMono-Regular,\"SF Mono\",Menlo,Consolas,\"Liberation "
        "Mono\",monospace}\n"
        "@media (prefers-color-scheme:dark){:root{"
        "--bg:#15171a;--fg:#e4e6e9;--muted:#a2aab3;--faint:#6e7681;--border:#2d333b;"
        "--accent:#6cb0ff;--accent-hover:#9ccaff;--code-bg:#1e2228;--tag-bg:#1c2a3d;"
        "--mark:#5a4a00;--shadow:rgba(0,0,0,.3)}}\n"
        "*,*::before,*::after{box-sizing:border-box}\n"
        "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n"
        "body{margin:0;background:var(--bg);color:var(--fg);font:1.0625rem/1.65 var(--font);"
        "overflow-wrap:break-word;-webkit-font-smoothing:antialiased}\n"
        ".site-header,main,.site-footer{max-width:45rem;margin:0 auto;padding-left:1.25rem;"
        "padding-right:1.25rem}\n"
        ".site-header{padding-top:1.25rem;padding-bottom:1rem;border-bottom:1px solid "
        "var(--border)}\n"
        ".site-title{font-weight:600;font-size:1.05rem;color:var(--fg);text-decoration:none}\n"
        ".site-title:hover{color:var(--accent)}\n"
        "main{padding-top:2.25rem;padding-bottom:3rem}\n"
        ".note-header{margin-bottom:1.75rem}\n"
        ".note-title{font-size:2.2rem;line-height:1.2;margin:0 0 .6rem;letter-spacing:-.01em}\n"
        ".note-meta{display:flex;flex-wrap:wrap;gap:.4rem "
        ".6rem;align-items:center;color:var(--muted);"
        "font-size:.9rem}\n"
        ".tags{display:contents}\n"
        ".tag{display:inline-block;padding:.05rem "
        ".6rem;border-radius:999px;background:var(--tag-bg);"
        "color:var(--accent);font-size:.85rem;text-decoration:none}\n"
        "h1,h2,h3,h4,h5,h6{line-height:1.25;margin:2rem 0 .75rem;font-weight:650;"
        "scroll-margin-top:1.5rem}\n"
        "h1{font-size:1.9rem}h2{font-size:1.5rem}h3{font-size:1.25rem}h4{font-size:1.1rem}"
        "h5,h6{font-size:1rem}h6{color:var(--muted)}\n"
        ".note-content>:first-child{margin-top:0}\n"
        "p,ul,ol,dl,pre,table,blockquote,figure,.callout{margin:0 0 1.1rem}\n"
        "ul,ol{padding-left:1.6rem}li+li{margin-top:.25rem}li>p{margin-bottom:.5rem}\n"
        "li>ul,li>ol{margin:.25rem 0 0}\n"
        "a{color:var(--accent);text-decoration-thickness:.07em;text-underline-offset:.16em}\n"
        "a:hover{color:var(--accent-hover)}\n"
        "a.internal{text-decoration-style:solid}\n"
        ".unresolved{color:var(--faint);text-decoration:underline "
        "dotted;text-underline-offset:.16em;"
        "cursor:default}\n"
        "a.embed{display:block;padding:.6rem .9rem;border:1px solid "
        "var(--border);border-radius:8px;"
        "text-decoration:none;box-shadow:0 1px 2px var(--shadow)}\n"
        "a.embed::before{content:\"\\2197\\00a0\";color:var(--faint)}\n"
        "img,video{max-width:100%;height:auto}\nimg{border-radius:4px}\naudio{width:100%}\n"
        "code,kbd,pre,samp{font-family:var(--mono);font-size:.875em}\n"
        ":not(pre)>code{background:var(--code-bg);padding:.12em .36em;border-radius:4px}\n"
        "kbd{border:1px solid var(--border);border-bottom-width:2px;border-radius:4px;"
        "padding:.05em .35em}\n"
        "pre{background:var(--code-bg);padding:.9rem 1rem;border-radius:8px;overflow-x:auto;"
        "line-height:1.5;tab-size:4}\n"
        "pre code{font-size:.85rem;background:none;padding:0}\n"
        "blockquote{margin-left:0;margin-right:0;padding:.15rem 1rem;border-left:3px solid "
        "var(--border);color:var(--muted)}\n"
        "blockquote>:last-child{margin-bottom:0}\n"
        "table{display:block;width:max-content;max-width:100%;overflow-x:auto;"
        "border-collapse:collapse;font-size:.95rem}\n"
        "th,td{border:1px solid var(--border);padding:.4rem .75rem;vertical-align:top}\n"
        "th{background:var(--code-bg);font-weight:600}th:not([align]){text-align:left}\n"
        "hr{border:0;border-top:1px solid var(--border);margin:2.25rem 0}\n"
        "mark{background:var(--mark);color:inherit;padding:0 .1em;border-radius:2px}\n"
        "del{color:var(--muted)}\n"
        ".task-list-item{list-style:none}\n"
        ".task-list-item input{margin:0 .55em 0 -1.45em;vertical-align:-.1em}\n"
        ".task-list-item input{accent-color:var(--accent)}\n"
        ".math.display{display:block;overflow-x:auto;text-align:center;margin:1rem 0}\n"
        ".callout{--callout:68,138,255;border-left:4px solid rgb(var(--callout));"
        "background:rgba(var(--callout),.08);border-radius:8px;padding:.7rem 1rem}\n"
        ".callout-title{font-weight:600;color:rgb(var(--callout))}\n"
        ".callout-title>p{display:inline}\n"
        "summary.callout-title{cursor:pointer}\n"
        ".callout-content{margin-top:.45rem}\n"
        ".callout-content:empty{display:none}\n"
        ".callout-content>:last-child{margin-bottom:0}\n"
        ".callout-abstract{--callout:0,176,190}.callout-info,.callout-todo{--callout:0,140,220}"
        ".callout-tip{--callout:0,170,140}.callout-success{--callout:20,160,70}"
        ".callout-question{--callout:220,120,0}.callout-warning{--callout:220,120,0}"
        ".callout-failure,.callout-danger,.callout-bug{--callout:220,50,70}"
        ".callout-example{--callout:125,85,235}.callout-quote{--callout:140,140,140}\n"
        ".backlinks{margin-top:3rem;padding-top:1.25rem;border-top:1px solid var(--border);"
        "font-size:.95rem}\n"
        ".backlinks h2{font-size:.8rem;text-transform:uppercase;letter-spacing:.08em;"
        "color:var(--muted);margin:0 0 .6rem}\n"
        ".backlinks ul{padding-left:1.1rem;margin:0}\n"
        ".site-footer{color:var(--faint);font-size:.85rem;padding-top:1rem;padding-bottom:2.5rem}\n"
        ".site-footer a{color:inherit}\n"
        ".not-found{text-align:center;padding:3rem 0}\n"
        ".not-found .note-title{font-size:2.5rem}\n"
        "@media (max-width:40rem){body{font-size:1rem}.note-title{font-size:1.75rem}"
        "h1{font-size:1.6rem}h2{font-size:1.35rem}main{padding-top:1.5rem}}\n"
        "@media print{.site-header,.site-footer,.backlinks{display:none}"
        "body{background:#fff;color:#000}a{color:inherit}}\n";

struct slice
layout_css(void)
{
	return (struct slice){(const uint8_t *)layout_stylesheet, sizeof(layout_stylesheet) - 1};
}

static void
text(struct buf *out, const char *s)
{
	if (s)
		html_escape(out, s, strlen(s));
}

static void
href(struct buf *out, const char *s)
{
	if (s)
		html_url(out, s, strlen(s));
}

/* True for "YYYY-MM-DD" at the start of s: usable in a <time datetime> attribute. */
static bool
iso_date(const char *s)
{
	static const char shape[] = "dddd-dd-dd";
	for (size_t i = 0; i < sizeof(shape) - 1; i++) {
		if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i])
			return false;
	}
	return true;
}

/*
 * The start of the document, through the stylesheet link and the live-reload script (a
 * deferred script: it never holds up rendering); <head> is left open.
 */
static void
head(struct buf *out, const char *lang, const char *title, const char *site, const char *css_url,
     const char *live_url)
{
	buf_puts(out, "<!doctype html>\n<html lang=\"");
	text(out, lang && *lang ? lang : "en");
	buf_puts(out, "\">\n<head>\n<meta charset=\"utf-8\">\n"
	              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	              "<meta name=\"color-scheme\" content=\"light dark\">\n"
	              "<meta name=\"generator\" content=\"folio\">\n<title>");
	if (title && *title && !(site && strcmp(title, site) == 0)) {
		text(out, title);
		if (site && *site)
			buf_puts(out, " \xC2\xB7 "); // middle dot
	}
	text(out, site);
	buf_puts(out, "</title>\n");
	if (css_url && *css_url) {
		buf_puts(out, "<link rel=\"stylesheet\" href=\"");
		href(out, css_url);
		buf_puts(out, "\">\n");
	}
	if (live_url && *live_url) {
		buf_puts(out, "<script defer src=\"");
		href(out, live_url);
		buf_puts(out, "\"></script>\n");
	}
}

static void
site_header(struct buf *out, const char *site, const char *home_url)
{
	buf_puts(out, "<header class=\"site-header\"><a class=\"site-title\" href=\"");
	href(out, home_url && *home_url ? home_url : "/");
	buf_puts(out, "\">");
	text(out, site && *site ? site : "Home");
	buf_puts(out, "</a></header>\n");
}

static void
site_footer(struct buf *out)
{
	buf_puts(out, "<footer class=\"site-footer\">Published with folio</footer>\n"
	              "</body>\n</html>\n");
}

static void
meta(struct buf *out, const char *attr, const char *name, const char *value, bool is_url)
{
	if (!value || !*value)
		return;
	buf_printf(out, "<meta %s=\"%s\" content=\"", attr, name);
	if (is_url)
		href(out, value);
	else
		text(out, value);
	buf_puts(out, "\">\n");
}

static void
note_header(const struct layout_page *p, const char *title, struct buf *out)
{
	bool date = p->date && *p->date;
	if (!p->show_title && !date && !p->ntags)
		return;
	buf_puts(out, "<header class=\"note-header\">\n");
	if (p->show_title) {
		buf_puts(out, "<h1 class=\"note-title\">");
		text(out, title);
		buf_puts(out, "</h1>\n");
	}
	if (date || p->ntags) {
		buf_puts(out, "<div class=\"note-meta\">");
		if (date) {
			buf_puts(out, "<time");
			if (iso_date(p->date)) {
				buf_puts(out, " datetime=\"");
				buf_put(out, p->date, 10);
				buf_puts(out, "\"");
			}
			buf_puts(out, ">");
			text(out, p->date);
			buf_puts(out, "</time>");
		}
		if (p->ntags) {
			buf_puts(out, "<span class=\"tags\">");
			for (size_t i = 0; i < p->ntags; i++) {
				if (!p->tags[i] || !*p->tags[i])
					continue;
				buf_puts(out, "<span class=\"tag\">#");
				text(out, p->tags[i]);
				buf_puts(out, "</span>");
			}
			buf_puts(out, "</span>");
		}
		buf_puts(out, "</div>\n");
	}
	buf_puts(out, "</header>\n");
}

/* The section's id has a '_', which heading slugs never contain, so no heading can clash. */
static void
backlinks(const struct layout_page *p, struct buf *out)
{
	if (!p->nbacklinks)
		return;
	buf_puts(out, "<nav class=\"backlinks\" aria-labelledby=\"_backlinks\">\n"
	              "<h2 id=\"_backlinks\">Backlinks</h2>\n<ul>\n");
	for (size_t i = 0; i < p->nbacklinks; i++) {
		const struct layout_link *l = &p->backlinks[i];
		buf_puts(out, "<li><a href=\"");
		href(out, l->url);
		buf_puts(out, "\">");
		text(out, l->title && *l->title ? l->title : l->url);
		buf_puts(out, "</a></li>\n");
	}
	buf_puts(out, "</ul>\n</nav>\n");
}

int
layout_page(const struct layout_page *p, struct buf *out)
{
	const char *title = p->title && *p->title ? p->title : p->site_title;
	head(out, p->lang, title, p->site_title, p->css_url, p->live_url);
	if (p->canonical && *p->canonical) {
		buf_puts(out, "<link rel=\"canonical\" href=\"");
		href(out, p->canonical);
		buf_puts(out, "\">\n");
	}
	meta(out, "name", "description", p->description, false);
	meta(out, "property", "og:title", title, false);
	meta(out, "property", "og:site_name", p->site_title, false);
	meta(out, "property", "og:description", p->description, false);
	meta(out, "property", "og:url", p->canonical, true);
	meta(out, "property", "og:image", p->image, true);
	buf_puts(out, "<meta property=\"og:type\" content=\"article\">\n</head>\n<body>\n");
	site_header(out, p->site_title, p->home_url);
	buf_puts(out, "<main>\n<article class=\"note");
	for (size_t i = 0; i < p->ncssclasses; i++) {
		if (!p->cssclasses[i] || !*p->cssclasses[i])
			continue;
		buf_putc(out, ' ');
		text(out, p->cssclasses[i]);
	}
	buf_puts(out, "\">\n");
	note_header(p, title, out);
	buf_puts(out, "<div class=\"note-content\">\n");
	buf_put_slice(out, p->content);
	if (p->content.len && p->content.ptr[p->content.len - 1] != '\n')
		buf_putc(out, '\n');
	buf_puts(out, "</div>\n</article>\n");
	backlinks(p, out);
	buf_puts(out, "</main>\n");
	site_footer(out);
	return out->err;
}

int
layout_not_found(const char *site_title, const char *css_url, const char *home_url, struct buf *out)
{
	return layout_not_found_live(site_title, css_url, NULL, home_url, out);
}

int
layout_not_found_live(const char *site_title, const char *css_url, const char *live_url,
                      const char *home_url, struct buf *out)
{
	head(out, NULL, "Page not found", site_title, css_url, live_url);
	buf_puts(out, "<meta name=\"robots\" content=\"noindex\">\n</head>\n<body>\n");
	site_header(out, site_title, home_url);
	buf_puts(out, "<main>\n<article class=\"note not-found\">\n"
	              "<h1 class=\"note-title\">Page not found</h1>\n"
	              "<p>There is no page at this address, or it is not published.</p>\n"
	              "<p><a href=\"");
	href(out, home_url && *home_url ? home_url : "/");
	buf_puts(out, "\">Go to the home page</a></p>\n</article>\n</main>\n");
	site_footer(out);
	return out->err;
}
