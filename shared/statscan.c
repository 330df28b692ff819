/*
 * statscan.c: asking every stats socket at once (contract in statscan.h).
 *
 * Liveness is decided without connecting: the kernel lists every listening unix socket in
 * /proc/net/unix, and a socket file whose name is not listed there has no process behind
 * it. Probing with connect() is not an option: nng 1.5 (Debian 12) stops accepting on a
 * listener for good when a peer disconnects during its handshake (nng issue #1518), and a
 * synchronous nng dial to a stopped process hangs for seconds. Live sockets get a
 * background dial each; requests go out as soon as each connection is up and answers are
 * read as they come, all under one poll() and one deadline.
 */
#include "shared/statscan.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shared/bus.h"
#include "shared/defs.h"
#include "shared/err.h"

struct statscan_one {
	struct statscan_peer peer;
	struct bus *bus;
	int send_fd, recv_fd;
	bool listening, sent, done;
	int err;
	struct stats_snap snap;
};

/* Parses "<kind>-<pid>.sock" into peer; false for any other name. */
static bool
statscan_parse_name(const char *name, struct statscan_peer *p)
{
	const char *dash = strrchr(name, '-');
	size_t n = strlen(name);
	if (!dash || dash == name || n < 6 || strcmp(name + n - 5, ".sock") != 0)
		return false;
	size_t klen = (size_t)(dash - name);
	if (klen >= sizeof(p->kind))
		return false;
	for (size_t i = 0; i < klen; i++)
		if (name[i] < 'a' || name[i] > 'z')
			return false;
	int64_t pid = 0;
	const char *d = dash + 1;
	if (d == name + n - 5)
		return false;
	for (; d < name + n - 5; d++) {
		if (*d < '0' || *d > '9' || pid > INT32_MAX)
			return false;
		pid = pid * 10 + (*d - '0');
	}
	if (pid <= 0)
		return false;
	memcpy(p->kind, name, klen);
	p->kind[klen] = '\0';
	p->pid = pid;
	return true;
}

/* The file name part of path. */
static const char *
statscan_base(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static int
statscan_cmp_base(const void *key, const void *elem)
{
	const struct statscan_one *o = elem;
	return strcmp(key, statscan_base(o->peer.path));
}

/*
 * Marks the peers (sorted by path, all in one folder) whose socket file name some
 * listening unix socket is bound to. Returns false when /proc/net/unix cannot be read.
 * Names are compared, not whole paths: a process may have bound a relative path, and no
 * two live processes share a pid, so a name identifies its socket.
 */
static bool
statscan_listening(struct statscan_one *v, int n)
{
	FILE *f = fopen("/proc/net/unix", "re");
	if (!f)
		return false;
	char line[4096 + 128];
	while (fgets(line, sizeof(line), f)) {
		unsigned long flags = 0;
		int path_at = 0;
		/* Num RefCount Protocol Flags Type St Inode Path */
		if (sscanf(line, "%*s %*s %*s %lx %*s %*s %*s %n", &flags, &path_at) != 1 ||
		    path_at == 0 || !(flags & 0x10000)) /* __SO_ACCEPTCON: listening */
			continue;
		line[strcspn(line, "\n")] = '\0';
		struct statscan_one *o = bsearch(statscan_base(line + path_at), v, (size_t)n,
		                                 sizeof(*v), statscan_cmp_base);
		if (o)
			o->listening = true;
	}
	fclose(f);
	return true;
}

static int
statscan_cmp(const void *a, const void *b)
{
	const struct statscan_one *x = a, *y = b;
	return strcmp(x->peer.path, y->peer.path);
}

/* Lists dir into *out (sorted by path). Returns the count, or ERR_NOTFOUND. */
static int
statscan_list(const char *dir, int64_t skip_pid, struct statscan_one **out)
{
	DIR *d = opendir(dir);
	if (!d)
		return ERR_NOTFOUND;
	struct statscan_one *v = xcalloc(STATSCAN_MAX, sizeof(*v));
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < STATSCAN_MAX) {
		struct statscan_peer p = {0};
		if (!statscan_parse_name(e->d_name, &p) || p.pid == skip_pid)
			continue;
		int len = snprintf(p.path, sizeof(p.path), "%s/%s", dir, e->d_name);
		if (len < 0 || (size_t)len >= sizeof(p.path))
			continue;
		v[n].peer = p;
		v[n].send_fd = v[n].recv_fd = -1;
		n++;
	}
	closedir(d);
	qsort(v, (size_t)n, sizeof(*v), statscan_cmp);
	*out = v;
	return n;
}

