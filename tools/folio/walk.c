/*
 * walk.c: listing a vault. The walk never leaves the vault: a symlink is followed only
 * when its resolved target lies under the vault's resolved root, and a folder already on
 * the current path (a symlink loop) is not entered again. Files are opened with
 * O_NOFOLLOW | O_NONBLOCK and checked with fstat, so a file swapped for a FIFO or a link
 * between the walk and the read is refused instead of blocking or escaping.
 */
#include "tools/folio/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/defs.h"
#include "shared/err.h"
#include "shared/pushmsg.h"
#include "shared/sha256.h"

struct walk_ctx {
	struct walk *w;
	char root[PATH_MAX]; /* realpath of the vault root */
	size_t root_len;
	dev_t dev[WALK_MAX_DEPTH + 1]; /* folders on the current path, for loop detection */
	ino_t ino[WALK_MAX_DEPTH + 1];
	size_t depth;
	struct buf norm; /* scratch for path normalisation */
};

static void
walk_skip(struct walk *w, const char *path, const char *why, bool error)
{
	if (w->nskipped == w->skipcap) {
		w->skipcap = w->skipcap ? w->skipcap * 2 : 16;
		w->skipped = xrealloc(w->skipped, w->skipcap * sizeof(*w->skipped));
	}
	w->skipped[w->nskipped].path = xstrdup(path);
	w->skipped[w->nskipped].why = why;
	w->skipped[w->nskipped].error = error;
	w->nskipped++;
	w->nerrors += error;
}

static void
walk_add(struct walk_ctx *ctx, const char *rel, const char *fspath, uint64_t size)
{
	struct walk *w = ctx->w;
	const char *why = NULL;

	buf_reset(&ctx->norm);
	if (pushmsg_normalize_path(slice_str(rel), &ctx->norm, &why) != 0) {
		walk_skip(w, rel, why ? why : "path not accepted by folio", false);
		return;
	}
	if (w->nfiles == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->files = xrealloc(w->files, w->cap * sizeof(*w->files));
	}
	struct walk_file *f = &w->files[w->nfiles++];
	f->path = xstrdup(buf_cstr(&ctx->norm));
	f->fspath = xstrdup(fspath);
	f->size = size;
	f->sha256[0] = '\0';
}

/* True if the resolved path p lies under the vault root (or is the root). */
static bool
walk_inside(const struct walk_ctx *ctx, const char *p)
{
	if (ctx->root_len == 1) { // the root is "/"
		return true;
	}
	return strncmp(p, ctx->root, ctx->root_len) == 0 &&
	       (p[ctx->root_len] == '/' || p[ctx->root_len] == '\0');
}

static int
walk_cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
walk_cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct walk_file *)a)->path, ((const struct walk_file *)b)->path);
}

static void walk_dir(struct walk_ctx *ctx, const char *fsdir, const char *rel);

/* Enters folder fsdir (already stat'ed as st) unless it is too deep or loops. */
static void
walk_enter(struct walk_ctx *ctx, const char *fsdir, const char *rel, const struct stat *st)
{
	if (ctx->depth >= WALK_MAX_DEPTH) {
		walk_skip(ctx->w, rel, "folder nested too deeply", true);
		return;
	}
	for (size_t i = 0; i < ctx->depth; i++) {
		if (ctx->dev[i] == st->st_dev && ctx->ino[i] == st->st_ino) {
			walk_skip(ctx->w, rel, "symlink loops back to a folder above it", false);
			return;
		}
	}
	ctx->dev[ctx->depth] = st->st_dev;
	ctx->ino[ctx->depth] = st->st_ino;
	ctx->depth++;
	walk_dir(ctx, fsdir, rel);
	ctx->depth--;
}

/* One directory entry: name is not a dot-file; fspath and rel are its two names. */
static void
walk_entry(struct walk_ctx *ctx, const char *fspath, const char *rel)
{
	struct stat st;
	char real[PATH_MAX];

	if (lstat(fspath, &st) != 0) {
		// Deleted since the folder was listed: it is simply not part of the vault.
		if (errno != ENOENT) {
			walk_skip(ctx->w, rel, "cannot read its metadata", true);
		}
		return;
	}
	if (S_ISLNK(st.st_mode)) {
		if (!realpath(fspath, real)) {
			walk_skip(ctx->w, rel, "broken symlink", false);
			return;
		}
		if (!walk_inside(ctx, real)) {
			walk_skip(ctx->w, rel, "symlink leads out of the vault", false);
			return;
		}
		if (stat(real, &st) != 0) {
			walk_skip(ctx->w, rel, "broken symlink", false);
			return;
		}
		fspath = real;
	}
	if (S_ISDIR(st.st_mode)) {
		walk_enter(ctx, fspath, rel, &st);
	} else if (S_ISREG(st.st_mode)) {
		walk_add(ctx, rel, fspath, (uint64_t)st.st_size);
	} else {
		walk_skip(ctx->w, rel, "not a regular file", false);
	}
}

