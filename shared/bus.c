/*
 * bus.c: nng pub/sub between ingestd and the fronts; the only includer of nng. nng's
 * errors are translated here, and its receive fd is handed to the caller's poller so a
 * front never blocks on the bus.
 */
#include "shared/bus.h"

#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>
#include <nng/protocol/pubsub0/sub.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>
#include <stdlib.h>
#include <string.h>

#include "shared/defs.h"
#include "shared/err.h"

struct bus {
	nng_socket sock;
	bool open;
};

static int
err_from_nng(int rc)
{
	switch (rc) {
	case 0:
		return 0;
	case NNG_EAGAIN:
	case NNG_ETIMEDOUT:
		return ERR_AGAIN;
	case NNG_ENOMEM:
		return ERR_NOMEM;
	case NNG_EINVAL:
	case NNG_EADDRINVAL:
		return ERR_INVAL;
	case NNG_EMSGSIZE:
		return ERR_TOOBIG;
	case NNG_ECLOSED:
		return ERR_CLOSED;
	case NNG_EADDRINUSE:
		return ERR_EXIST;
	case NNG_EPERM:
		return ERR_PERM;
	default:
		return ERR_IO;
	}
}

/* Sets the options one protocol needs before it listens or dials. */
typedef int bus_setup_fn(nng_socket s, size_t arg);

enum bus_role { BUS_LISTEN, BUS_DIAL };

/*
 * Opens a socket with proto, applies setup, then listens on or dials url. A dialer retries in
 * the background (50 ms doubling to 1 s), so a peer that is not up yet is not an error.
 */
static int
bus_open(struct bus **out, int (*proto)(nng_socket *), enum bus_role role, const char *url,
         bus_setup_fn *setup, size_t arg)
{
	*out = NULL;
	struct bus *b = xcalloc(1, sizeof(*b));
	int rc = proto(&b->sock);
	if (rc)
		goto fail;
	b->open = true;
	if (role == BUS_DIAL) {
		rc = nng_socket_set_ms(b->sock, NNG_OPT_RECONNMINT, 50);
		if (!rc)
			rc = nng_socket_set_ms(b->sock, NNG_OPT_RECONNMAXT, 1000);
	}
	if (!rc && setup)
		rc = setup(b->sock, arg);
	if (!rc)
		rc = role == BUS_DIAL ? nng_dial(b->sock, url, NULL, NNG_FLAG_NONBLOCK)
		                      : nng_listen(b->sock, url, NULL, 0);
	if (rc)
		goto fail;
	*out = b;
	return 0;
fail:
	bus_close(b);
	return err_from_nng(rc);
}

static int
sub_setup(nng_socket s, size_t arg)
{
	(void)arg;
	return nng_socket_set(s, NNG_OPT_SUB_SUBSCRIBE, "", 0);
}

static int
req_setup(nng_socket s, size_t arg)
{
	(void)arg;
	/* folio resends view batches itself, on its own schedule. */
	return nng_socket_set_ms(s, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
}

static int
rep_setup(nng_socket s, size_t max_msg)
{
	return nng_socket_set_size(s, NNG_OPT_RECVMAXSZ, max_msg);
}

int
bus_pub_open(struct bus **out, const char *url)
{
	return bus_open(out, nng_pub0_open, BUS_LISTEN, url, NULL, 0);
}

int
bus_sub_open(struct bus **out, const char *url)
{
	return bus_open(out, nng_sub0_open, BUS_DIAL, url, sub_setup, 0);
}

int
bus_req_open(struct bus **out, const char *url)
{
	return bus_open(out, nng_req0_open, BUS_DIAL, url, req_setup, 0);
}

int
bus_rep_open(struct bus **out, const char *url, size_t max_msg)
{
	return bus_open(out, nng_rep0_open, BUS_LISTEN, url, rep_setup, max_msg);
}

void
bus_close(struct bus *b)
{
	if (!b)
		return;
	if (b->open)
		nng_close(b->sock);
	free(b);
}

int
bus_send(struct bus *b, struct slice msg)
{
	return err_from_nng(
	        nng_send(b->sock, (void *)(uintptr_t)msg.ptr, msg.len, NNG_FLAG_NONBLOCK));
}

int
bus_recv_fd(struct bus *b, int *fd)
{
	return err_from_nng(nng_socket_get_int(b->sock, NNG_OPT_RECVFD, fd));
}

int
bus_send_fd(struct bus *b, int *fd)
{
	return err_from_nng(nng_socket_get_int(b->sock, NNG_OPT_SENDFD, fd));
}

int
bus_recv(struct bus *b, uint8_t *buf, size_t cap, size_t *len)
{
	nng_msg *m;
	int rc = nng_recvmsg(b->sock, &m, NNG_FLAG_NONBLOCK);
	if (rc)
		return err_from_nng(rc);
	size_t n = nng_msg_len(m);
	if (n > cap) {
		nng_msg_free(m);
		return ERR_TOOBIG;
	}
	memcpy(buf, nng_msg_body(m), n);
	*len = n;
	nng_msg_free(m);
	return 0;
}
