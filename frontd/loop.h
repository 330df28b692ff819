/*
 * loop.h: frontd's event loop: one epoll set for the listening socket, the signalfd, the
 * invalidation bus and every connection; connection timers; and deferred closing (a
 * connection closed during an iteration is freed only at its end, so a later event of
 * the same batch never reaches a reused slot).
 *
 * Timers are lists with one fixed timeout each, ordered by when a connection joined, so
 * expiring is a scan from the oldest that stops at the first still-live entry, and
 * (re)arming is an O(1) unlink and append.
 */
#ifndef FRONTD_LOOP_H
#define FRONTD_LOOP_H

#include <stdint.h>

struct conn;
struct frontd;

/* The first member of everything registered with epoll says what it is. */
enum loop_kind {
	LOOP_LISTEN = 1,
	LOOP_SIGNAL,
	LOOP_BUS,
	LOOP_CONN,
	LOOP_VIEWS, /* acknowledgements of view batches (views.h) */
	LOOP_STATS, /* requests on the stats socket (front_statsock.h) */
	LOOP_LIVE,  /* a live-reload stream (live.h) */
};

struct loop_src {
	uint8_t kind;
};

enum loop_timer {
	LOOP_TIMER_NONE = 0,
	LOOP_TIMER_HEAD,   /* a request head is due: header_timeout_ms */
	LOOP_TIMER_IDLE,   /* keep-alive, nothing pending: idle_timeout_ms */
	LOOP_TIMER_WRITE,  /* waiting for the client to read: idle_timeout_ms since progress */
	LOOP_TIMER_LINGER, /* closing: draining what the client still sends */
	LOOP_TIMER_COUNT
};

#define LOOP_LINGER_MS 2000 /* how long a closing connection drains input */

struct loop_timers {
	struct conn *head[LOOP_TIMER_COUNT];
	struct conn *tail[LOOP_TIMER_COUNT];
	int64_t timeout_ms[LOOP_TIMER_COUNT];
};

void loop_timers_init(struct loop_timers *t, int64_t header_ms, int64_t idle_ms);
/* Moves c to the end of list which, stamped now (unlinking it from any other list). */
void loop_timer_set(struct loop_timers *t, struct conn *c, enum loop_timer which, int64_t now);
/* Unlinks c from its list, if any. */
void loop_timer_clear(struct loop_timers *t, struct conn *c);
/* Milliseconds until the earliest deadline (0 if one has passed), or -1 if none. */
int64_t loop_timer_next(const struct loop_timers *t, int64_t now);

/* epoll_ctl wrappers; return 0 or a negative errno. */
int loop_watch(int epfd, int fd, uint32_t events, struct loop_src *src);
int loop_rewatch(int epfd, int fd, uint32_t events, struct loop_src *src);

/* Current monotonic time in milliseconds (coarse clock: no syscall). */
int64_t loop_now_ms(void);

/*
 * Runs until a stop has finished (every connection closed, or the stop deadline passed).
 * Returns 0, or ERR_IO if epoll itself failed.
 */
int loop_run(struct frontd *fd);

#endif
