/*
 * version.h: folio's release version, reported by every binary, the API status and the
 * HTTP User-Agent of the CLI.
 */
#ifndef SHARED_VERSION_H
#define SHARED_VERSION_H

#define FOLIO_VERSION "0.1.0"

#endif
