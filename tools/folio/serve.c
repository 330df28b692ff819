/*
 * serve.c: `folio serve`. It resolves one view of the settings (config file, then flags)
 * and hands the children the same view explicitly (--data, --api, --listen, plus -c), so
 * the banner always shows the addresses the processes really use. ingestd starts first;
 * the fronts start once it answers /api/v1/status (or after a bounded wait, since fronts
 * serve whatever LMDB holds without it). A --publish vault is pushed from a forked child,
 * so Ctrl-C stays responsive during a long first push.
 */
#include "tools/folio/serve.h"
#include "tools/folio/cliconf.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shared/config.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/log.h"
#include "tools/folio/httpc.h"
#include "tools/folio/key.h"
#include "tools/folio/push.h"
#include "tools/folio/serve_stats.h"
#include "tools/folio/super.h"

#define SERVE_MAX_FRONTS    256
#define SERVE_READY_WAIT_MS 15000 /* start the fronts anyway after this long */
#define SERVE_POLL_MS       100
#define SERVE_GRACE_MS      5000

struct serve {
	struct config cfg;
	const char *conf_path; /* -c, passed on to the children; may be NULL */
	const char *publish;   /* vault to push once ingestd is up; may be NULL */
	int nfronts;
	char ingestd[PATH_MAX];
	char frontd[PATH_MAX];
	char data_abs[PATH_MAX];
	char site_url[300]; /* http://HOST:P/ as a browser should open it */
	char api_url[300];  /* http://HOST:Q, to reach ingestd */
	bool listen_any;    /* the fronts bind a wildcard address */
	struct super *sup;
	struct serve_stats *stats; /* the supervisor's stats socket, once children run */
	int ingest_idx;
	int front_idx[SERVE_MAX_FRONTS];
	int pub_idx;
	char key[KEY_MAX + 1];
};

/* Splits "host:port" or "[v6]:port" into host[hostlen] and *port. Returns 0 or ERR_INVAL. */
static int
serve_split_addr(const char *addr, char *host, size_t hostlen, long *port)
{
	const char *colon, *h = addr;
	size_t hl;
	char *end;

	if (addr[0] == '[') {
		const char *rb = strchr(addr, ']');
		if (!rb || rb[1] != ':') {
			return ERR_INVAL;
		}
		h = addr + 1;
		hl = (size_t)(rb - h);
		colon = rb + 1;
	} else {
		colon = strrchr(addr, ':');
		if (!colon) {
			return ERR_INVAL;
		}
		hl = (size_t)(colon - addr);
	}
	if (hl + 1 > hostlen) {
		return ERR_INVAL;
	}
	errno = 0;
	*port = strtol(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || *port < 1 || *port > 65535) {
		return ERR_INVAL;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	return 0;
}

/* Writes "host:port" (brackets around an IPv6 host) into out[outlen]. */
static void
serve_join_addr(const char *host, long port, char *out, size_t outlen)
{
	snprintf(out, outlen, strchr(host, ':') ? "[%s]:%ld" : "%s:%ld", host, port);
}

/*
 * Applies --bind and a port flag (-1: keep) to the config key (listen or api_listen), and
 * writes the URL a client on this machine uses for it into url. Returns 0 or 2 (reported).
 */
static int
serve_addr(struct serve *sv, const char *key, const char *bind, long port, char *url, size_t urllen,
           const char *url_tail)
{
	char host[256], joined[300], err[256];
	const char *cur = strcmp(key, "listen") == 0 ? sv->cfg.listen : sv->cfg.api_listen;
	struct sockaddr_storage ss;
	socklen_t sslen;
	long cport;

	if (serve_split_addr(cur, host, sizeof(host), &cport) != 0) {
		fprintf(stderr, "folio serve: %s = %s is not HOST:PORT\n", key, cur);
		return 2;
	}
	if (bind) {
		snprintf(host, sizeof(host), "%s", bind);
	}
	if (port > 0) {
		cport = port;
	}
	serve_join_addr(host, cport, joined, sizeof(joined));
	if (config_parse_addr(joined, &ss, &sslen) != 0) {
		fprintf(stderr, "folio serve: %s is not a usable address (want an IP address)\n",
		        joined);
		return 2;
	}
	if (config_set(&sv->cfg, key, joined, err, sizeof(err)) != 0) {
		fprintf(stderr, "folio serve: %s\n", err);
		return 2;
	}
	// A wildcard bind is reached through loopback from this machine.
	const char *reach = host;
	if (!host[0] || strcmp(host, "0.0.0.0") == 0) {
		reach = "127.0.0.1";
	} else if (strcmp(host, "::") == 0) {
		reach = "::1";
	}
	if (reach != host && strcmp(key, "listen") == 0) {
		sv->listen_any = true;
	}
	snprintf(url, urllen, strchr(reach, ':') ? "http://[%s]:%ld%s" : "http://%s:%ld%s", reach,
	         cport, url_tail);
	return 0;
}

/* Finds a program next to this executable, else on PATH. Returns 0 or ERR_NOTFOUND. */
static int
serve_find_prog(const char *name, char *out, size_t outlen)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			if ((size_t)snprintf(out, outlen, "%s/%s", self, name) < outlen &&
			    access(out, X_OK) == 0) {
				return 0;
			}
		}
	}
	const char *path = getenv("PATH");
	while (path && *path) {
		size_t len = strcspn(path, ":");
		if (len > 0 &&
		    (size_t)snprintf(out, outlen, "%.*s/%s", (int)len, path, name) < outlen &&
		    access(out, X_OK) == 0) {
			return 0;
		}
		path += len + (path[len] == ':');
	}
	return ERR_NOTFOUND;
}

