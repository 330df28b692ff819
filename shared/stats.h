/*
 * stats.h: the stats reply every folio process sends on its stats socket, and the
 * fixed-bucket histogram processes keep on their hot paths. A reply is a msgpack array
 * that starts with STATS_MAGIC and STATS_VERSION (like events.h), so a reader from another
 * build fails loudly (ERR_VERSION) instead of misreading:
 *
 *   request: [magic, version, STATS_REQUEST]
 *   reply:   [magic, version, STATS_REPLY, proc, name, pid, start_us, now_us,
 *             [[name, kind, value, doc, {label: value, ...}], ...],
 *             [[name, unit, doc, [upper bound, ...], [count, ...], sum, max], ...]]
 *
 * proc is enum stats_proc; start_us and now_us are unix microseconds, so a reader tells a
 * restart (another pid or start time) from a counter that went down. Metrics carry their
 * own documentation, so readers (folio stat, /metrics) need no table of names. A histogram
 * has one more count than bounds: the last bucket has no upper bound (+Inf). Names ending
 * in "_us" and histograms of unit "us" are microseconds (Prometheus shows them in seconds).
 */
#ifndef SHARED_STATS_H
#define SHARED_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"

#define STATS_MAGIC   0x464f4c53u /* "FOLS" */
#define STATS_VERSION 1

enum stats_msg {
	STATS_REQUEST = 1,
	STATS_REPLY = 2,
};

enum stats_proc {
	STATS_PROC_INGESTD = 1,
	STATS_PROC_FRONTD = 2,
	STATS_PROC_SERVE = 3, /* the folio serve supervisor */
};

/* A metric's kind; the X-macro tables spell them counter and gauge. */
enum stats_kind {
	STATS_COUNTER = 0, /* only rises while the process lives */
	STATS_GAUGE = 1,   /* goes both ways */
};
#define STATS_KIND_counter STATS_COUNTER
#define STATS_KIND_gauge   STATS_GAUGE

/* "ingestd", "frontd", "serve", or NULL for an unknown value. */
const char *stats_proc_name(int proc);

/* ---- the hot-path histogram ------------------------------------------------------------ */

/*
 * STATS_HIST_N buckets: bucket i < STATS_HIST_N - 1 counts values v <= 2^i (and above the
 * previous bound), the last counts everything larger. For microseconds that is 1 us to
 * 16.8 s by powers of two, then +Inf. Recording is a few instructions and never allocates;
 * the struct belongs to one thread.
 */
#define STATS_HIST_N 26

struct stats_hist {
	uint64_t count[STATS_HIST_N];
	uint64_t sum;
	uint64_t max;
};

static inline void
stats_hist_add(struct stats_hist *h, uint64_t v)
{
	unsigned i = v <= 1 ? 0 : 64u - (unsigned)__builtin_clzll(v - 1);
	if (i > STATS_HIST_N - 1)
		i = STATS_HIST_N - 1;
	h->count[i]++;
	h->sum += v;
	if (v > h->max)
		h->max = v;
}

/* The upper bound of bucket i (UINT64_MAX for the last one). */
uint64_t stats_hist_bound(unsigned i);

/* Monotonic and wall clocks in microseconds (CLOCK_MONOTONIC is a vDSO call, no syscall). */
int64_t stats_mono_us(void);
int64_t stats_wall_us(void);
/* When this process started, unix microseconds (from /proc, else the first call's time). */
int64_t stats_process_start_us(void);

/* ---- writing a reply (processes) --------------------------------------------------------- */

struct stats_head {
	enum stats_proc proc;
	const char *name; /* "frontd.1", or "<kind>-<pid>" when the process has no name */
	int64_t pid;
	int64_t start_us; /* unix microseconds */
	int64_t now_us;
};

struct stats_item {
	const char *name; /* [a-z0-9_] */
	const char *doc;
	enum stats_kind kind;
	uint64_t value;
	const char *label; /* one optional label: name and value, or NULL */
	const char *label_value;
};

struct stats_hist_item {
	const char *name;
	const char *unit; /* "us", "pages", ... */
	const char *doc;
	const struct stats_hist *h;
};

/* Appends a request. Returns 0 or out->err. */
int stats_encode_request(struct buf *out);
/* Checks a request: 0, ERR_VERSION (another build) or ERR_PROTO (not a stats request). */
int stats_check_request(struct slice msg);

/* Appends a reply. Returns 0 or out->err. */
int stats_encode(struct buf *out, const struct stats_head *hd, const struct stats_item *items,
                 size_t nitems, const struct stats_hist_item *hists, size_t nhists);

/* ---- reading a reply (folio stat, /metrics) ---------------------------------------------- */

#define STATS_LABELS_MAX  4
#define STATS_BUCKETS_MAX 64

struct stats_metric {
	struct slice name, doc;
	enum stats_kind kind;
	uint64_t value;
	unsigned nlabels;
	struct slice label[STATS_LABELS_MAX], label_value[STATS_LABELS_MAX];
};

struct stats_histo {
	struct slice name, unit, doc;
	unsigned nb;                       /* buckets, the last one unbounded */
	uint64_t bound[STATS_BUCKETS_MAX]; /* bound[nb - 1] is UINT64_MAX */
	uint64_t count[STATS_BUCKETS_MAX];
	uint64_t total; /* sum of count[] */
	uint64_t sum, max;
};

/* One process's decoded reply. Every slice points into raw, which the snapshot owns. */
struct stats_snap {
	int proc; /* enum stats_proc, or another number from a newer build */
	struct slice name;
	int64_t pid, start_us, now_us;
	struct stats_metric *m;
	size_t nm;
	struct stats_histo *h;
	size_t nh;
	uint8_t *raw;
	size_t rawlen;
};

/*
 * Decodes a reply into snap (which must be zeroed or finalised). Returns 0, ERR_VERSION,
 * ERR_PROTO or ERR_NOMEM; on error snap holds nothing. Never reads past msg.
 */
int stats_decode(struct slice msg, struct stats_snap *snap);
void stats_snap_fini(struct stats_snap *snap);
/* Moves src into dst (dst finalised first); src is left empty. */
void stats_snap_move(struct stats_snap *dst, struct stats_snap *src);

/* The unlabelled metric called name, or NULL. */
const struct stats_metric *stats_find(const struct stats_snap *s, const char *name);
const struct stats_histo *stats_find_hist(const struct stats_snap *s, const char *name);
/* Whether a and b come from the same run of the same process (pid and start time). */
bool stats_same_run(const struct stats_snap *a, const struct stats_snap *b);

/*
 * Estimates quantile q (0..1) of the values counted in count[0..nb) (bounds as in
 * stats_histo), interpolating linearly inside the bucket; the unbounded bucket and any
 * estimate above max give max. Returns 0 when nothing was counted.
 */
double stats_quantile(const uint64_t *bound, const uint64_t *count, unsigned nb, uint64_t max,
                      double q);

#endif
