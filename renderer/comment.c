/*
 * comment.c: finds "%%" comments with a light scan that knows just enough markdown to leave
 * code alone: fenced blocks (``` or ~~~, also indented or inside quotes) and backtick code
 * spans, which may run over lines but not past a blank line. Everything else, md4c parses
 * afterwards. Comments are cut out rather than blanked: blanks could turn the rest of a line
 * into an indented code block or a hard line break.
 */
#include "renderer/comment.h"

#include <stdbool.h>
#include <string.h>

/* Length of the line at s[i..n) without its '\n'. */
static size_t
line_end(const uint8_t *s, size_t n, size_t i)
{
	const uint8_t *nl = memchr(s + i, '\n', n - i);
	return nl ? (size_t)(nl - s) : n;
}

/*
 * If the line at i opens or closes a code fence, returns its marker length and sets *ch;
 * else 0. A closing fence needs ch and at least min markers and nothing else on the line.
 */
static size_t
fence_at(const uint8_t *s, size_t n, size_t i, uint8_t *ch, size_t min, bool closing)
{
	size_t end = line_end(s, n, i), j = i;
	// Fences inside lists and quotes are indented or prefixed, so any of that is allowed.
	while (j < end && (s[j] == ' ' || s[j] == '\t' || s[j] == '>'))
		j++;
	if (j >= end || (s[j] != '`' && s[j] != '~'))
		return 0;
	uint8_t c = s[j];
	size_t k = j;
	while (k < end && s[k] == c)
		k++;
	size_t len = k - j;
	if (len < 3 || (closing && (c != *ch || len < min)))
		return 0;
	if (closing) {
		for (; k < end; k++)
			if (s[k] != ' ' && s[k] != '\t' && s[k] != '\r')
				return 0;
	} else if (c == '`' && memchr(s + k, '`', end - k)) {
		return 0; // a backtick fence's info string has no backticks
	}
	*ch = c;
	return len;
}

size_t
comment_fence(const uint8_t *s, size_t n, size_t i, uint8_t *ch, size_t min, bool closing)
{
	return fence_at(s, n, i, ch, min, closing);
}

bool
comment_in_fence(struct comment_fences *f, const uint8_t *s, size_t n, size_t i)
{
	uint8_t ch = f->ch;
	size_t len = fence_at(s, n, i, &ch, f->len, f->len > 0);
	if (!len && !f->len)
		return false;
	if (f->len)
		f->len = len ? 0 : f->len;
	else
		f->len = len, f->ch = ch;
	return true;
}

size_t
comment_line_end(const uint8_t *s, size_t n, size_t i)
{
	return line_end(s, n, i);
}

/* End of the code span opened by the run of `run` backticks at i, or 0 if it never closes. */
static size_t
code_span_end(const uint8_t *s, size_t n, size_t i, size_t run)
{
	size_t j = i + run;
	while (j < n) {
		if (s[j] == '\n') {
			size_t k =
			        j + 1; // a blank line ends the paragraph, and the chance to close
			while (k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r'))
				k++;
			if (k >= n || s[k] == '\n')
				return 0;
		}
		if (s[j] != '`') {
			j++;
			continue;
		}
		size_t k = j;
		while (k < n && s[k] == '`')
			k++;
		if (k - j == run)
			return k;
		j = k;
	}
	return 0;
}

size_t
comment_strip(uint8_t *s, size_t n)
{
	// Compacts in place: w trails i, and every look-ahead reads at or after i, which is
	// still as it was.
	size_t w = 0, i = 0;
	bool line_start = true;
	struct comment_fences fences = {0};
	while (i < n) {
		size_t keep = i; // s[i..keep) is copied as is
		if (line_start) {
			line_start = false;
			if (comment_in_fence(&fences, s, n, i)) {
				keep = line_end(s, n, i) + 1;
				line_start = true;
			}
		}
		if (keep == i) {
			uint8_t c = s[i];
			if (c == '\n') {
				line_start = true;
				keep = i + 1;
			} else if (c == '\\' && i + 1 < n && s[i + 1] != '\n') {
				keep = i + 2; // an escaped character starts nothing
			} else if (c == '`') {
				size_t k = i;
				while (k < n && s[k] == '`')
					k++;
				size_t end = code_span_end(s, n, i, k - i);
				keep = end ? end : k;
			} else if (c == '%' && i + 1 < n && s[i + 1] == '%') {
				size_t end = n;
				for (size_t j = i + 2; j + 1 < n; j++) {
					if (s[j] == '%' && s[j + 1] == '%') {
						end = j + 2;
						break;
					}
				}
				i = end; // dropped; what follows is mid-line
				continue;
			} else {
				keep = i + 1;
			}
		}
		if (keep > n)
			keep = n;
		if (w != i)
			memmove(s + w, s + i, keep - i);
		w += keep - i;
		i = keep;
	}
	return w;
}
