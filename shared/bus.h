/*
 * bus.h: nng sockets between processes; the only file that includes nng. ingestd owns a
 * pub socket listening on ipc://DATA/run/events.sock; each front dials it with a sub
 * socket and polls the socket's receive fd in its epoll set. Pub/sub may drop messages:
 * receivers treat LMDB as the truth and use generations to notice gaps.
 */
#ifndef SHARED_BUS_H
#define SHARED_BUS_H

#include <stddef.h>
#include <stdint.h>

#include "shared/buf.h"

struct bus;

/* Opens a publisher listening at url ("ipc:///path"). Returns 0, ERR_INVAL, ERR_IO. */
int bus_pub_open(struct bus **out, const char *url);
/*
 * Opens a subscriber (all topics) dialling url. The dial retries in the background, so a
 * missing publisher is not an error. Returns 0, ERR_INVAL, ERR_IO.
 */
int bus_sub_open(struct bus **out, const char *url);
void bus_close(struct bus *b); /* NULL is a no-op */

/*
 * Request/reply (view batches, fronts to ingestd). bus_req_open dials url in the
 * background like bus_sub_open; one request is outstanding at a time, and sending another
 * abandons the previous one (its late reply is discarded). nng's own resend is off: the
 * caller resends on its timer. bus_send fails with ERR_AGAIN while no peer is connected.
 * bus_rep_open listens at url and takes requests of up to max_msg bytes (larger ones are
 * dropped by nng); after bus_recv takes a request, the next bus_send answers it (to a
 * requester that went away, the answer is dropped). Return 0, ERR_INVAL, ERR_IO.
 */
int bus_req_open(struct bus **out, const char *url);
int bus_rep_open(struct bus **out, const char *url, size_t max_msg);

/* Sends without blocking; a full queue drops the message (pub/sub semantics). */
int bus_send(struct bus *b, struct slice msg);

/* A file descriptor that polls readable while a message waits. Owned by the bus. */
int bus_recv_fd(struct bus *b, int *fd);
/* A file descriptor that polls readable while bus_send can take a message. Owned by the bus. */
int bus_send_fd(struct bus *b, int *fd);
/*
 * Receives one message without blocking into buf[cap]. Returns 0 with *len set,
 * ERR_AGAIN when none waits, ERR_TOOBIG (message dropped) or ERR_IO.
 */
int bus_recv(struct bus *b, uint8_t *buf, size_t cap, size_t *len);

#endif
