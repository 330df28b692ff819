/*
 * check.c: the page store against the source of truth (contract in check.h).
 *
 * A check reads one SQLite snapshot and one LMDB snapshot (nothing writes either while it
 * runs: ingestd serves one request at a time) and builds every page again from SQLite into
 * a scratch buffer, exactly as a push would, to compare it with the stored record: status,
 * flags, ETag, identity body, redirect target, access groups, and the header lines except
 * on redirects and site pages (their Last-Modified is when ingestd started).
 *
 * The gzip body is not compressed again: that was half the work of a check, and another
 * zlib build may compress differently. The fresh record takes the stored gzip body as its
 * own (build_give_gzip), so everything else can match byte for byte, and the stored body
 * is inflated and compared with the identity body instead.
 */
#include "ingestd/check.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ingestd/build.h"
#include "ingestd/ingest_impl.h"
#include "ingestd/publish.h"
#include "ingestd/source.h"
#include "ingestd/strset.h"
#include "ingestd/urls.h"
#include "ingestd/vault.h"
#include "renderer/compress.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/log.h"
#include "shared/pagefmt.h"
#include "shared/store.h"

#define CHECK_PROGRESS_MS 2000 /* long checks log how far they got this often */
#define CHECK_LOGGED      20   /* problems also written to the log, besides the reply */
#define CHECK_KEY_MAX     512  /* LMDB keys are at most 511 bytes */

static const char *const check_names[CHECK_KINDS] = {
        [CHECK_MISSING] = "missing",
        [CHECK_EXTRA] = "extra",
        [CHECK_STALE] = "stale",
        [CHECK_CORRUPT] = "corrupt",
        [CHECK_UNBUILDABLE] = "unbuildable",
        [CHECK_GENERATION] = "generation",
        [CHECK_INDEX] = "index",
};

const char *
check_problem_name(enum check_problem k)
{
	return k < CHECK_KINDS ? check_names[k] : "unknown";
}

/* One page row SQLite has, by index in the expected set. */
struct check_page {
	char *path; /* vault path, NULL for site pages without a row */
	int kind;   /* enum urls_kind, or -1 for a site page without a row */
	bool seen;  /* the store holds a record for it */
};

struct check_ctx {
	struct ingest *in;
	struct check_report *rep;
	struct strset expected; /* every URL the store must hold */
	struct check_page *pages;
	size_t cap;
	struct buf listed; /* the JSON objects of listed problems, comma-separated */
	struct buf fresh;  /* the record built from SQLite for the page being checked */
	char key[CHECK_KEY_MAX + 1];
	int64_t t0, logged_at;
};

static int64_t
check_now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* True if s is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF). */
static bool
check_utf8(const uint8_t *s)
{
	while (*s) {
		uint8_t c = *s;
		size_t n = c < 0x80                ? 0
		           : c >= 0xc2 && c < 0xe0 ? 1
		           : c >= 0xe0 && c < 0xf0 ? 2
		           : c >= 0xf0 && c < 0xf5 ? 3
		                                   : 4;
		if (n == 4) {
			return false;
		}
		uint32_t cp = n == 0 ? c : c & (0x3f >> n);
		for (size_t i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80) {
				return false;
			}
			cp = cp << 6 | (s[i] & 0x3f);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff))) {
			return false;
		}
		s += n + 1;
	}
	return true;
}

/*
 * Makes text from the store safe to show: control bytes become '?', and so does every
 * non-ASCII byte unless the whole is valid UTF-8 (a damaged key may be anything). With
 * for_log, quotes and backslashes become ' too, so a log value stays one field.
 */
static void
check_clean(char *s, bool for_log)
{
	bool utf8 = check_utf8((const uint8_t *)s);
	for (uint8_t *p = (uint8_t *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || (*p >= 0x80 && !utf8)) {
			*p = '?';
		} else if (for_log && (*p == '"' || *p == '\\')) {
			*p = '\'';
		}
	}
}

