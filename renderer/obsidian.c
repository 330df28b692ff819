/*
 * obsidian.c: tags, block ids and the id attribute they add to a block. The block-id rules
 * follow Obsidian: "^" plus letters, digits and dashes, at the end of a block's last line
 * after whitespace, or alone on a line after the block.
 */
#include "renderer/obsidian.h"

#include <string.h>

#include "renderer/html.h"
#include "renderer/slug.h"

static bool
alnum(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

size_t
obsidian_tag(const uint8_t *s, size_t n)
{
	if (n < 2 || s[0] != '#')
		return 0;
	size_t i = 1;
	bool non_digit = false;
	while (i < n) {
		uint8_t c = s[i];
		if (!(alnum(c) || c == '_' || c == '-' || c == '/' || c >= 0x80))
			break;
		non_digit |= !(c >= '0' && c <= '9');
		i++;
	}
	// Trailing '/' or '-' read as punctuation after the tag ("#todo-" is "#todo" and "-").
	while (i > 1 && (s[i - 1] == '/' || s[i - 1] == '-'))
		i--;
	return i > 1 && non_digit ? i : 0;
}

void
obsidian_tag_open(struct buf *out, struct slice tag)
{
	buf_puts(out, "<a class=\"tag\" href=\"");
	slug_tag_url(tag, out); // only unreserved bytes, '/' and %XX: nothing to escape
	buf_puts(out, "\">");
}

bool
obsidian_block_id(struct slice html, size_t *caret, size_t *cut)
{
	const uint8_t *s = html.ptr;
	size_t i = html.len;
	while (i > 0 && (alnum(s[i - 1]) || s[i - 1] == '-'))
		i--;
	if (i == html.len || i == 0 || s[i - 1] != '^')
		return false;
	size_t c = i - 1;
	if (c > 0 && s[c - 1] != ' ' && s[c - 1] != '\t' && s[c - 1] != '\n')
		return false;
	size_t k = c;
	while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'))
		k--;
	if (k >= 5 && memcmp(s + k - 5, "<br>\n", 5) == 0)
		k -= 5;
	else if (k >= 1 && s[k - 1] == '\n')
		k--;
	*caret = c;
	*cut = k;
	return true;
}

void
obsidian_insert_id(struct buf *b, size_t at, struct slice id)
{
	if (at >= b->len || b->ptr[at] != '<')
		return;
	size_t name = at + 1;
	while (name < b->len && alnum(b->ptr[name]))
		name++;
	struct buf attr;
	buf_init(&attr, 0);
	buf_puts(&attr, " id=\"");
	html_escape(&attr, id.ptr, id.len);
	buf_putc(&attr, '"');
	if (attr.err) {
		b->err = b->err ? b->err : attr.err;
	} else if (buf_reserve(b, attr.len)) {
		memmove(b->ptr + name + attr.len, b->ptr + name, b->len - name);
		memcpy(b->ptr + name, attr.ptr, attr.len);
		b->len += attr.len;
	}
	buf_fini(&attr);
}
