/*
 * wikilink.c: target classification, embed sizes and display text for wikilinks. Pure
 * functions over slices; the renderer owns parsing and resolution.
 */
#include "renderer/wikilink.h"

#include <stddef.h>
#include <string.h>

#include "renderer/html.h"

struct media_ext {
	const char *ext;
	enum wikilink_media kind;
};

static const struct media_ext media_exts[] = {
        {"png", WIKILINK_IMAGE},  {"jpg", WIKILINK_IMAGE},  {"jpeg", WIKILINK_IMAGE},
        {"gif", WIKILINK_IMAGE},  {"svg", WIKILINK_IMAGE},  {"webp", WIKILINK_IMAGE},
        {"avif", WIKILINK_IMAGE}, {"bmp", WIKILINK_IMAGE},  {"mp3", WIKILINK_AUDIO},
        {"wav", WIKILINK_AUDIO},  {"m4a", WIKILINK_AUDIO},  {"ogg", WIKILINK_AUDIO},
        {"3gp", WIKILINK_AUDIO},  {"flac", WIKILINK_AUDIO}, {"webm", WIKILINK_VIDEO},
        {"mp4", WIKILINK_VIDEO},  {"mkv", WIKILINK_VIDEO},  {"mov", WIKILINK_VIDEO},
        {"ogv", WIKILINK_VIDEO},  {"pdf", WIKILINK_PDF},
};

enum wikilink_media
wikilink_media(struct slice target)
{
	size_t dot = target.len;
	while (dot > 0 && target.ptr[dot - 1] != '.' && target.ptr[dot - 1] != '/')
		dot--;
	if (dot == 0 || target.ptr[dot - 1] != '.')
		return WIKILINK_NOTE;
	struct slice ext = {target.ptr + dot, target.len - dot};
	for (size_t i = 0; i < sizeof(media_exts) / sizeof(media_exts[0]); i++)
		if (slice_case_eq_str(ext, media_exts[i].ext))
			return media_exts[i].kind;
	return WIKILINK_NOTE;
}

/* Parses 1 to 5 digits at s[*i]; returns false if there are none or too many. */
static bool
parse_dim(struct slice s, size_t *i, unsigned *v)
{
	size_t start = *i;
	unsigned x = 0;
	while (*i < s.len && s.ptr[*i] >= '0' && s.ptr[*i] <= '9' && *i - start < 5)
		x = x * 10 + (unsigned)(s.ptr[(*i)++] - '0');
	*v = x;
	return *i > start && (*i == s.len || s.ptr[*i] < '0' || s.ptr[*i] > '9');
}

void
wikilink_size(struct slice label, struct slice *alt, unsigned *w, unsigned *h)
{
	*alt = label;
	*w = *h = 0;
	if (!label.len)
		return;
	size_t bar = label.len;
	while (bar > 0 && label.ptr[bar - 1] != '|')
		bar--;
	struct slice size = wikilink_trim((struct slice){label.ptr + bar, label.len - bar});
	size_t i = 0;
	unsigned sw, sh = 0;
	if (!parse_dim(size, &i, &sw))
		return;
	if (i < size.len) {
		if (size.ptr[i] != 'x' && size.ptr[i] != 'X')
			return;
		i++;
		if (!parse_dim(size, &i, &sh) || i != size.len)
			return;
	}
	*w = sw;
	*h = sh;
	*alt = wikilink_trim((struct slice){label.ptr, bar ? bar - 1 : 0});
}

void
wikilink_display(struct slice raw, bool escape, struct buf *out)
{
	if (raw.len == 0)
		return;
	size_t i = 0;
	while (i < raw.len && raw.ptr[i] == '#') // "[[#Heading]]": the note itself
		i++;
	bool first = true;
	while (i <= raw.len) {
		const uint8_t *hash = memchr(raw.ptr + i, '#', raw.len - i);
		size_t end = hash ? (size_t)(hash - raw.ptr) : raw.len;
		struct slice part = wikilink_trim((struct slice){raw.ptr + i, end - i});
		if (part.len) {
			if (!first)
				buf_puts(out, escape ? " &gt; " : " > ");
			if (escape)
				html_escape(out, part.ptr, part.len);
			else
				buf_put_slice(out, part);
			first = false;
		}
		i = end + 1;
	}
}

void
wikilink_split(struct slice raw, struct slice *target, struct slice *frag)
{
	const uint8_t *hash = raw.len ? memchr(raw.ptr, '#', raw.len) : NULL;
	if (!hash) {
		*target = raw;
		*frag = (struct slice){NULL, 0};
		return;
	}
	size_t at = (size_t)(hash - raw.ptr);
	*target = (struct slice){raw.ptr, at};
	*frag = (struct slice){raw.ptr + at + 1, raw.len - at - 1};
}

struct slice
wikilink_trim(struct slice s)
{
	while (s.len && (s.ptr[0] == ' ' || s.ptr[0] == '\t')) {
		s.ptr++;
		s.len--;
	}
	while (s.len && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t'))
		s.len--;
	return s;
}
