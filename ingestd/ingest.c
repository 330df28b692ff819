/*
 * ingest.c: the push pipeline (contract in ingest.h).
 *
 * Commit order, and why a crash at any moment leaves every page at its old or new version:
 *
 *   1. Decode and validate the whole push (pushmsg); a problem anywhere changes nothing.
 *   2. One SQLite transaction stores the files, note metadata, links, URL claims and the
 *      page table (url -> what LMDB must hold), works out the render set, writes every
 *      page key of the set into `journal` under the new generation and bumps `gen`.
 *      COMMIT. The push is now durable; LMDB still shows the previous generation whole.
 *   3. One LMDB transaction renders and writes (or deletes) every journaled key and stores
 *      the generation. COMMIT. Readers switch to the new generation atomically.
 *   4. Journal rows below LMDB's generation are deleted lazily, inside the next push's
 *      SQLite transaction (or at start-up, after a sync). LMDB's newest generation keeps
 *      its rows: the writer syncs a commit's meta page only with the next commit
 *      (MDB_NOMETASYNC), so until then a power loss can take LMDB back one generation,
 *      and those rows are what repairs it.
 *   5. The invalidation {gen, paths} is published, then the client gets its answer.
 *
 * A crash before 2 commits loses the push (the client got no answer). A crash between 2 and
 * 3 leaves LMDB one or more generations behind: at start-up (recover.c), every key
 * journaled above LMDB's generation is rendered again from the current SQLite state and
 * committed in one LMDB transaction with SQLite's generation. Rendering depends only on
 * SQLite, so the repaired pages are exactly what step 3 would have written.
 *
 * The render set is what the push changed plus what depends on it: notes whose backlinks
 * changed (old and new targets of changed or deleted notes), notes whose links now resolve
 * differently (links whose target name is a name added or removed), notes linking to a
 * note whose URL changed, and pages whose URL changed hands. Nothing else is rendered.
 */
#include "ingestd/ingest.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "ingestd/build.h"
#include "ingestd/gzpool.h"
#include "ingestd/ingest_impl.h"
#include "ingestd/layouts.h"
#include "ingestd/links.h"
#include "ingestd/plan.h"
#include "ingestd/publish.h"
#include "ingestd/site.h"
#include "ingestd/source.h"
#include "ingestd/strset.h"
#include "ingestd/urls.h"
#include "ingestd/vault.h"
#include "shared/config.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/log.h"
#include "shared/pushmsg.h"
#include "shared/sha256.h"
#include "shared/stats.h"
#include "shared/store.h"
#include "shared/version.h"

/* --- the vault index ----------------------------------------------------------------------- */

static int
load_file(void *arg, const char *path, const char *sha256, bool is_note)
{
	(void)sha256;
	(void)is_note;
	vault_add(arg, path);
	return 0;
}

static int
load_note(void *arg, const char *path, const struct source_note *n)
{
	struct vault_entry *e = vault_get(arg, path);
	if (e) {
		e->published = n->published;
	}
	return 0;
}

static int
load_page(void *arg, const struct source_page *p)
{
	if (p->kind != URLS_NOTE && p->kind != URLS_ASSET) {
		return 0;
	}
	struct vault_entry *e = vault_get(arg, p->path);
	if (!e) {
		return 0;
	}
	/* A note's redirect rows are URLS_REDIRECT, so a note holds at most one note page. */
	vault_set_url(e, p->url);
	return 0;
}

/* --- folded keys ---------------------------------------------------------------------------- */

static void
refold_one(void *arg, bool link, const char *s, struct buf *k1, struct buf *k2)
{
	(void)arg;
	if (link) {
		links_target_name(slice_str(s), k1);
	} else {
		vault_key(slice_str(s), true, k1);
		vault_key(slice_str(s), false, k2);
	}
}

static int
note_non_ascii(void *arg, const char *path, const char *sha256, bool is_note)
{
	(void)sha256;
	for (const char *p = path; *p && is_note; p++) {
		if ((unsigned char)*p >= 0x80) {
			strset_add(arg, path);
			break;
		}
	}
	return 0;
}

/*
 * A database whose stored keys were folded another way (before Unicode folding, or by an
 * older VAULT_FOLD_VERSION) gets them computed again, once, and marked in meta "fold".
 * Slug URLs of non-ASCII note names changed meaning with it (NFC): those notes are listed
 * in in->reclaim, so the first push claims their URLs again.
 */