/* mkdir -p for the data folder. Returns 0 or -1 with errno set. */
static int
serve_mkdirs(const char *dir)
{
	char tmp[PATH_MAX];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(tmp, dir, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			if (mkdir(tmp, 0750) != 0 && errno != EEXIST) {
				return -1;
			}
			*p = '/';
		}
	}
	if (mkdir(tmp, 0750) != 0 && errno != EEXIST) {
		return -1;
	}
	return 0;
}

/* The API key ingestd uses: from the config, else DATA/api.key. False if not there yet. */
static bool
serve_key(struct serve *sv)
{
	char path[PATH_MAX + 16], err[256];

	if (sv->cfg.api_key && sv->cfg.api_key[0]) {
		snprintf(sv->key, sizeof(sv->key), "%s", sv->cfg.api_key);
		return true;
	}
	if (sv->key[0]) {
		return true;
	}
	snprintf(path, sizeof(path), "%s/api.key", sv->data_abs);
	return key_read_file(path, sv->key, sizeof(sv->key), err, sizeof(err)) == 0;
}

/* True when our ingestd answers its status endpoint on the API address. */
static bool
serve_ingest_up(struct serve *sv)
{
	struct httpc *h = NULL;
	struct httpc_resp r;
	bool up = false;

	if (!super_pid(sv->sup, sv->ingest_idx)) {
		return false;
	}
	if (httpc_new(&h, sv->api_url, serve_key(sv) ? sv->key : NULL, true) != 0) {
		return false;
	}
	httpc_set_timeouts(h, 500, 1000);
	// Only our ingestd knows our key: a 401 may come from another server on the port.
	up = httpc_get(h, "/api/v1/status", &r) == 0 && r.status == 200;
	httpc_resp_fini(&r);
	httpc_free(h);
	return up;
}

/* Runs in the publisher child: one push of the --publish vault. */
static int
serve_publish(void *arg)
{
	struct serve *sv = arg;
	struct push_opts o = {
	        .vault = sv->publish,
	        .server = sv->api_url,
	        .direct = true,
	};

	if (!serve_key(sv)) {
		fprintf(stderr, "folio serve: no API key in %s/api.key; cannot publish %s\n",
		        sv->data_abs, sv->publish);
		return 1;
	}
	o.key = sv->key;
	return push_vault(&o);
}

static void
serve_banner(struct serve *sv)
{
	printf("\nfolio is serving\n");
	printf("  site     %s%s\n", sv->site_url,
	       sv->listen_any ? " (listening on every address)" : "");
	printf("  api      %s/api/v1/ (key: %s)\n", sv->api_url,
	       sv->cfg.api_key && sv->cfg.api_key[0] ? "api_key in the config" : "DATA/api.key");
	printf("  data     %s\n", sv->data_abs);
	printf("  ingestd  pid %d\n", (int)super_pid(sv->sup, sv->ingest_idx));
	printf("  frontd   %d process%s, pid%s", sv->nfronts, sv->nfronts == 1 ? "" : "es",
	       sv->nfronts == 1 ? "" : "s");
	for (int i = 0; i < sv->nfronts; i++) {
		printf(" %d", (int)super_pid(sv->sup, sv->front_idx[i]));
	}
	printf("\n  stop     Ctrl-C\n\n");
	fflush(stdout);
}

