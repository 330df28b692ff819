/*
 * ingestd.h: the ingest daemon's lifecycle: data directory, its lock and the API key, the
 * ingest, the invalidation publisher, the HTTP API, and the poll loop that runs them until
 * SIGTERM or SIGINT.
 */
#ifndef INGESTD_INGESTD_H
#define INGESTD_INGESTD_H

#include <stddef.h>

struct config;

/*
 * Makes sure DATA and DATA/run exist, takes DATA/run/ingestd.lock (one ingestd per data
 * directory), and returns the API key in key[keylen]: c->api_key if set, else the contents
 * of DATA/api.key, created on first start from 32 random bytes (hex, mode 0600).
 * Returns 0 and the lock's descriptor in *lock_fd (kept open while the daemon runs), or an
 * ERR_* after logging why (ERR_BUSY: another ingestd holds the lock).
 */
int ingestd_prepare(const struct config *c, char *key, size_t keylen, int *lock_fd);

/*
 * Runs the daemon until SIGTERM or SIGINT, then finishes the request in progress, closes
 * everything and returns 0; returns 1 if it cannot start. c must be complete and valid.
 */
int ingestd_run(const struct config *c);

#endif