static int
refold_keys(struct ingest *in)
{
	struct buf v;
	buf_init(&v, 0);
	int rc = source_meta_get(in->src, "fold", &v);
	bool same = rc == 0 && strcmp(buf_cstr(&v), VAULT_FOLD_VERSION) == 0;
	buf_fini(&v);
	if (same) {
		return 0;
	}
	rc = source_begin(in->src);
	if (rc < 0) {
		return rc;
	}
	rc = source_refold(in->src, refold_one, NULL);
	if (!rc) {
		in->reclaim = xcalloc(1, sizeof(*in->reclaim));
		strset_init(in->reclaim);
		rc = source_files_each(in->src, note_non_ascii, in->reclaim);
	}
	if (!rc) {
		rc = source_meta_set(in->src, "fold", VAULT_FOLD_VERSION);
	}
	if (!rc) {
		rc = source_commit(in->src);
	} else {
		source_rollback(in->src);
	}
	if (!rc) {
		log_info("ingest.refold", "fold=%s reclaim=%zu", VAULT_FOLD_VERSION,
		         in->reclaim->count);
	}
	return rc;
}

static void
reclaim_free(struct ingest *in)
{
	if (in->reclaim) {
		strset_fini(in->reclaim);
		free(in->reclaim);
		in->reclaim = NULL;
	}
}

/* (Re)loads the vault index from SQLite: at start-up and after a failed push. */
static int
load_vault(struct ingest *in)
{
	vault_free(in->vault);
	in->vault = vault_new();
	int rc = source_files_each(in->src, load_file, in->vault);
	if (!rc) {
		rc = source_notes_each(in->src, load_note, in->vault);
	}
	if (!rc) {
		rc = source_pages_each(in->src, load_page, in->vault);
	}
	return rc;
}

/* --- LMDB ---------------------------------------------------------------------------------- */

/* Logs how far a long write got (a rebuild of a large vault), at most every 2 s. */
static void
write_progress(struct timespec *last, size_t done, size_t n, uint64_t gen)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (last->tv_sec == 0) {
		*last = now;
	} else if (now.tv_sec - last->tv_sec >= 2) {
		*last = now;
		log_info("ingest.progress", "gen=%" PRIu64 " pages=%zu of=%zu", gen, done, n);
	}
}

/*
 * Stores what building url gave (rc, the record rec or del): a page that cannot be built
 * from what is stored keeps its previous record; other errors fail the write.
 */
static int
put_page(struct ingest *in, struct store_wtxn *t, const char *url, int rc, bool del,
         const struct buf *rec, size_t *written, size_t *removed)
{
	if (rc == ERR_CORRUPT || rc == ERR_TOOBIG || rc == ERR_PROTO || rc == ERR_INVAL) {
		/* This one page cannot be built from what is stored: keep its
		 * previous record rather than fail every other page with it. */
		log_err("ingest.build", "url=\"%s\" err=\"%s\" action=skip", url, err_str(rc));
		return 0;
	}
	if (rc < 0) {
		log_err("ingest.build", "url=\"%s\" err=\"%s\"", url, err_str(rc));
		return rc;
	}
	struct slice key = slice_str(url);
	if (del) {
		(*removed)++;
		return store_del(t, key);
	}
	rc = store_put(t, key, buf_slice(rec));
	(*written)++;
	uint32_t flags = 0;
	if (rec->len >= 12) {
		flags = (uint32_t)rec->ptr[8] | (uint32_t)rec->ptr[9] << 8 |
		        (uint32_t)rec->ptr[10] << 16 | (uint32_t)rec->ptr[11] << 24;
	}
	buf_put(&in->wrote, &flags, sizeof(flags));
	buf_put(&in->wrote, key.ptr, key.len);
	buf_putc(&in->wrote, '\0');
	return rc;
}

/* Writes below this many pages compress inline: waking the worker would cost more. */
#define INGEST_PIPE_MIN 8

