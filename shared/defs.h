/*
 * defs.h: the few macros and helpers every folio file may use: assertions that stay in
 * release builds, array length, branch hints, little-endian access for on-disk and wire
 * formats, and the aborting allocators used outside frontd's hot path.
 */
#ifndef SHARED_DEFS_H
#define SHARED_DEFS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ARRAY_LEN(a)                    (sizeof(a) / sizeof((a)[0]))
#define likely(x)                       __builtin_expect(!!(x), 1)
#define unlikely(x)                     __builtin_expect(!!(x), 0)
#define container_of(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))
#define MIN(a, b)                       ((a) < (b) ? (a) : (b))
#define MAX(a, b)                       ((a) > (b) ? (a) : (b))

/* Invariant checks: kept in release builds. Never assert on outside input. */
#define ASSERT(c)                                            \
	do {                                                 \
		if (unlikely(!(c)))                          \
			assert_fail(#c, __FILE__, __LINE__); \
	} while (0)

_Noreturn void assert_fail(const char *what, const char *file, int line);

/* Allocators for start-up and ingest: abort with a message when memory runs out. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

static inline uint16_t
get_le16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t
get_le32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static inline uint64_t
get_le64(const void *p)
{
	const uint8_t *b = p;
	return (uint64_t)get_le32(b) | (uint64_t)get_le32(b + 4) << 32;
}

static inline void
put_le16(void *p, uint16_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
}

static inline void
put_le32(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

static inline void
put_le64(void *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

#endif