/*
 * Connects to one socket in the background; false if nobody listens there (known is
 * whether o->listening could be learnt from the kernel).
 */
static bool
statscan_dial(struct statscan_one *o, bool known)
{
	bool gone = kill((pid_t)o->peer.pid, 0) < 0 && errno == ESRCH;
	if (known ? !o->listening : gone) {
		/* Left by a process that died without closing it: with no listener and no
		 * process, nothing can ever answer there. */
		if (known && gone)
			unlink(o->peer.path);
		return false;
	}
	char url[sizeof(o->peer.path) + 8];
	snprintf(url, sizeof(url), "ipc://%s", o->peer.path);
	if (bus_req_open(&o->bus, url) < 0 || bus_send_fd(o->bus, &o->send_fd) < 0 ||
	    bus_recv_fd(o->bus, &o->recv_fd) < 0) {
		bus_close(o->bus);
		o->bus = NULL;
		return false;
	}
	o->err = ERR_AGAIN;
	return true;
}

/* Reads o's answer (its receive fd polled readable). */
static void
statscan_read(struct statscan_one *o, uint8_t *buf)
{
	size_t len = 0;
	int rc = bus_recv(o->bus, buf, STATSCAN_MSG_MAX, &len);
	if (rc == ERR_AGAIN)
		return;
	o->done = true;
	o->err = rc ? rc : stats_decode((struct slice){buf, len}, &o->snap);
}

/* Sends requests and reads answers until every live peer answered or the deadline. */
static void
statscan_wait(struct statscan_one *v, int n, int timeout_ms)
{
	struct buf req;
	buf_init(&req, 0);
	stats_encode_request(&req);
	uint8_t *msg = xmalloc(STATSCAN_MSG_MAX);
	struct pollfd *pfd = xcalloc((size_t)n, sizeof(*pfd));
	int *who = xcalloc((size_t)n, sizeof(*who));
	int64_t deadline = stats_mono_us() + (int64_t)timeout_ms * 1000;
	for (;;) {
		int k = 0;
		for (int i = 0; i < n; i++) {
			struct statscan_one *o = &v[i];
			if (!o->bus || o->done)
				continue;
			if (!o->sent && bus_send(o->bus, buf_slice(&req)) == 0)
				o->sent = true;
			pfd[k] = (struct pollfd){.fd = o->sent ? o->recv_fd : o->send_fd,
			                         .events = POLLIN};
			who[k++] = i;
		}
		int64_t left = deadline - stats_mono_us();
		if (k == 0 || left <= 0)
			break;
		int ms = (int)((left + 999) / 1000);
		if (poll(pfd, (nfds_t)k, ms) < 0 && errno != EINTR)
			break;
		for (int j = 0; j < k; j++) {
			struct statscan_one *o = &v[who[j]];
			if ((pfd[j].revents & POLLIN) && o->sent)
				statscan_read(o, msg);
		}
	}
	free(who);
	free(pfd);
	free(msg);
	buf_fini(&req);
}

int
statscan_run(const char *dir, int64_t skip_pid, int timeout_ms, statscan_fn *fn, void *arg)
{
	struct statscan_one *v = NULL;
	int n = statscan_list(dir, skip_pid, &v);
	if (n < 0)
		return n;
	bool known = statscan_listening(v, n);
	int asked = 0;
	for (int i = 0; i < n; i++)
		asked += statscan_dial(&v[i], known);
	if (asked)
		statscan_wait(v, n, timeout_ms);
	for (int i = 0; i < n; i++) {
		struct statscan_one *o = &v[i];
		if (!o->bus)
			continue;
		bus_close(o->bus);
		fn(arg, &o->peer, o->done && o->err == 0 ? &o->snap : NULL, o->err);
		stats_snap_fini(&o->snap);
	}
	free(v);
	return asked;
}
