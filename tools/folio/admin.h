/*
 * admin.h: `folio check` and `folio rebuild`, the page store's maintenance commands. Both
 * ask ingestd (GET /api/v1/check, POST /api/v1/rebuild), the one process that knows SQLite
 * and may write LMDB, and print what it answered.
 */
#ifndef TOOLS_FOLIO_ADMIN_H
#define TOOLS_FOLIO_ADMIN_H

#include <stdio.h>

/*
 * `folio check ARGS` (argv[0] is "check"): prints the problems the check found, or one
 * "ok" line. Returns the exit status: 0 the store matches the database, 1 it does not or
 * the check could not run (explained on stderr), 2 bad usage. Blocks until ingestd answers.
 */
int admin_check_main(int argc, char **argv);
void admin_check_usage(FILE *out);

/* `folio rebuild ARGS`: rewrites the page store from the database. Exit status as above. */
int admin_rebuild_main(int argc, char **argv);
void admin_rebuild_usage(FILE *out);

#endif
