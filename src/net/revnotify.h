/* Sending a root-signed revocation notice to a server (docs/PROTOCOL.md "## Revocation",
 * "Carriage"): the notice is the first and only packet of a new connection, and the server
 * answers with a 22-byte reply carrying its verdict. Used by `qstp root revoke --notify` and by
 * the integration guide's qstp_root_certificate_revoke. */
#ifndef QSTP_NET_REVNOTIFY_H
#define QSTP_NET_REVNOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "qstp/errors.h"

typedef enum {
    QSTP_REVNOTIFY_CONNECT = 0, /* the failure happened connecting */
    QSTP_REVNOTIFY_SEND = 1,    /* ... sending the notice */
    QSTP_REVNOTIFY_REPLY = 2    /* ... waiting for / reading the reply */
} qstp_revnotify_stage;

/* Connect to host:port, send the notice (with a header stamped `now`, Unix seconds) and read the
 * reply, all within timeout_ms. Returns 0 when the server answered: *server_code is its verdict
 * (qstp_error_none = accepted, the key is withdrawn). Otherwise a negated qstp_errors code and
 * *stage says where it failed (connect errors are those of qstp_net_connect; receive_failure
 * when no valid reply came). */
int qstp_net_revocation_notify(const char *host, uint16_t port, const uint8_t *notice,
                               size_t noticelen, uint64_t now, uint32_t timeout_ms,
                               qstp_errors *server_code, qstp_revnotify_stage *stage);

#endif
