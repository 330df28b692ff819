/*
 * vault.c: the in-memory vault index (contract in vault.h). Three chained hash tables share
 * the entries: by exact path, by folded path key and by folded name. Each entry carries its
 * own chain links and cached hashes, so adding, removing and rehashing never allocate beyond
 * the entry itself and the bucket arrays.
 */
#include "ingestd/vault.h"

#include <stdlib.h>
#include <strings.h>

#include "renderer/unicode.h"
#include "shared/defs.h"

struct vault {
	struct vault_entry **by_path, **by_pkey, **by_name;
	size_t nbuckets; /* power of two, shared by the three tables */
	size_t count, notes;
	uint64_t changes; /* entries added or removed so far (vault_changes) */
};

enum { VAULT_PATH, VAULT_PKEY, VAULT_NAME };

static size_t
vault_hash(const void *p, size_t n)
{
	/* FNV-1a, 64-bit: keys are short and come from our own pushes. */
	const uint8_t *s = p;
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ull;
	}
	/* The buckets are picked by the low bits, which FNV's multiply never feeds from the
	 * high ones: fold and mix (murmur3's finaliser) so similar paths spread out. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (size_t)h;
}

void
vault_fold(struct slice s, struct buf *out)
{
	if (unicode_nfc(s, true, out)) {
		return;
	}
	/* Malformed UTF-8: its ASCII letters are lowercased, every other byte is kept. */
	uint8_t *dst = buf_reserve(out, s.len);
	if (!dst) {
		return;
	}
	for (size_t i = 0; i < s.len; i++) {
		uint8_t c = s.ptr[i];
		dst[i] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
	}
	out->len += s.len;
}

bool
vault_is_note_path(const char *path)
{
	size_t n = strlen(path);
	return n >= 3 && strcasecmp(path + n - 3, ".md") == 0;
}

void
vault_key(struct slice path, bool name_only, struct buf *out)
{
	size_t start = 0;
	if (name_only) {
		for (size_t i = path.len; i > 0; i--) {
			if (path.ptr[i - 1] == '/') {
				start = i;
				break;
			}
		}
	}
	size_t end = path.len;
	if (end - start >= 3 && path.ptr[end - 3] == '.' && (path.ptr[end - 2] | 32) == 'm' &&
	    (path.ptr[end - 1] | 32) == 'd') {
		end -= 3;
	}
	vault_fold((struct slice){path.ptr + start, end - start}, out);
}

struct vault *
vault_new(void)
{
	struct vault *v = xcalloc(1, sizeof(*v));
	v->nbuckets = 256;
	v->by_path = xcalloc(v->nbuckets, sizeof(*v->by_path));
	v->by_pkey = xcalloc(v->nbuckets, sizeof(*v->by_pkey));
	v->by_name = xcalloc(v->nbuckets, sizeof(*v->by_name));
	return v;
}

static void
entry_free(struct vault_entry *e)
{
	free(e->path);
	free(e->path_key);
	free(e->name_key);
	free(e->url);
	free(e);
}

void
vault_free(struct vault *v)
{
	if (!v) {
		return;
	}
	for (size_t i = 0; i < v->nbuckets; i++) {
		struct vault_entry *e = v->by_path[i];
		while (e) {
			struct vault_entry *next = e->next_path;
			entry_free(e);
			e = next;
		}
	}
	free(v->by_path);
	free(v->by_pkey);
	free(v->by_name);
	free(v);
}

size_t
vault_count(const struct vault *v)
{
	return v->count;
}

size_t
vault_notes(const struct vault *v)
{
	return v->notes;
}

static void
link_in(struct vault *v, struct vault_entry *e)
{
	size_t mask = v->nbuckets - 1;
	e->next_path = v->by_path[e->hpath & mask];
	v->by_path[e->hpath & mask] = e;
	e->next_pkey = v->by_pkey[e->hpkey & mask];
	v->by_pkey[e->hpkey & mask] = e;
	e->next_name = v->by_name[e->hname & mask];
	v->by_name[e->hname & mask] = e;
}

/* Doubles the bucket arrays and relinks every entry (entries are reached by path). */
static void
vault_grow(struct vault *v)
{
	struct vault_entry **old = v->by_path;
	size_t oldn = v->nbuckets;
	v->nbuckets *= 2;
	free(v->by_pkey);
	free(v->by_name);
	v->by_path = xcalloc(v->nbuckets, sizeof(*v->by_path));
	v->by_pkey = xcalloc(v->nbuckets, sizeof(*v->by_pkey));
	v->by_name = xcalloc(v->nbuckets, sizeof(*v->by_name));
	for (size_t i = 0; i < oldn; i++) {
		struct vault_entry *e = old[i];
		while (e) {
			struct vault_entry *next = e->next_path;
			link_in(v, e);
			e = next;
		}
	}
	free(old);
}

