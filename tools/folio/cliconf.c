/*
 * cliconf.c: settings for folio's commands, read the same way by each (contract in
 * cliconf.h), so `-c` and `--data` mean one thing across serve, stat and export.
 */
#include "tools/folio/cliconf.h"

#include <stdio.h>

int
cliconf_load(struct config *c, const char *cmd, const char *conf, const char *data)
{
	char err[512];
	int rc = 0;
	if (conf)
		rc = config_load(c, conf, err, sizeof(err));
	if (!rc && data)
		rc = config_set(c, "data_dir", data, err, sizeof(err));
	if (rc)
		fprintf(stderr, "folio %s: %s\n", cmd, err);
	return rc;
}
