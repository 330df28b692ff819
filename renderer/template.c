/*
 * template.c: the layout template language (contract in template.h). Compiling scans the
 * source once, keeps literal text in one copy owned by the template and emits a flat op
 * array whose if/for ops carry jump targets; an open block stack catches unbalanced tags
 * with the line where they opened. Rendering is a loop over the ops with a fixed stack of
 * loop indices, so it allocates nothing; a cap on the output bounds what a loop can write.
 */
#include "renderer/template.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "renderer/html.h"
#include "renderer/slug.h"
#include "shared/defs.h"
#include "shared/err.h"

#define TPL_DEPTH 8 /* nested blocks (if and for together) */

enum tpl_code { OP_TEXT, OP_VALUE, OP_IF, OP_JUMP, OP_FOR, OP_ENDFOR };

/* How a value is written. */
enum tpl_kind { K_TEXT, K_URL, K_HTML, K_LIST };

/* Every variable a template may name. Item fields refer to the loop in op.slot. */
enum tpl_var {
	V_SITE_TITLE,
	V_SITE_BASE_URL,
	V_TITLE,
	V_URL,
	V_DESCRIPTION,
	V_DATE,
	V_CSS_URL,
	V_IMAGE,
	V_CANONICAL,
	V_HOME_URL,
	V_LIVE_URL,
	V_LANG,
	V_CONTENT,
	V_BACKLINKS_HTML,
	V_TAGS_HTML,
	V_TAGS,
	V_BACKLINKS,
	V_CSSCLASSES,
	V_ITEM_NAME,  /* tags, cssclasses: the item; backlinks: its title */
	V_ITEM_URL,   /* tags: the tag page; backlinks: the note */
	V_ITEM_TITLE, /* backlinks: the note's title */
};

static const struct tpl_name {
	const char *name;
	enum tpl_var var;
	enum tpl_kind kind;
} tpl_names[] = {
        {"site.title", V_SITE_TITLE, K_TEXT},
        {"site.base_url", V_SITE_BASE_URL, K_URL},
        {"page.title", V_TITLE, K_TEXT},
        {"page.url", V_URL, K_URL},
        {"page.description", V_DESCRIPTION, K_TEXT},
        {"page.date", V_DATE, K_TEXT},
        {"page.css_url", V_CSS_URL, K_URL},
        {"page.image", V_IMAGE, K_URL},
        {"page.canonical", V_CANONICAL, K_URL},
        {"page.home_url", V_HOME_URL, K_URL},
        {"page.live_url", V_LIVE_URL, K_URL},
        {"page.lang", V_LANG, K_TEXT},
        {"page.content", V_CONTENT, K_HTML},
        {"page.backlinks_html", V_BACKLINKS_HTML, K_HTML},
        {"page.tags_html", V_TAGS_HTML, K_HTML},
        {"page.tags", V_TAGS, K_LIST},
        {"page.backlinks", V_BACKLINKS, K_LIST},
        {"page.cssclasses", V_CSSCLASSES, K_LIST},
};

struct tpl_op {
	uint8_t code;  /* enum tpl_code */
	uint8_t var;   /* enum tpl_var */
	uint8_t kind;  /* enum tpl_kind of var, or K_HTML for "| raw" */
	uint8_t slot;  /* loop depth an item field or a for op uses */
	bool negate;   /* OP_IF: "not x" */
	uint32_t a, b; /* OP_TEXT: offset, length; OP_IF/OP_JUMP/OP_FOR: target; ENDFOR: a=FOR */
};

struct template
{
	struct tpl_op *ops;
	size_t nops;
	char *text; /* literal text, referenced by OP_TEXT */
};

/* --- compiling ----------------------------------------------------------------------------- */

struct block {
	size_t op;     /* the if/else jump or the for op */
	unsigned line; /* where the block opened */
	bool is_for, in_else;
	char var[32];      /* for: the loop variable */
	enum tpl_var list; /* for: what it walks */
};

struct comp {
	const char *name;
	char *err;
	size_t errlen;
	struct tpl_op *ops;
	size_t nops, cap;
	struct block stack[TPL_DEPTH];
	size_t depth;
	unsigned line;
	bool oom;
};

