/*
 * gzpool.c: the compressing worker (contract in gzpool.h).
 *
 * Counters order the ring: the push's thread fills slot submitted % N and bumps
 * submitted; it stores slots in order from retired and refills a slot only once retired
 * has passed it. Each slot's state (queued, claimed, done) changes under the mutex, which
 * also hands the job's memory from one thread to the other. The worker claims queued
 * slots from the oldest (its cursor wnext); when the oldest is not done yet, the push's
 * thread, rather than sleep, claims the newest queued slot and compresses it itself, so
 * when compressing is the larger half of the work both cores share it.
 */
#include "ingestd/gzpool.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingestd/build.h"
#include "renderer/compress.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/log.h"

/* A job's buffer larger than this after a write is freed (GZPOOL_SLOTS of them are kept). */
#define GZPOOL_KEEP ((size_t)64 * 1024)

enum gzpool_state { GZPOOL_QUEUED, GZPOOL_CLAIMED, GZPOOL_DONE };

struct gzpool {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work;        /* the worker waits here for queued jobs */
	pthread_cond_t done;        /* the push's thread waits here for the oldest job */
	struct compressor *gz;      /* the worker's */
	struct compressor *help_gz; /* the push's thread's, for the jobs it takes back */
	uint64_t submitted, retired, wnext;
	uint64_t helped; /* jobs the push's thread compressed itself */
	bool stop;
	bool hold;    /* gzpool_test_hold: the worker claims nothing */
	bool waiting; /* the push's thread sleeps on done */
	uint8_t state[GZPOOL_SLOTS];
	struct build_job slot[GZPOOL_SLOTS];
};

static void *
gzpool_main(void *arg)
{
	struct gzpool *p = arg;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && (p->hold || p->wnext == p->submitted)) {
			pthread_cond_wait(&p->work, &p->mu);
		}
		if (p->stop) {
			break; /* gzpool_close: the ring is empty (writes drain it) */
		}
		size_t i = (size_t)(p->wnext++ % GZPOOL_SLOTS);
		if (p->state[i] != GZPOOL_QUEUED) {
			continue; /* taken back by the push's thread, or needs no work */
		}
		p->state[i] = GZPOOL_CLAIMED;
		pthread_mutex_unlock(&p->mu);
		build_job_finish(&p->slot[i], p->gz);
		pthread_mutex_lock(&p->mu);
		p->state[i] = GZPOOL_DONE;
		if (p->waiting) {
			pthread_cond_signal(&p->done);
		}
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int
gzpool_open(struct gzpool **out, int level)
{
	*out = NULL;
	struct gzpool *p = xcalloc(1, sizeof(*p));
	p->gz = compressor_new(level);
	p->help_gz = compressor_new(level);
	if (!p->gz || !p->help_gz) {
		compressor_free(p->gz);
		compressor_free(p->help_gz);
		free(p);
		return ERR_NOMEM;
	}
	for (size_t i = 0; i < GZPOOL_SLOTS; i++) {
		build_job_init(&p->slot[i]);
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	// The worker takes no signal: they stay the push's thread's (ingestd reads a signalfd).
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int e = pthread_create(&p->thread, NULL, gzpool_main, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		log_warn("gzpool.thread", "err=\"%s\" action=inline", strerror(e));
		p->stop = true; /* nothing to join */
		gzpool_close(p);
		return ERR_NOMEM;
	}
	*out = p;
	return 0;
}

void
gzpool_close(struct gzpool *p)
{
	if (!p) {
		return;
	}
	pthread_mutex_lock(&p->mu);
	bool running = !p->stop;
	p->stop = true;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
	if (running) {
		pthread_join(p->thread, NULL);
	}
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->mu);
	for (size_t i = 0; i < GZPOOL_SLOTS; i++) {
		build_job_fini(&p->slot[i]);
	}
	compressor_free(p->gz);
	compressor_free(p->help_gz);
	free(p);
}