/* Builds and stores urls[0..n) one after the other on this thread. */
static int
write_inline(struct ingest *in, struct store_wtxn *t, char *const *urls, size_t n, uint64_t gen,
             size_t *written, size_t *removed)
{
	struct timespec logged = {0};
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		if ((i & 255) == 0) {
			write_progress(&logged, i, n, gen);
		}
		bool del;
		buf_reset(&in->rec);
		rc = build_url(in->build, urls[i], gen, &in->rec, &del);
		rc = put_page(in, t, urls[i], rc, del, &in->rec, written, removed);
	}
	return rc;
}

/*
 * Builds urls[0..n) on this thread while the worker compresses the pages before them, and
 * stores the finished records in key order. Up to GZPOOL_SLOTS pages are in flight; on any
 * error the pool is drained, so a replay (map full) starts from an empty ring.
 */
static int
write_piped(struct ingest *in, struct store_wtxn *t, char *const *urls, size_t n, uint64_t gen,
            size_t *written, size_t *removed)
{
	struct gzpool *p = in->gzpool;
	struct timespec logged = {0};
	size_t next = 0;
	int rc = 0;
	while (!rc) {
		struct build_job *j = next < n ? gzpool_next(p) : NULL;
		if (j) {
			if ((next & 255) == 0) {
				write_progress(&logged, next, n, gen);
			}
			build_url_job(in->build, urls[next], gen, j);
			j->index = next++;
			gzpool_submit(p);
			continue;
		}
		j = gzpool_oldest(p);
		if (!j) {
			break; /* all submitted and stored */
		}
		build_job_account(in->build, j);
		in->stats.gzip_worker_pages += j->deferred && !j->helped;
		in->stats.gzip_helped_pages += j->deferred && j->helped;
		rc = put_page(in, t, urls[j->index], j->rc, j->del, &j->rec, written, removed);
		gzpool_retire(p);
	}
	gzpool_drain(p);
	return rc;
}

/* True when this write should go through the worker, starting it the first time. */
static bool
use_pipe(struct ingest *in, size_t n)
{
	if (n < INGEST_PIPE_MIN || in->inline_gzip) {
		return false;
	}
	if (!in->gzpool && gzpool_open(&in->gzpool, (int)in->cfg->gzip_level) < 0) {
		in->inline_gzip = true; /* no thread to be had: stay inline, as before */
		return false;
	}
	gzpool_test_hold(in->gzpool, in->hold_gzip);
	return true;
}

int
ingest_write_pages(struct ingest *in, char *const *urls, size_t n, uint64_t gen, bool drop_all,
                   struct ingest_result *res)
{
	int rc = 0;
	bool piped = use_pipe(in, n);
	for (int attempt = 0; attempt < 16; attempt++) {
		size_t written = 0, removed = 0;
		uint64_t rendered0 = build_rendered(in->build);
		buf_reset(&in->wrote);
		struct store_wtxn *t;
		rc = store_write_begin(in->store, &t);
		if (rc < 0) {
			return rc;
		}
		rc = source_read_begin(in->src);
		if (drop_all) {
			rc = store_drop_all(t);
		}
		if (!rc && piped) {
			rc = write_piped(in, t, urls, n, gen, &written, &removed);
		} else if (!rc) {
			rc = write_inline(in, t, urls, n, gen, &written, &removed);
		}
		if (!rc) {
			rc = store_set_gen(t, gen);
		}
		source_read_end(in->src);
		if (!rc && in->skip_store_commit) {
			store_write_abort(t);
			return 0;
		}
		if (!rc) {
			int64_t t0 = stats_mono_us();
			rc = store_write_commit(t);
			in->stats.commit_us += (uint64_t)(stats_mono_us() - t0);
		} else {
			store_write_abort(t);
		}
		if (rc == ERR_FULL) {
			int grc = store_grow(in->store, 0);
			if (grc < 0) {
				return grc;
			}
			continue;
		}
		if (rc < 0) {
			return rc;
		}
		in->lmdb_gen = gen;
		if (res) {
			res->rendered += (size_t)(build_rendered(in->build) - rendered0);
			res->written += written;
			res->removed += removed;
		}
		return 0;
	}
	return rc;
}

/* --- replies ------------------------------------------------------------------------------- */

