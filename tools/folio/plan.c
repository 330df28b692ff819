/*
 * plan.c: the diff between a vault on disk and what ingestd stores. The server is the
 * authority on what it has; the CLI only compares hashes, so a push after an interrupted
 * one sends exactly what is still missing.
 */
#include "tools/folio/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "shared/defs.h"
#include "shared/err.h"

void
plan_init(struct plan *p)
{
	memset(p, 0, sizeof(*p));
}

static bool
plan_is_hex64(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++) {
		char c = s[n];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
			return false;
		}
	}
	return n == 64;
}

static int
plan_cmp_remote(const void *a, const void *b)
{
	return strcmp(((const struct plan_remote *)a)->path, ((const struct plan_remote *)b)->path);
}

int
plan_parse_remote(struct plan *p, struct slice json, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *root = json_loadb((const char *)json.ptr, json.len, 0, &jerr);
	json_t *files;
	size_t i;
	int rc = ERR_PROTO;

	if (!root) {
		snprintf(err, errlen, "the server's file list is not JSON (%s)", jerr.text);
		goto fail;
	}
	files = json_object_get(root, "files");
	if (!json_is_array(files)) {
		snprintf(err, errlen, "the server's file list has no \"files\" array");
		goto fail;
	}
	p->remote = xcalloc(json_array_size(files) + 1, sizeof(*p->remote));
	for (i = 0; i < json_array_size(files); i++) {
		json_t *item = json_array_get(files, i);
		const char *path = json_string_value(json_object_get(item, "path"));
		const char *sha = json_string_value(json_object_get(item, "sha256"));
		if (!path || !path[0] || !sha || !plan_is_hex64(sha)) {
			snprintf(err, errlen,
			         "the server's file list has a bad entry (#%zu: needs a path and a "
			         "64-digit hex sha256)",
			         i + 1);
			goto fail;
		}
		p->remote[p->nremote].path = xstrdup(path);
		memcpy(p->remote[p->nremote].sha256, sha, 65);
		p->nremote++;
	}
	if (p->nremote) {
		qsort(p->remote, p->nremote, sizeof(*p->remote), plan_cmp_remote);
	}
	rc = 0;
fail:
	json_decref(root);
	return rc;
}

void
plan_build(struct plan *p, const struct walk *w)
{
	size_t i = 0, j = 0;

	p->upserts = xcalloc(w->nfiles + 1, sizeof(*p->upserts));
	p->deletes = xcalloc(p->nremote + 1, sizeof(*p->deletes));
	while (i < w->nfiles || j < p->nremote) {
		int c;
		if (i == w->nfiles) {
			c = 1;
		} else if (j == p->nremote) {
			c = -1;
		} else {
			c = strcmp(w->files[i].path, p->remote[j].path);
		}
		if (c < 0) { // only local: new
			p->upserts[p->nupserts++] = (struct plan_upsert){&w->files[i], true};
			p->upload_bytes += w->files[i].size;
			p->nnew++;
			i++;
		} else if (c > 0) { // only on the server: deleted locally
			// A duplicate in the server's list must not be deleted twice.
			if (!p->ndeletes ||
			    strcmp(p->deletes[p->ndeletes - 1], p->remote[j].path) != 0) {
				p->deletes[p->ndeletes++] = p->remote[j].path;
			}
			j++;
		} else {
			if (strcasecmp(w->files[i].sha256, p->remote[j].sha256) != 0) {
				p->upserts[p->nupserts++] =
				        (struct plan_upsert){&w->files[i], false};
				p->upload_bytes += w->files[i].size;
				p->nchanged++;
			}
			i++;
			j++;
			// Skip this path's duplicates in the server's list, if any.
			while (j < p->nremote &&
			       strcmp(p->remote[j].path, p->remote[j - 1].path) == 0) {
				j++;
			}
		}
	}
}

void
plan_fini(struct plan *p)
{
	if (!p) {
		return;
	}
	for (size_t i = 0; i < p->nremote; i++) {
		free(p->remote[i].path);
	}
	free(p->remote);
	free(p->upserts);
	free(p->deletes);
	memset(p, 0, sizeof(*p));
}
