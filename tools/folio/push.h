/*
 * push.h: `folio push`, publishing a vault folder to ingestd in one atomic request. The
 * CLI walks and hashes the vault, asks the server what it stores, and sends only new and
 * changed files plus the deletions in one msgpack POST, so readers see all of it or none.
 * `folio serve --publish` runs the same code.
 */
#ifndef TOOLS_FOLIO_PUSH_H
#define TOOLS_FOLIO_PUSH_H

#include <stdbool.h>
#include <stdio.h>

struct push_opts {
	const char *vault;  /* folder to publish */
	const char *server; /* API base URL, e.g. "http://127.0.0.1:8081" */
	const char *key;    /* bearer key, already resolved */
	bool dry_run;       /* list what would be sent and stop */
	bool quiet;         /* print only errors */
	bool verbose;       /* also list each published file and its URL */
	bool direct;        /* ignore proxy settings (a local ingestd) */
};

/*
 * Publishes o->vault. Prints progress on stderr, and the summary and any warnings on stdout.
 * Returns the process exit status: 0 on success or nothing to do, 1 on any failure (which
 * it has already explained on stderr). Blocks for the whole push.
 */
int push_vault(const struct push_opts *o);

/* `folio push ARGS`: parses argv (argv[0] is "push") and runs push_vault. Returns exit status. */
int push_main(int argc, char **argv);

/* Writes the help text of `folio push`. */
void push_usage(FILE *out);

#endif
