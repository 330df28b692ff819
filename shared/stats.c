/*
 * stats.c: the stats request and reply (shapes in stats.h), histogram bounds and
 * quantiles, and the clocks the processes stamp their replies with. One of the shared
 * wrappers that include msgpack.h; decoding checks every type before use, so a reply from
 * another build or a stray peer is refused, never misread.
 */
#include "shared/stats.h"

#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "shared/err.h"

const char *
stats_proc_name(int proc)
{
	switch (proc) {
	case STATS_PROC_INGESTD:
		return "ingestd";
	case STATS_PROC_FRONTD:
		return "frontd";
	case STATS_PROC_SERVE:
		return "serve";
	default:
		return NULL;
	}
}

uint64_t
stats_hist_bound(unsigned i)
{
	return i >= STATS_HIST_N - 1 ? UINT64_MAX : (uint64_t)1 << i;
}

/* ---- clocks ------------------------------------------------------------------------------ */

int64_t
stats_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
stats_wall_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Boot time (unix seconds) from /proc/stat, or -1. */
static int64_t
proc_boot_time(void)
{
	FILE *f = fopen("/proc/stat", "re");
	char line[256];
	long long bt = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "btime %lld", &bt) == 1)
			break;
	fclose(f);
	return bt;
}

/* This process's start in clock ticks after boot (field 22 of /proc/self/stat), or -1. */
static int64_t
proc_start_ticks(void)
{
	char st[1024];
	FILE *f = fopen("/proc/self/stat", "re");
	if (!f)
		return -1;
	size_t n = fread(st, 1, sizeof(st) - 1, f);
	fclose(f);
	st[n] = '\0';
	char *p = strrchr(st, ')'); /* the command name may hold spaces and parentheses */
	if (!p)
		return -1;
	p++;
	/* After the name: state is field 3, starttime field 22. */
	for (int field = 3; field < 22; field++) {
		while (*p == ' ')
			p++;
		while (*p && *p != ' ')
			p++;
	}
	char *end;
	long long v = strtoll(p, &end, 10);
	return end == p ? -1 : v;
}

int64_t
stats_process_start_us(void)
{
	/* A constant of the process, computed once: a later change of the wall clock must
	 * not make the process look restarted to a dashboard. */
	static int64_t start;
	if (start)
		return start;
	int64_t bt = proc_boot_time(), ticks = proc_start_ticks();
	long hz = sysconf(_SC_CLK_TCK);
	if (bt > 0 && ticks >= 0 && hz > 0)
		start = bt * 1000000 + ticks * (1000000 / hz);
	else
		start = stats_wall_us();
	return start;
}

/* ---- encoding ---------------------------------------------------------------------------- */

static int
buf_write_cb(void *data, const char *p, size_t n)
{
	struct buf *b = data;
	buf_put(b, p, n);
	return b->err ? -1 : 0;
}

static void
pack_str(msgpack_packer *pk, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	msgpack_pack_str(pk, n);
	msgpack_pack_str_body(pk, s ? s : "", n);
}

int
stats_encode_request(struct buf *out)
{
	msgpack_packer pk;
	msgpack_packer_init(&pk, out, buf_write_cb);
	msgpack_pack_array(&pk, 3);
	msgpack_pack_uint32(&pk, STATS_MAGIC);
	msgpack_pack_uint16(&pk, STATS_VERSION);
	msgpack_pack_uint8(&pk, STATS_REQUEST);
	return out->err;
}