static void
reply_error(struct buf *reply, const char *msg, const struct push *p)
{
	buf_puts(reply, "{\"error\":");
	buf_put_json_str(reply, msg, strlen(msg));
	if (p && p->nproblems) {
		buf_puts(reply, ",\"details\":[");
		for (size_t i = 0; i < p->nproblems; i++) {
			const struct push_problem *pr = &p->problems[i];
			buf_puts(reply, i ? ",{\"path\":" : "{\"path\":");
			if (pr->path) {
				buf_put_json_str(reply, pr->path, strlen(pr->path));
			} else {
				buf_puts(reply, "null");
			}
			buf_puts(reply, ",\"error\":");
			buf_put_json_str(reply, pr->msg, strlen(pr->msg));
			buf_putc(reply, '}');
		}
		buf_putc(reply, ']');
	}
	buf_puts(reply, "}");
}

static void
reply_ok(struct buf *reply, const struct plan *j, const struct ingest_result *res)
{
	buf_puts(reply, "{\"generation\":");
	buf_put_u64(reply, j->gen);
	buf_puts(reply, ",\"files\":[");
	for (size_t i = 0; i < j->nresults; i++) {
		const struct plan_file *r = &j->results[i];
		buf_puts(reply, i ? ",{\"path\":" : "{\"path\":");
		buf_put_json_str(reply, r->path, strlen(r->path));
		buf_puts(reply, ",\"url\":");
		if (r->url) {
			buf_put_json_str(reply, r->url, strlen(r->url));
		} else {
			buf_puts(reply, "null");
		}
		buf_puts(reply, ",\"warnings\":[");
		buf_put_slice(reply, buf_slice(&r->warnings));
		buf_puts(reply, "]}");
	}
	buf_puts(reply, "],\"deleted\":[");
	for (size_t i = 0; i < j->deleted.count; i++) {
		if (i) {
			buf_putc(reply, ',');
		}
		buf_put_json_str(reply, j->deleted.items[i], strlen(j->deleted.items[i]));
	}
	buf_printf(reply, "],\"rendered\":%zu,\"elapsed_ms\":%.3f}", res->rendered,
	           res->elapsed_ms);
}

static double
ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* --- entry points -------------------------------------------------------------------------- */

/*
 * Compiles every layout the push carries (into the cache, so pages reuse the result). A
 * template error refuses the whole push before anything is stored: the reply names each
 * file and line, and the site keeps serving what it served.
 */
static int
check_layouts(struct ingest *in, const struct push *p, struct buf *reply)
{
	size_t bad = 0;
	for (size_t i = 0; i < p->nupserts; i++) {
		const struct push_file *f = &p->upserts[i];
		if (!layouts_is_layout(f->path)) {
			continue;
		}
		char sha[65], err[240];
		const struct template *t;
		sha256_hex(f->content.ptr, f->content.len, sha);
		int rc = layouts_get(in->layouts, f->path, sha, f->content, &t, err, sizeof(err));
		if (rc == ERR_NOMEM) {
			return rc;
		}
		if (rc == 0) {
			continue;
		}
		buf_puts(reply, bad++ ? ",{\"path\":"
		                      : "{\"error\":\"push rejected: template "
		                        "error\",\"details\":[{\"path\":");
		buf_put_json_str(reply, f->path, strlen(f->path));
		buf_puts(reply, ",\"error\":");
		buf_put_json_str(reply, err, strlen(err));
		buf_putc(reply, '}');
	}
	if (bad) {
		buf_puts(reply, "]}");
		return ERR_PROTO;
	}
	return 0;
}

