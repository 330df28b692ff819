/*
 * buf.c: slices and the bounded byte builder. Growth doubles; a fixed buffer never grows.
 * The first failure sticks (ERR_TOOBIG past max, ERR_NOMEM when malloc fails) and turns
 * every later put into a no-op.
 */
#include "shared/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "shared/err.h"

bool
slice_eq(struct slice a, struct slice b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool
slice_eq_str(struct slice a, const char *s)
{
	return slice_eq(a, slice_str(s));
}

bool
slice_case_eq_str(struct slice a, const char *s)
{
	size_t n = strlen(s);
	if (a.len != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		uint8_t x = a.ptr[i], y = (uint8_t)s[i];
		if (x >= 'A' && x <= 'Z')
			x += 32;
		if (y >= 'A' && y <= 'Z')
			y += 32;
		if (x != y)
			return false;
	}
	return true;
}

void
buf_init(struct buf *b, size_t max)
{
	*b = (struct buf){.max = max ? max : SIZE_MAX};
}

void
buf_init_fixed(struct buf *b, void *mem, size_t cap)
{
	*b = (struct buf){.ptr = mem, .cap = cap, .max = cap, .fixed = true};
}

void
buf_fini(struct buf *b)
{
	if (!b->fixed)
		free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->err = 0;
}

uint8_t *
buf_reserve(struct buf *b, size_t n)
{
	if (b->err)
		return NULL;
	if (n <= b->cap - b->len)
		return b->ptr + b->len;
	if (b->fixed || n > b->max - b->len) {
		b->err = ERR_TOOBIG;
		return NULL;
	}
	size_t need = b->len + n;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
	if (cap > b->max)
		cap = b->max;
	uint8_t *p = realloc(b->ptr, cap);
	if (!p) {
		b->err = ERR_NOMEM;
		return NULL;
	}
	b->ptr = p;
	b->cap = cap;
	return b->ptr + b->len;
}

void
buf_put(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	uint8_t *dst = buf_reserve(b, n);
	if (!dst)
		return;
	memcpy(dst, p, n);
	b->len += n;
}

void
buf_putc(struct buf *b, char c)
{
	uint8_t *dst = buf_reserve(b, 1);
	if (!dst)
		return;
	*dst = (uint8_t)c;
	b->len++;
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void
buf_put_slice(struct buf *b, struct slice s)
{
	buf_put(b, s.ptr, s.len);
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	if (b->err)
		return;
	va_list ap;
	va_start(ap, fmt);
	char small[256];
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = ERR_INVAL;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		buf_put(b, small, (size_t)n);
		return;
	}
	uint8_t *dst = buf_reserve(b, (size_t)n + 1);
	if (!dst)
		return;
	va_start(ap, fmt);
	vsnprintf((char *)dst, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
buf_put_u64(struct buf *b, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	buf_put(b, tmp + i, sizeof(tmp) - i);
}

void
buf_put_html(struct buf *b, const void *p, size_t n)
{
	const uint8_t *s = p;
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		const char *esc;
		switch (s[i]) {
		case '&':
			esc = "&amp;";
			break;
		case '<':
			esc = "&lt;";
			break;
		case '>':
			esc = "&gt;";
			break;
		case '"':
			esc = "&quot;";
			break;
		case '\'':
			esc = "&#39;";
			break;
		default:
			continue;
		}
		buf_put(b, s + run, i - run);
		buf_puts(b, esc);
		run = i + 1;
	}
	buf_put(b, s + run, n - run);
}

void
buf_put_json_str(struct buf *b, const void *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *s = p;
	size_t run = 0;
	buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		uint8_t c = s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_put(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"':
			buf_puts(b, "\\\"");
			break;
		case '\\':
			buf_puts(b, "\\\\");
			break;
		case '\n':
			buf_puts(b, "\\n");
			break;
		case '\r':
			buf_puts(b, "\\r");
			break;
		case '\t':
			buf_puts(b, "\\t");
			break;
		default: {
			char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			buf_put(b, u, sizeof(u));
		}
		}
	}
	buf_put(b, s + run, n - run);
	buf_putc(b, '"');
}

const char *
buf_cstr(struct buf *b)
{
	uint8_t *p = buf_reserve(b, 1);
	if (!p)
		return "";
	*p = '\0';
	return (const char *)b->ptr;
}

uint8_t *
buf_steal(struct buf *b, size_t *len)
{
	if (b->fixed)
		return NULL;
	uint8_t *p = b->ptr;
	if (len)
		*len = b->len;
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}
