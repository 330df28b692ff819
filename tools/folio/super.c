/*
 * super.c: the child table behind `folio serve`. Signals are blocked for the whole life of
 * the supervisor and taken with sigtimedwait(), so reaping, restarting and stopping all
 * happen in one flow of control. Each child is made the leader of its own process group
 * (by both parent and child, so a signal sent right after fork still reaches it), and is
 * signalled through the group.
 */
#include "tools/folio/super.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shared/defs.h"
#include "shared/err.h"
#include "shared/log.h"

struct super_child {
	char *name;
	char *path;  /* exec children */
	char **argv; /* exec children, NULL-terminated */
	super_fn *fn;
	void *arg;
	bool restart;
	pid_t pid;             /* 0 when not running */
	int64_t started_ms;    /* when the current run began */
	int64_t backoff_ms;    /* delay before the next restart */
	int64_t restart_at_ms; /* 0: no restart scheduled */
	unsigned restarts;
	unsigned starts; /* runs begun, first start included */
	bool unreported; /* exited, and super_exited() has not said so yet */
	int status;
};

struct super {
	struct super_child *c;
	size_t n, cap;
	sigset_t set; /* the signals the supervisor takes synchronously */
	sigset_t old; /* the mask before, restored in children */
	pid_t self;
	bool stopping;
	int sigfd;    /* readable while one of set is pending (for poll) */
	int watch_fd; /* super_watch(): polled while waiting, -1 if none */
	void (*watch_fn)(void *);
	void *watch_arg;
};

int64_t
super_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
super_new(struct super **out)
{
	struct super *s = xcalloc(1, sizeof(*s));

	sigemptyset(&s->set);
	sigaddset(&s->set, SIGCHLD);
	sigaddset(&s->set, SIGINT);
	sigaddset(&s->set, SIGTERM);
	sigaddset(&s->set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &s->set, &s->old) != 0) {
		free(s);
		return ERR_IO;
	}
	signal(SIGPIPE, SIG_IGN);
	s->self = getpid();
	s->sigfd = signalfd(-1, &s->set, SFD_NONBLOCK | SFD_CLOEXEC);
	s->watch_fd = -1;
	*out = s;
	return 0;
}

void
super_free(struct super *s)
{
	if (!s) {
		return;
	}
	for (size_t i = 0; i < s->n; i++) {
		struct super_child *c = &s->c[i];
		free(c->name);
		free(c->path);
		for (char **a = c->argv; a && *a; a++) {
			free(*a);
		}
		free(c->argv);
	}
	free(s->c);
	if (s->sigfd >= 0) {
		close(s->sigfd);
	}
	free(s);
}

static struct super_child *
super_push(struct super *s, const char *name, bool restart)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 8;
		s->c = xrealloc(s->c, s->cap * sizeof(*s->c));
	}
	struct super_child *c = &s->c[s->n++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(name);
	c->restart = restart;
	return c;
}

int
super_add_exec(struct super *s, const char *name, const char *path, const char *const argv[],
               bool restart)
{
	struct super_child *c = super_push(s, name, restart);
	size_t n = 0;

	while (argv[n]) {
		n++;
	}
	c->path = xstrdup(path);
	c->argv = xcalloc(n + 1, sizeof(*c->argv));
	for (size_t i = 0; i < n; i++) {
		c->argv[i] = xstrdup(argv[i]);
	}
	return (int)(s->n - 1);
}

int
super_add_fn(struct super *s, const char *name, super_fn *fn, void *arg, bool restart)
{
	struct super_child *c = super_push(s, name, restart);

	c->fn = fn;
	c->arg = arg;
	return (int)(s->n - 1);
}

/*
 * The environment of an exec child: this process's, with FOLIO_NAME set to the child's
 * name (so its stats say "frontd.2"). Built before fork, since the child of a process
 * with threads may only make system calls until it execs. Free the array alone.
 */
static char **
super_child_env(const struct super_child *c, char *entry, size_t cap)
{
	size_t n = 0;
	while (environ[n]) {
		n++;
	}
	char **env = xcalloc(n + 2, sizeof(*env));
	size_t k = 0;
	snprintf(entry, cap, "FOLIO_NAME=%s", c->name);
	env[k++] = entry;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(environ[i], "FOLIO_NAME=", 11) != 0) {
			env[k++] = environ[i];
		}
	}
	return env;
}

