/*
 * vault.h: ingestd's in-memory index of the vault: every stored file by path, by folded
 * path key and by folded file name, with the URL of the page it holds. Loaded once at
 * startup and updated per push, so resolving a link costs a hash lookup, never a query.
 *
 * Keys are "folded" (vault_fold): case-insensitive matching on Unicode-normalised names
 * happens by comparing folded keys.
 */
#ifndef INGESTD_VAULT_H
#define INGESTD_VAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"

struct vault;

struct vault_entry {
	char *path;     /* vault path as pushed: "Folder/My Note.md" */
	char *path_key; /* folded path; notes drop ".md": "folder/my note" */
	char *name_key; /* folded last segment; notes drop ".md": "my note" */
	char *url;      /* URL path of the page this file holds, NULL when it holds none */
	bool is_note;   /* a ".md" file (any case) */
	bool published; /* notes: not publish:false nor draft:true; assets: always */
	/* private: hash chains */
	struct vault_entry *next_path, *next_pkey, *next_name;
	size_t hpath, hpkey, hname;
};

/* An empty index. Never NULL (allocation failure aborts). Free with vault_free. */
struct vault *vault_new(void);
void vault_free(struct vault *v); /* NULL is a no-op */

/* Number of entries, and of notes among them. */
size_t vault_count(const struct vault *v);
size_t vault_notes(const struct vault *v);
/* Counts every entry added or removed: unchanged means the same set of paths. */
uint64_t vault_changes(const struct vault *v);

/*
 * Adds path (copied) or returns the entry already there. New entries have no URL and are
 * published. The entry lives until vault_remove or vault_free.
 */
struct vault_entry *vault_add(struct vault *v, const char *path);
/* Removes and frees the entry for path; a missing path is not an error. */
void vault_remove(struct vault *v, const char *path);
/* The entry for an exact vault path, or NULL. */
struct vault_entry *vault_get(const struct vault *v, const char *path);

/* Replaces the entry's URL with a copy of url (NULL clears it). */
void vault_set_url(struct vault_entry *e, const char *url);

/*
 * Entries with the given folded path key / folded name, in no particular order:
 *   for (e = vault_name_first(v, k); e; e = vault_name_next(e)) ...
 * Pointers stay valid until the entry is removed.
 */
const struct vault_entry *vault_pkey_first(const struct vault *v, struct slice key);
const struct vault_entry *vault_pkey_next(const struct vault_entry *e);
const struct vault_entry *vault_name_first(const struct vault *v, struct slice key);
const struct vault_entry *vault_name_next(const struct vault_entry *e);

/*
 * Calls fn for every entry, in no particular order; stops early when fn returns non-zero
 * and returns that. fn must not add or remove entries.
 */
typedef int vault_each_fn(void *arg, const struct vault_entry *e);
int vault_each(const struct vault *v, vault_each_fn *fn, void *arg);

/*
 * Appends the folded form of s to out: Unicode case folding, then NFC (libutf8proc), so
 * "Ünïcode" written precomposed and decomposed, in any case, folds alike; ASCII-only
 * names (the common case) are lowercased without a call. Malformed UTF-8 has only its
 * ASCII letters lowercased. Every key comparison in ingestd goes through this function;
 * keys stored in SQLite (links.target_name, notes' keys) are folded with it too, and
 * recomputed at start-up when its meaning changes (VAULT_FOLD_VERSION).
 */
void vault_fold(struct slice s, struct buf *out);
/* Names the folding above; stored as meta "fold" beside the keys it produced. */
#define VAULT_FOLD_VERSION "nfc-casefold-1"

/* True if path ends in ".md", in any case. */
bool vault_is_note_path(const char *path);

/*
 * Appends the key of a vault path (or of a link target naming one): folded, with a
 * trailing ".md" dropped. name_only keeps only the last '/'-separated segment.
 */
void vault_key(struct slice path, bool name_only, struct buf *out);

#endif
