/*
 * httpc.c: libcurl behind folio's error vocabulary. One easy handle per client, reused so
 * that the file-list GET and the push POST share a connection. The key travels as a bearer
 * token through libcurl's own auth support, so it is not forwarded if a redirect leads to
 * another host. Only http and https are allowed, for requests and for redirects.
 */
#include "tools/folio/httpc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "shared/defs.h"
#include "shared/err.h"

#ifndef FOLIO_VERSION
#include "shared/version.h"
#endif

struct httpc {
	CURL *curl;
	char *base;
	char *key;
	httpc_progress_fn *progress;
	void *progress_arg;
	char errbuf[CURL_ERROR_SIZE];
};

int
httpc_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : ERR_NOMEM;
}

void
httpc_global_fini(void)
{
	curl_global_cleanup();
}

static size_t
httpc_on_write(char *p, size_t size, size_t n, void *arg)
{
	struct httpc_resp *r = arg;

	buf_put(&r->body, p, size * n);
	// Returning a short count makes libcurl stop with CURLE_WRITE_ERROR.
	return r->body.err ? 0 : size * n;
}

static int
httpc_on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                  curl_off_t ulnow)
{
	struct httpc *h = arg;

	(void)dltotal;
	(void)dlnow;
	if (h->progress && ultotal > 0) {
		h->progress(h->progress_arg, (uint64_t)ulnow, (uint64_t)ultotal);
	}
	return 0;
}

int
httpc_new(struct httpc **out, const char *base_url, const char *key, bool direct)
{
	struct httpc *h = NULL;
	size_t n;

	*out = NULL;
	if (strncmp(base_url, "http://", 7) != 0 && strncmp(base_url, "https://", 8) != 0) {
		return ERR_INVAL;
	}
	h = xcalloc(1, sizeof(*h));
	h->base = xstrdup(base_url);
	n = strlen(h->base);
	while (n > 0 && h->base[n - 1] == '/') {
		h->base[--n] = '\0';
	}
	h->key = key ? xstrdup(key) : NULL;
	h->curl = curl_easy_init();
	if (!h->curl) {
		httpc_free(h);
		return ERR_NOMEM;
	}
	CURL *c = h->curl;
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "folio/" FOLIO_VERSION);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	// A push answered with a redirect is still a push: keep POST on 301 and 302.
	curl_easy_setopt(c, CURLOPT_POSTREDIR, (long)(CURL_REDIR_POST_301 | CURL_REDIR_POST_302));
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, httpc_on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, httpc_on_write);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	if (h->key) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
		curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, h->key);
	}
	if (direct) {
		curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	}
	*out = h;
	return 0;
}

void
httpc_free(struct httpc *h)
{
	if (!h) {
		return;
	}
	if (h->curl) {
		curl_easy_cleanup(h->curl);
	}
	free(h->base);
	if (h->key) {
		explicit_bzero(h->key, strlen(h->key));
	}
	free(h->key);
	free(h);
}

void
httpc_set_timeouts(struct httpc *h, long connect_ms, long total_ms)
{
	curl_easy_setopt(h->curl, CURLOPT_CONNECTTIMEOUT_MS, connect_ms > 0 ? connect_ms : 10000L);
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT_MS, total_ms > 0 ? total_ms : 0L);
}

const char *
httpc_error(const struct httpc *h)
{
	return h->errbuf;
}

const char *
httpc_base(const struct httpc *h)
{
	return h->base;
}

void
httpc_resp_fini(struct httpc_resp *r)
{
	if (r) {
		buf_fini(&r->body);
		r->status = 0;
	}
}

/* Runs the prepared request and maps the outcome to 0 or an ERR_* code. */
static int
httpc_perform(struct httpc *h, const char *path, struct httpc_resp *r)
{
	struct buf url;
	CURLcode cc;

	r->status = 0;
	buf_init(&r->body, HTTPC_MAX_REPLY);
	buf_init(&url, 0);
	buf_printf(&url, "%s%s%s", h->base, path[0] == '/' ? "" : "/", path);
	h->errbuf[0] = '\0';
	curl_easy_setopt(h->curl, CURLOPT_URL, buf_cstr(&url));
	curl_easy_setopt(h->curl, CURLOPT_WRITEDATA, r);
	cc = curl_easy_perform(h->curl);
	buf_fini(&url);
	if (!h->errbuf[0] && cc != CURLE_OK) {
		snprintf(h->errbuf, sizeof(h->errbuf), "%s", curl_easy_strerror(cc));
	}
	switch (cc) {
	case CURLE_OK:
		curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &r->status);
		return 0;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return ERR_CLOSED;
	case CURLE_OPERATION_TIMEDOUT: {
		// A timeout before the connection was made means the server is unreachable.
		curl_off_t connected = 0;
		curl_easy_getinfo(h->curl, CURLINFO_CONNECT_TIME_T, &connected);
		return connected == 0 ? ERR_CLOSED : ERR_IO;
	}
	case CURLE_WRITE_ERROR:
		if (r->body.err) {
			snprintf(h->errbuf, sizeof(h->errbuf), "reply larger than %u bytes",
			         HTTPC_MAX_REPLY);
			return ERR_TOOBIG;
		}
		return ERR_IO;
	default:
		return ERR_IO;
	}
}

int
httpc_get(struct httpc *h, const char *path, struct httpc_resp *r)
{
	curl_easy_setopt(h->curl, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(h->curl, CURLOPT_NOPROGRESS, 1L);
	h->progress = NULL;
	return httpc_perform(h, path, r);
}

int
httpc_post(struct httpc *h, const char *path, const char *content_type, struct slice body,
           httpc_progress_fn *progress, void *arg, struct httpc_resp *r)
{
	struct curl_slist *hdrs = NULL;
	struct buf ct;
	int rc;

	buf_init(&ct, 0);
	buf_printf(&ct, "Content-Type: %s", content_type);
	hdrs = curl_slist_append(NULL, buf_cstr(&ct));
	buf_fini(&ct);
	if (!hdrs) {
		return ERR_NOMEM;
	}
	curl_easy_setopt(h->curl, CURLOPT_POST, 1L);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, (const char *)body.ptr);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body.len);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdrs);
	h->progress = progress;
	h->progress_arg = arg;
	curl_easy_setopt(h->curl, CURLOPT_NOPROGRESS, progress ? 0L : 1L);
	rc = httpc_perform(h, path, r);
	h->progress = NULL;
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, NULL);
	curl_slist_free_all(hdrs);
	return rc;
}