static int comp_fail(struct comp *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
comp_fail(struct comp *c, const char *fmt, ...)
{
	char msg[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "%s:%u: %s", c->name, c->line, msg);
	return ERR_PROTO;
}

static struct tpl_op *
emit(struct comp *c, enum tpl_code code)
{
	if (c->nops == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		struct tpl_op *n = realloc(c->ops, cap * sizeof(*n));
		if (!n) {
			c->oom = true;
			return NULL;
		}
		c->ops = n;
		c->cap = cap;
	}
	struct tpl_op *op = &c->ops[c->nops++];
	memset(op, 0, sizeof(*op));
	op->code = (uint8_t)code;
	return op;
}

static bool
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Splits s[0..n) into whitespace-separated words; returns how many (at most max). */
static size_t
words(const char *s, size_t n, struct slice *w, size_t max)
{
	size_t k = 0, i = 0;
	while (i < n) {
		while (i < n && is_space(s[i])) {
			i++;
		}
		if (i == n) {
			break;
		}
		size_t st = i;
		while (i < n && !is_space(s[i]) && s[i] != '|') {
			i++;
		}
		if (i == st) { /* a lone '|' */
			i++;
		}
		if (k < max) {
			w[k] = (struct slice){(const uint8_t *)s + st, i - st};
		}
		k++;
	}
	return k;
}

static bool
word_is(struct slice w, const char *s)
{
	return w.len == strlen(s) && memcmp(w.ptr, s, w.len) == 0;
}

/* Resolves a variable name (global or a loop variable's field) into op; false if unknown. */
static int
lookup(struct comp *c, struct slice w, struct tpl_op *op)
{
	for (size_t i = 0; i < ARRAY_LEN(tpl_names); i++) {
		if (word_is(w, tpl_names[i].name)) {
			op->var = (uint8_t)tpl_names[i].var;
			op->kind = (uint8_t)tpl_names[i].kind;
			return 0;
		}
	}
	for (size_t d = c->depth; d-- > 0;) {
		const struct block *b = &c->stack[d];
		size_t vl = strlen(b->var);
		if (!b->is_for || w.len < vl || memcmp(w.ptr, b->var, vl) != 0 ||
		    (w.len > vl && w.ptr[vl] != '.')) {
			continue;
		}
		struct slice f = {w.ptr + vl, w.len - vl};
		op->slot = (uint8_t)d;
		op->kind = K_TEXT;
		if (f.len == 0 || word_is(f, ".name")) {
			op->var = b->list == V_BACKLINKS ? V_ITEM_TITLE : V_ITEM_NAME;
		} else if (word_is(f, ".title") && b->list == V_BACKLINKS) {
			op->var = V_ITEM_TITLE;
		} else if (word_is(f, ".url") && b->list != V_CSSCLASSES) {
			op->var = V_ITEM_URL;
			op->kind = K_URL;
		} else {
			break;
		}
		return 0;
	}
	return comp_fail(c, "unknown variable %.*s", (int)MIN(w.len, 60), (const char *)w.ptr);
}

static int
comp_value(struct comp *c, const char *s, size_t n)
{
	struct slice w[4];
	size_t k = words(s, n, w, ARRAY_LEN(w));
	if (k == 0) {
		return comp_fail(c, "empty {{ }}");
	}
	struct tpl_op op = {.code = OP_VALUE};
	int rc = lookup(c, w[0], &op);
	if (rc) {
		return rc;
	}
	if (op.kind == K_LIST) {
		return comp_fail(c, "%.*s is a list: use {%% for %%}", (int)w[0].len,
		                 (const char *)w[0].ptr);
	}
	if (k == 3 && word_is(w[1], "|") && word_is(w[2], "raw")) {
		op.kind = K_HTML;
	} else if (k == 3 && word_is(w[1], "|")) {
		return comp_fail(c, "unknown filter %.*s", (int)MIN(w[2].len, 40),
		                 (const char *)w[2].ptr);
	} else if (k != 1) {
		return comp_fail(c, "expected {{ name }} or {{ name | raw }}");
	}
	struct tpl_op *o = emit(c, OP_VALUE);
	if (o) {
		*o = op;
	}
	return 0;
}

static struct block *
push_block(struct comp *c, size_t op, bool is_for)
{
	struct block *b = &c->stack[c->depth++];
	memset(b, 0, sizeof(*b));
	b->op = op;
	b->line = c->line;
	b->is_for = is_for;
	return b;
}

static int
comp_if(struct comp *c, struct slice *w, size_t k)
{
	bool neg = k == 3 && word_is(w[1], "not");
	if (k != 2 && !neg) {
		return comp_fail(c, "expected {%% if name %%} or {%% if not name %%}");
	}
	struct tpl_op op = {.code = OP_IF, .negate = neg};
	int rc = lookup(c, w[neg ? 2 : 1], &op);
	if (rc) {
		return rc;
	}
	if (c->depth == TPL_DEPTH) {
		return comp_fail(c, "blocks nested more than %d deep", TPL_DEPTH);
	}
	struct tpl_op *o = emit(c, OP_IF);
	if (!o) {
		return 0;
	}
	*o = op;
	push_block(c, c->nops - 1, false);
	return 0;
}

static int
comp_for(struct comp *c, struct slice *w, size_t k)
{
	if (k != 4 || !word_is(w[2], "in") || w[1].len == 0 || w[1].len >= 32 ||
	    memchr(w[1].ptr, '.', w[1].len)) {
		return comp_fail(c, "expected {%% for name in list %%}");
	}
	struct tpl_op op = {.code = OP_FOR};
	int rc = lookup(c, w[3], &op);
	if (rc) {
		return rc;
	}
	if (op.kind != K_LIST) {
		return comp_fail(c, "%.*s is not a list", (int)MIN(w[3].len, 60),
		                 (const char *)w[3].ptr);
	}
	if (c->depth == TPL_DEPTH) {
		return comp_fail(c, "blocks nested more than %d deep", TPL_DEPTH);
	}
	struct tpl_op *o = emit(c, OP_FOR);
	if (!o) {
		return 0;
	}
	*o = op;
	o->slot = (uint8_t)c->depth;
	struct block *b = push_block(c, c->nops - 1, true);
	memcpy(b->var, w[1].ptr, w[1].len);
	b->list = (enum tpl_var)op.var;
	return 0;
}

static int
comp_tag(struct comp *c, const char *s, size_t n)
{
	struct slice w[6];
	size_t k = words(s, n, w, ARRAY_LEN(w));
	if (k == 0) {
		return comp_fail(c, "empty {%% %%}");
	}
	k = MIN(k, ARRAY_LEN(w));
	if (word_is(w[0], "if")) {
		return comp_if(c, w, k);
	}
	if (word_is(w[0], "for")) {
		return comp_for(c, w, k);
	}
	struct block *top = c->depth ? &c->stack[c->depth - 1] : NULL;
	if (word_is(w[0], "else") && k == 1) {
		if (!top || top->is_for || top->in_else) {
			return comp_fail(c, "{%% else %%} without {%% if %%}");
		}
		struct tpl_op *j = emit(c, OP_JUMP);
		if (!j) {
			return 0;
		}
		c->ops[top->op].a = (uint32_t)c->nops; /* false: go past the jump */
		top->op = c->nops - 1;
		top->in_else = true;
		return 0;
	}
	if (word_is(w[0], "endif") && k == 1) {
		if (!top || top->is_for) {
			return comp_fail(c, "{%% endif %%} without {%% if %%}");
		}
		c->ops[top->op].a = (uint32_t)c->nops;
		c->depth--;
		return 0;
	}
	if (word_is(w[0], "endfor") && k == 1) {
		if (!top || !top->is_for) {
			return comp_fail(c, "{%% endfor %%} without {%% for %%}");
		}
		struct tpl_op *e = emit(c, OP_ENDFOR);
		if (!e) {
			return 0;
		}
		e->a = (uint32_t)top->op;
		e->slot = c->ops[top->op].slot;
		c->ops[top->op].a = (uint32_t)c->nops;
		c->depth--;
		return 0;
	}
	return comp_fail(c, "unknown tag {%% %.*s %%}", (int)MIN(w[0].len, 40),
	                 (const char *)w[0].ptr);
}

static unsigned
count_lines(const char *s, size_t n)
{
	unsigned k = 0;
	for (size_t i = 0; i < n; i++) {
		k += s[i] == '\n';
	}
	return k;
}

int
template_compile(const char *name, struct slice src, struct template **out, char *err,
                 size_t errlen)
{
	*out = NULL;
	if (errlen) {
		err[0] = '\0';
	}
	struct comp c = {.name = name, .err = err, .errlen = errlen, .line = 1};
	const char *s = (const char *)src.ptr;
	size_t n = src.len, i = 0;
	int rc = 0;
	if (n > UINT32_MAX / 2) {
		return comp_fail(&c, "template too large");
	}
	if (memchr(s, '\0', n)) {
		c.line += count_lines(s, (size_t)((const char *)memchr(s, '\0', n) - s));
		return comp_fail(&c, "NUL byte in template");
	}
	while (i < n && !rc && !c.oom) {
		const char *open = NULL;
		for (size_t k = i; k + 1 < n; k++) {
			if (s[k] == '{' &&
			    (s[k + 1] == '{' || s[k + 1] == '%' || s[k + 1] == '#')) {
				open = s + k;
				break;
			}
		}
		size_t tn = open ? (size_t)(open - (s + i)) : n - i;
		if (tn) {
			struct tpl_op *t = emit(&c, OP_TEXT);
			if (t) {
				t->a = (uint32_t)i;
				t->b = (uint32_t)tn;
			}
			c.line += count_lines(s + i, tn);
		}
		if (!open) {
			break;
		}
		char kind = open[1];
		char close[3] = {kind == '{' ? '}' : kind, '}', '\0'};
		const char *body = open + 2;
		size_t left = n - (size_t)(body - s);
		const char *end = NULL;
		for (size_t k = 0; k + 1 < left; k++) {
			if (body[k] == close[0] && body[k + 1] == close[1]) {
				end = body + k;
				break;
			}
		}
		if (!end) {
			return (free(c.ops), comp_fail(&c, "unclosed %s",
			                               kind == '{'   ? "{{"
			                               : kind == '%' ? "{%"
			                                             : "{#"));
		}
		size_t bn = (size_t)(end - body);
		if (kind == '{') {
			rc = comp_value(&c, body, bn);
		} else if (kind == '%') {
			rc = comp_tag(&c, body, bn);
		}
		c.line += count_lines(body, bn);
		i = (size_t)(end + 2 - s);
	}
	if (!rc && !c.oom && c.depth) {
		const struct block *b = &c.stack[c.depth - 1];
		c.line = b->line;
		rc = comp_fail(&c, "unclosed {%% %s %%}", b->is_for ? "for" : "if");
	}
	if (c.oom) {
		rc = ERR_NOMEM;
	}
	struct template *t = rc ? NULL : calloc(1, sizeof(*t));
	char *text = t ? malloc(n ? n : 1) : NULL;
	if (!rc && (!t || !text)) {
		rc = ERR_NOMEM;
	}
	if (rc) {
		free(t);
		free(text);
		free(c.ops);
		return rc;
	}
	memcpy(text, s, n);
	t->text = text;
	t->ops = c.ops;
	t->nops = c.nops;
	*out = t;
	return 0;
}

void
template_free(struct template *t)
{
	if (!t) {
		return;
	}
	free(t->ops);
	free(t->text);
	free(t);
}

size_t
template_ops(const struct template *t)
{
	return t->nops;
}

/* --- rendering ----------------------------------------------------------------------------- */

static void
put_str(struct buf *out, const char *s, enum tpl_kind kind)
{
	if (!s) {
		return;
	}
	size_t n = strlen(s);
	if (kind == K_HTML) {
		buf_put(out, s, n);
	} else if (kind == K_URL) {
		html_url(out, s, n);
	} else {
		html_escape(out, s, n);
	}
}

/* A tag's page, as the tag pages are claimed (slug_tag_url). */
static void
tag_url(struct buf *out, const char *tag)
{
	slug_tag_url(slice_str(tag), out);
}

static size_t
list_len(const struct layout_page *p, enum tpl_var v)
{
	switch (v) {
	case V_TAGS:
		return p->tags ? p->ntags : 0;
	case V_BACKLINKS:
		return p->backlinks ? p->nbacklinks : 0;
	case V_CSSCLASSES:
		return p->cssclasses ? p->ncssclasses : 0;
	default:
		return 0;
	}
}

static const char *
scalar(const struct template_data *d, enum tpl_var v)
{
	const struct layout_page *p = d->page;
	switch (v) {
	case V_SITE_TITLE:
		return p->site_title;
	case V_SITE_BASE_URL:
		return d->base_url;
	case V_TITLE:
		return p->title;
	case V_URL:
		return d->page_url;
	case V_DESCRIPTION:
		return p->description;
	case V_DATE:
		return p->date;
	case V_CSS_URL:
		return p->css_url;
	case V_IMAGE:
		return p->image;
	case V_CANONICAL:
		return p->canonical;
	case V_HOME_URL:
		return p->home_url ? p->home_url : "/";
	case V_LIVE_URL:
		return p->live_url;
	case V_LANG:
		return p->lang ? p->lang : "en";
	default:
		return NULL;
	}
}

/* Writes one value; list and item state come from the loop stack. */
static void
put_value(const struct template_data *d, const struct tpl_op *op, const uint8_t *lists,
          const size_t *idx, struct buf *out)
{
	const struct layout_page *p = d->page;
	enum tpl_var v = (enum tpl_var)op->var;
	enum tpl_kind kind = (enum tpl_kind)op->kind;
	if (v == V_ITEM_NAME || v == V_ITEM_URL || v == V_ITEM_TITLE) {
		enum tpl_var list = (enum tpl_var)lists[op->slot];
		size_t i = idx[op->slot];
		if (list == V_TAGS) {
			if (v == V_ITEM_URL) {
				tag_url(out, p->tags[i]); /* href-safe as built */
			} else {
				put_str(out, p->tags[i], kind);
			}
		} else if (list == V_BACKLINKS) {
			put_str(out, v == V_ITEM_URL ? p->backlinks[i].url : p->backlinks[i].title,
			        kind);
		} else if (list == V_CSSCLASSES) {
			put_str(out, p->cssclasses[i], kind);
		}
		return;
	}
	switch (v) {
	case V_CONTENT:
		buf_put(out, p->content.ptr, p->content.len);
		return;
	case V_TAGS_HTML:
		for (size_t i = 0; i < list_len(p, V_TAGS); i++) {
			buf_puts(out, i ? " <a class=\"tag\" href=\"" : "<a class=\"tag\" href=\"");
			tag_url(out, p->tags[i]);
			buf_puts(out, "\">#");
			html_escape(out, p->tags[i], strlen(p->tags[i]));
			buf_puts(out, "</a>");
		}
		return;
	case V_BACKLINKS_HTML:
		if (!list_len(p, V_BACKLINKS)) {
			return;
		}
		buf_puts(out, "<ul class=\"backlinks\">");
		for (size_t i = 0; i < p->nbacklinks; i++) {
			buf_puts(out, "<li><a class=\"internal\" href=\"");
			put_str(out, p->backlinks[i].url, K_URL);
			buf_puts(out, "\">");
			put_str(out, p->backlinks[i].title, K_TEXT);
			buf_puts(out, "</a></li>");
		}
		buf_puts(out, "</ul>");
		return;
	default:
		put_str(out, scalar(d, v), kind);
		return;
	}
}

static bool
truthy(const struct template_data *d, const struct tpl_op *op, const uint8_t *lists,
       const size_t *idx)
{
	const struct layout_page *p = d->page;
	enum tpl_var v = (enum tpl_var)op->var;
	switch (v) {
	case V_TAGS:
	case V_BACKLINKS:
	case V_CSSCLASSES:
	case V_TAGS_HTML:
	case V_BACKLINKS_HTML:
		return list_len(p, v == V_TAGS_HTML        ? V_TAGS
		                   : v == V_BACKLINKS_HTML ? V_BACKLINKS
		                                           : v) > 0;
	case V_CONTENT:
		return p->content.len > 0;
	case V_ITEM_NAME:
	case V_ITEM_URL:
	case V_ITEM_TITLE: {
		enum tpl_var list = (enum tpl_var)lists[op->slot];
		size_t i = idx[op->slot];
		const char *s = list == V_TAGS         ? p->tags[i]
		                : list == V_CSSCLASSES ? p->cssclasses[i]
		                : v == V_ITEM_URL      ? p->backlinks[i].url
		                                       : p->backlinks[i].title;
		return s && *s;
	}
	default: {
		const char *s = scalar(d, v);
		return s && *s;
	}
	}
}

int
template_render(const struct template *t, const struct template_data *d, struct buf *out,
                size_t max_out)
{
	size_t start = out->len;
	size_t idx[TPL_DEPTH] = {0};
	uint8_t lists[TPL_DEPTH] = {0};
	size_t pc = 0;
	while (pc < t->nops) {
		const struct tpl_op *op = &t->ops[pc];
		switch ((enum tpl_code)op->code) {
		case OP_TEXT:
			buf_put(out, t->text + op->a, op->b);
			pc++;
			break;
		case OP_VALUE:
			put_value(d, op, lists, idx, out);
			pc++;
			break;
		case OP_IF:
			pc = truthy(d, op, lists, idx) != op->negate ? pc + 1 : op->a;
			break;
		case OP_JUMP:
			pc = op->a;
			break;
		case OP_FOR:
			lists[op->slot] = op->var;
			idx[op->slot] = 0;
			pc = list_len(d->page, (enum tpl_var)op->var) ? pc + 1 : op->a;
			break;
		case OP_ENDFOR: {
			const struct tpl_op *f = &t->ops[op->a];
			if (++idx[op->slot] < list_len(d->page, (enum tpl_var)f->var)) {
				pc = op->a + 1;
			} else {
				pc++;
			}
			break;
		}
		default:
			return ERR_CORRUPT;
		}
		if (out->err) {
			return out->err;
		}
		if (out->len - start > max_out) {
			out->len = start;
			return ERR_TOOBIG;
		}
	}
	return 0;
}
