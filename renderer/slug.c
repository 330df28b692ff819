/*
 * slug.c: names to URL paths and heading ids. A slug keeps ASCII letters (lowercased),
 * digits and non-ASCII letters; every other run of characters becomes one '-'. Apostrophes
 * vanish ("don't" -> "dont") and common Unicode punctuation and spaces (NBSP, dashes, curly
 * quotes, ellipsis, CJK and fullwidth punctuation) count as separators, so titles that
 * differ only in typography get the same slug.
 */
#include "renderer/slug.h"

#include <stdbool.h>
#include <stdint.h>

#include "renderer/html.h"
#include "renderer/unicode.h"

enum slug_class {
	SLUG_SEP,  /* becomes part of a '-' run */
	SLUG_KEEP, /* copied (ASCII letters lowercased) */
	SLUG_DROP, /* removed without a separator: apostrophes, BOM, soft hyphen */
};

/* Decodes the UTF-8 sequence at s[0..n); returns its length, or 0 if malformed. */
static size_t
utf8_decode(const uint8_t *s, size_t n, uint32_t *cp)
{
	uint8_t c = s[0];
	size_t len;
	uint32_t v;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		v = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3F);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)))
		return 0;
	*cp = v;
	return len;
}

static enum slug_class
classify(uint32_t cp)
{
	if (cp < 0x80) {
		if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		    (cp >= '0' && cp <= '9'))
			return SLUG_KEEP;
		return cp == '\'' ? SLUG_DROP : SLUG_SEP;
	}
	if (cp == 0x2018 || cp == 0x2019 || cp == 0xFEFF || cp == 0xAD || cp == 0x200B)
		return SLUG_DROP;
	// Latin-1 punctuation and symbols (NBSP, inverted marks, guillemets, section sign...),
	// except the letters and digits that live among them.
	if (cp >= 0xA0 && cp <= 0xBF)
		return (cp == 0xAA || cp == 0xB5 || cp == 0xBA) ? SLUG_KEEP : SLUG_SEP;
	if (cp == 0xD7 || cp == 0xF7)
		return SLUG_SEP;
	if (cp >= 0x2000 && cp <= 0x206F) // general punctuation: spaces, dashes, quotes, bullets
		return SLUG_SEP;
	if (cp >= 0x3000 && cp <= 0x3003) // ideographic space, comma, full stop
		return SLUG_SEP;
	if (cp >= 0x3008 && cp <= 0x3011) // CJK brackets
		return SLUG_SEP;
	if ((cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
	    (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65))
		return SLUG_SEP; // fullwidth punctuation
	return SLUG_KEEP;
}

/*
 * Lowercases the capitals of the scripts most vault names use (Latin-1, Latin Extended-A,
 * Greek, Cyrillic), so "Ärger" and "ärger" share a URL. Anything else is returned as is.
 */
static uint32_t
lower_cp(uint32_t cp)
{
	if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ||
	    (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) || (cp >= 0x410 && cp <= 0x42F))
		return cp + 0x20;
	if (cp >= 0x400 && cp <= 0x40F)
		return cp + 0x50;
	if (cp != 0x130 && ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)))
		return cp | 1;
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
		return (cp & 1) ? cp + 1 : cp;
	switch (cp) {
	case 0x130: // capital I with dot: its lowercase is a plain i
		return 'i';
	case 0x178:
		return 0xFF;
	case 0x386:
		return 0x3AC;
	case 0x388:
	case 0x389:
	case 0x38A:
		return cp + 0x25;
	case 0x38C:
		return 0x3CC;
	case 0x38E:
	case 0x38F:
		return cp + 0x3F;
	case 0x1E9E:
		return 0xDF;
	}
	return cp;
}

/* Appends one code point (its n bytes at p), lowercased as lower_cp does and ASCII does. */
static void
put_lower(struct buf *out, const uint8_t *p, size_t n, uint32_t cp)
{
	uint32_t lc = n > 1 ? lower_cp(cp) : cp;
	if (cp >= 'A' && cp <= 'Z')
		buf_putc(out, (char)(cp + 32));
	else if (lc != cp)
		html_put_utf8(out, lc);
	else
		buf_put(out, p, n);
}

/*
 * The slug of one segment, appended to out without the "-" fallback. Returns the number of
 * bytes appended.
 */
