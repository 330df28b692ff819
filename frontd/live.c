/*
 * live.c: live-reload streams (contract in live.h): the pool and the page index of open
 * streams, taking a connection over, fan-out of invalidations, keep-alives and resyncs.
 *
 * Nothing here allocates after live_init and nothing blocks: every write is one
 * non-blocking send of a complete event, and a stream that cannot take it whole is
 * closed, since half an event would corrupt the stream.
 *
 * Streams are found by page through a hash table of chains (seeded, so nobody can choose
 * paths that pile into one chain); many readers of one page share a chain, and one lookup
 * of the page's record in the store decides for all of them.
 */
#include "frontd/live.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "frontd/conn.h"
#include "frontd/frontd.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/log.h"
#include "shared/pagefmt.h"
#include "shared/store.h"

/* ---- set-up --------------------------------------------------------------------------- */

/* Lowers cap so that cap + reserved descriptors fit the process's limit. */
static size_t
live_fit_nofile(size_t cap, size_t reserved)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return cap;
	size_t limit = (size_t)rl.rlim_cur;
	size_t room = limit > reserved ? limit - reserved : 0;
	if (cap <= room)
		return cap;
	log_warn("live.nofile", "limit=%zu live_max=%zu fits=%zu (raise LimitNOFILE)", limit, cap,
	         room);
	return room;
}

static uint64_t
live_seed(void)
{
	uint64_t s = 0;
	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) != (ssize_t)sizeof(s)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		s = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)getpid();
	}
	return s;
}

int
live_init(struct live *lv, bool enabled, size_t cap, size_t reserved)
{
	memset(lv, 0, sizeof(*lv));
	lv->keepalive_ms = LIVE_KEEPALIVE_MS;
	lv->send_step = LIVE_SEND_STEP;
	lv->enabled = enabled;
	if (!enabled)
		return 0;
	cap = live_fit_nofile(cap, reserved);
	if (cap == 0)
		return 0; /* on, but every request gets 503: there is no descriptor to spare */
	size_t nb = 64;
	while (nb < cap && nb < ((size_t)1 << 20))
		nb <<= 1;
	lv->buckets = calloc(nb, sizeof(*lv->buckets));
	if (!lv->buckets)
		return ERR_NOMEM;
	size_t len = cap * sizeof(struct live_sub);
	/* Reserved, not committed: a slot's pages are backed when first used. */
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED) {
		free(lv->buckets);
		lv->buckets = NULL;
		return ERR_NOMEM;
	}
	lv->mem = m;
	lv->map_len = len;
	lv->cap = cap;
	lv->mask = nb - 1;
	lv->seed = live_seed();
	return 0;
}

void
live_fini(struct live *lv)
{
	for (size_t i = 0; i < lv->fresh; i++) {
		struct live_sub *s = &lv->mem[i];
		if (s->state == LIVE_OPEN && s->fd >= 0)
			close(s->fd);
		s->state = LIVE_FREE;
	}
	if (lv->mem)
		munmap(lv->mem, lv->map_len);
	free(lv->buckets);
	memset(lv, 0, sizeof(*lv));
}

/* ---- the index of open streams -------------------------------------------------------- */

