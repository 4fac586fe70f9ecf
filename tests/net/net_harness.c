/* Net test harness (net_harness.h). */
#include "net_harness.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "crypto/random.h"

int nh_keys_make(net_keys *k, uint8_t set_id)
{
    const qstp_suite *su = qstp_suite_by_id(set_id);
    const uint64_t now = (uint64_t)time(NULL);
    int r;
    memset(k, 0, sizeof(*k));
    if (su == NULL)
        return -1;
    r = qstp_root_key_generate(&k->rootkey, su, "QSTP_nettest.qrr", now - 60, 30, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_root_certificate_extract(&k->root, &k->rootkey, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_key_generate(&k->skey, su, "QSTP_nettest.qrc", now - 60, 30, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_certificate_extract(&k->cert, &k->skey);
    if (r == 0)
        r = qstp_server_certificate_sign(&k->cert, &k->rootkey, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_key_set_schash(&k->skey, &k->root, &k->cert);
    return r;
}

int nh_keys_another_server(net_keys *out, const net_keys *same_root)
{
    const qstp_suite *su = qstp_suite_by_id(same_root->root.algorithm);
    const uint64_t now = (uint64_t)time(NULL);
    int r;
    memcpy(&out->rootkey, &same_root->rootkey, sizeof(out->rootkey));
    memcpy(&out->root, &same_root->root, sizeof(out->root));
    r = qstp_server_key_generate(&out->skey, su, "QSTP_nettest2.qrc", now - 60, 30, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_certificate_extract(&out->cert, &out->skey);
    if (r == 0)
        r = qstp_server_certificate_sign(&out->cert, &out->rootkey, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_key_set_schash(&out->skey, &out->root, &out->cert);
    return r;
}

static void quiet_log(void *ctx, qstp_log_level level, const char *line)
{
    nh_counters *c = ctx;
    atomic_fetch_add(&c->log_lines, 1);
    if (strncmp(line, "refused", 7) == 0)
        atomic_fetch_add(&c->log_refused, 1);
    if (getenv("QSTP_TEST_VERBOSE") != NULL)
        fprintf(stderr, "  [server %d] %s\n", (int)level, line);
}

static void echo_established(qstp_server *srv, const qstp_tunnel_info *info, void *ctx)
{
    nh_counters *c = ctx;
    (void)srv;
    (void)info;
    atomic_fetch_add(&c->established, 1);
}

static void echo_data(qstp_server *srv, qstp_tunnel_id id, const uint8_t *data, size_t len, void *ctx)
{
    nh_counters *c = ctx;
    atomic_fetch_add(&c->data_records, 1);
    (void)qstp_server_send(srv, id, data, len);
}

static void echo_closed(qstp_server *srv, qstp_tunnel_id id, qstp_errors reason, void *ctx)
{
    nh_counters *c = ctx;
    (void)srv;
    (void)id;
    atomic_fetch_add(&c->closed, 1);
    if (reason == qstp_error_none)
        atomic_fetch_add(&c->closed_normal, 1);
}

void nh_echo_options(qstp_server_options *o, const char *address, nh_counters *c)
{
    qstp_server_options_default(o);
    o->address = address;
    o->ephemeral_port = 1;
    o->loops = 2;
    o->workers = 2;
    o->handshake_rate = 100000; /* every test client comes from one loopback address */
    o->max_handshakes = 2048;
    o->cb.on_established = echo_established;
    o->cb.on_data = echo_data;
    o->cb.on_closed = echo_closed;
    o->cb.ctx = c;
    o->log = quiet_log;
    o->log_ctx = c;
}

int nh_same(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            fprintf(stderr, "    first difference at byte %zu of %zu\n", i, n);
            return 0;
        }
    }
    return 1;
}

int nh_recv_exact(qstp_client *c, uint8_t *buf, size_t n, int timeout_ms)
{
    size_t got = 0;
    while (got < n) {
        size_t len = 0;
        int r = qstp_client_receive(c, buf + got, n - got, &len, timeout_ms);
        if (r != 0)
            return r;
        got += len;
    }
    return 0;
}

int nh_listen_any(uint16_t *port)
{
    struct sockaddr_in a;
    socklen_t al = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    if (fd < 0)
        return -1;
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 1024) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &al) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

int nh_accept_within(int lfd, int ms)
{
    struct pollfd p = {lfd, POLLIN, 0};
    if (poll(&p, 1, ms) <= 0)
        return -1;
    return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}

int nh_listen6_any(uint16_t *port)
{
    struct sockaddr_in6 a;
    socklen_t al = sizeof(a);
    int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    memset(&a, 0, sizeof(a));
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, 128) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &al) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *port = ntohs(a.sin6_port);
    return fd;
}

/* Connects fd to addr, or closes it: the one exit of both connect helpers. */
static int connect_or_close(int fd, const struct sockaddr *addr, socklen_t len)
{
    if (fd >= 0 && connect(fd, addr, len) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int nh_connect_local(uint16_t port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return connect_or_close(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), (struct sockaddr *)&a,
                            sizeof(a));
}

int nh_connect6_local(uint16_t port)
{
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof(a));
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    a.sin6_addr = in6addr_loopback;
    return connect_or_close(socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0), (struct sockaddr *)&a,
                            sizeof(a));
}

int nh_count_dir(const char *path)
{
    int n = 0;
    struct dirent *e;
    DIR *d = opendir(path);
    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

uint64_t nh_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void nh_sleep_ms(unsigned ms)
{
    struct timespec ts = {(time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L};
    nanosleep(&ts, NULL);
}
