/*
 * key.h: where `folio push` and `folio serve` find the push API's bearer key. The order is
 * fixed so a script can predict it: --key, then $FOLIO_API_KEY, then --key-file, then
 * DATA/api.key (the file ingestd creates when its config sets no api_key).
 */
#ifndef TOOLS_FOLIO_KEY_H
#define TOOLS_FOLIO_KEY_H

#include <stdbool.h>
#include <stddef.h>

#define KEY_MAX 512 /* longest key accepted, bytes */

/* Where a key may come from; NULL fields are skipped. */
struct key_sources {
	const char *key;      /* given on the command line */
	const char *env;      /* value of FOLIO_API_KEY (the caller reads the environment) */
	const char *key_file; /* a file holding the key */
	const char *data_dir; /* DATA: the key is read from DATA/api.key */
};

/*
 * Reads a key file: the first line, with surrounding whitespace removed, into out[outlen].
 * Returns 0, ERR_NOTFOUND (no such file), ERR_INVAL (empty, longer than KEY_MAX or holding
 * control bytes) or ERR_IO, with a message naming the file in err[errlen]. Does not block
 * beyond reading the file.
 */
int key_read_file(const char *path, char *out, size_t outlen, char *err, size_t errlen);

/*
 * Picks the key from src in the documented order into out[outlen] (at least KEY_MAX + 1).
 * *from is set to a static description of the source ("--key", "FOLIO_API_KEY", a path is
 * not stored: "--key-file" or "DATA/api.key"). Returns 0, or ERR_NOTFOUND / ERR_INVAL /
 * ERR_IO with a message in err[errlen] that tells the user how to supply a key.
 */
int key_resolve(const struct key_sources *src, char *out, size_t outlen, const char **from,
                char *err, size_t errlen);

/* True if s is usable as a key: 1..KEY_MAX printable ASCII bytes without spaces. */
bool key_valid(const char *s);

#endif