/* FNV-1a from a secret start, then a final mix so the low bits (the bucket) are spread. */
static uint64_t
live_hash(uint64_t seed, struct slice s)
{
	uint64_t h = 0xcbf29ce484222325ull ^ seed;
	for (size_t i = 0; i < s.len; i++) {
		h ^= s.ptr[i];
		h *= 0x100000001b3ull;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static struct live_sub *
live_get(struct live *lv)
{
	struct live_sub *s = lv->free;
	if (s)
		lv->free = s->next;
	else if (lv->fresh < lv->cap)
		s = &lv->mem[lv->fresh++];
	else
		return NULL;
	memset(s, 0, offsetof(struct live_sub, path));
	s->src.kind = LOOP_LIVE;
	s->fd = -1;
	return s;
}

static void
live_ka_unlink(struct live *lv, struct live_sub *s)
{
	if (s->kprev)
		s->kprev->knext = s->knext;
	else if (lv->khead == s)
		lv->khead = s->knext;
	if (s->knext)
		s->knext->kprev = s->kprev;
	else if (lv->ktail == s)
		lv->ktail = s->kprev;
	s->kprev = s->knext = NULL;
}

/* Stamps s as written now and moves it to the end of the keep-alive list. */
static void
live_ka_touch(struct live *lv, struct live_sub *s, int64_t now)
{
	s->stamp = now;
	if (lv->ktail == s)
		return;
	live_ka_unlink(lv, s);
	s->kprev = lv->ktail;
	if (lv->ktail)
		lv->ktail->knext = s;
	else
		lv->khead = s;
	lv->ktail = s;
}

static void
live_index(struct live *lv, struct live_sub *s)
{
	struct live_sub **b = &lv->buckets[s->hash & lv->mask];
	s->hnext = *b;
	if (*b)
		(*b)->hpprev = &s->hnext;
	*b = s;
	s->hpprev = b;
}

static void
live_dequeue(struct live *lv, struct live_sub *s)
{
	if (!s->queued)
		return;
	if (s->qprev)
		s->qprev->qnext = s->qnext;
	else
		lv->qhead = s->qnext;
	if (s->qnext)
		s->qnext->qprev = s->qprev;
	else
		lv->qtail = s->qprev;
	s->qprev = s->qnext = NULL;
	s->queued = false;
}

static int64_t
live_clock_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Queues s to be told of generation gen (once, however often it is queued). */
static void
live_enqueue(struct frontd *fd, struct live_sub *s, uint64_t gen)
{
	struct live *lv = &fd->live;
	s->qgen = MAX(s->qgen, gen);
	lv->q_gen = MAX(lv->q_gen, gen);
	if (s->queued)
		return;
	if (!lv->qhead) {
		lv->q_since_us = live_clock_us();
		lv->q_told = 0;
		lv->q_send_us = 0;
	}
	s->queued = true;
	s->qnext = NULL;
	s->qprev = lv->qtail;
	if (lv->qtail)
		lv->qtail->qnext = s;
	else
		lv->qhead = s;
	lv->qtail = s;
	lv->wake_at = fd->now_ms;
}

/* Closes s now; its slot is reused only after this loop iteration. */
static void
live_close(struct frontd *fd, struct live_sub *s)
{
	struct live *lv = &fd->live;
	if (s->state != LIVE_OPEN)
		return;
	if (s->hpprev) {
		*s->hpprev = s->hnext;
		if (s->hnext)
			s->hnext->hpprev = s->hpprev;
		s->hnext = NULL;
		s->hpprev = NULL;
	}
	live_ka_unlink(lv, s);
	live_dequeue(lv, s);
	close(s->fd); /* also leaves the epoll set */
	s->fd = -1;
	s->state = LIVE_CLOSED;
	s->next = lv->closed;
	lv->closed = s;
	lv->open--;
	fd->stats.live_open--;
}

/*
 * Writes one whole event (or comment) to s. A stream that cannot take all of it at once
 * is closed: its reader stopped reading, and half an event would corrupt the stream.
 */
static bool
live_send(struct frontd *fd, struct live_sub *s, const void *p, size_t n)
{
	ssize_t w;
	do {
		w = send(s->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	} while (w < 0 && errno == EINTR);
	if (w == (ssize_t)n) {
		live_ka_touch(&fd->live, s, fd->now_ms);
		return true;
	}
	if (w >= 0 || errno == EAGAIN || errno == EWOULDBLOCK)
		fd->stats.live_dropped++;
	live_close(fd, s);
	return false;
}

/* ---- event text ----------------------------------------------------------------------- */

/* Appends s as a JSON string to out[*len, cap). False when it does not fit. */
static bool
live_put_json(char *out, size_t cap, size_t *len, struct slice s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = *len;
	if (n + 2 > cap)
		return false;
	out[n++] = '"';
	for (size_t i = 0; i < s.len; i++) {
		uint8_t c = s.ptr[i];
		if (n + 6 + 1 > cap)
			return false;
		if (c == '"' || c == '\\') {
			out[n++] = '\\';
			out[n++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(out + n, "\\u00", 4);
			out[n + 4] = hex[c >> 4];
			out[n + 5] = hex[c & 15];
			n += 6;
		} else {
			out[n++] = (char)c;
		}
	}
	out[n++] = '"';
	*len = n;
	return true;
}

/*
 * Formats one event into out[cap]: "event: push" with {"gen","paths":[path]}, or, when
 * etag is not NULL, "event: hello" with {"gen","path","etag"}. Returns its length, or 0
 * if it does not fit.
 */
static size_t
live_format(char *out, size_t cap, uint64_t gen, struct slice path, const struct slice *etag)
{
	int n = snprintf(out, cap, "event: %s\nid: %" PRIu64 "\ndata: {\"gen\":%" PRIu64 ",%s",
	                 etag ? "hello" : "push", gen, gen, etag ? "\"path\":" : "\"paths\":[");
	if (n < 0 || (size_t)n >= cap)
		return 0;
	size_t len = (size_t)n;
	if (!live_put_json(out, cap, &len, path))
		return 0;
	if (etag) {
		if (len + 8 > cap)
			return 0;
		memcpy(out + len, ",\"etag\":", 8);
		len += 8;
		if (!live_put_json(out, cap, &len, *etag))
			return 0;
	}
	const char *end = etag ? "}\n\n" : "]}\n\n";
	size_t el = strlen(end);
	if (len + el > cap)
		return 0;
	memcpy(out + len, end, el);
	return len + el;
}

/* ---- the page a stream watches -------------------------------------------------------- */

/* What the store says about a page a stream watches. */
struct live_page_info {
	uint64_t tag;       /* live_tag() of its ETag; 0 when there is no page a reader may see */
	uint64_t page_gen;  /* generation that wrote it */
	uint64_t store_gen; /* generation of the snapshot */
	struct slice etag;  /* into the map: valid until the read txn ends */
};

/* A stream's summary of an ETag: equal ETags, equal tags; 0 only for "no page". */
static uint64_t
live_tag(struct slice etag)
{
	return etag.len ? live_hash(0, etag) | 1 : 0;
}

/*
 * Reads the record of path in the current snapshot into *pi. Returns 0, or an ERR_* when
 * the store cannot be read (tell nobody anything then).
 */
static int
live_page(struct frontd *fd, struct slice path, struct live_page_info *pi)
{
	*pi = (struct live_page_info){0};
	if (!fd->store)
		return 0;
	int rc = store_read_begin(fd->store);
	if (rc)
		return rc;
	pi->store_gen = store_read_gen(fd->store);
	struct slice rec;
	struct page_view v;
	if (store_get(fd->store, path, &rec) != 0 || page_decode(rec, &v) != 0 ||
	    (v.flags & PAGE_PRIVATE))
		return 0; /* a private page is answered like a missing one, so it looks missing */
	pi->etag = v.sec[PAGE_SEC_ETAG];
	pi->tag = live_tag(pi->etag);
	pi->page_gen = v.gen;
	return 0;
}

/* ---- taking a connection over --------------------------------------------------------- */

static int
live_hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Percent-decodes v into out[cap]. Returns the length, or -1 for a bad escape or overflow. */
static ssize_t
live_unescape(struct slice v, uint8_t *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < v.len; i++) {
		uint8_t c = v.ptr[i];
		if (c == '%') {
			if (i + 2 >= v.len)
				return -1;
			int hi = live_hexval(v.ptr[i + 1]), lo = live_hexval(v.ptr[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = (uint8_t)(hi << 4 | lo);
			i += 2;
		}
		if (n == cap)
			return -1;
		out[n++] = c;
	}
	return (ssize_t)n;
}

/* A decimal u64, or 0 for anything else (a bad since= only means "no catch-up"). */
static uint64_t
live_u64(struct slice v)
{
	uint64_t x = 0;
	if (v.len == 0 || v.len > 19)
		return 0;
	for (size_t i = 0; i < v.len; i++) {
		if (v.ptr[i] < '0' || v.ptr[i] > '9')
			return 0;
		x = x * 10 + (uint64_t)(v.ptr[i] - '0');
	}
	return x;
}

/* What a reader says it last saw. */
struct live_seen {
	uint64_t since; /* since= or Last-Event-ID: a generation (0: unknown) */
	bool have_tag;  /* etag= was given: compare ETags, not generations */
	uint64_t tag;
};

/*
 * Reads path= (percent-encoded, then normalised like a request path into key[cap]),
 * since= (else Last-Event-ID) and etag= (the ETag hello gave) from the query. Returns the
 * key length, or ERR_PROTO when path is missing or bad.
 */
static int
live_query(struct live *lv, const struct http_req *req, uint8_t *key, size_t cap,
           struct live_seen *seen)
{
	struct slice q = req->query, path = {NULL, 0};
	bool have_since = false;
	*seen = (struct live_seen){0};
	while (q.len) {
		const uint8_t *amp = memchr(q.ptr, '&', q.len);
		struct slice p = {q.ptr, amp ? (size_t)(amp - q.ptr) : q.len};
		q.ptr += p.len + (amp ? 1 : 0);
		q.len -= p.len + (amp ? 1 : 0);
		const uint8_t *eq = memchr(p.ptr, '=', p.len);
		if (!eq)
			continue;
		struct slice k = {p.ptr, (size_t)(eq - p.ptr)};
		struct slice v = {eq + 1, p.len - k.len - 1};
		if (slice_eq(k, SLICE_LIT("path"))) {
			path = v;
		} else if (slice_eq(k, SLICE_LIT("since"))) {
			seen->since = live_u64(v);
			have_since = true;
		} else if (slice_eq(k, SLICE_LIT("etag"))) {
			ssize_t n = live_unescape(v, lv->scratch, PAGE_ETAG_MAX);
			seen->have_tag = n >= 0;
			seen->tag = n > 0 ? live_tag((struct slice){lv->scratch, (size_t)n}) : 0;
		}
	}
	if (!have_since)
		seen->since = live_u64(http_header_get(req, "Last-Event-ID"));
	if (!path.ptr)
		return ERR_PROTO;
	ssize_t n = live_unescape(path, lv->scratch, sizeof(lv->scratch));
	if (n <= 0)
		return ERR_PROTO;
	int k = http_path_normalize((struct slice){lv->scratch, (size_t)n}, key, cap);
	if (k <= 0 || (size_t)k >= LIVE_PATH_MAX)
		return ERR_PROTO;
	return k;
}

/* Queues a short answer that ends the connection: HEAD's head, 400 or 503. */
static int
live_answer(struct frontd *fd, struct conn *c, int status, bool head, uint32_t req_end)
{
	struct respq *q = &c->q;
	struct resp *r = respond_begin(q, status, RESPOND_CONN_CLOSE, &fd->date);
	if (!r)
		return ERR_TOOBIG;
	struct slice body = {NULL, 0}, extra = {NULL, 0};
	if (status == 200) {
		extra = SLICE_LIT("Content-Type: text/event-stream\r\nCache-Control: no-store\r\n");
	} else if (status == 400) {
		body = SLICE_LIT("400 Bad Request: " LIVE_ENDPOINT " wants ?path=/page\n");
	} else {
		body = SLICE_LIT(
		        "503 Service Unavailable: no room for another live-reload stream\n");
		extra = SLICE_LIT("Retry-After: 5\r\n");
	}
	bool ok = true;
	if (body.len) {
		ok = respond_put(q, r, "Content-Type: text/plain; charset=utf-8\r\n", 41) &&
		     respond_put_length(q, r, body.len);
	}
	ok = ok && respond_put(q, r, extra.ptr, extra.len) && respond_end_head(q, r);
	if (!ok) {
		respond_cancel(q, r);
		return ERR_TOOBIG;
	}
	if (!head && body.len)
		respond_body_static(r, body.ptr, body.len);
	r->req_end = req_end;
	respond_commit(q, r);
	return 0;
}

bool
live_is_endpoint(const struct live *lv, struct slice path)
{
	return lv->enabled && slice_eq(path, SLICE_LIT(LIVE_ENDPOINT));
}

/*
 * Whether the reader missed a change: its ETag differs from the page's, or (without one)
 * the page was written after the generation it saw, went away, or the store was replaced.
 */
static bool
live_missed(const struct live_seen *seen, const struct live_page_info *pi)
{
	if (seen->have_tag)
		return seen->tag != pi->tag;
	uint64_t since = seen->since;
	return since && (pi->page_gen > since || since > pi->store_gen ||
	                 (pi->tag == 0 && pi->store_gen > since));
}

/* Builds the stream's head, hello and any catch-up push into lv->out. Returns the length. */
static size_t
live_opening(struct frontd *fd, struct live_sub *s, const struct live_page_info *pi, bool missed)
{
	struct live *lv = &fd->live;
	struct slice path = {s->path, s->path_len};
	int n = snprintf(lv->out, sizeof(lv->out),
	                 "HTTP/1.1 200 OK\r\n%.*sContent-Type: text/event-stream\r\n"
	                 "Cache-Control: no-store\r\nX-Accel-Buffering: no\r\n"
	                 "Connection: close\r\n\r\nretry: %d\n\n",
	                 (int)fd->date.len, fd->date.line, LIVE_RETRY_MS);
	if (n < 0 || (size_t)n >= sizeof(lv->out))
		return 0;
	size_t len = (size_t)n;
	size_t m =
	        live_format(lv->out + len, sizeof(lv->out) - len, pi->store_gen, path, &pi->etag);
	if (!m)
		return 0;
	len += m;
	if (missed) {
		m = live_format(lv->out + len, sizeof(lv->out) - len, pi->store_gen, path, NULL);
		if (!m)
			return 0;
		len += m;
		fd->stats.live_pushes++;
	}
	return len;
}

int
live_serve(struct frontd *fd, struct conn *c, const struct http_req *req, uint32_t req_end)
{
	struct live *lv = &fd->live;
	if (!respond_empty(&c->q))
		return ERR_TOOBIG; /* answers to earlier pipelined requests go out first */
	bool head = req->method == HTTP_HEAD;
	struct live_seen seen;
	int klen = live_query(lv, req, fd->key, sizeof(fd->key), &seen);
	if (klen < 0)
		return live_answer(fd, c, 400, head, req_end);
	if (head)
		return live_answer(fd, c, 200, true, req_end);
	if (fd->stopping || lv->open >= lv->cap) {
		fd->stats.live_rejected++;
		return live_answer(fd, c, 503, false, req_end);
	}
	struct live_sub *s = live_get(lv);
	if (!s) {
		fd->stats.live_rejected++;
		return live_answer(fd, c, 503, false, req_end);
	}
	struct slice key = {fd->key, (size_t)klen};
	memcpy(s->path, key.ptr, key.len);
	s->path_len = (uint16_t)key.len;
	s->hash = live_hash(lv->seed, key);
	struct live_page_info pi;
	/* c queues nothing, so renewing the snapshot invalidates no body pointer. */
	bool known = live_page(fd, key, &pi) == 0;
	s->tag = pi.tag;
	size_t len = live_opening(fd, s, &pi, known && live_missed(&seen, &pi));

	/* From here on c is done: its socket becomes the stream's, or is closed. */
	c->q.close_after = true;
	ssize_t w = len ? send(c->fd, lv->out, len, MSG_NOSIGNAL | MSG_DONTWAIT) : -1;
	if (w != (ssize_t)len || loop_rewatch(fd->epfd, c->fd, EPOLLIN | EPOLLRDHUP, &s->src) < 0) {
		/* A fresh socket takes a few hundred bytes; this one is gone or broken. */
		s->next = lv->free;
		lv->free = s;
		conn_close(fd, c);
		return 0;
	}
	s->fd = c->fd;
	c->fd = -1; /* conn_reap must not close the socket the stream now owns */
	conn_close(fd, c);
	s->state = LIVE_OPEN;
	live_index(lv, s);
	live_ka_touch(lv, s, fd->now_ms);
	lv->open++;
	fd->stats.live_open++;
	fd->stats.live_accepted++;
	return 0;
}

void
live_event(struct frontd *fd, struct live_sub *s, uint32_t events)
{
	if (s->state != LIVE_OPEN)
		return; /* closed earlier in this iteration */
	if (!(events & (EPOLLERR | EPOLLHUP | EPOLLRDHUP))) {
		uint8_t tmp[256];
		ssize_t n = read(s->fd, tmp, sizeof(tmp));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
	}
	live_close(fd, s); /* the reader left, or sent something a stream never carries */
}

/* ---- telling readers ------------------------------------------------------------------ */

static void
live_resync_start(struct frontd *fd)
{
	struct live *lv = &fd->live;
	if (!lv->open)
		return;
	lv->resync = true;
	lv->resync_pos = 0;
	lv->wake_at = fd->now_ms;
	fd->stats.live_resyncs++;
}

void
live_on_path(void *arg, uint64_t gen, struct slice path)
{
	struct frontd *fd = arg;
	struct live *lv = &fd->live;
	if (!lv->open || path.len == 0 || path.len >= LIVE_PATH_MAX)
		return;
	uint64_t h = live_hash(lv->seed, path);
	struct live_sub *s = lv->buckets[h & lv->mask];
	bool looked = false;
	struct live_page_info pi = {0};
	for (; s; s = s->hnext) {
		if (s->hash != h || s->path_len != path.len || memcmp(s->path, path.ptr, path.len))
			continue;
		if (!looked) {
			looked = true; /* one lookup decides for every reader of the page */
			if (live_page(fd, path, &pi) < 0) {
				live_resync_start(fd); /* cannot tell now: check again soon */
				return;
			}
		}
		if (s->tag == pi.tag)
			continue; /* written again byte for byte: nothing to reload */
		s->tag = pi.tag;
		live_enqueue(fd, s, MAX(gen, pi.store_gen));
	}
}

void
live_on_event(void *arg, uint64_t gen)
{
	struct frontd *fd = arg;
	struct live *lv = &fd->live;
	/*
	 * Skipped generations may have changed pages whose events never came, and a lower one
	 * means the store was replaced: either way, ask the store about every stream.
	 */
	if (lv->gen && (gen > lv->gen + 1 || gen < lv->gen))
		live_resync_start(fd);
	lv->gen = gen;
}

/* Checks up to LIVE_RESYNC_STEP streams' pages against the store. */
static void
live_resync_step(struct frontd *fd)
{
	struct live *lv = &fd->live;
	size_t done = 0;
	while (lv->resync_pos < lv->fresh && done < LIVE_RESYNC_STEP) {
		struct live_sub *s = &lv->mem[lv->resync_pos++];
		if (s->state != LIVE_OPEN)
			continue;
		done++;
		struct slice path = {s->path, s->path_len};
		struct live_page_info pi;
		if (live_page(fd, path, &pi) < 0 || pi.tag == s->tag)
			continue;
		s->tag = pi.tag;
		live_enqueue(fd, s, pi.store_gen);
	}
	if (lv->resync_pos >= lv->fresh)
		lv->resync = false;
}

/* Every LIVE_CHECK_MS: a store ahead of the events for two checks in a row means lost events. */
static void
live_check(struct frontd *fd)
{
	struct live *lv = &fd->live;
	lv->check_at = fd->now_ms + LIVE_CHECK_MS;
	if (!fd->store || store_read_begin(fd->store) != 0)
		return;
	uint64_t g = store_read_gen(fd->store);
	if (g <= lv->gen) {
		lv->lag_gen = 0;
	} else if (!lv->open) {
		lv->gen = g; /* nobody to tell */
		lv->lag_gen = 0;
	} else if (lv->lag_gen && lv->gen < lv->lag_gen) {
		live_resync_start(fd);
		lv->gen = g;
		lv->lag_gen = 0;
	} else {
		lv->lag_gen = g; /* the event may still be on its way: look again next time */
	}
}

/* Writes up to send_step queued events; logs a push once the queue has drained. */
static void
live_flush(struct frontd *fd)
{
	struct live *lv = &fd->live;
	if (!lv->qhead)
		return;
	int64_t t0 = live_clock_us(), t1 = t0;
	size_t n = 0;
	struct live_sub *s;
	while ((s = lv->qhead) && n < lv->send_step) {
		/* A write to a local reader can cost tens of microseconds: spend a bounded
		 * slice of the loop on them (the clock is read every 16 writes). */
		if (n && n % 16 == 0 && (t1 = live_clock_us()) - t0 >= LIVE_SEND_US)
			break;
		n++;
		live_dequeue(lv, s);
		uint64_t gen = s->qgen;
		s->qgen = 0;
		struct slice path = {s->path, s->path_len};
		size_t len = live_format(lv->msg, sizeof(lv->msg), gen, path, NULL);
		if (len && live_send(fd, s, lv->msg, len)) {
			fd->stats.live_pushes++;
			lv->q_told++;
		}
	}
	t1 = live_clock_us();
	fd->stats.live_fanout_us += (uint64_t)(t1 - t0);
	lv->q_send_us += t1 - t0;
	if (!lv->qhead) {
		/* Once per push that reached readers (pushes are rare): how long telling them
		 * took from the event to the last write, and how much of that was writing. */
		log_info("live.push", "gen=%" PRIu64 " streams=%zu us=%" PRId64 " send_us=%" PRId64,
		         lv->q_gen, lv->q_told, t1 - lv->q_since_us, lv->q_send_us);
		lv->q_gen = 0;
	}
}

void
live_stop(struct frontd *fd)
{
	struct live *lv = &fd->live;
	while (lv->khead)
		live_close(fd, lv->khead);
}

void
live_tick(struct frontd *fd)
{
	struct live *lv = &fd->live;
	struct live_sub *s;
	while ((s = lv->closed)) {
		lv->closed = s->next;
		s->state = LIVE_FREE;
		s->next = lv->free;
		lv->free = s;
	}
	if (!lv->cap)
		return;
	bool began = false;
	if (fd->now_ms >= lv->check_at) {
		live_check(fd);
		began = true;
	}
	if (lv->resync) {
		live_resync_step(fd);
		began = true;
	}
	if (began && fd->store)
		store_read_end(fd->store);
	live_flush(fd);
	static const char comment[] = ":\n\n";
	int n = 0;
	while ((s = lv->khead) && s->stamp + lv->keepalive_ms <= fd->now_ms && n++ < LIVE_KA_STEP)
		live_send(fd, s, comment, sizeof(comment) - 1);
	if (lv->resync || lv->qhead || (s && s->stamp + lv->keepalive_ms <= fd->now_ms))
		lv->wake_at = fd->now_ms;
	else
		lv->wake_at = s ? s->stamp + lv->keepalive_ms : 0;
}