/* Records a problem: counted always, listed in the reply up to CHECK_MAX_LISTED. */
static void __attribute__((format(printf, 5, 6)))
check_problem(struct check_ctx *x, enum check_problem kind, const char *url, const char *path,
              const char *fmt, ...)
{
	char detail[600], where[CHECK_KEY_MAX + 1];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	check_clean(detail, false);
	if (url) {
		snprintf(where, sizeof(where), "%s", url);
		check_clean(where, false);
		url = where;
	}
	struct check_report *rep = x->rep;
	if (rep->problems < CHECK_LOGGED) {
		char lurl[CHECK_KEY_MAX + 1], ldetail[sizeof(detail)];
		snprintf(lurl, sizeof(lurl), "%s", url ? url : "");
		snprintf(ldetail, sizeof(ldetail), "%s", detail);
		check_clean(lurl, true);
		check_clean(ldetail, true);
		log_warn("check.problem", "problem=%s url=\"%s\" detail=\"%s\"", check_names[kind],
		         lurl, ldetail);
	}
	if (rep->problems < CHECK_MAX_LISTED) {
		struct buf *b = &x->listed;
		buf_puts(b, rep->problems ? ",{\"problem\":\"" : "{\"problem\":\"");
		buf_puts(b, check_names[kind]);
		buf_puts(b, "\",\"url\":");
		if (url) {
			buf_put_json_str(b, url, strlen(url));
		} else {
			buf_puts(b, "null");
		}
		buf_puts(b, ",\"path\":");
		if (path) {
			buf_put_json_str(b, path, strlen(path));
		} else {
			buf_puts(b, "null");
		}
		buf_puts(b, ",\"detail\":");
		buf_put_json_str(b, detail, strlen(detail));
		buf_putc(b, '}');
	}
	rep->problems++;
	rep->by_kind[kind]++;
}

/* Adds url to the expected set; returns its entry (the first one if it came twice). */
static struct check_page *
check_expect(struct check_ctx *x, const char *url)
{
	if (strset_add(&x->expected, url)) {
		if (x->expected.count > x->cap) {
			size_t old = x->cap;
			x->cap = MAX(x->cap * 2, 256);
			x->pages = xrealloc(x->pages, x->cap * sizeof(*x->pages));
			memset(x->pages + old, 0, (x->cap - old) * sizeof(*x->pages));
		}
		struct check_page *p = &x->pages[x->expected.count - 1];
		p->kind = -1;
		return p;
	}
	return &x->pages[strset_index(&x->expected, url)];
}

static int
check_add_row(void *arg, const struct source_page *row)
{
	struct check_ctx *x = arg;
	struct check_page *p = check_expect(x, row->url);
	if (!p->path) {
		p->path = xstrdup(row->path);
		p->kind = row->kind;
	}
	return 0;
}

/* --- one record ---------------------------------------------------------------------------- */

static const char *
check_kind_name(int kind)
{
	switch (kind) {
	case URLS_NOTE:
		return "note page";
	case URLS_ASSET:
		return "file";
	case URLS_NOTFOUND:
		return "not-found page";
	case URLS_REDIRECT:
		return "redirect";
	default:
		return "site page";
	}
}

/*
 * Compares a stored record with the one built from SQLite. Returns NULL when they agree,
 * else a description of the first difference in why[cap].
 */
static const char *
check_compare(const struct page_view *have, const struct page_view *want, char *why, size_t cap)
{
	if (have->status != want->status) {
		snprintf(why, cap, "status %u in the store, %u from the database", have->status,
		         want->status);
	} else if (have->flags != want->flags) {
		snprintf(why, cap, "flags 0x%x in the store, 0x%x from the database", have->flags,
		         want->flags);
	} else if (!slice_eq(have->sec[PAGE_SEC_ETAG], want->sec[PAGE_SEC_ETAG])) {
		snprintf(why, cap, "ETag %.*s in the store, %.*s from the database",
		         (int)MIN(have->sec[PAGE_SEC_ETAG].len, 80),
		         (const char *)have->sec[PAGE_SEC_ETAG].ptr,
		         (int)MIN(want->sec[PAGE_SEC_ETAG].len, 80),
		         (const char *)want->sec[PAGE_SEC_ETAG].ptr);
	} else if (!slice_eq(have->sec[PAGE_SEC_BODY_IDENT], want->sec[PAGE_SEC_BODY_IDENT])) {
		snprintf(why, cap, "body differs (%zu bytes in the store, %zu from the database)",
		         have->sec[PAGE_SEC_BODY_IDENT].len, want->sec[PAGE_SEC_BODY_IDENT].len);
	} else if (!slice_eq(have->sec[PAGE_SEC_LOCATION], want->sec[PAGE_SEC_LOCATION])) {
		snprintf(why, cap, "redirect to %.*s in the store, to %.*s from the database",
		         (int)MIN(have->sec[PAGE_SEC_LOCATION].len, 200),
		         (const char *)have->sec[PAGE_SEC_LOCATION].ptr,
		         (int)MIN(want->sec[PAGE_SEC_LOCATION].len, 200),
		         (const char *)want->sec[PAGE_SEC_LOCATION].ptr);
	} else if (!slice_eq(have->sec[PAGE_SEC_GROUPS], want->sec[PAGE_SEC_GROUPS])) {
		snprintf(why, cap, "access groups differ");
	} else if (!(want->flags & (PAGE_REDIRECT | PAGE_SPECIAL)) &&
	           (have->mtime != want->mtime ||
	            !slice_eq(have->sec[PAGE_SEC_HDR_IDENT], want->sec[PAGE_SEC_HDR_IDENT]) ||
	            !slice_eq(have->sec[PAGE_SEC_HDR_GZIP], want->sec[PAGE_SEC_HDR_GZIP]) ||
	            !slice_eq(have->sec[PAGE_SEC_HDR_304], want->sec[PAGE_SEC_HDR_304]))) {
		snprintf(why, cap, "header lines differ");
	} else {
		return NULL;
	}
	return why;
}

