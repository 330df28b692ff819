/*
 * pagedump: lists or shows the page records in a folio store, read-only.
 *
 *   pagedump [--data DIR] [--gen]          one line per record: key, status, flags, sizes
 *   pagedump [--data DIR] KEY [--body]     one record's header blocks (and identity body)
 *
 * It opens the LMDB environment as a reader, like a front, so it is safe on a live store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/err.h"
#include "shared/pagefmt.h"
#include "shared/store.h"

static void
flags_str(uint32_t f, char *out, size_t n)
{
	snprintf(out, n, "%s%s%s%s%s%s", f & PAGE_NOTE ? "note," : "",
	         f & PAGE_ASSET ? "asset," : "", f & PAGE_REDIRECT ? "redirect," : "",
	         f & PAGE_PRIVATE ? "private," : "", f & PAGE_GZIP ? "gzip," : "",
	         f & PAGE_SPECIAL ? "special," : "");
	size_t len = strlen(out);
	if (len)
		out[len - 1] = '\0';
}

static int
list_cb(void *arg, struct slice key, struct slice val)
{
	unsigned *n = arg;
	struct page_view v;
	int rc = page_decode(val, &v);
	if (rc) {
		printf("%.*s\tBAD RECORD (%s)\n", (int)key.len, (const char *)key.ptr, err_str(rc));
	} else {
		char f[80];
		flags_str(v.flags, f, sizeof(f));
		printf("%.*s\t%u\t%s\tgen=%llu\tident=%zu\tgzip=%zu\n", (int)key.len,
		       (const char *)key.ptr, v.status, f, (unsigned long long)v.gen,
		       v.sec[PAGE_SEC_BODY_IDENT].len, v.sec[PAGE_SEC_BODY_GZIP].len);
	}
	(*n)++;
	return 0;
}

int
main(int argc, char **argv)
{
	const char *data = "var", *key = NULL;
	bool body = false, gen_only = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--data") && i + 1 < argc) {
			data = argv[++i];
		} else if (!strcmp(argv[i], "--body")) {
			body = true;
		} else if (!strcmp(argv[i], "--gen")) {
			gen_only = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: pagedump [--data DIR] [--gen] [KEY [--body]]\n"
			       "Lists the page records folio serves, or shows one.\n");
			return 0;
		} else if (argv[i][0] != '-' && !key) {
			key = argv[i];
		} else {
			fprintf(stderr, "pagedump: unknown argument %s\n", argv[i]);
			return 2;
		}
	}
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/pages", data);
	struct store *s;
	int rc = store_open(&s, dir, STORE_READER, 0, 0);
	if (rc) {
		fprintf(stderr, "pagedump: %s: %s\n", dir, err_str(rc));
		return 1;
	}
	if (gen_only) {
		uint64_t gen = 0;
		rc = store_gen(s, &gen);
		printf("%llu\n", (unsigned long long)gen);
	} else if (!key) {
		unsigned n = 0;
		rc = store_each(s, list_cb, &n);
		fprintf(stderr, "%u records\n", n);
	} else {
		struct slice val;
		struct page_view v;
		rc = store_read_begin(s);
		if (!rc)
			rc = store_get(s, slice_str(key), &val);
		if (!rc)
			rc = page_decode(val, &v);
		if (!rc) {
			char f[80];
			flags_str(v.flags, f, sizeof(f));
			printf("status %u, flags %s, gen %llu, %zu bytes\n", v.status, f,
			       (unsigned long long)v.gen, val.len);
			printf("-- identity headers\n%.*s", (int)v.sec[PAGE_SEC_HDR_IDENT].len,
			       (const char *)v.sec[PAGE_SEC_HDR_IDENT].ptr);
			printf("-- gzip headers\n%.*s", (int)v.sec[PAGE_SEC_HDR_GZIP].len,
			       (const char *)v.sec[PAGE_SEC_HDR_GZIP].ptr);
			printf("-- 304 headers\n%.*s", (int)v.sec[PAGE_SEC_HDR_304].len,
			       (const char *)v.sec[PAGE_SEC_HDR_304].ptr);
			if (body)
				fwrite(v.sec[PAGE_SEC_BODY_IDENT].ptr, 1,
				       v.sec[PAGE_SEC_BODY_IDENT].len, stdout);
		}
		store_read_end(s);
	}
	store_close(s);
	if (rc) {
		fprintf(stderr, "pagedump: %s: %s\n", key ? key : dir, err_str(rc));
		return 1;
	}
	return 0;
}
