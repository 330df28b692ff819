/*
 * serve.h: `folio serve`, one machine's whole site in the foreground: ingestd plus N
 * frontd under a supervisor (super.h), optionally publishing a vault once ingestd is up.
 */
#ifndef TOOLS_FOLIO_SERVE_H
#define TOOLS_FOLIO_SERVE_H

#include <stdio.h>

/*
 * `folio serve ARGS` (argv[0] is "serve"). Runs until SIGINT, SIGTERM or SIGHUP, then stops
 * the children and returns 0. Returns 1 if the site could not be started (a binary is
 * missing, the data folder cannot be made) and 2 on bad usage or a bad config file.
 */
int serve_main(int argc, char **argv);

/* Writes the help text of `folio serve`. */
void serve_usage(FILE *out);

#endif
