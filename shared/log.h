/*
 * log.h: one line per event on stderr, for journald: a stable dotted event key, then
 * key=value fields. Sites that could fire per request use LOG_RATELIMIT.
 */
#ifndef SHARED_LOG_H
#define SHARED_LOG_H

#include <stdbool.h>

enum log_level { LOG_ERR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Sets the process name printed on each line and the lowest level that is printed. */
void log_init(const char *proc, enum log_level level);
/* Parses "err", "warn", "info" or "debug"; returns ERR_INVAL for anything else. */
int log_level_parse(const char *s, enum log_level *out);
bool log_enabled(enum log_level level);

void log_msg(enum log_level level, const char *key, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

#define log_err(key, ...)   log_msg(LOG_ERR, key, __VA_ARGS__)
#define log_warn(key, ...)  log_msg(LOG_WARN, key, __VA_ARGS__)
#define log_info(key, ...)  log_msg(LOG_INFO, key, __VA_ARGS__)
#define log_debug(key, ...) log_msg(LOG_DEBUG, key, __VA_ARGS__)

/* Rate limit state for one call site: at most `burst` lines per second. */
struct log_ratelimit {
	long sec;
	unsigned count;
	unsigned suppressed;
};
bool log_ratelimit_pass(struct log_ratelimit *rl, unsigned burst);

/* LOG_RATELIMIT(log_warn("http.bad", "fd=%d", fd)); prints at most 5 lines a second. */
#define LOG_RATELIMIT(call)                      \
	do {                                     \
		static struct log_ratelimit rl_; \
		if (log_ratelimit_pass(&rl_, 5)) \
			call;                    \
	} while (0)

#endif
