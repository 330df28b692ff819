/*
 * config.h: folio's settings, generated from config_fields.h. Defaults first, then a
 * file (`key = value` lines, # comments), then command-line overrides. Unknown keys and
 * out-of-range values are errors that name the key. Immutable once a process runs.
 */
#ifndef SHARED_CONFIG_H
#define SHARED_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#define CONFIG_TYPE_STR  char *
#define CONFIG_TYPE_INT  int64_t
#define CONFIG_TYPE_SIZE uint64_t
#define CONFIG_TYPE_BOOL bool
#define CONFIG_TYPE_MS   int64_t

struct config {
#define CONFIG_FIELD(key, type, def, min, max, doc) CONFIG_TYPE_##type key;
#include "shared/config_fields.h"
#undef CONFIG_FIELD
};

/* Fills every field with its default. Strings are heap copies freed by config_fini(). */
void config_init(struct config *c);
void config_fini(struct config *c);

/*
 * Sets one key from its text form. On ERR_NOTFOUND (unknown key) or ERR_INVAL (bad value)
 * writes a message naming the key into err[errlen].
 */
int config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen);

/*
 * Reads `key = value` lines from path. Blank lines and lines starting with # are skipped;
 * values may be double-quoted. Stops at the first bad line and writes
 * "path:line: message" into err. Returns 0, ERR_IO, ERR_NOTFOUND or ERR_INVAL.
 */
int config_load(struct config *c, const char *path, char *err, size_t errlen);

/* Writes every key with its current value (and, if docs, its documentation) in file syntax. */
void config_dump(const struct config *c, FILE *out, bool docs);

/* Paths derived from data_dir, written into out[outlen]: "folio.db", "pages", "api.key",
 * "run/events.sock". */
int config_path(const struct config *c, const char *name, char *out, size_t outlen);

/* Splits "host:port" (or "[v6]:port") into a sockaddr for bind/connect. Returns ERR_INVAL. */
int config_parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *sslen);

#endif
