/*
 * inval.h: a front's invalidation subscriber. It holds the sub socket whose receive fd
 * sits in the front's epoll set, drains events without blocking and tracks the last push
 * generation, warning about gaps. Correctness never depends on it (every request renews
 * the LMDB snapshot when a newer commit exists); live reload (live.h) hangs off its
 * per-path and per-event hooks.
 */
#ifndef FRONTD_INVAL_H
#define FRONTD_INVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontd/front_stats.h"
#include "shared/buf.h"

#define INVAL_MSG_MAX (256 * 1024) /* larger events are dropped (a gap, noticed later) */

struct bus;

/* Hooks told about each event: path once per changed path, then done (both may be NULL). */
typedef void inval_path_fn(void *arg, uint64_t gen, struct slice path);
typedef void inval_done_fn(void *arg, uint64_t gen);

struct inval {
	struct bus *bus; /* NULL when the bus could not be opened */
	int fd;          /* pollable receive fd, or -1 */
	uint64_t last_gen;
	bool have_gen;
	uint8_t *buf;           /* INVAL_MSG_MAX bytes, allocated once */
	inval_path_fn *on_path; /* live reload (live.h) */
	inval_done_fn *on_done;
	void *hook_arg;
};

/*
 * Opens the subscriber dialling url ("ipc://DATA/run/events.sock"); a publisher that is
 * not up yet is fine (the dial retries in the background). Returns 0, ERR_INVAL or
 * ERR_IO; on error iv is still valid to close and fd is -1.
 */
int inval_open(struct inval *iv, const char *url);
void inval_close(struct inval *iv);

/*
 * Receives every waiting message without blocking: decodes each invalidation, counts it,
 * logs gaps (warn, rate-limited) and each generation (debug). Bad messages are counted
 * in st->inval_errors and skipped.
 */
void inval_drain(struct inval *iv, struct front_stats *st);

/*
 * Notes a generation learnt another way (the store's, at open and on periodic checks). It
 * moves the baseline forward quietly: the event for that commit may still be on its way,
 * and nothing is lost either way since pages are read from the store.
 */
void inval_note_gen(struct inval *iv, uint64_t gen, struct front_stats *st);

/* Handles one generation from an event; exposed for tests. */
void inval_event(struct inval *iv, uint64_t gen, size_t npaths, struct front_stats *st);

#endif
