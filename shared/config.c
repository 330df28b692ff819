/*
 * config.c: the settings table in config_fields.h expanded into defaults, a typed setter
 * with range checks, a file loader and a dumper. The table is the only place a setting
 * is declared; everything here is generic over it.
 */
#include "shared/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "shared/defs.h"
#include "shared/err.h"

enum config_type { CT_STR, CT_INT, CT_SIZE, CT_BOOL, CT_MS };

struct config_desc {
	const char *key;
	enum config_type type;
	const char *def;
	int64_t min, max;
	const char *doc;
	size_t off;
};

static const struct config_desc config_descs[] = {
#define CONFIG_FIELD(k, type, def, min, max, doc) \
	{#k, CT_##type, def, (int64_t)(min), (int64_t)(max), doc, offsetof(struct config, k)},
#include "shared/config_fields.h"
#undef CONFIG_FIELD
};

static const struct config_desc *
config_find(const char *key)
{
	for (size_t i = 0; i < ARRAY_LEN(config_descs); i++)
		if (strcmp(config_descs[i].key, key) == 0)
			return &config_descs[i];
	return NULL;
}

static int
parse_int(const char *s, bool size_suffix, int64_t *out)
{
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (end == s || errno)
		return ERR_INVAL;
	uint64_t mul = 1;
	if (size_suffix && *end) {
		switch (tolower((unsigned char)*end)) {
		case 'k':
			mul = 1ull << 10;
			break;
		case 'm':
			mul = 1ull << 20;
			break;
		case 'g':
			mul = 1ull << 30;
			break;
		case 't':
			mul = 1ull << 40;
			break;
		default:
			return ERR_INVAL;
		}
		end++;
		if (tolower((unsigned char)*end) == 'b' || tolower((unsigned char)*end) == 'i')
			end++;
		if (tolower((unsigned char)*end) == 'b')
			end++;
	}
	if (*end)
		return ERR_INVAL;
	if (v < 0 && mul > 1)
		return ERR_INVAL;
	if (mul > 1 && (uint64_t)v > (uint64_t)INT64_MAX / mul)
		return ERR_INVAL;
	*out = (int64_t)((uint64_t)v * mul);
	return 0;
}

static int
parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};
	for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return ERR_INVAL;
}

static int
config_apply(struct config *c, const struct config_desc *d, const char *value, char *err,
             size_t errlen)
{
	char *field = (char *)c + d->off;
	int64_t v;
	switch (d->type) {
	case CT_STR: {
		char **sp = (char **)(void *)field;
		free(*sp);
		*sp = xstrdup(value);
		return 0;
	}
	case CT_BOOL: {
		bool b;
		if (parse_bool(value, &b) < 0) {
			snprintf(err, errlen, "%s: expected true or false, got \"%s\"", d->key,
			         value);
			return ERR_INVAL;
		}
		*(bool *)(void *)field = b;
		return 0;
	}
	case CT_INT:
	case CT_MS:
	case CT_SIZE:
		if (parse_int(value, d->type == CT_SIZE, &v) < 0) {
			snprintf(err, errlen, "%s: expected %s, got \"%s\"", d->key,
			         d->type == CT_SIZE ? "a size such as 64M" : "an integer", value);
			return ERR_INVAL;
		}
		if (v < d->min || v > d->max) {
			snprintf(err, errlen, "%s: %s is out of range [%" PRId64 ", %" PRId64 "]",
			         d->key, value, d->min, d->max);
			return ERR_INVAL;
		}
		if (d->type == CT_SIZE)
			*(uint64_t *)(void *)field = (uint64_t)v;
		else
			*(int64_t *)(void *)field = v;
		return 0;
	}
	return ERR_INVAL;
}

void
config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
	char err[256];
	for (size_t i = 0; i < ARRAY_LEN(config_descs); i++) {
		int rc = config_apply(c, &config_descs[i], config_descs[i].def, err, sizeof(err));
		ASSERT(rc == 0); /* the table's own defaults must parse */
	}
}

void
config_fini(struct config *c)
{
	for (size_t i = 0; i < ARRAY_LEN(config_descs); i++) {
		if (config_descs[i].type == CT_STR) {
			char **sp = (char **)(void *)((char *)c + config_descs[i].off);
			free(*sp);
			*sp = NULL;
		}
	}
}

int
config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen)
{
	const struct config_desc *d = config_find(key);
	if (!d) {
		snprintf(err, errlen, "%s: unknown setting", key);
		return ERR_NOTFOUND;
	}
	return config_apply(c, d, value, err, errlen);
}

static char *
trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

int
config_load(struct config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ERR_IO;
	}
	char line[4096];
	unsigned lineno = 0;
	int rc = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char *s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errlen, "%s:%u: expected key = value", path, lineno);
			rc = ERR_INVAL;
			break;
		}
		*eq = '\0';
		char *key = trim(s);
		char *val = trim(eq + 1);
		size_t vlen = strlen(val);
		if (vlen >= 2 && val[0] == '"' && val[vlen - 1] == '"') {
			val[vlen - 1] = '\0';
			val++;
		}
		char msg[512];
		rc = config_set(c, key, val, msg, sizeof(msg));
		if (rc < 0) {
			snprintf(err, errlen, "%s:%u: %s", path, lineno, msg);
			break;
		}
	}
	fclose(f);
	return rc;
}

void
config_dump(const struct config *c, FILE *out, bool docs)
{
	for (size_t i = 0; i < ARRAY_LEN(config_descs); i++) {
		const struct config_desc *d = &config_descs[i];
		const char *field = (const char *)c + d->off;
		if (docs) {
			fprintf(out, "%s# %s\n", i ? "\n" : "", d->doc);
			if (d->type != CT_STR && d->type != CT_BOOL)
				fprintf(out, "# range: %" PRId64 " .. %" PRId64 "; default: %s\n",
				        d->min, d->max, d->def);
			else
				fprintf(out, "# default: %s\n", *d->def ? d->def : "(empty)");
		}
		switch (d->type) {
		case CT_STR:
			fprintf(out, "%s = \"%s\"\n", d->key, *(char *const *)(const void *)field);
			break;
		case CT_BOOL:
			fprintf(out, "%s = %s\n", d->key,
			        *(const bool *)(const void *)field ? "true" : "false");
			break;
		case CT_SIZE:
			fprintf(out, "%s = %" PRIu64 "\n", d->key,
			        *(const uint64_t *)(const void *)field);
			break;
		case CT_INT:
		case CT_MS:
			fprintf(out, "%s = %" PRId64 "\n", d->key,
			        *(const int64_t *)(const void *)field);
			break;
		}
	}
}

int
config_path(const struct config *c, const char *name, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%s/%s", c->data_dir, name);
	if (n < 0 || (size_t)n >= outlen)
		return ERR_TOOBIG;
	return 0;
}

int
config_parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *sslen)
{
	char host[256];
	const char *colon;
	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':' || (size_t)(close - s - 1) >= sizeof(host))
			return ERR_INVAL;
		memcpy(host, s + 1, (size_t)(close - s - 1));
		host[close - s - 1] = '\0';
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof(host))
			return ERR_INVAL;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
	}
	char *end;
	errno = 0;
	long port = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end || errno || port < 0 || port > 65535)
		return ERR_INVAL;
	if (strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	if (host[0] == '\0' || strcmp(host, "*") == 0)
		strcpy(host, "0.0.0.0");
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*sslen = sizeof(*a4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*sslen = sizeof(*a6);
		return 0;
	}
	return ERR_INVAL;
}
