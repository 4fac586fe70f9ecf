/* Stream socket tuning (src/net/netutil.c): which peers count as loopback, TCP_NODELAY on every
 * stream, and BBR replaced by a non-pacing congestion control on loopback legs only. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "net/netutil.h"
#include "test.h"

static int v4(const char *ip)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(443);
    if (inet_pton(AF_INET, ip, &a.sin_addr) != 1)
        TEST_FAIL("bad test address %s", ip);
    return qstp_net_is_loopback((const struct sockaddr *)&a);
}

static int v6(const char *ip)
{
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof(a));
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(443);
    if (inet_pton(AF_INET6, ip, &a.sin6_addr) != 1)
        TEST_FAIL("bad test address %s", ip);
    return qstp_net_is_loopback((const struct sockaddr *)&a);
}

static void congestion(int fd, char out[16])
{
    socklen_t l = 16;
    memset(out, 0, 16);
    if (getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, out, &l) != 0)
        strcpy(out, "?");
    out[15] = 0;
}

static int nodelay(int fd)
{
    int v = 0;
    socklen_t l = sizeof(v);
    return getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &l) == 0 && v != 0;
}

/* A fresh TCP socket set to BBR, or -1 when this kernel does not offer BBR to us. */
static int bbr_socket(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd >= 0 && setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, "bbr", 3) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

int main(void)
{
    struct sockaddr_in lo4, far4;
    struct sockaddr_un un;
    char cc[16];
    int fd;

    CHECK(v4("127.0.0.1") && v4("127.255.255.254") && v4("127.0.0.0"));
    CHECK(!v4("128.0.0.1") && !v4("126.255.255.255") && !v4("10.0.0.1") && !v4("0.0.0.0"));
    CHECK(v6("::1") && v6("::ffff:127.0.0.5"));
    CHECK(!v6("::") && !v6("::2") && !v6("::ffff:10.0.0.1") && !v6("fe80::1") && !v6("::127.0.0.1") && !v6("::ffff:128.0.0.1"));
    memset(&un, 0, sizeof(un));
    un.sun_family = AF_UNIX;
    CHECK(!qstp_net_is_loopback((const struct sockaddr *)&un));
    CHECK(!qstp_net_is_loopback(NULL));

    memset(&lo4, 0, sizeof(lo4));
    lo4.sin_family = AF_INET;
    lo4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    far4 = lo4;
    far4.sin_addr.s_addr = htonl(0x0a000001u); /* 10.0.0.1 */

    /* Every stream gets TCP_NODELAY, loopback or not. */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(fd >= 0 && !nodelay(fd));
    qstp_net_tune_stream(fd, (const struct sockaddr *)&far4);
    CHECK(nodelay(fd));
    close(fd);

    fd = bbr_socket();
    if (fd < 0) {
        printf("note: BBR is not available to this process; the congestion-control checks are skipped\n");
        return test_report();
    }
    /* A remote peer keeps the system's (here: BBR) congestion control. */
    qstp_net_tune_stream(fd, (const struct sockaddr *)&far4);
    congestion(fd, cc);
    CHECK_MSG(strcmp(cc, "bbr") == 0, "remote peer: congestion control changed to %s", cc);
    close(fd);
    /* A loopback peer gets a non-pacing one. */
    fd = bbr_socket();
    CHECK(fd >= 0);
    qstp_net_tune_stream(fd, (const struct sockaddr *)&lo4);
    congestion(fd, cc);
    CHECK_MSG(strcmp(cc, "cubic") == 0 || strcmp(cc, "reno") == 0, "loopback peer: congestion control %s", cc);
    CHECK(nodelay(fd));
    close(fd);
    /* Anything that is not BBR is left alone, even on loopback. */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd >= 0 && setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, "reno", 4) == 0) {
        qstp_net_tune_stream(fd, (const struct sockaddr *)&lo4);
        congestion(fd, cc);
        CHECK_MSG(strcmp(cc, "reno") == 0, "reno changed to %s", cc);
    }
    if (fd >= 0)
        close(fd);
    return test_report();
}
