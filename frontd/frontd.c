/*
 * frontd.c: setting a front up and tearing it down (contract in frontd.h): the shared
 * listening socket, signals, the store (opened late if ingestd has not created it yet),
 * the invalidation bus, and the periodic ticks the loop runs between events.
 */
#include "frontd/frontd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "frontd/accesslog.h"
#include "frontd/front_statsock.h"
#include "shared/config.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/log.h"
#include "shared/store.h"

#define FRONTD_BACKLOG    4096 /* the kernel caps it at net.core.somaxconn */
#define FRONTD_PAUSE_MS   100  /* accept retry after running out of descriptors */
#define FRONTD_DEFER_SECS 1    /* TCP_DEFER_ACCEPT: wake for a connection once it has data */
#define FRONTD_SPARE_FDS  64   /* descriptors beyond max_conns: store, bus, epoll, logs */
#define FRONTD_DRAIN_MAX  16   /* accept batches taken from the queue when stopping */

/* Formats the socket's bound address ("127.0.0.1:8080", "[::1]:8080"). */
static void
frontd_name_socket(int s, char *out, size_t cap)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	if (getsockname(s, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
			inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
			port = ntohs(a->sin6_port);
			snprintf(out, cap, "[%s]:%u", host, port);
			return;
		}
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
		port = ntohs(a->sin_port);
	}
	snprintf(out, cap, "%s:%u", host, port);
}

/* Binds the listening socket every front shares (SO_REUSEPORT). */
static int
frontd_listen(struct frontd *fd)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	int rc;
	if (config_parse_addr(fd->cfg->listen, &ss, &sslen) < 0) {
		log_err("frontd.listen", "listen=\"%s\" err=not an address:port", fd->cfg->listen);
		return ERR_INVAL;
	}
	int s = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s < 0)
		goto fail;
	int one = 1, defer = FRONTD_DEFER_SECS;
	if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0)
		goto fail;
	if (bind(s, (struct sockaddr *)&ss, sslen) < 0 || listen(s, FRONTD_BACKLOG) < 0)
		goto fail;
	/* Optional: without it a connection is only woken one epoll round earlier. */
	setsockopt(s, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer, sizeof(defer));
	fd->lfd = s;
	frontd_name_socket(s, fd->listen_name, sizeof(fd->listen_name));
	fd->listen_src.kind = LOOP_LISTEN;
	rc = loop_watch(fd->epfd, s, EPOLLIN, &fd->listen_src);
	if (rc < 0) {
		log_err("frontd.listen", "listen=%s err=%s", fd->listen_name, err_str(rc));
		return rc;
	}
	return 0;
fail:
	rc = -errno;
	log_err("frontd.listen", "listen=%s err=%s", fd->cfg->listen, err_str(rc));
	if (s >= 0)
		close(s);
	return rc;
}

/* Raises the descriptor limit to fit max_conns, as far as the hard limit allows. */
static void
frontd_raise_nofile(size_t want)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= want)
		return;
	rlim_t old = rl.rlim_cur;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < want)
		log_warn("frontd.nofile", "limit=%llu want=%zu (fewer connections fit)",
		         (unsigned long long)(rl.rlim_cur > old ? rl.rlim_cur : old), want);
}

static int
frontd_signals(struct frontd *fd)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	fd->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd->sigfd < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN); /* a vanished client is an EPIPE, not a death */
	fd->signal_src.kind = LOOP_SIGNAL;
	return loop_watch(fd->epfd, fd->sigfd, EPOLLIN, &fd->signal_src);
}

/* Reads the store's generation in a short txn of its own and tells the subscriber. */
static void
frontd_check_gen(struct frontd *fd)
{
	if (store_read_begin(fd->store) == 0) {
		inval_note_gen(&fd->inval, store_read_gen(fd->store), &fd->stats);
		store_read_end(fd->store);
	}
	fd->gen_check_at = fd->now_ms + FRONTD_GEN_CHECK_MS;
}

/* Opens the store if ingestd has created it; otherwise schedules another try. */
static void
frontd_open_store(struct frontd *fd)
{
	struct store *s;
	int rc = store_open(&s, fd->pages_dir, STORE_READER, 0, (unsigned)fd->cfg->max_readers);
	if (rc == 0) {
		int dead = 0;
		store_reader_check(s, &dead);
		fd->store = s;
		frontd_check_gen(fd);
		log_info("store.open", "dir=%s gen=%" PRIu64 " stale_readers=%d", fd->pages_dir,
		         fd->stats.gen_seen, dead);
		return;
	}
	if (rc == ERR_NOTFOUND) {
		if (!fd->store_wait_logged)
			log_info("store.wait", "dir=%s (answering 503 until ingestd creates it)",
			         fd->pages_dir);
		fd->store_wait_logged = true;
	} else {
		LOG_RATELIMIT(log_warn("store.open", "dir=%s err=%s", fd->pages_dir, err_str(rc)));
	}
	fd->store_retry_at = fd->now_ms + FRONTD_STORE_RETRY_MS;
}

