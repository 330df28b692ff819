/*
 * httpc.h: the CLI's HTTP client, and the only file that includes curl/curl.h. One handle
 * talks to one ingestd API base URL ("http://127.0.0.1:8081") with a bearer key and keeps
 * its connection alive between requests. libcurl brings TLS (an ingest behind a TLS
 * terminator), proxies from the environment and redirects, which a hand-written client
 * would not. Calls block until the server answers or a timeout passes.
 */
#ifndef TOOLS_FOLIO_HTTPC_H
#define TOOLS_FOLIO_HTTPC_H

#include <stdbool.h>
#include <stdint.h>

#include "shared/buf.h"

#define HTTPC_MAX_REPLY (64u << 20) /* larger replies are cut off with ERR_TOOBIG */

struct httpc;

/* A reply. body is a heap buf owned by the reply; free it with httpc_resp_fini(). */
struct httpc_resp {
	long status; /* HTTP status; 0 if no reply arrived */
	struct buf body;
};

/* Progress while sending a request body: bytes sent so far of total. */
typedef void httpc_progress_fn(void *arg, uint64_t sent, uint64_t total);

/* Call once per process before any other httpc call (it initialises libcurl). */
int httpc_global_init(void);
void httpc_global_fini(void);

/*
 * Makes a client for base_url (scheme, host and port; a trailing '/' is ignored) sending
 * "Authorization: Bearer key" (key may be NULL for none; it is copied). With direct, proxy
 * settings from the environment are ignored (for a local ingestd). Returns 0, ERR_INVAL
 * (not an http:// or https:// URL) or ERR_NOMEM. Free with httpc_free().
 */
int httpc_new(struct httpc **out, const char *base_url, const char *key, bool direct);
void httpc_free(struct httpc *h); /* NULL is a no-op */

/* Limits for the next requests, in milliseconds; 0 means none (total) or libcurl's default. */
void httpc_set_timeouts(struct httpc *h, long connect_ms, long total_ms);

/*
 * GET base_url + path. Returns 0 when any HTTP reply arrived (check r->status), ERR_CLOSED
 * when the server cannot be reached (refused, no route, unknown host, connect timeout),
 * ERR_TOOBIG when the reply passed HTTPC_MAX_REPLY, or ERR_IO for other transport failures;
 * httpc_error() then says what happened. r is initialised by the call.
 */
int httpc_get(struct httpc *h, const char *path, struct httpc_resp *r);

/*
 * POST body (borrowed for the call) with the given Content-Type to base_url + path.
 * progress (may be NULL) is called from inside the transfer, at most a few times a second.
 * Returns as httpc_get.
 */
int httpc_post(struct httpc *h, const char *path, const char *content_type, struct slice body,
               httpc_progress_fn *progress, void *arg, struct httpc_resp *r);

/* The last transport error as text; valid until the next call on h. */
const char *httpc_error(const struct httpc *h);
/* The base URL the client was made with, without a trailing '/'. */
const char *httpc_base(const struct httpc *h);

void httpc_resp_fini(struct httpc_resp *r);

#endif
