/*
 * math.c: "$$" blocks become fences before md4c parses the note, so that markdown never
 * splits a formula. The fence keeps the delimiter line's container prefix (indentation,
 * '>'), so a block in a list item or a quote stays there.
 */
#include "renderer/math.h"

#include <string.h>

#include "renderer/comment.h"

/* If the line at i..end is a "$$" delimiter, the length of its container prefix; else -1. */
static long
delim(const uint8_t *s, size_t i, size_t end)
{
	size_t j = i;
	while (j < end && (s[j] == ' ' || s[j] == '\t' || s[j] == '>'))
		j++;
	if (j + 2 > end || s[j] != '$' || s[j + 1] != '$')
		return -1;
	for (size_t k = j + 2; k < end; k++)
		if (s[k] != ' ' && s[k] != '\t' && s[k] != '\r')
			return -1;
	return (long)(j - i);
}

/* The next "$$" line at or after i outside code fences; n if none. */
static size_t
next_delim(const uint8_t *s, size_t n, size_t i)
{
	struct comment_fences fences = {0};
	for (; i < n; i = comment_line_end(s, n, i) + 1) {
		if (!comment_in_fence(&fences, s, n, i) &&
		    delim(s, i, comment_line_end(s, n, i)) >= 0)
			return i;
	}
	return n;
}

bool
math_blocks(const uint8_t *s, size_t n, struct buf *out)
{
	if (n < 2 || !memmem(s, n, "$$", 2))
		return false;
	size_t open = next_delim(s, n, 0);
	if (open >= n)
		return false;
	size_t done = 0; // s[0..done) is in out
	bool any = false;
	while (open < n) {
		size_t open_end = comment_line_end(s, n, open);
		size_t close = next_delim(s, n, open_end < n ? open_end + 1 : n);
		if (close >= n)
			break; // unclosed: it and everything after stay as they are
		size_t close_end = comment_line_end(s, n, close);
		long op = delim(s, open, open_end), cp = delim(s, close, close_end);
		buf_put(out, s + done, open - done);
		buf_put(out, s + open, (size_t)op);
		buf_puts(out, "~~~~" MATH_INFO);
		buf_put(out, s + open_end, close - open_end);
		buf_put(out, s + close, (size_t)cp);
		buf_puts(out, "~~~~");
		done = close_end;
		any = true;
		open = close_end < n ? next_delim(s, n, close_end + 1) : n;
	}
	if (any)
		buf_put(out, s + done, n - done);
	return any;
}