/* Adds and starts the children, then supervises until a stop signal. Returns exit status. */
static int
serve_run(struct serve *sv)
{
	const char *argv[8];
	int n = 0;
	bool fronts_started = false;
	int64_t wait_until;
	int sig;

	argv[n++] = sv->ingestd;
	argv[n++] = "--data";
	argv[n++] = sv->data_abs;
	argv[n++] = "--api";
	argv[n++] = sv->cfg.api_listen;
	if (sv->conf_path) {
		argv[n++] = "-c";
		argv[n++] = sv->conf_path;
	}
	argv[n] = NULL;
	sv->ingest_idx = super_add_exec(sv->sup, "ingestd", sv->ingestd, argv, true);
	argv[0] = sv->frontd;
	argv[3] = "--listen";
	argv[4] = sv->cfg.listen;
	for (int i = 0; i < sv->nfronts; i++) {
		char name[32];
		snprintf(name, sizeof(name), "frontd.%d", i + 1);
		sv->front_idx[i] = super_add_exec(sv->sup, name, sv->frontd, argv, true);
	}
	sv->pub_idx = super_add_fn(sv->sup, "publish", serve_publish, sv, false);

	super_start(sv->sup, sv->ingest_idx);
	log_info("serve.start", "child=ingestd pid=%d api=%s",
	         (int)super_pid(sv->sup, sv->ingest_idx), sv->cfg.api_listen);
	wait_until = super_now_ms() + SERVE_READY_WAIT_MS;
	for (;;) {
		sig = super_wait(sv->sup, fronts_started ? 1000 : SERVE_POLL_MS);
		if (sig) {
			break;
		}
		int status;
		if (super_exited(sv->sup, sv->pub_idx, &status)) {
			if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
				printf("published %s: open %s\n", sv->publish, sv->site_url);
			} else {
				printf("publishing %s failed (see above); the site serves what it "
				       "had\n",
				       sv->publish);
			}
			fflush(stdout);
		}
		if (fronts_started) {
			continue;
		}
		bool up = serve_ingest_up(sv);
		if (!up && super_now_ms() < wait_until) {
			continue;
		}
		if (!up) {
			log_warn("serve.ingest",
			         "ingestd is not answering on %s; starting the fronts "
			         "anyway",
			         sv->cfg.api_listen);
		}
		for (int i = 0; i < sv->nfronts; i++) {
			super_start(sv->sup, sv->front_idx[i]);
		}
		fronts_started = true;
		serve_banner(sv);
		if (sv->publish && up) {
			super_start(sv->sup, sv->pub_idx);
		} else if (sv->publish) {
			printf("not publishing %s: ingestd is not answering\n", sv->publish);
		}
		serve_stats_open(&sv->stats, &sv->cfg, sv->sup); /* after the forked publisher */
	}
	log_info("serve.stop", "signal=%s", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
	super_stop(sv->sup, SERVE_GRACE_MS);
	serve_stats_close(sv->stats);
	sv->stats = NULL;
	printf("folio serve: stopped\n");
	return 0;
}

void
serve_usage(FILE *out)
{
	fprintf(out,
	        "usage: folio serve [options]\n"
	        "\n"
	        "Runs a whole folio site in the foreground: ingestd (the push API) and N frontd\n"
	        "(the web server, sharing one port). A child that dies is restarted (after 100 "
	        "ms,\n"
	        "doubling up to 5 s while it keeps dying). Ctrl-C or SIGTERM stops everything.\n"
	        "ingestd and frontd are looked for next to folio, then on PATH.\n"
	        "\n"
	        "options:\n"
	        "  --data DIR       data folder (default: data_dir of the config, ./var)\n"
	        "  --fronts N       number of frontd processes (default 2, at most %d)\n"
	        "  --port P         site port (default 8080)\n"
	        "  --api-port Q     push API port (default 8081)\n"
	        "  --bind ADDR      address both listen on (default 127.0.0.1)\n"
	        "  -c, --config F   folio.conf for all processes; the options above override it\n"
	        "  --publish DIR    push the vault DIR once ingestd is up, then print the URL\n"
	        "  -h, --help       show this help\n",
	        SERVE_MAX_FRONTS);
}

