/*
 * refserver: the benchmark's floor. One epoll loop, one thread, that answers every HTTP
 * request with the same page from memory: no lookup, no parsing beyond finding the end of
 * each request head, one writev per batch of pipelined requests. What it costs per request
 * is what this machine's loopback TCP path costs, so a real server is measured against it.
 *
 *   refserver --listen 127.0.0.1:PORT --body FILE [--gzip] [--type CONTENT_TYPE]
 *
 * It listens on 127.0.0.1 only (any other address is refused) and stops on SIGTERM/SIGINT.
 * Partial writes are handled (EPOLLOUT), so a slow reader never gets a torn response.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define REF_RBUF   8192
#define REF_IOV    64 /* responses written by one writev at most */
#define REF_EVENTS 256

struct ref_conn {
	int fd;
	uint32_t rlen;    /* bytes in rbuf */
	uint32_t scanned; /* bytes of rbuf known not to end a head */
	uint64_t pending; /* whole responses still to send */
	size_t off;       /* bytes of the first pending response already sent */
	bool want_out;    /* registered for EPOLLOUT */
	char rbuf[REF_RBUF];
};

static char head[512];
static size_t head_len;
static const char *body;
static size_t body_len;
static uint64_t served;

/* Index just past the first "\r\n\r\n" at or after from, or 0. */
static uint32_t
head_end(const char *p, uint32_t len, uint32_t from)
{
	for (uint32_t i = from > 3 ? from - 3 : 0; i + 3 < len; i++)
		if (p[i] == '\r' && p[i + 1] == '\n' && p[i + 2] == '\r' && p[i + 3] == '\n')
			return i + 4;
	return 0;
}

/* Sends pending responses. Returns 0 when done or waiting for EPOLLOUT, -1 to close. */
static int
flush(int ep, struct ref_conn *c)
{
	while (c->pending) {
		struct iovec iov[2 * REF_IOV];
		int k = 0;
		size_t skip = c->off, total = 0;
		for (uint64_t i = 0; i < c->pending && i < REF_IOV; i++) {
			if (skip < head_len) {
				iov[k++] = (struct iovec){head + skip, head_len - skip};
				total += head_len - skip;
				skip = 0;
			} else {
				skip -= head_len;
			}
			iov[k++] =
			        (struct iovec){(void *)(uintptr_t)(body + skip), body_len - skip};
			total += body_len - skip;
			skip = 0;
		}
		ssize_t w = writev(c->fd, iov, k);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN)
			return -1;
		size_t n = (w > 0 ? (size_t)w : 0) + c->off, one = head_len + body_len;
		c->pending -= n / one;
		served += n / one;
		c->off = n % one;
		if (w < 0 || (size_t)w < total) {
			if (!c->want_out) {
				struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT,
				                         .data.ptr = c};
				epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
				c->want_out = true;
			}
			return 0;
		}
	}
	if (c->want_out) {
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
		epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
		c->want_out = false;
	}
	return 0;
}

/* Reads, counts complete request heads, answers them. Returns -1 to close. */
static int
on_read(int ep, struct ref_conn *c)
{
	ssize_t n = read(c->fd, c->rbuf + c->rlen, REF_RBUF - c->rlen);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		return -1;
	if (n < 0)
		return 0;
	c->rlen += (uint32_t)n;
	uint32_t pos = 0, end;
	while ((end = head_end(c->rbuf, c->rlen, pos > c->scanned ? pos : c->scanned)) != 0) {
		c->pending++;
		pos = end;
		c->scanned = end;
	}
	memmove(c->rbuf, c->rbuf + pos, c->rlen - pos);
	c->rlen -= pos;
	c->scanned = c->rlen;
	if (c->rlen == REF_RBUF)
		return -1; /* a head over 8 KiB: not a benchmark client */
	return c->want_out ? 0 : flush(ep, c);
}

