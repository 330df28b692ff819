/*
 * pushmsg.c: the push request body (shape in pushmsg.h) in msgpack (msgpack-c) and JSON
 * (jansson), plus the base64 that JSON bodies use for binary files. Decoding never trusts
 * the bytes: every type is checked, every bad file becomes a problem naming its path, and
 * decoding goes on so one answer lists every problem. msgpack contents stay in the body;
 * JSON contents are copied into storage the push owns.
 */
#include "shared/pushmsg.h"

#include <jansson.h>
#include <msgpack.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "shared/defs.h"
#include "shared/err.h"

#define PUSHMSG_PATH_MAX 1024

/* --- UTF-8 and paths ----------------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at p[0..n), or 0 if it is not one (overlong, surrogate,
 * past U+10FFFF, truncated). */
static size_t
utf8_seq(const uint8_t *p, size_t n)
{
	uint8_t c = p[0];
	if (c < 0x80) {
		return 1;
	}
	size_t len;
	uint32_t cp;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len > n) {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			return 0;
		}
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff)) {
		return 0;
	}
	return len;
}

static bool
utf8_valid(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		size_t k = utf8_seq(p + i, n - i);
		if (!k) {
			return false;
		}
		i += k;
	}
	return true;
}

/* A printable copy of a raw path for problem reports: invalid UTF-8 and control bytes become
 * U+FFFD, so the copy is a valid C string and valid JSON text. */
static char *
path_printable(const uint8_t *p, size_t n)
{
	struct buf b;
	buf_init(&b, 0);
	size_t i = 0;
	while (i < n && i < 4 * PUSHMSG_PATH_MAX) {
		size_t k = utf8_seq(p + i, n - i);
		if (k == 0 || (k == 1 && (p[i] < 0x20 || p[i] == 0x7f))) {
			buf_puts(&b, "\xef\xbf\xbd");
			i++;
			continue;
		}
		buf_put(&b, p + i, k);
		i += k;
	}
	buf_putc(&b, '\0');
	char *s = b.err ? xstrdup("") : (char *)buf_steal(&b, NULL);
	buf_fini(&b);
	return s;
}

int
pushmsg_normalize_path(struct slice in, struct buf *out, const char **why)
{
	*why = NULL;
	if (in.len == 0) {
		*why = "empty path";
		return ERR_INVAL;
	}
	if (in.len > PUSHMSG_PATH_MAX) {
		*why = "path is longer than 1024 bytes";
		return ERR_INVAL;
	}
	for (size_t i = 0; i < in.len; i++) {
		uint8_t c = in.ptr[i];
		if (c == 0) {
			*why = "path contains a NUL byte";
			return ERR_INVAL;
		}
		if (c < 0x20 || c == 0x7f) {
			*why = "path contains a control character";
			return ERR_INVAL;
		}
		if (c == '\\') {
			*why = "path contains a backslash";
			return ERR_INVAL;
		}
	}
	if (!utf8_valid(in.ptr, in.len)) {
		*why = "path is not valid UTF-8";
		return ERR_INVAL;
	}
	if (in.ptr[0] == '/') {
		*why = "path is absolute";
		return ERR_INVAL;
	}
	size_t start = out->len;
	size_t i = 0;
	while (i < in.len) {
		size_t j = i;
		while (j < in.len && in.ptr[j] != '/') {
			j++;
		}
		size_t seg = j - i;
		if (seg == 2 && in.ptr[i] == '.' && in.ptr[i + 1] == '.') {
			out->len = start;
			*why = "path contains a .. segment";
			return ERR_INVAL;
		}
		if (seg > 0 && !(seg == 1 && in.ptr[i] == '.')) {
			if (out->len > start) {
				buf_putc(out, '/');
			}
			buf_put(out, in.ptr + i, seg);
		}
		i = j + 1;
	}
	if (out->err) {
		return out->err;
	}
	if (out->len == start) {
		*why = "empty path";
		return ERR_INVAL;
	}
	return 0;
}

