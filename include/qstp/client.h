/* Blocking QSTP client over TCP (the net layer's user of the sans-I/O session, session.h).
 *
 * qstp_client_connect() resolves the host (IPv4 literal, IPv6 literal or a name, getaddrinfo),
 * verifies the server certificate against the root with the real clock
 * (qstp_server_certificate_verify, QSTP-WIRE §9.2 step 1, stricter as cert.h says), connects
 * with a timeout and runs the handshake. Then:
 *   - qstp_client_send() encrypts and writes records (any thread; calls are serialized);
 *   - either qstp_client_receive() returns received data (blocking with a timeout), or
 *     qstp_client_start_receiver() runs a thread that hands each record to a callback;
 *   - qstp_client_close() sends the §3.4 close record (code 0x00), shuts the socket down, stops
 *     the receive thread and frees everything.
 * The client loads nothing from files: the caller passes certificate structs (cert.h).
 *
 * Keep-alive (docs/PROTOCOL.md §3, a project extension a reference server does not understand)
 * is off by default. With keepalive_interval > 0 a request goes out after that many seconds of
 * silence and the tunnel fails if no answer comes within another interval. A small thread then
 * runs the timers and, while neither qstp_client_receive() nor the receive thread is reading,
 * reads the socket itself: records that arrive meanwhile are kept (up to 4 MiB; beyond that it
 * stops reading) and handed out first by the next qstp_client_receive() or receive thread.
 *
 * Return values: 0 or a negated qstp_errors code (errors.h). */
#ifndef QSTP_CLIENT_H
#define QSTP_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "qstp/cert.h"
#include "qstp/errors.h"

#define QSTP_CLIENT_DEFAULT_PORT 32119u         /* QSTP_SERVER_PORT, QSTP-WIRE §2.7 */
#define QSTP_CLIENT_DEFAULT_TIMEOUT_MS 10000u   /* connect + handshake */

typedef struct qstp_client qstp_client;

typedef struct qstp_client_options {
    uint32_t timeout_ms;         /* TCP connect and handshake together; 0 = the default */
    uint32_t keepalive_interval; /* seconds; 0 = no keep-alive (default) */
    uint32_t session_options;    /* QSTP_OPT_* (session.h); 0 = reference behaviour */
} qstp_client_options;

/* Called on the receive thread. data is valid only during the call. */
typedef void (*qstp_client_data_fn)(qstp_client *c, const uint8_t *data, size_t len, void *ctx);
/* Called once on the receive thread when the tunnel ends: reason is qstp_error_none for a normal
 * close by the peer (close record with code 0, or end of stream), else why it failed. */
typedef void (*qstp_client_closed_fn)(qstp_client *c, qstp_errors reason, void *ctx);

void qstp_client_options_default(qstp_client_options *opt);

/* Connects and completes the handshake. opt may be NULL (defaults). On success *out is a new
 * client; on failure *out is NULL and the return value says why: the certificate checks
 * (cert.h codes), connection_failure, timeout, or the handshake's error (e.g. the server's
 * refusal arrives as connection_failure, §2.5 step 1). */
int qstp_client_connect(qstp_client **out, const qstp_root_certificate *root,
                        const qstp_server_certificate *cert, const char *host, uint16_t port,
                        const qstp_client_options *opt);

/* Sends len bytes (len >= 1) as one or more records of at most QSTP_SESSION_SEND_MAX bytes.
 * Blocks until written. -channel_down once the tunnel is closed. */
int qstp_client_send(qstp_client *c, const uint8_t *data, size_t len);

/* Waits up to timeout_ms (negative: forever) for received data and copies at most cap bytes of
 * it to buf (*len = count; the rest of a longer record comes with the next call). Returns 0 with
 * data, -timeout if nothing arrived in time (the tunnel is still up), or -channel_down when the
 * tunnel has ended (qstp_client_close_reason() says why). -invalid_state while the receive
 * thread runs or another qstp_client_receive call is in progress (one reader at a time). */
int qstp_client_receive(qstp_client *c, uint8_t *buf, size_t cap, size_t *len, int timeout_ms);

/* Starts the receive thread. on_closed may be NULL. After this, do not call
 * qstp_client_receive. Do not call qstp_client_close from inside a callback. */
int qstp_client_start_receiver(qstp_client *c, qstp_client_data_fn on_data,
                               qstp_client_closed_fn on_closed, void *ctx);

/* Starts a symmetric ratchet (docs/PROTOCOL.md §2); needs QSTP_OPT_RATCHET_SEND. */
int qstp_client_ratchet(qstp_client *c);

/* Low level, for the integration-guide layer (compat.h): encrypt one record of len
 * (1..QSTP_SESSION_SEND_MAX) bytes into out (cap >= len + QSTP_SESSION_RECORD_OVERHEAD) without
 * writing it. Control records the session has queued are written to the socket first, so what
 * the caller then writes to qstp_client_socket() keeps the sequence order. The caller must
 * write sealed records in the order they were sealed and not interleave qstp_client_send. */
int qstp_client_seal(qstp_client *c, const uint8_t *data, size_t len, uint8_t *out, size_t cap,
                     size_t *outlen);
/* The connected socket (for the compat layer's connection state), or -1. */
int qstp_client_socket(const qstp_client *c);

/* 1 while the tunnel is up. */
int qstp_client_is_connected(const qstp_client *c);
/* Why the tunnel ended: qstp_error_none for a normal close. */
qstp_errors qstp_client_close_reason(const qstp_client *c);
/* The code the peer put in its close record or error packet, or -1 if it sent none. */
int qstp_client_peer_code(const qstp_client *c);

/* Sends the close record (if the tunnel is up), shuts the socket down, stops the receive
 * thread and frees c. NULL is ignored. */
void qstp_client_close(qstp_client *c);

#endif
