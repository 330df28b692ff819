/*
 * plan.h: the SQLite half of a push. Inside ingest's write transaction, plan_build stores
 * the pushed files, note metadata, links and URL claims, and works out everything the push
 * changes: which page keys LMDB must write or delete (journaled under the new generation),
 * and the per-file answer. Private to ingestd (ingest.c and plan.c).
 */
#ifndef INGESTD_PLAN_H
#define INGESTD_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ingestd/build.h"
#include "ingestd/strset.h"
#include "renderer/render.h"
#include "shared/buf.h"

struct ingest;
struct push;

/* One upserted file's answer. */
struct plan_file {
	const char *path; /* the push's */
	char *url;
	struct buf warnings; /* JSON strings joined by ',' */
};

/* A changed note whose links must be scanned once the vault index is complete. */
struct plan_note {
	const char *path;    /* the push's */
	struct build_meta m; /* frontmatter; m.body points into the push */
	bool meta_changed;   /* title, privacy or publication changed: its targets' backlinks too */
	bool rendered;       /* html holds its fragment (rendered while storing its links) */
	char sha256[65];     /* of its content */
	char *old_claim;     /* the URL it claimed before this push (heap), NULL if none */
	struct strset tags;  /* tags met in its body while rendering (slug_tag keys) */
	struct buf html;
	char *first_h1;
};

/* A note this push deleted: a rename when an added note has the same content. */
struct plan_gone {
	char *path;
	char sha256[65];
	char *claim; /* its main URL, NULL if none */
};

/* The work lists of one push. */
struct plan {
	uint64_t gen;
	int64_t now;
	char *home;             /* home note after this push (heap) */
	struct strset changed;  /* paths with new content, or deleted */
	struct strset added;    /* paths that did not exist before this push */
	struct strset deleted;  /* paths deleted */
	struct strset claims;   /* paths whose URL claims must be computed again */
	struct strset names;    /* name keys of files added or removed */
	struct strset affected; /* URLs whose claims changed */
	struct strset holders;  /* paths that may have gained or lost a page */
	struct strset moved;    /* paths whose link target URL changed */
	struct strset rerender; /* paths whose pages must be rendered again */
	struct strset content;  /* paths whose rendered body may differ: their embedders too */
	struct strset urls;     /* page keys to write or delete: the journal of this push */
	struct plan_note *notes;
	size_t nnotes;
	struct strset note_paths; /* index into notes */
	struct plan_file *results;
	size_t nresults;
	struct strset result_paths; /* index into results */
	/* What the SQL stages decided, kept so later stages need not query it back: */
	struct strset mains;    /* paths whose claims were computed... */
	char **main_url;        /* ...and the URL each claims first (NULL: none) */
	struct strset won;      /* URLs whose winner was decided... */
	char **won_path;        /* ...the winner's path (NULL: nobody)... */
	int *won_kind;          /* ...and its kind */
	struct plan_gone *gone; /* notes deleted by this push */
	size_t ngone;
	struct strset layouts;    /* layout files (_layouts/) added, changed or deleted */
	struct strset alias_keys; /* "url\npath" of each alias claim made by this push */
	struct buf a, b;          /* scratch */
	struct buf w;             /* plan_warn's scratch */
};

/* An empty plan for a push of up to nupserts upserts; the caller sets gen and now. */
void plan_init(struct plan *j, size_t nupserts);
void plan_fini(struct plan *j);

/*
 * Runs every SQL stage of push p inside the open write transaction and fills j: changed
 * files, the render set as page keys (j->urls, also journaled under j->gen), warnings.
 * Updates in->vault as it goes (the caller reloads it if the transaction is rolled back).
 * Returns 0 or an ERR_* from the database.
 */
int plan_build(struct ingest *in, const struct push *p, struct plan *j);

/* build_missing_fn for a plan: "link to missing note" warnings. arg is the plan. */
void plan_missing(void *arg, const char *path, const struct render_link *l);
/* build_cached_fn for a plan: the fragments rendered while storing links. arg is the plan. */
bool plan_fragment(void *arg, const char *path, struct slice *html, const char **first_h1);

#endif
