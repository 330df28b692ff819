/*
 * test_compress.c: gzip members round-trip through zlib's inflate, one compressor serves
 * many pages, and the content-type rule.
 */
#include <stdlib.h>
#include <zlib.h>

#include "renderer/compress.h"
#include "shared/err.h"
#include "tests/harness.h"

/* Inflates one gzip member; returns 0 and the bytes in out, or -1. */
static int
gunzip(struct slice gz, struct buf *out)
{
	z_stream zs = {0};
	if (inflateInit2(&zs, 15 + 16) != Z_OK)
		return -1;
	zs.next_in = (Bytef *)(uintptr_t)gz.ptr;
	zs.avail_in = (uInt)gz.len;
	int zr = Z_BUF_ERROR;
	do {
		uint8_t *dst = buf_reserve(out, 65536);
		if (!dst)
			break;
		zs.next_out = dst;
		zs.avail_out = 65536;
		zr = inflate(&zs, Z_NO_FLUSH);
		out->len += 65536 - zs.avail_out;
	} while (zr == Z_OK);
	bool ok = zr == Z_STREAM_END && zs.avail_in == 0;
	inflateEnd(&zs);
	return ok ? 0 : -1;
}

static void
roundtrip(struct compressor *c, struct slice in)
{
	struct buf gz, back;
	buf_init(&gz, 0);
	buf_init(&back, 0);
	CHECK_INT_EQ(compress_gzip(c, in, &gz), 0);
	CHECK(gz.len >= 18 && gz.ptr[0] == 0x1f && gz.ptr[1] == 0x8b); // gzip magic
	CHECK_INT_EQ(gunzip(buf_slice(&gz), &back), 0);
	CHECK(slice_eq(buf_slice(&back), in));
	buf_fini(&gz);
	buf_fini(&back);
}

static void
t_roundtrip(void)
{
	struct compressor *c = compressor_new(6);
	CHECK(c != NULL);
	roundtrip(c, SLICE_LIT(""));
	roundtrip(c, SLICE_LIT("x"));
	roundtrip(c, SLICE_LIT("<p>Hello, world</p>\n"));
	struct buf big;
	buf_init(&big, 0);
	for (int i = 0; i < 20000; i++)
		buf_printf(&big, "<li>item %d of a long and repetitive page</li>\n", i);
	roundtrip(c, buf_slice(&big));
	// Incompressible input grows a little; the output loop must cope.
	buf_reset(&big);
	unsigned seed = 7;
	for (int i = 0; i < 300000; i++)
		buf_putc(&big, (char)rand_r(&seed));
	roundtrip(c, buf_slice(&big));
	buf_fini(&big);
	compressor_free(c);
}

static void
t_reuse_and_append(void)
{
	struct compressor *c = compressor_new(9);
	struct buf gz;
	buf_init(&gz, 0);
	buf_puts(&gz, "head");
	CHECK_INT_EQ(compress_gzip(c, SLICE_LIT("first page"), &gz), 0);
	size_t first = gz.len;
	CHECK(first > 4);
	CHECK(memcmp(gz.ptr, "head", 4) == 0); // appends, keeps what was there
	for (int i = 0; i < 100; i++) {
		struct buf one, back;
		buf_init(&one, 0);
		buf_init(&back, 0);
		CHECK_INT_EQ(compress_gzip(c, SLICE_LIT("page after page after page"), &one), 0);
		CHECK_INT_EQ(gunzip(buf_slice(&one), &back), 0);
		CHECK_MEM_STR(back.ptr, back.len, "page after page after page");
		buf_fini(&one);
		buf_fini(&back);
	}
	struct buf back;
	buf_init(&back, 0);
	CHECK_INT_EQ(gunzip((struct slice){gz.ptr + 4, first - 4}, &back), 0);
	CHECK_MEM_STR(back.ptr, back.len, "first page");
	buf_fini(&back);
	buf_fini(&gz);
	compressor_free(c);
	compressor_free(NULL);
}

static void
t_levels_and_limits(void)
{
	struct compressor *lo = compressor_new(0), *hi = compressor_new(42); // clamped to 1..9
	CHECK(lo != NULL && hi != NULL);
	roundtrip(lo, SLICE_LIT("clamped level"));
	roundtrip(hi, SLICE_LIT("clamped level"));
	uint8_t mem[8];
	struct buf small;
	buf_init_fixed(&small, mem, sizeof(mem));
	CHECK_ERR(compress_gzip(lo, SLICE_LIT("does not fit in eight bytes"), &small), ERR_TOOBIG);
	CHECK_INT_EQ(small.len, 0);
	// A failed buffer stays failed; the compressor is still usable.
	CHECK_ERR(compress_gzip(lo, SLICE_LIT("x"), &small), ERR_TOOBIG);
	roundtrip(lo, SLICE_LIT("still works"));
	compressor_free(lo);
	compressor_free(hi);
}

static void
t_worthwhile(void)
{
	CHECK(compress_worthwhile("text/html; charset=utf-8"));
	CHECK(compress_worthwhile("text/css"));
	CHECK(compress_worthwhile("TEXT/PLAIN"));
	CHECK(compress_worthwhile("application/json"));
	CHECK(compress_worthwhile("application/javascript"));
	CHECK(compress_worthwhile("image/svg+xml"));
	CHECK(compress_worthwhile("application/atom+xml"));
	CHECK(compress_worthwhile("application/manifest+json"));
	CHECK(compress_worthwhile("image/x-icon"));
	CHECK(!compress_worthwhile("image/png"));
	CHECK(!compress_worthwhile("image/jpeg"));
	CHECK(!compress_worthwhile("font/woff2"));
	CHECK(!compress_worthwhile("application/pdf"));
	CHECK(!compress_worthwhile("application/zip"));
	CHECK(!compress_worthwhile("video/mp4"));
	CHECK(!compress_worthwhile("application/jsonx"));
	CHECK(!compress_worthwhile(""));
	CHECK(!compress_worthwhile(NULL));
}

/* Pages on both sides of the small-page stream's limit, interleaved: neither stream may
 * carry state into the other's next member. */
static void
t_small_and_large_interleaved(void)
{
	struct compressor *c = compressor_new(6);
	static const size_t sizes[] = {16383, 40000, 16384, 100, 16385, 70000, 5000, 16384};
	struct buf page;
	buf_init(&page, 0);
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			buf_reset(&page);
			for (size_t k = 0; page.len < sizes[i]; k++)
				buf_printf(&page, "<p>%zu: row %zu of page %zu</p>\n",
				           k * 7919 % 1000, k, i);
			page.len = sizes[i];
			roundtrip(c, buf_slice(&page));
		}
	}
	buf_fini(&page);
	compressor_free(c);
}

static const struct test tests[] = {
        {"roundtrip", t_roundtrip},
        {"small_and_large_interleaved", t_small_and_large_interleaved},
        {"reuse_and_append", t_reuse_and_append},
        {"levels_and_limits", t_levels_and_limits},
        {"worthwhile", t_worthwhile},
};

TEST_MAIN(tests)
