/*
 * accesslog.c: the access log (contract in accesslog.h). Lines are built with plain byte
 * copies into a buffer allocated once; the only system calls are the batched write, and a
 * stat every ACCESSLOG_REOPEN_MS to notice rotation.
 */
#include "frontd/accesslog.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "frontd/conn.h"
#include "frontd/frontd.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/log.h"

/* Room one line may take: escaping can quadruple the capped fields. */
#define ACCESSLOG_LINE_ROOM ((size_t)3 * 4 * ACCESSLOG_FIELD_MAX + 512)

struct accesslog {
	int fd;
	dev_t dev; /* of the file fd has open, to notice rotation */
	ino_t ino;
	char *path;
	uint8_t *buf;
	size_t len;
	uint64_t lines;       /* lines in buf */
	int64_t first_ms;     /* when the oldest line in buf was added */
	int64_t reopen_at_ms; /* next look for a rotated file */
	int64_t tsec;         /* the second tstr shows */
	char tstr[64];        /* "2025-05-01T12:00:00Z" */
	char pid[16];
};

static int
accesslog_fopen(struct accesslog *a)
{
	int fd = open(a->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		return -errno;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	if (a->fd >= 0) {
		close(a->fd);
	}
	a->fd = fd;
	a->dev = st.st_dev;
	a->ino = st.st_ino;
	return 0;
}

int
accesslog_open(struct accesslog **out, const char *path, const char *data_dir)
{
	*out = NULL;
	char full[4096];
	int n = path[0] == '/' ? snprintf(full, sizeof(full), "%s", path)
	                       : snprintf(full, sizeof(full), "%s/%s", data_dir, path);
	if (n < 0 || (size_t)n >= sizeof(full)) {
		log_err("accesslog.open", "path=\"%s\" err=\"path too long\"", path);
		return ERR_TOOBIG;
	}
	struct accesslog *a = calloc(1, sizeof(*a));
	if (a) {
		a->fd = -1;
		a->tsec = -1;
		a->path = strdup(full);
		a->buf = malloc(ACCESSLOG_BUF);
	}
	if (!a || !a->path || !a->buf) {
		accesslog_close(a);
		log_err("accesslog.open", "path=\"%s\" err=\"out of memory\"", full);
		return ERR_NOMEM;
	}
	snprintf(a->pid, sizeof(a->pid), "%d", (int)getpid());
	int rc = accesslog_fopen(a);
	if (rc < 0) {
		log_err("accesslog.open", "path=\"%s\" err=\"%s\"", full, strerror(-rc));
		accesslog_close(a);
		return ERR_IO;
	}
	log_info("accesslog.open", "path=\"%s\"", full);
	*out = a;
	return 0;
}

/* Writes the buffer out. Lines that cannot be written are dropped and counted. */
static void
accesslog_write(struct accesslog *a, struct front_stats *st)
{
	size_t off = 0;
	while (off < a->len) {
		ssize_t w = write(a->fd, a->buf + off, a->len - off);
		if (w < 0 && errno == EINTR) {
			continue;
		}
		if (w <= 0) {
			if (st) {
				st->access_log_dropped += a->lines;
			}
			LOG_RATELIMIT(log_warn("accesslog.write",
			                       "path=\"%s\" err=\"%s\" lines=%llu", a->path,
			                       w < 0 ? strerror(errno) : "short write",
			                       (unsigned long long)a->lines));
			break;
		}
		off += (size_t)w;
	}
	a->len = 0;
	a->lines = 0;
}

void
accesslog_close(struct accesslog *a)
{
	if (!a) {
		return;
	}
	if (a->fd >= 0) {
		if (a->len) {
			accesslog_write(a, NULL);
		}
		close(a->fd);
	}
	free(a->buf);
	free(a->path);
	free(a);
}

void
accesslog_peer_set(struct accesslog_peer *p, const struct sockaddr *sa)
{
	const void *addr = NULL;
	if (sa->sa_family == AF_INET) {
		addr = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	} else if (sa->sa_family == AF_INET6) {
		addr = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	}
	if (!addr || !inet_ntop(sa->sa_family, addr, p->text, sizeof(p->text))) {
		snprintf(p->text, sizeof(p->text), "-");
	}
}

/* --- formatting: plain copies into the buffer, which has room for a whole line ------------- */

static inline uint8_t *
put(uint8_t *o, const char *s, size_t n)
{
	memcpy(o, s, n);
	return o + n;
}

#define PUT_LIT(o, s) put((o), (s), sizeof(s) - 1)

static uint8_t *
put_str(uint8_t *o, const char *s)
{
	return put(o, s, strlen(s));
}

static uint8_t *
put_u64(uint8_t *o, uint64_t v)
{
	char tmp[20];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n) {
		*o++ = (uint8_t)tmp[--n];
	}
	return o;
}

