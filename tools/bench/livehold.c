/*
 * livehold: holds many live-reload streams open on a front, for the live-reload benchmark
 * (tools/bench/live.sh). It opens N connections to /_folio/live?path=P, waits for every
 * hello, says so on stdout, then keeps them open for S seconds, noting when each receives
 * its first push event and counting all of them. With --first-push it ends as soon as
 * every stream has had one (to time a fan-out).
 *
 *   livehold --port PORT --conns N --path /page [--secs S] [--first-push] [--host ADDR]
 *
 * Output (one line each, flushed): "ready N MS" once all hellos arrived (MS: how long the
 * opening took); at the end "pushes K of N first REALTIME_MS last REALTIME_MS events E"
 * (K streams had a push, the first and last of those first pushes arrived at these
 * wall-clock milliseconds, E push events in all) and "closed C" (streams the front
 * ended), also when stopped early by SIGTERM or SIGINT. Exit status 0, or 1 if not every
 * stream opened.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LIVEHOLD_MAX 100000
#define LIVEHOLD_BUF 4096

struct stream {
	int fd;
	bool hello;
	bool pushed;
	bool closed;
	size_t len;    /* bytes kept of what arrived (to find events across reads) */
	char tail[64]; /* the end of what arrived so far */
};

static volatile sig_atomic_t stop_now;

static void
on_signal(int sig)
{
	(void)sig;
	stop_now = 1;
}

static int64_t
now_ms(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Counts text (at most 16 bytes) in what arrived, including an occurrence that straddles
 * the previous read's end but none that lay wholly inside it.
 */
static int
seen(struct stream *s, const char *data, size_t n, const char *text)
{
	char win[16 + LIVEHOLD_BUF + 1];
	size_t keep = strlen(text) - 1;
	keep = keep < s->len ? keep : s->len;
	memcpy(win, s->tail + s->len - keep, keep);
	memcpy(win + keep, data, n);
	win[keep + n] = '\0';
	int count = 0;
	for (const char *p = win; (p = strstr(p, text)); p++)
		count++;
	return count;
}

static void
keep_tail(struct stream *s, const char *data, size_t n)
{
	char win[sizeof(s->tail) + LIVEHOLD_BUF];
	memcpy(win, s->tail, s->len);
	memcpy(win + s->len, data, n);
	size_t total = s->len + n, keep = total < sizeof(s->tail) ? total : sizeof(s->tail);
	memcpy(s->tail, win + total - keep, keep);
	s->len = keep;
}

static int
usage(void)
{
	fprintf(stderr, "usage: livehold --port PORT --conns N --path /page [--secs S] "
	                "[--first-push] [--host ADDR]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	const char *host = "127.0.0.1", *path = NULL;
	long port = 0, conns = 0, secs = 30;
	bool first_push = false;
	for (int i = 1; i < argc; i += 2) {
		if (strcmp(argv[i], "--first-push") == 0) {
			first_push = true;
			i--;
			continue;
		}
		if (i + 1 >= argc)
			return usage();
		if (strcmp(argv[i], "--port") == 0)
			port = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--conns") == 0)
			conns = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--path") == 0)
			path = argv[i + 1];
		else if (strcmp(argv[i], "--secs") == 0)
			secs = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--host") == 0)
			host = argv[i + 1];
		else
			return usage();
	}
	if (port <= 0 || port > 65535 || conns <= 0 || conns > LIVEHOLD_MAX || !path || secs <= 0 ||
	    secs > 3600)
		return usage();

	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)conns + 16) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= (rlim_t)conns + 16
		                      ? (rlim_t)conns + 16
		                      : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	struct sigaction act = {.sa_handler = on_signal};
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return usage();
	char req[1024];
	int reqlen = snprintf(req, sizeof(req),
	                      "GET /_folio/live?path=%s HTTP/1.1\r\nHost: %s\r\n\r\n", path, host);
	if (reqlen <= 0 || (size_t)reqlen >= sizeof(req))
		return usage();

	struct stream *st = calloc((size_t)conns, sizeof(*st));
	int ep = epoll_create1(0);
	if (!st || ep < 0) {
		perror("livehold");
		return 1;
	}
	int64_t t0 = now_ms(CLOCK_MONOTONIC);
	long opened = 0;
	for (long i = 0; i < conns; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
		    write(fd, req, (size_t)reqlen) != reqlen) {
			fprintf(stderr, "livehold: stream %ld: %s\n", i, strerror(errno));
			if (fd >= 0)
				close(fd);
			st[i].fd = -1;
			st[i].closed = true;
			continue;
		}
		st[i].fd = fd;
		struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)i};
		epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
		opened++;
	}

	long hellos = 0, pushes = 0, closed = 0, events = 0;
	int64_t first = 0, last = 0, deadline = t0 + secs * 1000;
	bool ready = false;
	static struct epoll_event evs[1024];
	static char buf[LIVEHOLD_BUF];
	while (!stop_now && now_ms(CLOCK_MONOTONIC) < deadline &&
	       (!first_push || pushes + closed < opened)) {
		if (!ready && hellos + closed >= opened) {
			printf("ready %ld %lld\n", hellos,
			       (long long)(now_ms(CLOCK_MONOTONIC) - t0));
			fflush(stdout);
			ready = true;
		}
		int n = epoll_wait(ep, evs, 1024, 200);
		for (int k = 0; k < n; k++) {
			struct stream *s = &st[evs[k].data.u64];
			ssize_t r = read(s->fd, buf, sizeof(buf));
			if (r <= 0) {
				if (r < 0 && errno == EAGAIN)
					continue;
				epoll_ctl(ep, EPOLL_CTL_DEL, s->fd, NULL);
				close(s->fd);
				s->closed = true;
				closed++;
				continue;
			}
			if (!s->hello && seen(s, buf, (size_t)r, "event: hello")) {
				s->hello = true;
				hellos++;
			}
			int got = seen(s, buf, (size_t)r, "event: push");
			events += got;
			if (!s->pushed && got) {
				s->pushed = true;
				pushes++;
				int64_t t = now_ms(CLOCK_REALTIME);
				if (!first)
					first = t;
				last = t;
			}
			keep_tail(s, buf, (size_t)r);
		}
	}
	if (!ready) {
		printf("ready %ld %lld\n", hellos, (long long)(now_ms(CLOCK_MONOTONIC) - t0));
	}
	printf("pushes %ld of %ld first %lld last %lld events %ld\nclosed %ld\n", pushes, opened,
	       (long long)first, (long long)last, events, closed);
	for (long i = 0; i < conns; i++)
		if (!st[i].closed)
			close(st[i].fd);
	free(st);
	close(ep);
	return hellos == conns ? 0 : 1;
}
