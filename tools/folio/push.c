/*
 * push.c: `folio push`. The order is walk, hash, ask, diff, send: nothing is sent until
 * every local file has been read and hashed, so a vault that cannot be read fully never
 * turns into deletions on the server. The push is one POST; ingestd applies all of it or
 * none of it and answers per file.
 */
#include "tools/folio/push.h"

#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "shared/err.h"
#include "shared/pushmsg.h"
#include "tools/folio/httpc.h"
#include "tools/folio/key.h"
#include "tools/folio/plan.h"
#include "tools/folio/walk.h"

#define PUSH_DEFAULT_SERVER "http://127.0.0.1:8081"

/* Throttled upload progress on stderr: a rewritten line on a TTY, an occasional line otherwise. */
struct push_progress {
	bool tty;
	bool printed;
	int64_t start_ms;
	int64_t last_ms;
};

static int64_t
push_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Formats a byte count for people ("512 B", "1.4 MB") into out[32]. */
static const char *
push_size(uint64_t n, char out[32])
{
	if (n < 1024) {
		snprintf(out, 32, "%llu B", (unsigned long long)n);
	} else if (n < 1024ull * 1024) {
		snprintf(out, 32, "%.1f KB", (double)n / 1024);
	} else if (n < 1024ull * 1024 * 1024) {
		snprintf(out, 32, "%.1f MB", (double)n / (1024 * 1024));
	} else {
		snprintf(out, 32, "%.2f GB", (double)n / (1024.0 * 1024 * 1024));
	}
	return out;
}

static void
push_on_progress(void *arg, uint64_t sent, uint64_t total)
{
	struct push_progress *pg = arg;
	int64_t now = push_now_ms();
	char a[32], b[32];

	// Quick uploads print nothing; a TTY gets 5 updates a second, a log one every 10 s.
	if (now - pg->start_ms < 500 || now - pg->last_ms < (pg->tty ? 200 : 10000)) {
		return;
	}
	pg->last_ms = now;
	pg->printed = true;
	unsigned pct = total ? (unsigned)(sent * 100 / total) : 0;
	if (pg->tty) {
		fprintf(stderr, "\ruploading %3u%% (%s of %s)", pct, push_size(sent, a),
		        push_size(total, b));
		if (sent == total) {
			fprintf(stderr, ", waiting for the server");
		}
		fprintf(stderr, "\033[K");
	} else {
		fprintf(stderr, "uploading %u%% (%s of %s)\n", pct, push_size(sent, a),
		        push_size(total, b));
	}
	fflush(stderr);
}

/*
 * Explains a non-2xx reply: the server's {"error", "details":[{path, error}]} when it sent
 * one, else the status and the start of the body.
 */
static void
push_report_http_error(const char *what, const struct httpc_resp *r, const char *server)
{
	json_t *root = json_loadb((const char *)r->body.ptr, r->body.len, 0, NULL);
	const char *msg = json_string_value(json_object_get(root, "error"));
	json_t *details = json_object_get(root, "details");

	if (r->status == 401 || r->status == 403) {
		fprintf(stderr,
		        "folio push: %s refused the API key (%ld%s%s): use the key of that server "
		        "(--data DIR, --key-file F, --key KEY or FOLIO_API_KEY)\n",
		        server, r->status, msg ? ": " : "", msg ? msg : "");
		goto done;
	}
	if (r->status == 413) {
		fprintf(stderr,
		        "folio push: the push is larger than %s accepts (413%s%s); raise max_body "
		        "(or max_file, max_files) in the server's config\n",
		        server, msg ? ": " : "", msg ? msg : "");
	} else if (msg) {
		fprintf(stderr, "folio push: %s failed (%ld): %s\n", what, r->status, msg);
	} else {
		int n = (int)(r->body.len < 200 ? r->body.len : 200);
		fprintf(stderr, "folio push: %s failed (HTTP %ld)%s%.*s\n", what, r->status,
		        n ? ": " : "", n, (const char *)r->body.ptr);
	}
	if (json_is_array(details)) {
		for (size_t i = 0; i < json_array_size(details); i++) {
			json_t *d = json_array_get(details, i);
			const char *path = json_string_value(json_object_get(d, "path"));
			const char *err = json_string_value(json_object_get(d, "error"));
			fprintf(stderr, "%s: %s\n", path ? path : "(request)", err ? err : "error");
		}
	}
done:
	json_decref(root);
}

