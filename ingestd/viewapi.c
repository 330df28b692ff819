/*
 * viewapi.c: the views endpoint (contract in viewapi.h): a strict query-string parser
 * (unknown or repeated parameters are refused, so a typo does not silently widen the
 * answer) and the JSON reply built from viewdb's queries.
 */
#include "ingestd/viewapi.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ingestd/viewdb.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/events.h"

struct viewapi_args {
	size_t top;
	bool have_top, have_since, have_path;
	char since[VIEWDB_DAY_LEN + 1];
	char path[EVENT_VIEWS_PATH_MAX + 1];
};

static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

/* Percent-decodes v ('+' is a space) into out[cap] as a C string. False if malformed. */
static bool
decode_value(struct slice v, char *out, size_t cap, size_t *len)
{
	size_t n = 0;
	for (size_t i = 0; i < v.len; i++) {
		uint8_t c = v.ptr[i];
		if (c == '%') {
			int hi = i + 2 < v.len ? hexval(v.ptr[i + 1]) : -1;
			int lo = hi >= 0 ? hexval(v.ptr[i + 2]) : -1;
			if (lo < 0) {
				return false;
			}
			c = (uint8_t)(hi << 4 | lo);
			i += 2;
		} else if (c == '+') {
			c = ' ';
		}
		if (c == 0 || n + 1 >= cap) {
			return false;
		}
		out[n++] = (char)c;
	}
	out[n] = '\0';
	*len = n;
	return true;
}

/* Reads one name=value pair into a; writes a message into err on a bad one. */
static int
parse_pair(struct slice name, struct slice value, struct viewapi_args *a, struct buf *err)
{
	char v[EVENT_VIEWS_PATH_MAX + 2];
	size_t n = 0;
	if (!decode_value(value, v, sizeof(v), &n)) {
		buf_printf(err, "bad or too long value for %.*s", (int)name.len,
		           (const char *)name.ptr);
		return ERR_INVAL;
	}
	bool *seen = NULL;
	if (slice_eq_str(name, "top")) {
		seen = &a->have_top;
		uint64_t t = 0;
		bool ok = n > 0 && n <= 6;
		for (size_t i = 0; ok && i < n; i++) {
			ok = v[i] >= '0' && v[i] <= '9';
			t = t * 10 + (uint64_t)(v[i] - '0');
		}
		if (!ok || t < 1 || t > VIEWAPI_TOP_MAX) {
			buf_printf(err, "top must be a number from 1 to %d", VIEWAPI_TOP_MAX);
			return ERR_INVAL;
		}
		a->top = (size_t)t;
	} else if (slice_eq_str(name, "since")) {
		seen = &a->have_since;
		uint32_t day;
		if (viewdb_day_parse((struct slice){(const uint8_t *)v, n}, &day) < 0) {
			buf_puts(err, "since must be a date as YYYY-MM-DD (1970 or later)");
			return ERR_INVAL;
		}
		viewdb_day_str(day, a->since);
	} else if (slice_eq_str(name, "path")) {
		seen = &a->have_path;
		if (n == 0 || v[0] != '/' || n > EVENT_VIEWS_PATH_MAX) {
			buf_printf(err, "path must start with / and be at most %d bytes",
			           EVENT_VIEWS_PATH_MAX);
			return ERR_INVAL;
		}
		memcpy(a->path, v, n + 1);
	} else {
		buf_puts(err, "unknown parameter ");
		buf_put_json_str(err, name.ptr, name.len);
		buf_puts(err, " (known: top, since, path)");
		return ERR_INVAL;
	}
	if (*seen) {
		buf_printf(err, "%.*s given twice", (int)name.len, (const char *)name.ptr);
		return ERR_INVAL;
	}
	*seen = true;
	return 0;
}

static int
parse_query(struct slice q, struct viewapi_args *a, struct buf *err)
{
	size_t i = 0;
	while (i < q.len) {
		size_t end = i;
		while (end < q.len && q.ptr[end] != '&') {
			end++;
		}
		size_t eq = i;
		while (eq < end && q.ptr[eq] != '=') {
			eq++;
		}
		struct slice name = {q.ptr + i, eq - i};
		struct slice value = {q.ptr + MIN(eq + 1, end), end - MIN(eq + 1, end)};
		if (name.len) {
			int rc = parse_pair(name, value, a, err);
			if (rc) {
				return rc;
			}
		}
		i = end + 1;
	}
	return 0;
}

struct viewapi_rows {
	struct buf *out;
	const char *key; /* "path" or "day" */
	bool first;
};

static int
put_row(void *arg, const char *key, uint64_t views)
{
	struct viewapi_rows *r = arg;
	buf_puts(r->out, r->first ? "{\"" : ",{\"");
	r->first = false;
	buf_puts(r->out, r->key);
	buf_puts(r->out, "\":");
	buf_put_json_str(r->out, key, strlen(key));
	buf_puts(r->out, ",\"views\":");
	buf_put_u64(r->out, views);
	buf_putc(r->out, '}');
	return r->out->err;
}

int
viewapi_json(struct viewdb *db, struct slice query, struct buf *out)
{
	struct viewapi_args a = {.top = VIEWAPI_TOP_DEFAULT};
	int rc = parse_query(query, &a, out);
	if (rc) {
		return rc;
	}
	struct viewdb_query q = {
	        .since = a.have_since ? a.since : NULL,
	        .path = a.have_path ? a.path : NULL,
	        .top = a.top,
	};
	uint64_t total = 0, pages = 0;
	rc = viewdb_total(db, &q, &total, &pages);
	if (rc) {
		return rc;
	}
	buf_puts(out, "{\"since\":");
	if (a.have_since) {
		buf_put_json_str(out, a.since, strlen(a.since));
	} else {
		buf_puts(out, "null");
	}
	if (a.have_path) {
		buf_puts(out, ",\"path\":");
		buf_put_json_str(out, a.path, strlen(a.path));
	}
	buf_puts(out, ",\"total\":");
	buf_put_u64(out, total);
	buf_puts(out, ",\"pages\":");
	buf_put_u64(out, pages);
	buf_puts(out, ",\"paths\":[");
	struct viewapi_rows rows = {out, "path", true};
	if (a.have_path) {
		if (pages) {
			put_row(&rows, a.path, total);
		}
	} else {
		rc = viewdb_top(db, &q, put_row, &rows);
	}
	buf_putc(out, ']');
	if (!rc && a.have_path) {
		buf_puts(out, ",\"days\":[");
		rows = (struct viewapi_rows){out, "day", true};
		rc = viewdb_days(db, &q, put_row, &rows);
		buf_putc(out, ']');
	}
	buf_putc(out, '}');
	if (rc) {
		return rc < 0 ? rc : ERR_NOMEM;
	}
	return out->err;
}
