/*
 * statscan.h: the reading side of the stats sockets (statsock.h). One scan lists
 * DATA/run/stats, asks every live socket at once and waits for the answers up to one
 * deadline, so a scan costs one timeout at most however many processes there are. A
 * socket nobody listens on belongs to a process that died without cleaning up: it is
 * skipped, and removed when that pid no longer exists. A process started since the last
 * scan simply shows up in the next one.
 */
#ifndef SHARED_STATSCAN_H
#define SHARED_STATSCAN_H

#include <stdint.h>

#include "shared/stats.h"

#define STATSCAN_MAX     512        /* sockets asked per scan */
#define STATSCAN_MSG_MAX (1u << 20) /* the largest reply read */

/* One socket found in the folder. */
struct statscan_peer {
	char kind[16]; /* from the file name: ingestd, frontd, serve */
	int64_t pid;
	char path[512];
};

/*
 * Called once per live socket, in file-name order. snap is the decoded reply, or NULL when
 * the process did not answer in time or answered something undecodable (err says which:
 * ERR_AGAIN, ERR_VERSION, ERR_PROTO, ...). The callee may take the snapshot with
 * stats_snap_move(); whatever is left is freed after the call.
 */
typedef void statscan_fn(void *arg, const struct statscan_peer *peer, struct stats_snap *snap,
                         int err);

/*
 * Scans dir (DATA/run/stats), skipping the socket of skip_pid (the caller's own, which it
 * cannot answer while it waits; 0 skips none), waiting at most timeout_ms in all. Returns
 * the number of sockets asked, or ERR_NOTFOUND when dir does not exist (no process has
 * started yet).
 */
int statscan_run(const char *dir, int64_t skip_pid, int timeout_ms, statscan_fn *fn, void *arg);

#endif