static void
push_report_transport(const struct httpc *h, int rc)
{
	if (rc == ERR_CLOSED) {
		fprintf(stderr,
		        "folio push: cannot reach the folio API at %s: %s (is ingestd running?)\n",
		        httpc_base(h), httpc_error(h));
	} else {
		fprintf(stderr, "folio push: request to %s failed: %s\n", httpc_base(h),
		        httpc_error(h));
	}
}

/* Walks and hashes the vault. Returns 0 or 1 (already reported). */
static int
push_scan(const struct push_opts *o, struct walk *w)
{
	char err[512];
	uint64_t bytes = 0;
	char sz[32];

	if (walk_vault(o->vault, w, err, sizeof(err)) != 0) {
		fprintf(stderr, "folio push: %s\n", err);
		return 1;
	}
	for (size_t i = 0; i < w->nskipped; i++) {
		if (w->skipped[i].error) {
			fprintf(stderr, "folio push: %s: %s\n", w->skipped[i].path,
			        w->skipped[i].why);
		} else if (!o->quiet) {
			fprintf(stderr, "folio push: skipped %s: %s\n", w->skipped[i].path,
			        w->skipped[i].why);
		}
	}
	if (w->nerrors) {
		fprintf(stderr,
		        "folio push: %zu part(s) of the vault could not be read; nothing was "
		        "sent\n",
		        w->nerrors);
		return 1;
	}
	for (size_t i = 0; i < w->nfiles; i++) {
		bytes += w->files[i].size;
	}
	if (!o->quiet) {
		fprintf(stderr, "hashing %zu files (%s)\n", w->nfiles, push_size(bytes, sz));
	}
	for (size_t i = 0; i < w->nfiles; i++) {
		if (walk_hash(&w->files[i], w->files[i].sha256, err, sizeof(err)) != 0) {
			fprintf(stderr, "folio push: %s; nothing was sent\n", err);
			return 1;
		}
	}
	return 0;
}

/* Asks the server for its file list and builds the plan. Returns 0 or 1 (reported). */
static int
push_diff(const struct push_opts *o, struct httpc *h, const struct walk *w, struct plan *p)
{
	struct httpc_resp r;
	char err[512];
	int rc = httpc_get(h, "/api/v1/files", &r);

	if (rc != 0) {
		push_report_transport(h, rc);
		goto fail;
	}
	if (r.status != 200) {
		push_report_http_error("listing the server's files", &r, o->server);
		goto fail;
	}
	if (plan_parse_remote(p, buf_slice(&r.body), err, sizeof(err)) != 0) {
		fprintf(stderr, "folio push: %s\n", err);
		goto fail;
	}
	plan_build(p, w);
	httpc_resp_fini(&r);
	return 0;
fail:
	httpc_resp_fini(&r);
	return 1;
}

static void
push_print_plan(const struct plan *p)
{
	char sz[32];

	for (size_t i = 0; i < p->nupserts; i++) {
		printf("%s %s\n", p->upserts[i].is_new ? "new    " : "changed",
		       p->upserts[i].file->path);
	}
	for (size_t i = 0; i < p->ndeletes; i++) {
		printf("delete  %s\n", p->deletes[i]);
	}
	printf("would publish: %zu new, %zu changed, %zu deleted (%s to send)\n", p->nnew,
	       p->nchanged, p->ndeletes, push_size(p->upload_bytes, sz));
}