/* The gzip body, if any, must inflate to exactly the identity body. */
static int
check_gzip(const struct page_view *have, char *why, size_t cap)
{
	if (!(have->flags & PAGE_GZIP)) {
		return 0;
	}
	int rc = compress_gunzip_equal(have->sec[PAGE_SEC_BODY_GZIP],
	                               have->sec[PAGE_SEC_BODY_IDENT]);
	if (rc == ERR_CORRUPT) {
		snprintf(why, cap, "gzip body does not inflate to the identity body");
	}
	return rc;
}

static void
check_progress(struct check_ctx *x)
{
	int64_t now = check_now_ms();
	if (now - x->logged_at >= CHECK_PROGRESS_MS) {
		x->logged_at = now;
		log_info("check.progress", "records=%zu expected=%zu problems=%zu", x->rep->records,
		         x->rep->expected, x->rep->problems);
	}
}

/* store_each callback: one stored record against SQLite. Returns 0 or a fatal ERR_*. */
static int
check_record(void *arg, struct slice key, struct slice val)
{
	struct check_ctx *x = arg;
	struct check_report *rep = x->rep;
	char why[400];
	rep->records++;
	if ((rep->records & 63) == 0) {
		check_progress(x);
	}
	/* Keys are URL paths; anything else is a record no page row can name. */
	size_t n = MIN(key.len, CHECK_KEY_MAX);
	memcpy(x->key, key.ptr, n);
	x->key[n] = '\0';
	struct page_view have;
	int drc = page_decode(val, &have);
	long idx = memchr(key.ptr, 0, key.len) ? -1 : strset_index(&x->expected, x->key);
	if (idx < 0) {
		if (drc) {
			check_problem(x, CHECK_EXTRA, x->key, NULL,
			              "a record (%zu bytes, %s) the database has no page for",
			              val.len, err_str(drc));
		} else {
			check_problem(x, CHECK_EXTRA, x->key, NULL,
			              "a record (status %u, generation %" PRIu64
			              ") the database has no page for",
			              have.status, have.gen);
		}
		return 0;
	}
	struct check_page *p = &x->pages[idx];
	p->seen = true;
	if (drc) {
		check_problem(x, CHECK_CORRUPT, x->key, p->path,
		              "the %s record fails its checks: %s", check_kind_name(p->kind),
		              err_str(drc));
		return 0;
	}
	if (have.gen > rep->store_gen) {
		check_problem(x, CHECK_GENERATION, x->key, p->path,
		              "written by generation %" PRIu64 ", above the store's %" PRIu64,
		              have.gen, rep->store_gen);
	}

	/* The record a push of this generation would write now, with the stored gzip body. */
	struct slice gz =
	        have.flags & PAGE_GZIP ? have.sec[PAGE_SEC_BODY_GZIP] : (struct slice){NULL, 0};
	build_give_gzip(x->in->build, &gz);
	buf_reset(&x->fresh);
	bool del = false;
	int rc = build_url(x->in->build, x->key, have.gen, &x->fresh, &del);
	build_give_gzip(x->in->build, NULL);
	if (rc == ERR_CORRUPT || rc == ERR_TOOBIG || rc == ERR_PROTO || rc == ERR_INVAL) {
		check_problem(x, CHECK_UNBUILDABLE, x->key, p->path,
		              "the %s cannot be built from the database: %s",
		              check_kind_name(p->kind), err_str(rc));
		return 0;
	}
	if (rc < 0) {
		return rc;
	}
	struct page_view want;
	if (del || page_decode(buf_slice(&x->fresh), &want) < 0) {
		check_problem(x, CHECK_UNBUILDABLE, x->key, p->path,
		              "the database builds no record for this %s",
		              check_kind_name(p->kind));
		return 0;
	}
	if (check_compare(&have, &want, why, sizeof(why))) {
		check_problem(x, CHECK_STALE, x->key, p->path,
		              "%s (written by generation %" PRIu64 ")", why, have.gen);
		return 0;
	}
	rc = check_gzip(&have, why, sizeof(why));
	if (rc == ERR_CORRUPT) {
		check_problem(x, CHECK_CORRUPT, x->key, p->path, "%s", why);
		return 0;
	}
	if (rc < 0) {
		return rc;
	}
	rep->matched++;
	return 0;
}

