/*
 * pagefmt.c: encoding and decoding of page records (layout in pagefmt.h). Encoding runs
 * once per page at push time and precomputes every header line a front sends, so the
 * front's only work is a bounds check in page_decode and a writev.
 */
#include "shared/pagefmt.h"

#include <stdio.h>
#include <time.h>

#include "shared/defs.h"
#include "shared/err.h"
#include "shared/sha256.h"

#define SEC_TABLE_OFF PAGE_FIXED_SIZE
#define DATA_OFF      (PAGE_FIXED_SIZE + PAGE_SEC_COUNT * 8)

void
page_http_date(int64_t t, char out[30])
{
	static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	unsigned year = (unsigned)(tm.tm_year + 1900) % 10000;
	memcpy(out, days[tm.tm_wday % 7], 3);
	out[3] = ',';
	out[4] = ' ';
	out[5] = (char)('0' + tm.tm_mday / 10);
	out[6] = (char)('0' + tm.tm_mday % 10);
	out[7] = ' ';
	memcpy(out + 8, months[tm.tm_mon % 12], 3);
	out[11] = ' ';
	out[12] = (char)('0' + year / 1000);
	out[13] = (char)('0' + year / 100 % 10);
	out[14] = (char)('0' + year / 10 % 10);
	out[15] = (char)('0' + year % 10);
	out[16] = ' ';
	out[17] = (char)('0' + tm.tm_hour / 10);
	out[18] = (char)('0' + tm.tm_hour % 10);
	out[19] = ':';
	out[20] = (char)('0' + tm.tm_min / 10);
	out[21] = (char)('0' + tm.tm_min % 10);
	out[22] = ':';
	out[23] = (char)('0' + tm.tm_sec / 10);
	out[24] = (char)('0' + tm.tm_sec % 10);
	memcpy(out + 25, " GMT", 5);
}

/* Appends the header lines shared by 200 and 304 answers. */
static void
put_validators(struct buf *b, const char *etag, const char *date, const char *cache_control)
{
	buf_puts(b, "ETag: ");
	buf_puts(b, etag);
	buf_puts(b, "\r\nLast-Modified: ");
	buf_puts(b, date);
	buf_puts(b, "\r\n");
	if (cache_control && *cache_control) {
		buf_puts(b, "Cache-Control: ");
		buf_puts(b, cache_control);
		buf_puts(b, "\r\n");
	}
}

static void
put_body_headers(struct buf *b, const struct page_input *in, size_t len, bool gzip,
                 const char *etag, const char *date)
{
	buf_puts(b, "Content-Type: ");
	buf_puts(b, in->content_type ? in->content_type : "application/octet-stream");
	buf_puts(b, "\r\nContent-Length: ");
	buf_put_u64(b, len);
	buf_puts(b, "\r\n");
	if (gzip)
		buf_puts(b, "Content-Encoding: gzip\r\n");
	put_validators(b, etag, date, in->cache_control);
	if (in->gzip.len)
		buf_puts(b, "Vary: Accept-Encoding\r\n");
}

/* Sets section i to the bytes appended to b since start. */
static void
sec_close(struct buf *b, size_t rec, enum page_sec i, size_t start)
{
	if (b->err)
		return;
	uint8_t *t = b->ptr + rec + SEC_TABLE_OFF + (size_t)i * 8;
	put_le32(t, (uint32_t)(start - rec));
	put_le32(t + 4, (uint32_t)(b->len - start));
}

int
page_encode(const struct page_input *in, struct buf *out)
{
	char etag[PAGE_ETAG_MAX], date[30], hex[65];
	struct slice seed = in->etag_seed.len ? in->etag_seed : in->body;
	sha256_hex(seed.ptr ? seed.ptr : (const uint8_t *)"", seed.len, hex);
	snprintf(etag, sizeof(etag), "\"%.16s\"", hex);
	page_http_date(in->mtime, date);

	bool redirect = (in->flags & PAGE_REDIRECT) != 0;
	uint32_t flags = in->flags & ~(uint32_t)PAGE_GZIP;
	if (in->gzip.len && !redirect)
		flags |= PAGE_GZIP;

	size_t rec = out->len;
	uint8_t *hdr = buf_reserve(out, DATA_OFF);
	if (!hdr)
		return out->err;
	memset(hdr, 0, DATA_OFF);
	put_le32(hdr, PAGE_MAGIC);
	put_le16(hdr + 4, PAGE_VERSION);
	put_le16(hdr + 6, in->status);
	put_le32(hdr + 8, flags);
	put_le64(hdr + 16, in->gen);
	put_le64(hdr + 24, (uint64_t)in->mtime);
	out->len += DATA_OFF;

	size_t s = out->len;
	if (redirect) {
		buf_puts(out, "Location: ");
		buf_put_slice(out, in->location);
		buf_puts(out, "\r\nContent-Length: 0\r\n");
		if (in->cache_control && *in->cache_control) {
			buf_puts(out, "Cache-Control: ");
			buf_puts(out, in->cache_control);
			buf_puts(out, "\r\n");
		}
	} else {
		put_body_headers(out, in, in->body.len, false, etag, date);
	}
	sec_close(out, rec, PAGE_SEC_HDR_IDENT, s);

	s = out->len;
	if (flags & PAGE_GZIP)
		put_body_headers(out, in, in->gzip.len, true, etag, date);
	sec_close(out, rec, PAGE_SEC_HDR_GZIP, s);

	s = out->len;
	if (!redirect) {
		put_validators(out, etag, date, in->cache_control);
		if (in->gzip.len)
			buf_puts(out, "Vary: Accept-Encoding\r\n");
	}
	sec_close(out, rec, PAGE_SEC_HDR_304, s);

	s = out->len;
	buf_puts(out, etag);
	sec_close(out, rec, PAGE_SEC_ETAG, s);

	s = out->len;
	if (!redirect)
		buf_put_slice(out, in->body);
	sec_close(out, rec, PAGE_SEC_BODY_IDENT, s);

	s = out->len;
	if (flags & PAGE_GZIP)
		buf_put_slice(out, in->gzip);
	sec_close(out, rec, PAGE_SEC_BODY_GZIP, s);

	s = out->len;
	buf_put_slice(out, in->location);
	sec_close(out, rec, PAGE_SEC_LOCATION, s);

	s = out->len;
	buf_put_slice(out, in->groups);
	sec_close(out, rec, PAGE_SEC_GROUPS, s);

	if (!out->err && out->len - rec > UINT32_MAX)
		out->err = ERR_TOOBIG;
	return out->err;
}

int
page_decode(struct slice rec, struct page_view *v)
{
	if (rec.len < DATA_OFF)
		return rec.len >= 8 && get_le32(rec.ptr) != PAGE_MAGIC ? ERR_VERSION : ERR_CORRUPT;
	const uint8_t *p = rec.ptr;
	if (get_le32(p) != PAGE_MAGIC || get_le16(p + 4) != PAGE_VERSION)
		return ERR_VERSION;
	v->status = get_le16(p + 6);
	v->flags = get_le32(p + 8);
	v->gen = get_le64(p + 16);
	v->mtime = (int64_t)get_le64(p + 24);
	for (size_t i = 0; i < PAGE_SEC_COUNT; i++) {
		const uint8_t *t = p + SEC_TABLE_OFF + i * 8;
		uint64_t off = get_le32(t), len = get_le32(t + 4);
		if (off < DATA_OFF || off > rec.len || len > rec.len - off)
			return ERR_CORRUPT;
		v->sec[i] = (struct slice){p + off, (size_t)len};
	}
	return 0;
}
