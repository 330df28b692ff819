/*
 * layout.c: the default page around a note and the theme stylesheet. One readable column
 * between the sidebar (filled by the theme script from the nav fragment, so no page holds
 * the site's tree) and the table of contents; the system font stack; light and dark schemes
 * from prefers-color-scheme unless the reader chose one with the toggle (data-theme on
 * <html>, set before first paint by a one-line inline script). No web fonts; every script
 * is deferred and optional, so a page is one HTML response plus cached, content-hashed theme
 * files. Every value is escaped here (hrefs are percent-encoded where needed too); only the
 * note's rendered HTML goes in as is.
 */
#include "renderer/layout.h"

#include <string.h>

#include "renderer/html.h"

/* The dark palette, used by the media query (no stored choice) and by data-theme="dark". */
#define LAYOUT_DARK                                                                    \
	"--bg:#16181c;--bg-side:#1b1e23;--fg:#e4e6e9;--muted:#a2aab3;--faint:#737d88;" \
	"--border:#2d333b;--accent:#6cb0ff;--accent-hover:#9ccaff;--code-bg:#1f2329;"  \
	"--tag-bg:#1c2a3d;--mark:#5a4a00;--shadow:rgba(0,0,0,.3);color-scheme:dark"

static const char layout_stylesheet[] =
        "/* folio default theme */\n"
        ":root{color-scheme:light dark;"
        "--bg:#fdfdfc;--bg-side:#f6f7f8;--fg:#1f2328;--muted:#59636e;--faint:#8b949e;"
        "--border:#e1e4e8;--accent:#0b63ce;--accent-hover:#084c9e;--code-bg:#f3f4f6;"
        "--tag-bg:#e8f0fb;--mark:#fff3a3;--shadow:rgba(0,0,0,.04);"
        "--font:system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,\"Noto Sans\","
        "sans-serif,\"Apple Color Emoji\",\"Segoe UI Emoji\";"
        "--mono:ui-monospace,SFMono-Regular,\"SF Mono\",Menlo,Consolas,\"Liberation "
        "Mono\",monospace}\n"
        ":root[data-theme=light]{color-scheme:light}\n"
        "@media (prefers-color-scheme:dark){:root:not([data-theme=light]){" LAYOUT_DARK "}}\n"
        ":root[data-theme=dark]{" LAYOUT_DARK "}\n"
        "*,*::before,*::after{box-sizing:border-box}\n"
        "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n"
        "body{margin:0;background:var(--bg);color:var(--fg);font:1.0625rem/1.65 var(--font);"
        "overflow-wrap:break-word;-webkit-font-smoothing:antialiased}\n"
        /* header */
        ".site-header{border-bottom:1px solid var(--border)}\n"
        ".site-bar{max-width:80rem;margin:0 auto;padding:.85rem 1.25rem;display:flex;"
        "align-items:center;gap:1rem}\n"
        ".site-title{font-weight:600;font-size:1.05rem;color:var(--fg);text-decoration:none;"
        "margin-right:auto}\n"
        ".site-title:hover{color:var(--accent)}\n"
        ".skip-link{position:absolute;left:-999px;top:.5rem;z-index:10;padding:.4rem .8rem;"
        "background:var(--bg);border:1px solid var(--border);border-radius:6px}\n"
        ".skip-link:focus{left:.5rem}\n"
        ".theme-toggle{display:none;align-items:center;justify-content:center;width:2.25rem;"
        "height:2.25rem;padding:0;border:1px solid var(--border);border-radius:8px;"
        "background:transparent;color:var(--muted);cursor:pointer}\n"
        ".js .theme-toggle{display:inline-flex}\n"
        ".theme-toggle:hover{color:var(--fg);border-color:var(--faint)}\n"
        /* the page: sidebar, note, table of contents */
        ".page{max-width:80rem;margin:0 auto;padding:0 1.25rem;display:grid;"
        "grid-template-columns:minmax(0,1fr)}\n"
        "main{min-width:0;padding-top:2.25rem;padding-bottom:3rem}\n"
        ".sidebar{min-width:0;font-size:.92rem}\n"
        ".sidebar summary,.toc summary{cursor:pointer;font-size:.78rem;font-weight:600;"
        "text-transform:uppercase;letter-spacing:.08em;color:var(--muted);padding:.35rem 0}\n"
        ".site-nav ul{list-style:none;margin:0;padding-left:.85rem}\n"
        ".site-nav>ul{padding-left:0}\n"
        ".site-nav li{margin:.1rem 0}\n"
        ".site-nav a{display:block;padding:.15rem .5rem;border-radius:6px;color:var(--fg);"
        "text-decoration:none;line-height:1.4}\n"
        ".site-nav a:hover{background:var(--code-bg)}\n"
        ".site-nav a[aria-current=page]{background:var(--tag-bg);color:var(--accent);"
        "font-weight:600}\n"
        ".site-nav summary{text-transform:none;letter-spacing:0;font-size:inherit;"
        "font-weight:500;color:var(--fg);padding:.15rem .5rem}\n"
        ".site-nav summary a{display:inline;padding:0}\n"
        ".site-nav li>span{display:block;padding:.15rem .5rem;font-weight:500}\n"
        ".site-nav.tree ul{padding-left:1rem}\n"
        ".site-nav.tree li{position:relative}\n"
        ".site-nav.tree li>ul{display:none}.site-nav.tree li.open>ul{display:block}\n"
        ".nav-fold{position:absolute;left:-1.05rem;top:.2rem;width:1.1rem;height:1.3rem;"
        "padding:0;border:0;background:none;color:var(--faint);cursor:pointer;font-size:.7rem}\n"
        ".nav-fold::before{content:\"\\25B8\";display:inline-block;transition:transform .15s}\n"
        ".nav-fold[aria-expanded=true]::before{transform:rotate(90deg)}\n"
        ".nav-fold:hover{color:var(--fg)}\n"
        ".toc ul{list-style:none;margin:.25rem 0 0;padding:0;font-size:.9rem}\n"
        ".toc li{margin:0}\n"
        ".toc a{display:block;padding:.12rem 0;color:var(--muted);text-decoration:none;"
        "line-height:1.4}\n"
        ".toc a:hover{color:var(--accent)}\n"
        ".toc .toc-h3{padding-left:.9rem}.toc .toc-h4{padding-left:1.8rem}\n"
        "@media (max-width:59.99rem){"
        ".sidebar{margin-top:1rem}"
        ".nav-box,.toc{border:1px solid var(--border);border-radius:8px;padding:.3rem .85rem}"
        ".nav-box[open],.toc[open]{padding-bottom:.7rem}"
        ".toc{margin:0 0 1.5rem}}\n"
        "@media (min-width:60rem){"
        ".page.has-nav{grid-template-columns:13rem minmax(0,45rem) minmax(0,1fr);"
        "column-gap:2.5rem}"
        ".page:not(.has-nav){grid-template-columns:minmax(0,45rem);justify-content:center}"
        ".sidebar{padding-top:2rem}"
        ".nav-box{position:sticky;top:1rem;max-height:calc(100vh - 2rem);overflow:auto}"
        ".toc{margin:0 0 1.75rem;padding:.3rem .85rem;border-left:2px solid var(--border)}}\n"
        "@media (min-width:78rem){"
        ".page.has-nav{grid-template-columns:13rem minmax(0,45rem) 13rem;"
        "justify-content:space-between}"
        ".page:not(.has-nav){grid-template-columns:minmax(0,45rem) 13rem;"
        "justify-content:center;column-gap:2.5rem}"
        ".note{position:relative}"
        ".toc-box{position:absolute;top:0;bottom:0;left:calc(100% + 2.5rem);width:13rem}"
        ".toc{position:sticky;top:1rem;max-height:calc(100vh - 2rem);overflow:auto;"
        "margin:0;border:0;padding:0}"
        ".toc summary{pointer-events:none;list-style:none}"
        ".toc summary::-webkit-details-marker{display:none}}\n"
        /* the note */
        ".note-header{margin-bottom:1.75rem}\n"
        ".note-title{font-size:2.2rem;line-height:1.2;margin:0 0 .6rem;letter-spacing:-.01em}\n"
        ".note-meta{display:flex;flex-wrap:wrap;gap:.4rem .6rem;align-items:center;"
        "color:var(--muted);font-size:.9rem}\n"
        ".tags{display:contents}\n"
        "a.tag:hover{text-decoration:underline}\n"
        ".tag{display:inline-block;padding:.05rem .6rem;border-radius:999px;"
        "background:var(--tag-bg);color:var(--accent);font-size:.85rem;text-decoration:none}\n"
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
        ".unresolved{color:var(--faint);text-decoration:underline dotted;"
        "text-underline-offset:.16em;cursor:default}\n"
        "a.embed{display:block;padding:.6rem .9rem;border:1px solid var(--border);"
        "border-radius:8px;text-decoration:none;box-shadow:0 1px 2px var(--shadow)}\n"
        "a.embed::before{content:\"\\2197\\00a0\";color:var(--faint)}\n"
        ".markdown-embed{border-left:3px solid var(--border);padding:.1rem 0 .1rem 1rem;"
        "margin:0 0 1.1rem}\n"
        "img,video,iframe,embed,object,svg{max-width:100%}\nimg,video{height:auto}\n"
        "img{border-radius:4px}\naudio{width:100%}\n"
        "code,kbd,pre,samp{font-family:var(--mono);font-size:.875em}\n"
        ":not(pre)>code{background:var(--code-bg);padding:.12em .36em;border-radius:4px;"
        "overflow-wrap:anywhere}\n"
        "kbd{border:1px solid var(--border);border-bottom-width:2px;border-radius:4px;"
        "padding:.05em .35em}\n"
        "pre{background:var(--code-bg);padding:.9rem 1rem;border-radius:8px;overflow-x:auto;"
        "line-height:1.5;tab-size:4}\n"
        "pre code{font-size:.85rem;background:none;padding:0}\n"
        "pre.mermaid{background:none;text-align:center}\n"
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
        ".math.display{display:block;overflow-x:auto;overflow-y:hidden;text-align:center;"
        "margin:1rem 0;padding:.1rem 0}\n"
        ".math.inline .katex{white-space:normal}\n"
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
        ".footnotes{margin-top:2.5rem;padding-top:1rem;border-top:1px solid var(--border);"
        "font-size:.92rem;color:var(--muted)}\n"
        ".footnotes ol{padding-left:1.4rem}\n"
        "sup{line-height:0}.footnote-ref a,.footnote-backref{text-decoration:none}\n"
        "iframe{border:1px solid var(--border);border-radius:8px;width:100%}\n"
        /* list pages: tags, folders */
        ".tag-list{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.5rem .6rem}\n"
        ".tag-list li{margin:0}\n"
        ".count{color:var(--faint);font-size:.85rem;margin-left:.15rem}\n"
        ".note-list,.folder-list{padding-left:1.2rem}\n"
        ".backlinks{margin-top:3rem;padding-top:1.25rem;border-top:1px solid var(--border);"
        "font-size:.95rem}\n"
        ".backlinks h2{font-size:.8rem;text-transform:uppercase;letter-spacing:.08em;"
        "color:var(--muted);margin:0 0 .6rem}\n"
        ".backlinks ul{padding-left:1.1rem;margin:0}\n"
        ".site-footer{max-width:80rem;margin:0 auto;color:var(--faint);font-size:.85rem;"
        "padding:1rem 1.25rem 2.5rem;border-top:1px solid var(--border)}\n"
        ".site-footer a{color:inherit}\n"
        ".not-found{text-align:center;padding:3rem 0}\n"
        ".not-found .note-title{font-size:2.5rem}\n"
        "@media (max-width:40rem){body{font-size:1rem}.note-title,.not-found "
        ".note-title{font-size:1.75rem}"
        "h1{font-size:1.6rem}h2{font-size:1.35rem}main{padding-top:1.5rem}"
        ".page,.site-bar,.site-footer{padding-left:1rem;padding-right:1rem}}\n"
        "@media print{.site-header,.site-footer,.backlinks,.sidebar,.toc-box{display:none}"
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