/* --- building the push --------------------------------------------------------------------- */

static void problem_add(struct push *p, const char *path, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void
problem_add(struct push *p, const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->problems = xrealloc(p->problems, (p->nproblems + 1) * sizeof(*p->problems));
	p->problems[p->nproblems].path = path ? xstrdup(path) : NULL;
	p->problems[p->nproblems].msg = xstrdup(msg);
	p->nproblems++;
}

/* Records a problem about the raw (not yet normalised) path. */
static void
problem_raw(struct push *p, struct slice raw, const char *msg)
{
	char *printable = path_printable(raw.ptr, raw.len);
	problem_add(p, printable, "%s", msg);
	free(printable);
}

static bool
path_is_note(const char *path)
{
	size_t n = strlen(path);
	return n >= 3 && strcasecmp(path + n - 3, ".md") == 0;
}

/* Normalises raw; returns a heap copy, or NULL after recording the problem. */
static char *
take_path(struct push *p, struct slice raw)
{
	struct buf b;
	const char *why;
	buf_init(&b, 0);
	if (pushmsg_normalize_path(raw, &b, &why) < 0) {
		problem_raw(p, raw, why ? why : "bad path");
		buf_fini(&b);
		return NULL;
	}
	char *s = xstrndup((const char *)b.ptr, b.len);
	buf_fini(&b);
	return s;
}

static void
upsert_add(struct push *p, const struct push_limits *lim, struct slice raw, struct slice content)
{
	char *path = take_path(p, raw);
	if (!path) {
		return;
	}
	if (lim && lim->max_file && content.len > lim->max_file) {
		problem_add(p, path, "file is %zu bytes; the limit is %llu", content.len,
		            (unsigned long long)lim->max_file);
		free(path);
		return;
	}
	if (path_is_note(path) && !utf8_valid(content.ptr, content.len)) {
		problem_add(p, path, "note is not valid UTF-8");
		free(path);
		return;
	}
	p->upserts[p->nupserts].path = path;
	p->upserts[p->nupserts].content = content;
	p->nupserts++;
}

static void
delete_add(struct push *p, struct slice raw)
{
	char *path = take_path(p, raw);
	if (path) {
		p->deletes[p->ndeletes++] = path;
	}
}

/* Keeps a copy of n bytes alive as long as the push; returns it. */
static uint8_t *
own(struct push *p, size_t n)
{
	uint8_t *m = xmalloc(n ? n : 1);
	p->owned = xrealloc(p->owned, (p->nowned + 1) * sizeof(*p->owned));
	p->owned[p->nowned++] = m;
	return m;
}

/* Sizes the arrays once the counts are known; refuses too many files. */
static int
reserve_files(struct push *p, const struct push_limits *lim, size_t nup, size_t ndel)
{
	if (lim && lim->max_files && (uint64_t)nup + ndel > lim->max_files) {
		problem_add(p, NULL, "push has %zu files; the limit is %llu", nup + ndel,
		            (unsigned long long)lim->max_files);
		return ERR_TOOBIG;
	}
	p->upserts = xcalloc(nup ? nup : 1, sizeof(*p->upserts));
	p->deletes = xcalloc(ndel ? ndel : 1, sizeof(*p->deletes));
	return 0;
}

static int
cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A path may appear once across upserts and deletes. */
static void
check_duplicates(struct push *p)
{
	size_t n = p->nupserts + p->ndeletes;
	if (n < 2) {
		return;
	}
	const char **all = xmalloc(n * sizeof(*all));
	for (size_t i = 0; i < p->nupserts; i++) {
		all[i] = p->upserts[i].path;
	}
	for (size_t i = 0; i < p->ndeletes; i++) {
		all[p->nupserts + i] = p->deletes[i];
	}
	qsort(all, n, sizeof(*all), cmp_str_ptr);
	const char *reported = NULL; /* a path listed three times is reported once */
	for (size_t i = 1; i < n; i++) {
		if (strcmp(all[i - 1], all[i]) == 0 &&
		    (!reported || strcmp(reported, all[i]) != 0)) {
			problem_add(p, all[i], "duplicate path");
			reported = all[i];
		}
	}
	free(all);
}

/* --- msgpack ------------------------------------------------------------------------------- */

/*
 * Walks the msgpack bytes once without allocating and checks that every array and map
 * announces no more elements than bytes remain, so the unpacker never reserves memory for
 * elements a short body cannot hold.
 */
static int
mp_prescan(const uint8_t *p, size_t n)
{
	size_t pending = 1, i = 0;
	while (pending) {
		if (i >= n) {
			return ERR_PROTO;
		}
		uint8_t c = p[i++];
		uint64_t skip = 0, items = 0;
		size_t hdr = 0; /* bytes of length field after the type byte */
		if (c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3) {
			/* fixint, nil, bool */
		} else if (c >= 0x80 && c <= 0x8f) {
			items = 2u * (c & 0x0f);
		} else if (c >= 0x90 && c <= 0x9f) {
			items = c & 0x0f;
		} else if (c >= 0xa0 && c <= 0xbf) {
			skip = c & 0x1f;
		} else {
			switch (c) {
			case 0xc4:
			case 0xd9:
				hdr = 1;
				break; /* bin8, str8 */
			case 0xc5:
			case 0xda:
				hdr = 2;
				break;
			case 0xc6:
			case 0xdb:
				hdr = 4;
				break;
			case 0xc7:
				hdr = 1;
				skip = 1;
				break; /* ext8: length then type */
			case 0xc8:
				hdr = 2;
				skip = 1;
				break;
			case 0xc9:
				hdr = 4;
				skip = 1;
				break;
			case 0xca:
				skip = 4;
				break;
			case 0xcb:
				skip = 8;
				break;
			case 0xcc:
			case 0xd0:
				skip = 1;
				break;
			case 0xcd:
			case 0xd1:
				skip = 2;
				break;
			case 0xce:
			case 0xd2:
				skip = 4;
				break;
			case 0xcf:
			case 0xd3:
				skip = 8;
				break;
			case 0xd4:
				skip = 2;
				break; /* fixext */
			case 0xd5:
				skip = 3;
				break;
			case 0xd6:
				skip = 5;
				break;
			case 0xd7:
				skip = 9;
				break;
			case 0xd8:
				skip = 17;
				break;
			case 0xdc:
				hdr = 2;
				items = 1;
				break; /* array16/32, map16/32: counts below */
			case 0xdd:
				hdr = 4;
				items = 1;
				break;
			case 0xde:
				hdr = 2;
				items = 2;
				break;
			case 0xdf:
				hdr = 4;
				items = 2;
				break;
			default:
				return ERR_PROTO; /* 0xc1 is never used */
			}
		}
		if (hdr) {
			if (n - i < hdr) {
				return ERR_PROTO;
			}
			uint64_t len = 0;
			for (size_t k = 0; k < hdr; k++) {
				len = len << 8 | p[i + k];
			}
			i += hdr;
			if (c >= 0xdc) {
				items *= len; /* 1 per array element, 2 per map entry */
			} else {
				skip += len;
			}
		}
		if (skip > n - i) {
			return ERR_PROTO;
		}
		i += (size_t)skip;
		pending--;
		if (items > n - i || pending + items > n - i) {
			return ERR_PROTO;
		}
		pending += (size_t)items;
	}
	return i == n ? 0 : ERR_PROTO;
}

static bool
mp_is_str(const msgpack_object *o, const char *s)
{
	size_t n = strlen(s);
	return o->type == MSGPACK_OBJECT_STR && o->via.str.size == n &&
	       memcmp(o->via.str.ptr, s, n) == 0;
}

static struct slice
mp_str(const msgpack_object *o)
{
	return (struct slice){(const uint8_t *)o->via.str.ptr, o->via.str.size};
}

static void
mp_upsert(struct push *p, const struct push_limits *lim, const msgpack_object *o, size_t idx)
{
	if (o->type != MSGPACK_OBJECT_MAP) {
		problem_add(p, NULL, "upserts[%zu]: not a map", idx);
		return;
	}
	const msgpack_object *path = NULL, *content = NULL;
	for (uint32_t i = 0; i < o->via.map.size; i++) {
		const msgpack_object_kv *kv = &o->via.map.ptr[i];
		if (mp_is_str(&kv->key, "path")) {
			path = &kv->val;
		} else if (mp_is_str(&kv->key, "content")) {
			content = &kv->val;
		} else {
			problem_add(p, NULL, "upserts[%zu]: unknown key", idx);
			return;
		}
	}
	if (!path) {
		problem_add(p, NULL, "upserts[%zu]: missing path", idx);
		return;
	}
	if (path->type != MSGPACK_OBJECT_STR) {
		problem_add(p, NULL, "upserts[%zu]: path is not a string", idx);
		return;
	}
	struct slice c;
	if (!content) {
		problem_raw(p, mp_str(path), "missing content");
		return;
	} else if (content->type == MSGPACK_OBJECT_STR) {
		c = mp_str(content);
	} else if (content->type == MSGPACK_OBJECT_BIN) {
		c = (struct slice){(const uint8_t *)content->via.bin.ptr, content->via.bin.size};
	} else {
		problem_raw(p, mp_str(path), "content is not a string or binary");
		return;
	}
	upsert_add(p, lim, mp_str(path), c);
}

static int
mp_decode(struct slice body, const struct push_limits *lim, struct push *p)
{
	if (mp_prescan(body.ptr, body.len) < 0) {
		problem_add(p, NULL, "body is not valid msgpack");
		return ERR_PROTO;
	}
	msgpack_unpacked u;
	size_t off = 0;
	msgpack_unpacked_init(&u);
	int rc = 0;
	msgpack_unpack_return ur = msgpack_unpack_next(&u, (const char *)body.ptr, body.len, &off);
	if (ur == MSGPACK_UNPACK_NOMEM_ERROR) {
		rc = ERR_NOMEM;
		goto done;
	}
	if (ur != MSGPACK_UNPACK_SUCCESS || off != body.len) {
		problem_add(p, NULL, "body is not valid msgpack");
		rc = ERR_PROTO;
		goto done;
	}
	const msgpack_object *root = &u.data;
	if (root->type != MSGPACK_OBJECT_MAP) {
		problem_add(p, NULL, "body is not a map");
		rc = ERR_PROTO;
		goto done;
	}
	const msgpack_object *ups = NULL, *dels = NULL;
	for (uint32_t i = 0; i < root->via.map.size; i++) {
		const msgpack_object_kv *kv = &root->via.map.ptr[i];
		if (mp_is_str(&kv->key, "upserts")) {
			ups = &kv->val;
		} else if (mp_is_str(&kv->key, "deletes")) {
			dels = &kv->val;
		} else {
			problem_add(p, NULL, "unknown key in body");
			rc = ERR_PROTO;
			goto done;
		}
	}
	if ((ups && ups->type != MSGPACK_OBJECT_ARRAY && ups->type != MSGPACK_OBJECT_NIL) ||
	    (dels && dels->type != MSGPACK_OBJECT_ARRAY && dels->type != MSGPACK_OBJECT_NIL)) {
		problem_add(p, NULL, "upserts and deletes must be arrays");
		rc = ERR_PROTO;
		goto done;
	}
	size_t nup = ups && ups->type == MSGPACK_OBJECT_ARRAY ? ups->via.array.size : 0;
	size_t ndel = dels && dels->type == MSGPACK_OBJECT_ARRAY ? dels->via.array.size : 0;
	rc = reserve_files(p, lim, nup, ndel);
	if (rc < 0) {
		goto done;
	}
	for (size_t i = 0; i < nup; i++) {
		mp_upsert(p, lim, &ups->via.array.ptr[i], i);
	}
	for (size_t i = 0; i < ndel; i++) {
		const msgpack_object *d = &dels->via.array.ptr[i];
		if (d->type != MSGPACK_OBJECT_STR) {
			problem_add(p, NULL, "deletes[%zu]: not a string", i);
			continue;
		}
		delete_add(p, mp_str(d));
	}
done:
	msgpack_unpacked_destroy(&u);
	return rc;
}

/* --- JSON and base64 ----------------------------------------------------------------------- */

static int8_t
b64_value(uint8_t c)
{
	if (c >= 'A' && c <= 'Z') {
		return (int8_t)(c - 'A');
	}
	if (c >= 'a' && c <= 'z') {
		return (int8_t)(c - 'a' + 26);
	}
	if (c >= '0' && c <= '9') {
		return (int8_t)(c - '0' + 52);
	}
	if (c == '+') {
		return 62;
	}
	if (c == '/') {
		return 63;
	}
	return -1;
}

/*
 * Decodes standard base64 (RFC 4648) from in into out, which must hold in.len / 4 * 3 + 3
 * bytes. Line breaks and spaces are skipped; padding is optional but, when present, must be
 * right. Returns the decoded length or ERR_INVAL.
 */
static long long
b64_decode(struct slice in, uint8_t *out)
{
	uint32_t acc = 0;
	size_t nbits = 0, o = 0, pad = 0, ndigits = 0;
	for (size_t i = 0; i < in.len; i++) {
		uint8_t c = in.ptr[i];
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
			continue;
		}
		if (c == '=') {
			pad++;
			continue;
		}
		int8_t v = b64_value(c);
		if (v < 0 || pad) {
			return ERR_INVAL;
		}
		ndigits++;
		acc = acc << 6 | (uint32_t)v;
		nbits += 6;
		if (nbits >= 8) {
			nbits -= 8;
			out[o++] = (uint8_t)(acc >> nbits);
			acc &= (1u << nbits) - 1;
		}
	}
	size_t rem = ndigits % 4;
	if (rem == 1 || (pad && (ndigits + pad) % 4 != 0) || pad > 2) {
		return ERR_INVAL;
	}
	if (acc != 0) {
		return ERR_INVAL; /* non-zero bits left over: not canonical */
	}
	return (long long)o;
}