int
stats_encode(struct buf *out, const struct stats_head *hd, const struct stats_item *items,
             size_t nitems, const struct stats_hist_item *hists, size_t nhists)
{
	msgpack_packer pk;
	msgpack_packer_init(&pk, out, buf_write_cb);
	msgpack_pack_array(&pk, 10);
	msgpack_pack_uint32(&pk, STATS_MAGIC);
	msgpack_pack_uint16(&pk, STATS_VERSION);
	msgpack_pack_uint8(&pk, STATS_REPLY);
	msgpack_pack_uint8(&pk, (uint8_t)hd->proc);
	pack_str(&pk, hd->name);
	msgpack_pack_int64(&pk, hd->pid);
	msgpack_pack_int64(&pk, hd->start_us);
	msgpack_pack_int64(&pk, hd->now_us);
	msgpack_pack_array(&pk, nitems);
	for (size_t i = 0; i < nitems; i++) {
		const struct stats_item *it = &items[i];
		msgpack_pack_array(&pk, 5);
		pack_str(&pk, it->name);
		msgpack_pack_uint8(&pk, (uint8_t)it->kind);
		msgpack_pack_uint64(&pk, it->value);
		pack_str(&pk, it->doc);
		msgpack_pack_map(&pk, it->label ? 1 : 0);
		if (it->label) {
			pack_str(&pk, it->label);
			pack_str(&pk, it->label_value);
		}
	}
	msgpack_pack_array(&pk, nhists);
	for (size_t i = 0; i < nhists; i++) {
		const struct stats_hist_item *hi = &hists[i];
		msgpack_pack_array(&pk, 7);
		pack_str(&pk, hi->name);
		pack_str(&pk, hi->unit);
		pack_str(&pk, hi->doc);
		msgpack_pack_array(&pk, STATS_HIST_N - 1);
		for (unsigned b = 0; b < STATS_HIST_N - 1; b++)
			msgpack_pack_uint64(&pk, stats_hist_bound(b));
		msgpack_pack_array(&pk, STATS_HIST_N);
		for (unsigned b = 0; b < STATS_HIST_N; b++)
			msgpack_pack_uint64(&pk, hi->h->count[b]);
		msgpack_pack_uint64(&pk, hi->h->sum);
		msgpack_pack_uint64(&pk, hi->h->max);
	}
	return out->err;
}

/* ---- decoding ---------------------------------------------------------------------------- */

/* Unpacks msg and checks [magic, version, type, ...]; the caller destroys u. */
static int
stats_open(struct slice msg, msgpack_unpacked *u, int *type)
{
	size_t off = 0;
	msgpack_unpacked_init(u);
	if (msgpack_unpack_next(u, (const char *)msg.ptr, msg.len, &off) != MSGPACK_UNPACK_SUCCESS)
		return ERR_PROTO;
	const msgpack_object *o = &u->data;
	if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size < 3)
		return ERR_PROTO;
	const msgpack_object *a = o->via.array.ptr;
	for (int i = 0; i < 3; i++)
		if (a[i].type != MSGPACK_OBJECT_POSITIVE_INTEGER)
			return ERR_PROTO;
	if (a[0].via.u64 != STATS_MAGIC || a[1].via.u64 != STATS_VERSION)
		return ERR_VERSION;
	*type = (int)a[2].via.u64;
	return 0;
}

int
stats_check_request(struct slice msg)
{
	msgpack_unpacked u;
	int type = 0;
	int rc = stats_open(msg, &u, &type);
	if (rc == 0 && (type != STATS_REQUEST || u.data.via.array.size != 3))
		rc = ERR_PROTO;
	msgpack_unpacked_destroy(&u);
	return rc;
}

static bool
is_uint(const msgpack_object *o)
{
	return o->type == MSGPACK_OBJECT_POSITIVE_INTEGER;
}

static bool
is_str(const msgpack_object *o)
{
	return o->type == MSGPACK_OBJECT_STR;
}

static bool
is_array(const msgpack_object *o, uint32_t min, uint32_t max)
{
	return o->type == MSGPACK_OBJECT_ARRAY && o->via.array.size >= min &&
	       o->via.array.size <= max;
}

static struct slice
str_of(const msgpack_object *o)
{
	return (struct slice){(const uint8_t *)o->via.str.ptr, o->via.str.size};
}

