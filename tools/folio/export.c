/*
 * export.c: `folio export DIR` (contract in export.h). One read transaction walks the page
 * store in key order, so the export is one generation whole even while pushes go on.
 *
 * Layout: an HTML page (a note, the 404 page, a redirect) whose URL has no .html suffix is
 * written as URL.html ("/" and URLs ending in "/" as .../index.html); assets and the theme
 * keep their URL as their file name. The gzip body goes beside as NAME.gz with the same
 * modification time. Redirect records become a small HTML page that points on (static
 * servers cannot send a 301 from a file). Private records are left out, like a front
 * leaves them out for anonymous readers. Two records wanting one file name (an asset
 * "/a.html" and a note "/a") are a conflict: the first in key order keeps the name.
 */
#include "tools/folio/export.h"
#include "tools/folio/cliconf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "shared/buf.h"
#include "shared/config.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/pagefmt.h"
#include "shared/store.h"

#define EXPORT_PATH_MAX 4096

/* A set of the file names written so far (open addressing, owned copies). */
struct export_names {
	char **slot;
	size_t cap, n;
};

struct export_run {
	const struct export_opts *o;
	struct export_stats *st;
	struct export_names names;
	int dirfd;                      /* the export folder */
	char last_dir[EXPORT_PATH_MAX]; /* the parent folder made last: most records share it */
	struct buf page;                /* a redirect's HTML */
	int fatal;                      /* the first error that stops the export */
};

static uint64_t
names_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return h;
}

/* Adds name; false if it was there already. */
static bool
names_add(struct export_names *ns, const char *name)
{
	if ((ns->n + 1) * 2 > ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 1024;
		char **slot = xcalloc(cap, sizeof(*slot));
		for (size_t i = 0; i < ns->cap; i++) {
			if (!ns->slot[i])
				continue;
			size_t j = names_hash(ns->slot[i]) & (cap - 1);
			while (slot[j])
				j = (j + 1) & (cap - 1);
			slot[j] = ns->slot[i];
		}
		free(ns->slot);
		ns->slot = slot;
		ns->cap = cap;
	}
	size_t j = names_hash(name) & (ns->cap - 1);
	for (; ns->slot[j]; j = (j + 1) & (ns->cap - 1))
		if (strcmp(ns->slot[j], name) == 0)
			return false;
	ns->slot[j] = xstrdup(name);
	ns->n++;
	return true;
}

static void
names_fini(struct export_names *ns)
{
	for (size_t i = 0; i < ns->cap; i++)
		free(ns->slot[i]);
	free(ns->slot);
	*ns = (struct export_names){0};
}

int
export_rel_path(const uint8_t *key, size_t len, bool html, char *out, size_t cap)
{
	if (cap < 16 || len == 0 || len > cap - 16 || key[0] != '/')
		return -1;
	/* Every segment must be a plain name: no empty (except a trailing one), ".", ".."
	 * or NUL, so nothing lands outside the export folder. */
	size_t seg = 1;
	for (size_t i = 1; i <= len; i++) {
		if (i < len && key[i] == '\0')
			return -1;
		if (i < len && key[i] != '/')
			continue;
		size_t n = i - seg;
		if ((n == 0 && i < len) || (n == 1 && key[seg] == '.') ||
		    (n == 2 && key[seg] == '.' && key[seg + 1] == '.'))
			return -1;
		seg = i + 1;
	}
	size_t o = 0;
	for (size_t i = 1; i < len; i++)
		out[o++] = (char)key[i];
	if (o == 0 || out[o - 1] == '/') {
		memcpy(out + o, "index.html", 10);
		o += 10;
	} else if (html && !(o >= 5 && strncasecmp(out + o - 5, ".html", 5) == 0)) {
		memcpy(out + o, ".html", 5);
		o += 5;
	}
	out[o] = '\0';
	return (int)o;
}