static size_t
slug_append_plain(struct slice name, struct buf *out)
{
	size_t start = out->len;
	bool sep = false; // a separator is waiting to be written before the next kept char
	size_t i = 0;
	while (i < name.len) {
		uint32_t cp;
		size_t n = utf8_decode(name.ptr + i, name.len - i, &cp);
		enum slug_class cls;
		if (n == 0) { // malformed UTF-8: keep the byte, fronts and hrefs encode it
			n = 1;
			cls = SLUG_KEEP;
			cp = 0xFFFD; // lower_cp leaves it alone; the byte itself is copied
		} else {
			cls = classify(cp);
		}
		if (cls == SLUG_SEP) {
			sep = out->len > start;
		} else if (cls == SLUG_KEEP) {
			if (sep)
				buf_putc(out, '-');
			sep = false;
			put_lower(out, name.ptr + i, n, cp);
		}
		i += n;
	}
	return out->len - start;
}

/*
 * slug_append_plain of name in NFC, so a name stored decomposed (macOS) and one typed
 * precomposed give one slug. ASCII names go straight through.
 */
static size_t
slug_append(struct slice name, struct buf *out)
{
	size_t i = 0;
	while (i < name.len && name.ptr[i] < 0x80)
		i++;
	if (i == name.len)
		return slug_append_plain(name, out);
	struct buf nfc;
	buf_init(&nfc, 0);
	size_t n;
	if (unicode_nfc(name, false, &nfc) && !nfc.err)
		n = slug_append_plain(buf_slice(&nfc), out);
	else
		n = slug_append_plain(name, out);
	buf_fini(&nfc);
	return n;
}

void
slug_segment(struct slice name, struct buf *out)
{
	if (slug_append(name, out) == 0)
		buf_putc(out, '-');
}

/* Appends "/" + slug for each non-empty '/'-separated part of path; strip_md drops ".md". */
static void
slug_path(struct slice path, bool strip_md, struct buf *out)
{
	size_t start = out->len;
	size_t i = 0;
	while (i < path.len) {
		size_t j = i;
		while (j < path.len && path.ptr[j] != '/')
			j++;
		struct slice seg = {path.ptr + i, j - i};
		if (strip_md && j == path.len && seg.len > 3 &&
		    slice_case_eq_str((struct slice){seg.ptr + seg.len - 3, 3}, ".md"))
			seg.len -= 3;
		if (seg.len > 0 && !slice_eq_str(seg, ".")) {
			buf_putc(out, '/');
			slug_segment(seg, out);
		}
		i = j + 1;
	}
	if (out->len == start)
		buf_putc(out, '/');
}

void
slug_note_url(struct slice vault_path, struct buf *out)
{
	slug_path(vault_path, true, out);
}

void
slug_permalink(struct slice permalink, struct buf *out)
{
	slug_path(permalink, false, out);
}

void
slug_asset_url(struct slice vault_path, struct buf *out)
{
	size_t i = 0;
	while (i < vault_path.len && vault_path.ptr[i] == '/')
		i++;
	buf_putc(out, '/');
	if (i < vault_path.len)
		buf_put(out, vault_path.ptr + i, vault_path.len - i);
}

void
slug_href(struct slice s, struct buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!s.len)
		return;
	size_t run = 0;
	for (size_t i = 0; i < s.len; i++) {
		uint8_t c = s.ptr[i];
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
		            c == '~' || c == '/';
		if (keep)
			continue;
		buf_put(out, s.ptr + run, i - run);
		char e[3] = {'%', hex[c >> 4], hex[c & 15]};
		buf_put(out, e, 3);
		run = i + 1;
	}
	buf_put(out, s.ptr + run, s.len - run);
}

void
slug_tag(struct slice tag, struct buf *out)
{
	size_t i = 0;
	while (i < tag.len && tag.ptr[i] == '#')
		i++;
	size_t start = out->len;
	bool slash = false; // a '/' is waiting to be written before the next kept char
	while (i < tag.len) {
		uint32_t cp;
		size_t n = utf8_decode(tag.ptr + i, tag.len - i, &cp);
		if (n == 0) {
			n = 1;
			cp = 0xFFFD;
		}
		if (cp == '/') {
			slash = out->len > start;
		} else {
			if (slash)
				buf_putc(out, '/');
			slash = false;
			put_lower(out, tag.ptr + i, n, cp);
		}
		i += n;
	}
}

void
slug_tag_url(struct slice tag, struct buf *out)
{
	struct buf key;
	buf_init(&key, 0);
	buf_puts(&key, "/tags/");
	slug_tag(tag, &key);
	if (key.err)
		out->err = out->err ? out->err : key.err;
	else
		slug_href(buf_slice(&key), out);
	buf_fini(&key);
}
