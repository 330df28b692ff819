/*
 * defs.c: assertion failure and the aborting allocators. Out of memory outside frontd's
 * hot path is not recoverable in a useful way, so these print and abort.
 */
#include "shared/defs.h"

#include <stdio.h>
#include <stdlib.h>

void
assert_fail(const char *what, const char *file, int line)
{
	fprintf(stderr, "folio: assertion failed: %s (%s:%d)\n", what, file, line);
	fflush(stderr);
	abort();
}

static _Noreturn void
oom(size_t n)
{
	fprintf(stderr, "folio: out of memory allocating %zu bytes\n", n);
	fflush(stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}