int
ingest_push(struct ingest *in, const struct push *p, struct buf *reply, struct ingest_result *res)
{
	struct ingest_result local = {0};
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	res = res ? res : &local;
	memset(res, 0, sizeof(*res));
	if (p->nproblems) {
		reply_error(reply, "push rejected", p);
		return ERR_PROTO;
	}
	int crc = check_layouts(in, p, reply);
	if (crc < 0) {
		log_info("push.refused", "reason=layout");
		return crc;
	}
	if (in->lmdb_gen < in->gen) {
		int rrc = recover_reconcile(in);
		if (rrc < 0) {
			log_err("ingest.reconcile", "err=\"%s\"", err_str(rrc));
		}
	}

	struct plan j;
	plan_init(&j, p->nupserts);
	j.gen = in->gen + 1;
	j.now = (int64_t)time(NULL);
	build_on_missing(in->build, plan_missing, &j);
	int rc = source_begin(in->src);
	if (!rc) {
		rc = plan_build(in, p, &j);
	}
	if (!rc) {
		int64_t c0 = stats_mono_us();
		rc = source_commit(in->src);
		in->stats.commit_us += (uint64_t)(stats_mono_us() - c0);
	}
	if (rc < 0) {
		source_rollback(in->src);
		log_err("ingest.push", "stage=sqlite err=\"%s\"", err_str(rc));
		int lrc = load_vault(in); /* undo what the failed push did to the index */
		if (lrc < 0) {
			log_err("ingest.reload", "err=\"%s\"", err_str(lrc));
		}
		reply_error(reply, "push not stored: database error", NULL);
		build_on_missing(in->build, NULL, NULL);
		plan_fini(&j);
		return rc;
	}
	in->gen = j.gen;
	if (j.layouts.count) {
		int src = layouts_sweep(in->layouts, in->src);
		if (src < 0) {
			log_warn("ingest.layouts", "err=\"%s\"", err_str(src));
		}
	}
	reclaim_free(in); /* plan_build claimed them again */
	free(in->home);
	in->home = j.home ? xstrdup(j.home) : NULL;
	res->gen = j.gen;
	res->changed = j.changed.count;

	build_on_cached(in->build, plan_fragment, &j);
	rc = ingest_write_pages(in, j.urls.items, j.urls.count, j.gen, false, res);
	build_on_cached(in->build, NULL, NULL);
	build_on_missing(in->build, NULL, NULL);
	if (rc < 0) {
		log_err("ingest.push", "stage=lmdb gen=%" PRIu64 " err=\"%s\"", j.gen, err_str(rc));
		reply_error(reply, "push stored but pages not written; they will be repaired",
		            NULL);
		plan_fini(&j);
		return rc;
	}
	if (in->pub && in->lmdb_gen == j.gen) {
		int prc = publish_inval(in->pub, j.gen, j.urls.items, j.urls.count);
		if (prc < 0) {
			log_warn("ingest.publish", "gen=%" PRIu64 " err=\"%s\"", j.gen,
			         err_str(prc));
		}
	}
	for (size_t i = 0; i < j.nresults; i++) {
		struct vault_entry *e = vault_get(in->vault, j.results[i].path);
		j.results[i].url = e && e->url ? xstrdup(e->url) : NULL;
	}
	res->elapsed_ms = ms_since(&t0);
	reply_ok(reply, &j, res);
	log_info("push.done", "gen=%" PRIu64 " files=%zu changed=%zu rendered=%zu ms=%.1f", j.gen,
	         p->nupserts + p->ndeletes, res->changed, res->rendered, res->elapsed_ms);
	plan_fini(&j);
	return reply->err;
}

int
ingest_open(struct ingest **out, const struct config *c, struct publish *pub)
{
	*out = NULL;
	char path[4096];
	struct ingest *in = xcalloc(1, sizeof(*in));
	in->cfg = c;
	in->pub = pub;
	buf_init(&in->rec, 0);
	buf_init(&in->wrote, 0);
	int rc = config_path(c, "folio.db", path, sizeof(path));
	if (!rc) {
		rc = source_open(&in->src, path);
	}
	if (rc < 0) {
		log_err("ingest.open", "db=\"%s\" err=\"%s\"", path, err_str(rc));
		goto fail;
	}
	in->gen = source_meta_u64(in->src, "gen");
	struct buf home;
	buf_init(&home, 0);
	if (source_meta_get(in->src, "home", &home) == 0 && home.len) {
		in->home = xstrdup(buf_cstr(&home));
	}
	buf_fini(&home);
	rc = refold_keys(in);
	if (rc < 0) {
		log_err("ingest.refold", "err=\"%s\"", err_str(rc));
		goto fail;
	}
	rc = load_vault(in);
	if (rc < 0) {
		goto fail;
	}
	in->build = build_new(c, in->src, in->vault);
	if (!in->build) {
		rc = ERR_NOMEM;
		goto fail;
	}
	in->layouts = layouts_new();
	build_set_layouts(in->build, in->layouts);
	rc = recover_startup(in);
	if (rc < 0) {
		goto fail;
	}
	/* A changed home_note setting (or a vault fixed by hand) moves the home page. */
	const struct vault_entry *h = urls_home(in->vault, c->home_note);
	const char *hp = h ? h->path : NULL;
	bool reclaim = in->reclaim && in->reclaim->count;
	if (reclaim || !(hp == in->home || (hp && in->home && strcmp(hp, in->home) == 0)) ||
	    site_needs_seed(in)) {
		struct push empty = {0};
		struct buf reply;
		buf_init(&reply, 0);
		rc = ingest_push(in, &empty, &reply, NULL);
		buf_fini(&reply);
		if (rc < 0) {
			goto fail;
		}
	}
	log_info("ingest.open", "gen=%" PRIu64 " files=%zu notes=%zu", in->gen,
	         vault_count(in->vault), vault_notes(in->vault));
	*out = in;
	return 0;
fail:
	ingest_close(in);
	return rc;
}