/* --- scanning the rendered fragment ------------------------------------------------------ */

static bool
starts(const uint8_t *p, const uint8_t *end, const char *lit)
{
	size_t n = strlen(lit);
	return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

static const uint8_t *
find(const uint8_t *p, const uint8_t *end, const char *lit)
{
	size_t n = strlen(lit);
	if (p >= end || (size_t)(end - p) < n)
		return NULL;
	return memmem(p, (size_t)(end - p), lit, n);
}

/*
 * Parses "<hN ...>" at p (N in the TOC's levels) up to its closing tag. Returns the byte
 * after "</hN>", or NULL (with *h untouched) when p is not such a heading with an id.
 */
static const uint8_t *
heading_at(const uint8_t *p, const uint8_t *end, struct layout_heading *h)
{
	if (end - p < 4 || p[1] != 'h' || p[2] < '0' + LAYOUT_TOC_MIN_LEVEL ||
	    p[2] > '0' + LAYOUT_TOC_MAX_LEVEL || (p[3] != ' ' && p[3] != '>'))
		return NULL;
	const uint8_t *gt = memchr(p, '>', (size_t)(end - p));
	if (!gt)
		return NULL;
	char close[6] = {'<', '/', 'h', (char)p[2], '>', '\0'};
	const uint8_t *c = find(gt + 1, end, close);
	const uint8_t *id = find(p + 3, gt, " id=\"");
	if (!c || !id)
		return NULL;
	id += 5;
	const uint8_t *q = memchr(id, '"', (size_t)(gt - id));
	if (!q || q == id)
		return NULL;
	h->level = p[2] - '0';
	h->id = (struct slice){id, (size_t)(q - id)};
	h->inner = (struct slice){gt + 1, (size_t)(c - gt - 1)};
	return c + 5;
}

size_t
layout_headings(struct slice html, struct layout_heading *out, size_t max)
{
	const uint8_t *p = html.ptr, *end = html.ptr + html.len;
	size_t n = 0;
	int embed = 0; // depth of <div> inside a transcluded note, 0 outside
	while (p && p < end && (p = memchr(p, '<', (size_t)(end - p)))) {
		if (starts(p, end, "<div")) {
			if (embed || starts(p, end, "<div class=\"markdown-embed\"") ||
			    starts(p, end, "<div class=\"markdown-embed "))
				embed++;
			p += 4;
			continue;
		}
		if (starts(p, end, "</div>")) {
			embed -= embed > 0;
			p += 6;
			continue;
		}
		struct layout_heading h;
		const uint8_t *next = embed ? NULL : heading_at(p, end, &h);
		if (!next) {
			p++;
			continue;
		}
		if (n < max)
			out[n] = h;
		n++;
		p = next;
	}
	return n;
}

bool
layout_has_math(struct slice html)
{
	const uint8_t *end = html.ptr + html.len;
	return find(html.ptr, end, "<span class=\"math inline\">") ||
	       find(html.ptr, end, "<span class=\"math display\">");
}

bool
layout_has_mermaid(struct slice html)
{
	return find(html.ptr, html.ptr + html.len, "<pre class=\"mermaid\"") != NULL;
}

/* Where a cut excerpt of n bytes may end: at a word, never inside an entity or a character. */
static size_t
excerpt_cut(const char *t, size_t n, uint8_t next)
{
	size_t word = n;
	while (word > 0 && t[word - 1] != ' ')
		word--;
	if (word > n / 2) {
		n = word - 1;               // before the space: a whole word
	} else if ((next & 0xC0) == 0x80) { // inside a character: drop its first bytes too
		while (n > 0 && ((uint8_t)t[n - 1] & 0xC0) == 0x80)
			n--;
		n -= n > 0;
	}
	for (size_t k = n; k-- > 0 && t[k] != ';' && t[k] != ' ';) {
		if (t[k] == '&') {
			n = k;
			break;
		}
	}
	while (n > 0 && t[n - 1] == ' ')
		n--;
	return n;
}

size_t
layout_excerpt(struct slice html, char *out, size_t max)
{
	const uint8_t *p = html.ptr, *end = html.ptr + html.len;
	size_t n = 0;
	if (max < 8)
		return max ? (out[0] = '\0', 0) : 0;
	size_t limit = max - 4; // room for an ellipsis and the NUL
	while (n == 0 && (p = find(p, end, "<p>"))) {
		const uint8_t *stop = find(p, end, "</p>");
		stop = stop ? stop : end;
		bool space = false;
		for (p += 3; p < stop && n < limit;) {
			if (*p == '<') { // a tag: dropped, its text kept
				const uint8_t *gt = memchr(p, '>', (size_t)(stop - p));
				p = gt ? gt + 1 : stop;
			} else if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
				space = n > 0;
				p++;
			} else if (space) {
				out[n++] = ' ';
				space = false;
			} else {
				out[n++] = (char)*p++;
			}
		}
		if (n == limit && p < stop) {
			n = excerpt_cut(out, n, *p);
			memcpy(out + n, "\xE2\x80\xA6", 3); // an ellipsis
			n += 3;
		}
		p = stop;
	}
	out[n] = '\0';
	return n;
}

