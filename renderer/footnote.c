/*
 * footnote.c: finding footnotes in the text before md4c parses it. Both scans are linear:
 * definitions are found line by line; references and inline footnotes in one pass per line
 * with a bracket stack, and a code span's closing run is looked for at most once per line
 * and run length (a failed look-up is remembered until the line ends).
 */
#include "renderer/footnote.h"

#include <stdlib.h>
#include <string.h>

#include "renderer/comment.h"
#include "shared/err.h"

/* Code spans with runs this long or longer are not looked for (their backticks are text). */
#define CODE_RUN_MAX 64

void
footnote_init(struct footnotes *f)
{
	*f = (struct footnotes){0};
	buf_init(&f->labels, 0);
	buf_init(&f->bodies, 0);
	buf_init(&f->ids, 0);
}

void
footnote_fini(struct footnotes *f)
{
	buf_fini(&f->labels);
	buf_fini(&f->bodies);
	buf_fini(&f->ids);
	free(f->fn);
	free(f->refs);
	free(f->order);
	*f = (struct footnotes){0};
}

void
footnote_toks_fini(struct footnote_toks *t)
{
	free(t->v);
	*t = (struct footnote_toks){0};
}

/* Makes room for one more element of size sz in *v (n used, *cap allocated). */
static int
grow(void **v, size_t n, size_t *cap, size_t sz)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 16;
	void *p = realloc(*v, c * sz);
	if (!p)
		return ERR_NOMEM;
	*v = p;
	*cap = c;
	return 0;
}

