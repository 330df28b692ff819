/*
 * viewapi.h: GET /api/v1/views, the page views the fronts reported, as JSON.
 *
 *   ?top=N          most viewed paths to list (default 50, 1..100000)
 *   ?since=DATE     count only days from DATE on (YYYY-MM-DD, UTC); default: all days
 *   ?path=/p        one page: its total and one row per day
 *
 * Reply: {"since": "YYYY-MM-DD" or null, "path": "/p" (only with path), "total": N,
 *         "pages": P, "paths": [{"path", "views"}, ...] (most viewed first),
 *         "days": [{"day", "views"}, ...] (only with path)}
 */
#ifndef INGESTD_VIEWAPI_H
#define INGESTD_VIEWAPI_H

#include "shared/buf.h"

struct viewdb;

#define VIEWAPI_TOP_DEFAULT 50
#define VIEWAPI_TOP_MAX     100000

/*
 * Answers the query string query (without '?', percent-encoded, borrowed) into out.
 * Returns 0 with the JSON reply in out, ERR_INVAL with a message for the client in out
 * (answer 400), or a database error (out unspecified; answer 500).
 */
int viewapi_json(struct viewdb *db, struct slice query, struct buf *out);

#endif
