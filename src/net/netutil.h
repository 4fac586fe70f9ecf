/* Socket and clock helpers shared by the blocking client and the event-driven server. Internal to
 * the net layer (not installed). Everything here is plain POSIX/Linux I/O; no protocol logic. */
#ifndef QSTP_NET_NETUTIL_H
#define QSTP_NET_NETUTIL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "qstp/session.h"

/* Text form of a socket address: "1.2.3.4:5" or "[::1]:5" (fits QSTP_NET_ADDRSTR). */
#define QSTP_NET_ADDRSTR 64
void qstp_net_addr_format(const struct sockaddr *sa, socklen_t len, char out[QSTP_NET_ADDRSTR]);

/* A peer address in 24 bytes (a server keeps one per tunnel; a sockaddr_storage is 128): the
 * IPv4 address (first 4 bytes) or IPv6 address, the port in network order, the family and the
 * IPv6 scope id. Text is made from it only when a line is logged. */
typedef struct qstp_net_addr {
    uint8_t ip[16];
    uint16_t port;   /* network byte order */
    uint16_t family; /* AF_INET, AF_INET6, or AF_UNSPEC for anything else */
    uint32_t scope;  /* sin6_scope_id */
} qstp_net_addr;
void qstp_net_addr_pack(qstp_net_addr *a, const struct sockaddr *sa, socklen_t len);
/* Back to a socket address in *ss; returns its length, 0 for AF_UNSPEC. */
socklen_t qstp_net_addr_unpack(const qstp_net_addr *a, struct sockaddr_storage *ss);
/* Text form of a packed address (as qstp_net_addr_format). */
void qstp_net_addr_text(const qstp_net_addr *a, char out[QSTP_NET_ADDRSTR]);

/* Monotonic milliseconds (timeouts) and Unix seconds (the session's clock, QSTP-WIRE §2.2). */
uint64_t qstp_net_mono_ms(void);
uint64_t qstp_net_unix_now(void *ctx);
/* The environment every net-layer session uses: real clock, OS random generator. */
void qstp_net_env(qstp_env *env);

int qstp_net_set_nonblocking(int fd);

/* 1 if sa is 127.0.0.0/8, ::1 or ::ffff:127.0.0.0/104. */
int qstp_net_is_loopback(const struct sockaddr *sa);
/* Every TCP stream we open or accept: TCP_NODELAY (records are whole packets), and for a loopback
 * peer a non-pacing congestion control in place of BBR (its pacing timers are pure cost there). */
void qstp_net_tune_stream(int fd, const struct sockaddr *peer);

/* Resolve host:port (IPv4, IPv6 or a name) and connect a non-blocking TCP socket to the first
 * address that answers within the deadline (qstp_net_mono_ms() value). Returns the fd, or a
 * negated qstp_errors code (connection_failure, timeout). */
int qstp_net_connect(const char *host, uint16_t port, uint64_t deadline_ms);

/* Write all n bytes to a non-blocking fd, polling until the deadline (UINT64_MAX = none).
 * 0, or -transmit_failure / -timeout. */
int qstp_net_write_all(int fd, const uint8_t *p, size_t n, uint64_t deadline_ms);

/* Sends what a non-blocking socket takes now of the n bytes at *p, and moves *p and *n past
 * what it took (nothing when it would block). -1 if the socket failed, else 0. The first step of
 * every "send now, keep the rest" path (the server's records, a backend's plaintext, the local
 * forwarder's both sides); inline because the server runs it once per record. */
static inline int qstp_net_send_now(int fd, const uint8_t **p, size_t *n)
{
    ssize_t w = send(fd, *p, *n, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
    *p += w;
    *n -= (size_t)w;
    return 0;
}

/* Wait until fd is readable or the deadline passes. 1 readable, 0 timeout, negative error. */
int qstp_net_wait_readable(int fd, uint64_t deadline_ms);

#endif
