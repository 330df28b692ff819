/*
 * views.c: `folio views` (contract in views.h). The server validates the query (dates,
 * ranges) and explains what it refuses; this file only builds the request, finds the key
 * and lays the answer out for people.
 */
#include "tools/folio/views.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "shared/err.h"
#include "tools/folio/httpc.h"
#include "tools/folio/key.h"

#define VIEWS_DEFAULT_SERVER "http://127.0.0.1:8081"
#define VIEWS_TIMEOUT_MS     60000

struct views_opts {
	const char *server;
	const char *since;
	const char *path;
	unsigned long top;
	bool json;
	char key[KEY_MAX + 1];
};

/* Appends s percent-encoded: all but RFC 3986 unreserved characters and '/'. */
static void
views_put_escaped(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const char *p = s; *p; p++) {
		uint8_t c = (uint8_t)*p;
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
		            c == '~' || c == '/';
		if (keep) {
			buf_putc(out, (char)c);
		} else {
			buf_putc(out, '%');
			buf_putc(out, hex[c >> 4]);
			buf_putc(out, hex[c & 15]);
		}
	}
}

int
views_query_path(struct buf *out, unsigned long top, const char *since, const char *path)
{
	char sep = '?';
	buf_puts(out, "/api/v1/views");
	if (top) {
		buf_printf(out, "%ctop=%lu", sep, top);
		sep = '&';
	}
	if (since) {
		buf_printf(out, "%csince=", sep);
		views_put_escaped(out, since);
		sep = '&';
	}
	if (path) {
		buf_printf(out, "%cpath=", sep);
		views_put_escaped(out, path);
	}
	return out->err;
}

static uint64_t
views_u64(json_t *o, const char *name)
{
	json_int_t v = json_integer_value(json_object_get(o, name));
	return v > 0 ? (uint64_t)v : 0;
}

/* Prints one column of rows ({"path"|"day": text, "views": n}) right-aligned by count. */
static void
views_print_rows(json_t *rows, const char *key, const char *title)
{
	size_t n = json_array_size(rows);
	if (n == 0) {
		return;
	}
	printf("\n%10s  %s\n", "VIEWS", title);
	for (size_t i = 0; i < n; i++) {
		json_t *r = json_array_get(rows, i);
		const char *k = json_string_value(json_object_get(r, key));
		printf("%10llu  %s\n", (unsigned long long)views_u64(r, "views"), k ? k : "?");
	}
}

static void
views_print(const struct views_opts *o, json_t *root)
{
	const char *since = json_string_value(json_object_get(root, "since"));
	uint64_t total = views_u64(root, "total"), pages = views_u64(root, "pages");
	char range[64] = "all days";
	if (since) {
		snprintf(range, sizeof(range), "since %s", since);
	}
	if (o->path) {
		printf("%s: %llu view%s (%s)\n", o->path, (unsigned long long)total,
		       total == 1 ? "" : "s", range);
		views_print_rows(json_object_get(root, "days"), "day", "DAY");
		return;
	}
	json_t *paths = json_object_get(root, "paths");
	size_t shown = json_array_size(paths);
	printf("%llu view%s of %llu page%s (%s)", (unsigned long long)total, total == 1 ? "" : "s",
	       (unsigned long long)pages, pages == 1 ? "" : "s", range);
	if (shown < pages) {
		printf(", top %zu shown", shown);
	}
	printf("\n");
	views_print_rows(paths, "path", "PATH");
}