struct build_job *
gzpool_next(struct gzpool *p)
{
	// submitted and retired are only written by this thread: no lock to read them.
	if (p->submitted - p->retired >= GZPOOL_SLOTS) {
		return NULL;
	}
	return &p->slot[p->submitted % GZPOOL_SLOTS];
}

void
gzpool_submit(struct gzpool *p)
{
	size_t i = (size_t)(p->submitted % GZPOOL_SLOTS);
	struct build_job *j = &p->slot[i];
	j->helped = false;
	bool work = j->pending && j->rc == 0;
	pthread_mutex_lock(&p->mu);
	ASSERT(p->submitted - p->retired < GZPOOL_SLOTS);
	p->state[i] = work ? GZPOOL_QUEUED : GZPOOL_DONE;
	bool idle = p->wnext == p->submitted;
	p->submitted++;
	if (work && idle) {
		pthread_cond_signal(&p->work);
	}
	pthread_mutex_unlock(&p->mu);
}

/*
 * With the mutex held: claims the newest queued job, compresses it on this thread and
 * marks it done. Returns false when no job is queued.
 */
static bool
take_back(struct gzpool *p)
{
	uint64_t low = MAX(p->wnext, p->retired);
	for (uint64_t at = p->submitted; at > low; at--) {
		size_t i = (size_t)((at - 1) % GZPOOL_SLOTS);
		if (p->state[i] != GZPOOL_QUEUED) {
			continue;
		}
		p->state[i] = GZPOOL_CLAIMED;
		pthread_mutex_unlock(&p->mu);
		p->slot[i].helped = true;
		build_job_finish(&p->slot[i], p->help_gz);
		pthread_mutex_lock(&p->mu);
		p->state[i] = GZPOOL_DONE;
		p->helped++;
		return true;
	}
	return false;
}

struct build_job *
gzpool_oldest(struct gzpool *p)
{
	if (p->retired == p->submitted) {
		return NULL;
	}
	size_t i = (size_t)(p->retired % GZPOOL_SLOTS);
	pthread_mutex_lock(&p->mu);
	while (p->state[i] != GZPOOL_DONE) {
		if (!take_back(p)) {
			p->waiting = true;
			pthread_cond_wait(&p->done, &p->mu);
			p->waiting = false;
		}
	}
	pthread_mutex_unlock(&p->mu);
	return &p->slot[i];
}

void
gzpool_retire(struct gzpool *p)
{
	ASSERT(p->retired < p->submitted);
	p->retired++;
}

size_t
gzpool_inflight(const struct gzpool *p)
{
	return (size_t)(p->submitted - p->retired);
}

uint64_t
gzpool_helped(const struct gzpool *p)
{
	return p->helped;
}

void
gzpool_drain(struct gzpool *p)
{
	pthread_mutex_lock(&p->mu);
	// Queued jobs are dropped unstarted; the one the worker holds is waited for.
	for (;;) {
		bool busy = false;
		for (uint64_t at = p->retired; at < p->submitted; at++) {
			size_t i = (size_t)(at % GZPOOL_SLOTS);
			if (p->state[i] == GZPOOL_QUEUED) {
				p->state[i] = GZPOOL_DONE;
			}
			busy |= p->state[i] == GZPOOL_CLAIMED;
		}
		if (!busy) {
			break;
		}
		p->waiting = true;
		pthread_cond_wait(&p->done, &p->mu);
		p->waiting = false;
	}
	p->retired = p->submitted;
	p->wnext = p->submitted;
	pthread_mutex_unlock(&p->mu);
	// Idle between writes: give back what a large page made a job grow to.
	for (size_t i = 0; i < GZPOOL_SLOTS; i++) {
		build_job_trim(&p->slot[i], GZPOOL_KEEP);
	}
}

void
gzpool_test_hold(struct gzpool *p, bool hold)
{
	pthread_mutex_lock(&p->mu);
	p->hold = hold;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
}