/* --- the index ----------------------------------------------------------------------------- */

/* Each file the index says holds a page must own that page's row, and be published. */
static int
check_entry(void *arg, const struct vault_entry *e)
{
	struct check_ctx *x = arg;
	if (!e->url) {
		return 0;
	}
	long idx = strset_index(&x->expected, e->url);
	const struct check_page *p = idx < 0 ? NULL : &x->pages[idx];
	if (!p || !p->path) {
		check_problem(x, CHECK_INDEX, e->url, e->path,
		              "the file holds this URL but the pages table has no row for it");
	} else if (strcmp(p->path, e->path) != 0) {
		check_problem(x, CHECK_INDEX, e->url, e->path,
		              "the file holds this URL but the pages table gives it to %s",
		              p->path);
	} else if (e->is_note && !e->published) {
		check_problem(x, CHECK_INDEX, e->url, e->path, "an unpublished note holds a page");
	}
	return 0;
}

/* Each note or file row must name a stored file that holds its URL. */
static void
check_rows(struct check_ctx *x)
{
	for (size_t i = 0; i < x->expected.count; i++) {
		const struct check_page *p = &x->pages[i];
		if (p->kind != URLS_NOTE && p->kind != URLS_ASSET) {
			continue;
		}
		const char *url = x->expected.items[i];
		const struct vault_entry *e = vault_get(x->in->vault, p->path);
		if (!e) {
			check_problem(x, CHECK_INDEX, url, p->path,
			              "the pages table names a file the database does not hold");
		} else if (!e->url || strcmp(e->url, url) != 0) {
			check_problem(x, CHECK_INDEX, url, p->path,
			              "the pages table gives this URL to the file, which holds %s",
			              e->url ? e->url : "none");
		}
	}
}

/* --- entry points -------------------------------------------------------------------------- */

static void
check_reply(const struct check_ctx *x, struct buf *out)
{
	const struct check_report *rep = x->rep;
	buf_printf(out, "{\"ok\":%s,\"generation\":", rep->problems ? "false" : "true");
	buf_put_u64(out, rep->db_gen);
	buf_puts(out, ",\"store_generation\":");
	buf_put_u64(out, rep->store_gen);
	buf_printf(out, ",\"expected\":%zu,\"records\":%zu,\"matched\":%zu,\"problems\":%zu",
	           rep->expected, rep->records, rep->matched, rep->problems);
	buf_puts(out, ",\"counts\":{");
	for (int k = 0; k < CHECK_KINDS; k++) {
		buf_printf(out, "%s\"%s\":%zu", k ? "," : "", check_names[k], rep->by_kind[k]);
	}
	buf_puts(out, "},\"listed\":[");
	buf_put_slice(out, buf_slice(&x->listed));
	buf_printf(out, "],\"truncated\":%s,\"elapsed_ms\":%.3f}",
	           rep->problems > CHECK_MAX_LISTED ? "true" : "false", rep->elapsed_ms);
}

