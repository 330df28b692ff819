/*
 * views.h: `folio views`, the page views the fronts counted, read from ingestd's
 * GET /api/v1/views and printed as a table (or, with --json, as the server sent it).
 */
#ifndef TOOLS_FOLIO_VIEWS_H
#define TOOLS_FOLIO_VIEWS_H

#include <stdio.h>

#include "shared/buf.h"

/*
 * `folio views ARGS` (argv[0] is "views"). Returns the exit status: 0 printed, 1 failed
 * (explained on stderr), 2 bad usage. Blocks until ingestd answers (at most 60 s).
 */
int views_main(int argc, char **argv);
void views_usage(FILE *out);

/*
 * Appends the API path for a query: "/api/v1/views?top=N[&since=D][&path=P]", since and
 * path percent-encoded (everything but unreserved characters and '/'). top 0 leaves it
 * out; since and path may be NULL. Returns 0 or out->err.
 */
int views_query_path(struct buf *out, unsigned long top, const char *since, const char *path);

#endif
