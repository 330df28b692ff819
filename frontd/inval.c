/*
 * inval.c: the invalidation subscriber (contract in inval.h). Pub/sub may drop messages
 * when a queue fills or ingestd restarts, so generations are only used to notice what
 * changed and whether something was missed; the page store stays the truth.
 */
#include "frontd/inval.h"

#include <inttypes.h>
#include <stdlib.h>

#include "shared/bus.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/events.h"
#include "shared/log.h"

#define INVAL_DRAIN_MAX 1024 /* messages per loop iteration; the fd stays readable */

int
inval_open(struct inval *iv, const char *url)
{
	iv->bus = NULL;
	iv->fd = -1;
	iv->last_gen = 0;
	iv->have_gen = false;
	iv->buf = xmalloc(INVAL_MSG_MAX);
	int rc = bus_sub_open(&iv->bus, url);
	if (rc)
		return rc;
	rc = bus_recv_fd(iv->bus, &iv->fd);
	if (rc) {
		bus_close(iv->bus);
		iv->bus = NULL;
		iv->fd = -1;
	}
	return rc;
}

void
inval_close(struct inval *iv)
{
	bus_close(iv->bus);
	iv->bus = NULL;
	iv->fd = -1;
	free(iv->buf);
	iv->buf = NULL;
}

void
inval_event(struct inval *iv, uint64_t gen, size_t npaths, struct front_stats *st)
{
	st->inval_events++;
	log_debug("inval.gen", "gen=%" PRIu64 " paths=%zu", gen, npaths);
	if (gen > st->gen_seen)
		st->gen_seen = gen;
	if (!iv->have_gen) {
		iv->have_gen = true;
		iv->last_gen = gen;
		return;
	}
	if (gen == iv->last_gen)
		return; /* already known, e.g. from the store */
	if (gen < iv->last_gen) {
		/* The store was rebuilt from scratch: start counting again from here. */
		log_info("inval.reset", "gen=%" PRIu64 " last=%" PRIu64, gen, iv->last_gen);
		iv->last_gen = gen;
		return;
	}
	if (gen > iv->last_gen + 1) {
		uint64_t missed = gen - iv->last_gen - 1;
		st->inval_gaps += missed;
		LOG_RATELIMIT(log_warn("inval.gap",
		                       "missed=%" PRIu64 " last=%" PRIu64 " gen=%" PRIu64, missed,
		                       iv->last_gen, gen));
	}
	iv->last_gen = gen;
}

void
inval_note_gen(struct inval *iv, uint64_t gen, struct front_stats *st)
{
	if (gen > st->gen_seen)
		st->gen_seen = gen;
	if (!iv->have_gen || gen > iv->last_gen) {
		if (iv->have_gen)
			log_debug("inval.catchup", "gen=%" PRIu64 " last=%" PRIu64, gen,
			          iv->last_gen);
		iv->have_gen = true;
		iv->last_gen = gen;
	}
}

/* What a decoding event hands each path to: the subscriber and the event's generation. */
struct inval_ctx {
	struct inval *iv;
	const uint64_t *gen; /* set by the decoder before the first path */
};

/*
 * Called for each changed path of an event. Pages are read from the store on every
 * request, so only live reload (the on_path hook) has anything to do here.
 */
static void
inval_path(void *arg, struct slice path)
{
	struct inval_ctx *x = arg;
	if (x->iv->on_path)
		x->iv->on_path(x->iv->hook_arg, *x->gen, path);
}

void
inval_drain(struct inval *iv, struct front_stats *st)
{
	if (!iv->bus)
		return;
	for (int i = 0; i < INVAL_DRAIN_MAX; i++) {
		size_t len = 0;
		int rc = bus_recv(iv->bus, iv->buf, INVAL_MSG_MAX, &len);
		if (rc == ERR_AGAIN)
			return;
		if (rc == ERR_TOOBIG) {
			st->inval_errors++;
			LOG_RATELIMIT(log_warn("inval.toobig", "max=%d", INVAL_MSG_MAX));
			continue;
		}
		if (rc) {
			st->inval_errors++;
			LOG_RATELIMIT(log_warn("inval.recv", "err=%s", err_str(rc)));
			return;
		}
		struct slice msg = {iv->buf, len};
		int type = 0;
		rc = events_peek_type(msg, &type);
		if (rc == 0 && type != EVENT_INVAL)
			continue; /* another kind of event: not for this subscriber */
		uint64_t gen = 0;
		size_t npaths = 0;
		struct inval_ctx ctx = {iv, &gen};
		if (rc == 0)
			rc = events_decode_inval(msg, &gen, &npaths, inval_path, &ctx);
		if (rc) {
			st->inval_errors++;
			LOG_RATELIMIT(log_warn("inval.decode", "err=%s len=%zu", err_str(rc), len));
			continue;
		}
		inval_event(iv, gen, npaths, st);
		if (iv->on_done)
			iv->on_done(iv->hook_arg, gen);
	}
}