/* --- the document ------------------------------------------------------------------------- */

/*
 * Appends HTML without its tags: the text of a heading, still escaped as it was. Footnote
 * references (<sup>...</sup>) go with their text.
 */
static void
put_untagged(struct buf *out, struct slice h)
{
	const uint8_t *p = h.ptr, *end = h.ptr + h.len;
	while (p < end) {
		const uint8_t *lt = memchr(p, '<', (size_t)(end - p));
		const uint8_t *stop = lt ? lt : end;
		buf_put(out, p, (size_t)(stop - p));
		if (!lt)
			break;
		if (starts(lt, end, "<sup")) {
			const uint8_t *close = find(lt, end, "</sup>");
			p = close ? close + 6 : end;
			continue;
		}
		const uint8_t *gt = memchr(lt, '>', (size_t)(end - lt));
		p = gt ? gt + 1 : end;
	}
}

static void
link_tag(struct buf *out, const char *rel, const char *url, const char *type, const char *sizes)
{
	if (!url || !*url)
		return;
	buf_printf(out, "<link rel=\"%s\" href=\"", rel);
	href(out, url);
	if (type && *type) {
		buf_puts(out, "\" type=\"");
		text(out, type);
	}
	if (sizes && *sizes) {
		buf_puts(out, "\" sizes=\"");
		text(out, sizes);
	}
	buf_puts(out, "\">\n");
}

