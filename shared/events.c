/*
 * events.c: msgpack encoding of inter-process messages (shapes in events.h); the only
 * includer of msgpack.h besides pushmsg.c. Decoding checks every type before use, so a
 * message from another build or a stray peer is refused, never misread.
 */
#include "shared/events.h"

#include <msgpack.h>

#include "shared/err.h"

static int
buf_write_cb(void *data, const char *p, size_t n)
{
	struct buf *b = data;
	buf_put(b, p, n);
	return b->err ? -1 : 0;
}

int
events_encode_inval(struct buf *out, uint64_t gen, const struct slice *paths, size_t npaths)
{
	msgpack_packer pk;
	msgpack_packer_init(&pk, out, buf_write_cb);
	msgpack_pack_array(&pk, 5);
	msgpack_pack_uint32(&pk, EVENT_MAGIC);
	msgpack_pack_uint16(&pk, EVENT_VERSION);
	msgpack_pack_uint8(&pk, EVENT_INVAL);
	msgpack_pack_uint64(&pk, gen);
	msgpack_pack_array(&pk, npaths);
	for (size_t i = 0; i < npaths; i++) {
		msgpack_pack_str(&pk, paths[i].len);
		msgpack_pack_str_body(&pk, paths[i].ptr, paths[i].len);
	}
	return out->err;
}

/*
 * msgpack types 0xc4..0xdf: bytes of their length field, fixed bytes after it, and what
 * the length counts (0 bytes, 1 array elements, 2 map pairs).
 */
static const struct {
	uint8_t lenb, skip, elems;
} events_mp_ext[0xe0 - 0xc4] = {
        {1, 0, 0}, {2, 0, 0}, {4, 0, 0},            /* bin 8, 16, 32 */
        {1, 1, 0}, {2, 1, 0}, {4, 1, 0},            /* ext 8, 16, 32 (then a type byte) */
        {0, 4, 0}, {0, 8, 0},                       /* float 32, 64 */
        {0, 1, 0}, {0, 2, 0}, {0, 4, 0}, {0, 8, 0}, /* uint 8..64 */
        {0, 1, 0}, {0, 2, 0}, {0, 4, 0}, {0, 8, 0}, /* int 8..64 */
        {0, 2, 0}, {0, 3, 0}, {0, 5, 0}, {0, 9, 0}, {0, 17, 0}, /* fixext 1..16 */
        {1, 0, 0}, {2, 0, 0}, {4, 0, 0},                        /* str 8, 16, 32 */
        {2, 0, 1}, {4, 0, 1},                                   /* array 16, 32 */
        {2, 0, 2}, {4, 0, 2},                                   /* map 16, 32 */
};

/*
 * Walks the first msgpack object of msg without allocating and checks that every length
 * and element count fits in the bytes that follow. msgpack-c sizes an array's memory from
 * its header before reading the elements, so a forged count of 2^32 would otherwise ask
 * for ~100 GB; after this check its allocations stay proportional to the message.
 */
static bool
events_well_formed(struct slice msg)
{
	const uint8_t *p = msg.ptr, *end = msg.ptr + msg.len;
	size_t todo = 1; /* objects still to read */
	while (todo) {
		if (p >= end)
			return false;
		uint8_t b = *p++;
		size_t left = (size_t)(end - p), skip = 0, n = 0;
		todo--;
		if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3)
			continue; /* fixints, nil, booleans */
		if (b == 0xc1)
			return false; /* never used */
		if (b <= 0x8f) {
			n = 2u * (b & 0x0f); /* fixmap */
		} else if (b <= 0x9f) {
			n = b & 0x0f; /* fixarray */
		} else if (b <= 0xbf) {
			skip = b & 0x1f; /* fixstr */
		} else {
			unsigned lenb = events_mp_ext[b - 0xc4].lenb;
			size_t v = 0;
			if (left < lenb)
				return false;
			for (unsigned i = 0; i < lenb; i++)
				v = v << 8 | p[i];
			p += lenb;
			left -= lenb;
			skip = events_mp_ext[b - 0xc4].skip;
			if (events_mp_ext[b - 0xc4].elems)
				n = v * events_mp_ext[b - 0xc4].elems;
			else
				skip += v;
		}
		if (skip > left || n > left || todo + n > left)
			return false; /* every element takes at least one byte */
		p += skip;
		todo += n;
	}
	return true;
}