/* In the child, between fork and exec: never returns. */
static _Noreturn void
super_child_run(struct super *s, struct super_child *c, char **env)
{
	setpgid(0, 0);
	// Die with the supervisor; if it is already gone, the parent is now someone else.
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != s->self) {
		_exit(1);
	}
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, &s->old, NULL);
	if (c->fn) {
		int rc = c->fn(c->arg);
		fflush(stdout);
		fflush(stderr);
		_exit(rc);
	}
	close_range(3, ~0U, 0);
	execve(c->path, c->argv, env);
	fprintf(stderr, "folio serve: cannot run %s: %s\n", c->path, strerror(errno));
	_exit(127);
}

static int
super_spawn(struct super *s, struct super_child *c)
{
	pid_t pid;
	char name_env[128];
	char **env = c->fn ? NULL : super_child_env(c, name_env, sizeof(name_env));

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		super_child_run(s, c, env);
	}
	free(env);
	if (pid < 0) {
		log_err("serve.fork", "child=%s err=\"%s\"", c->name, strerror(errno));
		c->backoff_ms = SUPER_BACKOFF_MAX_MS;
		c->restart_at_ms = super_now_ms() + c->backoff_ms;
		return ERR_IO;
	}
	setpgid(pid, pid); // also done by the child; whichever runs first wins, both are fine
	c->pid = pid;
	c->starts++;
	c->started_ms = super_now_ms();
	c->unreported = false;
	return 0;
}

int
super_start(struct super *s, int idx)
{
	struct super_child *c = &s->c[idx];

	c->restart_at_ms = 0;
	return super_spawn(s, c);
}

/* Describes a wait status as "exit status N" or "signal N (NAME)" into out[64]. */
static const char *
super_describe(int status, char out[64])
{
	if (WIFEXITED(status)) {
		snprintf(out, 64, "exit status %d", WEXITSTATUS(status));
	} else if (WIFSIGNALED(status)) {
		snprintf(out, 64, "killed by signal %d (%s)", WTERMSIG(status),
		         sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?");
	} else {
		snprintf(out, 64, "wait status %#x", status);
	}
	return out;
}

static void
super_on_exit(struct super *s, struct super_child *c, int status)
{
	int64_t now = super_now_ms();
	int64_t ran = now - c->started_ms;
	pid_t pid = c->pid;
	char how[64];

	c->pid = 0;
	c->status = status;
	super_describe(status, how);
	if (s->stopping) {
		log_info("serve.stopped", "child=%s pid=%d how=\"%s\"", c->name, (int)pid, how);
		return;
	}
	if (!c->restart) {
		c->unreported = true;
		log_info("serve.exit", "child=%s pid=%d how=\"%s\" ran_ms=%lld", c->name, (int)pid,
		         how, (long long)ran);
		return;
	}
	if (ran >= SUPER_STABLE_MS || c->backoff_ms == 0) {
		c->backoff_ms = SUPER_BACKOFF_MIN_MS;
	} else {
		c->backoff_ms = MIN(c->backoff_ms * 2, SUPER_BACKOFF_MAX_MS);
	}
	c->restart_at_ms = now + c->backoff_ms;
	log_warn("serve.exit", "child=%s pid=%d how=\"%s\" ran_ms=%lld restart_in_ms=%lld", c->name,
	         (int)pid, how, (long long)ran, (long long)c->backoff_ms);
}

static void
super_reap(struct super *s)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (size_t i = 0; i < s->n; i++) {
			if (s->c[i].pid == pid) {
				super_on_exit(s, &s->c[i], status);
				break;
			}
		}
	}
}

static void
super_restart_due(struct super *s)
{
	int64_t now = super_now_ms();

	for (size_t i = 0; i < s->n; i++) {
		struct super_child *c = &s->c[i];
		if (c->pid || !c->restart_at_ms || now < c->restart_at_ms) {
			continue;
		}
		c->restart_at_ms = 0;
		c->restarts++;
		if (super_spawn(s, c) == 0) {
			log_info("serve.restart", "child=%s pid=%d restarts=%u", c->name,
			         (int)c->pid, c->restarts);
		}
	}
}

/*
 * Waits for one of the supervisor's signals for up to ms; returns it, or 0 on timeout.
 * Meanwhile the watched descriptor's handler runs each time it polls readable.
 */
static int
super_sigwait(struct super *s, int64_t ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
	int64_t deadline = super_now_ms() + ms;

	if (s->watch_fd < 0 || s->sigfd < 0) {
		int sig = sigtimedwait(&s->set, NULL, &ts);
		return sig > 0 ? sig : 0;
	}
	for (;;) {
		struct timespec zero = {0};
		int sig = sigtimedwait(&s->set, NULL, &zero);
		int64_t left = deadline - super_now_ms();
		if (sig > 0 || left <= 0) {
			return sig > 0 ? sig : 0;
		}
		struct pollfd p[2] = {{.fd = s->sigfd, .events = POLLIN},
		                      {.fd = s->watch_fd, .events = POLLIN}};
		if (poll(p, 2, (int)left) > 0 && (p[1].revents & POLLIN)) {
			s->watch_fn(s->watch_arg);
		}
	}
}

