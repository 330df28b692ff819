/*
 * main.c: frontd's entry point: arguments, then the config file, then flag overrides;
 * everything else is frontd_run(). Usage and config errors exit 2, runtime failures 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontd/frontd.h"
#include "shared/config.h"
#include "shared/err.h"
#include "shared/log.h"

static const char usage[] =
        "usage: frontd [-c FILE] [--data DIR] [--listen ADDR:PORT] [--set KEY=VALUE]...\n"
        "              [--dump-config] [--help]\n"
        "\n"
        "Serves the pages ingestd publishes, straight from the LMDB map in DATA/pages.\n"
        "Any number of fronts may listen on the same address (SO_REUSEPORT).\n"
        "\n"
        "  -c, --config FILE   read settings from FILE (key = value lines)\n"
        "  --data DIR          data directory (sets data_dir)\n"
        "  --listen ADDR:PORT  address to serve on (sets listen)\n"
        "  --set KEY=VALUE     set any setting; see --dump-config for the keys\n"
        "  --dump-config       print the effective settings and exit\n"
        "  --help              print this help and exit\n"
        "\n"
        "Flags override the file, whatever their order. SIGTERM or SIGINT stops gracefully.\n";

/* One override from the command line, applied after the file. */
struct override {
	const char *key;
	const char *value;
	char *owned; /* the split copy of a --set argument */
};

/* Returns the value of option name at argv[*i] ("--x V" or "--x=V"), or NULL if not it. */
static const char *
opt_value(int argc, char **argv, int *i, const char *name, const char *alias, bool *missing)
{
	const char *a = argv[*i];
	size_t n = strlen(name);
	if (strcmp(a, name) == 0 || (alias && strcmp(a, alias) == 0)) {
		if (*i + 1 >= argc) {
			*missing = true;
			return NULL;
		}
		return argv[++*i];
	}
	if (strncmp(a, name, n) == 0 && a[n] == '=')
		return a + n + 1;
	return NULL;
}

/* Reports a bad command line ("frontd: ARG: MSG") followed by the usage; returns 2. */
static int
usage_error(const char *arg, const char *msg)
{
	fprintf(stderr, "frontd: %s: %s\n%s", arg, msg, usage);
	return 2;
}

/* Parses argv into the config path and overrides. Returns 0, 1 (--help: done) or 2. */
static int
parse_args(int argc, char **argv, const char **conf, struct override *ov, int *nov, bool *dump)
{
	for (int i = 1; i < argc; i++) {
		bool missing = false;
		const char *v;
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage, stdout);
			return 1;
		} else if (strcmp(a, "--dump-config") == 0) {
			*dump = true;
		} else if ((v = opt_value(argc, argv, &i, "--config", "-c", &missing))) {
			*conf = v;
		} else if ((v = opt_value(argc, argv, &i, "--data", NULL, &missing))) {
			ov[(*nov)++] = (struct override){"data_dir", v, NULL};
		} else if ((v = opt_value(argc, argv, &i, "--listen", NULL, &missing))) {
			ov[(*nov)++] = (struct override){"listen", v, NULL};
		} else if ((v = opt_value(argc, argv, &i, "--set", NULL, &missing))) {
			const char *eq = strchr(v, '=');
			if (!eq || eq == v)
				return usage_error(v, "--set needs KEY=VALUE");
			char *copy = strdup(v);
			if (!copy)
				return usage_error(v, "out of memory");
			copy[eq - v] = '\0';
			ov[(*nov)++] = (struct override){copy, copy + (eq - v) + 1, copy};
		} else if (missing) {
			return usage_error(a, "needs a value");
		} else {
			return usage_error(a, "unknown argument");
		}
		if (missing)
			return usage_error(a, "needs a value");
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static struct frontd fd;
	struct config cfg;
	struct override *ov = calloc((size_t)argc + 1, sizeof(*ov));
	const char *conf = NULL;
	bool dump = false;
	int nov = 0, code = 2;
	char err[512];
	enum log_level level;
	struct sockaddr_storage ss;
	socklen_t sslen;

	config_init(&cfg);
	if (!ov) {
		fprintf(stderr, "frontd: out of memory\n");
		goto done;
	}
	int rc = parse_args(argc, argv, &conf, ov, &nov, &dump);
	if (rc) {
		code = rc == 1 ? 0 : 2;
		goto done;
	}
	if (conf && config_load(&cfg, conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "frontd: %s\n", err);
		goto done;
	}
	for (int i = 0; i < nov; i++) {
		if (config_set(&cfg, ov[i].key, ov[i].value, err, sizeof(err)) < 0) {
			fprintf(stderr, "frontd: %s\n", err);
			goto done;
		}
	}
	if (log_level_parse(cfg.log_level, &level) < 0) {
		fprintf(stderr,
		        "frontd: log_level: expected err, warn, info or debug, got \"%s\"\n",
		        cfg.log_level);
		goto done;
	}
	if (config_parse_addr(cfg.listen, &ss, &sslen) < 0) {
		fprintf(stderr, "frontd: listen: expected ADDR:PORT, got \"%s\"\n", cfg.listen);
		goto done;
	}
	if (dump) {
		config_dump(&cfg, stdout, false);
		code = 0;
		goto done;
	}

	log_init("frontd", level);
	code = 1;
	if (frontd_init(&fd, &cfg) < 0)
		goto done;
	code = frontd_run(&fd) < 0 ? 1 : 0;
	frontd_fini(&fd);
done:
	for (int i = 0; ov && i < nov; i++)
		free(ov[i].owned);
	free(ov);
	config_fini(&cfg);
	return code;
}
