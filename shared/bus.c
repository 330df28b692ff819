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

int
bus_pub_open(struct bus **out, const char *url)
{
	*out = NULL;
	struct bus *b = xcalloc(1, sizeof(*b));
	int rc = nng_pub0_open(&b->sock);
	if (rc)
		goto fail;
	b->open = true;
	rc = nng_listen(b->sock, url, NULL, 0);
	if (rc)
		goto fail;
	*out = b;
	return 0;
fail:
	bus_close(b);
	return err_from_nng(rc);
}

int
bus_sub_open(struct bus **out, const char *url)
{
	*out = NULL;
	struct bus *b = xcalloc(1, sizeof(*b));
	int rc = nng_sub0_open(&b->sock);
	if (rc)
		goto fail;
	b->open = true;
	rc = nng_socket_set(b->sock, NNG_OPT_SUB_SUBSCRIBE, "", 0);
	if (!rc)
		rc = nng_socket_set_ms(b->sock, NNG_OPT_RECONNMINT, 50);
	if (!rc)
		rc = nng_socket_set_ms(b->sock, NNG_OPT_RECONNMAXT, 1000);
	if (!rc)
		rc = nng_dial(b->sock, url, NULL, NNG_FLAG_NONBLOCK);
	if (rc)
		goto fail;
	*out = b;
	return 0;
fail:
	bus_close(b);
	return err_from_nng(rc);
}

int
bus_req_open(struct bus **out, const char *url)
{
	*out = NULL;
	struct bus *b = xcalloc(1, sizeof(*b));
	int rc = nng_req0_open(&b->sock);
	if (rc)
		goto fail;
	b->open = true;
	rc = nng_socket_set_ms(b->sock, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
	if (!rc)
		rc = nng_socket_set_ms(b->sock, NNG_OPT_RECONNMINT, 50);
	if (!rc)
		rc = nng_socket_set_ms(b->sock, NNG_OPT_RECONNMAXT, 1000);
	if (!rc)
		rc = nng_dial(b->sock, url, NULL, NNG_FLAG_NONBLOCK);
	if (rc)
		goto fail;
	*out = b;
	return 0;
fail:
	bus_close(b);
	return err_from_nng(rc);
}

int
bus_rep_open(struct bus **out, const char *url, size_t max_msg)
{
	*out = NULL;
	struct bus *b = xcalloc(1, sizeof(*b));
	int rc = nng_rep0_open(&b->sock);
	if (rc)
		goto fail;
	b->open = true;
	rc = nng_socket_set_size(b->sock, NNG_OPT_RECVMAXSZ, max_msg);
	if (!rc)
		rc = nng_listen(b->sock, url, NULL, 0);
	if (rc)
		goto fail;
	*out = b;
	return 0;
fail:
	bus_close(b);
	return err_from_nng(rc);
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
