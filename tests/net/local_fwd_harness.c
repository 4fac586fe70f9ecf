/* Local forwarder test harness (local_fwd_harness.h). */
#include "local_fwd_harness.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

uint8_t lf_pat(unsigned stream, size_t i)
{
    return (uint8_t)(i * 131u + stream * 7u + (i >> 16));
}

static void cmd_established(qstp_server *srv, const qstp_tunnel_info *info, void *ctx)
{
    lf_server *c = ctx;
    (void)srv;
    (void)info;
    atomic_fetch_add(&c->established, 1);
}

static void cmd_data(qstp_server *srv, qstp_tunnel_id id, const uint8_t *data, size_t len, void *ctx)
{
    const lf_server *c = ctx;
    if (len == 5 && memcmp(data, "DELAY", 5) == 0) {
        nh_sleep_ms(700); /* a reply still in flight when the local side has ended */
        (void)qstp_server_send(srv, id, (const uint8_t *)"late", 4);
    } else if (len == 3 && memcmp(data, "BYE", 3) == 0) {
        (void)qstp_server_send(srv, id, (const uint8_t *)"bye", 3);
        (void)qstp_server_close_tunnel(srv, id, qstp_error_none);
    } else if (len == 5 && memcmp(data, "FLOOD", 5) == 0) {
        uint8_t *buf = malloc(65536);
        for (size_t off = 0; buf != NULL && off < c->flood_bytes; off += 65536) {
            for (size_t i = 0; i < 65536; i++)
                buf[i] = lf_pat(9, off + i);
            if (qstp_server_send(srv, id, buf, 65536) != 0)
                break;
        }
        free(buf);
    } else {
        (void)qstp_server_send(srv, id, data, len);
    }
}

static void cmd_closed(qstp_server *srv, qstp_tunnel_id id, qstp_errors reason, void *ctx)
{
    lf_server *c = ctx;
    (void)srv;
    (void)id;
    atomic_fetch_add(&c->closed, 1);
    if (reason == qstp_error_none)
        atomic_fetch_add(&c->closed_normal, 1);
}

static void quiet(void *ctx, qstp_log_level level, const char *line)
{
    (void)ctx;
    (void)level;
    (void)line;
}

void lf_server_options(qstp_server_options *o, lf_server *c, const char *address)
{
    qstp_server_options_default(o);
    o->address = address;
    o->ephemeral_port = 1;
    o->handshake_rate = 100000; /* bursts from 127.0.0.1 */
    o->cb.on_established = cmd_established;
    o->cb.on_data = cmd_data;
    o->cb.on_closed = cmd_closed;
    o->cb.ctx = c;
    o->log = quiet;
}

static void on_event(const qstp_local_fwd_event *ev, void *ctx)
{
    lf_fwd *fr = ctx;
    if (ev->kind == QSTP_LOCAL_FWD_OPEN) {
        atomic_fetch_add(&fr->opened, 1);
    } else if (ev->kind == QSTP_LOCAL_FWD_FAILED) {
        atomic_store(&fr->last_error, ev->error);
        atomic_fetch_add(&fr->failed, 1);
    } else if (ev->kind == QSTP_LOCAL_FWD_CLOSED) {
        atomic_fetch_add(&fr->closed, 1);
        if (ev->reason != qstp_error_none)
            atomic_fetch_add(&fr->closed_error, 1);
    }
}

static void *fwd_main(void *arg)
{
    lf_fwd *fr = arg;
    struct timespec ts;
    (void)qstp_local_fwd_run(fr->f);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    fr->cpu_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    return NULL;
}

void lf_fwd_config(qstp_local_fwd_config *c, const qstp_root_certificate *root,
                   const qstp_server_certificate *cert, const char *host, uint16_t server_port,
                   uint32_t linger_ms, uint32_t timeout_ms)
{
    memset(c, 0, sizeof(*c));
    c->root = root;
    c->cert = cert;
    c->host = host;
    c->port = server_port;
    c->timeout_ms = timeout_ms;
    c->linger_ms = linger_ms;
}

int lf_fwd_start(lf_fwd *fr, const qstp_local_fwd_config *cfg, int local6)
{
    qstp_local_fwd_config c = *cfg;
    memset(fr, 0, sizeof(*fr));
    fr->lfd = local6 ? nh_listen6_any(&fr->port) : nh_listen_any(&fr->port);
    if (fr->lfd < 0)
        return -1;
    c.on_event = on_event;
    c.ctx = fr;
    if (qstp_local_fwd_new(&fr->f, &c, fr->lfd) != 0)
        return -1;
    return pthread_create(&fr->th, NULL, fwd_main, fr);
}

void lf_fwd_stop(lf_fwd *fr)
{
    qstp_local_fwd_stop(fr->f);
    pthread_join(fr->th, NULL);
    qstp_local_fwd_free(fr->f);
    close(fr->lfd);
}

int lf_open_tunnel(uint16_t port)
{
    uint8_t b[4];
    int fd = nh_connect_local(port);
    if (fd < 0 || send(fd, "ping", 4, 0) != 4 || recv(fd, b, 4, MSG_WAITALL) != 4) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}
