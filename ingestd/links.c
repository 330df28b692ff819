/*
 * links.c: link resolution (rules in links.h). Candidates come from the vault index by
 * folded name or path key; ties are broken in one place (better_candidate) so rendering and
 * the links table always agree on where a link points.
 */
#include "ingestd/links.h"

#include <string.h>

#include "renderer/slug.h"
#include "shared/defs.h"
#include "shared/err.h"

/* Length of the folder part of a vault path ("a/b/c.md" -> 3, "c.md" -> 0). */
static size_t
folder_len(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? (size_t)(slash - path) : 0;
}

static bool
in_folder(const struct vault_entry *e, const char *src_path)
{
	size_t a = folder_len(e->path), b = folder_len(src_path);
	return a == b && memcmp(e->path, src_path, a) == 0;
}

/* True if a should be preferred over b for a link written in src_path. */
static bool
better_candidate(const struct vault_entry *a, const struct vault_entry *b, const char *src_path)
{
	if (!b) {
		return true;
	}
	bool fa = src_path && in_folder(a, src_path), fb = src_path && in_folder(b, src_path);
	if (fa != fb) {
		return fa;
	}
	size_t la = strlen(a->path), lb = strlen(b->path);
	if (la != lb) {
		return la < lb;
	}
	return strcmp(a->path, b->path) < 0;
}

/* The best entry whose folded path key equals key. */
static const struct vault_entry *
by_path_key(const struct vault *v, struct slice key, const char *src_path)
{
	const struct vault_entry *best = NULL;
	for (const struct vault_entry *e = vault_pkey_first(v, key); e; e = vault_pkey_next(e)) {
		if (better_candidate(e, best, src_path)) {
			best = e;
		}
	}
	return best;
}

/*
 * The best entry named like the last segment of key whose path key is key itself or ends
 * with "/" + key (key has no leading slash).
 */
static const struct vault_entry *
by_name(const struct vault *v, struct slice key, const char *src_path)
{
	size_t start = key.len;
	while (start > 0 && key.ptr[start - 1] != '/') {
		start--;
	}
	struct slice name = {key.ptr + start, key.len - start};
	if (name.len == 0) {
		return NULL;
	}
	const struct vault_entry *best = NULL;
	for (const struct vault_entry *e = vault_name_first(v, name); e; e = vault_name_next(e)) {
		if (start > 0) {
			size_t pl = strlen(e->path_key);
			if (pl < key.len ||
			    memcmp(e->path_key + pl - key.len, key.ptr, key.len) != 0 ||
			    (pl > key.len && e->path_key[pl - key.len - 1] != '/')) {
				continue;
			}
		}
		if (better_candidate(e, best, src_path)) {
			best = e;
		}
	}
	return best;
}

/*
 * Joins base (a folder, may be empty) and rel, resolving "." and ".." and dropping empty
 * segments, and appends the key of the result to out. Returns false if rel climbs above
 * the vault root or the result is empty.
 */
static bool
join_key(struct slice base, struct slice rel, struct buf *out)
{
	struct buf path;
	size_t marks[128];
	size_t depth = 0;
	bool ok = true;
	buf_init(&path, 0);
	struct slice parts[2] = {base, rel};
	for (int p = 0; p < 2 && ok; p++) {
		size_t i = 0;
		struct slice s = parts[p];
		while (i < s.len && ok) {
			size_t j = i;
			while (j < s.len && s.ptr[j] != '/') {
				j++;
			}
			size_t n = j - i;
			if (n == 2 && s.ptr[i] == '.' && s.ptr[i + 1] == '.') {
				if (depth == 0) {
					ok = false;
				} else {
					path.len = marks[--depth];
				}
			} else if (n > 0 && !(n == 1 && s.ptr[i] == '.')) {
				if (depth == ARRAY_LEN(marks)) {
					ok = false;
					break;
				}
				marks[depth++] = path.len;
				if (path.len) {
					buf_putc(&path, '/');
				}
				buf_put(&path, s.ptr + i, n);
			}
			i = j + 1;
		}
	}
	ok = ok && path.len > 0 && !path.err;
	if (ok) {
		vault_key(buf_slice(&path), false, out);
	}
	buf_fini(&path);
	return ok && !out->err;
}

