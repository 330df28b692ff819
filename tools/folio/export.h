/*
 * export.h: `folio export DIR`, a static copy of the site. Every page the fronts serve is
 * written from the page store (read-only, one consistent snapshot) as a plain file, with
 * its precompressed body beside it as FILE.gz, in a layout any static web server can
 * serve: nginx with `gzip_static on` and `try_files $uri $uri.html $uri/index.html`.
 */
#ifndef TOOLS_FOLIO_EXPORT_H
#define TOOLS_FOLIO_EXPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct export_opts {
	const char *pages_dir; /* the LMDB environment, DATA/pages */
	const char *out;       /* folder to write; created if missing */
	bool force;            /* write into a non-empty folder, replacing files */
	bool quiet;            /* print only problems */
	bool no_gzip;          /* skip the .gz copies */
};

struct export_stats {
	uint64_t pages;     /* records written as files (pages, assets, redirects) */
	uint64_t gz;        /* .gz copies written */
	uint64_t bytes;     /* identity bytes written */
	uint64_t gz_bytes;  /* gzip bytes written */
	uint64_t redirects; /* redirect records, written as small HTML pages */
	uint64_t private_;  /* private records left out */
	uint64_t conflicts; /* pages and assets whose file name another record took */
	uint64_t moved;     /* redirects whose file name a page took (the page serves it) */
	uint64_t bad;       /* records that failed their checks or have an unsafe key */
};

/*
 * Writes every servable record of o->pages_dir under o->out. Problems with single records
 * are reported on stderr and counted; the export goes on. Returns 0, or a negative ERR_*
 * when the store cannot be read or the folder cannot be written (already reported).
 */
int export_site(const struct export_opts *o, struct export_stats *st);

/*
 * The file name (relative to the export folder, no leading '/') that serves the URL key.
 * html says the record is an HTML page (note, 404, redirect). Returns the length written
 * into out[cap], or -1 when the key is not a safe relative path or does not fit.
 */
int export_rel_path(const uint8_t *key, size_t len, bool html, char *out, size_t cap);

/* `folio export ARGS`: parses argv (argv[0] is "export") and runs export_site. */
int export_main(int argc, char **argv);
void export_usage(FILE *out);

#endif