/* Encodes the push body. Returns 0 or 1 (reported). */
static int
push_encode(const struct plan *p, struct buf *body)
{
	struct pushmsg_writer wr;
	struct buf content;
	char err[512];
	int rc = 0;

	buf_init(&content, 0);
	// The writer counts what it is given; finish() checks the counts and frees its state.
	pushmsg_writer_begin(&wr, body, p->nupserts, p->ndeletes);
	for (size_t i = 0; i < p->nupserts && rc == 0; i++) {
		const struct walk_file *f = p->upserts[i].file;
		buf_reset(&content);
		if (walk_read(f, &content, err, sizeof(err)) != 0) {
			fprintf(stderr, "folio push: %s; nothing was sent\n", err);
			rc = 1;
			break;
		}
		pushmsg_writer_upsert(&wr, f->path, buf_slice(&content));
	}
	for (size_t i = 0; i < p->ndeletes && rc == 0; i++) {
		pushmsg_writer_delete(&wr, p->deletes[i]);
	}
	int frc = pushmsg_writer_finish(&wr);
	if (rc == 0 && (frc != 0 || body->err)) {
		fprintf(stderr, "folio push: cannot encode the request body: %s\n",
		        err_str(body->err ? body->err : frc));
		rc = 1;
	}
	buf_fini(&content);
	return rc;
}

/* Prints the 200 reply of a push: warnings, optionally each file, then the summary line. */
static int
push_report_ok(const struct push_opts *o, const struct plan *p, const struct httpc_resp *r,
               int64_t elapsed_ms)
{
	json_error_t jerr;
	json_t *root = json_loadb((const char *)r->body.ptr, r->body.len, 0, &jerr);
	json_t *files, *warnings;

	if (!json_is_object(root)) {
		fprintf(stderr,
		        "folio push: the server accepted the push but its reply is not JSON "
		        "(%s)\n",
		        root ? "not an object" : jerr.text);
		json_decref(root);
		return 1;
	}
	files = json_object_get(root, "files");
	for (size_t i = 0; i < json_array_size(files); i++) {
		json_t *f = json_array_get(files, i);
		const char *path = json_string_value(json_object_get(f, "path"));
		const char *url = json_string_value(json_object_get(f, "url"));
		if (o->verbose && !o->quiet) {
			printf("  %s -> %s\n", path ? path : "?", url ? url : "(not published)");
		}
		warnings = json_object_get(f, "warnings");
		for (size_t j = 0; j < json_array_size(warnings); j++) {
			const char *msg = json_string_value(json_array_get(warnings, j));
			if (msg && !o->quiet) {
				printf("%s: %s\n", path ? path : "?", msg);
			}
		}
	}
	json_t *del = json_object_get(root, "deleted");
	size_t ndel = json_is_array(del) ? json_array_size(del) : p->ndeletes;
	json_t *ms = json_object_get(root, "elapsed_ms");
	if (json_is_number(ms)) {
		elapsed_ms = (int64_t)json_number_value(ms);
	}
	if (!o->quiet) {
		printf("published: %zu new, %zu changed, %zu deleted, %lld rendered, generation "
		       "%lld (%lld ms)\n",
		       p->nnew, p->nchanged, ndel,
		       (long long)json_integer_value(json_object_get(root, "rendered")),
		       (long long)json_integer_value(json_object_get(root, "generation")),
		       (long long)elapsed_ms);
	}
	json_decref(root);
	return 0;
}

/* Sends the body and reports the outcome. Returns 0 or 1. */
static int
push_send(const struct push_opts *o, struct httpc *h, const struct plan *p, const struct buf *body,
          int64_t t0)
{
	struct push_progress pg = {
	        .tty = isatty(STDERR_FILENO) == 1,
	        .start_ms = push_now_ms(),
	};
	struct httpc_resp r;
	int rc = httpc_post(h, "/api/v1/push", "application/msgpack", buf_slice(body),
	                    o->quiet ? NULL : push_on_progress, &pg, &r);

	if (pg.printed && pg.tty) {
		fprintf(stderr, "\n");
	}
	if (rc != 0) {
		push_report_transport(h, rc);
		fprintf(stderr, "folio push: the push may or may not have been applied; run "
		                "folio push again to finish it\n");
		rc = 1;
	} else if (r.status != 200) {
		push_report_http_error("the push", &r, o->server);
		if (r.status >= 400 && r.status < 500) {
			fprintf(stderr, "folio push: nothing was changed on the server\n");
		}
		rc = 1;
	} else {
		rc = push_report_ok(o, p, &r, push_now_ms() - t0);
	}
	httpc_resp_fini(&r);
	return rc;
}