static void
script_tag(struct buf *out, const char *url)
{
	if (!url || !*url)
		return;
	buf_puts(out, "<script defer src=\"");
	href(out, url);
	buf_puts(out, "\"></script>\n");
}

/*
 * Runs before the stylesheet is even fetched (an inline script after a pending stylesheet
 * would wait for it): marks the document as scripted, which shows the toggle, and applies
 * a stored theme choice, so a dark page never flashes light.
 */
static const char layout_theme_boot[] =
        "<script>(function(e){e.className+=\" js\";try{var t=localStorage.getItem(\"folio-theme\");"
        "if(t===\"dark\"||t===\"light\")e.setAttribute(\"data-theme\",t)}catch(x){}})"
        "(document.documentElement)</script>\n";

/*
 * Collapses the box just before it on screens narrower than its data-wide query, before
 * first paint. Without scripts the box stays open: everything is readable either way.
 */
static const char layout_fold[] =
        "<script>(function(d){if(window.matchMedia&&!matchMedia(d.getAttribute(\"data-wide\"))"
        ".matches)d.open=false})(document.currentScript.previousElementSibling)</script>\n";

/* The document's start, through the scripts; <head> is left open. */
static void
head(struct buf *out, const struct layout_page *p, const char *title, struct slice content)
{
	const char *site = p->site_title;
	buf_puts(out, "<!doctype html>\n<html lang=\"");
	text(out, p->lang && *p->lang ? p->lang : "en");
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
	if (p->theme_js && *p->theme_js)
		buf_puts(out, layout_theme_boot);
	link_tag(out, "stylesheet", p->css_url, NULL, NULL);
	link_tag(out, "stylesheet", p->publish_css, NULL, NULL);
	bool math = p->katex_js && *p->katex_js && layout_has_math(content);
	bool mermaid = p->mermaid_js && *p->mermaid_js && layout_has_mermaid(content);
	if (math)
		link_tag(out, "stylesheet", p->katex_css, NULL, NULL);
	for (size_t i = 0; i < p->nicons; i++)
		link_tag(out, "icon", p->icons[i].url, p->icons[i].type, p->icons[i].sizes);
	// Deferred scripts run in document order: the libraries before the theme script that
	// uses them, the vault's own after the theme's.
	if (math)
		script_tag(out, p->katex_js);
	if (mermaid)
		script_tag(out, p->mermaid_js);
	script_tag(out, p->theme_js);
	script_tag(out, p->publish_js);
	script_tag(out, p->live_url);
}

