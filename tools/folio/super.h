/*
 * super.h: a small process supervisor for `folio serve`. It starts children (a program
 * with arguments, or a function run in a forked copy of folio), restarts those that die
 * with a backoff (100 ms doubling to 5 s, reset once a child has run 10 s), and stops
 * them all on SIGINT, SIGTERM or SIGHUP: SIGTERM to each, a grace period, then SIGKILL.
 *
 * Children run in their own process group, so a terminal's Ctrl-C reaches only the
 * supervisor, which then stops them in order; each child also gets SIGTERM if the
 * supervisor dies (PR_SET_PDEATHSIG). The supervisor is single-threaded and takes
 * signals synchronously (sigtimedwait), so no handler races the child table. An exec
 * child finds its name in FOLIO_NAME ("frontd.2").
 */
#ifndef TOOLS_FOLIO_SUPER_H
#define TOOLS_FOLIO_SUPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SUPER_BACKOFF_MIN_MS 100
#define SUPER_BACKOFF_MAX_MS 5000
#define SUPER_STABLE_MS      10000 /* a child that ran this long restarts after the minimum */

struct super;

/* A function run in a forked child; its return value is the child's exit status. */
typedef int super_fn(void *arg);

/*
 * Blocks SIGCHLD, SIGINT, SIGTERM and SIGHUP and ignores SIGPIPE so the supervisor can take
 * them with super_wait(). Call before starting anything. Returns 0 or ERR_IO.
 */
int super_new(struct super **out);
/* Frees the table; children still running are not signalled (call super_stop first). */
void super_free(struct super *s);

/*
 * Adds a child that execs path with argv (NULL-terminated; both copied). restart: start
 * it again when it exits. Returns the child's index (>= 0). Does not start it.
 */
int super_add_exec(struct super *s, const char *name, const char *path, const char *const argv[],
                   bool restart);
/* Adds a child that runs fn(arg) in a fork of this process (arg must outlive the child). */
int super_add_fn(struct super *s, const char *name, super_fn *fn, void *arg, bool restart);

/* Starts child idx now. Returns 0 or ERR_IO (fork failed; a restart is scheduled). */
int super_start(struct super *s, int idx);

/*
 * Waits up to timeout_ms for a signal or a due restart: reaps children that exited (logging
 * each exit), restarts those whose backoff has passed, and returns. Returns the stop signal
 * (SIGINT, SIGTERM or SIGHUP) if one arrived, else 0.
 */
int super_wait(struct super *s, int64_t timeout_ms);

/*
 * Stops every running child: SIGTERM to all but the first, up to grace_ms for them to
 * exit, then SIGTERM to the first and up to grace_ms more (another stop signal cuts the
 * waits short), then SIGKILL and reap. Restarts are cancelled. The first child is the one
 * the others report to (folio serve adds ingestd first).
 */
void super_stop(struct super *s, int64_t grace_ms);

/* The pid of child idx, or 0 if it is not running. */
pid_t super_pid(const struct super *s, int idx);
/*
 * Whether child idx has exited (and is not due to restart); *status gets its wait status.
 * Returns true once for each exit, so a caller can report it.
 */
bool super_exited(struct super *s, int idx, int *status);
/* Times child idx has been restarted. */
unsigned super_restarts(const struct super *s, int idx);
/* Times child idx has been started, the first time included. */
unsigned super_starts(const struct super *s, int idx);
/* Whether child idx is restarted when it exits (false for one-shot children). */
bool super_keeps_running(const struct super *s, int idx);
/* Number of children, and the name of child idx. */
size_t super_count(const struct super *s);
const char *super_name(const struct super *s, int idx);

/*
 * While super_wait or super_stop waits, calls fn(arg) whenever fd polls readable (the
 * supervisor's stats socket). fn NULL stops watching.
 */
void super_watch(struct super *s, int fd, void (*fn)(void *arg), void *arg);

/* Monotonic milliseconds. */
int64_t super_now_ms(void);

#endif