/* Asks ingestd and prints. Returns the exit status. */
static int
views_run(struct views_opts *o)
{
	struct httpc *h = NULL;
	struct httpc_resp r = {0};
	struct buf path;
	json_t *root = NULL;
	int status = 1;

	buf_init(&path, 0);
	if (views_query_path(&path, o->top, o->since, o->path) != 0) {
		fprintf(stderr, "folio views: out of memory\n");
		goto done;
	}
	if (httpc_new(&h, o->server, o->key, false) != 0) {
		fprintf(stderr,
		        "folio views: bad server URL %s (want http://HOST:PORT or https://...)\n",
		        o->server);
		goto done;
	}
	httpc_set_timeouts(h, 0, VIEWS_TIMEOUT_MS);
	int rc = httpc_get(h, buf_cstr(&path), &r);
	if (rc != 0) {
		fprintf(stderr, "folio views: %s %s: %s\n",
		        rc == ERR_CLOSED ? "cannot reach ingestd at" : "request to", o->server,
		        httpc_error(h));
		goto done;
	}
	json_error_t jerr;
	root = json_loadb((const char *)r.body.ptr, r.body.len, 0, &jerr);
	const char *msg = json_string_value(json_object_get(root, "error"));
	if (r.status == 401 || r.status == 403) {
		fprintf(stderr,
		        "folio views: %s refused the API key: use the key of that server (--data "
		        "DIR, --key-file F, --key KEY or FOLIO_API_KEY)\n",
		        o->server);
	} else if (r.status == 400) {
		fprintf(stderr, "folio views: %s\n", msg ? msg : "the server refused the query");
		status = 2;
	} else if (r.status == 404) {
		fprintf(stderr, "folio views: %s has no /api/v1/views: is it an older ingestd?\n",
		        o->server);
	} else if (r.status != 200) {
		fprintf(stderr, "folio views: ingestd answered %ld: %s\n", r.status,
		        msg ? msg : "(no message)");
	} else if (!json_is_object(root)) {
		fprintf(stderr, "folio views: the reply is not JSON (%s)\n", jerr.text);
	} else {
		if (o->json) {
			fwrite(r.body.ptr, 1, r.body.len, stdout);
		} else {
			views_print(o, root);
		}
		status = 0;
	}
done:
	json_decref(root);
	httpc_resp_fini(&r);
	httpc_free(h);
	buf_fini(&path);
	return status;
}

void
views_usage(FILE *out)
{
	fprintf(out,
	        "usage: folio views [--top N] [--since DATE] [--path P] [options]\n"
	        "\n"
	        "Prints how often each note page was read, as counted by the fronts (200 and\n"
	        "304 answers to GET; not assets, redirects, errors or HEAD), most read first.\n"
	        "Counts reach ingestd about once a second.\n"
	        "\n"
	        "options:\n"
	        "  --top N          list the N most read pages (default 50)\n"
	        "  --since DATE     count days from DATE on (YYYY-MM-DD, UTC; default all)\n"
	        "  --path P         one page (its URL path, e.g. /guides/pushing), per day\n"
	        "  --json           print the server's JSON reply\n"
	        "  --server URL     ingestd API (default " VIEWS_DEFAULT_SERVER ")\n"
	        "  --key KEY        API key (else $FOLIO_API_KEY, else --key-file, else\n"
	        "                   DATA/api.key)\n"
	        "  --key-file F     read the API key from F\n"
	        "  --data DIR       the server's data folder, for DIR/api.key (default ./var)\n"
	        "  -h, --help       show this help\n"
	        "\n"
	        "Exit status: 0 printed, 1 failed, 2 bad usage.\n");
}

int
views_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"top", required_argument, NULL, 't'},      {"since", required_argument, NULL, 'S'},
	        {"path", required_argument, NULL, 'p'},     {"json", no_argument, NULL, 'j'},
	        {"server", required_argument, NULL, 's'},   {"key", required_argument, NULL, 'k'},
	        {"key-file", required_argument, NULL, 'f'}, {"data", required_argument, NULL, 'd'},
	        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
	};
	struct views_opts o = {.server = VIEWS_DEFAULT_SERVER};
	struct key_sources ks = {.env = getenv("FOLIO_API_KEY")};
	const char *from;
	char err[512], *end;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			o.top = strtoul(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end || o.top == 0) {
				fprintf(stderr,
				        "folio views: --top wants a positive number, got %s\n",
				        optarg);
				return 2;
			}
			break;
		case 'S':
			o.since = optarg;
			break;
		case 'p':
			o.path = optarg;
			break;
		case 'j':
			o.json = true;
			break;
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
		case 'h':
			views_usage(stdout);
			return 0;
		default:
			fprintf(stderr, "see: folio help views\n");
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "folio views: unexpected argument %s\nsee: folio help views\n",
		        argv[optind]);
		return 2;
	}
	if (o.path && o.path[0] != '/') {
		fprintf(stderr, "folio views: --path wants a URL path starting with /, got %s\n",
		        o.path);
		return 2;
	}
	if (key_resolve(&ks, o.key, sizeof(o.key), &from, err, sizeof(err)) != 0) {
		fprintf(stderr, "folio views: %s\n", err);
		return 1;
	}
	int rc = views_run(&o);
	explicit_bzero(o.key, sizeof(o.key));
	return rc;
}
