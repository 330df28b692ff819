/*
 * pushmsg.h: the push request body, the contract between `folio push` and ingestd's
 * POST /api/v1/push. Two encodings carry the same shape:
 *
 *   {"upserts": [{"path": "Notes/A.md", "content": <str or bin>}, ...], "deletes": ["old.md"]}
 *
 * msgpack (Content-Type application/msgpack; content as str or bin; what the CLI sends) and
 * JSON (application/json; content a UTF-8 string, or base64 with "encoding": "base64").
 * This file and events.c are the only includers of msgpack.h; this is the only includer of
 * jansson.h outside ingestd's API replies and the CLI.
 */
#ifndef SHARED_PUSHMSG_H
#define SHARED_PUSHMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"

enum pushmsg_format { PUSHMSG_MSGPACK, PUSHMSG_JSON };

struct push_file {
	char *path;           /* normalised vault path, heap, NUL-terminated */
	struct slice content; /* into the request body, or into the push's own storage */
};

/* A problem with one file (or with the request, path NULL). Strings are heap copies. */
struct push_problem {
	char *path;
	char *msg;
};

struct push {
	struct push_file *upserts;
	size_t nupserts;
	char **deletes; /* normalised paths */
	size_t ndeletes;
	struct push_problem *problems;
	size_t nproblems;
	/* private: storage for decoded base64 contents */
	uint8_t **owned;
	size_t nowned;
};

struct push_limits {
	uint64_t max_file;  /* bytes per file */
	uint64_t max_files; /* upserts + deletes */
};

/*
 * Decodes body into p. Content slices may point into body, which must outlive p.
 * Every bad file is recorded in p->problems (bad path, too large, wrong type, duplicate
 * path, not UTF-8 where text is required) and decoding goes on, so one answer lists them
 * all. Returns 0 if the body was understood and has no problems; ERR_PROTO when the body is
 * not the documented shape or any problem was recorded; ERR_TOOBIG for too many files;
 * ERR_NOMEM. Free with pushmsg_fini() whatever it returns.
 */
int pushmsg_decode(struct slice body, enum pushmsg_format fmt, const struct push_limits *lim,
                   struct push *p);
void pushmsg_fini(struct push *p);

/*
 * Normalises a vault path into out: relative, valid UTF-8, no NUL or control bytes, no ".."
 * segment, backslashes not allowed, "." and empty segments dropped, at most 1024 bytes.
 * Returns 0 or ERR_INVAL with a reason in *why (static string).
 */
int pushmsg_normalize_path(struct slice in, struct buf *out, const char **why);

/* Encoding, for the CLI: begin, add files and deletes, finish. Sticky errors in out. */
struct pushmsg_writer {
	struct buf *out;
	size_t nupserts, ndeletes;
	void *pk; /* private */
};
/* Starts a msgpack body for nupserts upserts and ndeletes deletes (counts are fixed up front). */
int pushmsg_writer_begin(struct pushmsg_writer *w, struct buf *out, size_t nupserts,
                         size_t ndeletes);
int pushmsg_writer_upsert(struct pushmsg_writer *w, const char *path, struct slice content);
int pushmsg_writer_delete(struct pushmsg_writer *w, const char *path);
int pushmsg_writer_finish(struct pushmsg_writer *w);

#endif
