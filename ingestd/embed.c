/*
 * embed.c: sections of a note for embeds, and id removal (contract in embed.h). Works on
 * lines of markdown rather than a parse: a section boundary is a line, and the renderer
 * parses what is cut as a note of its own.
 */
#include "ingestd/embed.h"

#include <string.h>

#include "renderer/slug.h"

/* One line of md: [start, end) without its newline; next is where the following one starts. */
struct line {
	size_t start, end, next;
};

static bool
next_line(struct slice md, size_t at, struct line *l)
{
	if (at >= md.len) {
		return false;
	}
	const uint8_t *nl = memchr(md.ptr + at, '\n', md.len - at);
	l->start = at;
	l->end = nl ? (size_t)(nl - md.ptr) : md.len;
	l->next = nl ? l->end + 1 : md.len;
	if (l->end > l->start && md.ptr[l->end - 1] == '\r') {
		l->end--;
	}
	return true;
}

/* Leading spaces of a line (tabs count as 4), up to its end. */
static size_t
indent_of(struct slice md, const struct line *l, size_t *bytes)
{
	size_t i = l->start, w = 0;
	while (i < l->end && (md.ptr[i] == ' ' || md.ptr[i] == '\t')) {
		w += md.ptr[i] == '\t' ? 4 : 1;
		i++;
	}
	if (bytes) {
		*bytes = i - l->start;
	}
	return w;
}

static bool
is_blank(struct slice md, const struct line *l)
{
	for (size_t i = l->start; i < l->end; i++) {
		if (md.ptr[i] != ' ' && md.ptr[i] != '\t') {
			return false;
		}
	}
	return true;
}

/* True if the line opens or closes a code fence (``` or ~~~, up to 3 spaces in). */
static bool
is_fence(struct slice md, const struct line *l)
{
	size_t skip;
	if (indent_of(md, l, &skip) > 3) {
		return false;
	}
	size_t i = l->start + skip;
	return i + 3 <= l->end &&
	       (memcmp(md.ptr + i, "```", 3) == 0 || memcmp(md.ptr + i, "~~~", 3) == 0);
}

/* The level of an ATX heading line (1-6) with its text in *text, or 0. */
static int
heading_level(struct slice md, const struct line *l, struct slice *text)
{
	size_t skip;
	if (indent_of(md, l, &skip) > 3) {
		return 0;
	}
	size_t i = l->start + skip;
	int level = 0;
	while (i < l->end && md.ptr[i] == '#' && level < 7) {
		level++;
		i++;
	}
	if (level == 0 || level > 6 || (i < l->end && md.ptr[i] != ' ' && md.ptr[i] != '\t')) {
		return 0;
	}
	size_t end = l->end;
	while (end > i && (md.ptr[end - 1] == ' ' || md.ptr[end - 1] == '\t')) {
		end--;
	}
	size_t hashes = end;
	while (hashes > i && md.ptr[hashes - 1] == '#') {
		hashes--;
	}
	if (hashes < end &&
	    (hashes == i || md.ptr[hashes - 1] == ' ' || md.ptr[hashes - 1] == '\t')) {
		end = hashes; // a closing run of '#'
	}
	while (i < end && (md.ptr[i] == ' ' || md.ptr[i] == '\t')) {
		i++;
	}
	while (end > i && (md.ptr[end - 1] == ' ' || md.ptr[end - 1] == '\t')) {
		end--;
	}
	*text = (struct slice){md.ptr + i, end - i};
	return level;
}

/* True if two heading names slug alike ("Some Heading" matches "some-heading"). */
static bool
same_heading(struct slice a, struct slice b)
{
	struct buf x, y;
	buf_init(&x, 0);
	buf_init(&y, 0);
	slug_segment(a, &x);
	slug_segment(b, &y);
	bool eq = !x.err && !y.err && slice_eq(buf_slice(&x), buf_slice(&y));
	buf_fini(&x);
	buf_fini(&y);
	return eq;
}

/* Within md[lo, hi), the section of the heading named name. */
static bool
find_heading(struct slice md, size_t lo, size_t hi, struct slice name, size_t *s_lo, size_t *s_hi)
{
	struct line l;
	bool fenced = false;
	int found = 0;
	for (size_t at = lo; at < hi && next_line(md, at, &l); at = l.next) {
		if (is_fence(md, &l)) {
			fenced = !fenced;
			continue;
		}
		struct slice text;
		int level = fenced ? 0 : heading_level(md, &l, &text);
		if (!level) {
			continue;
		}
		if (found && level <= found) {
			*s_hi = l.start;
			return true;
		}
		if (!found && same_heading(text, name)) {
			found = level;
			*s_lo = l.start;
		}
	}
	if (found) {
		*s_hi = hi;
	}
	return found != 0;
}

/* True if the line (after its indent) starts a list item. */
static bool
is_item(struct slice md, const struct line *l)
{
	size_t skip;
	indent_of(md, l, &skip);
	size_t i = l->start + skip;
	if (i < l->end && (md.ptr[i] == '-' || md.ptr[i] == '*' || md.ptr[i] == '+')) {
		return i + 1 == l->end || md.ptr[i + 1] == ' ' || md.ptr[i + 1] == '\t';
	}
	size_t d = 0;
	while (i + d < l->end && md.ptr[i + d] >= '0' && md.ptr[i + d] <= '9') {
		d++;
	}
	return d && i + d < l->end && (md.ptr[i + d] == '.' || md.ptr[i + d] == ')');
}

