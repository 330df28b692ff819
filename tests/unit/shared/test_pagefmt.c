/* Page record encode/decode: round trip, header blocks, and refusal of damaged records. */
#include <stdlib.h>

#include "shared/defs.h"
#include "shared/err.h"
#include "shared/pagefmt.h"
#include "tests/harness.h"

static struct slice
sec(const struct page_view *v, enum page_sec i)
{
	return v->sec[i];
}

static bool
contains(struct slice s, const char *needle)
{
	return memmem(s.ptr, s.len, needle, strlen(needle)) != NULL;
}

static void
encode_sample(struct buf *b)
{
	struct page_input in = {
	        .status = 200,
	        .flags = PAGE_NOTE,
	        .gen = 7,
	        .mtime = 784111777, /* Sun, 06 Nov 1994 08:49:37 GMT */
	        .content_type = "text/html; charset=utf-8",
	        .cache_control = "public, no-cache",
	        .body = SLICE_LIT("<p>hello</p>"),
	        .gzip = SLICE_LIT("GZ"),
	};
	buf_init(b, 0);
	CHECK_INT_EQ(page_encode(&in, b), 0);
}

static void
t_round_trip(void)
{
	struct buf b;
	encode_sample(&b);
	struct page_view v;
	CHECK_INT_EQ(page_decode(buf_slice(&b), &v), 0);
	CHECK_INT_EQ(v.status, 200);
	CHECK_INT_EQ(v.gen, 7);
	CHECK_INT_EQ(v.mtime, 784111777);
	CHECK(v.flags & PAGE_NOTE);
	CHECK(v.flags & PAGE_GZIP);
	CHECK_MEM_STR(sec(&v, PAGE_SEC_BODY_IDENT).ptr, sec(&v, PAGE_SEC_BODY_IDENT).len,
	              "<p>hello</p>");
	CHECK_MEM_STR(sec(&v, PAGE_SEC_BODY_GZIP).ptr, sec(&v, PAGE_SEC_BODY_GZIP).len, "GZ");
	struct slice etag = sec(&v, PAGE_SEC_ETAG);
	CHECK_INT_EQ(etag.len, 18);
	CHECK(etag.ptr[0] == '"' && etag.ptr[17] == '"');
	buf_fini(&b);
}

static void
t_header_blocks(void)
{
	struct buf b;
	encode_sample(&b);
	struct page_view v;
	CHECK_INT_EQ(page_decode(buf_slice(&b), &v), 0);
	struct slice id = sec(&v, PAGE_SEC_HDR_IDENT), gz = sec(&v, PAGE_SEC_HDR_GZIP),
	             nm = sec(&v, PAGE_SEC_HDR_304);
	CHECK(contains(id, "Content-Type: text/html; charset=utf-8\r\n"));
	CHECK(contains(id, "Content-Length: 12\r\n"));
	CHECK(!contains(id, "Content-Encoding"));
	CHECK(contains(id, "Last-Modified: Sun, 06 Nov 1994 08:49:37 GMT\r\n"));
	CHECK(contains(id, "Cache-Control: public, no-cache\r\n"));
	CHECK(contains(id, "Vary: Accept-Encoding\r\n"));
	CHECK(contains(gz, "Content-Length: 2\r\n"));
	CHECK(contains(gz, "Content-Encoding: gzip\r\n"));
	CHECK(!contains(nm, "Content-Length"));
	CHECK(contains(nm, "ETag: \""));
	/* Every block is whole lines. */
	CHECK(id.len >= 2 && id.ptr[id.len - 2] == '\r' && id.ptr[id.len - 1] == '\n');
	CHECK(gz.len >= 2 && gz.ptr[gz.len - 1] == '\n');
	buf_fini(&b);
}

