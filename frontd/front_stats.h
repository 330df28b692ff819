/*
 * front_stats.h: one front's counters. The hot path bumps them with plain increments (the
 * struct is private to its process and only the event loop touches it); a stats socket
 * reads a copy between events. Declared once as an X-macro so a reader can walk every
 * counter by name without a second list.
 */
#ifndef FRONTD_FRONT_STATS_H
#define FRONTD_FRONT_STATS_H

#include <stdint.h>

#include "shared/stats.h"

/* X(name, kind, doc): kind is counter (only rises) or gauge (goes both ways). */
#define FRONT_STATS(X)                                                                         \
	X(conns_accepted, counter, "connections accepted")                                     \
	X(conns_rejected, counter, "connections closed at once because max_conns were open")   \
	X(conns_open, gauge, "connections open now")                                           \
	X(req_total, counter, "responses written in full")                                     \
	X(req_get, counter, "responses written in full to GET requests")                       \
	X(req_head, counter, "responses written in full to HEAD requests")                     \
	X(req_other, counter, "responses written in full to other or unparsable requests")     \
	X(keepalive_reused, counter, "responses on a connection that had answered before")     \
	X(resp_1xx, counter, "1xx responses")                                                  \
	X(resp_2xx, counter, "2xx responses")                                                  \
	X(resp_3xx, counter, "3xx responses (redirects and 304)")                              \
	X(resp_4xx, counter, "4xx responses")                                                  \
	X(resp_5xx, counter, "5xx responses")                                                  \
	X(resp_gzip, counter, "pages answered with the gzip body")                             \
	X(resp_identity, counter, "pages answered with the identity body")                     \
	X(resp_304, counter, "pages answered 304 Not Modified")                                \
	X(bytes_out, counter, "bytes written to clients")                                      \
	X(bad_requests, counter, "requests refused by the parser (400, 414, 431, 501, 505)")   \
	X(timeouts_header, counter, "connections closed: request head incomplete too long")    \
	X(timeouts_idle, counter, "keep-alive connections closed after idle_timeout_ms")       \
	X(timeouts_write, counter, "connections closed: client stopped reading")               \
	X(write_resumed, counter, "writes continued once a full socket drained")               \
	X(write_stale, counter, "connections closed: a page changed while its body was sent")  \
	X(store_unavailable, counter, "503 answers: the page store is not open or failed")     \
	X(store_corrupt, counter, "500 answers: a page record failed its checks")              \
	X(gen_seen, gauge, "highest push generation seen (events or the store)")               \
	X(inval_events, counter, "invalidation events received")                               \
	X(inval_gaps, counter, "invalidation events missed (generation gaps)")                 \
	X(inval_errors, counter, "bus messages that failed to decode or were too large")       \
	X(access_log_lines, counter, "lines added to the access log")                          \
	X(access_log_dropped, counter, "access log lines lost to write errors")                \
	X(views_counted, counter, "note page views counted (200 or 304 to GET, in full)")      \
	X(views_dropped, counter, "views lost: no room while ingestd was away, or refused")    \
	X(view_batches_sent, counter, "view batches sent to ingestd (first sends)")            \
	X(view_batches_acked, counter, "view batches ingestd acknowledged")                    \
	X(view_batches_pending, gauge, "view batches waiting for an acknowledgement")          \
	X(view_resends, counter, "view batches sent again: no ack within views_resend_ms")     \
	X(live_open, gauge, "live-reload streams open now")                                    \
	X(live_accepted, counter, "live-reload streams opened")                                \
	X(live_rejected, counter, "live-reload requests answered 503 (live_max, or stopping)") \
	X(live_pushes, counter, "push events written to live-reload streams")                  \
	X(live_dropped, counter, "live-reload streams closed because their socket was full")   \
	X(live_resyncs, counter, "live-reload checks of every stream after missed events")     \
	X(live_fanout_us, counter, "microseconds spent telling streams about changed pages")

struct front_stats {
#define FRONT_STATS_FIELD(name, kind, doc) uint64_t name;
	FRONT_STATS(FRONT_STATS_FIELD)
#undef FRONT_STATS_FIELD
	struct stats_hist latency_us; /* complete request head to response written in full */
};

#endif
