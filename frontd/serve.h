/*
 * serve.h: from a parsed request to a queued response: method and body checks, path
 * normalisation, the LMDB lookup, access, ETag and encoding choice, the 404 page, the
 * lowercase-path redirect and the 503 used until the store exists.
 *
 * Page headers and bodies come straight from the record; bodies stay in the map and are
 * valid only until the loop ends its read txn, which is why a response that could not be
 * written in full is refreshed (serve_refresh) before writing resumes.
 */
#ifndef FRONTD_SERVE_H
#define FRONTD_SERVE_H

#include <stdint.h>

#include "shared/http.h"

struct conn;
struct frontd;

#define SERVE_404_KEY "/_folio/404"

/*
 * Queues the response to req on c (req_end: read-buffer offset just past it). Renews the
 * store snapshot first unless a body queued on c points into the map, so none is invalidated.
 * Returns 0, or ERR_TOOBIG when c's queue has no room for this response (flush, then
 * call again; nothing was queued).
 */
int serve_request(struct frontd *fd, struct conn *c, const struct http_req *req, uint32_t req_end);

/*
 * Queues a built-in answer to a request that will not be served (400, 414, 431, 501 and
 * 505 from the parser, 408 for a header timeout, 500) and marks c to close after it.
 * Returns 0 or ERR_TOOBIG.
 */
int serve_error(struct frontd *fd, struct conn *c, int status, uint32_t req_end);

/*
 * Finds the body of c's first queued response again after its txn ended: renews the
 * snapshot, looks the saved key up and checks that the ETag and body length are unchanged.
 * Returns 0, or ERR_STALE when the page changed or vanished (the response cannot be
 * completed: close the connection).
 */
int serve_refresh(struct frontd *fd, struct conn *c);

#endif
