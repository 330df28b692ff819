/*
 * sha256.c: SHA-256 as FIPS 180-4 defines it, for content hashes of pushed files, theme
 * URLs and page ETags. Streaming: any split of the input into update calls gives the same
 * digest. Portable C, plus the x86 SHA extensions when the CPU has them (checked once at
 * run time), which makes hashing every pushed file and page several times cheaper.
 * No allocation.
 */
#include "shared/sha256.h"

#include <stdbool.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define SHA256_HAVE_NI 1
#endif

#include "shared/defs.h"

static const uint32_t sha256_k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
};

static inline uint32_t
sha256_ror(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static inline uint32_t
sha256_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

#define SHA256_S0(x) (sha256_ror(x, 2) ^ sha256_ror(x, 13) ^ sha256_ror(x, 22))
#define SHA256_S1(x) (sha256_ror(x, 6) ^ sha256_ror(x, 11) ^ sha256_ror(x, 25))
#define SHA256_G0(x) (sha256_ror(x, 7) ^ sha256_ror(x, 18) ^ ((x) >> 3))
#define SHA256_G1(x) (sha256_ror(x, 17) ^ sha256_ror(x, 19) ^ ((x) >> 10))

/*
 * One round with the working variables named by position, so eight rounds in a row rotate
 * the names instead of moving eight values around. w is the 16-word schedule window.
 */
#define SHA256_ROUND(a, b, c, d, e, f, g, h, i, wi)                                         \
	do {                                                                                \
		uint32_t t1 = h + SHA256_S1(e) + ((e & f) ^ (~e & g)) + sha256_k[i] + (wi); \
		uint32_t t2 = SHA256_S0(a) + ((a & b) ^ (a & c) ^ (b & c));                 \
		d += t1;                                                                    \
		h = t1 + t2;                                                                \
	} while (0)

/* Schedule word i (>= 16) computed in place in the 16-word window. */
#define SHA256_W(w, i) \
	(w[(i)&15] += SHA256_G1(w[((i)-2) & 15]) + w[((i)-7) & 15] + SHA256_G0(w[((i)-15) & 15]))

#define SHA256_EIGHT(i, W)                                                 \
	do {                                                               \
		SHA256_ROUND(a, b, c, d, e, f, g, h, (i) + 0, W((i) + 0)); \
		SHA256_ROUND(h, a, b, c, d, e, f, g, (i) + 1, W((i) + 1)); \
		SHA256_ROUND(g, h, a, b, c, d, e, f, (i) + 2, W((i) + 2)); \
		SHA256_ROUND(f, g, h, a, b, c, d, e, (i) + 3, W((i) + 3)); \
		SHA256_ROUND(e, f, g, h, a, b, c, d, (i) + 4, W((i) + 4)); \
		SHA256_ROUND(d, e, f, g, h, a, b, c, (i) + 5, W((i) + 5)); \
		SHA256_ROUND(c, d, e, f, g, h, a, b, (i) + 6, W((i) + 6)); \
		SHA256_ROUND(b, c, d, e, f, g, h, a, (i) + 7, W((i) + 7)); \
	} while (0)

/* Runs the compression function over one 64-byte block, in portable C. */
static void
sha256_block_c(uint32_t st[8], const uint8_t *blk)
{
	uint32_t w[16];
	for (unsigned i = 0; i < 16; i++) {
		w[i] = sha256_be32(blk + 4 * i);
	}
	uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
	uint32_t e = st[4], f = st[5], g = st[6], h = st[7];
#define W_FIRST(i) w[i]
#define W_NEXT(i)  SHA256_W(w, i)
	SHA256_EIGHT(0, W_FIRST);
	SHA256_EIGHT(8, W_FIRST);
	for (unsigned i = 16; i < 64; i += 8) {
		SHA256_EIGHT(i, W_NEXT);
	}
#undef W_FIRST
#undef W_NEXT
	st[0] += a;
	st[1] += b;
	st[2] += c;
	st[3] += d;
	st[4] += e;
	st[5] += f;
	st[6] += g;
	st[7] += h;
}

#ifdef SHA256_HAVE_NI
/*
 * The same compression with the SHA-NI instructions. The state lives in two registers in
 * the order the instructions want (ABEF and CDGH); each group of four rounds adds the
 * round constants to four schedule words and runs two double-rounds, and the schedule for
 * the next words comes from sha256msg1/msg2 over a ring of the last sixteen words.
 */
__attribute__((target("sha,sse4.1,ssse3"))) static void
sha256_blocks_ni(uint32_t st[8], const uint8_t *p, size_t nblocks)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bll, 0x0405060700010203ll);
	__m128i tmp = _mm_loadu_si128((const __m128i *)(const void *)&st[0]);
	__m128i cdgh = _mm_loadu_si128((const __m128i *)(const void *)&st[4]);
	tmp = _mm_shuffle_epi32(tmp, 0xb1);
	cdgh = _mm_shuffle_epi32(cdgh, 0x1b);
	__m128i abef = _mm_alignr_epi8(tmp, cdgh, 8);
	cdgh = _mm_blend_epi16(cdgh, tmp, 0xf0);

	for (; nblocks; nblocks--, p += 64) {
		__m128i abef0 = abef, cdgh0 = cdgh;
		__m128i m[4];
		for (int i = 0; i < 4; i++) {
			m[i] = _mm_shuffle_epi8(
			        _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i)),
			        bswap);
		}
		for (int g = 0; g < 16; g++) {
			if (g >= 4) {
				__m128i prev = m[(g + 3) & 3];
				__m128i t = _mm_sha256msg1_epu32(m[g & 3], m[(g + 1) & 3]);
				t = _mm_add_epi32(t, _mm_alignr_epi8(prev, m[(g + 2) & 3], 4));
				m[g & 3] = _mm_sha256msg2_epu32(t, prev);
			}
			__m128i k =
			        _mm_loadu_si128((const __m128i *)(const void *)&sha256_k[4 * g]);
			__m128i msg = _mm_add_epi32(m[g & 3], k);
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, msg);
			msg = _mm_shuffle_epi32(msg, 0x0e);
			abef = _mm_sha256rnds2_epu32(abef, cdgh, msg);
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}

	tmp = _mm_shuffle_epi32(abef, 0x1b);
	cdgh = _mm_shuffle_epi32(cdgh, 0xb1);
	_mm_storeu_si128((__m128i *)(void *)&st[0], _mm_blend_epi16(tmp, cdgh, 0xf0));
	_mm_storeu_si128((__m128i *)(void *)&st[4], _mm_alignr_epi8(cdgh, tmp, 8));
}