int
push_vault(const struct push_opts *o)
{
	struct walk w;
	struct plan p;
	struct httpc *h = NULL;
	struct buf body;
	int64_t t0 = push_now_ms();
	int rc = 1;

	memset(&w, 0, sizeof(w));
	plan_init(&p);
	buf_init(&body, 0);
	if (push_scan(o, &w) != 0) {
		goto fail;
	}
	if (httpc_new(&h, o->server, o->key, o->direct) != 0) {
		fprintf(stderr,
		        "folio push: bad server URL %s (want http://HOST:PORT or https://...)\n",
		        o->server);
		goto fail;
	}
	if (push_diff(o, h, &w, &p) != 0) {
		goto fail;
	}
	if (p.nupserts == 0 && p.ndeletes == 0) {
		if (!o->quiet) {
			printf("up to date (%zu files)\n", w.nfiles);
		}
		rc = 0;
		goto fail;
	}
	if (o->dry_run) {
		push_print_plan(&p);
		rc = 0;
		goto fail;
	}
	if (push_encode(&p, &body) != 0) {
		goto fail;
	}
	rc = push_send(o, h, &p, &body, t0);
fail:
	buf_fini(&body);
	httpc_free(h);
	plan_fini(&p);
	walk_fini(&w);
	return rc;
}

void
push_usage(FILE *out)
{
	fprintf(out,
	        "usage: folio push VAULT_DIR [options]\n"
	        "\n"
	        "Publishes a vault folder: sends new and changed files and deletes files that\n"
	        "are gone, in one atomic request. Dot-files and dot-folders (.obsidian, .git,\n"
	        ".trash) are left out, and symlinks are followed only inside the vault.\n"
	        "\n"
	        "options:\n"
	        "  --server URL     ingestd API (default " PUSH_DEFAULT_SERVER ")\n"
	        "  --key KEY        API key (else $FOLIO_API_KEY, else --key-file, else\n"
	        "                   DATA/api.key)\n"
	        "  --key-file F     read the API key from F\n"
	        "  --data DIR       the server's data folder, for DIR/api.key (default ./var)\n"
	        "  --dry-run        list what would be sent, send nothing\n"
	        "  -q, --quiet      print only errors\n"
	        "  -v, --verbose    list each published file with its URL\n"
	        "  -h, --help       show this help\n"
	        "\n"
	        "Exit status: 0 published or up to date, 1 failed, 2 bad usage.\n");
}

int
push_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"server", required_argument, NULL, 's'},
	        {"key", required_argument, NULL, 'k'},
	        {"key-file", required_argument, NULL, 'f'},
	        {"data", required_argument, NULL, 'd'},
	        {"dry-run", no_argument, NULL, 'n'},
	        {"quiet", no_argument, NULL, 'q'},
	        {"verbose", no_argument, NULL, 'v'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct push_opts o = {.server = PUSH_DEFAULT_SERVER};
	struct key_sources ks = {.env = getenv("FOLIO_API_KEY")};
	char key[KEY_MAX + 1], err[512];
	const char *from;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o.server = optarg;
			break;
		case 'k':
			ks.key = optarg;
			break;
		case 'f':
			ks.key_file = optarg;
			break;
		case 'd':
			ks.data_dir = optarg;
			break;
		case 'n':
			o.dry_run = true;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'h':
			push_usage(stdout);
			return 0;
		default:
			fprintf(stderr, "see: folio help push\n");
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "folio push: %s\nsee: folio help push\n",
		        optind == argc ? "which vault? give its folder: folio push VAULT_DIR"
		                       : "give exactly one vault folder");
		return 2;
	}
	o.vault = argv[optind];
	rc = key_resolve(&ks, key, sizeof(key), &from, err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "folio push: %s\n", err);
		return 1;
	}
	o.key = key;
	rc = push_vault(&o);
	explicit_bzero(key, sizeof(key));
	return rc;
}