static int
decode_metric(const msgpack_object *o, struct stats_metric *m)
{
	if (!is_array(o, 5, 5))
		return ERR_PROTO;
	const msgpack_object *f = o->via.array.ptr;
	if (!is_str(&f[0]) || !is_uint(&f[1]) || f[1].via.u64 > STATS_GAUGE || !is_uint(&f[2]) ||
	    !is_str(&f[3]) || f[4].type != MSGPACK_OBJECT_MAP ||
	    f[4].via.map.size > STATS_LABELS_MAX)
		return ERR_PROTO;
	m->name = str_of(&f[0]);
	m->kind = (enum stats_kind)f[1].via.u64;
	m->value = f[2].via.u64;
	m->doc = str_of(&f[3]);
	m->nlabels = f[4].via.map.size;
	for (unsigned i = 0; i < m->nlabels; i++) {
		const msgpack_object_kv *kv = &f[4].via.map.ptr[i];
		if (!is_str(&kv->key) || !is_str(&kv->val))
			return ERR_PROTO;
		m->label[i] = str_of(&kv->key);
		m->label_value[i] = str_of(&kv->val);
	}
	return 0;
}

static int
decode_hist(const msgpack_object *o, struct stats_histo *h)
{
	if (!is_array(o, 7, 7))
		return ERR_PROTO;
	const msgpack_object *f = o->via.array.ptr;
	if (!is_str(&f[0]) || !is_str(&f[1]) || !is_str(&f[2]) ||
	    !is_array(&f[3], 0, STATS_BUCKETS_MAX - 1) || !is_uint(&f[5]) || !is_uint(&f[6]))
		return ERR_PROTO;
	uint32_t nbounds = f[3].via.array.size;
	if (!is_array(&f[4], nbounds + 1, nbounds + 1))
		return ERR_PROTO;
	h->name = str_of(&f[0]);
	h->unit = str_of(&f[1]);
	h->doc = str_of(&f[2]);
	h->nb = nbounds + 1;
	h->total = 0;
	for (uint32_t i = 0; i < h->nb; i++) {
		const msgpack_object *c = &f[4].via.array.ptr[i];
		if (!is_uint(c))
			return ERR_PROTO;
		h->count[i] = c->via.u64;
		h->total += c->via.u64;
		if (i == nbounds) {
			h->bound[i] = UINT64_MAX;
			break;
		}
		const msgpack_object *b = &f[3].via.array.ptr[i];
		/* Bounds rise strictly, or quantiles would be nonsense. */
		if (!is_uint(b) || b->via.u64 == UINT64_MAX || (i && b->via.u64 <= h->bound[i - 1]))
			return ERR_PROTO;
		h->bound[i] = b->via.u64;
	}
	h->sum = f[5].via.u64;
	h->max = f[6].via.u64;
	return 0;
}

/* Fills snap from the unpacked reply (strings point into the buffer it was unpacked from). */
static int
decode_reply(const msgpack_object_array *a, struct stats_snap *snap)
{
	const msgpack_object *f = a->ptr;
	if (a->size != 10 || !is_uint(&f[3]) || !is_str(&f[4]) || !is_uint(&f[5]) ||
	    !is_uint(&f[6]) || !is_uint(&f[7]) || f[8].type != MSGPACK_OBJECT_ARRAY ||
	    f[9].type != MSGPACK_OBJECT_ARRAY)
		return ERR_PROTO;
	if (f[5].via.u64 > INT64_MAX || f[6].via.u64 > INT64_MAX || f[7].via.u64 > INT64_MAX)
		return ERR_PROTO;
	snap->proc = f[3].via.u64 > 255 ? 0 : (int)f[3].via.u64;
	snap->name = str_of(&f[4]);
	snap->pid = (int64_t)f[5].via.u64;
	snap->start_us = (int64_t)f[6].via.u64;
	snap->now_us = (int64_t)f[7].via.u64;
	const msgpack_object_array *ms = &f[8].via.array, *hs = &f[9].via.array;
	snap->m = calloc(ms->size ? ms->size : 1, sizeof(*snap->m));
	snap->h = calloc(hs->size ? hs->size : 1, sizeof(*snap->h));
	if (!snap->m || !snap->h)
		return ERR_NOMEM;
	for (uint32_t i = 0; i < ms->size; i++) {
		int rc = decode_metric(&ms->ptr[i], &snap->m[i]);
		if (rc)
			return rc;
	}
	snap->nm = ms->size;
	for (uint32_t i = 0; i < hs->size; i++) {
		int rc = decode_hist(&hs->ptr[i], &snap->h[i]);
		if (rc)
			return rc;
	}
	snap->nh = hs->size;
	return 0;
}

