/*
 * main.c: ingestd's command line. Defaults, then the config file, then --data, --api and
 * --set in the order given; a bad setting names its key and exits 2. Everything else is
 * ingestd_run's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ingestd/ingestd.h"
#include "shared/config.h"
#include "shared/log.h"

static void
usage(FILE *out)
{
	fprintf(out,
	        "usage: ingestd [-c folio.conf] [--data DIR] [--api ADDR:PORT] [--set "
	        "key=value]...\n"
	        "               [--dump-config] [--help]\n"
	        "\n"
	        "Takes pushes over HTTP, keeps the vault in DATA/folio.db and publishes rendered\n"
	        "pages to DATA/pages for frontd.\n"
	        "\n"
	        "  -c, --config FILE  read settings from FILE (key = value lines)\n"
	        "  --data DIR         data directory (sets data_dir)\n"
	        "  --api ADDR:PORT    push API address (sets api_listen)\n"
	        "  --set KEY=VALUE    set any setting; may be repeated\n"
	        "  --dump-config      print every setting with its documentation and exit\n"
	        "  --help             print this and exit\n");
}

/* One override from the command line, applied after the config file. */
struct override {
	const char *key;
	const char *value;
	char *owned; /* for --set, the copy split at '=' */
};

static int
apply(struct config *c, const char *key, const char *value)
{
	char err[512];
	if (config_set(c, key, value, err, sizeof(err)) < 0) {
		fprintf(stderr, "ingestd: %s\n", err);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *file = NULL;
	bool dump = false;
	struct override *ov = calloc((size_t)argc, sizeof(*ov));
	size_t nov = 0;
	int status = 2;
	struct config c;
	config_init(&c);
	if (!ov) {
		fprintf(stderr, "ingestd: out of memory\n");
		goto out;
	}

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_next = i + 1 < argc;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			status = 0;
			goto out;
		} else if (strcmp(a, "--dump-config") == 0) {
			dump = true;
		} else if ((strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) && has_next) {
			file = argv[++i];
		} else if (strcmp(a, "--data") == 0 && has_next) {
			ov[nov++] = (struct override){"data_dir", argv[++i], NULL};
		} else if (strcmp(a, "--api") == 0 && has_next) {
			ov[nov++] = (struct override){"api_listen", argv[++i], NULL};
		} else if (strcmp(a, "--set") == 0 && has_next) {
			char *kv = strdup(argv[++i]);
			char *eq = kv ? strchr(kv, '=') : NULL;
			if (!eq) {
				fprintf(stderr, "ingestd: --set wants key=value, got \"%s\"\n",
				        argv[i]);
				free(kv);
				goto out;
			}
			*eq = '\0';
			ov[nov++] = (struct override){kv, eq + 1, kv};
		} else {
			fprintf(stderr, "ingestd: unknown or incomplete option \"%s\"\n", a);
			usage(stderr);
			goto out;
		}
	}

	if (file) {
		char err[1024];
		if (config_load(&c, file, err, sizeof(err)) < 0) {
			fprintf(stderr, "ingestd: %s\n", err);
			goto out;
		}
	}
	for (size_t i = 0; i < nov; i++) {
		if (apply(&c, ov[i].key, ov[i].value) < 0) {
			goto out;
		}
	}
	enum log_level level;
	if (log_level_parse(c.log_level, &level) < 0) {
		fprintf(stderr,
		        "ingestd: log_level: expected err, warn, info or debug, got \"%s\"\n",
		        c.log_level);
		goto out;
	}
	struct sockaddr_storage ss;
	socklen_t sslen;
	if (config_parse_addr(c.api_listen, &ss, &sslen) < 0) {
		fprintf(stderr, "ingestd: api_listen: expected host:port, got \"%s\"\n",
		        c.api_listen);
		goto out;
	}
	if (!c.data_dir || !*c.data_dir) {
		fprintf(stderr, "ingestd: data_dir: must not be empty\n");
		goto out;
	}
	if (dump) {
		config_dump(&c, stdout, true);
		status = 0;
		goto out;
	}

	log_init("ingestd", level);
	status = ingestd_run(&c);
out:
	for (size_t i = 0; ov && i < nov; i++) {
		free(ov[i].owned);
	}
	free(ov);
	config_fini(&c);
	return status;
}
