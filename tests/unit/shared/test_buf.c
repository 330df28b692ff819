/* The bounded builder: growth, sticky errors, fixed buffers and escaping. */
#include "shared/buf.h"
#include "shared/err.h"
#include "tests/harness.h"

static void
t_grow_and_put(void)
{
	struct buf b;
	buf_init(&b, 0);
	for (int i = 0; i < 1000; i++)
		buf_puts(&b, "abc");
	CHECK_INT_EQ(b.len, 3000);
	CHECK_INT_EQ(b.err, 0);
	buf_printf(&b, "%d-%s", 42, "x");
	buf_put_u64(&b, 18446744073709551615ull);
	CHECK(memcmp(b.ptr + 3000, "42-x18446744073709551615", 24) == 0);
	buf_fini(&b);
}

static void
t_sticky_max(void)
{
	struct buf b;
	buf_init(&b, 10);
	buf_puts(&b, "12345");
	buf_puts(&b, "123456"); /* passes max: sticks */
	CHECK_ERR(b.err, ERR_TOOBIG);
	CHECK_INT_EQ(b.len, 5);
	buf_puts(&b, "1"); /* no-op after the error */
	CHECK_INT_EQ(b.len, 5);
	buf_reset(&b);
	CHECK_INT_EQ(b.err, 0);
	buf_fini(&b);
}

static void
t_fixed(void)
{
	uint8_t mem[8];
	struct buf b;
	buf_init_fixed(&b, mem, sizeof(mem));
	buf_puts(&b, "1234567");
	CHECK_INT_EQ(b.err, 0);
	buf_puts(&b, "89");
	CHECK_ERR(b.err, ERR_TOOBIG);
	CHECK(b.ptr == mem);
	buf_printf(&b, "%s", "long string that cannot fit");
	CHECK_INT_EQ(b.len, 7);
	buf_fini(&b); /* must not free caller memory */
}

static void
t_html_escape(void)
{
	struct buf b;
	buf_init(&b, 0);
	const char *s = "a<b>&\"c'd";
	buf_put_html(&b, s, strlen(s));
	CHECK_STR_EQ(buf_cstr(&b), "a&lt;b&gt;&amp;&quot;c&#39;d");
	buf_fini(&b);
}

static void
t_json_escape(void)
{
	struct buf b;
	buf_init(&b, 0);
	const char s[] = "q\"\\\n\t\x01\xc3\xa9";
	buf_put_json_str(&b, s, sizeof(s) - 1);
	CHECK_STR_EQ(buf_cstr(&b), "\"q\\\"\\\\\\n\\t\\u0001\xc3\xa9\"");
	buf_fini(&b);
}

static void
t_slices(void)
{
	CHECK(slice_eq_str(SLICE_LIT("abc"), "abc"));
	CHECK(!slice_eq_str(SLICE_LIT("abc"), "abcd"));
	CHECK(slice_case_eq_str(SLICE_LIT("Content-Length"), "content-length"));
	CHECK(!slice_case_eq_str(SLICE_LIT("Content-Lengtx"), "content-length"));
	struct buf b;
	buf_init(&b, 0);
	buf_puts(&b, "xyz");
	size_t n;
	uint8_t *p = buf_steal(&b, &n);
	CHECK_INT_EQ(n, 3);
	CHECK(b.ptr == NULL);
	free(p);
}

static const struct test tests[] = {
        {"grow_and_put", t_grow_and_put}, {"sticky_max", t_sticky_max},   {"fixed", t_fixed},
        {"html_escape", t_html_escape},   {"json_escape", t_json_escape}, {"slices", t_slices},
};
TEST_MAIN(tests)