/* Parses a positive integer flag. Returns the value or -1. */
static long
serve_num(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 1 || v > max) {
		return -1;
	}
	return v;
}

static int
serve_parse(struct serve *sv, int argc, char **argv, const char **data, const char **bind,
            long *port, long *api_port)
{
	static const struct option longopts[] = {
	        {"data", required_argument, NULL, 'd'},
	        {"fronts", required_argument, NULL, 'n'},
	        {"port", required_argument, NULL, 'p'},
	        {"api-port", required_argument, NULL, 'a'},
	        {"bind", required_argument, NULL, 'b'},
	        {"config", required_argument, NULL, 'c'},
	        {"publish", required_argument, NULL, 'P'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		long v = 0;
		switch (c) {
		case 'd':
			*data = optarg;
			break;
		case 'n':
			if ((v = serve_num(optarg, SERVE_MAX_FRONTS)) < 0) {
				fprintf(stderr, "folio serve: --fronts wants 1 to %d\n",
				        SERVE_MAX_FRONTS);
				return 2;
			}
			sv->nfronts = (int)v;
			break;
		case 'p':
		case 'a':
			if ((v = serve_num(optarg, 65535)) < 0) {
				fprintf(stderr, "folio serve: %s wants a port (1 to 65535)\n",
				        c == 'p' ? "--port" : "--api-port");
				return 2;
			}
			*(c == 'p' ? port : api_port) = v;
			break;
		case 'b':
			*bind = optarg;
			break;
		case 'c':
			sv->conf_path = optarg;
			break;
		case 'P':
			sv->publish = optarg;
			break;
		case 'h':
			serve_usage(stdout);
			return -1;
		default:
			fprintf(stderr, "see: folio help serve\n");
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "folio serve: unexpected argument %s\nsee: folio help serve\n",
		        argv[optind]);
		return 2;
	}
	return 0;
}

int
serve_main(int argc, char **argv)
{
	struct serve *sv = xcalloc(1, sizeof(*sv));
	const char *data = NULL, *bind = NULL;
	long port = -1, api_port = -1;
	int rc;

	sv->nfronts = 2;
	config_init(&sv->cfg);
	rc = serve_parse(sv, argc, argv, &data, &bind, &port, &api_port);
	if (rc != 0) {
		rc = rc < 0 ? 0 : rc;
		goto fail;
	}
	rc = 2;
	if (cliconf_load(&sv->cfg, "serve", sv->conf_path, data) != 0)
		goto fail;
	if (serve_addr(sv, "listen", bind, port, sv->site_url, sizeof(sv->site_url), "/") ||
	    serve_addr(sv, "api_listen", bind, api_port, sv->api_url, sizeof(sv->api_url), "")) {
		goto fail;
	}
	if (sv->cfg.log_level) {
		enum log_level lv;
		if (log_level_parse(sv->cfg.log_level, &lv) == 0) {
			log_init("folio", lv);
		}
	}

	rc = 1;
	if (serve_find_prog("ingestd", sv->ingestd, sizeof(sv->ingestd)) != 0) {
		fprintf(stderr, "folio serve: cannot find ingestd next to folio or on PATH\n");
		goto fail;
	}
	if (serve_find_prog("frontd", sv->frontd, sizeof(sv->frontd)) != 0) {
		fprintf(stderr, "folio serve: cannot find frontd next to folio or on PATH\n");
		goto fail;
	}
	if (serve_mkdirs(sv->cfg.data_dir) != 0 || !realpath(sv->cfg.data_dir, sv->data_abs)) {
		fprintf(stderr, "folio serve: cannot create data folder %s: %s\n", sv->cfg.data_dir,
		        strerror(errno));
		goto fail;
	}
	if (sv->publish) {
		struct stat st;
		if (stat(sv->publish, &st) != 0 || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "folio serve: --publish %s is not a folder\n", sv->publish);
			rc = 2;
			goto fail;
		}
	}
	if (super_new(&sv->sup) != 0) {
		fprintf(stderr, "folio serve: cannot set up signal handling\n");
		goto fail;
	}
	rc = serve_run(sv);
fail:
	super_free(sv->sup);
	config_fini(&sv->cfg);
	explicit_bzero(sv->key, sizeof(sv->key));
	free(sv);
	return rc;
}