static void
js_upsert(struct push *p, const struct push_limits *lim, json_t *o, size_t idx)
{
	if (!json_is_object(o)) {
		problem_add(p, NULL, "upserts[%zu]: not an object", idx);
		return;
	}
	json_t *path = NULL, *content = NULL, *enc = NULL;
	const char *key;
	json_t *val;
	json_object_foreach(o, key, val)
	{
		if (strcmp(key, "path") == 0) {
			path = val;
		} else if (strcmp(key, "content") == 0) {
			content = val;
		} else if (strcmp(key, "encoding") == 0) {
			enc = val;
		} else {
			problem_add(p, NULL, "upserts[%zu]: unknown key \"%.64s\"", idx, key);
			return;
		}
	}
	if (!path) {
		problem_add(p, NULL, "upserts[%zu]: missing path", idx);
		return;
	}
	if (!json_is_string(path)) {
		problem_add(p, NULL, "upserts[%zu]: path is not a string", idx);
		return;
	}
	struct slice raw = {(const uint8_t *)json_string_value(path), json_string_length(path)};
	if (!content) {
		problem_raw(p, raw, "missing content");
		return;
	}
	if (!json_is_string(content)) {
		problem_raw(p, raw, "content is not a string");
		return;
	}
	bool base64 = false;
	if (enc) {
		if (!json_is_string(enc)) {
			problem_raw(p, raw, "encoding is not a string");
			return;
		}
		const char *e = json_string_value(enc);
		if (strcmp(e, "base64") == 0) {
			base64 = true;
		} else if (strcmp(e, "utf-8") != 0 && strcmp(e, "utf8") != 0) {
			problem_raw(p, raw, "encoding must be \"base64\" or \"utf-8\"");
			return;
		}
	}
	struct slice text = {(const uint8_t *)json_string_value(content),
	                     json_string_length(content)};
	uint8_t *copy = own(p, base64 ? text.len / 4 * 3 + 3 : text.len);
	size_t len = text.len;
	if (base64) {
		long long n = b64_decode(text, copy);
		if (n < 0) {
			problem_raw(p, raw, "content is not valid base64");
			return;
		}
		len = (size_t)n;
	} else if (text.len) {
		memcpy(copy, text.ptr, text.len);
	}
	upsert_add(p, lim, raw, (struct slice){copy, len});
}

