/*
 * buf.h: byte slices and a bounded builder with a sticky error. A buf either grows on
 * the heap (ingest, tools) or writes into caller memory of fixed size (frontd's hot
 * path); in both cases the first failure sticks and later puts are no-ops, so a
 * caller checks buf.err once at the end.
 */
#ifndef SHARED_BUF_H
#define SHARED_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A borrowed view of bytes; valid as long as whatever it points into. */
struct slice {
	const uint8_t *ptr;
	size_t len;
};

#define SLICE_LIT(s) ((struct slice){(const uint8_t *)(s), sizeof(s) - 1})

static inline struct slice
slice_str(const char *s)
{
	return (struct slice){(const uint8_t *)s, s ? strlen(s) : 0};
}

bool slice_eq(struct slice a, struct slice b);
bool slice_eq_str(struct slice a, const char *s);
bool slice_case_eq_str(struct slice a, const char *s); /* ASCII case-insensitive */

struct buf {
	uint8_t *ptr;
	size_t len;
	size_t cap;
	size_t max; /* growth limit for heap bufs; cap for fixed ones */
	int err;    /* first error: ERR_TOOBIG when max would be passed */
	bool fixed; /* caller memory: never freed, never grown */
};

/* Heap buffer that grows up to max bytes (0 = SIZE_MAX). Free with buf_fini(). */
void buf_init(struct buf *b, size_t max);
/* Buffer over caller memory [mem, mem+cap); buf_fini() is a no-op on it. */
void buf_init_fixed(struct buf *b, void *mem, size_t cap);
void buf_fini(struct buf *b);
/* Empties the buffer and clears the sticky error; keeps the memory. */
void buf_reset(struct buf *b);
/* Makes room for n more bytes and returns a pointer to them, or NULL (error set). */
uint8_t *buf_reserve(struct buf *b, size_t n);

void buf_put(struct buf *b, const void *p, size_t n);
void buf_putc(struct buf *b, char c);
void buf_puts(struct buf *b, const char *s);
void buf_put_slice(struct buf *b, struct slice s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_put_u64(struct buf *b, uint64_t v); /* decimal */
/* Escapes & < > " ' for HTML text and attribute values. */
void buf_put_html(struct buf *b, const void *p, size_t n);
/* Writes a JSON string literal, quotes included, escaping as RFC 8259 requires. */
void buf_put_json_str(struct buf *b, const void *p, size_t n);
/* NUL-terminates without counting the NUL in len; returns ptr as a C string or "" on error. */
const char *buf_cstr(struct buf *b);

static inline struct slice
buf_slice(const struct buf *b)
{
	return (struct slice){b->ptr, b->len};
}

/* Takes ownership of the bytes away from the buffer (heap bufs only); caller frees. */
uint8_t *buf_steal(struct buf *b, size_t *len);

#endif
