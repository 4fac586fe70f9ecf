/* Socket and clock helpers (netutil.h). */
#include "net/netutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto/random.h"

void qstp_net_addr_format(const struct sockaddr *sa, socklen_t len, char out[QSTP_NET_ADDRSTR])
{
    char host[INET6_ADDRSTRLEN] = "?";
    out[0] = '\0';
    if (sa == NULL)
        return;
    if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)(const void *)sa;
        inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
        snprintf(out, QSTP_NET_ADDRSTR, "%s:%u", host, (unsigned)ntohs(a->sin_port));
    } else if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)(const void *)sa;
        inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
        snprintf(out, QSTP_NET_ADDRSTR, "[%s]:%u", host, (unsigned)ntohs(a->sin6_port));
    } else {
        snprintf(out, QSTP_NET_ADDRSTR, "(family %d)", (int)sa->sa_family);
    }
}

void qstp_net_addr_pack(qstp_net_addr *a, const struct sockaddr *sa, socklen_t len)
{
    memset(a, 0, sizeof(*a));
    a->family = AF_UNSPEC;
    if (sa == NULL)
        return;
    if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
        memcpy(a->ip, &in->sin_addr, sizeof(in->sin_addr));
        a->port = in->sin_port;
        a->family = AF_INET;
    } else if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
        memcpy(a->ip, &in6->sin6_addr, sizeof(in6->sin6_addr));
        a->port = in6->sin6_port;
        a->family = AF_INET6;
        a->scope = in6->sin6_scope_id;
    }
}

socklen_t qstp_net_addr_unpack(const qstp_net_addr *a, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof(*ss));
    if (a->family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)(void *)ss;
        in->sin_family = AF_INET;
        in->sin_port = a->port;
        memcpy(&in->sin_addr, a->ip, sizeof(in->sin_addr));
        return (socklen_t)sizeof(*in);
    }
    if (a->family == AF_INET6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)(void *)ss;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = a->port;
        in6->sin6_scope_id = a->scope;
        memcpy(&in6->sin6_addr, a->ip, sizeof(in6->sin6_addr));
        return (socklen_t)sizeof(*in6);
    }
    return 0;
}

void qstp_net_addr_text(const qstp_net_addr *a, char out[QSTP_NET_ADDRSTR])
{
    struct sockaddr_storage ss;
    socklen_t len = qstp_net_addr_unpack(a, &ss);
    if (len == 0) {
        snprintf(out, QSTP_NET_ADDRSTR, "(unknown address)");
        return;
    }
    qstp_net_addr_format((const struct sockaddr *)&ss, len, out);
}

uint64_t qstp_net_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t qstp_net_unix_now(void *ctx)
{
    (void)ctx;
    /* True Unix UTC seconds (QSTP-WIRE §2.2 MUST), not the reference's zone-skewed value. */
    return (uint64_t)time(NULL);
}

void qstp_net_env(qstp_env *env)
{
    env->now = qstp_net_unix_now;
    env->random = qstp_random_os;
    env->ctx = NULL;
}

int qstp_net_set_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL, 0);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return -1;
    return 0;
}

int qstp_net_is_loopback(const struct sockaddr *sa)
{
    static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (sa == NULL)
        return 0;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;
        return (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
        const uint8_t *a = s6->sin6_addr.s6_addr;
        if (memcmp(a, v4mapped, 12) == 0)
            return a[12] == 127;
        return IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
    }
    return 0;
}

void qstp_net_tune_stream(int fd, const struct sockaddr *peer)
{
    int one = 1;
    char cc[16];
    socklen_t cl = sizeof(cc);
    /* Records are whole packets; do not let Nagle hold the last segment of one back. */
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    /* A pacing congestion control (BBR) on a loopback connection spaces segments with kernel
     * timers that protect no queue: on lo (no fq qdisc) it cost the sending end of a tunnel ~10%
     * of its CPU (docs/BENCHMARKS.md, bench_tunnel). Loopback legs use cubic instead (reno where
     * cubic is not allowed); any other peer keeps the system's choice. */
    if (!qstp_net_is_loopback(peer))
        return;
    memset(cc, 0, sizeof(cc));
    if (getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc, &cl) != 0 || strncmp(cc, "bbr", 3) != 0)
        return;
    if (setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, "cubic", 5) != 0)
        (void)setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, "reno", 4);
}

static int remaining_ms(uint64_t deadline_ms)
{
    uint64_t now;
    if (deadline_ms == UINT64_MAX)
        return -1; /* poll: infinite */
    now = qstp_net_mono_ms();
    if (now >= deadline_ms)
        return 0;
    return deadline_ms - now > 0x7fffffffu ? 0x7fffffff : (int)(deadline_ms - now);
}

static int connect_one(const struct addrinfo *ai, uint64_t deadline_ms)
{
    struct pollfd pfd;
    int err = 0, fd;
    socklen_t elen = sizeof(err);
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0)
        return -1;
    qstp_net_tune_stream(fd, ai->ai_addr);
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
        return fd;
    if (errno != EINPROGRESS)
        goto fail;
    pfd.fd = fd;
    pfd.events = POLLOUT;
    for (;;) {
        int ms = remaining_ms(deadline_ms);
        int r;
        if (ms == 0)
            goto fail;
        r = poll(&pfd, 1, ms);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            goto fail;
        break;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0 || err != 0)
        goto fail;
    return fd;
fail:
    close(fd);
    return -1;
}

int qstp_net_connect(const char *host, uint16_t port, uint64_t deadline_ms)
{
    struct addrinfo hints, *res = NULL, *ai;
    char portstr[8];
    int fd = -1;
    if (host == NULL)
        return qstp_fail(qstp_error_invalid_input);
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
    snprintf(portstr, sizeof(portstr), "%u", (unsigned)port);
    if (getaddrinfo(host, portstr, &hints, &res) != 0) {
        /* AI_ADDRCONFIG hides ::1 on hosts without a global IPv6 address: retry without it. */
        hints.ai_flags = AI_NUMERICSERV;
        if (getaddrinfo(host, portstr, &hints, &res) != 0)
            return qstp_fail(qstp_error_connection_failure);
    }
    for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        if (remaining_ms(deadline_ms) == 0)
            break;
        fd = connect_one(ai, deadline_ms);
    }
    freeaddrinfo(res);
    if (fd < 0)
        return remaining_ms(deadline_ms) == 0 ? qstp_fail(qstp_error_timeout)
                                              : qstp_fail(qstp_error_connection_failure);
    return fd;
}

int qstp_net_write_all(int fd, const uint8_t *p, size_t n, uint64_t deadline_ms)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pfd;
            int ms = remaining_ms(deadline_ms), r;
            if (ms == 0)
                return qstp_fail(qstp_error_timeout);
            pfd.fd = fd;
            pfd.events = POLLOUT;
            r = poll(&pfd, 1, ms);
            if (r < 0 && errno != EINTR)
                return qstp_fail(qstp_error_transmit_failure);
            continue;
        }
        return qstp_fail(qstp_error_transmit_failure);
    }
    return 0;
}

int qstp_net_wait_readable(int fd, uint64_t deadline_ms)
{
    struct pollfd pfd;
    for (;;) {
        int ms = remaining_ms(deadline_ms), r;
        pfd.fd = fd;
        pfd.events = POLLIN;
        pfd.revents = 0;
        r = poll(&pfd, 1, ms);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        return r > 0 ? 1 : 0;
    }
}
