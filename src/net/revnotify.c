/* Revocation notice delivery (revnotify.h). */
#include "net/revnotify.h"

#include <stdlib.h>
#include <unistd.h>

#include "net/netutil.h"
#include "qstp/revoke.h"

int qstp_net_revocation_notify(const char *host, uint16_t port, const uint8_t *notice,
                               size_t noticelen, uint64_t now, uint32_t timeout_ms,
                               qstp_errors *server_code, qstp_revnotify_stage *stage)
{
    uint8_t reply[QSTP_REVOCATION_REPLY_SIZE];
    size_t pktlen = 0, got = 0;
    uint8_t *pkt;
    uint64_t deadline;
    int fd, r;

    *server_code = qstp_error_none;
    *stage = QSTP_REVNOTIFY_CONNECT;
    pkt = malloc(QSTP_REVOCATION_HEADER_SIZE + noticelen);
    if (pkt == NULL)
        return qstp_fail(qstp_error_memory_allocation);
    r = qstp_revocation_packet_create(pkt, QSTP_REVOCATION_HEADER_SIZE + noticelen, &pktlen,
                                      notice, noticelen, now);
    if (r != 0) {
        free(pkt);
        return r;
    }
    deadline = qstp_net_mono_ms() + timeout_ms;
    fd = qstp_net_connect(host, port, deadline);
    if (fd < 0) {
        free(pkt);
        return fd;
    }
    *stage = QSTP_REVNOTIFY_SEND;
    r = qstp_net_write_all(fd, pkt, pktlen, deadline);
    free(pkt);
    if (r != 0) {
        close(fd);
        return r;
    }
    *stage = QSTP_REVNOTIFY_REPLY;
    while (got < sizeof(reply)) {
        ssize_t n;
        if (qstp_net_wait_readable(fd, deadline) <= 0)
            break;
        n = read(fd, reply + got, sizeof(reply) - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (got != sizeof(reply) || qstp_revocation_reply_parse(reply, server_code) != 0)
        return qstp_fail(qstp_error_receive_failure);
    return 0;
}
