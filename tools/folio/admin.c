/*
 * admin.c: `folio check` and `folio rebuild` (contract in admin.h). ingestd does the work;
 * this file finds the key, asks, waits as long as the work takes (no overall timeout: a
 * large vault takes a while, and ingestd logs its progress), and prints the reply for
 * people or, with --json, as it came.
 */
#include "tools/folio/admin.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "shared/err.h"
#include "tools/folio/httpc.h"
#include "tools/folio/key.h"

#define ADMIN_DEFAULT_SERVER "http://127.0.0.1:8081"
#define ADMIN_SHOWN          50 /* problems printed; --json has every listed one */

struct admin_opts {
	const char *cmd; /* "check" or "rebuild" */
	const char *server;
	bool json;
	bool quiet;
	char key[KEY_MAX + 1];
};

/* Parses the options both commands share. Returns 0, or the exit status to stop with. */
static int
admin_parse(int argc, char **argv, struct admin_opts *o, void (*usage)(FILE *))
{
	static const struct option longopts[] = {
	        {"server", required_argument, NULL, 's'},   {"key", required_argument, NULL, 'k'},
	        {"key-file", required_argument, NULL, 'f'}, {"data", required_argument, NULL, 'd'},
	        {"json", no_argument, NULL, 'j'},           {"quiet", no_argument, NULL, 'q'},
	        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
	};
	struct key_sources ks = {.env = getenv("FOLIO_API_KEY")};
	const char *from;
	char err[512];
	int c;

	o->server = ADMIN_DEFAULT_SERVER;
	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->server = optarg;
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
		case 'j':
			o->json = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			fprintf(stderr, "see: folio help %s\n", o->cmd);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "folio %s: unexpected argument %s\nsee: folio help %s\n", o->cmd,
		        argv[optind], o->cmd);
		return 2;
	}
	if (key_resolve(&ks, o->key, sizeof(o->key), &from, err, sizeof(err)) != 0) {
		fprintf(stderr, "folio %s: %s\n", o->cmd, err);
		return 1;
	}
	return 0;
}

/*
 * Sends the request. Returns 0 with the parsed 200 reply in *root (caller decrefs), or 1
 * after explaining on stderr why there is none.
 */
static int
admin_call(struct admin_opts *o, bool post, const char *path, struct httpc_resp *r, json_t **root)
{
	struct httpc *h = NULL;
	*root = NULL;
	memset(r, 0, sizeof(*r));
	if (httpc_new(&h, o->server, o->key, false) != 0) {
		fprintf(stderr,
		        "folio %s: bad server URL %s (want http://HOST:PORT or https://...)\n",
		        o->cmd, o->server);
		return 1;
	}
	httpc_set_timeouts(h, 0, 0);
	int rc = post ? httpc_post(h, path, "application/json", SLICE_LIT(""), NULL, NULL, r)
	              : httpc_get(h, path, r);
	explicit_bzero(o->key, sizeof(o->key));
	if (rc != 0) {
		fprintf(stderr, "folio %s: %s %s: %s\n", o->cmd,
		        rc == ERR_CLOSED ? "cannot reach ingestd at" : "request to", o->server,
		        httpc_error(h));
		httpc_free(h);
		return 1;
	}
	httpc_free(h);
	json_error_t jerr;
	*root = json_loadb((const char *)r->body.ptr, r->body.len, 0, &jerr);
	const char *msg = json_string_value(json_object_get(*root, "error"));
	if (r->status == 401 || r->status == 403) {
		fprintf(stderr,
		        "folio %s: %s refused the API key: use the key of that server (--data DIR, "
		        "--key-file F, --key KEY or FOLIO_API_KEY)\n",
		        o->cmd, o->server);
	} else if (r->status == 404) {
		fprintf(stderr, "folio %s: %s has no %s: is it an older ingestd?\n", o->cmd,
		        o->server, path);
	} else if (r->status != 200) {
		fprintf(stderr, "folio %s: ingestd answered %ld: %s\n", o->cmd, r->status,
		        msg ? msg : "(no message)");
	} else if (!json_is_object(*root)) {
		fprintf(stderr, "folio %s: the reply is not JSON (%s)\n", o->cmd, jerr.text);
	} else {
		return 0;
	}
	json_decref(*root);
	*root = NULL;
	return 1;
}

static uint64_t
admin_u64(json_t *root, const char *name)
{
	json_int_t v = json_integer_value(json_object_get(root, name));
	return v > 0 ? (uint64_t)v : 0;
}

static double
admin_secs(json_t *root)
{
	return json_number_value(json_object_get(root, "elapsed_ms")) / 1000.0;
}