/* The view counter and its socket to ingestd (views.h); a socket failure is only logged. */
static int
frontd_views_open(struct frontd *fd)
{
	char sock[4096], url[4200];
	if (config_path(fd->cfg, "run/views.sock", sock, sizeof(sock)) < 0)
		return ERR_TOOBIG;
	snprintf(url, sizeof(url), "ipc://%s", sock);
	int rc = views_init(&fd->views, fd->cfg, url, &fd->stats, fd->now_ms, (int64_t)time(NULL));
	if (rc < 0)
		return rc;
	fd->views_src.kind = LOOP_VIEWS;
	if (fd->views.fd >= 0 && loop_watch(fd->epfd, fd->views.fd, EPOLLIN, &fd->views_src) < 0)
		log_warn("views.watch", "err=%s (view acknowledgements arrive only on ticks)",
		         err_str(-errno));
	return 0;
}

int
frontd_init(struct frontd *fd, const struct config *cfg)
{
	memset(fd, 0, sizeof(*fd));
	fd->cfg = cfg;
	fd->epfd = fd->lfd = fd->sigfd = -1;
	fd->inval.fd = -1;
	fd->now_ms = loop_now_ms();
	respond_date_update(&fd->date, (int64_t)time(NULL));
	loop_timers_init(&fd->timers, cfg->header_timeout_ms, cfg->idle_timeout_ms);

	char sock[4096], url[4200];
	int rc = config_path(cfg, "pages", fd->pages_dir, sizeof(fd->pages_dir));
	if (rc == 0)
		rc = config_path(cfg, "run/events.sock", sock, sizeof(sock));
	if (rc < 0) {
		log_err("frontd.config", "data_dir=\"%s\" err=path too long", cfg->data_dir);
		goto fail;
	}
	snprintf(url, sizeof(url), "ipc://%s", sock);

	size_t max_conns = (size_t)cfg->max_conns;
	size_t live_max = cfg->live_reload ? (size_t)cfg->live_max : 0;
	frontd_raise_nofile(max_conns + live_max + FRONTD_SPARE_FDS);
	rc = conn_pool_init(&fd->pool, max_conns);
	if (rc < 0) {
		log_err("frontd.pool", "max_conns=%zu err=%s", max_conns, err_str(rc));
		goto fail;
	}
	rc = live_init(&fd->live, cfg->live_reload, live_max, max_conns + FRONTD_SPARE_FDS);
	if (rc < 0) {
		log_err("frontd.live", "live_max=%zu err=%s", live_max, err_str(rc));
		goto fail;
	}
	fd->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (fd->epfd < 0) {
		rc = -errno;
		log_err("frontd.epoll", "err=%s", err_str(rc));
		goto fail;
	}
	rc = frontd_signals(fd);
	if (rc < 0) {
		log_err("frontd.signals", "err=%s", err_str(rc));
		goto fail;
	}
	rc = frontd_listen(fd);
	if (rc < 0)
		goto fail;

	/* Events are an optimisation: a front without them still serves every push. */
	rc = inval_open(&fd->inval, url);
	if (rc == 0) {
		fd->bus_src.kind = LOOP_BUS;
		rc = loop_watch(fd->epfd, fd->inval.fd, EPOLLIN, &fd->bus_src);
	}
	if (rc < 0)
		log_warn("inval.open", "url=%s err=%s (serving without events)", url, err_str(rc));
	fd->inval.on_path = live_on_path; /* live reload hears of every changed page */
	fd->inval.on_done = live_on_event;
	fd->inval.hook_arg = fd;
	rc = frontd_views_open(fd);
	if (rc < 0)
		goto fail;
	front_statsock_open(fd); /* optional too: a front without it still serves */
	if (cfg->access_log && *cfg->access_log) {
		rc = accesslog_open(&fd->alog, cfg->access_log, cfg->data_dir);
		if (rc < 0)
			goto fail;
	}

	frontd_open_store(fd);
	return 0;
fail:
	frontd_fini(fd);
	return rc;
}

