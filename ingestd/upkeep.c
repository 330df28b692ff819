/*
 * upkeep.c: ingestd's periodic housekeeping (contract in upkeep.h). mdb_reader_check
 * walks the reader table and asks the kernel whether each slot's process is alive (a
 * lock probe per process), so it costs microseconds and runs between requests.
 */
#include "ingestd/upkeep.h"

#include "ingestd/ingest.h"
#include "ingestd/ingest_stats.h"
#include "shared/err.h"
#include "shared/log.h"
#include "shared/store.h"

int
upkeep_timeout(const struct upkeep *u, int64_t now, int timeout)
{
	int64_t left = u->readers_at - now;
	if (left < 0) {
		left = 0;
	}
	if (timeout < 0 || left < timeout) {
		return (int)left;
	}
	return timeout;
}

void
upkeep_run(struct upkeep *u, struct ingest *in, int64_t now)
{
	if (now < u->readers_at) {
		return;
	}
	u->readers_at = now + UPKEEP_READERS_MS;
	struct store *st = ingest_store(in);
	if (!st) {
		return;
	}
	int dead = 0;
	int rc = store_reader_check(st, &dead);
	if (rc < 0) {
		LOG_RATELIMIT(log_warn("store.readers", "err=\"%s\"", err_str(rc)));
		return;
	}
	if (dead > 0) {
		ingest_stats(in)->readers_reclaimed += (uint64_t)dead;
		log_info("store.readers", "reclaimed=%d (slots of processes that died)", dead);
	}
}
