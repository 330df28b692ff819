/*
 * gzpool.c: the compressing worker (contract in gzpool.h).
 *
 * Three counters order the ring: the push's thread fills slot submitted % N and bumps
 * submitted; the worker finishes slots [worked, submitted) in order and bumps worked; the
 * push's thread takes slots [retired, worked) and bumps retired, and fills a slot again
 * only once it is retired. A slot therefore belongs to one thread at a time, handed over
 * under the mutex, which also publishes its contents to the other thread.
 */
#include "ingestd/gzpool.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingestd/build.h"
#include "renderer/compress.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/log.h"

struct gzpool {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work; /* the worker waits here for submitted jobs */
	pthread_cond_t done; /* the push's thread waits here for finished jobs */
	struct compressor *gz;
	uint64_t submitted, worked, retired;
	bool stop;
	bool waiting; /* the push's thread sleeps on done */
	struct build_job slot[GZPOOL_SLOTS];
};

static void *
gzpool_main(void *arg)
{
	struct gzpool *p = arg;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && p->worked == p->submitted) {
			pthread_cond_wait(&p->work, &p->mu);
		}
		if (p->worked == p->submitted) {
			break; /* stopping, and nothing left */
		}
		// Slot worked % N is the worker's until worked passes it.
		struct build_job *j = &p->slot[p->worked % GZPOOL_SLOTS];
		pthread_mutex_unlock(&p->mu);
		build_job_finish(j, p->gz);
		pthread_mutex_lock(&p->mu);
		p->worked++;
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
	if (!p->gz) {
		free(p);
		return ERR_NOMEM;
	}
	for (size_t i = 0; i < GZPOOL_SLOTS; i++) {
		build_job_init(&p->slot[i]);
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	int e = pthread_create(&p->thread, NULL, gzpool_main, p);
	if (e != 0) {
		log_warn("gzpool.thread", "err=\"%s\" action=inline", strerror(e));
		pthread_cond_destroy(&p->done);
		pthread_cond_destroy(&p->work);
		pthread_mutex_destroy(&p->mu);
		for (size_t i = 0; i < GZPOOL_SLOTS; i++) {
			build_job_fini(&p->slot[i]);
		}
		compressor_free(p->gz);
		free(p);
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
	p->stop = true;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->mu);
	for (size_t i = 0; i < GZPOOL_SLOTS; i++) {
		build_job_fini(&p->slot[i]);
	}
	compressor_free(p->gz);
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
	pthread_mutex_lock(&p->mu);
	ASSERT(p->submitted - p->retired < GZPOOL_SLOTS);
	bool idle = p->worked == p->submitted;
	p->submitted++;
	if (idle) {
		pthread_cond_signal(&p->work);
	}
	pthread_mutex_unlock(&p->mu);
}

struct build_job *
gzpool_oldest(struct gzpool *p)
{
	if (p->retired == p->submitted) {
		return NULL;
	}
	pthread_mutex_lock(&p->mu);
	while (p->worked == p->retired) {
		p->waiting = true;
		pthread_cond_wait(&p->done, &p->mu);
	}
	p->waiting = false;
	pthread_mutex_unlock(&p->mu);
	return &p->slot[p->retired % GZPOOL_SLOTS];
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

void
gzpool_drain(struct gzpool *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->worked != p->submitted) {
		p->waiting = true;
		pthread_cond_wait(&p->done, &p->mu);
	}
	p->waiting = false;
	p->retired = p->submitted;
	pthread_mutex_unlock(&p->mu);
}