static const char layout_toggle[] =
        "<button class=\"theme-toggle\" type=\"button\" aria-pressed=\"false\" "
        "aria-label=\"Dark theme\" title=\"Switch between light and dark\">"
        "<svg viewBox=\"0 0 24 24\" width=\"18\" height=\"18\" aria-hidden=\"true\">"
        "<circle cx=\"12\" cy=\"12\" r=\"8.5\" fill=\"none\" stroke=\"currentColor\" "
        "stroke-width=\"2\"/><path d=\"M12 3.5a8.5 8.5 0 0 0 0 17z\" fill=\"currentColor\"/>"
        "</svg></button>";

static void
site_header(struct buf *out, const struct layout_page *p)
{
	const char *home = p->home_url && *p->home_url ? p->home_url : "/";
	// The skip link's target has a '_', which heading slugs never contain.
	buf_puts(out, "<a class=\"skip-link\" href=\"#_content\">Skip to content</a>\n"
	              "<header class=\"site-header\"><div class=\"site-bar\">"
	              "<a class=\"site-title\" href=\"");
	href(out, home);
	buf_puts(out, "\">");
	text(out, p->site_title && *p->site_title ? p->site_title : "Home");
	buf_puts(out, "</a>");
	if (p->theme_js && *p->theme_js)
		buf_puts(out, layout_toggle);
	buf_puts(out, "</div></header>\n");
}

