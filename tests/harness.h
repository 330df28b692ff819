/*
 * harness.h: folio's unit-test harness. A test file defines test functions, lists them
 * in a table and ends with TEST_MAIN(table). Each run prints one line per test and ends
 * with "N passed, N failed"; the exit status is non-zero if any test failed.
 *
 *   static void t_parse(void) { CHECK_INT_EQ(parse("1"), 1); }
 *   static const struct test tests[] = { { "parse", t_parse } };
 *   TEST_MAIN(tests)
 */
#ifndef TESTS_HARNESS_H
#define TESTS_HARNESS_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct test {
	const char *name;
	void (*fn)(void);
};

extern int test_failures_; /* failures in the running test */

#define CHECK_FAIL_(...)                                   \
	do {                                               \
		test_failures_++;                          \
		printf("    %s:%d: ", __FILE__, __LINE__); \
		printf(__VA_ARGS__);                       \
		printf("\n");                              \
	} while (0)

#define CHECK(c)                                             \
	do {                                                 \
		if (!(c))                                    \
			CHECK_FAIL_("CHECK(%s) failed", #c); \
	} while (0)

#define CHECK_INT_EQ(a, b)                                                     \
	do {                                                                   \
		long long a_ = (long long)(a), b_ = (long long)(b);            \
		if (a_ != b_)                                                  \
			CHECK_FAIL_("%s == %s: %lld != %lld", #a, #b, a_, b_); \
	} while (0)

#define CHECK_ERR(expr, e) CHECK_INT_EQ((expr), (e))

#define CHECK_STR_EQ(a, b)                                                                       \
	do {                                                                                     \
		const char *a_ = (a), *b_ = (b);                                                 \
		if (!a_ || !b_ || strcmp(a_, b_) != 0)                                           \
			CHECK_FAIL_("%s == %s:\n      got:  \"%s\"\n      want: \"%s\"", #a, #b, \
			            a_ ? a_ : "(null)", b_ ? b_ : "(null)");                     \
	} while (0)

/* Compares a byte range with a C string. */
#define CHECK_MEM_STR(p, n, s)                                                     \
	do {                                                                       \
		size_t n_ = (size_t)(n);                                           \
		const char *s_ = (s);                                              \
		if (n_ != strlen(s_) || memcmp((p), s_, n_) != 0)                  \
			CHECK_FAIL_("%s == \"%s\": got \"%.*s\"", #p, s_, (int)n_, \
			            (const char *)(p));                            \
	} while (0)

/*
 * Copies n bytes so that they end right before a PROT_NONE page: any read past the end
 * faults. Free with test_guarded_free().
 */
static inline void *
test_guarded(const void *p, size_t n, void **base, size_t *maplen)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t pages = (n + (size_t)pg - 1) / (size_t)pg + 1;
	uint8_t *m = mmap(NULL, pages * (size_t)pg, PROT_READ | PROT_WRITE,
	                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		abort();
	mprotect(m + (pages - 1) * (size_t)pg, (size_t)pg, PROT_NONE);
	uint8_t *dst = m + (pages - 1) * (size_t)pg - n;
	if (n)
		memcpy(dst, p, n);
	*base = m;
	*maplen = pages * (size_t)pg;
	return dst;
}

static inline void
test_guarded_free(void *base, size_t maplen)
{
	munmap(base, maplen);
}

#define TEST_MAIN(table)                                                          \
	int test_failures_;                                                       \
	int main(int argc, char **argv)                                           \
	{                                                                         \
		int passed = 0, failed = 0;                                       \
		for (size_t i = 0; i < sizeof(table) / sizeof((table)[0]); i++) { \
			if (argc > 1 && !strstr((table)[i].name, argv[1]))        \
				continue;                                         \
			test_failures_ = 0;                                       \
			(table)[i].fn();                                          \
			if (test_failures_) {                                     \
				printf("FAIL %s\n", (table)[i].name);             \
				failed++;                                         \
			} else {                                                  \
				printf("ok   %s\n", (table)[i].name);             \
				passed++;                                         \
			}                                                         \
			fflush(stdout);                                           \
		}                                                                 \
		printf("%d passed, %d failed\n", passed, failed);                 \
		return failed ? 1 : 0;                                            \
	}

#endif