/* Prints the check's problems and summary; returns the exit status. */
static int
admin_print_check(const struct admin_opts *o, json_t *root)
{
	uint64_t problems = admin_u64(root, "problems");
	uint64_t expected = admin_u64(root, "expected");
	uint64_t db_gen = admin_u64(root, "generation");
	uint64_t store_gen = admin_u64(root, "store_generation");
	if (problems == 0) {
		if (!o->quiet) {
			printf("ok: %llu pages match the database (generation %llu, %.1f s)\n",
			       (unsigned long long)expected, (unsigned long long)db_gen,
			       admin_secs(root));
		}
		return 0;
	}
	json_t *listed = json_object_get(root, "listed");
	size_t n = json_array_size(listed);
	for (size_t i = 0; i < n && i < ADMIN_SHOWN; i++) {
		json_t *p = json_array_get(listed, i);
		const char *url = json_string_value(json_object_get(p, "url"));
		const char *kind = json_string_value(json_object_get(p, "problem"));
		const char *detail = json_string_value(json_object_get(p, "detail"));
		printf("%s: %s: %s\n", url ? url : "(store)", kind ? kind : "?",
		       detail ? detail : "");
	}
	if (problems > ADMIN_SHOWN) {
		printf("... and %llu more (folio check --json lists up to 1000; ingestd's log has "
		       "the first ones)\n",
		       (unsigned long long)(problems - ADMIN_SHOWN));
	}
	printf("check: %llu problem%s in %llu pages (", (unsigned long long)problems,
	       problems == 1 ? "" : "s", (unsigned long long)expected);
	const char *k;
	json_t *v;
	bool first = true;
	json_object_foreach(json_object_get(root, "counts"), k, v)
	{
		if (json_integer_value(v) > 0) {
			printf("%s%lld %s", first ? "" : ", ", (long long)json_integer_value(v), k);
			first = false;
		}
	}
	printf("); database at generation %llu, store at %llu\n", (unsigned long long)db_gen,
	       (unsigned long long)store_gen);
	printf("to repair: folio rebuild --server %s (the fronts keep serving meanwhile)\n",
	       o->server);
	return 1;
}

int
admin_check_main(int argc, char **argv)
{
	struct admin_opts o = {.cmd = "check"};
	int rc = admin_parse(argc, argv, &o, admin_check_usage);
	if (rc) {
		return rc < 0 ? 0 : rc;
	}
	struct httpc_resp r;
	json_t *root;
	rc = admin_call(&o, false, "/api/v1/check", &r, &root);
	if (rc == 0) {
		if (o.json) {
			fwrite(r.body.ptr, 1, r.body.len, stdout);
			rc = json_is_true(json_object_get(root, "ok")) ? 0 : 1;
		} else {
			rc = admin_print_check(&o, root);
		}
	}
	json_decref(root);
	httpc_resp_fini(&r);
	return rc;
}

int
admin_rebuild_main(int argc, char **argv)
{
	struct admin_opts o = {.cmd = "rebuild"};
	int rc = admin_parse(argc, argv, &o, admin_rebuild_usage);
	if (rc) {
		return rc < 0 ? 0 : rc;
	}
	struct httpc_resp r;
	json_t *root;
	rc = admin_call(&o, true, "/api/v1/rebuild", &r, &root);
	if (rc == 0) {
		if (o.json) {
			fwrite(r.body.ptr, 1, r.body.len, stdout);
		} else if (!o.quiet) {
			printf("rebuilt %llu pages (%llu notes rendered) as generation %llu in "
			       "%.1f s\n",
			       (unsigned long long)admin_u64(root, "pages"),
			       (unsigned long long)admin_u64(root, "rendered"),
			       (unsigned long long)admin_u64(root, "generation"), admin_secs(root));
		}
	}
	json_decref(root);
	httpc_resp_fini(&r);
	return rc;
}

static void
admin_options(FILE *out)
{
	fprintf(out,
	        "options:\n"
	        "  --server URL     ingestd API (default " ADMIN_DEFAULT_SERVER ")\n"
	        "  --key KEY        API key (else $FOLIO_API_KEY, else --key-file, else\n"
	        "                   DATA/api.key)\n"
	        "  --key-file F     read the API key from F\n"
	        "  --data DIR       the server's data folder, for DIR/api.key (default ./var)\n"
	        "  --json           print ingestd's JSON reply as it came\n"
	        "  -q, --quiet      print only problems and errors\n"
	        "  -h, --help       show this help\n");
}

void
admin_check_usage(FILE *out)
{
	fprintf(out,
	        "usage: folio check [options]\n"
	        "\n"
	        "Verifies the page store (LMDB) against the database (SQLite): every page the\n"
	        "database publishes has a record, no record is left for a deleted or unpublished\n"
	        "note, and each record (notes, files, redirects, site pages) is what a fresh\n"
	        "build from the database gives, gzip body included. Reads only; pushes wait\n"
	        "while it runs, readers do not. Problems are listed one per line.\n"
	        "\n");
	admin_options(out);
	fprintf(out, "\nExit status: 0 the store matches, 1 problems found or the check failed,\n"
	             "2 bad usage.\n");
}

void
admin_rebuild_usage(FILE *out)
{
	fprintf(out,
	        "usage: folio rebuild [options]\n"
	        "\n"
	        "Rewrites the page store (LMDB) from the database (SQLite) in one transaction,\n"
	        "under a new generation. The fronts keep serving the old pages until it commits,\n"
	        "then the new ones; pushes wait while it runs. Repairs what folio check finds.\n"
	        "\n");
	admin_options(out);
	fprintf(out, "\nExit status: 0 rebuilt, 1 failed (nothing changed), 2 bad usage.\n");
}