/* True if the CPU has the SHA extensions (and the SSE levels the code above uses). */
static bool
sha256_cpu_has_ni(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3)) {
		return false;
	}
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
		return false;
	}
	return (b & (1u << 29)) != 0;
}
#endif

/* 0: not decided yet, 1: portable C, 2: SHA-NI. A benign race: every thread decides alike. */
static int sha256_impl;

void
sha256_use_portable(bool on)
{
	sha256_impl = on ? 1 : 0;
}

static void
sha256_blocks(uint32_t st[8], const uint8_t *p, size_t nblocks)
{
#ifdef SHA256_HAVE_NI
	if (sha256_impl == 0) {
		sha256_impl = sha256_cpu_has_ni() ? 2 : 1;
	}
	if (sha256_impl == 2) {
		sha256_blocks_ni(st, p, nblocks);
		return;
	}
#endif
	for (; nblocks; nblocks--, p += 64) {
		sha256_block_c(st, p);
	}
}

void
sha256_init(struct sha256 *c)
{
	static const uint32_t iv[8] = {
	        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	memcpy(c->h, iv, sizeof(iv));
	c->total = 0;
	c->fill = 0;
}

void
sha256_update(struct sha256 *c, const void *p, size_t n)
{
	const uint8_t *in = p;
	c->total += n;
	if (c->fill) {
		size_t take = MIN(64 - c->fill, n);
		memcpy(c->block + c->fill, in, take);
		c->fill += take;
		in += take;
		n -= take;
		if (c->fill < 64) {
			return;
		}
		sha256_blocks(c->h, c->block, 1);
		c->fill = 0;
	}
	if (n >= 64) {
		sha256_blocks(c->h, in, n / 64);
		in += n / 64 * 64;
		n %= 64;
	}
	if (n) {
		memcpy(c->block, in, n);
		c->fill = n;
	}
}

void
sha256_final(struct sha256 *c, uint8_t out[SHA256_LEN])
{
	uint64_t bits = c->total * 8;
	c->block[c->fill++] = 0x80;
	if (c->fill > 56) {
		memset(c->block + c->fill, 0, 64 - c->fill);
		sha256_blocks(c->h, c->block, 1);
		c->fill = 0;
	}
	memset(c->block + c->fill, 0, 56 - c->fill);
	for (unsigned i = 0; i < 8; i++) {
		c->block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
	}
	sha256_blocks(c->h, c->block, 1);
	for (unsigned i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(c->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)c->h[i];
	}
	memset(c, 0, sizeof(*c));
}

void
sha256_hex(const void *p, size_t n, char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	struct sha256 c;
	uint8_t d[SHA256_LEN];
	sha256_init(&c);
	sha256_update(&c, p, n);
	sha256_final(&c, d);
	for (unsigned i = 0; i < SHA256_LEN; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[64] = '\0';
}
