/*
 * mime.h: the Content-Type of a vault asset, from its file extension (case-insensitive).
 */
#ifndef INGESTD_MIME_H
#define INGESTD_MIME_H

/*
 * Returns a static Content-Type for path ("image/png", "text/css; charset=utf-8", ...);
 * "application/octet-stream" when the extension is unknown or missing.
 */
const char *mime_type(const char *path);

#endif
