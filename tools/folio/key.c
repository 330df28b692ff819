/*
 * key.c: finding the push API key. A key is a bearer token, so it is checked for bytes
 * that cannot travel in an Authorization header before any request is made, and read
 * errors name the file so a wrong --data is easy to spot.
 */
#include "tools/folio/key.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "shared/err.h"

bool
key_valid(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];
		if (c <= 0x20 || c >= 0x7f) {
			return false;
		}
	}
	return n > 0 && n <= KEY_MAX;
}

int
key_read_file(const char *path, char *out, size_t outlen, char *err, size_t errlen)
{
	char raw[KEY_MAX + 64];
	size_t len = 0;
	int fd = -1;
	int rc;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		rc = errno == ENOENT ? ERR_NOTFOUND : ERR_IO;
		snprintf(err, errlen, "cannot open key file %s: %s", path, strerror(errno));
		goto fail;
	}
	for (;;) {
		ssize_t n = read(fd, raw + len, sizeof(raw) - 1 - len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			rc = ERR_IO;
			snprintf(err, errlen, "cannot read key file %s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0 || (len += (size_t)n) == sizeof(raw) - 1) {
			break;
		}
	}
	raw[len] = '\0';

	// The key is the first line, trimmed: files written by editors end with a newline.
	char *s = raw;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
		s++;
	}
	size_t n = strcspn(s, "\r\n");
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t')) {
		n--;
	}
	s[n] = '\0';
	if (!key_valid(s) || n + 1 > outlen) {
		rc = ERR_INVAL;
		snprintf(err, errlen,
		         "key file %s does not hold a key (one line of 1 to %d printable "
		         "characters)",
		         path, KEY_MAX);
		goto fail;
	}
	memcpy(out, s, n + 1);
	close(fd);
	return 0;
fail:
	if (fd >= 0) {
		close(fd);
	}
	return rc;
}

static int
key_copy(const char *s, const char *what, char *out, size_t outlen, char *err, size_t errlen)
{
	size_t n = strlen(s);

	if (!key_valid(s) || n + 1 > outlen) {
		snprintf(err, errlen,
		         "the key from %s is not usable (1 to %d printable characters, "
		         "no spaces)",
		         what, KEY_MAX);
		return ERR_INVAL;
	}
	memcpy(out, s, n + 1);
	return 0;
}

int
key_resolve(const struct key_sources *src, char *out, size_t outlen, const char **from, char *err,
            size_t errlen)
{
	char path[4096];
	int rc;

	if (src->key) {
		*from = "--key";
		return key_copy(src->key, "--key", out, outlen, err, errlen);
	}
	if (src->env && src->env[0]) {
		*from = "FOLIO_API_KEY";
		return key_copy(src->env, "FOLIO_API_KEY", out, outlen, err, errlen);
	}
	if (src->key_file) {
		*from = "--key-file";
		return key_read_file(src->key_file, out, outlen, err, errlen);
	}
	const char *data = src->data_dir ? src->data_dir : "var";
	if ((size_t)snprintf(path, sizeof(path), "%s/api.key", data) >= sizeof(path)) {
		snprintf(err, errlen, "data directory path is too long");
		return ERR_INVAL;
	}
	*from = "DATA/api.key";
	rc = key_read_file(path, out, outlen, err, errlen);
	if (rc == ERR_NOTFOUND) {
		snprintf(err, errlen,
		         "no API key: %s does not exist (give --data DIR of the server, --key-file "
		         "F, "
		         "--key KEY or set FOLIO_API_KEY)",
		         path);
	}
	return rc;
}
