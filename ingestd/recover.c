/*
 * recover.c: bringing LMDB in line with SQLite at start-up, and full rebuilds.
 *
 *   LMDB behind SQLite      re-render every key journaled above LMDB's generation
 *                           (reconcile); the journal is then cleared
 *   LMDB missing, damaged,  rebuild: every page row rendered again into an emptied store
 *   ahead of SQLite, or     under a new generation
 *   built by another theme
 *   or site settings
 *
 * A rebuild is itself crash-safe: SQLite first records "rebuild" (and the new generation),
 * then LMDB is rewritten in one transaction, then SQLite clears the flag and the journal and
 * stores the signature of what was built. A crash anywhere in between rebuilds again.
 */
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ingestd/build.h"
#include "ingestd/ingest_impl.h"
#include "ingestd/source.h"
#include "ingestd/strset.h"
#include "ingestd/urls.h"
#include "shared/config.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/log.h"
#include "shared/store.h"

/* Pages every store holds whatever the vault: the not-found page and the theme files. */
static void
add_specials(struct ingest *in, struct strset *urls)
{
	strset_add(urls, URLS_NOT_FOUND);
	strset_add(urls, build_css_url(in->build));
	if (build_live_url(in->build)) {
		strset_add(urls, build_live_url(in->build));
	}
	build_add_specials(in->build, urls);
}

static int
add_page(void *arg, const struct source_page *p)
{
	strset_add(arg, p->url);
	return 0;
}

static int
add_url(void *arg, const char *url)
{
	strset_add(arg, url);
	return 0;
}

/* Runs one small SQLite transaction: journal cleared up to gen, rebuild flag and signature. */
static int
mark_built(struct ingest *in, uint64_t gen, bool after_rebuild)
{
	/* The LMDB commit this records must be durable first (MDB_NOMETASYNC, store.h). */
	int rc = store_sync(in->store);
	if (!rc) {
		rc = source_begin(in->src);
	}
	if (!rc) {
		rc = source_journal_clear(in->src, gen);
	}
	if (!rc && after_rebuild) {
		rc = source_meta_set(in->src, "rebuild", "0");
	}
	if (!rc && after_rebuild) {
		rc = source_meta_set(in->src, "render_sig", build_signature(in->build));
	}
	if (!rc) {
		rc = source_commit(in->src);
	}
	if (rc) {
		source_rollback(in->src);
	}
	return rc;
}

int
recover_reconcile(struct ingest *in)
{
	struct strset urls;
	strset_init(&urls);
	uint64_t from = in->lmdb_gen;
	int rc = source_journal_above(in->src, from, add_url, &urls);
	if (!rc) {
		add_specials(in, &urls);
		rc = ingest_write_pages(in, urls.items, urls.count, in->gen, false, NULL);
	}
	if (!rc && in->lmdb_gen == in->gen) {
		rc = mark_built(in, in->gen, false);
	}
	if (rc) {
		log_err("recover.reconcile", "from=%" PRIu64 " to=%" PRIu64 " err=\"%s\"", from,
		        in->gen, err_str(rc));
	} else {
		log_info("recover.reconcile", "from=%" PRIu64 " to=%" PRIu64 " pages=%zu", from,
		         in->gen, urls.count);
	}
	strset_fini(&urls);
	return rc;
}

int
recover_rebuild(struct ingest *in, struct ingest_result *res)
{
	/* A new generation, above anything LMDB has seen, so fronts notice the change. */
	uint64_t gen = MAX(in->gen, in->lmdb_gen) + 1;
	int rc = source_begin(in->src);
	if (!rc) {
		rc = source_meta_set(in->src, "rebuild", "1");
	}
	if (!rc) {
		rc = source_meta_set_u64(in->src, "gen", gen);
	}
	if (!rc) {
		rc = source_commit(in->src);
	}
	if (rc) {
		source_rollback(in->src);
		return rc;
	}
	in->gen = gen;

	struct strset urls;
	strset_init(&urls);
	rc = source_pages_each(in->src, add_page, &urls);
	if (!rc) {
		add_specials(in, &urls);
		rc = ingest_write_pages(in, urls.items, urls.count, gen, true, res);
	}
	if (!rc && in->lmdb_gen == gen) {
		rc = mark_built(in, gen, true);
	}
	if (res) {
		res->gen = gen;
	}
	if (rc) {
		log_err("recover.rebuild", "gen=%" PRIu64 " err=\"%s\"", gen, err_str(rc));
	} else {
		log_info("recover.rebuild", "gen=%" PRIu64 " pages=%zu", gen, urls.count);
	}
	strset_fini(&urls);
	return rc;
}