static int
listen_on(const char *spec)
{
	char host[64];
	const char *colon = strrchr(spec, ':');
	if (!colon || (size_t)(colon - spec) >= sizeof(host))
		return -1;
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)atoi(colon + 1))};
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
	    (ntohl(sa.sin_addr.s_addr) >> 24) != 127) {
		fprintf(stderr, "refserver: listens on 127.0.0.0/8 only, not %s\n", spec);
		return -1;
	}
	int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 4096) < 0) {
		perror("refserver: listen");
		return -1;
	}
	return s;
}

static char *
read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(path);
		return NULL;
	}
	char *p = malloc((size_t)st.st_size + 1);
	size_t got = 0;
	while (p && got < (size_t)st.st_size) {
		ssize_t r = read(fd, p + got, (size_t)st.st_size - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (!p || got != (size_t)st.st_size) {
		fprintf(stderr, "refserver: cannot read %s\n", path);
		free(p);
		return NULL;
	}
	*len = got;
	return p;
}

int
main(int argc, char **argv)
{
	const char *listen_spec = NULL, *body_path = NULL, *type = "text/html; charset=utf-8";
	bool gzip = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--listen") && i + 1 < argc)
			listen_spec = argv[++i];
		else if (!strcmp(argv[i], "--body") && i + 1 < argc)
			body_path = argv[++i];
		else if (!strcmp(argv[i], "--type") && i + 1 < argc)
			type = argv[++i];
		else if (!strcmp(argv[i], "--gzip"))
			gzip = true;
		else {
			fprintf(stderr, "usage: refserver --listen 127.0.0.1:PORT --body FILE "
			                "[--gzip] [--type CONTENT_TYPE]\n");
			return 2;
		}
	}
	if (!listen_spec || !body_path) {
		fprintf(stderr, "refserver: --listen and --body are required\n");
		return 2;
	}
	body = read_file(body_path, &body_len);
	if (!body)
		return 1;
	/* The same shape of head a real server sends: status, date, type, length, encoding. */
	char date[64];
	time_t now = time(NULL);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", gmtime(&now));
	int hn = snprintf(head, sizeof(head),
	                  "HTTP/1.1 200 OK\r\nDate: %s\r\nServer: refserver\r\n"
	                  "Content-Type: %s\r\nContent-Length: %zu\r\n%s"
	                  "ETag: \"0123456789abcdef\"\r\nVary: Accept-Encoding\r\n\r\n",
	                  date, type, body_len, gzip ? "Content-Encoding: gzip\r\n" : "");
	if (hn <= 0 || (size_t)hn >= sizeof(head))
		return 1;
	head_len = (size_t)hn;

	int ls = listen_on(listen_spec);
	if (ls < 0)
		return 1;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	int sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
	static int listen_tag, signal_tag;
	ev.data.ptr = &listen_tag;
	epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
	ev.data.ptr = &signal_tag;
	epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
	fprintf(stderr, "refserver: listening on %s, %zu-byte body%s\n", listen_spec, body_len,
	        gzip ? " (gzip)" : "");

	struct epoll_event evs[REF_EVENTS];
	for (;;) {
		int n = epoll_wait(ep, evs, REF_EVENTS, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return 1;
		for (int i = 0; i < n; i++) {
			void *tag = evs[i].data.ptr;
			if (tag == &signal_tag) {
				fprintf(stderr, "refserver: stopping after %llu responses\n",
				        (unsigned long long)served);
				return 0;
			}
			if (tag == &listen_tag) {
				int s;
				while ((s = accept4(ls, NULL, NULL,
				                    SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
					int one = 1;
					setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					struct ref_conn *c = calloc(1, sizeof(*c));
					if (!c) {
						close(s);
						continue;
					}
					c->fd = s;
					struct epoll_event cev = {.events = EPOLLIN, .data.ptr = c};
					epoll_ctl(ep, EPOLL_CTL_ADD, s, &cev);
				}
				continue;
			}
			struct ref_conn *c = tag;
			int rc = 0;
			if (evs[i].events & EPOLLOUT)
				rc = flush(ep, c);
			if (rc == 0 && (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
				rc = on_read(ep, c);
			if (rc < 0) {
				close(c->fd);
				free(c);
			}
		}
	}
}