/*
 * The page grid's start and the sidebar. The nav tree is not in the page (it would make
 * every page change whenever a note is added): the theme script loads it from nav_url.
 */
static void
page_start(struct buf *out, const struct layout_page *p)
{
	if (!p->nav_url || !*p->nav_url) {
		buf_puts(out, "<div class=\"page\">\n");
		return;
	}
	buf_puts(out, "<div class=\"page has-nav\">\n<aside class=\"sidebar\">"
	              "<details class=\"nav-box\" open data-wide=\"(min-width:60rem)\">"
	              "<summary>Notes</summary><nav class=\"site-nav\" aria-label=\"Notes\" "
	              "data-nav=\"");
	href(out, p->nav_url);
	buf_puts(out, "\"><ul><li><a href=\"");
	href(out, p->home_url && *p->home_url ? p->home_url : "/");
	buf_puts(out, "\">All notes</a></li></ul></nav></details>");
	buf_puts(out, layout_fold);
	buf_puts(out, "</aside>\n");
}

static void
site_footer(struct buf *out)
{
	buf_puts(out, "</div>\n<footer class=\"site-footer\">Published with folio</footer>\n"
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
				const char *url = p->tag_urls ? p->tag_urls[i] : NULL;
				if (url && *url) {
					buf_puts(out, "<a class=\"tag\" href=\"");
					href(out, url);
					buf_puts(out, "\">#");
				} else {
					buf_puts(out, "<span class=\"tag\">#");
				}
				text(out, p->tags[i]);
				buf_puts(out, url && *url ? "</a>" : "</span>");
			}
			buf_puts(out, "</span>");
		}
		buf_puts(out, "</div>\n");
	}
	buf_puts(out, "</header>\n");
}

/*
 * The table of contents: a flat list of links to the h2-h4 headings (levels by class), in
 * a <details> that stands beside the note on wide screens and folds above it on narrow ones.
 */