int
stats_decode(struct slice msg, struct stats_snap *snap)
{
	*snap = (struct stats_snap){0};
	/* Decode from a private copy: msgpack's strings point into the bytes unpacked, so the
	 * snapshot's slices stay valid as long as it does. */
	snap->raw = malloc(msg.len ? msg.len : 1);
	if (!snap->raw)
		return ERR_NOMEM;
	if (msg.len)
		memcpy(snap->raw, msg.ptr, msg.len);
	snap->rawlen = msg.len;
	msgpack_unpacked u;
	int type = 0;
	int rc = stats_open((struct slice){snap->raw, snap->rawlen}, &u, &type);
	if (rc == 0 && type != STATS_REPLY)
		rc = ERR_PROTO;
	if (rc == 0)
		rc = decode_reply(&u.data.via.array, snap);
	msgpack_unpacked_destroy(&u);
	if (rc)
		stats_snap_fini(snap);
	return rc;
}

void
stats_snap_fini(struct stats_snap *snap)
{
	free(snap->m);
	free(snap->h);
	free(snap->raw);
	*snap = (struct stats_snap){0};
}

void
stats_snap_move(struct stats_snap *dst, struct stats_snap *src)
{
	if (dst == src)
		return;
	stats_snap_fini(dst);
	*dst = *src;
	*src = (struct stats_snap){0};
}

const struct stats_metric *
stats_find(const struct stats_snap *s, const char *name)
{
	for (size_t i = 0; i < s->nm; i++)
		if (s->m[i].nlabels == 0 && slice_eq_str(s->m[i].name, name))
			return &s->m[i];
	return NULL;
}

const struct stats_histo *
stats_find_hist(const struct stats_snap *s, const char *name)
{
	for (size_t i = 0; i < s->nh; i++)
		if (slice_eq_str(s->h[i].name, name))
			return &s->h[i];
	return NULL;
}

bool
stats_same_run(const struct stats_snap *a, const struct stats_snap *b)
{
	return a->pid == b->pid && a->start_us == b->start_us && a->proc == b->proc;
}

double
stats_quantile(const uint64_t *bound, const uint64_t *count, unsigned nb, uint64_t max, double q)
{
	uint64_t total = 0;
	for (unsigned i = 0; i < nb; i++)
		total += count[i];
	if (total == 0)
		return 0;
	q = q < 0 ? 0 : q > 1 ? 1 : q;
	double rank = q * (double)total, cum = 0;
	for (unsigned i = 0; i < nb; i++) {
		if (count[i] == 0)
			continue;
		if (cum + (double)count[i] < rank && i + 1 < nb) {
			cum += (double)count[i];
			continue;
		}
		if (i + 1 == nb || bound[i] == UINT64_MAX)
			return (double)max; /* the unbounded bucket: max is all that is known */
		double lo = i ? (double)bound[i - 1] : 0, hi = (double)bound[i];
		double v = lo + (hi - lo) * ((rank - cum) / (double)count[i]);
		return v > (double)max ? (double)max : v;
	}
	return (double)max;
}