/* A quoted value: printable ASCII as is, '"', '\' and other bytes as \xHH; "-" if empty. */
static uint8_t *
put_quoted(uint8_t *o, struct slice s)
{
	static const char hex[] = "0123456789abcdef";
	*o++ = '"';
	if (!s.ptr || !s.len) {
		*o++ = '-';
	}
	size_t n = MIN(s.len, (size_t)ACCESSLOG_FIELD_MAX);
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = s.ptr[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') {
			*o++ = ch;
		} else {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = (uint8_t)hex[ch >> 4];
			*o++ = (uint8_t)hex[ch & 15];
		}
	}
	if (s.len > n) {
		o = PUT_LIT(o, "...");
	}
	*o++ = '"';
	return o;
}

/* A bare token (the method): only letters pass, anything odd becomes '?'. */
static uint8_t *
put_token(uint8_t *o, struct slice s)
{
	size_t n = MIN(s.len, (size_t)16);
	if (!n) {
		*o++ = '-';
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = s.ptr[i];
		*o++ = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ? ch : '?';
	}
	return o;
}

static const char *
enc_name(uint8_t kind)
{
	switch (kind) {
	case RESPOND_KIND_GZIP:
		return "gzip";
	case RESPOND_KIND_IDENTITY:
		return "identity";
	case RESPOND_KIND_304:
		return "304";
	default:
		return "-";
	}
}

static void
accesslog_clock(struct accesslog *a, int64_t sec)
{
	if (sec == a->tsec) {
		return;
	}
	struct tm tm;
	time_t t = (time_t)sec;
	gmtime_r(&t, &tm);
	snprintf(a->tstr, sizeof(a->tstr), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	a->tsec = sec;
}

/* Appends one line for answer r. */
static void
accesslog_line(struct frontd *fd, struct conn *c, const struct resp *r, const struct http_req *req)
{
	struct accesslog *a = fd->alog;
	if (ACCESSLOG_BUF - a->len < ACCESSLOG_LINE_ROOM) {
		accesslog_write(a, &fd->stats); /* a busy iteration filled it: write early */
	}
	if (!a->lines) {
		a->first_ms = fd->now_ms;
	}
	accesslog_clock(a, fd->date.sec);
	uint8_t *o = a->buf + a->len;
	o = PUT_LIT(o, "time=");
	o = put_str(o, a->tstr);
	o = PUT_LIT(o, " front=");
	o = put_str(o, a->pid);
	o = PUT_LIT(o, " client=");
	o = put_str(o, c->peer.text[0] ? c->peer.text : "-");
	o = PUT_LIT(o, " method=");
	o = req ? put_token(o, req->method_str) : PUT_LIT(o, "-");
	o = PUT_LIT(o, " path=");
	o = put_quoted(o, req ? req->target : (struct slice){NULL, 0});
	o = PUT_LIT(o, " status=");
	o = put_u64(o, r->status);
	o = PUT_LIT(o, " bytes=");
	o = put_u64(o, (uint64_t)r->head_len + r->body_len);
	o = PUT_LIT(o, " enc=");
	o = put_str(o, enc_name(r->kind));
	o = PUT_LIT(o, " ref=");
	o = put_quoted(o, req ? http_header_get(req, "referer") : (struct slice){NULL, 0});
	o = PUT_LIT(o, " ua=");
	o = put_quoted(o, req ? http_header_get(req, "user-agent") : (struct slice){NULL, 0});
	*o++ = '\n';
	a->len = (size_t)(o - a->buf);
	a->lines++;
	fd->stats.access_log_lines++;
}

void
accesslog_note(struct frontd *fd, struct conn *c, uint32_t n0, const struct http_req *req)
{
	for (uint32_t i = n0; i < c->q.n; i++) {
		if (c->alog_skip) {
			c->alog_skip--; /* already logged before a partial write dropped it */
			continue;
		}
		accesslog_line(fd, c, &c->q.r[i], req);
	}
}

void
accesslog_tick(struct accesslog *a, int64_t now_ms, struct front_stats *st)
{
	if (a->len &&
	    (a->len >= ACCESSLOG_FLUSH_BYTES || now_ms - a->first_ms >= ACCESSLOG_FLUSH_MS)) {
		accesslog_write(a, st);
	}
	if (now_ms < a->reopen_at_ms) {
		return;
	}
	a->reopen_at_ms = now_ms + ACCESSLOG_REOPEN_MS;
	struct stat now;
	if (stat(a->path, &now) == 0 && now.st_dev == a->dev && now.st_ino == a->ino) {
		return;
	}
	/* Renamed or removed (rotation): what is buffered goes to the old file, then reopen. */
	if (a->len) {
		accesslog_write(a, st);
	}
	int rc = accesslog_fopen(a);
	if (rc < 0) {
		LOG_RATELIMIT(log_warn("accesslog.reopen", "path=\"%s\" err=\"%s\"", a->path,
		                       strerror(-rc)));
	} else {
		log_info("accesslog.reopen", "path=\"%s\"", a->path);
	}
}
