/*
 * sha256.h: SHA-256 (FIPS 180-4) for content hashes and ETags.
 */
#ifndef SHARED_SHA256_H
#define SHARED_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

struct sha256 {
	uint32_t h[8];
	uint64_t total;
	uint8_t block[64];
	size_t fill;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *p, size_t n);
void sha256_final(struct sha256 *c, uint8_t out[SHA256_LEN]);
/* One call: hash p[n] and write 64 lowercase hex digits plus NUL into hex[65]. */
void sha256_hex(const void *p, size_t n, char hex[65]);
/*
 * Tests: true forces the portable C code even where the CPU's SHA instructions would be
 * used; false goes back to choosing by CPU. Not for concurrent use with hashing.
 */
void sha256_use_portable(bool on);

#endif
