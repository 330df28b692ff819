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

/* Unpacks msg and checks the common prefix [magic, version, type, ...]. */
static int
events_open(struct slice msg, msgpack_unpacked *u, int *type)
{
	size_t off = 0;
	msgpack_unpacked_init(u);
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