/* The walk over both snapshots; fills x->rep. Returns 0 or a fatal ERR_*. */
static int
check_walk(struct check_ctx *x)
{
	struct ingest *in = x->in;
	struct check_report *rep = x->rep;
	int rc = source_pages_each(in->src, check_add_row, x);
	if (rc < 0) {
		return rc;
	}
	struct strset specials;
	strset_init(&specials);
	recover_specials(in, &specials);
	for (size_t i = 0; i < specials.count; i++) {
		check_expect(x, specials.items[i]);
	}
	strset_fini(&specials);
	rep->expected = x->expected.count;

	rc = store_read_begin(in->store);
	if (rc < 0) {
		return rc;
	}
	rep->store_gen = store_read_gen(in->store);
	/* store_each keeps the snapshot just begun (nothing commits meanwhile) and ends it. */
	rc = store_each(in->store, check_record, x);
	store_read_end(in->store);
	if (rc < 0) {
		return rc;
	}
	for (size_t i = 0; i < x->expected.count; i++) {
		const struct check_page *p = &x->pages[i];
		if (!p->seen) {
			check_problem(x, CHECK_MISSING, x->expected.items[i], p->path,
			              "the store holds no record for this %s",
			              check_kind_name(p->kind));
		}
	}
	if (rep->store_gen != rep->db_gen) {
		check_problem(x, CHECK_GENERATION, NULL, NULL,
		              "the store is at generation %" PRIu64 ", the database at %" PRIu64
		              ": pages of a push were not written (the next push, a restart or "
		              "folio rebuild repairs it)",
		              rep->store_gen, rep->db_gen);
	}
	if (source_meta_u64(in->src, "rebuild")) {
		check_problem(x, CHECK_GENERATION, NULL, NULL,
		              "a rebuild did not finish (a restart or folio rebuild completes it)");
	}
	vault_each(in->vault, check_entry, x);
	check_rows(x);
	return 0;
}

int
check_run(struct ingest *in, struct buf *out, struct check_report *rep)
{
	struct check_report local = {0};
	rep = rep ? rep : &local;
	memset(rep, 0, sizeof(*rep));
	struct check_ctx x = {.in = in, .rep = rep};
	strset_init(&x.expected);
	buf_init(&x.listed, 0);
	buf_init(&x.fresh, 0);
	x.t0 = x.logged_at = check_now_ms();
	rep->db_gen = in->gen;
	log_info("check.start", "gen=%" PRIu64 " store_gen=%" PRIu64, in->gen, in->lmdb_gen);

	/* One SQLite snapshot for the whole walk; LMDB gets its own in check_walk. */
	int rc = source_read_begin(in->src);
	if (rc == 0) {
		rc = check_walk(&x);
		source_read_end(in->src);
	}
	rep->elapsed_ms = (double)(check_now_ms() - x.t0);
	if (rc < 0) {
		log_err("check.fail", "records=%zu err=\"%s\"", rep->records, err_str(rc));
	} else {
		log_info("check.done",
		         "gen=%" PRIu64
		         " expected=%zu records=%zu matched=%zu problems=%zu ms=%.0f",
		         rep->db_gen, rep->expected, rep->records, rep->matched, rep->problems,
		         rep->elapsed_ms);
		check_reply(&x, out);
		rc = out->err;
	}
	for (size_t i = 0; i < x.expected.count; i++) {
		free(x.pages[i].path);
	}
	free(x.pages);
	strset_fini(&x.expected);
	buf_fini(&x.listed);
	buf_fini(&x.fresh);
	return rc;
}

int
check_rebuild(struct ingest *in, struct buf *out)
{
	struct ingest_result res = {0};
	int64_t t0 = check_now_ms();
	log_info("rebuild.start", "gen=%" PRIu64 " store_gen=%" PRIu64, in->gen, in->lmdb_gen);
	int rc = ingest_rebuild(in, &res);
	res.elapsed_ms = (double)(check_now_ms() - t0);
	if (rc < 0) {
		log_err("rebuild.fail", "err=\"%s\" ms=%.0f", err_str(rc), res.elapsed_ms);
		return rc;
	}
	/* No page list: a rebuild rewrites every page, but a page only changes when the store
	 * had it wrong; fronts learn the new generation, and live pages keep their ETags. */
	if (in->pub) {
		int prc = publish_inval(in->pub, res.gen, NULL, 0);
		if (prc < 0) {
			log_warn("rebuild.publish", "gen=%" PRIu64 " err=\"%s\"", res.gen,
			         err_str(prc));
		}
	}
	log_info("rebuild.done", "gen=%" PRIu64 " pages=%zu rendered=%zu ms=%.0f", res.gen,
	         res.written, res.rendered, res.elapsed_ms);
	buf_puts(out, "{\"generation\":");
	buf_put_u64(out, res.gen);
	buf_printf(out, ",\"pages\":%zu,\"rendered\":%zu,\"elapsed_ms\":%.3f}", res.written,
	           res.rendered, res.elapsed_ms);
	return out->err;
}
