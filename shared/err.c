/*
 * err.c: text for folio's error codes.
 */
#include "shared/err.h"

#include <string.h>

const char *
err_str(int err)
{
	switch (err) {
	case ERR_OK:
		return "ok";
	case ERR_NOTFOUND:
		return "not found";
	case ERR_CORRUPT:
		return "corrupt data";
	case ERR_TOOBIG:
		return "too big";
	case ERR_PROTO:
		return "protocol error";
	case ERR_STALE:
		return "stale";
	case ERR_VERSION:
		return "format version or magic mismatch";
	case ERR_FULL:
		return "store full";
	case ERR_CLOSED:
		return "closed";
	default:
		if (err < 0 && err > -4096)
			return strerror(-err);
		return "unknown error";
	}
}
