/*
 * mime.c: extension -> Content-Type for vault assets. Text types carry a UTF-8 charset so
 * browsers never guess; the table is small and searched linearly once per asset per push.
 */
#include "ingestd/mime.h"

#include <string.h>
#include <strings.h>

#include "shared/defs.h"

struct mime_entry {
	const char *ext;
	const char *type;
};

static const struct mime_entry mime_table[] = {
        {"png", "image/png"},
        {"jpg", "image/jpeg"},
        {"jpeg", "image/jpeg"},
        {"gif", "image/gif"},
        {"svg", "image/svg+xml"},
        {"webp", "image/webp"},
        {"avif", "image/avif"},
        {"ico", "image/x-icon"},
        {"bmp", "image/bmp"},
        {"tif", "image/tiff"},
        {"tiff", "image/tiff"},
        {"pdf", "application/pdf"},
        {"mp3", "audio/mpeg"},
        {"wav", "audio/wav"},
        {"m4a", "audio/mp4"},
        {"flac", "audio/flac"},
        {"ogg", "audio/ogg"},
        {"oga", "audio/ogg"},
        {"opus", "audio/ogg"},
        {"3gp", "video/3gpp"},
        {"mp4", "video/mp4"},
        {"m4v", "video/mp4"},
        {"mov", "video/quicktime"},
        {"mkv", "video/x-matroska"},
        {"ogv", "video/ogg"},
        {"webm", "video/webm"},
        {"css", "text/css; charset=utf-8"},
        {"js", "text/javascript; charset=utf-8"},
        {"mjs", "text/javascript; charset=utf-8"},
        {"json", "application/json"},
        {"canvas", "application/json"},
        {"txt", "text/plain; charset=utf-8"},
        {"csv", "text/csv; charset=utf-8"},
        {"tsv", "text/tab-separated-values; charset=utf-8"},
        {"html", "text/html; charset=utf-8"},
        {"htm", "text/html; charset=utf-8"},
        {"xml", "application/xml"},
        {"rss", "application/rss+xml"},
        {"atom", "application/atom+xml"},
        {"woff", "font/woff"},
        {"woff2", "font/woff2"},
        {"ttf", "font/ttf"},
        {"otf", "font/otf"},
        {"eot", "application/vnd.ms-fontobject"},
        {"zip", "application/zip"},
        {"gz", "application/gzip"},
        {"wasm", "application/wasm"},
        {"epub", "application/epub+zip"},
        {"webmanifest", "application/manifest+json"},
};

const char *
mime_type(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	const char *dot = strrchr(name, '.');
	if (dot && dot != name && dot[1]) {
		for (size_t i = 0; i < ARRAY_LEN(mime_table); i++) {
			if (strcasecmp(dot + 1, mime_table[i].ext) == 0) {
				return mime_table[i].type;
			}
		}
	}
	return "application/octet-stream";
}