static int
js_decode(struct slice body, const struct push_limits *lim, struct push *p)
{
	json_error_t jerr;
	json_t *root = json_loadb((const char *)body.ptr, body.len, JSON_ALLOW_NUL, &jerr);
	if (!root) {
		problem_add(p, NULL, "body is not valid JSON: line %d: %s", jerr.line, jerr.text);
		return ERR_PROTO;
	}
	int rc = 0;
	if (!json_is_object(root)) {
		problem_add(p, NULL, "body is not an object");
		rc = ERR_PROTO;
		goto done;
	}
	json_t *ups = NULL, *dels = NULL;
	const char *key;
	json_t *val;
	json_object_foreach(root, key, val)
	{
		if (strcmp(key, "upserts") == 0) {
			ups = val;
		} else if (strcmp(key, "deletes") == 0) {
			dels = val;
		} else {
			problem_add(p, NULL, "unknown key \"%.64s\" in body", key);
			rc = ERR_PROTO;
			goto done;
		}
	}
	if ((ups && !json_is_array(ups) && !json_is_null(ups)) ||
	    (dels && !json_is_array(dels) && !json_is_null(dels))) {
		problem_add(p, NULL, "upserts and deletes must be arrays");
		rc = ERR_PROTO;
		goto done;
	}
	size_t nup = json_is_array(ups) ? json_array_size(ups) : 0;
	size_t ndel = json_is_array(dels) ? json_array_size(dels) : 0;
	rc = reserve_files(p, lim, nup, ndel);
	if (rc < 0) {
		goto done;
	}
	for (size_t i = 0; i < nup; i++) {
		js_upsert(p, lim, json_array_get(ups, i), i);
	}
	for (size_t i = 0; i < ndel; i++) {
		json_t *d = json_array_get(dels, i);
		if (!json_is_string(d)) {
			problem_add(p, NULL, "deletes[%zu]: not a string", i);
			continue;
		}
		delete_add(p, (struct slice){(const uint8_t *)json_string_value(d),
		                             json_string_length(d)});
	}
done:
	json_decref(root);
	return rc;
}

