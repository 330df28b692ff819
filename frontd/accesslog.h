/*
 * accesslog.h: frontd's optional access log (access_log = PATH; empty, the default, is off).
 * One line per answer, in key=value form like every folio log:
 *
 *   time=2025-05-01T12:00:00Z front=4242 client=203.0.113.9 method=GET path="/notes/a"
 *   status=200 bytes=5120 enc=gzip ref="https://example.org/" ua="Mozilla/5.0 ..."
 *
 * (one line in the file). path is the request target as sent (query included), ref and ua
 * the Referer and User-Agent headers ("-" when absent); quoted values escape '"', '\' and
 * bytes outside printable ASCII as \xHH, and are cut at ACCESSLOG_FIELD_MAX bytes. bytes
 * counts the head and body of the answer (a HEAD answer has no body, but its enc says
 * which one GET would send); enc is gzip, identity, 304 or - (redirects and built-in
 * answers). A request whose head did not parse has method=- path="-". A live-reload
 * stream that opens (GET /_folio/live) hands its socket over without a queued answer and is
 * not logged; live-reload answers that are queued (HEAD, 503) are.
 *
 * Off the hot path: a line is formatted into a buffer allocated at start-up when its answer
 * is queued, and the buffer is written with one write(2) at the end of a loop iteration
 * once ACCESSLOG_FLUSH_BYTES have gathered or the oldest line is ACCESSLOG_FLUSH_MS old.
 * Writes go to the page cache and do not wait for the disk. If the buffer fills within one
 * iteration it is written early; if a write fails, its lines are dropped and counted.
 * Several fronts may share one file (O_APPEND). The file is reopened when it is renamed or
 * removed (logrotate's default "create" mode), so no signal is needed.
 */
#ifndef FRONTD_ACCESSLOG_H
#define FRONTD_ACCESSLOG_H

#include <stdint.h>
#include <sys/socket.h>

#include "frontd/front_stats.h"

#define ACCESSLOG_BUF         ((size_t)256 * 1024)
#define ACCESSLOG_FLUSH_BYTES ((size_t)32 * 1024)
#define ACCESSLOG_FLUSH_MS    250
#define ACCESSLOG_REOPEN_MS   2000 /* how often to look for a rotated file */
#define ACCESSLOG_FIELD_MAX   512  /* longest path, referer or agent logged, before escaping */

struct accesslog;
struct conn;
struct frontd;
struct http_req;

/* A client's address as text, kept per connection while access logging is on. */
struct accesslog_peer {
	char text[48];
};

/*
 * Opens (creating, mode 0640) and appends to path; a relative path is taken under
 * data_dir. Allocates the line buffer. Returns 0, ERR_NOMEM or ERR_IO (logged, with the
 * path). Close with accesslog_close.
 */
int accesslog_open(struct accesslog **out, const char *path, const char *data_dir);
/* Writes what is buffered and closes. NULL is a no-op. */
void accesslog_close(struct accesslog *a);

/* Formats sa (an accepted client's address) into p. */
void accesslog_peer_set(struct accesslog_peer *p, const struct sockaddr *sa);

/*
 * Logs the answers queued on c at indexes [n0, c->q.n) (conn.c calls it after serving each
 * request; req is NULL when the head did not parse). Answers queued a second time after a
 * partial write (c->alog_skip) are not logged again. Never blocks, never allocates.
 */
void accesslog_note(struct frontd *fd, struct conn *c, uint32_t n0, const struct http_req *req);

/*
 * End of a loop iteration: writes the buffer if it is due and, every ACCESSLOG_REOPEN_MS,
 * reopens the file if it was rotated. Counts dropped lines in st.
 */
void accesslog_tick(struct accesslog *a, int64_t now_ms, struct front_stats *st);

#endif