static struct slice
trim_spaces(struct slice s)
{
	while (s.len && (s.ptr[0] == ' ' || s.ptr[0] == '\t')) {
		s.ptr++;
		s.len--;
	}
	while (s.len && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t')) {
		s.len--;
	}
	return s;
}

static bool
starts_relative(struct slice t)
{
	return (t.len >= 2 && t.ptr[0] == '.' && t.ptr[1] == '/') ||
	       (t.len >= 3 && t.ptr[0] == '.' && t.ptr[1] == '.' && t.ptr[2] == '/');
}

const struct vault_entry *
links_resolve(const struct vault *v, const char *src_path, enum render_link_kind kind,
              struct slice target)
{
	target = trim_spaces(target);
	bool absolute = false;
	while (target.len && target.ptr[0] == '/') {
		target.ptr++;
		target.len--;
		absolute = true;
	}
	if (target.len == 0) {
		return NULL;
	}
	const struct vault_entry *found = NULL;
	struct buf key;
	buf_init(&key, 0);

	/* Markdown links and explicit ./ or ../ wikilinks: relative to the note's folder. */
	if (!absolute && src_path && (kind != RENDER_LINK_WIKI || starts_relative(target))) {
		struct slice folder = {(const uint8_t *)src_path, folder_len(src_path)};
		if (join_key(folder, target, &key)) {
			found = by_path_key(v, buf_slice(&key), src_path);
		}
		if (found || starts_relative(target)) {
			goto done;
		}
	}

	/* Then as a path from the vault root (with "." segments resolved). */
	buf_reset(&key);
	if (!join_key((struct slice){NULL, 0}, target, &key)) {
		goto done;
	}
	bool has_slash = memchr(key.ptr, '/', key.len) != NULL;
	if (has_slash) {
		found = by_path_key(v, buf_slice(&key), src_path);
	}
	/* Then by name, or by a path suffix for "Folder/Note" written against a deeper tree. */
	if (!found) {
		found = by_name(v, buf_slice(&key), src_path);
	}
done:
	buf_fini(&key);
	return found;
}

void
links_target_name(struct slice target, struct buf *out)
{
	target = trim_spaces(target);
	if (target.len && target.ptr[target.len - 1] == '/') {
		return; /* "Folder/" names no file */
	}
	vault_key(target, true, out);
}

/* Appends s with bytes outside a conservative fragment set percent-encoded. */
static void
put_frag_bytes(struct slice s, struct buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < s.len; i++) {
		uint8_t c = s.ptr[i];
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		            (c >= '0' && c <= '9') || strchr("-._~!$&()*+,;=:@/?^", c);
		if (keep && c) {
			buf_putc(out, (char)c);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			buf_put(out, e, 3);
		}
	}
}

void
links_fragment(struct slice frag, bool to_note, struct buf *out)
{
	if (frag.len == 0) {
		return;
	}
	buf_putc(out, '#');
	if (!to_note) {
		put_frag_bytes(frag, out);
		return;
	}
	/* Nested headings "#A#B" point at the last one. */
	size_t start = frag.len;
	while (start > 0 && frag.ptr[start - 1] != '#') {
		start--;
	}
	struct slice last = {frag.ptr + start, frag.len - start};
	if (last.len && last.ptr[0] == '^') {
		put_frag_bytes(last, out);
		return;
	}
	struct buf id;
	buf_init(&id, 0);
	slug_segment(last, &id);
	slug_href(buf_slice(&id), out);
	if (id.err) {
		out->err = out->err ? out->err : id.err;
	}
	buf_fini(&id);
}

int
links_href(const struct vault_entry *e, struct slice frag, struct buf *out)
{
	if (!e || !e->url) {
		return ERR_NOTFOUND;
	}
	slug_href(slice_str(e->url), out);
	links_fragment(frag, e->is_note, out);
	return out->err;
}