static void
toc(const struct layout_page *p, struct buf *out)
{
	enum { TOC_MAX = 200 };
	struct layout_heading h[TOC_MAX];
	if (p->no_toc)
		return;
	size_t n = layout_headings(p->content, h, TOC_MAX);
	if (n < LAYOUT_TOC_MIN_ITEMS)
		return;
	n = n < TOC_MAX ? n : TOC_MAX;
	buf_puts(out, "<div class=\"toc-box\"><details class=\"toc\" open "
	              "data-wide=\"(min-width:78rem)\"><summary>On this page</summary>"
	              "<nav aria-label=\"Table of contents\"><ul>\n");
	for (size_t i = 0; i < n; i++) {
		// The id comes out of an attribute of the trusted fragment: it is escaped and
		// holds no '"', so it goes back into one as it is.
		buf_printf(out, "<li class=\"toc-h%d\"><a href=\"#", h[i].level);
		buf_put_slice(out, h[i].id);
		buf_puts(out, "\">");
		put_untagged(out, h[i].inner);
		buf_puts(out, "</a></li>\n");
	}
	buf_puts(out, "</ul></nav></details>");
	buf_puts(out, layout_fold);
	buf_puts(out, "</div>\n");
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

/* OpenGraph and Twitter card tags: what a link preview shows. */
static void
social(const struct layout_page *p, const char *title, const char *excerpt, struct buf *out)
{
	meta(out, "property", "og:title", title, false);
	meta(out, "property", "og:site_name", p->site_title, false);
	meta(out, "property", "og:description", p->description, false);
	if (*excerpt) {
		buf_puts(out, "<meta property=\"og:description\" content=\"");
		buf_puts(out, excerpt);
		buf_puts(out, "\">\n");
	}
	meta(out, "property", "og:url", p->canonical, true);
	meta(out, "property", "og:image", p->image, true);
	buf_puts(out, "<meta property=\"og:type\" content=\"article\">\n");
	buf_puts(out, p->image && *p->image
	                      ? "<meta name=\"twitter:card\" content=\"summary_large_image\">\n"
	                      : "<meta name=\"twitter:card\" content=\"summary\">\n");
}

int
layout_page(const struct layout_page *p, struct buf *out)
{
	const char *title = p->title && *p->title ? p->title : p->site_title;
	head(out, p, title, p->content);
	if (p->canonical && *p->canonical) {
		buf_puts(out, "<link rel=\"canonical\" href=\"");
		href(out, p->canonical);
		buf_puts(out, "\">\n");
	}
	// Without a description, the first paragraph's text (already escaped) stands in.
	char excerpt[LAYOUT_EXCERPT_MAX];
	struct layout_page q = *p;
	if (!(p->description && *p->description) &&
	    layout_excerpt(p->content, excerpt, sizeof(excerpt))) {
		buf_puts(out, "<meta name=\"description\" content=\"");
		buf_puts(out, excerpt);
		buf_puts(out, "\">\n");
		q.description = NULL;
	} else {
		excerpt[0] = '\0';
		meta(out, "name", "description", p->description, false);
	}
	social(&q, title, excerpt, out);
	buf_puts(out, "</head>\n<body>\n");
	site_header(out, p);
	page_start(out, p);
	buf_puts(out, "<main id=\"_content\">\n<article class=\"note");
	for (size_t i = 0; i < p->ncssclasses; i++) {
		if (!p->cssclasses[i] || !*p->cssclasses[i])
			continue;
		buf_putc(out, ' ');
		text(out, p->cssclasses[i]);
	}
	buf_puts(out, "\">\n");
	note_header(p, title, out);
	// A note that opens with its own title gets the contents after that heading.
	struct slice body = p->content, lead = {p->content.ptr, 0};
	if (!p->show_title && body.len > 4 && memcmp(body.ptr, "<h1", 3) == 0) {
		const uint8_t *e = find(body.ptr, body.ptr + body.len, "</h1>");
		if (e) {
			lead.len = (size_t)(e + 5 - body.ptr);
			lead.len += lead.len < body.len && body.ptr[lead.len] == '\n';
			body = (struct slice){body.ptr + lead.len, body.len - lead.len};
		}
	}
	if (!lead.len)
		toc(p, out);
	buf_puts(out, "<div class=\"note-content\">\n");
	buf_put_slice(out, lead);
	if (lead.len)
		toc(p, out);
	buf_put_slice(out, body);
	if (p->content.len && p->content.ptr[p->content.len - 1] != '\n')
		buf_putc(out, '\n');
	buf_puts(out, "</div>\n</article>\n");
	backlinks(p, out);
	buf_puts(out, "</main>\n");
	site_footer(out);
	return out->err;
}

int
layout_not_found_page(const struct layout_page *p, struct buf *out)
{
	head(out, p, "Page not found", (struct slice){NULL, 0});
	buf_puts(out, "<meta name=\"robots\" content=\"noindex\">\n</head>\n<body>\n");
	site_header(out, p);
	page_start(out, p);
	buf_puts(out, "<main id=\"_content\">\n<article class=\"note not-found\">\n"
	              "<h1 class=\"note-title\">Page not found</h1>\n"
	              "<p>There is no page at this address, or it is not published.</p>\n"
	              "<p><a href=\"");
	href(out, p->home_url && *p->home_url ? p->home_url : "/");
	buf_puts(out, "\">Go to the home page</a></p>\n</article>\n</main>\n");
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
	struct layout_page p = {
	        .site_title = site_title,
	        .css_url = css_url,
	        .live_url = live_url,
	        .home_url = home_url,
	};
	return layout_not_found_page(&p, out);
}
