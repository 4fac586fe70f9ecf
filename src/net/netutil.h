/* Socket and clock helpers shared by the blocking client and the event-driven server. Internal to
 * the net layer (not installed). Everything here is plain POSIX/Linux I/O; no protocol logic. */
#ifndef QSTP_NET_NETUTIL_H
#define QSTP_NET_NETUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "qstp/session.h"

/* Text form of a socket address: "1.2.3.4:5" or "[::1]:5" (fits QSTP_NET_ADDRSTR). */
#define QSTP_NET_ADDRSTR 64
void qstp_net_addr_format(const struct sockaddr *sa, socklen_t len, char out[QSTP_NET_ADDRSTR]);

/* Monotonic milliseconds (timeouts) and Unix seconds (the session's clock, QSTP-WIRE §2.2). */
uint64_t qstp_net_mono_ms(void);
uint64_t qstp_net_unix_now(void *ctx);
/* The environment every net-layer session uses: real clock, OS random generator. */
void qstp_net_env(qstp_env *env);

int qstp_net_set_nonblocking(int fd);

/* Resolve host:port (IPv4, IPv6 or a name) and connect a non-blocking TCP socket to the first
 * address that answers within the deadline (qstp_net_mono_ms() value). Returns the fd, or a
 * negated qstp_errors code (connection_failure, timeout). */
int qstp_net_connect(const char *host, uint16_t port, uint64_t deadline_ms);

/* Write all n bytes to a non-blocking fd, polling until the deadline (UINT64_MAX = none).
 * 0, or -transmit_failure / -timeout. */
int qstp_net_write_all(int fd, const uint8_t *p, size_t n, uint64_t deadline_ms);

/* Wait until fd is readable or the deadline passes. 1 readable, 0 timeout, negative error. */
int qstp_net_wait_readable(int fd, uint64_t deadline_ms);

#endif