struct vault_entry *
vault_get(const struct vault *v, const char *path)
{
	size_t n = strlen(path);
	size_t h = vault_hash(path, n);
	for (struct vault_entry *e = v->by_path[h & (v->nbuckets - 1)]; e; e = e->next_path) {
		if (e->hpath == h && strcmp(e->path, path) == 0) {
			return e;
		}
	}
	return NULL;
}

static char *
key_of(const char *path, bool name_only)
{
	struct buf b;
	buf_init(&b, 0);
	vault_key(slice_str(path), name_only, &b);
	buf_putc(&b, '\0');
	if (b.err) {
		buf_fini(&b);
		return xstrdup("");
	}
	return (char *)buf_steal(&b, NULL);
}

struct vault_entry *
vault_add(struct vault *v, const char *path)
{
	struct vault_entry *e = vault_get(v, path);
	if (e) {
		return e;
	}
	if (v->count >= v->nbuckets) {
		vault_grow(v);
	}
	e = xcalloc(1, sizeof(*e));
	e->path = xstrdup(path);
	e->path_key = key_of(path, false);
	e->name_key = key_of(path, true);
	e->is_note = vault_is_note_path(path);
	e->published = true;
	e->hpath = vault_hash(e->path, strlen(e->path));
	e->hpkey = vault_hash(e->path_key, strlen(e->path_key));
	e->hname = vault_hash(e->name_key, strlen(e->name_key));
	link_in(v, e);
	v->count++;
	v->changes++;
	if (e->is_note) {
		v->notes++;
	}
	return e;
}

/* Unlinks e from one chain; which selects the table. */
static void
unlink_from(struct vault *v, struct vault_entry *e, int which)
{
	size_t mask = v->nbuckets - 1;
	struct vault_entry **pp;
	switch (which) {
	case VAULT_PATH:
		pp = &v->by_path[e->hpath & mask];
		while (*pp != e) {
			pp = &(*pp)->next_path;
		}
		*pp = e->next_path;
		break;
	case VAULT_PKEY:
		pp = &v->by_pkey[e->hpkey & mask];
		while (*pp != e) {
			pp = &(*pp)->next_pkey;
		}
		*pp = e->next_pkey;
		break;
	default:
		pp = &v->by_name[e->hname & mask];
		while (*pp != e) {
			pp = &(*pp)->next_name;
		}
		*pp = e->next_name;
		break;
	}
}

void
vault_remove(struct vault *v, const char *path)
{
	struct vault_entry *e = vault_get(v, path);
	if (!e) {
		return;
	}
	unlink_from(v, e, VAULT_PATH);
	unlink_from(v, e, VAULT_PKEY);
	unlink_from(v, e, VAULT_NAME);
	v->count--;
	v->changes++;
	if (e->is_note) {
		v->notes--;
	}
	entry_free(e);
}

void
vault_set_url(struct vault_entry *e, const char *url)
{
	free(e->url);
	e->url = url ? xstrdup(url) : NULL;
}

static bool
key_eq(const char *k, struct slice key)
{
	return strlen(k) == key.len && memcmp(k, key.ptr, key.len) == 0;
}

const struct vault_entry *
vault_pkey_first(const struct vault *v, struct slice key)
{
	size_t h = vault_hash(key.ptr, key.len);
	for (const struct vault_entry *e = v->by_pkey[h & (v->nbuckets - 1)]; e; e = e->next_pkey) {
		if (e->hpkey == h && key_eq(e->path_key, key)) {
			return e;
		}
	}
	return NULL;
}

const struct vault_entry *
vault_pkey_next(const struct vault_entry *e)
{
	for (const struct vault_entry *n = e->next_pkey; n; n = n->next_pkey) {
		if (n->hpkey == e->hpkey && strcmp(n->path_key, e->path_key) == 0) {
			return n;
		}
	}
	return NULL;
}

const struct vault_entry *
vault_name_first(const struct vault *v, struct slice key)
{
	size_t h = vault_hash(key.ptr, key.len);
	for (const struct vault_entry *e = v->by_name[h & (v->nbuckets - 1)]; e; e = e->next_name) {
		if (e->hname == h && key_eq(e->name_key, key)) {
			return e;
		}
	}
	return NULL;
}

const struct vault_entry *
vault_name_next(const struct vault_entry *e)
{
	for (const struct vault_entry *n = e->next_name; n; n = n->next_name) {
		if (n->hname == e->hname && strcmp(n->name_key, e->name_key) == 0) {
			return n;
		}
	}
	return NULL;
}

int
vault_each(const struct vault *v, vault_each_fn *fn, void *arg)
{
	for (size_t i = 0; i < v->nbuckets; i++) {
		const struct vault_entry *e = v->by_path[i];
		while (e) {
			const struct vault_entry *next = e->next_path;
			int rc = fn(arg, e);
			if (rc) {
				return rc;
			}
			e = next;
		}
	}
	return 0;
}

uint64_t
vault_changes(const struct vault *v)
{
	return v->changes;
}
