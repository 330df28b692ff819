/*
 * ingest_env.h: the fixture of the ingestd tests that drive the real push pipeline (no
 * HTTP) in a temporary data directory: a config, an open ingest, a push of "path",
 * "content" pairs with its reply parsed, and readers of the page records in LMDB.
 * Everything is static inline, so a test that leaves a helper unused does not warn.
 * A test adds fields of its own to struct env by defining INGEST_ENV_FIELDS first.
 */
#ifndef TESTS_UNIT_INGESTD_INGEST_ENV_H
#define TESTS_UNIT_INGESTD_INGEST_ENV_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingestd/ingest.h"
#include "shared/buf.h"
#include "shared/config.h"
#include "shared/pagefmt.h"
#include "shared/pushmsg.h"
#include "shared/store.h"
#include "tests/harness.h"

#ifndef INGEST_ENV_FIELDS
#define INGEST_ENV_FIELDS
#endif

struct env {
	char dir[64];
	struct config cfg;
	struct ingest *in;
	struct buf reply;         /* the last push's reply */
	struct ingest_result res; /* the last push's result */
	json_t *json;             /* the last reply, parsed */
	/* Called by push() right before ingest_push (after false) and right after it, or NULL. */
	void (*around_push)(struct env *e, bool after);
	INGEST_ENV_FIELDS
};

/*
 * Makes a data directory /tmp/folio-<tag>-XXXXXX and a config for it with a 1 MiB map.
 * More settings go in with env_set(); env_open() then opens the ingest.
 */
static inline void
env_prepare(struct env *e, const char *tag)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->dir, sizeof(e->dir), "/tmp/folio-%s-XXXXXX", tag);
	if (!mkdtemp(e->dir)) {
		perror("mkdtemp");
		abort();
	}
	config_init(&e->cfg);
	char err[256];
	config_set(&e->cfg, "data_dir", e->dir, err, sizeof(err));
	config_set(&e->cfg, "map_size", "1M", err, sizeof(err));
	buf_init(&e->reply, 0);
}

static inline void
env_set(struct env *e, const char *key, const char *value)
{
	char err[256];
	if (config_set(&e->cfg, key, value, err, sizeof(err)) != 0) {
		CHECK_FAIL_("config %s: %s", key, err);
	}
}

static inline void
env_open(struct env *e)
{
	CHECK_INT_EQ(ingest_open(&e->in, &e->cfg, NULL), 0);
}

/* Closes and opens the ingest again, as a restart does. */
static inline void
env_reopen(struct env *e)
{
	ingest_close(e->in);
	e->in = NULL;
	env_open(e);
}

static inline void
rm_rf(const char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "could not remove %s\n", dir);
	}
}

static inline void
env_fini(struct env *e)
{
	ingest_close(e->in);
	json_decref(e->json);
	buf_fini(&e->reply);
	config_fini(&e->cfg);
	rm_rf(e->dir);
}

/*
 * Pushes "path", "content" pairs (content NULL: delete path), ended by a NULL path.
 * Returns ingest_push's result; the reply is parsed into e->json.
 */
static inline int
push(struct env *e, ...)
{
	struct push_file ups[64];
	char *dels[64];
	struct push p = {.upserts = ups, .deletes = dels};
	va_list ap;
	va_start(ap, e);
	const char *path;
	while ((path = va_arg(ap, const char *)) != NULL) {
		const char *content = va_arg(ap, const char *);
		if (content) {
			ups[p.nupserts++] =
			        (struct push_file){(char *)(uintptr_t)path, slice_str(content)};
		} else {
			dels[p.ndeletes++] = (char *)(uintptr_t)path;
		}
	}
	va_end(ap);
	if (e->around_push) {
		e->around_push(e, false);
	}
	buf_reset(&e->reply);
	int rc = ingest_push(e->in, &p, &e->reply, &e->res);
	if (e->around_push) {
		e->around_push(e, true);
	}
	json_decref(e->json);
	json_error_t jerr;
	e->json = json_loadb((const char *)e->reply.ptr, e->reply.len, 0, &jerr);
	if (!e->json) {
		CHECK_FAIL_("reply is not JSON: %.*s", (int)e->reply.len,
		            (const char *)e->reply.ptr);
	}
	return rc;
}

/* The record at url, decoded; false if absent. The view is valid until page_end(). */
static inline bool
page_get(struct env *e, const char *url, struct page_view *v)
{
	struct store *s = ingest_store(e->in);
	struct slice rec;
	if (store_read_begin(s) != 0 || store_get(s, slice_str(url), &rec) != 0) {
		store_read_end(s);
		return false;
	}
	if (page_decode(rec, v) != 0) {
		CHECK_FAIL_("record at %s does not decode", url);
		store_read_end(s);
		return false;
	}
	return true;
}

static inline void
page_end(struct env *e)
{
	store_read_end(ingest_store(e->in));
}

/* True if the identity body of the page at url contains text. */
static inline bool
body_has(struct env *e, const char *url, const char *text)
{
	struct page_view v;
	if (!page_get(e, url, &v)) {
		return false;
	}
	struct slice b = v.sec[PAGE_SEC_BODY_IDENT];
	bool found = memmem(b.ptr, b.len, text, strlen(text)) != NULL;
	page_end(e);
	return found;
}

static inline bool
page_exists(struct env *e, const char *url)
{
	struct page_view v;
	bool ok = page_get(e, url, &v);
	if (ok) {
		page_end(e);
	}
	return ok;
}

/* The reply's entry for path in "files", or NULL. */
static inline json_t *
reply_file(struct env *e, const char *path)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(e->json, "files"), i, f)
	{
		const char *p = json_string_value(json_object_get(f, "path"));
		if (p && strcmp(p, path) == 0) {
			return f;
		}
	}
	return NULL;
}

static inline bool
has_warning(struct env *e, const char *path, const char *text)
{
	json_t *f = reply_file(e, path);
	size_t i;
	json_t *w;
	json_array_foreach(json_object_get(f, "warnings"), i, w)
	{
		if (strstr(json_string_value(w), text)) {
			return true;
		}
	}
	return false;
}

static inline const char *
reply_url(struct env *e, const char *path)
{
	return json_string_value(json_object_get(reply_file(e, path), "url"));
}

#endif
