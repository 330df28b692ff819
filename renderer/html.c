/*
 * html.c: escaping for the renderer's output. Table-driven, like every per-byte loop on
 * the render path: one lookup per byte, then runs of safe bytes are copied at once.
 */
#include "renderer/html.h"

#include "renderer/entity.h"

/* Bytes that html_escape() rewrites. */
static const char *const html_esc[256] = {
        ['&'] = "&amp;",
        ['<'] = "&lt;",
        ['>'] = "&gt;",
        ['"'] = "&quot;",
};

/* 1 for bytes an href keeps as they are (RFC 3986 unreserved and reserved, minus brackets). */
static const uint8_t url_safe[256] = {
        ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,  ['g'] = 1, ['h'] = 1,
        ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,  ['o'] = 1, ['p'] = 1,
        ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1,  ['w'] = 1, ['x'] = 1,
        ['y'] = 1, ['z'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1,  ['E'] = 1, ['F'] = 1,
        ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,  ['M'] = 1, ['N'] = 1,
        ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,  ['U'] = 1, ['V'] = 1,
        ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['0'] = 1, ['1'] = 1,  ['2'] = 1, ['3'] = 1,
        ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,  [';'] = 1, ['/'] = 1,
        ['?'] = 1, [':'] = 1, ['@'] = 1, ['='] = 1, ['+'] = 1, ['$'] = 1,  [','] = 1, ['-'] = 1,
        ['_'] = 1, ['.'] = 1, ['!'] = 1, ['~'] = 1, ['*'] = 1, ['\''] = 1, ['('] = 1, [')'] = 1,
        ['#'] = 1,
};

static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void
html_escape(struct buf *b, const void *p, size_t n)
{
	if (!n) // p may be NULL then (an empty buf)
		return;
	const uint8_t *s = p;
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		const char *esc = html_esc[s[i]];
		if (!esc)
			continue;
		buf_put(b, s + run, i - run);
		buf_puts(b, esc);
		run = i + 1;
	}
	buf_put(b, s + run, n - run);
}

void
html_url(struct buf *b, const void *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!n)
		return;
	const uint8_t *s = p;
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = s[i];
		if (url_safe[c])
			continue;
		buf_put(b, s + run, i - run);
		run = i + 1;
		if (c == '&') {
			buf_puts(b, "&amp;");
		} else if (c == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		           hexval(s[i + 2]) >= 0) {
			buf_put(b, s + i, 3);
			i += 2;
			run = i + 1;
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			buf_put(b, e, 3);
		}
	}
	buf_put(b, s + run, n - run);
}

void
html_put_utf8(struct buf *b, uint32_t cp)
{
	uint8_t u[4];
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	if (cp < 0x80) {
		u[0] = (uint8_t)cp;
		buf_put(b, u, 1);
	} else if (cp < 0x800) {
		u[0] = (uint8_t)(0xC0 | cp >> 6);
		u[1] = (uint8_t)(0x80 | (cp & 0x3F));
		buf_put(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (uint8_t)(0xE0 | cp >> 12);
		u[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
		u[2] = (uint8_t)(0x80 | (cp & 0x3F));
		buf_put(b, u, 3);
	} else {
		u[0] = (uint8_t)(0xF0 | cp >> 18);
		u[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
		u[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
		u[3] = (uint8_t)(0x80 | (cp & 0x3F));
		buf_put(b, u, 4);
	}
}

bool
html_entity_decode(struct buf *b, const uint8_t *s, size_t n)
{
	if (n < 3 || s[0] != '&' || s[n - 1] != ';')
		return false;
	if (s[1] != '#') {
		const char *u = entity_lookup((const char *)s + 1, n - 2);
		if (!u)
			return false;
		buf_puts(b, u);
		return true;
	}
	// Numeric: md4c allows 1-7 decimal or 1-6 hex digits, so the value fits easily.
	bool hex = s[2] == 'x' || s[2] == 'X';
	size_t i = hex ? 3 : 2;
	if (i >= n - 1 || n - 1 - i > 8)
		return false;
	uint32_t cp = 0;
	for (; i < n - 1; i++) {
		int v = hexval(s[i]);
		if (v < 0 || (!hex && v > 9))
			return false;
		cp = cp * (hex ? 16 : 10) + (uint32_t)v;
	}
	html_put_utf8(b, cp);
	return true;
}

void
html_percent_decode(struct buf *b, const uint8_t *s, size_t n)
{
	if (!n)
		return;
	size_t run = 0;
	for (size_t i = 0; i + 2 < n; i++) {
		if (s[i] != '%')
			continue;
		int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
		if (hi < 0 || lo < 0)
			continue;
		buf_put(b, s + run, i - run);
		buf_putc(b, (char)(hi << 4 | lo));
		i += 2;
		run = i + 1;
	}
	buf_put(b, s + run, n - run);
}

bool
html_has_scheme(const uint8_t *u, size_t n)
{
	if (n < 3 || !((u[0] | 0x20) >= 'a' && (u[0] | 0x20) <= 'z'))
		return false;
	for (size_t i = 1; i < n && i <= 32; i++) {
		uint8_t c = u[i];
		if (c == ':')
			return i >= 2;
		bool ok = ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9') ||
		          c == '+' || c == '.' || c == '-';
		if (!ok)
			return false;
	}
	return false;
}