/* --- entry points -------------------------------------------------------------------------- */

int
pushmsg_decode(struct slice body, enum pushmsg_format fmt, const struct push_limits *lim,
               struct push *p)
{
	memset(p, 0, sizeof(*p));
	int rc;
	if (fmt == PUSHMSG_MSGPACK) {
		rc = mp_decode(body, lim, p);
	} else if (fmt == PUSHMSG_JSON) {
		rc = js_decode(body, lim, p);
	} else {
		problem_add(p, NULL, "unknown body format");
		rc = ERR_INVAL;
	}
	if (rc < 0) {
		return rc;
	}
	check_duplicates(p);
	return p->nproblems ? ERR_PROTO : 0;
}

void
pushmsg_fini(struct push *p)
{
	if (!p) {
		return;
	}
	for (size_t i = 0; i < p->nupserts; i++) {
		free(p->upserts[i].path);
	}
	free(p->upserts);
	for (size_t i = 0; i < p->ndeletes; i++) {
		free(p->deletes[i]);
	}
	free(p->deletes);
	for (size_t i = 0; i < p->nproblems; i++) {
		free(p->problems[i].path);
		free(p->problems[i].msg);
	}
	free(p->problems);
	for (size_t i = 0; i < p->nowned; i++) {
		free(p->owned[i]);
	}
	free(p->owned);
	memset(p, 0, sizeof(*p));
}

