/*
 * loop.c: frontd's epoll loop, connection timers and end-of-iteration work (contract in
 * loop.h). One iteration: wait, read the clock once, dispatch every event, end the LMDB
 * read txn (no reader outlives an iteration), free closed connections, expire timers and
 * run the periodic ticks.
 */
#include "frontd/loop.h"

#include <errno.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "frontd/accesslog.h"
#include "frontd/conn.h"
#include "frontd/front_statsock.h"
#include "frontd/frontd.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/log.h"
#include "shared/store.h"

#define LOOP_EVENTS  256
#define LOOP_WAIT_MS 1000 /* the longest sleep: ticks and the Date line stay fresh */

void
loop_timers_init(struct loop_timers *t, int64_t header_ms, int64_t idle_ms)
{
	*t = (struct loop_timers){0};
	t->timeout_ms[LOOP_TIMER_HEAD] = header_ms;
	t->timeout_ms[LOOP_TIMER_IDLE] = idle_ms;
	t->timeout_ms[LOOP_TIMER_WRITE] = idle_ms;
	t->timeout_ms[LOOP_TIMER_LINGER] = LOOP_LINGER_MS;
}

void
loop_timer_clear(struct loop_timers *t, struct conn *c)
{
	if (c->timer == LOOP_TIMER_NONE)
		return;
	if (c->tprev)
		c->tprev->tnext = c->tnext;
	else
		t->head[c->timer] = c->tnext;
	if (c->tnext)
		c->tnext->tprev = c->tprev;
	else
		t->tail[c->timer] = c->tprev;
	c->tprev = c->tnext = NULL;
	c->timer = LOOP_TIMER_NONE;
}

void
loop_timer_set(struct loop_timers *t, struct conn *c, enum loop_timer which, int64_t now)
{
	ASSERT(which > LOOP_TIMER_NONE && which < LOOP_TIMER_COUNT);
	if (c->timer == which && !c->tnext) {
		c->stamp = now; /* already last: stamps only rise, order holds */
		return;
	}
	loop_timer_clear(t, c);
	c->timer = (uint8_t)which;
	c->stamp = now;
	c->tprev = t->tail[which];
	c->tnext = NULL;
	if (c->tprev)
		c->tprev->tnext = c;
	else
		t->head[which] = c;
	t->tail[which] = c;
}

int64_t
loop_timer_next(const struct loop_timers *t, int64_t now)
{
	int64_t best = -1;
	for (int i = LOOP_TIMER_NONE + 1; i < LOOP_TIMER_COUNT; i++) {
		if (!t->head[i])
			continue;
		int64_t left = t->head[i]->stamp + t->timeout_ms[i] - now;
		if (left < 0)
			left = 0;
		if (best < 0 || left < best)
			best = left;
	}
	return best;
}

int
loop_watch(int epfd, int fd, uint32_t events, struct loop_src *src)
{
	struct epoll_event ev = {.events = events, .data.ptr = src};
	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

int
loop_rewatch(int epfd, int fd, uint32_t events, struct loop_src *src)
{
	struct epoll_event ev = {.events = events, .data.ptr = src};
	return epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
}

int64_t
loop_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads the clocks once for the whole iteration. */
static void
loop_clock(struct frontd *fd)
{
	struct timespec ts;
	fd->now_ms = loop_now_ms();
	fd->now_us = stats_mono_us(); /* vDSO; the coarse clock ticks too slowly for latency */
	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	respond_date_update(&fd->date, (int64_t)ts.tv_sec);
}

/* Expires connections whose deadline has passed, oldest first in each list. */
static void
loop_expire(struct frontd *fd)
{
	struct loop_timers *t = &fd->timers;
	for (int i = LOOP_TIMER_NONE + 1; i < LOOP_TIMER_COUNT; i++) {
		struct conn *c;
		while ((c = t->head[i]) && c->stamp + t->timeout_ms[i] <= fd->now_ms) {
			loop_timer_clear(t, c);
			conn_expire(fd, c, (enum loop_timer)i);
		}
	}
}

/* How long epoll may sleep: until the next timer, tick or stop deadline. */
static int
loop_wait_ms(struct frontd *fd)
{
	int64_t ms = loop_timer_next(&fd->timers, fd->now_ms);
	if (ms < 0 || ms > LOOP_WAIT_MS)
		ms = LOOP_WAIT_MS;
	int64_t at[] = {fd->store ? 0 : fd->store_retry_at,
	                fd->listen_paused_until,
	                fd->stopping && fd->pool.open ? fd->stop_deadline : 0,
	                views_deadline(&fd->views),
	                fd->live.wake_at,
	                fd->stop_idle_at};
	for (size_t i = 0; i < ARRAY_LEN(at); i++) {
		if (!at[i])
			continue;
		int64_t left = at[i] - fd->now_ms;
		ms = MIN(ms, MAX(left, 0));
	}
	return (int)ms;
}

static void
loop_signal(struct frontd *fd)
{
	struct signalfd_siginfo si;
	while (read(fd->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		log_info("frontd.signal", "sig=%u", si.ssi_signo);
		frontd_stop(fd);
	}
}

static bool
loop_done(const struct frontd *fd)
{
	return fd->stopping && (fd->pool.open == 0 || fd->now_ms >= fd->stop_deadline) &&
	       views_done(&fd->views, fd->now_ms); /* the last views are flushed (views.h) */
}

int
loop_run(struct frontd *fd)
{
	struct epoll_event ev[LOOP_EVENTS];
	loop_clock(fd);
	while (!loop_done(fd)) {
		int n = epoll_wait(fd->epfd, ev, LOOP_EVENTS, loop_wait_ms(fd));
		if (n < 0) {
			if (errno != EINTR) {
				log_err("loop.epoll", "err=%s", err_str(-errno));
				return ERR_IO;
			}
			n = 0;
		}
		loop_clock(fd);
		for (int i = 0; i < n; i++) {
			struct loop_src *src = ev[i].data.ptr;
			switch (src->kind) {
			case LOOP_CONN:
				conn_event(fd, container_of(src, struct conn, src), ev[i].events);
				break;
			case LOOP_LISTEN:
				if (fd->lfd >= 0)
					conn_accept(fd);
				break;
			case LOOP_SIGNAL:
				loop_signal(fd);
				break;
			case LOOP_BUS:
				inval_drain(&fd->inval, &fd->stats);
				break;
			case LOOP_VIEWS:
				views_drain(&fd->views, fd->now_ms);
				break;
			case LOOP_STATS:
				front_statsock_answer(fd);
				break;
			case LOOP_LIVE:
				live_event(fd, container_of(src, struct live_sub, src),
				           ev[i].events);
				break;
			default:
				break;
			}
		}
		/* Every map pointer handed out this iteration has been written or dropped. */
		if (fd->store)
			store_read_end(fd->store);
		loop_expire(fd);
		conn_reap(fd);
		frontd_tick(fd);
		if (fd->alog)
			accesslog_tick(fd->alog, fd->now_ms, &fd->stats);
	}
	return 0;
}
