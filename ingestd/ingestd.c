/*
 * ingestd.c: the daemon around the ingest (contract in ingestd.h). One thread, one poll
 * loop: the signal descriptor and the API's sockets. Signals arrive through a signalfd so
 * a push is never interrupted half-way; on SIGTERM or SIGINT the API stops accepting, the
 * request in progress is answered, and everything closes in reverse order of opening.
 */
#include "ingestd/ingestd.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ingestd/api.h"
#include "ingestd/ingest.h"
#include "ingestd/ingest_statsock.h"
#include "ingestd/publish.h"
#include "ingestd/upkeep.h"
#include "ingestd/viewdb.h"
#include "ingestd/viewsink.h"
#include "shared/config.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/log.h"
#include "shared/statsock.h"

#define INGESTD_DRAIN_MS  10000 /* longest wait for requests in progress at shutdown */
#define INGESTD_KEY_BYTES 32

static int64_t
now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int
make_dir(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		log_err("ingestd.mkdir", "path=\"%s\" err=\"%s\"", path, strerror(errno));
		return ERR_IO;
	}
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		log_err("ingestd.mkdir", "path=\"%s\" msg=\"not a directory\"", path);
		return ERR_IO;
	}
	return 0;
}

/* Reads the key file: its first line, trimmed. Returns 0, ERR_NOTFOUND or ERR_IO. */
static int
read_key(const char *path, char *key, size_t keylen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return errno == ENOENT ? ERR_NOTFOUND : ERR_IO;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && (st.st_mode & 077)) {
		log_warn("ingestd.key", "path=\"%s\" msg=\"readable by others; chmod 600 it\"",
		         path);
	}
	ssize_t n = read(fd, key, keylen - 1);
	close(fd);
	if (n < 0) {
		return ERR_IO;
	}
	key[n] = '\0';
	key[strcspn(key, "\r\n")] = '\0';
	size_t len = strlen(key);
	while (len && (key[len - 1] == ' ' || key[len - 1] == '\t')) {
		key[--len] = '\0';
	}
	if (len == 0) {
		log_err("ingestd.key", "path=\"%s\" msg=\"empty key file\"", path);
		return ERR_IO;
	}
	return 0;
}

/* Creates the key file with a fresh random key; fails if it appeared meanwhile. */
static int
create_key(const char *path, char *key, size_t keylen)
{
	uint8_t raw[INGESTD_KEY_BYTES];
	size_t got = 0;
	while (got < sizeof(raw)) {
		ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			log_err("ingestd.key", "msg=\"getrandom failed\" err=\"%s\"",
			        strerror(errno));
			return ERR_IO;
		}
		got += (size_t)n;
	}
	if (keylen < 2 * sizeof(raw) + 1) {
		return ERR_TOOBIG;
	}
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < sizeof(raw); i++) {
		key[2 * i] = hex[raw[i] >> 4];
		key[2 * i + 1] = hex[raw[i] & 15];
	}
	key[2 * sizeof(raw)] = '\0';
	explicit_bzero(raw, sizeof(raw));

	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		return errno == EEXIST ? ERR_EXIST : ERR_IO;
	}
	char line[2 * INGESTD_KEY_BYTES + 2];
	int n = snprintf(line, sizeof(line), "%s\n", key);
	int rc = write(fd, line, (size_t)n) == n && fsync(fd) == 0 ? 0 : ERR_IO;
	close(fd);
	explicit_bzero(line, sizeof(line));
	if (rc < 0) {
		unlink(path);
		return rc;
	}
	log_info("ingestd.key", "path=\"%s\" msg=\"created a new API key\"", path);
	return 0;
}

int
ingestd_prepare(const struct config *c, char *key, size_t keylen, int *lock_fd)
{
	*lock_fd = -1;
	char path[4096];
	int rc = make_dir(c->data_dir);
	if (!rc) {
		rc = config_path(c, "run", path, sizeof(path));
	}
	if (!rc) {
		rc = make_dir(path);
	}
	if (rc < 0) {
		return rc;
	}
	if (config_path(c, "run/ingestd.lock", path, sizeof(path)) < 0) {
		return ERR_TOOBIG;
	}
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		log_err("ingestd.lock", "path=\"%s\" err=\"%s\"", path, strerror(errno));
		return ERR_IO;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		log_err("ingestd.lock",
		        "path=\"%s\" msg=\"another ingestd uses this data directory\"", path);
		close(fd);
		return ERR_BUSY;
	}

	if (c->api_key && *c->api_key) {
		if (strlen(c->api_key) >= keylen) {
			close(fd);
			return ERR_TOOBIG;
		}
		snprintf(key, keylen, "%s", c->api_key);
		*lock_fd = fd;
		return 0;
	}
	rc = config_path(c, "api.key", path, sizeof(path));
	if (!rc) {
		rc = read_key(path, key, keylen);
		if (rc == ERR_NOTFOUND) {
			rc = create_key(path, key, keylen);
			if (rc == ERR_EXIST) {
				rc = read_key(path, key, keylen);
			}
		}
	}
	if (rc < 0) {
		log_err("ingestd.key", "path=\"%s\" err=\"%s\"", path, err_str(rc));
		close(fd);
		return rc;
	}
	*lock_fd = fd;
	return 0;
}