/* --- writer -------------------------------------------------------------------------------- */

struct pushmsg_wstate {
	msgpack_packer pk;
	size_t ups_done, dels_done;
	bool dels_started;
};

static int
pushmsg_write_cb(void *data, const char *p, size_t n)
{
	struct buf *b = data;
	buf_put(b, p, n);
	return b->err ? -1 : 0;
}

static void
pack_cstr(msgpack_packer *pk, const char *s)
{
	size_t n = strlen(s);
	msgpack_pack_str(pk, n);
	msgpack_pack_str_body(pk, s, n);
}

int
pushmsg_writer_begin(struct pushmsg_writer *w, struct buf *out, size_t nupserts, size_t ndeletes)
{
	struct pushmsg_wstate *st = xcalloc(1, sizeof(*st));
	w->out = out;
	w->nupserts = nupserts;
	w->ndeletes = ndeletes;
	w->pk = st;
	msgpack_packer_init(&st->pk, out, pushmsg_write_cb);
	msgpack_pack_map(&st->pk, 2);
	pack_cstr(&st->pk, "upserts");
	msgpack_pack_array(&st->pk, nupserts);
	return out->err;
}

/* Closes the upserts array (all must be written) and opens the deletes array. */
static int
writer_start_deletes(struct pushmsg_writer *w, struct pushmsg_wstate *st)
{
	if (st->dels_started) {
		return 0;
	}
	if (st->ups_done != w->nupserts) {
		return ERR_INVAL;
	}
	st->dels_started = true;
	pack_cstr(&st->pk, "deletes");
	msgpack_pack_array(&st->pk, w->ndeletes);
	return w->out->err;
}

