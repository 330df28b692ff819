/*
 * statsock.c: the answering side of a stats socket (contract in statsock.h). nng does the
 * socket work on its own threads; this file only drains requests when the owner's poll
 * says one waits, so the owner's thread decides when stats are read.
 */
#include "shared/statsock.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/bus.h"
#include "shared/config.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/log.h"

#define STATSOCK_PER_CALL 16  /* answers per wake-up: a flood of readers cannot hog a loop */
#define STATSOCK_REQ_MAX  256 /* requests are a few bytes */

struct statsock {
	struct bus *bus;
	int fd;
	enum stats_proc proc;
	char path[PATH_MAX];
	char name[STATSOCK_NAME_MAX];
	struct buf out; /* the reply, reused */
	uint8_t req[STATSOCK_REQ_MAX];
};

/* Whether s is a usable process name: 1 to 63 of [A-Za-z0-9._-]. */
static bool
name_ok(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++) {
		char ch = s[n];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		          (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
		if (!ok || n + 1 >= STATSOCK_NAME_MAX)
			return false;
	}
	return n > 0;
}

void
statsock_head(struct stats_head *hd, enum stats_proc proc, char name[STATSOCK_NAME_MAX])
{
	const char *env = getenv(STATSOCK_ENV_NAME);
	int pid = (int)getpid();
	if (env && name_ok(env))
		snprintf(name, STATSOCK_NAME_MAX, "%s", env);
	else
		snprintf(name, STATSOCK_NAME_MAX, "%s-%d", stats_proc_name(proc), pid);
	*hd = (struct stats_head){
	        .proc = proc,
	        .name = name,
	        .pid = pid,
	        .start_us = stats_process_start_us(),
	        .now_us = stats_wall_us(),
	};
}

/* mkdir that accepts an existing directory. */
static int
statsock_mkdir(const char *path)
{
	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return 0;
	return -errno;
}

int
statsock_open(struct statsock **out, const struct config *c, enum stats_proc proc)
{
	*out = NULL;
	char dir[PATH_MAX], run[PATH_MAX], url[PATH_MAX + 8];
	struct stat st;
	if (stat(c->data_dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return ERR_NOTFOUND;
	if (config_path(c, "run", run, sizeof(run)) < 0 ||
	    config_path(c, STATSOCK_DIR, dir, sizeof(dir)) < 0)
		return ERR_INVAL;
	int rc = statsock_mkdir(run);
	if (rc == 0)
		rc = statsock_mkdir(dir);
	if (rc < 0) {
		log_warn("stats.open", "dir=\"%s\" err=\"%s\"", dir, err_str(rc));
		return ERR_IO;
	}
	struct statsock *s = xcalloc(1, sizeof(*s));
	s->proc = proc;
	s->fd = -1;
	struct stats_head hd;
	statsock_head(&hd, proc, s->name);
	int n = snprintf(s->path, sizeof(s->path), "%s/%s-%d.sock", dir, stats_proc_name(proc),
	                 (int)getpid());
	if (n < 0 || (size_t)n >= sizeof(s->path)) {
		free(s);
		return ERR_INVAL;
	}
	snprintf(url, sizeof(url), "ipc://%s", s->path);
	unlink(s->path); /* our pid's name: a file there was left by a dead process */
	rc = bus_rep_open(&s->bus, url, STATSOCK_REQ_MAX);
	if (rc == 0)
		rc = bus_recv_fd(s->bus, &s->fd);
	if (rc < 0) {
		log_warn("stats.open", "path=\"%s\" err=\"%s\"%s", s->path, err_str(rc),
		         rc == ERR_INVAL ? " msg=\"path too long for a unix socket?\"" : "");
		statsock_close(s);
		return rc == ERR_INVAL ? ERR_INVAL : ERR_IO;
	}
	buf_init(&s->out, 0);
	log_debug("stats.open", "path=\"%s\" name=%s", s->path, s->name);
	*out = s;
	return 0;
}

void
statsock_close(struct statsock *s)
{
	if (!s)
		return;
	if (s->bus) {
		bus_close(s->bus); /* nng removes the socket file it created */
		unlink(s->path);
	}
	buf_fini(&s->out);
	free(s);
}

int
statsock_fd(const struct statsock *s)
{
	return s->fd;
}

const char *
statsock_name(const struct statsock *s)
{
	return s->name;
}

int
statsock_serve(struct statsock *s, statsock_fill_fn *fill, void *arg)
{
	int answered = 0;
	for (int i = 0; i < STATSOCK_PER_CALL; i++) {
		size_t len = 0;
		int rc = bus_recv(s->bus, s->req, sizeof(s->req), &len);
		if (rc == ERR_AGAIN)
			break;
		if (rc == ERR_TOOBIG)
			continue; /* not a stats request: dropped, the sender times out */
		if (rc < 0) {
			LOG_RATELIMIT(log_warn("stats.recv", "err=\"%s\"", err_str(rc)));
			break;
		}
		rc = stats_check_request((struct slice){s->req, len});
		if (rc < 0) {
			/* Answer anyway: a reader from another build then fails loudly on the
			 * reply's version instead of waiting for a timeout. */
			LOG_RATELIMIT(log_warn("stats.request", "bytes=%zu err=\"%s\"", len,
			                       err_str(rc)));
		}
		struct stats_head hd;
		char name[STATSOCK_NAME_MAX];
		statsock_head(&hd, s->proc, name);
		hd.name = s->name;
		buf_reset(&s->out);
		rc = fill(arg, &hd, &s->out);
		if (rc == 0)
			rc = bus_send(s->bus, buf_slice(&s->out));
		if (rc < 0) {
			LOG_RATELIMIT(log_warn("stats.reply", "err=\"%s\"", err_str(rc)));
			continue;
		}
		answered++;
	}
	return answered;
}
