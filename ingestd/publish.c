/*
 * publish.c: invalidation events over the bus (contract in publish.h). One buffer and one
 * slice array are kept between pushes, so publishing allocates only when a push is larger
 * than any before it.
 */
#include "ingestd/publish.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/un.h>
#include <unistd.h>

#include "shared/buf.h"
#include "shared/bus.h"
#include "shared/config.h"
#include "shared/defs.h"
#include "shared/err.h"
#include "shared/events.h"
#include "shared/log.h"

struct publish {
	struct bus *bus;
	struct buf msg;
	struct slice *paths;
	size_t cap;
	char url[sizeof(((struct sockaddr_un *)0)->sun_path) + 8];
};

int
publish_open(struct publish **out, const struct config *c)
{
	*out = NULL;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int rc = config_path(c, "run/events.sock", path, sizeof(path));
	if (rc < 0) {
		log_err("publish.open", "msg=\"socket path too long\" data_dir=\"%s\"",
		        c->data_dir);
		return ERR_TOOBIG;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		log_warn("publish.unlink", "path=\"%s\" err=\"%s\"", path, strerror(errno));
	}
	struct publish *p = xcalloc(1, sizeof(*p));
	snprintf(p->url, sizeof(p->url), "ipc://%s", path);
	buf_init(&p->msg, 0);
	rc = bus_pub_open(&p->bus, p->url);
	if (rc < 0) {
		log_err("publish.open", "url=\"%s\" err=\"%s\"", p->url, err_str(rc));
		publish_close(p);
		return rc;
	}
	*out = p;
	return 0;
}

void
publish_close(struct publish *p)
{
	if (!p) {
		return;
	}
	bus_close(p->bus);
	buf_fini(&p->msg);
	free(p->paths);
	free(p);
}

int
publish_inval(struct publish *p, uint64_t gen, char *const *urls, size_t n)
{
	if (n > p->cap) {
		p->cap = n;
		p->paths = xrealloc(p->paths, n * sizeof(*p->paths));
	}
	for (size_t i = 0; i < n; i++) {
		p->paths[i] = slice_str(urls[i]);
	}
	buf_reset(&p->msg);
	int rc = events_encode_inval(&p->msg, gen, p->paths, n);
	if (rc < 0) {
		return rc;
	}
	rc = bus_send(p->bus, buf_slice(&p->msg));
	return rc == ERR_AGAIN ? 0 : rc;
}
