/*
 * frontmatter.c: the YAML block at the top of a note. Finding the block is ours (fences,
 * CRLF, BOM); parsing it is libyaml's document loader, of which only the root mapping and
 * one level below are read, so anchors and deep nesting cost nothing here. Sole includer of
 * yaml.h.
 */
#include "renderer/frontmatter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "shared/err.h"

/* Length of the line at s[0..n) including its "\n" or "\r\n"; *content gets it without them. */
static size_t
line_len(const uint8_t *s, size_t n, size_t *content)
{
	const uint8_t *nl = memchr(s, '\n', n);
	size_t len = nl ? (size_t)(nl - s) + 1 : n;
	size_t c = nl ? len - 1 : len;
	if (c > 0 && s[c - 1] == '\r')
		c--;
	*content = c;
	return len;
}

/* True if s[0..n) is fence ("---" or "...") followed only by spaces or tabs. */
static bool
is_fence(const uint8_t *s, size_t n, const char *fence)
{
	if (n < 3 || memcmp(s, fence, 3) != 0)
		return false;
	for (size_t i = 3; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/*
 * Finds the block: on success *yaml is its text (between the fences) and *body what follows
 * the closing fence. Returns false when src has no complete block.
 */
static bool
split_block(struct slice src, struct slice *yaml, struct slice *body)
{
	const uint8_t *s = src.ptr;
	size_t n = src.len, pos = 0, c;
	if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		pos = 3;
	size_t len = line_len(s + pos, n - pos, &c);
	if (!is_fence(s + pos, c, "---") || len == c) // no newline after the opening fence
		return false;
	pos += len;
	size_t start = pos;
	while (pos < n) {
		len = line_len(s + pos, n - pos, &c);
		if (is_fence(s + pos, c, "---") || is_fence(s + pos, c, "...")) {
			*yaml = (struct slice){s + start, pos - start};
			*body = (struct slice){s + pos + len, n - pos - len};
			return true;
		}
		pos += len;
	}
	return false;
}

static bool
scalar_is_null(const yaml_node_t *v)
{
	if (v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *s = (const char *)v->data.scalar.value;
	return v->data.scalar.length == 0 || strcmp(s, "~") == 0 || strcasecmp(s, "null") == 0;
}

/* Copies a scalar's text, trimmed of surrounding whitespace; NULL for a null scalar. */
static int
scalar_dup(const yaml_node_t *v, char **out)
{
	*out = NULL;
	if (v->type != YAML_SCALAR_NODE || scalar_is_null(v))
		return 0;
	const char *s = (const char *)v->data.scalar.value;
	size_t n = v->data.scalar.length;
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
		s++;
		n--;
	}
	while (n > 0 &&
	       (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	char *d = malloc(n + 1);
	if (!d)
		return ERR_NOMEM;
	memcpy(d, s, n);
	d[n] = '\0';
	*out = d;
	return 0;
}

/* Replaces *field with the scalar v; other shapes leave it alone. */
static int
set_string(char **field, const yaml_node_t *v)
{
	char *s;
	int rc = scalar_dup(v, &s);
	if (rc < 0)
		return rc;
	if (!s)
		return 0;
	free(*field);
	*field = s;
	return 0;
}

static void
set_bool(enum fm_tristate *field, const yaml_node_t *v)
{
	static const char *const yes[] = {"true", "yes", "on"};
	static const char *const no[] = {"false", "no", "off"};
	if (v->type != YAML_SCALAR_NODE)
		return;
	const char *s = (const char *)v->data.scalar.value;
	for (size_t i = 0; i < 3; i++) {
		if (strcasecmp(s, yes[i]) == 0)
			*field = FM_TRUE;
		if (strcasecmp(s, no[i]) == 0)
			*field = FM_FALSE;
	}
}

/* Items kept per list; more are ignored (the de-duplication is quadratic). */
#define FM_MAX_LIST 1024

struct strlist {
	char ***items;
	size_t *n;
};

/* Appends s[0..n) to the list (after stripping '#' when strip_hash), skipping duplicates. */
static int
list_add(struct strlist l, const char *s, size_t n, bool strip_hash)
{
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
		s++;
		n--;
	}
	while (strip_hash && n > 0 && *s == '#') {
		s++;
		n--;
	}
	while (n > 0 &&
	       (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	if (n == 0 || *l.n >= FM_MAX_LIST)
		return 0;
	for (size_t i = 0; i < *l.n; i++)
		if (strlen((*l.items)[i]) == n && memcmp((*l.items)[i], s, n) == 0)
			return 0;
	char **grown = realloc(*l.items, (*l.n + 1) * sizeof(char *));
	if (!grown)
		return ERR_NOMEM;
	*l.items = grown;
	char *d = malloc(n + 1);
	if (!d)
		return ERR_NOMEM;
	memcpy(d, s, n);
	d[n] = '\0';
	grown[(*l.n)++] = d;
	return 0;
}

/* Adds every word of s, split at commas and whitespace. */
static int
list_add_words(struct strlist l, const char *s, size_t n, bool strip_hash)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && !strchr(", \t\r\n", s[j]))
			j++;
		int rc = list_add(l, s + i, j - i, strip_hash);
		if (rc < 0)
			return rc;
		i = j + 1;
	}
	return 0;
}

/*
 * Fills a list from v: a sequence adds each scalar item, a scalar adds itself (split into
 * words when split). Other shapes and items are ignored.
 */
static int
set_list(yaml_document_t *doc, struct strlist l, const yaml_node_t *v, bool split, bool strip_hash)
{
	if (v->type == YAML_SCALAR_NODE) {
		if (scalar_is_null(v))
			return 0;
		const char *s = (const char *)v->data.scalar.value;
		size_t n = v->data.scalar.length;
		return split ? list_add_words(l, s, n, strip_hash) : list_add(l, s, n, strip_hash);
	}
	if (v->type != YAML_SEQUENCE_NODE)
		return 0;
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *item = yaml_document_get_node(doc, *it);
		if (!item || item->type != YAML_SCALAR_NODE || scalar_is_null(item))
			continue;
		int rc = list_add(l, (const char *)item->data.scalar.value,
		                  item->data.scalar.length, strip_hash);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Applies one key of the root mapping. Unknown keys are ignored. */
static int
apply_key(yaml_document_t *doc, struct frontmatter *fm, char **slug, char **cover, const char *k,
          const yaml_node_t *v)
{
	if (strcasecmp(k, "title") == 0)
		return set_string(&fm->title, v);
	if (strcasecmp(k, "permalink") == 0)
		return set_string(&fm->permalink, v);
	if (strcasecmp(k, "slug") == 0)
		return set_string(slug, v);
	if (strcasecmp(k, "layout") == 0)
		return set_string(&fm->layout, v);
	if (strcasecmp(k, "description") == 0)
		return set_string(&fm->description, v);
	if (strcasecmp(k, "date") == 0)
		return set_string(&fm->date, v);
	if (strcasecmp(k, "image") == 0)
		return set_string(&fm->image, v);
	if (strcasecmp(k, "cover") == 0)
		return set_string(cover, v);
	if (strcasecmp(k, "tags") == 0 || strcasecmp(k, "tag") == 0)
		return set_list(doc, (struct strlist){&fm->tags, &fm->ntags}, v, true, true);
	if (strcasecmp(k, "aliases") == 0 || strcasecmp(k, "alias") == 0)
		return set_list(doc, (struct strlist){&fm->aliases, &fm->naliases}, v, false,
		                false);
	if (strcasecmp(k, "cssclasses") == 0 || strcasecmp(k, "cssclass") == 0)
		return set_list(doc, (struct strlist){&fm->cssclasses, &fm->ncssclasses}, v, true,
		                false);
	if (strcasecmp(k, "publish") == 0)
		set_bool(&fm->publish, v);
	else if (strcasecmp(k, "draft") == 0)
		set_bool(&fm->draft, v);
	else if (strcasecmp(k, "private") == 0)
		set_bool(&fm->private_, v);
	return 0;
}

/* Walks the root mapping of doc into fm. */
static int
apply_doc(yaml_document_t *doc, struct frontmatter *fm, char *err, size_t errlen)
{
	yaml_node_t *root = yaml_document_get_root_node(doc);
	if (!root) // an empty block
		return 0;
	if (root->type == YAML_SCALAR_NODE && scalar_is_null(root))
		return 0;
	if (root->type != YAML_MAPPING_NODE) {
		if (err && errlen)
			snprintf(err, errlen,
			         "line %zu: frontmatter is not a list of key: value pairs",
			         root->start_mark.line + 2);
		return ERR_PROTO;
	}
	char *slug = NULL, *cover = NULL;
	int rc = 0;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(doc, p->key);
		yaml_node_t *v = yaml_document_get_node(doc, p->value);
		if (!k || !v || k->type != YAML_SCALAR_NODE)
			continue;
		rc = apply_key(doc, fm, &slug, &cover, (const char *)k->data.scalar.value, v);
		if (rc < 0)
			goto fail;
	}
	fm->slug = slug;
	slug = NULL;
	if (!fm->image) {
		fm->image = cover;
		cover = NULL;
	}
fail:
	free(slug);
	free(cover);
	return rc;
}

/*
 * libyaml takes time quadratic in the nesting of flow collections ("[[[[..." or "{{{{..."),
 * so a hostile block could stall a push. Real frontmatter nests a level or two; refuse
 * anything past FM_MAX_FLOW before parsing. Brackets inside quotes count too, which errs on
 * the side of refusing a block no one writes.
 */
#define FM_MAX_FLOW 64

static bool
flow_too_deep(struct slice yaml, size_t *line)
{
	size_t depth = 0;
	*line = 0;
	for (size_t i = 0; i < yaml.len; i++) {
		uint8_t c = yaml.ptr[i];
		if (c == '\n')
			(*line)++;
		else if (c == '[' || c == '{')
			depth++;
		else if ((c == ']' || c == '}') && depth > 0)
			depth--;
		if (depth > FM_MAX_FLOW)
			return true;
	}
	return false;
}

/* Formats libyaml's complaint with the line number in the note (the block starts on line 2). */
static void
yaml_error(const yaml_parser_t *p, struct slice yaml, char *err, size_t errlen)
{
	if (!err || !errlen)
		return;
	size_t line;
	if (p->error == YAML_READER_ERROR) {
		line = 0;
		for (size_t i = 0; i < p->problem_offset && i < yaml.len; i++)
			line += yaml.ptr[i] == '\n';
	} else {
		line = p->problem_mark.line;
	}
	const char *what = p->problem ? p->problem : "invalid YAML";
	if (p->context)
		snprintf(err, errlen, "line %zu: %s (%s)", line + 2, what, p->context);
	else
		snprintf(err, errlen, "line %zu: %s", line + 2, what);
}

int
frontmatter_parse(struct slice src, struct frontmatter *fm, struct slice *body, char *err,
                  size_t errlen)
{
	*fm = (struct frontmatter){.publish = FM_UNSET, .draft = FM_UNSET, .private_ = FM_UNSET};
	*body = src;
	if (err && errlen)
		err[0] = '\0';
	struct slice yaml;
	if (!split_block(src, &yaml, body))
		return 0;
	size_t deep_line;
	if (flow_too_deep(yaml, &deep_line)) {
		if (err && errlen)
			snprintf(err, errlen, "line %zu: lists or maps nested more than %d deep",
			         deep_line + 2, FM_MAX_FLOW);
		return ERR_PROTO;
	}

	yaml_parser_t parser;
	yaml_document_t doc;
	if (!yaml_parser_initialize(&parser))
		return ERR_NOMEM;
	yaml_parser_set_input_string(&parser, yaml.ptr, yaml.len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	int rc;
	if (!yaml_parser_load(&parser, &doc)) {
		rc = parser.error == YAML_MEMORY_ERROR ? ERR_NOMEM : ERR_PROTO;
		if (rc == ERR_PROTO)
			yaml_error(&parser, yaml, err, errlen);
		yaml_parser_delete(&parser);
		return rc;
	}
	rc = apply_doc(&doc, fm, err, errlen);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (rc < 0) {
		frontmatter_fini(fm);
		*fm = (struct frontmatter){
		        .publish = FM_UNSET, .draft = FM_UNSET, .private_ = FM_UNSET};
	}
	return rc;
}

static void
free_list(char **items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(items[i]);
	free(items);
}

void
frontmatter_fini(struct frontmatter *fm)
{
	if (!fm)
		return;
	free(fm->title);
	free(fm->permalink);
	free(fm->slug);
	free(fm->layout);
	free(fm->description);
	free(fm->date);
	free(fm->image);
	free_list(fm->tags, fm->ntags);
	free_list(fm->aliases, fm->naliases);
	free_list(fm->cssclasses, fm->ncssclasses);
	*fm = (struct frontmatter){.publish = FM_UNSET, .draft = FM_UNSET, .private_ = FM_UNSET};
}

bool
frontmatter_published(const struct frontmatter *fm)
{
	return fm->publish != FM_FALSE && fm->draft != FM_TRUE;
}
