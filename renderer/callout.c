/*
 * callout.c: callout markers and markup. Foldable callouts become <details>/<summary>, so
 * folding works without scripts; the theme styles them through class "callout-<type>" and
 * the written type stays in data-callout for site CSS that targets custom types.
 */
#include "renderer/callout.h"

#include <stddef.h>

struct callout_alias {
	const char *name;
	const char *type;
};

static const struct callout_alias callout_aliases[] = {
        {"note", "note"},         {"abstract", "abstract"}, {"summary", "abstract"},
        {"tldr", "abstract"},     {"info", "info"},         {"todo", "todo"},
        {"tip", "tip"},           {"hint", "tip"},          {"important", "tip"},
        {"success", "success"},   {"check", "success"},     {"done", "success"},
        {"question", "question"}, {"help", "question"},     {"faq", "question"},
        {"warning", "warning"},   {"caution", "warning"},   {"attention", "warning"},
        {"failure", "failure"},   {"fail", "failure"},      {"missing", "failure"},
        {"danger", "danger"},     {"error", "danger"},      {"bug", "bug"},
        {"example", "example"},   {"quote", "quote"},       {"cite", "quote"},
};

static bool
type_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

bool
callout_parse(struct slice line, struct callout *co)
{
	const uint8_t *s = line.ptr;
	size_t n = line.len, i = 2;
	if (n < 4 || s[0] != '[' || s[1] != '!')
		return false;
	while (i < n && type_char(s[i]))
		i++;
	if (i == 2 || i >= n || s[i] != ']')
		return false;
	*co = (struct callout){.type = {s + 2, i - 2}};
	i++;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		co->fold = (char)s[i++];
	if (i < n && s[i] != ' ' && s[i] != '\t')
		return false; // "[!note]x" is text, not a marker
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	size_t end = n;
	while (end > i && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	co->title = (struct slice){s + i, end - i};
	return true;
}

const char *
callout_canonical(struct slice type)
{
	for (size_t i = 0; i < sizeof(callout_aliases) / sizeof(callout_aliases[0]); i++)
		if (slice_case_eq_str(type, callout_aliases[i].name))
			return callout_aliases[i].type;
	return "note";
}

static void
put_lower(struct buf *out, struct slice s)
{
	for (size_t i = 0; i < s.len; i++) {
		uint8_t c = s.ptr[i];
		buf_putc(out, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
	}
}

void
callout_open(const struct callout *co, struct buf *out)
{
	const char *tag = co->fold ? "details" : "div";
	const char *title_tag = co->fold ? "summary" : "div";
	buf_printf(out, "<%s class=\"callout callout-%s\" data-callout=\"", tag,
	           callout_canonical(co->type));
	put_lower(out, co->type); // type characters need no escaping
	buf_puts(out, "\"");
	if (co->fold == '+')
		buf_puts(out, " open");
	buf_printf(out, ">\n<%s class=\"callout-title\">", title_tag);
	if (co->title.len) {
		buf_put_slice(out, co->title);
	} else {
		// Default title: the type as written, first letter capitalised, '-' and '_' as
		// spaces.
		for (size_t i = 0; i < co->type.len; i++) {
			uint8_t c = co->type.ptr[i];
			if (i == 0 && c >= 'a' && c <= 'z')
				c -= 32;
			else if (i > 0 && c >= 'A' && c <= 'Z')
				c += 32;
			if (c == '-' || c == '_')
				c = ' ';
			buf_putc(out, (char)c);
		}
	}
	buf_printf(out, "</%s>\n<div class=\"callout-content\">\n", title_tag);
}

void
callout_close(char fold, struct buf *out)
{
	buf_puts(out, fold ? "</div>\n</details>\n" : "</div>\n</div>\n");
}
