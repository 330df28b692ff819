/*
 * front_stats.h: one front's counters. The hot path bumps them with plain increments (the
 * struct is private to its process and only the event loop touches it); a stats socket
 * reads a copy between events. Declared once as an X-macro so a reader can walk every
 * counter by name without a second list.
 */
#ifndef FRONTD_FRONT_STATS_H
#define FRONTD_FRONT_STATS_H

#include <stdint.h>

/* X(name, kind, doc): kind is counter (only rises) or gauge (goes both ways). */
#define FRONT_STATS(X)                                                                        \
	X(conns_accepted, counter, "connections accepted")                                    \
	X(conns_rejected, counter, "connections closed at once because max_conns were open")  \
	X(conns_open, gauge, "connections open now")                                          \
	X(req_total, counter, "responses written in full")                                    \
	X(resp_1xx, counter, "1xx responses")                                                 \
	X(resp_2xx, counter, "2xx responses")                                                 \
	X(resp_3xx, counter, "3xx responses (redirects and 304)")                             \
	X(resp_4xx, counter, "4xx responses")                                                 \
	X(resp_5xx, counter, "5xx responses")                                                 \
	X(resp_gzip, counter, "pages answered with the gzip body")                            \
	X(resp_identity, counter, "pages answered with the identity body")                    \
	X(resp_304, counter, "pages answered 304 Not Modified")                               \
	X(bytes_out, counter, "bytes written to clients")                                     \
	X(bad_requests, counter, "requests refused by the parser (400, 414, 431, 501, 505)")  \
	X(timeouts_header, counter, "connections closed: request head incomplete too long")   \
	X(timeouts_idle, counter, "keep-alive connections closed after idle_timeout_ms")      \
	X(timeouts_write, counter, "connections closed: client stopped reading")              \
	X(write_resumed, counter, "writes continued once a full socket drained")              \
	X(write_stale, counter, "connections closed: a page changed while its body was sent") \
	X(store_unavailable, counter, "503 answers: the page store is not open or failed")    \
	X(store_corrupt, counter, "500 answers: a page record failed its checks")             \
	X(gen_seen, gauge, "highest push generation seen (events or the store)")              \
	X(inval_events, counter, "invalidation events received")                              \
	X(inval_gaps, counter, "invalidation events missed (generation gaps)")                \
	X(inval_errors, counter, "bus messages that failed to decode or were too large")

struct front_stats {
#define FRONT_STATS_FIELD(name, kind, doc) uint64_t name;
	FRONT_STATS(FRONT_STATS_FIELD)
#undef FRONT_STATS_FIELD
};

#endif