static void
t_etag_follows_content(void)
{
	struct page_input in = {
	        .status = 200, .content_type = "text/plain", .body = SLICE_LIT("a")};
	struct buf b1, b2, b3;
	buf_init(&b1, 0);
	buf_init(&b2, 0);
	buf_init(&b3, 0);
	page_encode(&in, &b1);
	in.gen = 99; /* same bytes, another push: same ETag */
	page_encode(&in, &b2);
	in.body = SLICE_LIT("b");
	page_encode(&in, &b3);
	struct page_view v1, v2, v3;
	CHECK_INT_EQ(page_decode(buf_slice(&b1), &v1), 0);
	CHECK_INT_EQ(page_decode(buf_slice(&b2), &v2), 0);
	CHECK_INT_EQ(page_decode(buf_slice(&b3), &v3), 0);
	CHECK(slice_eq(v1.sec[PAGE_SEC_ETAG], v2.sec[PAGE_SEC_ETAG]));
	CHECK(!slice_eq(v1.sec[PAGE_SEC_ETAG], v3.sec[PAGE_SEC_ETAG]));
	CHECK(!(v1.flags & PAGE_GZIP));
	CHECK_INT_EQ(v1.sec[PAGE_SEC_HDR_GZIP].len, 0);
	buf_fini(&b1);
	buf_fini(&b2);
	buf_fini(&b3);
}

static void
t_redirect(void)
{
	struct page_input in = {.status = 301,
	                        .flags = PAGE_REDIRECT,
	                        .location = SLICE_LIT("/new-place"),
	                        .cache_control = "public, max-age=300",
	                        .body = SLICE_LIT("ignored"),
	                        .gzip = SLICE_LIT("ignored")};
	struct buf b;
	buf_init(&b, 0);
	CHECK_INT_EQ(page_encode(&in, &b), 0);
	struct page_view v;
	CHECK_INT_EQ(page_decode(buf_slice(&b), &v), 0);
	CHECK_INT_EQ(v.status, 301);
	CHECK(!(v.flags & PAGE_GZIP));
	CHECK(contains(v.sec[PAGE_SEC_HDR_IDENT], "Location: /new-place\r\n"));
	CHECK(contains(v.sec[PAGE_SEC_HDR_IDENT], "Content-Length: 0\r\n"));
	CHECK_INT_EQ(v.sec[PAGE_SEC_BODY_IDENT].len, 0);
	CHECK_MEM_STR(v.sec[PAGE_SEC_LOCATION].ptr, v.sec[PAGE_SEC_LOCATION].len, "/new-place");
	buf_fini(&b);
}

static void
t_rejects_damage(void)
{
	struct buf b;
	encode_sample(&b);
	struct page_view v;
	/* Every truncation fails cleanly, and reads stay inside a guarded copy. */
	for (size_t n = 0; n < b.len; n++) {
		void *base;
		size_t maplen;
		const uint8_t *p = test_guarded(b.ptr, n, &base, &maplen);
		int rc = page_decode((struct slice){p, n}, &v);
		if (rc == 0)
			CHECK_FAIL_("truncated record of %zu bytes decoded", n);
		test_guarded_free(base, maplen);
	}
	uint8_t *copy = malloc(b.len);
	memcpy(copy, b.ptr, b.len);
	copy[0] ^= 1;
	CHECK_ERR(page_decode((struct slice){copy, b.len}, &v), ERR_VERSION);
	memcpy(copy, b.ptr, b.len);
	copy[4] = 2; /* version 2 */
	CHECK_ERR(page_decode((struct slice){copy, b.len}, &v), ERR_VERSION);
	memcpy(copy, b.ptr, b.len);
	put_le32(copy + PAGE_FIXED_SIZE + 4 * 8 + 4, 0xffffff00u); /* body length past the end */
	CHECK_ERR(page_decode((struct slice){copy, b.len}, &v), ERR_CORRUPT);
	memcpy(copy, b.ptr, b.len);
	put_le32(copy + PAGE_FIXED_SIZE, 4); /* section inside the fixed header */
	CHECK_ERR(page_decode((struct slice){copy, b.len}, &v), ERR_CORRUPT);
	free(copy);
	buf_fini(&b);
}

static void
t_http_date(void)
{
	char d[30];
	page_http_date(784111777, d);
	CHECK_STR_EQ(d, "Sun, 06 Nov 1994 08:49:37 GMT");
	page_http_date(0, d);
	CHECK_STR_EQ(d, "Thu, 01 Jan 1970 00:00:00 GMT");
	page_http_date(1795305600, d); /* 2026-11-22 */
	CHECK_STR_EQ(d, "Sun, 22 Nov 2026 00:00:00 GMT");
}

static const struct test tests[] = {
        {"round_trip", t_round_trip},
        {"header_blocks", t_header_blocks},
        {"etag_follows_content", t_etag_follows_content},
        {"redirect", t_redirect},
        {"rejects_damage", t_rejects_damage},
        {"http_date", t_http_date},
};
TEST_MAIN(tests)
