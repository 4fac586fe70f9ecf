/* The guide's client and connection functions (compat.h) over the blocking client (client.h)
 * and, for server-side states, the compat server. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "compat/compat_internal.h"
#include "crypto/ct.h"

typedef struct client_ctx {
    qstp_connection_state cns; /* first: the callbacks' pointer is this struct's */
    void (*recv)(qstp_connection_state *, const char *, size_t);
} client_ctx;

static _Thread_local int in_receive_callback;

static void on_client_data(qstp_client *c, const uint8_t *d, size_t n, void *ctx)
{
    client_ctx *x = ctx;
    (void)c;
    if (x->recv != NULL) {
        in_receive_callback = 1;
        x->recv(&x->cns, (const char *)d, n);
        in_receive_callback = 0;
    }
}

static qstp_errors connect_common(const qstp_root_certificate *root, const qstp_server_certificate *cert,
                                  const char *host, uint16_t port,
                                  void (*send_func)(qstp_connection_state *),
                                  void (*receive_callback)(qstp_connection_state *, const char *, size_t))
{
    qstp_client *c = NULL;
    client_ctx *x;
    int ret = qstp_client_connect(&c, root, cert, host, port, NULL);
    if (ret != 0)
        return qstp_error_of(ret);
    x = calloc(1, sizeof(*x));
    if (x == NULL) {
        qstp_client_close(c);
        return qstp_error_memory_allocation;
    }
    x->cns.client_ = c;
    x->cns.target = qstp_client_socket(c);
    x->cns.exflag = qstp_flag_session_established;
    x->cns.cid = 1;
    x->cns.active_ = 1;
    x->recv = receive_callback;
    /* §9.2 steps 5-7: receive thread, the application's send loop, then close. */
    ret = qstp_client_start_receiver(c, on_client_data, NULL, x);
    if (ret == 0 && send_func != NULL)
        send_func(&x->cns);
    if (x->cns.client_ != NULL)
        qstp_client_close(x->cns.client_);
    qstp_wipe(x, sizeof(*x));
    free(x);
    return ret == 0 ? qstp_error_none : qstp_error_of(ret);
}

qstp_errors qstp_client_connect_ipv4(const qstp_root_certificate *root,
                                     const qstp_server_certificate *cert,
                                     const qsc_ipinfo_ipv4_address *address, uint16_t port,
                                     void (*send_func)(qstp_connection_state *),
                                     void (*receive_callback)(qstp_connection_state *, const char *, size_t))
{
    char host[INET_ADDRSTRLEN];
    if (address == NULL || inet_ntop(AF_INET, address->ipv4, host, sizeof(host)) == NULL)
        return qstp_error_invalid_input;
    return connect_common(root, cert, host, port, send_func, receive_callback);
}

qstp_errors qstp_client_connect_ipv6(const qstp_root_certificate *root,
                                     const qstp_server_certificate *cert,
                                     const qsc_ipinfo_ipv6_address *address, uint16_t port,
                                     void (*send_func)(qstp_connection_state *),
                                     void (*receive_callback)(qstp_connection_state *, const char *, size_t))
{
    char host[INET6_ADDRSTRLEN];
    if (address == NULL || inet_ntop(AF_INET6, address->ipv6, host, sizeof(host)) == NULL)
        return qstp_error_invalid_input;
    return connect_common(root, cert, host, port, send_func, receive_callback);
}

void qstp_connection_close(qstp_connection_state *cns, qstp_errors err, bool notify)
{
    (void)notify; /* the close record is always sent once established (wire §3.4) */
    if (cns == NULL || cns->exflag != qstp_flag_session_established)
        return;
    if (cns->receiver) {
        (void)compat_server_close(cns->tunnel_, err);
        return;
    }
    if (cns->client_ != NULL && !in_receive_callback) {
        /* From the receive thread the client cannot be freed (client.h); the connect call
         * closes it when send_func returns. */
        qstp_client_close(cns->client_);
        cns->client_ = NULL;
        cns->target = -1;
    }
    cns->exflag = qstp_flag_none;
}

void qstp_connection_state_dispose(qstp_connection_state *cns)
{
    if (cns == NULL)
        return;
    cns->target = -1;
    cns->rxseq = 0;
    cns->txseq = 0;
    cns->cid = 0;
    cns->exflag = qstp_flag_none;
}

qstp_errors qstp_connection_send(qstp_connection_state *cns, const uint8_t *message, size_t msglen)
{
    if (cns == NULL || message == NULL || msglen == 0)
        return qstp_error_invalid_input;
    if (cns->exflag != qstp_flag_session_established)
        return qstp_error_channel_down;
    if (cns->receiver)
        return compat_server_send(cns->tunnel_, message, msglen);
    if (cns->client_ == NULL)
        return qstp_error_channel_down;
    return qstp_error_of(qstp_client_send(cns->client_, message, msglen));
}

qstp_errors qstp_encrypt_packet(qstp_connection_state *cns, qstp_network_packet *packetout,
                                const uint8_t *message, size_t msglen)
{
    uint8_t *buf;
    size_t cap, outlen = 0;
    int ret;
    if (cns == NULL || packetout == NULL || packetout->pmessage == NULL || message == NULL)
        return qstp_error_invalid_input;
    /* §5.1 preconditions: established and at least one byte. */
    if (cns->exflag != qstp_flag_session_established || msglen == 0)
        return qstp_error_channel_down;
    if (cns->receiver || cns->client_ == NULL)
        return qstp_error_invalid_request;
    if (msglen > QSTP_RECORD_PLAINTEXT_MAX)
        return qstp_error_invalid_input;
    cap = msglen + QSTP_PACKET_HEADER_SIZE + QSTP_MACTAG_SIZE;
    buf = malloc(cap);
    if (buf == NULL)
        return qstp_error_memory_allocation;
    ret = qstp_client_seal(cns->client_, message, msglen, buf, cap, &outlen);
    if (ret == 0) {
        qstp_compat_packet_header_deserialize(buf, packetout);
        memcpy(packetout->pmessage, buf + QSTP_PACKET_HEADER_SIZE, outlen - QSTP_PACKET_HEADER_SIZE);
        cns->txseq = packetout->sequence;
    }
    free(buf);
    return qstp_error_of(ret);
}

qstp_errors qstp_decrypt_packet(qstp_connection_state *cns, uint8_t *message, size_t *msglen,
                                const qstp_network_packet *packetin)
{
    (void)cns;
    (void)message;
    (void)packetin;
    if (msglen != NULL)
        *msglen = 0;
    return qstp_error_invalid_request;
}
