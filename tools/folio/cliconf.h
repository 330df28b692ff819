/*
 * cliconf.h: how every folio command that reads the server's settings finds them: the
 * defaults, then `-c folio.conf`, then `--data DIR` over data_dir.
 */
#ifndef TOOLS_FOLIO_CLICONF_H
#define TOOLS_FOLIO_CLICONF_H

#include "shared/config.h"

/*
 * Loads conf (if not NULL) into c, which the caller has config_init()ed, then sets data_dir
 * to data (if not NULL). On a bad file or value prints "folio CMD: message" to stderr and
 * returns ERR_IO, ERR_NOTFOUND or ERR_INVAL; returns 0 otherwise.
 */
int cliconf_load(struct config *c, const char *cmd, const char *conf, const char *data);

#endif