static void
walk_dir(struct walk_ctx *ctx, const char *fsdir, const char *rel)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	DIR *d = opendir(fsdir);
	struct dirent *e;

	if (!d) {
		if (errno != ENOENT) {
			walk_skip(ctx->w, rel[0] ? rel : ".", "cannot open folder", true);
		}
		return;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.') { // ., .., and hidden entries (.obsidian, .git, .trash)
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n) {
		qsort(names, n, sizeof(*names), walk_cmp_name);
	}

	struct buf fsp, relp;
	buf_init(&fsp, PATH_MAX);
	buf_init(&relp, 0);
	for (size_t i = 0; i < n; i++) {
		buf_reset(&fsp);
		buf_reset(&relp);
		buf_printf(&fsp, "%s/%s", fsdir, names[i]);
		if (rel[0]) {
			buf_printf(&relp, "%s/", rel);
		}
		buf_puts(&relp, names[i]);
		if (fsp.err || relp.err) {
			walk_skip(ctx->w, buf_cstr(&relp), "path too long", true);
		} else {
			walk_entry(ctx, buf_cstr(&fsp), buf_cstr(&relp));
		}
		free(names[i]);
	}
	buf_fini(&fsp);
	buf_fini(&relp);
	free(names);
}

int
walk_vault(const char *root, struct walk *w, char *err, size_t errlen)
{
	struct walk_ctx *ctx = NULL;
	struct stat st;
	int rc = 0;

	memset(w, 0, sizeof(*w));
	if (stat(root, &st) != 0) {
		rc = errno == ENOENT ? ERR_NOTFOUND : ERR_IO;
		snprintf(err, errlen, "cannot open vault %s: %s", root, strerror(errno));
		goto fail;
	}
	if (!S_ISDIR(st.st_mode)) {
		rc = ERR_INVAL;
		snprintf(err, errlen, "vault %s is not a folder", root);
		goto fail;
	}
	ctx = xcalloc(1, sizeof(*ctx));
	ctx->w = w;
	if (!realpath(root, ctx->root)) {
		rc = ERR_IO;
		snprintf(err, errlen, "cannot resolve vault %s: %s", root, strerror(errno));
		goto fail;
	}
	ctx->root_len = strlen(ctx->root);
	buf_init(&ctx->norm, 0);
	ctx->dev[0] = st.st_dev;
	ctx->ino[0] = st.st_ino;
	ctx->depth = 1;
	walk_dir(ctx, ctx->root, "");

	// Names were sorted per folder; the merge with the server's list needs whole paths sorted.
	if (w->nfiles) {
		qsort(w->files, w->nfiles, sizeof(*w->files), walk_cmp_file);
	}
	buf_fini(&ctx->norm);
fail:
	free(ctx);
	return rc;
}

void
walk_fini(struct walk *w)
{
	if (!w) {
		return;
	}
	for (size_t i = 0; i < w->nfiles; i++) {
		free(w->files[i].path);
		free(w->files[i].fspath);
	}
	for (size_t i = 0; i < w->nskipped; i++) {
		free(w->skipped[i].path);
	}
	free(w->files);
	free(w->skipped);
	memset(w, 0, sizeof(*w));
}

/* Opens a walked file for reading and checks it is still a regular file. */
static int
walk_open(const struct walk_file *f, struct stat *st, char *err, size_t errlen)
{
	int fd = open(f->fspath, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);

	if (fd < 0) {
		int rc = errno == ENOENT ? ERR_NOTFOUND : ERR_IO;
		snprintf(err, errlen, "%s: cannot open: %s", f->path, strerror(errno));
		return rc;
	}
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "%s: no longer a regular file", f->path);
		close(fd);
		return ERR_INVAL;
	}
	return fd;
}

int
walk_hash(const struct walk_file *f, char hex[65], char *err, size_t errlen)
{
	static const char digits[] = "0123456789abcdef";
	uint8_t chunk[65536], md[SHA256_LEN];
	struct sha256 c;
	struct stat st;
	int fd = walk_open(f, &st, err, errlen);

	if (fd < 0) {
		return fd;
	}
	sha256_init(&c);
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			snprintf(err, errlen, "%s: read failed: %s", f->path, strerror(errno));
			close(fd);
			return ERR_IO;
		}
		if (n == 0) {
			break;
		}
		sha256_update(&c, chunk, (size_t)n);
	}
	close(fd);
	sha256_final(&c, md);
	for (size_t i = 0; i < SHA256_LEN; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
	return 0;
}

int
walk_read(const struct walk_file *f, struct buf *out, char *err, size_t errlen)
{
	struct stat st;
	int fd = walk_open(f, &st, err, errlen);

	if (fd < 0) {
		return fd;
	}
	// Reserve the size seen now, then read to EOF in case the file grew meanwhile.
	size_t want = st.st_size > 0 ? (size_t)st.st_size : 4096;
	for (;;) {
		uint8_t *p = buf_reserve(out, want);
		if (!p) {
			snprintf(err, errlen, "%s: too large to send (%s)", f->path,
			         err_str(out->err));
			close(fd);
			return out->err;
		}
		ssize_t n = read(fd, p, want);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			snprintf(err, errlen, "%s: read failed: %s", f->path, strerror(errno));
			close(fd);
			return ERR_IO;
		}
		if (n == 0) {
			break;
		}
		out->len += (size_t)n;
		want = 65536;
	}
	close(fd);
	return 0;
}
