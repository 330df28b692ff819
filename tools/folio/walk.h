/*
 * walk.h: listing the files of a vault for `folio push`. A walk visits every regular file
 * under the vault root, skipping dot-files and dot-folders (.obsidian/, .git/, .trash/),
 * special files, and symlinks that lead out of the vault. Paths come out normalised the
 * way ingestd stores them (pushmsg_normalize_path) and sorted bytewise, so two lists can
 * be merged in one pass.
 */
#ifndef TOOLS_FOLIO_WALK_H
#define TOOLS_FOLIO_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"

#define WALK_MAX_DEPTH 64 /* deeper folders are skipped with a note */

struct walk_file {
	char *path;   /* vault path, normalised ("Notes/A.md"); heap, owned by the walk */
	char *fspath; /* where to read it (a symlink's resolved target); heap, owned by the walk */
	uint64_t size;
	char sha256[65]; /* lowercase hex; "" until the caller fills it (walk_hash) */
};

/*
 * An entry the walk left out, with why. Only surprising skips are listed (not dot-files).
 * error marks an entry that exists but could not be read (permissions, I/O): a push must not
 * go ahead without it, or the server would delete its published copy.
 */
struct walk_skip {
	char *path;      /* heap, owned by the walk */
	const char *why; /* static string */
	bool error;
};

struct walk {
	struct walk_file *files; /* sorted by path (strcmp) */
	size_t nfiles;
	struct walk_skip *skipped;
	size_t nskipped;
	size_t nerrors;      /* skipped entries with error set */
	size_t cap, skipcap; /* private */
};

/*
 * Lists the vault under root into w (which it initialises). Returns 0, ERR_NOTFOUND (root
 * missing), ERR_INVAL (root is not a folder) or ERR_IO, with a message in err[errlen].
 * Unreadable subfolders and odd entries do not fail the walk; they land in w->skipped.
 * Free with walk_fini() whatever it returns.
 */
int walk_vault(const char *root, struct walk *w, char *err, size_t errlen);
void walk_fini(struct walk *w);

/*
 * Hashes one file (SHA-256, streamed in 64 KiB reads) into hex[65]. Returns 0, or
 * ERR_NOTFOUND / ERR_IO / ERR_INVAL (no longer a regular file) with a message in err.
 */
int walk_hash(const struct walk_file *f, char hex[65], char *err, size_t errlen);

/*
 * Reads a whole file into out (appended; out's own limit applies). Returns 0, ERR_NOTFOUND,
 * ERR_INVAL, ERR_IO or out->err, with a message in err[errlen].
 */
int walk_read(const struct walk_file *f, struct buf *out, char *err, size_t errlen);

#endif