/* True if the line ends in " ^id" (or is only "^id"); *caret gets the offset of its '^'. */
static bool
ends_in_id(struct slice md, const struct line *l, struct slice id, size_t *caret)
{
	size_t end = l->end;
	while (end > l->start && (md.ptr[end - 1] == ' ' || md.ptr[end - 1] == '\t')) {
		end--;
	}
	if (end - l->start < id.len + 1) {
		return false;
	}
	size_t c = end - id.len - 1;
	if (md.ptr[c] != '^' || memcmp(md.ptr + c + 1, id.ptr, id.len) != 0) {
		return false;
	}
	if (c > l->start && md.ptr[c - 1] != ' ' && md.ptr[c - 1] != '\t') {
		return false;
	}
	*caret = c;
	return true;
}

/* The block that "^id" names, as lines [*s_lo, *s_hi). */
static bool
find_block(struct slice md, struct slice id, size_t *s_lo, size_t *s_hi)
{
	struct line l;
	bool fenced = false;
	size_t para = 0; // start of the run of non-blank lines the current line is in
	size_t prev_lo = 0, prev_hi = 0; // the last run that ended at a blank line
	bool have_prev = false, in_run = false;
	for (size_t at = 0; next_line(md, at, &l); at = l.next) {
		if (is_fence(md, &l)) {
			fenced = !fenced;
		}
		struct slice htext;
		bool heading = !fenced && heading_level(md, &l, &htext) > 0;
		if (is_blank(md, &l) || heading) { // a heading is a block of its own line
			if (in_run) {
				prev_lo = para;
				prev_hi = l.start;
				have_prev = true;
			}
			in_run = false;
			continue;
		}
		if (!in_run) {
			para = l.start;
			in_run = true;
		}
		size_t caret;
		if (fenced || !ends_in_id(md, &l, id, &caret)) {
			continue;
		}
		size_t skip;
		indent_of(md, &l, &skip);
		if (caret == l.start + skip) { // a line of its own: the block before it
			if (para < l.start) {
				*s_lo = para; // "table\n^id" without a blank line between
				*s_hi = l.start;
				return true;
			}
			if (!have_prev) {
				return false;
			}
			*s_lo = prev_lo;
			*s_hi = prev_hi;
			return true;
		}
		// A list item: from the line where it starts; a paragraph: the whole run.
		size_t lo = para;
		struct line k;
		for (size_t b = para; next_line(md, b, &k) && k.start <= l.start; b = k.next) {
			if (is_item(md, &k)) {
				lo = k.start;
			}
		}
		// A nested item keeps its place in the note but not its indent here: indented
		// by four, it would parse as code.
		struct line first;
		size_t skip_first = 0;
		if (next_line(md, lo, &first)) {
			indent_of(md, &first, &skip_first);
		}
		*s_lo = lo + skip_first;
		*s_hi = l.next;
		return true;
	}
	return false;
}

bool
embed_section(struct slice md, struct slice frag, struct slice *out)
{
	*out = (struct slice){md.ptr, 0};
	if (frag.len == 0) {
		*out = md;
		return true;
	}
	size_t lo = 0, hi = md.len;
	if (frag.ptr[0] == '^') {
		if (!find_block(md, (struct slice){frag.ptr + 1, frag.len - 1}, &lo, &hi)) {
			return false;
		}
	} else {
		size_t i = 0;
		while (i < frag.len) {
			const uint8_t *h = memchr(frag.ptr + i, '#', frag.len - i);
			size_t e = h ? (size_t)(h - frag.ptr) : frag.len;
			struct slice name = {frag.ptr + i, e - i};
			i = e + 1;
			if (name.len == 0) {
				continue;
			}
			if (!find_heading(md, lo, hi, name, &lo, &hi)) {
				return false;
			}
		}
	}
	*out = (struct slice){md.ptr + lo, hi - lo};
	return true;
}

/* --- ids --------------------------------------------------------------------------------- */

void
embed_drop_ids(struct buf *html, size_t from)
{
	if (html->err || from >= html->len) {
		return;
	}
	uint8_t *p = html->ptr;
	size_t w = from;
	bool in_tag = false;
	uint8_t quote = 0;
	for (size_t r = from; r < html->len;) {
		uint8_t c = p[r];
		if (!in_tag) {
			in_tag = c == '<';
			p[w++] = p[r++];
			continue;
		}
		if (quote) {
			quote = c == quote ? 0 : quote;
			p[w++] = p[r++];
			continue;
		}
		if (c == '"' || c == '\'') {
			quote = c;
		} else if (c == '>') {
			in_tag = false;
		} else if ((c == ' ' || c == '\t' || c == '\n') && r + 5 < html->len &&
		           (p[r + 1] | 32) == 'i' && (p[r + 2] | 32) == 'd' && p[r + 3] == '=' &&
		           (p[r + 4] == '"' || p[r + 4] == '\'')) {
			uint8_t q = p[r + 4];
			const uint8_t *close = memchr(p + r + 5, q, html->len - r - 5);
			if (close) {
				r = (size_t)(close - p) + 1; // skip ' id="..."'
				continue;
			}
		}
		p[w++] = p[r++];
	}
	html->len = w;
}
