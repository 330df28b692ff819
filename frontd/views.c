/*
 * views.c: the page-view counter and its batches (contract in views.h). Counting touches
 * only memory set up at start; sealing encodes the table straight into a preallocated
 * queue slot; sockets are used only from views_tick and views_drain, outside any request.
 *
 * Exactly-once delivery rests on two rules kept here: a batch's seq is fixed when it is
 * sealed and never reused, and a batch is sent only once every batch before it has been
 * acknowledged. ingestd then stores a batch iff its seq is above the last one it stored for
 * this front_id, in the same transaction as the counts.
 */
#include "frontd/views.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "shared/bus.h"
#include "shared/config.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/events.h"
#include "shared/log.h"

#define VIEWS_DRAIN_MAX 64 /* acknowledgements read per readiness event */

static uint32_t
views_day_of(int64_t unix_sec)
{
	return unix_sec > 0 ? (uint32_t)(unix_sec / 86400) : 0;
}

/*
 * Hashes a key 8 bytes at a time (multiply and fold); URL paths are short, and at a load
 * of at most 1/2 this spreads them well enough. Runs once per view.
 */
static uint32_t
views_hash(struct slice key)
{
	const uint64_t k = 0x9e3779b97f4a7c15ull;
	uint64_t h = key.len * k;
	size_t i = 0;
	for (; i + 8 <= key.len; i += 8) {
		uint64_t w;
		memcpy(&w, key.ptr + i, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	uint64_t w = 0;
	for (size_t j = 0; i < key.len; i++, j += 8) {
		w |= (uint64_t)key.ptr[i] << j;
	}
	h = (h ^ w) * k;
	h ^= h >> 32;
	return (uint32_t)h;
}

/* A random id, different for every start of every front; 0 is never used. */
static uint64_t
views_random_id(void)
{
	uint64_t id = 0;
	ssize_t n = getrandom(&id, sizeof(id), 0);
	if (n != (ssize_t)sizeof(id)) {
		/* No entropy source: mix what differs between processes and starts. */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		id = ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^
		     ((uint64_t)getpid() << 16) ^ (uint64_t)(uintptr_t)&id;
		id *= 0x9e3779b97f4a7c15ull;
	}
	return id ? id : 1;
}

static size_t
pow2_at_least(size_t n)
{
	size_t p = 1;
	while (p < n) {
		p <<= 1;
	}
	return p;
}

int
views_init(struct views *v, const struct config *cfg, const char *url, struct front_stats *st,
           int64_t now_ms, int64_t unix_sec)
{
	*v = (struct views){0};
	v->st = st;
	v->fd = -1;
	v->front_id = views_random_id();
	v->next_seq = 1;
	v->flush_ms = cfg->views_flush_ms;
	v->resend_ms = cfg->views_resend_ms;
	v->max_ents = (size_t)cfg->views_batch_max;
	v->max_pending = (size_t)cfg->views_max_pending;
	v->day = views_day_of(unix_sec);
	v->flush_at = now_ms + v->flush_ms;

	v->mask = pow2_at_least(2 * v->max_ents) - 1;
	v->slots = xcalloc(v->mask + 1, sizeof(*v->slots));
	v->ents = xcalloc(v->max_ents, sizeof(*v->ents));
	v->arena_cap = MAX(v->max_ents * VIEWS_KEY_AVG, (size_t)VIEWS_KEY_MAX);
	v->arena = xmalloc(v->arena_cap);
	v->q = xcalloc(v->max_pending, sizeof(*v->q));

	/* The worst case of every slot is reserved; the kernel backs only what is written. */
	v->slot_cap = EVENT_VIEWS_HEAD_MAX + v->max_ents * EVENT_VIEWS_ENTRY_MAX + v->arena_cap;
	v->slot_map_len = v->slot_cap * v->max_pending;
	void *m = mmap(NULL, v->slot_map_len, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED) {
		log_err("views.init", "bytes=%zu err=%s", v->slot_map_len, err_str(-errno));
		v->slot_map_len = 0;
		views_fini(v);
		return ERR_NOMEM;
	}
	v->slot_mem = m;
	for (size_t i = 0; i < v->max_pending; i++) {
		v->q[i].msg = v->slot_mem + i * v->slot_cap;
	}

	if (url) {
		int rc = bus_req_open(&v->bus, url);
		if (rc == 0) {
			rc = bus_recv_fd(v->bus, &v->fd);
		}
		if (rc) {
			log_warn("views.open", "url=%s err=%s (views are not delivered)", url,
			         err_str(rc));
			bus_close(v->bus);
			v->bus = NULL;
			v->fd = -1;
		}
	}
	log_debug("views.init", "front_id=%016" PRIx64 " batch_max=%zu max_pending=%zu",
	          v->front_id, v->max_ents, v->max_pending);
	return 0;
}

void
views_fini(struct views *v)
{
	uint64_t lost = v->table_views;
	for (size_t i = 0; i < v->q_len; i++) {
		lost += v->q[(v->q_head + i) % v->max_pending].views;
	}
	if (lost) {
		v->st->views_dropped += lost;
		log_warn("views.lost",
		         "views=%" PRIu64 " batches=%zu (ingestd did not acknowledge)", lost,
		         v->q_len);
	}
	bus_close(v->bus);
	v->bus = NULL;
	v->fd = -1;
	if (v->slot_mem) {
		munmap(v->slot_mem, v->slot_map_len);
	}
	free(v->q);
	free(v->arena);
	free(v->ents);
	free(v->slots);
	struct front_stats *st = v->st;
	*v = (struct views){.st = st, .fd = -1};
}

static void
views_table_reset(struct views *v)
{
	memset(v->slots, 0, (v->mask + 1) * sizeof(*v->slots));
	v->nents = 0;
	v->arena_len = 0;
	v->table_views = 0;
}

bool
views_seal(struct views *v)
{
	if (v->nents == 0) {
		return true;
	}
	if (v->q_len == v->max_pending) {
		return false;
	}
	struct views_batch *b = &v->q[(v->q_head + v->q_len) % v->max_pending];
	struct buf out;
	buf_init_fixed(&out, b->msg, v->slot_cap);
	struct event_views h = {v->front_id, v->next_seq, v->day, v->nents};
	events_encode_views_head(&out, &h);
	for (size_t i = 0; i < v->nents; i++) {
		const struct views_ent *e = &v->ents[i];
		struct slice key = {v->arena + e->key_off, e->key_len};
		events_encode_views_entry(&out, key, e->count);
	}
	/* slot_cap covers the largest table, so this is a broken invariant, not input. */
	ASSERT(out.err == 0);
	b->seq = v->next_seq++;
	b->views = v->table_views;
	b->len = out.len;
	b->sent = false;
	v->q_len++;
	v->st->view_batches_pending = v->q_len;
	views_table_reset(v);
	return true;
}

void
views_count(struct views *v, struct slice key)
{
	struct front_stats *st = v->st;
	st->views_counted++;
	if (key.len == 0 || key.len > VIEWS_KEY_MAX || key.ptr[0] != '/') {
		st->views_dropped++; /* ingestd would refuse the whole batch for it */
		return;
	}
	uint32_t h = views_hash(key);
	size_t i = h & v->mask;
	for (uint32_t e; (e = v->slots[i]); i = (i + 1) & v->mask) {
		struct views_ent *ent = &v->ents[e - 1];
		if (ent->hash == h && ent->key_len == key.len &&
		    memcmp(v->arena + ent->key_off, key.ptr, key.len) == 0) {
			ent->count++;
			v->table_views++;
			return;
		}
	}
	if (v->nents == v->max_ents || v->arena_cap - v->arena_len < key.len) {
		if (!views_seal(v)) {
			st->views_dropped++; /* queue and table full: ingestd is away */
			return;
		}
		i = h & v->mask; /* the table is empty now */
	}
	struct views_ent *ent = &v->ents[v->nents];
	*ent = (struct views_ent){.count = 1,
	                          .hash = h,
	                          .key_off = (uint32_t)v->arena_len,
	                          .key_len = (uint16_t)key.len};
	memcpy(v->arena + v->arena_len, key.ptr, key.len);
	v->arena_len += key.len;
	v->slots[i] = (uint32_t)++v->nents;
	v->table_views++;
}

/* Sends the head batch if it is not on the wire, or resends it once its ack is overdue. */
static void
views_pump(struct views *v, int64_t now)
{
	if (!v->bus || v->q_len == 0) {
		return;
	}
	if (v->inflight ? now - v->sent_at < v->resend_ms : now < v->retry_at) {
		return;
	}
	struct views_batch *b = &v->q[v->q_head];
	int rc = bus_send(v->bus, (struct slice){b->msg, b->len});
	if (rc == 0) {
		if (b->sent) {
			v->st->view_resends++;
		} else {
			v->st->view_batches_sent++;
		}
		b->sent = true;
		v->inflight = true;
		v->sent_at = now;
		return;
	}
	/* ERR_AGAIN: ingestd is not connected (yet); the dial retries in the background. */
	v->inflight = false;
	v->retry_at = now + (rc == ERR_AGAIN ? VIEWS_RETRY_MS : v->resend_ms);
	if (rc != ERR_AGAIN) {
		LOG_RATELIMIT(
		        log_warn("views.send", "seq=%" PRIu64 " err=%s", b->seq, err_str(rc)));
	}
}

/* The head batch is acknowledged: drop it and let the next one go. */
static void
views_pop(struct views *v, enum event_views_status status)
{
	struct views_batch *b = &v->q[v->q_head];
	v->st->view_batches_acked++;
	if (status == EVENT_VIEWS_REFUSED) {
		v->st->views_dropped += b->views;
		LOG_RATELIMIT(log_warn("views.refused", "seq=%" PRIu64 " views=%" PRIu64, b->seq,
		                       b->views));
	}
	v->q_head = (v->q_head + 1) % v->max_pending;
	v->q_len--;
	v->inflight = false;
	v->retry_at = 0;
	v->st->view_batches_pending = v->q_len;
}

void
views_drain(struct views *v, int64_t now_ms)
{
	if (!v->bus) {
		return;
	}
	for (int i = 0; i < VIEWS_DRAIN_MAX; i++) {
		size_t len = 0;
		int rc = bus_recv(v->bus, v->ack, sizeof(v->ack), &len);
		if (rc == ERR_TOOBIG) {
			LOG_RATELIMIT(log_warn("views.ack", "err=%s", err_str(rc)));
			continue;
		}
		if (rc) {
			break; /* none waiting, or the request died with its connection */
		}
		uint64_t front_id = 0, seq = 0;
		enum event_views_status status;
		rc = events_decode_views_ack((struct slice){v->ack, len}, &front_id, &seq, &status);
		if (rc || front_id != v->front_id) {
			LOG_RATELIMIT(log_warn("views.ack", "err=%s len=%zu",
			                       rc ? err_str(rc) : "not ours", len));
			continue;
		}
		if (v->q_len && v->q[v->q_head].seq == seq) {
			views_pop(v, status);
		}
		/* else: a late answer to a batch already acknowledged */
	}
	views_pump(v, now_ms);
}

void
views_tick(struct views *v, int64_t now_ms, int64_t unix_sec)
{
	if (!v->stopping) {
		uint32_t day = views_day_of(unix_sec);
		if (day != v->day && views_seal(v)) {
			v->day = day; /* views counted so far belong to the day that ended */
		}
		if (v->nents == 0) {
			v->flush_at = now_ms + v->flush_ms; /* an idle front sends nothing */
		} else if (now_ms >= v->flush_at) {
			views_seal(v);
			v->flush_at = now_ms + v->flush_ms;
		}
	}
	views_pump(v, now_ms);
}

int64_t
views_deadline(const struct views *v)
{
	int64_t t = !v->stopping && v->nents ? v->flush_at : 0;
	if (v->bus && v->q_len) {
		int64_t s = v->inflight ? v->sent_at + v->resend_ms : v->retry_at;
		t = t ? MIN(t, s) : s;
	}
	if (v->stopping) {
		t = t ? MIN(t, v->stop_until) : v->stop_until;
	}
	return t;
}

void
views_stop(struct views *v, int64_t now_ms)
{
	if (v->stopping) {
		return;
	}
	v->stopping = true;
	v->stop_until = now_ms + VIEWS_STOP_MS;
	if (!views_seal(v)) {
		log_warn("views.stop", "msg=\"queue full: the last views cannot be sealed\"");
	}
	views_pump(v, now_ms);
	log_info("views.stop", "pending=%zu wait_ms=%d", v->q_len, VIEWS_STOP_MS);
}

bool
views_done(const struct views *v, int64_t now_ms)
{
	if (!v->stopping) {
		return false;
	}
	return !v->bus || (v->q_len == 0 && v->nents == 0) || now_ms >= v->stop_until;
}