/* Unpacks msg and checks the common prefix [magic, version, type, ...]. */
static int
events_open(struct slice msg, msgpack_unpacked *u, int *type)
{
	size_t off = 0;
	msgpack_unpacked_init(u);
	if (!events_well_formed(msg))
		return ERR_PROTO;
	if (msgpack_unpack_next(u, (const char *)msg.ptr, msg.len, &off) != MSGPACK_UNPACK_SUCCESS)
		return ERR_PROTO;
	const msgpack_object *o = &u->data;
	if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size < 3)
		return ERR_PROTO;
	const msgpack_object *a = o->via.array.ptr;
	if (a[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
	    a[1].type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
	    a[2].type != MSGPACK_OBJECT_POSITIVE_INTEGER)
		return ERR_PROTO;
	if (a[0].via.u64 != EVENT_MAGIC || a[1].via.u64 != EVENT_VERSION)
		return ERR_VERSION;
	*type = (int)a[2].via.u64;
	return 0;
}

int
events_peek_type(struct slice msg, int *type)
{
	msgpack_unpacked u;
	int rc = events_open(msg, &u, type);
	msgpack_unpacked_destroy(&u);
	return rc;
}

int
events_decode_inval(struct slice msg, uint64_t *gen, size_t *npaths, events_path_fn *fn, void *arg)
{
	msgpack_unpacked u;
	int type = 0;
	int rc = events_open(msg, &u, &type);
	if (rc)
		goto done;
	const msgpack_object_array *a = &u.data.via.array;
	if (type != EVENT_INVAL || a->size != 5 ||
	    a->ptr[3].type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
	    a->ptr[4].type != MSGPACK_OBJECT_ARRAY) {
		rc = ERR_PROTO;
		goto done;
	}
	const msgpack_object_array *paths = &a->ptr[4].via.array;
	for (uint32_t i = 0; i < paths->size; i++) {
		if (paths->ptr[i].type != MSGPACK_OBJECT_STR) {
			rc = ERR_PROTO;
			goto done;
		}
	}
	*gen = a->ptr[3].via.u64;
	*npaths = paths->size;
	for (uint32_t i = 0; fn && i < paths->size; i++) {
		const msgpack_object_str *s = &paths->ptr[i].via.str;
		fn(arg, (struct slice){(const uint8_t *)s->ptr, s->size});
	}
done:
	msgpack_unpacked_destroy(&u);
	return rc;
}

/* ---- view batches ---------------------------------------------------------------------- */

int
events_encode_views_head(struct buf *out, const struct event_views *h)
{
	msgpack_packer pk;
	msgpack_packer_init(&pk, out, buf_write_cb);
	msgpack_pack_array(&pk, 7);
	msgpack_pack_uint32(&pk, EVENT_MAGIC);
	msgpack_pack_uint16(&pk, EVENT_VERSION);
	msgpack_pack_uint8(&pk, EVENT_VIEWS);
	msgpack_pack_uint64(&pk, h->front_id);
	msgpack_pack_uint64(&pk, h->seq);
	msgpack_pack_uint32(&pk, h->day);
	msgpack_pack_array(&pk, h->n);
	return out->err;
}

int
events_encode_views_entry(struct buf *out, struct slice path, uint64_t count)
{
	msgpack_packer pk;
	msgpack_packer_init(&pk, out, buf_write_cb);
	msgpack_pack_array(&pk, 2);
	msgpack_pack_str(&pk, path.len);
	msgpack_pack_str_body(&pk, path.ptr, path.len);
	msgpack_pack_uint64(&pk, count);
	return out->err;
}