void
frontd_fini(struct frontd *fd)
{
	for (size_t i = 0; i < fd->pool.fresh; i++) {
		struct conn *c = &fd->pool.mem[i];
		if (c->state != CONN_FREE && c->state != CONN_CLOSING)
			conn_close(fd, c);
	}
	conn_reap(fd);
	conn_pool_fini(&fd->pool);
	live_fini(&fd->live);
	inval_close(&fd->inval);
	views_fini(&fd->views);
	front_statsock_close(fd);
	accesslog_close(fd->alog); /* after the connections: it writes what they logged */
	fd->alog = NULL;
	store_close(fd->store);
	fd->store = NULL;
	if (fd->lfd >= 0)
		close(fd->lfd);
	if (fd->sigfd >= 0)
		close(fd->sigfd);
	if (fd->epfd >= 0)
		close(fd->epfd);
	fd->lfd = fd->sigfd = fd->epfd = -1;
}

int
frontd_run(struct frontd *fd)
{
	log_info("frontd.start", "listen=%s pid=%d max_conns=%zu store=%s", fd->listen_name,
	         (int)getpid(), fd->pool.cap, fd->store ? "open" : "waiting");
	int rc = loop_run(fd);
	log_info("frontd.stop", "pid=%d requests=%" PRIu64 " open=%zu", (int)getpid(),
	         fd->stats.req_total, fd->pool.open);
	return rc;
}

/*
 * Accepts what the kernel has queued for this listener before it closes: closing a
 * listener resets the connections in its queue (unless net.ipv4.tcp_migrate_req hands
 * them to another front of the SO_REUSEPORT group). Bounded: a flood cannot hold the stop.
 */
static void
frontd_drain_accept(struct frontd *fd)
{
	struct pollfd p = {.fd = fd->lfd, .events = POLLIN};
	for (int i = 0; i < FRONTD_DRAIN_MAX && fd->lfd >= 0; i++) {
		if (poll(&p, 1, 0) != 1 || !(p.revents & POLLIN))
			break;
		conn_accept(fd);
	}
}

void
frontd_stop(struct frontd *fd)
{
	if (fd->stopping) {
		fd->stop_deadline = fd->now_ms; /* asked twice: stop now */
		return;
	}
	if (fd->lfd >= 0) {
		frontd_drain_accept(fd);
		close(fd->lfd); /* new connections go to the other fronts */
		fd->lfd = -1;
	}
	fd->stopping = true;
	fd->stop_deadline = fd->now_ms + FRONTD_STOP_MS;
	/*
	 * An idle keep-alive client may be sending its next request right now: closing at
	 * once would fail it. For a grace period every request still gets an answer (with
	 * "Connection: close"); then the connections still idle are closed.
	 */
	fd->stop_idle_at = fd->now_ms + FRONTD_STOP_IDLE_MS;
	live_stop(fd); /* streams never finish: their readers reconnect to another front */
	log_info("frontd.stopping", "open=%zu wait_ms=%d", fd->pool.open, FRONTD_STOP_MS);
}

void
frontd_pause_listen(struct frontd *fd)
{
	if (fd->lfd < 0 || fd->listen_paused_until)
		return;
	if (loop_rewatch(fd->epfd, fd->lfd, 0, &fd->listen_src) == 0)
		fd->listen_paused_until = fd->now_ms + FRONTD_PAUSE_MS;
}

void
frontd_tick(struct frontd *fd)
{
	if (!fd->store && fd->now_ms >= fd->store_retry_at)
		frontd_open_store(fd);
	if (fd->store && fd->now_ms >= fd->gen_check_at)
		frontd_check_gen(fd);
	if (fd->stopping && (fd->pool.open == 0 || fd->now_ms >= fd->stop_deadline))
		views_stop(&fd->views, fd->now_ms); /* requests are done: flush the last views */
	views_tick(&fd->views, fd->now_ms, fd->date.sec);
	front_statsock_tick(fd);
	live_tick(fd);
	if (fd->stop_idle_at && fd->now_ms >= fd->stop_idle_at) {
		fd->stop_idle_at = 0;
		conn_close_idle(fd); /* the stop's grace is over */
	}
	if (fd->listen_paused_until && fd->now_ms >= fd->listen_paused_until) {
		fd->listen_paused_until = 0;
		if (fd->lfd >= 0)
			loop_rewatch(fd->epfd, fd->lfd, EPOLLIN, &fd->listen_src);
	}
}
