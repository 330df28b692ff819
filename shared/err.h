/*
 * err.h: folio's one error vocabulary. Functions return 0 or a negative ERR_* code.
 * Codes are errno values where one fits; folio's own start at -4096. Foreign codes
 * (LMDB, nng, SQLite) are translated once, inside the wrapper that owns the library.
 */
#ifndef SHARED_ERR_H
#define SHARED_ERR_H

#include <errno.h>

enum err {
	ERR_OK = 0,
	ERR_NOMEM = -ENOMEM,
	ERR_INVAL = -EINVAL,
	ERR_IO = -EIO,
	ERR_AGAIN = -EAGAIN,
	ERR_EXIST = -EEXIST,
	ERR_PERM = -EACCES,
	ERR_BUSY = -EBUSY,
	ERR_NOTFOUND = -4097, /* no such key, file or page */
	ERR_CORRUPT = -4098,  /* stored bytes fail their checks */
	ERR_TOOBIG = -4099,   /* over a configured or format limit */
	ERR_PROTO = -4100,    /* peer spoke the protocol wrongly */
	ERR_STALE = -4101,    /* a snapshot or handle is out of date */
	ERR_VERSION = -4102,  /* magic or version mismatch: a different build wrote it */
	ERR_FULL = -4103,     /* a fixed-size store (LMDB map, reader table) is full */
	ERR_CLOSED = -4104,   /* the other side went away */
};

/* Returns a static, human-readable string for an ERR_* code (or any negative errno). */
const char *err_str(int err);

#endif
