/*
 * main.c: `folio`, the command-line entry point. It only dispatches: each command lives
 * in its own file and returns the process exit status (0 success, 1 failure, 2 bad usage).
 */
#include <stdio.h>
#include <string.h>

#include "shared/log.h"
#include "tools/folio/admin.h"
#include "tools/folio/export.h"
#include "tools/folio/httpc.h"
#include "tools/folio/push.h"
#include "tools/folio/serve.h"
#include "tools/folio/stat.h"
#include "tools/folio/views.h"

#ifndef FOLIO_VERSION
#include "shared/version.h"
#endif

struct main_cmd {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
	void (*usage)(FILE *out);
};

static int main_help(int argc, char **argv);
static int main_version(int argc, char **argv);
static void main_usage(FILE *out);
static void main_help_usage(FILE *out);
static void main_version_usage(FILE *out);

static const struct main_cmd main_cmds[] = {
        {"serve", "run ingestd and N frontd in the foreground (a whole site)", serve_main,
         serve_usage},
        {"push", "publish a vault folder to ingestd", push_main, push_usage},
        {"stat", "show every process of a site live (--json: one snapshot)", stat_main, stat_usage},
        {"check", "verify the page store against the database", admin_check_main,
         admin_check_usage},
        {"rebuild", "rewrite the page store from the database", admin_rebuild_main,
         admin_rebuild_usage},
        {"export", "write the published site as static files", export_main, export_usage},
        {"views", "print how often each page was read", views_main, views_usage},
        {"help", "show help for a command", main_help, main_help_usage},
        {"version", "print folio's version", main_version, main_version_usage},
};

static const struct main_cmd *
main_find(const char *name)
{
	for (size_t i = 0; i < sizeof(main_cmds) / sizeof(main_cmds[0]); i++) {
		if (strcmp(main_cmds[i].name, name) == 0) {
			return &main_cmds[i];
		}
	}
	return NULL;
}

static void
main_usage(FILE *out)
{
	fprintf(out, "usage: folio COMMAND [options]\n\n"
	             "folio publishes a markdown vault (Obsidian style) as a website.\n\n"
	             "commands:\n");
	for (size_t i = 0; i < sizeof(main_cmds) / sizeof(main_cmds[0]); i++) {
		fprintf(out, "  %-9s %s\n", main_cmds[i].name, main_cmds[i].summary);
	}
	fprintf(out, "\nexamples:\n"
	             "  folio serve --data var --publish examples/vault\n"
	             "  folio push notes/ --data var\n"
	             "  folio help push\n");
}

static void
main_help_usage(FILE *out)
{
	fprintf(out, "usage: folio help [COMMAND]\n");
}

static void
main_version_usage(FILE *out)
{
	fprintf(out, "usage: folio version\n");
}

static int
main_help(int argc, char **argv)
{
	if (argc < 2) {
		main_usage(stdout);
		return 0;
	}
	const struct main_cmd *c = main_find(argv[1]);
	if (!c) {
		fprintf(stderr, "folio: no command %s\n", argv[1]);
		main_usage(stderr);
		return 2;
	}
	c->usage(stdout);
	return 0;
}

static int
main_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("folio %s\n", FOLIO_VERSION);
	return 0;
}

int
main(int argc, char **argv)
{
	const struct main_cmd *c;
	int rc;

	if (argc < 2) {
		main_usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		main_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		return main_version(argc - 1, argv + 1);
	}
	c = main_find(argv[1]);
	if (!c) {
		fprintf(stderr, "folio: no command %s\n\n", argv[1]);
		main_usage(stderr);
		return 2;
	}
	log_init("folio", LOG_INFO);
	if (httpc_global_init() != 0) {
		fprintf(stderr, "folio: cannot initialise libcurl\n");
		return 1;
	}
	rc = c->run(argc - 1, argv + 1);
	httpc_global_fini();
	return rc;
}