/* Whether o is a well-formed entry [path, count]. */
static bool
views_entry_ok(const msgpack_object *o)
{
	if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != 2)
		return false;
	const msgpack_object *e = o->via.array.ptr;
	if (e[0].type != MSGPACK_OBJECT_STR || e[1].type != MSGPACK_OBJECT_POSITIVE_INTEGER)
		return false;
	const msgpack_object_str *p = &e[0].via.str;
	return p->size >= 1 && p->size <= EVENT_VIEWS_PATH_MAX && p->ptr[0] == '/' &&
	       e[1].via.u64 >= 1;
}

int
events_decode_views(struct slice msg, struct event_views *h, events_view_fn *fn, void *arg)
{
	msgpack_unpacked u;
	int type = 0;
	*h = (struct event_views){0};
	int rc = events_open(msg, &u, &type);
	if (rc)
		goto done;
	const msgpack_object_array *a = &u.data.via.array;
	if (type != EVENT_VIEWS || a->size != 7 ||
	    a->ptr[3].type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
	    a->ptr[4].type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
	    a->ptr[5].type != MSGPACK_OBJECT_POSITIVE_INTEGER || a->ptr[5].via.u64 > UINT32_MAX ||
	    a->ptr[6].type != MSGPACK_OBJECT_ARRAY) {
		rc = ERR_PROTO;
		goto done;
	}
	h->front_id = a->ptr[3].via.u64;
	h->seq = a->ptr[4].via.u64;
	h->day = (uint32_t)a->ptr[5].via.u64;
	const msgpack_object_array *ents = &a->ptr[6].via.array;
	for (uint32_t i = 0; i < ents->size; i++) {
		if (!views_entry_ok(&ents->ptr[i])) {
			rc = ERR_PROTO;
			goto done;
		}
	}
	h->n = ents->size;
	for (uint32_t i = 0; fn && i < ents->size; i++) {
		const msgpack_object *e = ents->ptr[i].via.array.ptr;
		struct slice path = {(const uint8_t *)e[0].via.str.ptr, e[0].via.str.size};
		rc = fn(arg, path, e[1].via.u64);
		if (rc)
			goto done;
	}
done:
	msgpack_unpacked_destroy(&u);
	return rc;
}

int
events_encode_views_ack(struct buf *out, uint64_t front_id, uint64_t seq,
                        enum event_views_status status)
{
	msgpack_packer pk;
	msgpack_packer_init(&pk, out, buf_write_cb);
	msgpack_pack_array(&pk, 6);
	msgpack_pack_uint32(&pk, EVENT_MAGIC);
	msgpack_pack_uint16(&pk, EVENT_VERSION);
	msgpack_pack_uint8(&pk, EVENT_VIEWS_ACK);
	msgpack_pack_uint64(&pk, front_id);
	msgpack_pack_uint64(&pk, seq);
	msgpack_pack_uint8(&pk, (uint8_t)status);
	return out->err;
}

int
events_decode_views_ack(struct slice msg, uint64_t *front_id, uint64_t *seq,
                        enum event_views_status *status)
{
	msgpack_unpacked u;
	int type = 0;
	int rc = events_open(msg, &u, &type);
	if (rc)
		goto done;
	const msgpack_object_array *a = &u.data.via.array;
	if (type != EVENT_VIEWS_ACK || a->size != 6 ||
	    a->ptr[3].type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
	    a->ptr[4].type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
	    a->ptr[5].type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
	    a->ptr[5].via.u64 > EVENT_VIEWS_REFUSED) {
		rc = ERR_PROTO;
		goto done;
	}
	*front_id = a->ptr[3].via.u64;
	*seq = a->ptr[4].via.u64;
	*status = (enum event_views_status)a->ptr[5].via.u64;
done:
	msgpack_unpacked_destroy(&u);
	return rc;
}