static bool
blank_line(const uint8_t *s, size_t i, size_t end)
{
	for (; i < end; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* Columns of indentation at s[i..end), tabs to the next multiple of 4. */
static size_t
indent(const uint8_t *s, size_t i, size_t end)
{
	size_t col = 0;
	for (; i < end && (s[i] == ' ' || s[i] == '\t'); i++)
		col = s[i] == '\t' ? col + 4 - col % 4 : col + 1;
	return col;
}

/* Offset just past up to `cols` columns of indentation at s[i..end). */
static size_t
dedent(const uint8_t *s, size_t i, size_t end, size_t cols)
{
	size_t col = 0;
	while (i < end && col < cols && (s[i] == ' ' || s[i] == '\t')) {
		col = s[i] == '\t' ? col + 4 - col % 4 : col + 1;
		i++;
	}
	return i;
}

/* Label length of "[^label]" at s[i] (i at '['), or 0. Labels have no spaces or brackets. */
static size_t
label_at(const uint8_t *s, size_t end, size_t i)
{
	if (i + 3 >= end || s[i] != '[' || s[i + 1] != '^')
		return 0;
	size_t j = i + 2;
	while (j < end && j - i - 2 <= FOOTNOTE_LABEL_MAX && s[j] != ']' && s[j] != '[' &&
	       s[j] != ' ' && s[j] != '\t' && s[j] != '\n' && s[j] != '\r')
		j++;
	if (j >= end || s[j] != ']' || j == i + 2 || j - i - 2 > FOOTNOTE_LABEL_MAX)
		return 0;
	return j - i - 2;
}

/* If the line at i..end is a definition, its label length, with *content after "]:". */
static size_t
def_at(const uint8_t *s, size_t i, size_t end, size_t *content)
{
	size_t j = i;
	while (j < end && j - i < 3 && s[j] == ' ')
		j++;
	size_t len = label_at(s, end, j);
	if (!len || j + len + 3 >= end || s[j + len + 3] != ':')
		return 0;
	*content = j + len + 4;
	return len;
}

/* True if the line at i..end starts a block that ends a lazy continuation. */
static bool
interrupts(const uint8_t *s, size_t i, size_t end)
{
	size_t content;
	if (def_at(s, i, end, &content))
		return true;
	size_t j = i;
	while (j < end && j - i < 3 && s[j] == ' ')
		j++;
	if (j >= end)
		return true;
	uint8_t c = s[j], next = j + 1 < end ? s[j + 1] : ' ';
	bool space_next = next == ' ' || next == '\t' || next == '\r';
	if (c == '>' || ((c == '-' || c == '*' || c == '+') && space_next))
		return true;
	if (c == '#') {
		size_t k = j;
		while (k < end && s[k] == '#')
			k++;
		return k - j <= 6 && (k == end || s[k] == ' ' || s[k] == '\t');
	}
	if ((c == '`' || c == '~') && j + 2 < end && s[j + 1] == c && s[j + 2] == c)
		return true;
	if (c >= '0' && c <= '9') {
		size_t k = j;
		while (k < end && k - j < 9 && s[k] >= '0' && s[k] <= '9')
			k++;
		return k < end && (s[k] == '.' || s[k] == ')') &&
		       (k + 1 == end || s[k + 1] == ' ' || s[k + 1] == '\t');
	}
	if (c == '-' || c == '*' || c == '_') { // a thematic break
		size_t count = 0;
		for (size_t k = j; k < end; k++) {
			if (s[k] == c)
				count++;
			else if (s[k] != ' ' && s[k] != '\t' && s[k] != '\r')
				return false;
		}
		return count >= 3;
	}
	return false;
}

/* Appends one body line s[i..end) and a newline to f->bodies. */
static void
body_line(struct footnotes *f, const uint8_t *s, size_t i, size_t end)
{
	buf_put(&f->bodies, s + i, end - i);
	buf_putc(&f->bodies, '\n');
}

/*
 * Reads the definition whose first line is at i (content at c) into f->bodies; returns the
 * offset of the first line after it.
 */
static size_t
def_body(struct footnotes *f, const uint8_t *s, size_t n, size_t c, size_t end)
{
	while (c < end && (s[c] == ' ' || s[c] == '\t'))
		c++;
	body_line(f, s, c, end);
	size_t i = end < n ? end + 1 : n;
	bool prev_blank = blank_line(s, c, end);
	while (i < n) {
		size_t e = comment_line_end(s, n, i);
		if (blank_line(s, i, e)) {
			// Blank lines belong to the body only if an indented line follows them.
			size_t j = i;
			while (j < n) {
				size_t je = comment_line_end(s, n, j);
				if (!blank_line(s, j, je))
					break;
				j = je < n ? je + 1 : n;
			}
			if (j >= n || indent(s, j, comment_line_end(s, n, j)) < 4)
				return i;
			for (; i < j; i = comment_line_end(s, n, i) + 1)
				buf_putc(&f->bodies, '\n');
			prev_blank = true;
			continue;
		}
		if (indent(s, i, e) >= 4)
			body_line(f, s, dedent(s, i, e, 4), e);
		else if (!prev_blank && !interrupts(s, i, e))
			body_line(f, s, dedent(s, i, e, 3), e); // lazy continuation
		else
			return i;
		prev_blank = false;
		i = e < n ? e + 1 : n;
	}
	return n;
}

static const uint8_t *
label_ptr(const struct footnotes *f, const struct footnote *d)
{
	return f->labels.ptr + d->label_off;
}

static int
cmp_label_len(const struct footnotes *f, const struct footnote *a, const uint8_t *b, size_t blen)
{
	size_t n = a->label_len < blen ? a->label_len : blen;
	int c = n ? memcmp(label_ptr(f, a), b, n) : 0;
	if (c)
		return c;
	return a->label_len < blen ? -1 : a->label_len > blen;
}

static int
cmp_defs(const void *pa, const void *pb, void *ctx)
{
	const struct footnote *a = pa, *b = pb;
	const struct footnotes *f = ctx;
	int c = cmp_label_len(f, a, label_ptr(f, b), b->label_len);
	if (c)
		return c;
	return a->body_off < b->body_off ? -1 : a->body_off > b->body_off; // first one first
}

/* Sorts the definitions by label and drops all but the first of each label. */
static void
defs_sort(struct footnotes *f)
{
	if (f->n)
		qsort_r(f->fn, f->n, sizeof(*f->fn), cmp_defs, f);
	size_t w = 0;
	for (size_t i = 0; i < f->n; i++) {
		if (w && cmp_label_len(f, &f->fn[w - 1], label_ptr(f, &f->fn[i]),
		                       f->fn[i].label_len) == 0)
			continue;
		f->fn[w++] = f->fn[i];
	}
	f->n = f->ndefs = w;
}

static struct footnote *
add_footnote(struct footnotes *f)
{
	if (grow((void **)&f->fn, f->n, &f->cap, sizeof(*f->fn)) < 0)
		return NULL;
	struct footnote *d = &f->fn[f->n++];
	*d = (struct footnote){.refs_head = FOOTNOTE_NONE, .refs_tail = FOOTNOTE_NONE};
	return d;
}

size_t
footnote_defs(struct footnotes *f, uint8_t *s, size_t n, int *err)
{
	size_t w = 0, i = 0;
	struct comment_fences fences = {0};
	bool any = false;
	// A first pass that only looks: most notes have no definitions and are left as they are.
	for (size_t j = 0; j < n && !any; j = comment_line_end(s, n, j) + 1) {
		size_t c;
		any = def_at(s, j, comment_line_end(s, n, j), &c) != 0;
	}
	if (!any)
		return n;
	while (i < n) {
		size_t end = comment_line_end(s, n, i), next = end < n ? end + 1 : n, c;
		size_t llen;
		// Fenced code is copied as it is.
		if (!comment_in_fence(&fences, s, n, i) && (llen = def_at(s, i, end, &c))) {
			struct footnote *d = add_footnote(f);
			if (!d) {
				*err = ERR_NOMEM;
				return n;
			}
			d->label_off = f->labels.len;
			d->label_len = llen;
			buf_put(&f->labels, s + c - llen - 2, llen);
			d->body_off = f->bodies.len;
			next = def_body(f, s, n, c, end);
			d->body_len = f->bodies.len - d->body_off;
			i = next; // cut: nothing copied
			continue;
		}
		memmove(s + w, s + i, next - i);
		w += next - i;
		i = next;
	}
	if (f->labels.err || f->bodies.err) {
		*err = ERR_NOMEM;
		return w;
	}
	defs_sort(f);
	return w;
}

/* Index of the definition labelled s[0..len), or FOOTNOTE_NONE. */
static size_t
find_def(const struct footnotes *f, const uint8_t *s, size_t len)
{
	size_t lo = 0, hi = f->ndefs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_label_len(f, &f->fn[mid], s, len);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return FOOTNOTE_NONE;
}

/* The scan's growing arrays. */
struct mark_scan {
	size_t *stack; /* open '[' on this line */
	size_t nstack, stack_cap;
	struct footnote_tok *pairs; /* "^[...]" spans (fn unused), in order of their ']' */
	size_t npairs, pairs_cap;
	struct footnote_tok *refs; /* "[^label]" references */
	size_t nrefs, refs_cap;
	size_t fail_until[CODE_RUN_MAX]; /* no closing run of that length before this offset */
	int err;
};

static void
push(void **v, size_t *n, size_t *cap, size_t sz, const void *x, int *err)
{
	if (*err || (*err = grow(v, *n, cap, sz)) < 0)
		return;
	memcpy((uint8_t *)*v + *n * sz, x, sz);
	(*n)++;
}

/* Skips the code span opened by the backtick run at i (within the line ending at end). */
static size_t
skip_code(struct mark_scan *m, const uint8_t *s, size_t i, size_t end)
{
	size_t k = i;
	while (k < end && s[k] == '`')
		k++;
	size_t run = k - i;
	if (run >= CODE_RUN_MAX || m->fail_until[run] > i)
		return k;
	for (size_t j = k; j < end;) {
		if (s[j] != '`') {
			j++;
			continue;
		}
		size_t e = j;
		while (e < end && s[e] == '`')
			e++;
		if (e - j == run)
			return e;
		j = e;
	}
	m->fail_until[run] = end;
	return k;
}

static bool
escaped_at(const uint8_t *s, size_t i)
{
	size_t n = 0;
	while (i > 0 && s[i - 1] == '\\') {
		i--;
		n++;
	}
	return n % 2 == 1;
}

/* One line s[i..end): references go to m->refs, "^[" ... "]" pairs to m->pairs. */
static void
mark_line(const struct footnotes *f, struct mark_scan *m, const uint8_t *s, size_t i, size_t end)
{
	m->nstack = 0;
	while (i < end) {
		uint8_t c = s[i];
		if (c == '\\') {
			i += 2;
			continue;
		}
		if (c == '`') {
			i = skip_code(m, s, i, end);
			continue;
		}
		if (c == '[') {
			size_t len = i + 1 < end && s[i + 1] == '^' ? label_at(s, end, i) : 0;
			size_t fi = len ? find_def(f, s + i + 2, len) : FOOTNOTE_NONE;
			if (fi != FOOTNOTE_NONE) {
				struct footnote_tok t = {.off = i, .len = len + 3, .fn = fi};
				push((void **)&m->refs, &m->nrefs, &m->refs_cap, sizeof(t), &t,
				     &m->err);
				i += len + 3;
				continue;
			}
			push((void **)&m->stack, &m->nstack, &m->stack_cap, sizeof(i), &i, &m->err);
		} else if (c == ']' && m->nstack) {
			size_t open = m->stack[--m->nstack];
			if (open > 0 && s[open - 1] == '^' && !escaped_at(s, open - 1)) {
				struct footnote_tok t = {.off = open - 1,
				                         .len = i + 1 - (open - 1)};
				push((void **)&m->pairs, &m->npairs, &m->pairs_cap, sizeof(t), &t,
				     &m->err);
			}
		}
		i++;
	}
}

static int
cmp_tok(const void *pa, const void *pb)
{
	const struct footnote_tok *a = pa, *b = pb;
	return a->off < b->off ? -1 : a->off > b->off;
}

/* Appends t to toks and blanks its bytes in s. */
static void
add_tok(struct footnote_toks *toks, uint8_t *s, struct footnote_tok t, int *err)
{
	push((void **)&toks->v, &toks->n, &toks->cap, sizeof(t), &t, err);
	if (!*err)
		memset(s + t.off, FOOTNOTE_MARK, t.len);
}

int
footnote_mark(struct footnotes *f, uint8_t *s, size_t n, unsigned depth, struct footnote_toks *toks)
{
	toks->n = 0;
	if (!memchr(s, '^', n))
		return 0;
	struct mark_scan m = {0};
	struct comment_fences fences = {0};
	for (size_t i = 0; i < n;) {
		size_t end = comment_line_end(s, n, i);
		if (!comment_in_fence(&fences, s, n, i))
			mark_line(f, &m, s, i, end);
		i = end + 1;
	}
	// Outermost inline footnotes only: the inner ones are found when their body is marked.
	if (m.npairs)
		qsort(m.pairs, m.npairs, sizeof(*m.pairs), cmp_tok);
	size_t r = 0, last_end = 0;
	for (size_t k = 0; k < m.npairs && !m.err; k++) {
		struct footnote_tok t = m.pairs[k];
		if (t.off < last_end || t.len <= 3 || depth >= FOOTNOTE_MAX_DEPTH)
			continue;
		for (; r < m.nrefs && m.refs[r].off < t.off; r++)
			add_tok(toks, s, m.refs[r], &m.err);
		while (r < m.nrefs && m.refs[r].off < t.off + t.len)
			r++; // inside the body: marked with it later
		struct footnote *d = add_footnote(f);
		if (!d) {
			m.err = ERR_NOMEM;
			break;
		}
		d->depth = depth + 1;
		d->body_off = f->bodies.len;
		buf_put(&f->bodies, s + t.off + 2, t.len - 3);
		buf_putc(&f->bodies, '\n');
		d->body_len = f->bodies.len - d->body_off;
		t.fn = f->n - 1;
		add_tok(toks, s, t, &m.err);
		last_end = t.off + t.len;
	}
	for (; r < m.nrefs && !m.err; r++)
		add_tok(toks, s, m.refs[r], &m.err);
	if (!m.err && f->bodies.err)
		m.err = ERR_NOMEM;
	free(m.stack);
	free(m.pairs);
	free(m.refs);
	return m.err;
}

const struct footnote_tok *
footnote_tok_at(const struct footnote_toks *t, size_t off)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->v[mid].off == off)
			return &t->v[mid];
		if (t->v[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