void
ingest_close(struct ingest *in)
{
	if (!in) {
		return;
	}
	gzpool_close(in->gzpool);
	build_free(in->build);
	layouts_free(in->layouts);
	store_close(in->store);
	source_close(in->src);
	vault_free(in->vault);
	buf_fini(&in->rec);
	buf_fini(&in->wrote);
	reclaim_free(in);
	free(in->home);
	free(in);
}

int
ingest_last_pages(const struct ingest *in, ingest_page_fn *fn, void *arg)
{
	size_t at = 0;
	while (at + sizeof(uint32_t) < in->wrote.len) {
		uint32_t flags;
		memcpy(&flags, in->wrote.ptr + at, sizeof(flags));
		const char *url = (const char *)in->wrote.ptr + at + sizeof(flags);
		int rc = fn(arg, url, flags);
		if (rc) {
			return rc;
		}
		at += sizeof(flags) + strlen(url) + 1;
	}
	return 0;
}

int
ingest_rebuild(struct ingest *in, struct ingest_result *res)
{
	return recover_rebuild(in, res);
}

static int
file_json(void *arg, const char *path, const char *sha256, bool is_note)
{
	struct buf *out = arg;
	(void)is_note;
	buf_puts(out, out->ptr[out->len - 1] == '[' ? "{\"path\":" : ",{\"path\":");
	buf_put_json_str(out, path, strlen(path));
	buf_puts(out, ",\"sha256\":");
	buf_put_json_str(out, sha256, strlen(sha256));
	buf_putc(out, '}');
	return out->err;
}

int
ingest_files_json(struct ingest *in, struct buf *out)
{
	buf_puts(out, "{\"files\":[");
	int rc = out->err ? out->err : source_files_each(in->src, file_json, out);
	buf_puts(out, "]}");
	return rc ? rc : out->err;
}

int
ingest_status_json(struct ingest *in, struct buf *out)
{
	uint64_t last = source_meta_u64(in->src, "last_push");
	size_t notes = vault_notes(in->vault);
	buf_puts(out, "{\"generation\":");
	buf_put_u64(out, in->gen);
	buf_printf(out, ",\"notes\":%zu,\"assets\":%zu,\"last_push\":", notes,
	           vault_count(in->vault) - notes);
	if (last) {
		buf_put_u64(out, last);
	} else {
		buf_puts(out, "null");
	}
	buf_puts(out, ",\"version\":\"" FOLIO_VERSION "\"}");
	return out->err;
}

struct store *
ingest_store(struct ingest *in)
{
	return in->store;
}

struct source *
ingest_source(struct ingest *in)
{
	return in->src;
}

struct ingest_stats *
ingest_stats(struct ingest *in)
{
	return &in->stats;
}

void
ingest_stats_refresh(struct ingest *in)
{
	struct ingest_stats *st = &in->stats;
	struct store_info si;
	st->generation = in->gen;
	st->pages_rendered = build_rendered(in->build);
	build_times(in->build, &st->render_us, &st->compress_us);
	if (store_info(in->store, &si) == 0) {
		st->map_size = si.map_size;
		st->map_used = si.map_used;
	}
}

uint64_t
ingest_gen(const struct ingest *in)
{
	return in->gen;
}

uint64_t
ingest_store_gen(const struct ingest *in)
{
	return in->lmdb_gen;
}

void
ingest_test_skip_store_commit(struct ingest *in, int skip)
{
	in->skip_store_commit = skip != 0;
}

void
ingest_test_inline_gzip(struct ingest *in, int on)
{
	in->inline_gzip = on != 0;
}

void
ingest_test_hold_gzip_worker(struct ingest *in, int hold)
{
	in->hold_gzip = hold != 0;
}
