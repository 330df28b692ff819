/*
 * plan.h: what a push must send. The server's file list (GET /api/v1/files) and the
 * walked vault are both sorted by path and merged in one pass: a local file the server
 * lacks is new, one whose SHA-256 differs is changed, and a stored path with no local file
 * is deleted.
 */
#ifndef TOOLS_FOLIO_PLAN_H
#define TOOLS_FOLIO_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "shared/buf.h"
#include "tools/folio/walk.h"

struct plan_remote {
	char *path; /* heap */
	char sha256[65];
};

struct plan_upsert {
	const struct walk_file *file; /* borrowed from the walk, which must outlive the plan */
	bool is_new;
};

struct plan {
	struct plan_remote *remote; /* the server's files, sorted by path */
	size_t nremote;
	struct plan_upsert *upserts; /* in path order */
	size_t nupserts;
	const char **deletes; /* paths borrowed from remote, in path order */
	size_t ndeletes;
	size_t nnew, nchanged;
	uint64_t upload_bytes; /* sum of the sizes of the files to send */
};

/* Zeroes p. */
void plan_init(struct plan *p);

/*
 * Parses the body of GET /api/v1/files ({"files":[{"path":..,"sha256":..}, ...]}) into
 * p->remote. Returns 0, or ERR_PROTO with a message in err[errlen] when the body is not
 * that shape (entries without a string path or a 64-digit hex sha256 are errors too).
 */
int plan_parse_remote(struct plan *p, struct slice json, char *err, size_t errlen);

/*
 * Fills the upserts and deletes from p->remote and the walk w, whose files must carry their
 * hashes. Hashes compare case-insensitively. May be called once per plan.
 */
void plan_build(struct plan *p, const struct walk *w);

/* Frees what p holds; NULL is a no-op. */
void plan_fini(struct plan *p);

#endif
