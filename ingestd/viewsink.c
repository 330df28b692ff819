/*
 * viewsink.c: receiving, storing and acknowledging view batches (contract in
 * viewsink.h). The order within one batch is fixed: validate the whole message, open the
 * transaction and check seq, add every count, record seq, commit, and only then answer.
 * A crash anywhere before the commit loses nothing (the front still holds the batch); a
 * crash after it is answered by the duplicate check when the batch comes again.
 */
#include "ingestd/viewsink.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ingestd/viewdb.h"
#include "shared/bus.h"
#include "shared/config.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/events.h"
#include "shared/log.h"

struct viewsink {
	struct bus *bus;
	int fd;
	struct viewdb *db;
	struct ingest_stats *st;
	uint8_t *msg; /* VIEWSINK_MSG_MAX bytes */
	uint8_t ack[64];
	int64_t prune_at; /* unix seconds of the next sender prune */
};

/* What a batch adds while it is stored. */
struct viewsink_add {
	struct viewdb *db;
	uint32_t day;
	uint64_t views;
};

int
viewsink_open(struct viewsink **out, const struct config *c, struct viewdb *db,
              struct ingest_stats *st)
{
	*out = NULL;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char url[sizeof(path) + 8];
	if (config_path(c, "run/views.sock", path, sizeof(path)) < 0) {
		log_err("views.open", "msg=\"socket path too long\" data_dir=\"%s\"", c->data_dir);
		return ERR_TOOBIG;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		log_warn("views.unlink", "path=\"%s\" err=\"%s\"", path, strerror(errno));
	}
	snprintf(url, sizeof(url), "ipc://%s", path);
	struct viewsink *s = xcalloc(1, sizeof(*s));
	s->db = db;
	s->st = st;
	s->fd = -1;
	int rc = bus_rep_open(&s->bus, url, VIEWSINK_MSG_MAX);
	if (!rc) {
		rc = bus_recv_fd(s->bus, &s->fd);
	}
	if (rc < 0) {
		log_err("views.open", "url=\"%s\" err=\"%s\"", url, err_str(rc));
		viewsink_close(s);
		return rc;
	}
	s->msg = xmalloc(VIEWSINK_MSG_MAX);
	*out = s;
	return 0;
}

void
viewsink_close(struct viewsink *s)
{
	if (!s) {
		return;
	}
	bus_close(s->bus);
	free(s->msg);
	free(s);
}

int
viewsink_fd(const struct viewsink *s)
{
	return s->fd;
}

/* Answers the batch just received; a lost answer only costs the front a resend. */
static void
viewsink_ack(struct viewsink *s, uint64_t front_id, uint64_t seq, enum event_views_status status)
{
	struct buf b;
	buf_init_fixed(&b, s->ack, sizeof(s->ack));
	int rc = events_encode_views_ack(&b, front_id, seq, status);
	if (!rc) {
		rc = bus_send(s->bus, buf_slice(&b));
	}
	if (rc < 0) {
		LOG_RATELIMIT(log_warn("views.ack",
		                       "front=%016" PRIx64 " seq=%" PRIu64 " err=\"%s\"", front_id,
		                       seq, err_str(rc)));
	}
}

static int
viewsink_add_one(void *arg, struct slice path, uint64_t count)
{
	struct viewsink_add *a = arg;
	a->views += count;
	return viewdb_add(a->db, a->day, path, count);
}

/* Stores one received batch and answers it. */
static void
viewsink_batch(struct viewsink *s, struct slice msg)
{
	struct event_views h;
	int rc = events_decode_views(msg, &h, NULL, NULL);
	if (rc < 0) {
		s->st->view_batches_refused++;
		LOG_RATELIMIT(log_warn("views.refused",
		                       "front=%016" PRIx64 " seq=%" PRIu64 " len=%zu err=\"%s\"",
		                       h.front_id, h.seq, msg.len, err_str(rc)));
		if (h.front_id) {
			viewsink_ack(s, h.front_id, h.seq, EVENT_VIEWS_REFUSED);
		}
		return;
	}
	bool dup = false;
	rc = viewdb_begin(s->db, h.front_id, h.seq, &dup);
	if (!rc && dup) {
		s->st->view_batches_duplicate++;
		LOG_RATELIMIT(log_info("views.duplicate", "front=%016" PRIx64 " seq=%" PRIu64,
		                       h.front_id, h.seq));
		viewsink_ack(s, h.front_id, h.seq, EVENT_VIEWS_DUPLICATE);
		return;
	}
	struct viewsink_add add = {s->db, h.day, 0};
	if (!rc) {
		rc = events_decode_views(msg, &h, viewsink_add_one, &add);
	}
	if (!rc) {
		rc = viewdb_commit(s->db, h.front_id, h.seq, (int64_t)time(NULL));
	}
	if (rc < 0) {
		viewdb_abort(s->db);
		LOG_RATELIMIT(log_err("views.store",
		                      "front=%016" PRIx64 " seq=%" PRIu64 " err=\"%s\" msg=\"not"
		                      " acknowledged; the front sends it again\"",
		                      h.front_id, h.seq, err_str(rc)));
		return;
	}
	s->st->view_batches_stored++;
	s->st->views_stored += add.views;
	log_debug("views.stored", "front=%016" PRIx64 " seq=%" PRIu64 " paths=%zu views=%" PRIu64,
	          h.front_id, h.seq, h.n, add.views);
	viewsink_ack(s, h.front_id, h.seq, EVENT_VIEWS_STORED);
}

int
viewsink_handle(struct viewsink *s)
{
	int64_t now = (int64_t)time(NULL);
	if (now >= s->prune_at) {
		viewdb_prune_senders(s->db, now - (int64_t)VIEWSINK_SENDER_DAYS * 86400);
		s->prune_at = now + 86400;
	}
	int done = 0;
	while (done < VIEWSINK_ROUND_MAX) {
		size_t len = 0;
		int rc = bus_recv(s->bus, s->msg, VIEWSINK_MSG_MAX, &len);
		if (rc == ERR_AGAIN) {
			break;
		}
		if (rc < 0) {
			s->st->view_batches_refused++;
			LOG_RATELIMIT(log_warn("views.recv", "err=\"%s\"", err_str(rc)));
			if (rc != ERR_TOOBIG) {
				break;
			}
			continue;
		}
		viewsink_batch(s, (struct slice){s->msg, len});
		done++;
	}
	return done;
}