/* Removes the LMDB files of dir so that the next open starts empty. */
static void
remove_store(const char *dir)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/lock.mdb", dir);
	unlink(path);
}

/* True if the store has the special pages (it may lack them after a crash mid-setup). */
static bool
has_specials(struct ingest *in)
{
	struct slice v;
	bool ok = store_read_begin(in->store) == 0 &&
	          store_get(in->store, SLICE_LIT(URLS_NOT_FOUND), &v) == 0 &&
	          store_get(in->store, slice_str(build_css_url(in->build)), &v) == 0 &&
	          (!build_live_url(in->build) ||
	           store_get(in->store, slice_str(build_live_url(in->build)), &v) == 0);
	struct strset theme;
	strset_init(&theme);
	build_add_specials(in->build, &theme);
	for (size_t i = 0; ok && i < theme.count; i++) {
		ok = store_get(in->store, slice_str(theme.items[i]), &v) == 0;
	}
	strset_fini(&theme);
	store_read_end(in->store);
	return ok;
}

int
recover_startup(struct ingest *in)
{
	const struct config *c = in->cfg;
	char dir[4096], data[4200];
	int rc = config_path(c, "pages", dir, sizeof(dir));
	if (rc < 0) {
		return rc;
	}
	snprintf(data, sizeof(data), "%s/data.mdb", dir);
	struct stat st;
	const char *why = NULL;
	if (stat(data, &st) < 0) {
		why = "no page store";
	}
	rc = store_open(&in->store, dir, STORE_WRITER, c->map_size, (unsigned)c->max_readers);
	if (rc == 0) {
		rc = store_gen(in->store, &in->lmdb_gen);
	}
	if (rc == ERR_VERSION || rc == ERR_CORRUPT) {
		log_warn("recover.store", "dir=\"%s\" err=\"%s\" action=recreate", dir,
		         err_str(rc));
		store_close(in->store);
		in->store = NULL;
		remove_store(dir);
		in->lmdb_gen = 0;
		why = "page store unreadable";
		rc = store_open(&in->store, dir, STORE_WRITER, c->map_size,
		                (unsigned)c->max_readers);
	}
	if (rc < 0) {
		log_err("recover.store", "dir=\"%s\" err=\"%s\"", dir, err_str(rc));
		return rc;
	}

	struct buf sig;
	buf_init(&sig, 0);
	source_meta_get(in->src, "render_sig", &sig);
	if (!why && source_meta_u64(in->src, "rebuild")) {
		why = "an earlier rebuild did not finish";
	}
	if (!why && in->lmdb_gen > in->gen) {
		why = "page store is ahead of the database";
	}
	if (!why && strcmp(buf_cstr(&sig), build_signature(in->build)) != 0) {
		why = "theme or site settings changed";
	}
	buf_fini(&sig);
	if (why) {
		log_info("recover.rebuild", "reason=\"%s\" db_gen=%" PRIu64 " store_gen=%" PRIu64,
		         why, in->gen, in->lmdb_gen);
		return recover_rebuild(in, NULL);
	}
	if (in->lmdb_gen < in->gen) {
		return recover_reconcile(in);
	}
	if (!has_specials(in)) {
		struct strset urls;
		strset_init(&urls);
		add_specials(in, &urls);
		rc = ingest_write_pages(in, urls.items, urls.count, in->gen, false, NULL);
		strset_fini(&urls);
	}
	return rc;
}

void
recover_specials(struct ingest *in, struct strset *urls)
{
	add_specials(in, urls);
}
