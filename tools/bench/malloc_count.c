/*
 * malloc_count.so: counts heap allocations of a process, for folio's benchmark.
 *
 *   MALLOC_COUNT_OUT=FILE LD_PRELOAD=malloc_count.so frontd ...
 *
 * Every malloc, calloc, realloc, posix_memalign, aligned_alloc and memalign is counted
 * (atomically: library threads allocate too) and passed on to the real allocator. On
 * SIGUSR2, and when the process exits normally, one line "allocs=N frees=N bytes=N" is
 * appended to FILE. The benchmark runs a server twice, idle and under load, reads the
 * counts with SIGUSR2 before stopping it, and divides the difference by the requests
 * served: what start-up allocates cancels out, and shutdown is not counted.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t allocs, frees, bytes;

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);

/* dlsym itself may calloc before the real one is known: serve that from here. */
static _Alignas(16) char boot[4096];
static size_t boot_used;
static int resolving;

static void
count(size_t n)
{
	__atomic_add_fetch(&allocs, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&bytes, n, __ATOMIC_RELAXED);
}

static void
resolve(void)
{
	if (real_malloc || resolving)
		return;
	resolving = 1;
	real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
	real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
	real_posix_memalign = (int (*)(void **, size_t, size_t))dlsym(RTLD_NEXT, "posix_memalign");
	real_aligned_alloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "aligned_alloc");
	real_memalign = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "memalign");
	real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	resolving = 0;
}

static void *
boot_alloc(size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (boot_used + n > sizeof(boot))
		return NULL;
	void *p = boot + boot_used;
	boot_used += n;
	return p;
}

static int
from_boot(const void *p)
{
	return (const char *)p >= boot && (const char *)p < boot + sizeof(boot);
}

void *
malloc(size_t n)
{
	resolve();
	if (!real_malloc)
		return boot_alloc(n);
	count(n);
	return real_malloc(n);
}

void *
calloc(size_t a, size_t b)
{
	resolve();
	if (!real_calloc)
		return boot_alloc(a * b); /* static memory starts zeroed */
	count(a * b);
	return real_calloc(a, b);
}

void *
realloc(void *p, size_t n)
{
	resolve();
	if (from_boot(p)) {
		size_t avail = (size_t)(boot + sizeof(boot) - (const char *)p);
		void *q = malloc(n);
		if (q)
			memcpy(q, p, n < avail ? n : avail);
		return q;
	}
	count(n);
	return real_realloc(p, n);
}

void
free(void *p)
{
	if (!p || from_boot(p))
		return;
	resolve();
	__atomic_add_fetch(&frees, 1, __ATOMIC_RELAXED);
	real_free(p);
}

int
posix_memalign(void **out, size_t align, size_t n)
{
	resolve();
	count(n);
	return real_posix_memalign(out, align, n);
}

void *
aligned_alloc(size_t align, size_t n)
{
	resolve();
	count(n);
	return real_aligned_alloc(align, n);
}

void *
memalign(size_t align, size_t n)
{
	resolve();
	count(n);
	return real_memalign(align, n);
}

/* Writes "allocs=N frees=N bytes=N" to MALLOC_COUNT_OUT; async-signal-safe (no stdio). */
static void
report_now(void)
{
	const char *path = getenv("MALLOC_COUNT_OUT");
	if (!path)
		return;
	static const char *const names[] = {"allocs=", " frees=", " bytes="};
	uint64_t v[3] = {__atomic_load_n(&allocs, __ATOMIC_RELAXED),
	                 __atomic_load_n(&frees, __ATOMIC_RELAXED),
	                 __atomic_load_n(&bytes, __ATOMIC_RELAXED)};
	char line[160];
	size_t n = 0;
	for (int i = 0; i < 3; i++) {
		for (const char *c = names[i]; *c; c++)
			line[n++] = *c;
		char digits[24];
		int k = 0;
		do {
			digits[k++] = (char)('0' + v[i] % 10);
			v[i] /= 10;
		} while (v[i]);
		while (k)
			line[n++] = digits[--k];
	}
	line[n++] = '\n';
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd >= 0) {
		ssize_t w = write(fd, line, n);
		(void)w;
		close(fd);
	}
}

static void
on_signal(int sig)
{
	(void)sig;
	report_now();
}

/*
 * SIGUSR2 writes the counts so far (a benchmark reads them while the process still runs,
 * so its shutdown work is not counted); exit writes them once more.
 */
__attribute__((constructor)) static void
install(void)
{
	if (getenv("MALLOC_COUNT_OUT"))
		signal(SIGUSR2, on_signal);
}

__attribute__((destructor)) static void
report(void)
{
	report_now();
}