int
super_wait(struct super *s, int64_t timeout_ms)
{
	int64_t now = super_now_ms();
	int sig;

	for (size_t i = 0; i < s->n; i++) {
		int64_t due = s->c[i].restart_at_ms;
		if (due && due - now < timeout_ms) {
			timeout_ms = due > now ? due - now : 0;
		}
	}
	sig = super_sigwait(s, timeout_ms < 0 ? 0 : timeout_ms);
	super_reap(s);
	if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
		return sig;
	}
	super_restart_due(s);
	return 0;
}

static bool
super_any_running(const struct super *s)
{
	for (size_t i = 0; i < s->n; i++) {
		if (s->c[i].pid) {
			return true;
		}
	}
	return false;
}

static void
super_signal_all(struct super *s, int sig)
{
	for (size_t i = 0; i < s->n; i++) {
		if (s->c[i].pid && kill(-s->c[i].pid, sig) != 0) {
			kill(s->c[i].pid, sig);
		}
	}
}

/*
 * Waits until the children from index `from` on have exited or deadline passes. Returns
 * false if a second stop signal came (kill everything now).
 */
static bool
super_wait_from(struct super *s, size_t from, int64_t deadline)
{
	for (;;) {
		bool running = false;
		for (size_t i = from; i < s->n; i++) {
			running = running || s->c[i].pid != 0;
		}
		int64_t left = deadline - super_now_ms();
		if (!running || left <= 0) {
			return true;
		}
		int sig = super_sigwait(s, left);
		super_reap(s);
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
			log_warn("serve.stop", "second stop signal: killing children now");
			return false;
		}
	}
}

void
super_stop(struct super *s, int64_t grace_ms)
{
	s->stopping = true;
	for (size_t i = 0; i < s->n; i++) {
		s->c[i].restart_at_ms = 0;
	}
	/*
	 * Two waves: every child but the first, then the first, each with grace_ms. folio
	 * serve adds ingestd first, and the fronts hand it their last view counts as they stop.
	 */
	for (size_t i = 1; i < s->n; i++) {
		if (s->c[i].pid && kill(-s->c[i].pid, SIGTERM) != 0) {
			kill(s->c[i].pid, SIGTERM);
		}
	}
	if (super_wait_from(s, 1, super_now_ms() + grace_ms) && s->n && s->c[0].pid) {
		if (kill(-s->c[0].pid, SIGTERM) != 0) {
			kill(s->c[0].pid, SIGTERM);
		}
		super_wait_from(s, 0, super_now_ms() + grace_ms);
	}
	if (!super_any_running(s)) {
		return;
	}
	for (size_t i = 0; i < s->n; i++) {
		if (s->c[i].pid) {
			log_warn("serve.kill", "child=%s pid=%d did not stop in time: SIGKILL",
			         s->c[i].name, (int)s->c[i].pid);
		}
	}
	super_signal_all(s, SIGKILL);
	for (size_t i = 0; i < s->n; i++) {
		struct super_child *c = &s->c[i];
		int status = 0;
		pid_t r;
		if (!c->pid) {
			continue;
		}
		do {
			r = waitpid(c->pid, &status, 0);
		} while (r < 0 && errno == EINTR);
		if (r == c->pid) {
			super_on_exit(s, c, status);
		} else {
			c->pid = 0;
		}
	}
}

pid_t
super_pid(const struct super *s, int idx)
{
	return s->c[idx].pid;
}

bool
super_exited(struct super *s, int idx, int *status)
{
	struct super_child *c = &s->c[idx];

	if (!c->unreported) {
		return false;
	}
	c->unreported = false;
	*status = c->status;
	return true;
}

unsigned
super_restarts(const struct super *s, int idx)
{
	return s->c[idx].restarts;
}

unsigned
super_starts(const struct super *s, int idx)
{
	return s->c[idx].starts;
}

bool
super_keeps_running(const struct super *s, int idx)
{
	return s->c[idx].restart;
}

size_t
super_count(const struct super *s)
{
	return s->n;
}

const char *
super_name(const struct super *s, int idx)
{
	return s->c[idx].name;
}

void
super_watch(struct super *s, int fd, void (*fn)(void *arg), void *arg)
{
	s->watch_fd = fn ? fd : -1;
	s->watch_fn = fn;
	s->watch_arg = arg;
}