/* Blocks the stop signals (they are read from the returned signalfd) and ignores SIGPIPE. */
static int
signals_open(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) {
		return -1;
	}
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* Reads pending signals; returns true if one asks the daemon to stop. */
static bool
signals_read(int sfd)
{
	bool stop = false;
	struct signalfd_siginfo si;
	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			log_info("ingestd.signal",
			         "sig=HUP msg=\"settings are read at start; restart to "
			         "apply changes\"");
			continue;
		}
		log_info("ingestd.signal", "sig=%s msg=\"stopping\"",
		         si.ssi_signo == SIGTERM ? "TERM" : "INT");
		stop = true;
	}
	return stop;
}

static void
serve(struct api *api, int sfd, struct viewsink *views, struct statsock *stats, struct ingest *in)
{
	struct pollfd fds[API_MAX_CONNS + 4];
	int64_t drain_until = -1;
	struct upkeep up = {0};
	for (;;) {
		int64_t now = now_ms();
		if (drain_until >= 0 && (api_idle(api) || now >= drain_until)) {
			break;
		}
		fds[0] = (struct pollfd){.fd = sfd, .events = POLLIN};
		size_t n = api_pollfds(api, fds + 1, ARRAY_LEN(fds) - 3);
		/* View batches, polled last (after the API's entries). */
		fds[n + 1] = (struct pollfd){.fd = viewsink_fd(views), .events = POLLIN};
		/* Stats requests, answered between requests (ingest_statsock.h). */
		fds[n + 2] =
		        (struct pollfd){.fd = stats ? statsock_fd(stats) : -1, .events = POLLIN};
		int timeout = upkeep_timeout(&up, now, api_timeout(api, now));
		if (drain_until >= 0) {
			int left = (int)(drain_until - now);
			timeout = timeout < 0 || timeout > left ? left : timeout;
		}
		int rc = poll(fds, n + 3, timeout);
		if (rc < 0 && errno != EINTR) {
			log_err("ingestd.poll", "err=\"%s\"", strerror(errno));
			break;
		}
		now = now_ms();
		if (rc > 0 && (fds[0].revents & POLLIN) && signals_read(sfd) && drain_until < 0) {
			api_drain(api);
			drain_until = now + INGESTD_DRAIN_MS;
		}
		api_handle(api, fds + 1, rc > 0 ? n : 0, now);
		if (rc > 0 && (fds[n + 1].revents & POLLIN)) {
			viewsink_handle(views);
		}
		if (rc > 0 && (fds[n + 2].revents & POLLIN)) {
			statsock_serve(stats, ingest_statsock_fill, in);
		}
		upkeep_run(&up, in, now); /* reader slots left by killed fronts (upkeep.h) */
	}
}

int
ingestd_run(const struct config *c)
{
	char key[512];
	int lock_fd = -1, sfd = -1, status = 1;
	struct publish *pub = NULL;
	struct ingest *in = NULL;
	struct api *api = NULL;
	struct viewdb *vdb = NULL;
	struct viewsink *views = NULL;
	struct statsock *stats = NULL;

	sfd = signals_open();
	if (sfd < 0) {
		log_err("ingestd.signals", "err=\"%s\"", strerror(errno));
		goto done;
	}
	if (ingestd_prepare(c, key, sizeof(key), &lock_fd) < 0) {
		goto done;
	}
	if (publish_open(&pub, c) < 0) {
		goto done;
	}
	if (ingest_open(&in, c, pub) < 0) {
		log_err("ingestd.start", "msg=\"cannot open the data directory\" data_dir=\"%s\"",
		        c->data_dir);
		goto done;
	}
	if (api_open(&api, c, in, key) < 0) {
		goto done;
	}
	if (viewdb_open(&vdb, ingest_source(in)) < 0 ||
	    viewsink_open(&views, c, vdb, ingest_stats(in)) < 0) {
		goto done;
	}
	api_set_views(api, vdb);
	log_info("ingestd.ready", "gen=%llu api=\"%s\" port=%d data_dir=\"%s\"",
	         (unsigned long long)ingest_gen(in), c->api_listen, api_port(api), c->data_dir);
	/* Optional: without it ingestd works, unseen by folio stat and /metrics peers. */
	statsock_open(&stats, c, STATS_PROC_INGESTD);
	serve(api, sfd, views, stats, in);
	status = 0;
	log_info("ingestd.stop", "gen=%llu", (unsigned long long)ingest_gen(in));
done:
	explicit_bzero(key, sizeof(key));
	statsock_close(stats);
	viewsink_close(views);
	api_close(api);
	viewdb_close(vdb);
	ingest_close(in);
	publish_close(pub);
	if (lock_fd >= 0) {
		close(lock_fd);
	}
	if (sfd >= 0) {
		close(sfd);
	}
	return status;
}
