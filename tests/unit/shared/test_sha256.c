/*
 * test_sha256.c: SHA-256 against the FIPS 180-4 / NIST example vectors, including the
 * million-'a' message, and checks that every way of splitting the input into updates gives
 * the same digest. Every test runs twice: with the code the CPU gets by default (SHA-NI
 * where present) and forced onto the portable C code.
 */
#include "shared/sha256.h"

#include "tests/harness.h"

static void
hex_of(const uint8_t d[SHA256_LEN], char out[65])
{
	static const char digits[] = "0123456789abcdef";
	for (unsigned i = 0; i < SHA256_LEN; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[64] = '\0';
}

static void
t_empty(void)
{
	char hex[65];
	sha256_hex("", 0, hex);
	CHECK_STR_EQ(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void
t_abc(void)
{
	char hex[65];
	sha256_hex("abc", 3, hex);
	CHECK_STR_EQ(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
t_two_blocks(void)
{
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char hex[65];
	sha256_hex(m, strlen(m), hex);
	CHECK_STR_EQ(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void
t_896_bits(void)
{
	const char *m = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjk"
	                "lmnopqklm"
	                "nopqrlmnopqrsmnopqrstnopqrstu";
	char hex[65];
	sha256_hex(m, strlen(m), hex);
	CHECK_STR_EQ(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void
t_million_a(void)
{
	/* One million 'a' fed in uneven pieces so that blocks straddle update calls. */
	static char chunk[997];
	memset(chunk, 'a', sizeof(chunk));
	struct sha256 c;
	sha256_init(&c);
	size_t left = 1000000;
	while (left) {
		size_t n = left < sizeof(chunk) ? left : sizeof(chunk);
		sha256_update(&c, chunk, n);
		left -= n;
	}
	uint8_t d[SHA256_LEN];
	char hex[65];
	sha256_final(&c, d);
	hex_of(d, hex);
	CHECK_STR_EQ(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

	/* The same in one call. */
	char *all = malloc(1000000);
	CHECK(all != NULL);
	if (all) {
		memset(all, 'a', 1000000);
		sha256_hex(all, 1000000, hex);
		CHECK_STR_EQ(hex,
		             "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
		free(all);
	}
}

static void
t_padding_edges(void)
{
	/* Lengths around the 55/56/64-byte padding boundaries: one call vs byte-by-byte. */
	uint8_t msg[200];
	for (size_t i = 0; i < sizeof(msg); i++) {
		msg[i] = (uint8_t)(i * 7 + 3);
	}
	for (size_t n = 0; n <= sizeof(msg); n++) {
		char one[65], split[65];
		sha256_hex(msg, n, one);
		struct sha256 c;
		uint8_t d[SHA256_LEN];
		sha256_init(&c);
		for (size_t i = 0; i < n; i++) {
			sha256_update(&c, msg + i, 1);
		}
		sha256_final(&c, d);
		hex_of(d, split);
		if (strcmp(one, split) != 0) {
			CHECK_FAIL_("length %zu: one call %s, bytewise %s", n, one, split);
		}
	}
	/* A known 55- and 56-byte pair (the last lengths with one and two padding blocks). */
	char hex[65];
	sha256_hex("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 55, hex);
	CHECK_STR_EQ(hex, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
	sha256_hex("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 56, hex);
	CHECK_STR_EQ(hex, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
}

static void
t_multi_update_splits(void)
{
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	size_t n = strlen(m);
	for (size_t a = 0; a <= n; a++) {
		for (size_t b = a; b <= n; b += 5) {
			struct sha256 c;
			uint8_t d[SHA256_LEN];
			char hex[65];
			sha256_init(&c);
			sha256_update(&c, m, a);
			sha256_update(&c, m + a, b - a);
			sha256_update(&c, m + b, n - b);
			sha256_final(&c, d);
			hex_of(d, hex);
			if (strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419"
			                "db06c1")) {
				CHECK_FAIL_("split %zu/%zu gave %s", a, b, hex);
			}
		}
	}
}

static void
t_both_agree(void)
{
	/* Long, odd-sized inputs: the two implementations must give the same digests. */
	static uint8_t msg[4099];
	for (size_t i = 0; i < sizeof(msg); i++) {
		msg[i] = (uint8_t)(i * 131 + (i >> 7));
	}
	for (size_t n = 0; n <= sizeof(msg); n += 97) {
		char fast[65], slow[65];
		sha256_use_portable(false);
		sha256_hex(msg, n, fast);
		sha256_use_portable(true);
		sha256_hex(msg, n, slow);
		sha256_use_portable(false);
		if (strcmp(fast, slow) != 0) {
			CHECK_FAIL_("length %zu: %s vs portable %s", n, fast, slow);
		}
	}
}

/* Runs fn with the portable code forced. */
#define PORTABLE(fn)                        \
	static void fn##_portable(void)     \
	{                                   \
		sha256_use_portable(true);  \
		fn();                       \
		sha256_use_portable(false); \
	}
PORTABLE(t_empty)
PORTABLE(t_abc)
PORTABLE(t_two_blocks)
PORTABLE(t_896_bits)
PORTABLE(t_million_a)
PORTABLE(t_padding_edges)
PORTABLE(t_multi_update_splits)

static const struct test tests[] = {
        {"empty", t_empty},
        {"abc", t_abc},
        {"two_blocks", t_two_blocks},
        {"896_bits", t_896_bits},
        {"million_a", t_million_a},
        {"padding_edges", t_padding_edges},
        {"multi_update_splits", t_multi_update_splits},
        {"portable_empty", t_empty_portable},
        {"portable_abc", t_abc_portable},
        {"portable_two_blocks", t_two_blocks_portable},
        {"portable_896_bits", t_896_bits_portable},
        {"portable_million_a", t_million_a_portable},
        {"portable_padding_edges", t_padding_edges_portable},
        {"portable_multi_update_splits", t_multi_update_splits_portable},
        {"both_agree", t_both_agree},
};

TEST_MAIN(tests)
