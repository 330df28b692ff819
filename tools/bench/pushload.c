/*
 * pushload: one-note pushes against ingestd's API, for folio's benchmark.
 *
 *   pushload --api 127.0.0.1:PORT --key-file F --vault DIR --notes LIST
 *            (--count N | --rate R --seconds S) [--tag TEXT]
 *
 * LIST names vault-relative note paths, one a line; push k edits note k mod (number of
 * notes) by appending a line that makes its content new (so every push renders). Each
 * push is one POST /api/v1/push with a msgpack body (what folio push sends), on one
 * keep-alive connection.
 *
 * --count N sends N pushes one after another and reports the round-trip latencies.
 * --rate R sends on an open-loop schedule: push k is due at start + k/R. A push sent late
 * because the previous one had not been answered counts its latency from when it was due,
 * so a server that falls behind shows it in the percentiles instead of hiding it.
 *
 * Output, one line: key=value pairs (sent, errors, seconds, rate, p50_ms, p95_ms, p99_ms,
 * max_ms), then one line per push with its latency when --each is given.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "shared/buf.h"
#include "shared/pushmsg.h"

#define PL_MAX_NOTES 4096

struct pl {
	const char *api, *key_file, *vault, *notes_path, *tag;
	long count;
	double rate, seconds;
	bool each;
	char key[256];
	char *paths[PL_MAX_NOTES];
	char *bodies[PL_MAX_NOTES];
	size_t lens[PL_MAX_NOTES];
	size_t nnotes;
	int fd;
	struct buf req, body, resp;
};

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b;
	buf_init(&b, 0);
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		buf_put(&b, tmp, n);
	fclose(f);
	if (b.err) {
		buf_fini(&b);
		return NULL;
	}
	buf_cstr(&b);
	size_t l;
	char *p = (char *)buf_steal(&b, &l);
	if (len)
		*len = l;
	return p;
}

static int
pl_connect(struct pl *p)
{
	char host[64];
	const char *colon = strrchr(p->api, ':');
	if (!colon || (size_t)(colon - p->api) >= sizeof(host))
		return -1;
	memcpy(host, p->api, (size_t)(colon - p->api));
	host[colon - p->api] = '\0';
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)atoi(colon + 1))};
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
	    (ntohl(sa.sin_addr.s_addr) >> 24) != 127) {
		fprintf(stderr, "pushload: talks to 127.0.0.0/8 only, not %s\n", p->api);
		return -1;
	}
	if (p->fd >= 0)
		close(p->fd);
	p->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(p->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (p->fd < 0 || connect(p->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("pushload: connect");
		return -1;
	}
	return 0;
}

/* Sends push k and reads its answer. Returns the HTTP status, or -1 on a broken exchange. */
static int
pl_push(struct pl *p, long k)
{
	size_t i = (size_t)k % p->nnotes;
	struct buf content;
	buf_init(&content, 0);
	buf_put(&content, p->bodies[i], p->lens[i]);
	buf_printf(&content, "\n\nEdit %s %ld.\n", p->tag, k);
	buf_reset(&p->body);
	struct pushmsg_writer pw;
	int rc = pushmsg_writer_begin(&pw, &p->body, 1, 0);
	if (!rc)
		rc = pushmsg_writer_upsert(&pw, p->paths[i], buf_slice(&content));
	if (!rc)
		rc = pushmsg_writer_finish(&pw);
	buf_fini(&content);
	if (rc)
		return -1;
	buf_reset(&p->req);
	buf_printf(&p->req,
	           "POST /api/v1/push HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
	           "Content-Type: application/msgpack\r\nContent-Length: %zu\r\n\r\n",
	           p->api, p->key, p->body.len);
	buf_put(&p->req, p->body.ptr, p->body.len);
	if (p->req.err || p->body.err)
		return -1;
	for (size_t off = 0; off < p->req.len;) {
		ssize_t w = write(p->fd, p->req.ptr + off, p->req.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	buf_reset(&p->resp);
	size_t head = 0, want = 0;
	for (;;) {
		uint8_t *dst = buf_reserve(&p->resp, 65536);
		if (!dst)
			return -1;
		ssize_t r = read(p->fd, dst, 65536);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p->resp.len += (size_t)r;
		if (!head) {
			const char *s = buf_cstr(&p->resp);
			const char *e = strstr(s, "\r\n\r\n");
			if (!e)
				continue;
			head = (size_t)(e - s) + 4;
			const char *cl = strcasestr(s, "\r\ncontent-length:");
			if (!cl || cl > e)
				return -1;
			want = head + strtoul(cl + 17, NULL, 10);
		}
		if (p->resp.len >= want)
			break;
	}
	int status = atoi((const char *)p->resp.ptr + 9);
	if (status != 200) {
		fprintf(stderr, "pushload: push %ld: HTTP %d: %.*s\n", k, status,
		        (int)(want - head > 300 ? 300 : want - head),
		        (const char *)p->resp.ptr + head);
	}
	return status;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double
pct(const double *v, size_t n, double q)
{
	if (!n)
		return 0;
	size_t i = (size_t)(q * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

static int
pl_load(struct pl *p)
{
	char *key = slurp(p->key_file, NULL);
	if (!key) {
		fprintf(stderr, "pushload: cannot read %s\n", p->key_file);
		return -1;
	}
	key[strcspn(key, "\r\n")] = '\0';
	snprintf(p->key, sizeof(p->key), "%s", key);
	free(key);
	char *list = slurp(p->notes_path, NULL);
	if (!list) {
		fprintf(stderr, "pushload: cannot read %s\n", p->notes_path);
		return -1;
	}
	for (char *line = strtok(list, "\n"); line && p->nnotes < PL_MAX_NOTES;
	     line = strtok(NULL, "\n")) {
		char full[4096];
		snprintf(full, sizeof(full), "%s/%s", p->vault, line);
		size_t n = 0;
		char *body = slurp(full, &n);
		if (!body) {
			fprintf(stderr, "pushload: cannot read %s\n", full);
			free(list);
			return -1;
		}
		p->paths[p->nnotes] = strdup(line);
		p->bodies[p->nnotes] = body;
		p->lens[p->nnotes] = n;
		p->nnotes++;
	}
	free(list);
	if (!p->nnotes) {
		fprintf(stderr, "pushload: %s lists no notes\n", p->notes_path);
		return -1;
	}
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: pushload --api 127.0.0.1:PORT --key-file F --vault DIR "
	                "--notes LIST (--count N | --rate R --seconds S) [--tag T] [--each]\n");
}

int
main(int argc, char **argv)
{
	static struct pl p = {.fd = -1, .tag = "x"};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--each")) {
			p.each = true;
			continue;
		}
		if (!v) {
			usage();
			return 2;
		}
		if (!strcmp(a, "--api"))
			p.api = v;
		else if (!strcmp(a, "--key-file"))
			p.key_file = v;
		else if (!strcmp(a, "--vault"))
			p.vault = v;
		else if (!strcmp(a, "--notes"))
			p.notes_path = v;
		else if (!strcmp(a, "--count"))
			p.count = atol(v);
		else if (!strcmp(a, "--rate"))
			p.rate = atof(v);
		else if (!strcmp(a, "--seconds"))
			p.seconds = atof(v);
		else if (!strcmp(a, "--tag"))
			p.tag = v;
		else {
			usage();
			return 2;
		}
		i++;
	}
	bool paced = p.rate > 0 && p.seconds > 0;
	if (!p.api || !p.key_file || !p.vault || !p.notes_path || (!paced && p.count <= 0) ||
	    (paced && p.rate * p.seconds > 1e6)) {
		usage();
		return 2;
	}
	if (pl_load(&p) < 0 || pl_connect(&p) < 0)
		return 1;
	buf_init(&p.req, 0);
	buf_init(&p.body, 0);
	buf_init(&p.resp, 0);
	long total = paced ? (long)(p.rate * p.seconds) : p.count;
	double *lat = calloc((size_t)total, sizeof(double));
	if (!lat)
		return 1;
	long errors = 0, done = 0;
	double start = now_s();
	for (long k = 0; k < total; k++) {
		double due = paced ? start + (double)k / p.rate : now_s();
		double t = now_s();
		if (paced && t < due) {
			struct timespec ts = {
			        .tv_sec = (time_t)(due - t),
			        .tv_nsec = (long)((due - t - (double)(time_t)(due - t)) * 1e9)};
			nanosleep(&ts, NULL);
		}
		int st = pl_push(&p, k);
		if (st < 0) {
			errors++;
			if (pl_connect(&p) < 0)
				break;
			continue;
		}
		if (st != 200)
			errors++;
		lat[done++] = (now_s() - due) * 1e3;
		if (p.each)
			printf("push %ld %.3f\n", k, lat[done - 1]);
	}
	double secs = now_s() - start;
	qsort(lat, (size_t)done, sizeof(double), cmp_double);
	printf("sent=%ld errors=%ld seconds=%.3f rate=%.1f p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f "
	       "max_ms=%.3f\n",
	       done, errors, secs, (double)done / secs, pct(lat, (size_t)done, 0.50),
	       pct(lat, (size_t)done, 0.95), pct(lat, (size_t)done, 0.99),
	       done ? lat[done - 1] : 0.0);
	free(lat);
	return errors ? 1 : 0;
}
