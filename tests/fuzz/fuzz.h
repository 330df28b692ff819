/*
 * fuzz.h: what the libFuzzer targets in tests/fuzz/ and replay.c share: the entry point,
 * and FUZZ_CHECK, which aborts, so that a campaign and a corpus replay both see a broken
 * invariant as a crash.
 */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Runs one input; the target keeps no pointer into data. Always returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(c)            \
	do {                     \
		if (!(c))        \
			abort(); \
	} while (0)

#endif
