/*
 * stat.h: `folio stat`, the live view of a site's processes. Every refresh scans the stats
 * sockets in DATA/run/stats (statscan.h), so processes that die drop out and new ones show
 * up without restarting it. Rates and latency percentiles cover the time since the
 * previous refresh; a process seen with another pid or start time is a new run, whose
 * rates start over instead of going negative. `--json` prints one snapshot and exits.
 */
#ifndef TOOLS_FOLIO_STAT_H
#define TOOLS_FOLIO_STAT_H

#include <stdio.h>

/* `folio stat ARGS` (argv[0] is "stat"). Returns the exit status. */
int stat_main(int argc, char **argv);
/* Writes the help text of `folio stat`. */
void stat_usage(FILE *out);

#endif