int
pushmsg_writer_upsert(struct pushmsg_writer *w, const char *path, struct slice content)
{
	struct pushmsg_wstate *st = w->pk;
	if (!st || st->dels_started || st->ups_done >= w->nupserts) {
		return ERR_INVAL;
	}
	st->ups_done++;
	msgpack_pack_map(&st->pk, 2);
	pack_cstr(&st->pk, "path");
	pack_cstr(&st->pk, path);
	pack_cstr(&st->pk, "content");
	msgpack_pack_bin(&st->pk, content.len);
	msgpack_pack_bin_body(&st->pk, content.ptr, content.len);
	return w->out->err;
}

int
pushmsg_writer_delete(struct pushmsg_writer *w, const char *path)
{
	struct pushmsg_wstate *st = w->pk;
	if (!st) {
		return ERR_INVAL;
	}
	int rc = writer_start_deletes(w, st);
	if (rc < 0) {
		return rc;
	}
	if (st->dels_done >= w->ndeletes) {
		return ERR_INVAL;
	}
	st->dels_done++;
	pack_cstr(&st->pk, path);
	return w->out->err;
}

int
pushmsg_writer_finish(struct pushmsg_writer *w)
{
	struct pushmsg_wstate *st = w->pk;
	if (!st) {
		return ERR_INVAL;
	}
	int rc = writer_start_deletes(w, st);
	if (rc == 0 && st->dels_done != w->ndeletes) {
		rc = ERR_INVAL;
	}
	free(st);
	w->pk = NULL;
	return rc < 0 ? rc : w->out->err;
}