/* Whether the identity header block says Content-Type: text/html. */
static bool
is_html(struct slice hdr)
{
	static const char name[] = "content-type:";
	size_t n = sizeof(name) - 1;
	for (size_t i = 0; i + n <= hdr.len; i++) {
		if ((i == 0 || hdr.ptr[i - 1] == '\n') &&
		    strncasecmp((const char *)hdr.ptr + i, name, n) == 0) {
			size_t j = i + n;
			while (j < hdr.len && (hdr.ptr[j] == ' ' || hdr.ptr[j] == '\t'))
				j++;
			return hdr.len - j >= 9 &&
			       strncasecmp((const char *)hdr.ptr + j, "text/html", 9) == 0;
		}
	}
	return false;
}

/* Makes every parent folder of rel under the export folder. */
static int
make_parents(struct export_run *x, const char *rel)
{
	const char *slash = strrchr(rel, '/');
	if (!slash)
		return 0;
	size_t n = (size_t)(slash - rel);
	if (n < sizeof(x->last_dir) && strlen(x->last_dir) == n && memcmp(x->last_dir, rel, n) == 0)
		return 0;
	char dir[EXPORT_PATH_MAX];
	if (n >= sizeof(dir))
		return ERR_TOOBIG;
	memcpy(dir, rel, n);
	dir[n] = '\0';
	for (char *p = dir;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdirat(x->dirfd, dir, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = c;
		if (!c)
			break;
	}
	memcpy(x->last_dir, dir, n + 1);
	return 0;
}

/* Writes one file under the export folder, with mtime as its modification time. */
static int
write_file(struct export_run *x, const char *rel, struct slice body, int64_t mtime)
{
	int rc = make_parents(x, rel);
	if (rc)
		return rc;
	int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW;
	if (!x->o->force)
		flags |= O_EXCL;
	int fd = openat(x->dirfd, rel, flags, 0644);
	if (fd < 0)
		return -errno;
	size_t off = 0;
	while (off < body.len) {
		ssize_t w = write(fd, body.ptr + off, body.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = w < 0 ? -errno : ERR_IO;
			close(fd);
			return rc;
		}
		off += (size_t)w;
	}
	if (mtime > 0) {
		struct timespec ts[2] = {{.tv_sec = mtime}, {.tv_sec = mtime}};
		futimens(fd, ts);
	}
	if (close(fd) < 0)
		return -errno;
	return 0;
}

/* The page a redirect record becomes: a refresh to its target and a plain link. */
static struct slice
redirect_page(struct export_run *x, struct slice location)
{
	struct buf *b = &x->page;
	buf_reset(b);
	buf_puts(b, "<!doctype html>\n<meta charset=\"utf-8\">\n<title>Moved</title>\n"
	            "<link rel=\"canonical\" href=\"");
	buf_put_html(b, location.ptr, location.len);
	buf_puts(b, "\">\n<meta http-equiv=\"refresh\" content=\"0; url=");
	buf_put_html(b, location.ptr, location.len);
	buf_puts(b, "\">\n<p>This page has moved to <a href=\"");
	buf_put_html(b, location.ptr, location.len);
	buf_puts(b, "\">");
	buf_put_html(b, location.ptr, location.len);
	buf_puts(b, "</a>.</p>\n");
	return buf_slice(b);
}

static void
record_problem(struct slice key, const char *what, int rc)
{
	fprintf(stderr, "folio export: %.*s: %s%s%s\n", (int)MIN(key.len, 600),
	        (const char *)key.ptr, what, rc ? ": " : "", rc ? err_str(rc) : "");
}

static int
export_record(void *arg, struct slice key, struct slice val)
{
	struct export_run *x = arg;
	struct page_view v;
	int rc = page_decode(val, &v);
	if (rc) {
		record_problem(key, "bad record, left out", rc);
		x->st->bad++;
		return 0;
	}
	if (v.flags & PAGE_PRIVATE) {
		x->st->private_++;
		return 0;
	}
	bool redirect = (v.flags & PAGE_REDIRECT) != 0;
	bool html = redirect || (!(v.flags & PAGE_ASSET) && is_html(v.sec[PAGE_SEC_HDR_IDENT]));
	char rel[EXPORT_PATH_MAX];
	if (export_rel_path(key.ptr, key.len, html, rel, sizeof(rel) - 3) < 0) {
		record_problem(key, "not a safe file name, left out", 0);
		x->st->bad++;
		return 0;
	}
	if (!names_add(&x->names, rel)) {
		/* A redirect such as /index -> / loses its name to the page it points at
		 * ("/" is index.html), which then answers that URL itself: not a loss. */
		if (redirect) {
			x->st->moved++;
			return 0;
		}
		fprintf(stderr, "folio export: %.*s: %s is taken by another page, left out\n",
		        (int)MIN(key.len, 600), (const char *)key.ptr, rel);
		x->st->conflicts++;
		return 0;
	}
	struct slice body =
	        redirect ? redirect_page(x, v.sec[PAGE_SEC_LOCATION]) : v.sec[PAGE_SEC_BODY_IDENT];
	if (redirect && x->page.err)
		return x->fatal = x->page.err;
	rc = write_file(x, rel, body, v.mtime);
	if (rc == ERR_EXIST || rc == -ENOTDIR || rc == -EISDIR || rc == -ELOOP) {
		record_problem(key, "its file name is taken, left out", rc);
		x->st->conflicts++;
		return 0;
	}
	if (rc) {
		fprintf(stderr, "folio export: %s/%s: %s\n", x->o->out, rel, err_str(rc));
		return x->fatal = rc;
	}
	x->st->pages++;
	x->st->bytes += body.len;
	x->st->redirects += redirect;
	struct slice gz = v.sec[PAGE_SEC_BODY_GZIP];
	if (redirect || x->o->no_gzip || !(v.flags & PAGE_GZIP) || gz.len == 0)
		return 0;
	strcat(rel, ".gz");
	if (!names_add(&x->names, rel)) {
		fprintf(stderr, "folio export: %s is taken by another page, left out\n", rel);
		x->st->conflicts++;
		return 0;
	}
	rc = write_file(x, rel, gz, v.mtime);
	if (rc) {
		fprintf(stderr, "folio export: %s/%s: %s\n", x->o->out, rel, err_str(rc));
		return x->fatal = rc;
	}
	x->st->gz++;
	x->st->gz_bytes += gz.len;
	return 0;
}

/* Creates the export folder (and parents); refuses a non-empty one unless forced. */
static int
open_out(const struct export_opts *o)
{
	char tmp[EXPORT_PATH_MAX];
	if (strlen(o->out) >= sizeof(tmp))
		return ERR_TOOBIG;
	strcpy(tmp, o->out);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
		return -errno;
	int fd = open(o->out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!o->force) {
		int dup_fd = dup(fd);
		DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
		if (!d) {
			if (dup_fd >= 0)
				close(dup_fd);
			close(fd);
			return ERR_IO;
		}
		bool empty = true;
		struct dirent *e;
		while (empty && (e = readdir(d)))
			empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
		closedir(d);
		if (!empty) {
			close(fd);
			return ERR_EXIST;
		}
	}
	return fd;
}

int
export_site(const struct export_opts *o, struct export_stats *st)
{
	*st = (struct export_stats){0};
	struct store *s;
	int rc = store_open(&s, o->pages_dir, STORE_READER, 0, 0);
	if (rc) {
		fprintf(stderr, "folio export: %s: %s%s\n", o->pages_dir, err_str(rc),
		        rc == ERR_NOTFOUND ? " (nothing published there yet?)" : "");
		return rc;
	}
	int dirfd = open_out(o);
	if (dirfd < 0) {
		fprintf(stderr, "folio export: %s: %s\n", o->out,
		        dirfd == ERR_EXIST ? "not empty (use --force to write into it anyway)"
		                           : err_str(dirfd));
		store_close(s);
		return dirfd;
	}
	struct export_run x = {.o = o, .st = st, .dirfd = dirfd};
	buf_init(&x.page, 1u << 20);
	rc = store_each(s, export_record, &x);
	if (rc && !x.fatal)
		fprintf(stderr, "folio export: %s: %s\n", o->pages_dir, err_str(rc));
	names_fini(&x.names);
	buf_fini(&x.page);
	close(dirfd);
	store_close(s);
	return rc;
}

void
export_usage(FILE *out)
{
	fprintf(out,
	        "usage: folio export DIR [options]\n"
	        "\n"
	        "Writes the published site as static files into DIR: every page, asset and\n"
	        "the theme, each with its gzip copy beside it (NAME.gz). Notes become NAME.html,\n"
	        "the home page index.html, redirects small HTML pages that point on; private\n"
	        "pages are left out. It reads one consistent snapshot of the page store, so it\n"
	        "is safe while folio serves and takes pushes.\n"
	        "\n"
	        "options:\n"
	        "  --data DIR    the server's data folder (default ./var)\n"
	        "  -c FILE       read data_dir from a config file\n"
	        "  --force       write into a folder that is not empty, replacing files\n"
	        "  --no-gzip     skip the .gz copies\n"
	        "  -q, --quiet   print only problems\n"
	        "  -h, --help    show this help\n"
	        "\n"
	        "To serve DIR with nginx:\n"
	        "  root DIR; gzip_static on; error_page 404 /_folio/404.html;\n"
	        "  location / { try_files $uri $uri.html $uri/index.html =404; }\n"
	        "\n"
	        "Exit status: 0 exported, 1 failed (some pages left out counts too), 2 bad "
	        "usage.\n");
}

int
export_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	        {"data", required_argument, NULL, 'd'},
	        {"config", required_argument, NULL, 'c'},
	        {"force", no_argument, NULL, 'f'},
	        {"no-gzip", no_argument, NULL, 'z'},
	        {"quiet", no_argument, NULL, 'q'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct export_opts o = {0};
	const char *data = NULL, *conf = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			data = optarg;
			break;
		case 'c':
			conf = optarg;
			break;
		case 'f':
			o.force = true;
			break;
		case 'z':
			o.no_gzip = true;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'h':
			export_usage(stdout);
			return 0;
		default:
			fprintf(stderr, "see: folio help export\n");
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "folio export: %s\nsee: folio help export\n",
		        optind == argc ? "where to? give a folder: folio export DIR"
		                       : "give exactly one folder");
		return 2;
	}
	o.out = argv[optind];

	struct config cfg;
	char pages[EXPORT_PATH_MAX];
	config_init(&cfg);
	int code = 2;
	if (cliconf_load(&cfg, "export", conf, data) != 0)
		goto done;
	if (config_path(&cfg, "pages", pages, sizeof(pages)) != 0) {
		fprintf(stderr, "folio export: data_dir is too long\n");
		goto done;
	}
	o.pages_dir = pages;

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct export_stats st;
	int rc = export_site(&o, &st);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	code = rc || st.bad || st.conflicts ? 1 : 0;
	if (rc == 0 && !o.quiet) {
		double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		            (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		printf("exported %" PRIu64 " files (%.1f MB) and %" PRIu64
		       " .gz copies (%.1f MB) to %s in %.0f ms\n",
		       st.pages, (double)st.bytes / 1e6, st.gz, (double)st.gz_bytes / 1e6, o.out,
		       ms);
		if (st.redirects || st.moved || st.private_ || st.conflicts || st.bad)
			printf("%" PRIu64 " redirects as HTML pages; left out: %" PRIu64
			       " redirects whose name a page has, %" PRIu64 " private, %" PRIu64
			       " name conflicts, %" PRIu64 " bad records\n",
			       st.redirects, st.moved, st.private_, st.conflicts, st.bad);
	}
done:
	config_fini(&cfg);
	return code;
}
