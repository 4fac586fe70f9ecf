/* bench_scale: many idle tunnels against the event-driven server (include/qstp/server.h).
 *
 * Question: what does an established, idle tunnel cost the server in memory, how fast does the
 * server establish tunnels under a ramp, and what is the record latency once they are all open?
 * Target: < 3 KiB of server RSS per established tunnel at 100,000 tunnels.
 *
 * Shape:
 *  - keys for one set (default 0x03) are generated once, then the program forks P server processes
 *    (in-process qstp_server_start on 127.0.0.1, ephemeral port, echo on data) and P client
 *    processes. P = ceil(N / per-process) because one process may hold only RLIMIT_NOFILE
 *    descriptors and an unprivileged process cannot raise the hard limit (20,000 here): the
 *    program raises its soft limit to the hard one and splits the tunnels so no process needs
 *    more. Server RSS is the sum over the server processes;
 *  - each client process drives all its tunnels from one epoll loop with the sans-I/O session
 *    API directly (no thread per client, no blocking client): non-blocking connects from several
 *    loopback source addresses 127.0.0.2..9 (IP_BIND_ADDRESS_NO_PORT, so ports are chosen per
 *    destination), a bounded number of handshakes in flight, one shared receive buffer lent to a
 *    session per complete record (client memory per tunnel: the 3 KiB session and a few words);
 *  - phases: ramp (all tunnels opened; handshakes/s = established / ramp wall time), idle (a few
 *    seconds; server RSS is read from /proc/PID/status VmRSS before start and now), active (a low
 *    total rate of 64-byte records on random tunnels, echoed by the server; the round trip from
 *    send to echo received is the record latency, p50/p99/max), then server RSS again, close.
 *
 * Usage: bench_scale [--tunnels N] [--set 0x03] [--inflight K] [--per-process M]
 *                    [--active-seconds S] [--rate R] [--idle-seconds I]
 * Defaults: 10,000 tunnels, 32 handshakes in flight per client process, at most 16,000 tunnels per
 * process pair, 10 s active at 2,000 records/s in total, 3 s idle. Traffic stays on loopback. */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "bench.h"
#include "crypto/random.h"
#include "qstp/cert.h"
#include "qstp/server.h"
#include "qstp/session.h"

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

#define PAYLOAD 64u
#define MAX_PROCS 16u
#define SRC_ADDRS 8u

typedef struct {
    size_t tunnels, inflight, per_process;
    unsigned set;
    double active_s, rate, idle_s, ramp_timeout_s;
} options;

static options g_opt = {10000, 32, 16000, 0x03, 10.0, 2000.0, 3.0, 240.0};

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t unix_now(void *ctx)
{
    (void)ctx;
    return (uint64_t)time(NULL);
}

/* ---- pipes: whole-struct reads and writes ---- */

static int write_full(int fd, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n > 0) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

static int read_full(int fd, void *p, size_t n)
{
    uint8_t *b = p;
    while (n > 0) {
        ssize_t r = read(fd, b, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        b += r;
        n -= (size_t)r;
    }
    return 0;
}

/* VmRSS of a process in KiB, or -1. */
static long rss_kib(pid_t pid)
{
    char path[64], line[256];
    long v = -1;
    FILE *f;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    f = fopen(path, "r");
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            v = strtol(line + 6, NULL, 10);
            break;
        }
    }
    fclose(f);
    return v;
}

/* CPU seconds (user + system, all threads) a process has used, or -1. */
static double cpu_seconds(pid_t pid)
{
    char path[64], buf[1024];
    unsigned long ut = 0, st = 0;
    const char *p;
    size_t n;
    FILE *f;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    f = fopen(path, "r");
    if (f == NULL)
        return -1;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    /* Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15. */
    p = strrchr(buf, ')');
    if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* ================================================================ server process */

static void quiet_log(void *ctx, qstp_log_level level, const char *line)
{
    (void)ctx;
    if (level >= QSTP_LOG_ERROR)
        fprintf(stderr, "server: %s\n", line);
}

static void echo(qstp_server *srv, qstp_tunnel_id id, const uint8_t *data, size_t len, void *ctx)
{
    (void)ctx;
    qstp_server_send(srv, id, data, len);
}

/* Runs in the child: start, report the port, then answer 's' (stats) until 'q' or EOF. */
static void server_main(int cmd_rd, int res_wr, const qstp_server_key *key, size_t tunnels, unsigned loops,
                        unsigned workers)
{
    qstp_server_options opt;
    qstp_server *srv = NULL;
    uint16_t port = 0;
    char cmd;
    qstp_server_options_default(&opt);
    opt.address = "127.0.0.1";
    opt.ephemeral_port = 1;
    opt.loops = loops;
    opt.workers = workers;
    opt.max_tunnels = (uint32_t)(tunnels + 64);
    opt.handshake_rate = 1000000u; /* every tunnel comes from a handful of loopback addresses */
    opt.handshake_timeout = 60;
    opt.idle_timeout = 3600;
    opt.cb.on_data = echo;
    opt.log = quiet_log;
    opt.log_level = QSTP_LOG_WARN;
    if (qstp_server_start(&srv, &opt, key, 1, NULL) == 0)
        port = qstp_server_port(srv);
    write_full(res_wr, &port, sizeof port);
    if (srv == NULL)
        _exit(1);
    while (read_full(cmd_rd, &cmd, 1) == 0 && cmd != 'q') {
        if (cmd == 's') {
            qstp_server_stats st;
            qstp_server_get_stats(srv, &st);
            write_full(res_wr, &st, sizeof st);
        }
    }
    qstp_server_quit(srv);
    _exit(0);
}

/* ================================================================ client process */

enum { C_FREE = 0, C_CONNECTING, C_HANDSHAKE, C_ESTABLISHED, C_DEAD };

typedef struct {
    qstp_session s; /* 64-byte aligned, so is the array */
    int fd;
    uint8_t state;
    uint8_t want_out;
    uint8_t *ws;           /* handshake workspace while handshaking */
    uint8_t *carry;        /* bytes of an incomplete record (rare), QSTP_RECORD_PACKET_MAX */
    size_t carry_len;
    uint8_t *pend;         /* unsent record bytes (rare) */
    size_t pend_len;
    uint64_t t_start;      /* connect() time, ns */
} conn;

typedef struct {
    uint64_t established, failed;
    uint64_t t_first, t_last; /* ramp start and last establishment, mono ns */
    long client_rss_kib;
    uint64_t nhs;             /* handshake latency samples that follow (uint32 us each) */
} ramp_report;

typedef struct {
    uint64_t sent, received, send_failures;
    uint64_t nlat; /* latency samples that follow (uint32 us each) */
} active_report;

typedef struct {
    conn *c;
    size_t n;
    int epfd;
    uint16_t port;
    unsigned index;
    qstp_client_config ccfg;
    qstp_env env;
    size_t wslen;
    uint8_t **wsfree; /* free handshake workspaces */
    size_t nwsfree;
    uint8_t *rxbuf;   /* the one receive buffer, lent per record */
    uint8_t *readbuf;
    size_t inflight, opened, established, failed;
    uint64_t t_last;
    uint32_t *hs_us;
    uint32_t *lat_us;
    size_t nlat, latcap;
    uint64_t received;
} client;

static void conn_fail(client *cl, conn *c)
{
    if (c->state == C_CONNECTING || c->state == C_HANDSHAKE) {
        cl->inflight--;
        if (c->ws != NULL)
            cl->wsfree[cl->nwsfree++] = c->ws;
    }
    if (c->state != C_DEAD && c->state != C_ESTABLISHED)
        cl->failed++;
    c->ws = NULL;
    if (c->fd >= 0) {
        epoll_ctl(cl->epfd, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
    }
    c->fd = -1;
    free(c->carry);
    free(c->pend);
    c->carry = c->pend = NULL;
    c->state = C_DEAD;
}

static void set_events(client *cl, conn *c, size_t i, int out)
{
    struct epoll_event ev;
    if ((uint8_t)out == c->want_out)
        return;
    ev.events = EPOLLIN | (out ? EPOLLOUT : 0u);
    ev.data.u64 = i;
    epoll_ctl(cl->epfd, EPOLL_CTL_MOD, c->fd, &ev);
    c->want_out = (uint8_t)out;
}

/* Write the session's pending output and our own pending record bytes. 0, or -1 on error. */
static int flush(client *cl, conn *c, size_t i)
{
    const uint8_t *o;
    size_t n;
    while ((o = qstp_session_output(&c->s, &n)) != NULL) {
        ssize_t w = write(c->fd, o, n);
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            set_events(cl, c, i, 1);
            return 0;
        }
        if (w <= 0)
            return -1;
        qstp_session_output_ack(&c->s, (size_t)w);
    }
    while (c->pend_len > 0) {
        ssize_t w = write(c->fd, c->pend, c->pend_len);
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            set_events(cl, c, i, 1);
            return 0;
        }
        if (w <= 0)
            return -1;
        memmove(c->pend, c->pend + w, c->pend_len - (size_t)w);
        c->pend_len -= (size_t)w;
    }
    set_events(cl, c, i, 0);
    return 0;
}

static void on_record_data(client *cl, const uint8_t *data, size_t len)
{
    uint64_t t;
    cl->received++;
    if (len < 8)
        return;
    memcpy(&t, data, 8);
    if (cl->nlat == cl->latcap) {
        size_t cap = cl->latcap ? cl->latcap * 2 : 4096;
        uint32_t *p = realloc(cl->lat_us, cap * sizeof *p);
        if (p == NULL)
            return;
        cl->lat_us = p;
        cl->latcap = cap;
    }
    cl->lat_us[cl->nlat++] = (uint32_t)((mono_ns() - t) / 1000u);
}

/* One complete record into an established session, with the shared receive buffer lent for the
 * call (the session holds no partial record afterwards, so the buffer can be taken back). */
static int feed_record(client *cl, conn *c, const uint8_t *p, size_t n)
{
    size_t off = 0;
    int ret = 0;
    if (qstp_session_attach_rx_buffer(&c->s, cl->rxbuf, QSTP_SESSION_RX_BUFFER_SIZE) != 0)
        return -1;
    while (off < n) {
        qstp_event ev;
        off += qstp_session_receive(&c->s, p + off, n - off, &ev);
        if (ev.type == QSTP_EVENT_DATA)
            on_record_data(cl, ev.data, ev.len);
        else if (ev.type == QSTP_EVENT_ERROR || ev.type == QSTP_EVENT_PEER_CLOSED) {
            ret = -1;
            break;
        }
    }
    if (qstp_session_detach_rx_buffer(&c->s) != 0)
        ret = -1;
    return ret;
}

static size_t record_size(const uint8_t *hdr)
{
    const uint32_t m = (uint32_t)hdr[1] | (uint32_t)hdr[2] << 8 | (uint32_t)hdr[3] << 16 | (uint32_t)hdr[4] << 24;
    return m > QSTP_PACKET_MESSAGE_MAX ? 0 : QSTP_PACKET_HEADER_SIZE + m;
}

/* Established input: cut into whole records (QSTP-WIRE §2.1 framing), keep a partial tail. */
static int feed_established(client *cl, conn *c, const uint8_t *p, size_t n)
{
    while (n > 0) {
        size_t need, take, rs;
        if (c->carry_len == 0 && n >= QSTP_PACKET_HEADER_SIZE && (rs = record_size(p)) != 0 && rs <= n) {
            if (feed_record(cl, c, p, rs) != 0)
                return -1;
            p += rs;
            n -= rs;
            continue;
        }
        if (c->carry == NULL && (c->carry = malloc(QSTP_RECORD_PACKET_MAX)) == NULL)
            return -1;
        if (c->carry_len < QSTP_PACKET_HEADER_SIZE)
            need = QSTP_PACKET_HEADER_SIZE - c->carry_len;
        else if ((rs = record_size(c->carry)) == 0)
            return -1;
        else
            need = rs - c->carry_len;
        take = n < need ? n : need;
        memcpy(c->carry + c->carry_len, p, take);
        c->carry_len += take;
        p += take;
        n -= take;
        if (c->carry_len >= QSTP_PACKET_HEADER_SIZE) {
            if ((rs = record_size(c->carry)) == 0)
                return -1;
            if (c->carry_len == rs) {
                if (feed_record(cl, c, c->carry, rs) != 0)
                    return -1;
                free(c->carry);
                c->carry = NULL;
                c->carry_len = 0;
            }
        }
    }
    return 0;
}

static int on_input(client *cl, conn *c, size_t i, const uint8_t *p, size_t n)
{
    size_t off = 0;
    while (off < n) {
        qstp_event ev;
        size_t used;
        if (c->state == C_ESTABLISHED)
            return feed_established(cl, c, p + off, n - off);
        used = qstp_session_receive(&c->s, p + off, n - off, &ev);
        off += used;
        if (ev.type == QSTP_EVENT_ESTABLISHED) {
            qstp_session_release_workspace(&c->s);
            cl->wsfree[cl->nwsfree++] = c->ws;
            c->ws = NULL;
            c->state = C_ESTABLISHED;
            cl->inflight--;
            cl->hs_us[cl->established++] = (uint32_t)((mono_ns() - c->t_start) / 1000u);
            cl->t_last = mono_ns();
        } else if (ev.type == QSTP_EVENT_ERROR || ev.type == QSTP_EVENT_PEER_CLOSED) {
            return -1;
        } else if (used == 0 && ev.type == QSTP_EVENT_NONE) {
            if (flush(cl, c, i) != 0 || qstp_session_output(&c->s, &used) != NULL)
                return -1; /* output blocked and input pending: give up on this one */
        }
    }
    return flush(cl, c, i);
}

static void open_one(client *cl)
{
    const size_t i = cl->opened++;
    conn *c = &cl->c[i];
    struct sockaddr_in src, dst;
    struct epoll_event ev;
    const int one = 1;
    memset(&src, 0, sizeof src);
    memset(&dst, 0, sizeof dst);
    src.sin_family = dst.sin_family = AF_INET;
    src.sin_addr.s_addr = htonl(0x7F000002u + (uint32_t)((i + cl->index) % SRC_ADDRS));
    dst.sin_addr.s_addr = htonl(0x7F000001u);
    dst.sin_port = htons(cl->port);
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    c->state = C_CONNECTING;
    c->want_out = 1;
    c->t_start = mono_ns();
    c->ws = cl->wsfree[--cl->nwsfree];
    cl->inflight++;
    if (c->fd < 0) {
        conn_fail(cl, c);
        return;
    }
    setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    if (bind(c->fd, (struct sockaddr *)&src, sizeof src) != 0 ||
        (connect(c->fd, (struct sockaddr *)&dst, sizeof dst) != 0 && errno != EINPROGRESS)) {
        conn_fail(cl, c);
        return;
    }
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u64 = i;
    if (epoll_ctl(cl->epfd, EPOLL_CTL_ADD, c->fd, &ev) != 0)
        conn_fail(cl, c);
}

static void on_event(client *cl, size_t i, uint32_t events)
{
    conn *c = &cl->c[i];
    if (c->state == C_DEAD || c->state == C_FREE)
        return;
    if (c->state == C_CONNECTING) {
        int err = 0;
        socklen_t len = sizeof err;
        if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
            return;
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0 ||
            qstp_session_client_init(&c->s, &cl->env, &cl->ccfg) != 0 ||
            qstp_session_attach_workspace(&c->s, c->ws, cl->wslen) != 0 || qstp_session_start(&c->s) != 0) {
            conn_fail(cl, c);
            return;
        }
        c->state = C_HANDSHAKE;
        if (flush(cl, c, i) != 0)
            conn_fail(cl, c);
        return;
    }
    if (events & EPOLLOUT) {
        if (flush(cl, c, i) != 0) {
            conn_fail(cl, c);
            return;
        }
    }
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        for (int k = 0; k < 4; k++) {
            ssize_t r = read(c->fd, cl->readbuf, QSTP_RECORD_PACKET_MAX);
            if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                break;
            if (r <= 0 || on_input(cl, c, i, cl->readbuf, (size_t)r) != 0) {
                conn_fail(cl, c);
                return;
            }
            if ((size_t)r < QSTP_RECORD_PACKET_MAX)
                break;
        }
    }
}

static void poll_once(client *cl, int timeout_ms)
{
    struct epoll_event evs[256];
    int n = epoll_wait(cl->epfd, evs, 256, timeout_ms);
    for (int k = 0; k < n; k++)
        on_event(cl, evs[k].data.u64, evs[k].events);
}

/* One 64-byte record (send time first) on a random established tunnel. */
static int send_one(client *cl, uint64_t *rng)
{
    static uint8_t out[PAYLOAD + QSTP_SESSION_RECORD_OVERHEAD + QSTP_SESSION_CONTROL_MAX];
    uint8_t msg[PAYLOAD];
    size_t outlen = 0, i;
    conn *c;
    ssize_t w;
    for (int tries = 0; tries < 16; tries++) {
        *rng = *rng * 6364136223846793005u + 1442695040888963407u;
        i = (size_t)(*rng >> 33) % cl->n;
        c = &cl->c[i];
        if (c->state != C_ESTABLISHED || c->pend_len != 0)
            continue;
        memset(msg, 0x5A, sizeof msg);
        {
            const uint64_t t = mono_ns();
            memcpy(msg, &t, 8);
        }
        if (qstp_session_send(&c->s, msg, sizeof msg, out, sizeof out, &outlen) != 0)
            return -1;
        w = write(c->fd, out, outlen);
        if (w == (ssize_t)outlen)
            return 0;
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            conn_fail(cl, c);
            return -1;
        }
        if (w < 0)
            w = 0;
        c->pend = malloc(outlen - (size_t)w);
        if (c->pend == NULL)
            return -1;
        memcpy(c->pend, out + w, outlen - (size_t)w);
        c->pend_len = outlen - (size_t)w;
        set_events(cl, c, i, 1);
        return 0;
    }
    return -1;
}

static void client_main(int cmd_rd, int res_wr, const qstp_client_config *ccfg, uint16_t port, size_t n,
                        unsigned index, unsigned procs)
{
    client cl;
    ramp_report rr;
    active_report ar;
    char cmd;
    const uint64_t timeout_ns = (uint64_t)(g_opt.ramp_timeout_s * 1e9);
    uint64_t t0, rng = 0x9E3779B97F4A7C15u ^ index;
    memset(&cl, 0, sizeof cl);
    cl.n = n;
    cl.port = port;
    cl.index = index;
    cl.ccfg = *ccfg;
    cl.env.now = unix_now;
    cl.env.random = qstp_random_os;
    cl.wslen = qstp_session_handshake_workspace_size(ccfg->suite, QSTP_ROLE_CLIENT);
    cl.c = aligned_alloc(64, n * sizeof(conn));
    cl.wsfree = malloc(g_opt.inflight * sizeof(uint8_t *));
    cl.rxbuf = malloc(QSTP_SESSION_RX_BUFFER_SIZE);
    cl.readbuf = malloc(QSTP_RECORD_PACKET_MAX);
    cl.hs_us = malloc(n * sizeof(uint32_t));
    cl.epfd = epoll_create1(EPOLL_CLOEXEC);
    if (cl.c == NULL || cl.wsfree == NULL || cl.rxbuf == NULL || cl.readbuf == NULL || cl.hs_us == NULL ||
        cl.epfd < 0)
        _exit(1);
    memset(cl.c, 0, n * sizeof(conn));
    for (size_t i = 0; i < n; i++)
        cl.c[i].fd = -1;
    for (size_t i = 0; i < g_opt.inflight; i++) {
        cl.wsfree[i] = malloc(cl.wslen);
        if (cl.wsfree[i] == NULL)
            _exit(1);
    }
    cl.nwsfree = g_opt.inflight;

    /* Ready; wait for the start signal so every client ramps at once. */
    if (write_full(res_wr, "R", 1) != 0 || read_full(cmd_rd, &cmd, 1) != 0)
        _exit(1);
    t0 = mono_ns();
    while (cl.established + cl.failed < n && mono_ns() - t0 < timeout_ns) {
        while (cl.opened < n && cl.inflight < g_opt.inflight)
            open_one(&cl);
        poll_once(&cl, 50);
    }
    memset(&rr, 0, sizeof rr);
    rr.established = cl.established;
    rr.failed = n - cl.established;
    rr.t_first = t0;
    rr.t_last = cl.t_last;
    rr.client_rss_kib = rss_kib(getpid());
    rr.nhs = cl.established;
    write_full(res_wr, &rr, sizeof rr);
    write_full(res_wr, cl.hs_us, cl.established * sizeof(uint32_t));

    /* Idle until told to go active (keep reading: nothing should arrive). */
    for (;;) {
        if (read_full(cmd_rd, &cmd, 1) != 0)
            _exit(1);
        if (cmd == 'a')
            break;
    }
    memset(&ar, 0, sizeof ar);
    {
        /* This process's share of the total rate. */
        const double rate = g_opt.rate > 0 ? g_opt.rate / procs : 1.0;
        const uint64_t period = (uint64_t)(1e9 / rate);
        const uint64_t start = mono_ns(), end = start + (uint64_t)(g_opt.active_s * 1e9);
        uint64_t next = start;
        while (mono_ns() < end) {
            const uint64_t now = mono_ns();
            while (next <= now) {
                if (send_one(&cl, &rng) == 0)
                    ar.sent++;
                else
                    ar.send_failures++;
                next += period;
            }
            /* Sleep at least 1 ms (no spinning); records due meanwhile go out together on
             * waking, each stamped when it is sent. */
            poll_once(&cl, (int)((next - now) / 1000000u) + 1);
        }
        /* Let the last echoes come back. */
        for (uint64_t t = mono_ns(); mono_ns() - t < 1000000000u && cl.received < ar.sent;)
            poll_once(&cl, 20);
    }
    ar.received = cl.received;
    ar.nlat = cl.nlat;
    write_full(res_wr, &ar, sizeof ar);
    write_full(res_wr, cl.lat_us, cl.nlat * sizeof(uint32_t));

    (void)read_full(cmd_rd, &cmd, 1); /* 'q' or EOF */
    for (size_t i = 0; i < n; i++) {
        if (cl.c[i].fd >= 0)
            close(cl.c[i].fd);
        qstp_session_wipe(&cl.c[i].s);
    }
    _exit(0);
}

/* ================================================================ coordinator */

typedef struct {
    pid_t pid;
    int cmd_wr, res_rd;
} child;

static int spawn(child *ch, void (*body)(int, int, void *), void *arg)
{
    int cmd[2], res[2];
    if (pipe(cmd) != 0 || pipe(res) != 0)
        return -1;
    ch->pid = fork();
    if (ch->pid < 0)
        return -1;
    if (ch->pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the coordinator */
        close(cmd[1]);
        close(res[0]);
        body(cmd[0], res[1], arg);
        _exit(0);
    }
    close(cmd[0]);
    close(res[1]);
    ch->cmd_wr = cmd[1];
    ch->res_rd = res[0];
    return 0;
}

typedef struct {
    const qstp_server_key *key;
    const qstp_client_config *ccfg;
    size_t tunnels;
    unsigned loops, workers, index, procs;
    uint16_t port;
} child_arg;

static void server_body(int cmd_rd, int res_wr, void *arg)
{
    const child_arg *a = arg;
    server_main(cmd_rd, res_wr, a->key, a->tunnels, a->loops, a->workers);
}

static void client_body(int cmd_rd, int res_wr, void *arg)
{
    const child_arg *a = arg;
    client_main(cmd_rd, res_wr, a->ccfg, a->port, a->tunnels, a->index, a->procs);
}

static int cmp_u32(const void *a, const void *b)
{
    const uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static double pct(const uint32_t *v, size_t n, double p)
{
    size_t i;
    if (n == 0)
        return 0;
    i = (size_t)(p * (double)(n - 1) + 0.5);
    return (double)v[i];
}

static void parse(int argc, char **argv)
{
    for (int i = 1; i < argc; i += 2) { /* --option value pairs */
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (v == NULL) {
            fprintf(stderr, "bench_scale: %s needs a value\n", a);
            exit(2);
        }
        if (strcmp(a, "--tunnels") == 0)
            g_opt.tunnels = strtoul(v, NULL, 10);
        else if (strcmp(a, "--set") == 0)
            g_opt.set = (unsigned)strtoul(v, NULL, 0);
        else if (strcmp(a, "--inflight") == 0)
            g_opt.inflight = strtoul(v, NULL, 10);
        else if (strcmp(a, "--per-process") == 0)
            g_opt.per_process = strtoul(v, NULL, 10);
        else if (strcmp(a, "--active-seconds") == 0)
            g_opt.active_s = strtod(v, NULL);
        else if (strcmp(a, "--rate") == 0)
            g_opt.rate = strtod(v, NULL);
        else if (strcmp(a, "--idle-seconds") == 0)
            g_opt.idle_s = strtod(v, NULL);
        else {
            fprintf(stderr, "usage: bench_scale [--tunnels N] [--set ID] [--inflight K] [--per-process M]\n"
                            "                   [--active-seconds S] [--rate R] [--idle-seconds I]\n");
            exit(2);
        }
    }
    if (g_opt.tunnels == 0 || g_opt.inflight == 0 || g_opt.per_process == 0) {
        fprintf(stderr, "bench_scale: counts must be positive\n");
        exit(2);
    }
}

static int make_keys(const qstp_suite *su, qstp_root_key *rk, qstp_root_certificate *root, qstp_server_key *sk,
                     qstp_server_certificate *cert, qstp_client_config *ccfg)
{
    const uint64_t now = (uint64_t)time(NULL);
    int r = qstp_root_key_generate(rk, su, "scale_root", now - 60, 30, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_root_certificate_extract(root, rk, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_key_generate(sk, su, "scale_server", now - 60, 30, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_certificate_extract(cert, sk);
    if (r == 0)
        r = qstp_server_certificate_sign(cert, rk, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_key_set_schash(sk, root, cert);
    if (r == 0)
        r = qstp_server_certificate_verify(cert, root, now);
    if (r == 0)
        r = qstp_client_config_from_certs(ccfg, root, cert);
    return r;
}

int main(int argc, char **argv)
{
    static qstp_root_key rk;
    static qstp_root_certificate root;
    static qstp_server_key skey;
    static qstp_server_certificate cert;
    static qstp_client_config ccfg;
    static child srv[MAX_PROCS], cli[MAX_PROCS];
    static child_arg sarg[MAX_PROCS], carg[MAX_PROCS];
    struct rlimit rl;
    const qstp_suite *su;
    size_t procs, per, fdcap, total_est = 0, total_failed = 0, nhs = 0, nlat = 0;
    long rss0[MAX_PROCS], rss1[MAX_PROCS], rss2[MAX_PROCS], client_rss = 0;
    double cpu0 = 0, cpu1 = 0;
    uint64_t t_first = UINT64_MAX, t_last = 0, sent = 0, received = 0, send_fail = 0;
    uint32_t *hs = NULL, *lat = NULL;
    qstp_server_stats sst;
    uint32_t open_tunnels = 0;
    int bad = 0;

    parse(argc, argv);
    signal(SIGPIPE, SIG_IGN);
    su = qstp_suite_by_id((uint8_t)g_opt.set);
    if (su == NULL) {
        fprintf(stderr, "bench_scale: unknown set 0x%02x\n", g_opt.set);
        return 2;
    }
    /* Descriptors: raise the soft limit to the hard one; split the tunnels over process pairs so
     * no process needs more than it may hold (a few hundred spare for the server's own). */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    fdcap = rl.rlim_cur > 512 ? (size_t)rl.rlim_cur - 256 : 256;
    per = g_opt.per_process < fdcap ? g_opt.per_process : fdcap;
    procs = (g_opt.tunnels + per - 1) / per;
    if (procs > MAX_PROCS) {
        fprintf(stderr, "bench_scale: %zu tunnels need %zu process pairs (max %u) at %zu per process\n",
                g_opt.tunnels, procs, MAX_PROCS, per);
        return 2;
    }
    per = (g_opt.tunnels + procs - 1) / procs;

    printf("bench_scale: %zu tunnels, set 0x%02x (%s + %s), %zu server + %zu client processes of %zu tunnels\n"
           "(RLIMIT_NOFILE %llu), %zu handshakes in flight per client process, %u loopback source addresses\n\n",
           g_opt.tunnels, g_opt.set, su->sig_name, su->kem_name, procs, procs, per,
           (unsigned long long)rl.rlim_cur, g_opt.inflight, SRC_ADDRS);
    fflush(stdout);
    if (make_keys(su, &rk, &root, &skey, &cert, &ccfg) != 0) {
        fprintf(stderr, "bench_scale: key generation failed\n");
        return 1;
    }

    /* Servers. One process: the server's defaults (a loop and a worker per core). Several: one
     * loop and one worker each, so they share the cores instead of oversubscribing them. */
    for (size_t p = 0; p < procs; p++) {
        const size_t n = p + 1 < procs ? per : g_opt.tunnels - per * (procs - 1);
        sarg[p] = (child_arg){&skey, &ccfg, n, procs > 1 ? 1u : 0u, procs > 1 ? 1u : 0u, (unsigned)p,
                             (unsigned)procs, 0};
        if (spawn(&srv[p], server_body, &sarg[p]) != 0 || read_full(srv[p].res_rd, &sarg[p].port, 2) != 0 ||
            sarg[p].port == 0) {
            fprintf(stderr, "bench_scale: server %zu did not start\n", p);
            return 1;
        }
    }
    usleep(300000);
    for (size_t p = 0; p < procs; p++)
        rss0[p] = rss_kib(srv[p].pid);

    /* Clients: start together. */
    for (size_t p = 0; p < procs; p++) {
        char ready;
        carg[p] = sarg[p];
        if (spawn(&cli[p], client_body, &carg[p]) != 0 || read_full(cli[p].res_rd, &ready, 1) != 0) {
            fprintf(stderr, "bench_scale: client %zu did not start\n", p);
            return 1;
        }
    }
    for (size_t p = 0; p < procs; p++)
        cpu0 += cpu_seconds(srv[p].pid);
    for (size_t p = 0; p < procs; p++)
        write_full(cli[p].cmd_wr, "r", 1);

    hs = malloc(g_opt.tunnels * sizeof(uint32_t));
    for (size_t p = 0; p < procs; p++) {
        ramp_report rr;
        if (read_full(cli[p].res_rd, &rr, sizeof rr) != 0 ||
            read_full(cli[p].res_rd, hs + nhs, rr.nhs * sizeof(uint32_t)) != 0) {
            fprintf(stderr, "bench_scale: client %zu died in the ramp\n", p);
            return 1;
        }
        nhs += rr.nhs;
        total_est += rr.established;
        total_failed += rr.failed;
        client_rss += rr.client_rss_kib;
        if (rr.t_first < t_first)
            t_first = rr.t_first;
        if (rr.t_last > t_last)
            t_last = rr.t_last;
    }
    qsort(hs, nhs, sizeof(uint32_t), cmp_u32);
    for (size_t p = 0; p < procs; p++)
        cpu1 += cpu_seconds(srv[p].pid);

    /* Idle, then read the servers' memory and their own count of open tunnels. */
    usleep((useconds_t)(g_opt.idle_s * 1e6));
    for (size_t p = 0; p < procs; p++) {
        rss1[p] = rss_kib(srv[p].pid);
        write_full(srv[p].cmd_wr, "s", 1);
        if (read_full(srv[p].res_rd, &sst, sizeof sst) == 0)
            open_tunnels += sst.tunnels;
    }

    /* Active at a low rate. */
    lat = malloc((size_t)(g_opt.rate * g_opt.active_s * 1.2 + 1024) * sizeof(uint32_t));
    for (size_t p = 0; p < procs; p++)
        write_full(cli[p].cmd_wr, "a", 1);
    for (size_t p = 0; p < procs; p++) {
        active_report ar;
        uint32_t *tmp;
        if (read_full(cli[p].res_rd, &ar, sizeof ar) != 0) {
            fprintf(stderr, "bench_scale: client %zu died in the active phase\n", p);
            return 1;
        }
        tmp = realloc(lat, (nlat + ar.nlat + 1) * sizeof(uint32_t));
        if (tmp == NULL || read_full(cli[p].res_rd, tmp + nlat, ar.nlat * sizeof(uint32_t)) != 0)
            return 1;
        lat = tmp;
        nlat += ar.nlat;
        sent += ar.sent;
        received += ar.received;
        send_fail += ar.send_failures;
    }
    qsort(lat, nlat, sizeof(uint32_t), cmp_u32);
    for (size_t p = 0; p < procs; p++)
        rss2[p] = rss_kib(srv[p].pid);

    /* Close: clients first (their sockets go), then the servers quit. */
    for (size_t p = 0; p < procs; p++) {
        write_full(cli[p].cmd_wr, "q", 1);
        waitpid(cli[p].pid, NULL, 0);
    }
    for (size_t p = 0; p < procs; p++) {
        write_full(srv[p].cmd_wr, "q", 1);
        waitpid(srv[p].pid, NULL, 0);
    }

    {
        long before = 0, idle = 0, active = 0;
        const double ramp_s = t_last > t_first ? (double)(t_last - t_first) / 1e9 : 0;
        char b[13][48];
        for (size_t p = 0; p < procs; p++) {
            before += rss0[p];
            idle += rss1[p];
            active += rss2[p];
        }
        printf("%-40s %s\n", "measure", "value");
        printf("--------------------------------------------------------------------------\n");
#define ROW(label, val) printf("%-40s %s\n", label, val)
        snprintf(b[0], 48, "%zu of %zu", total_est, g_opt.tunnels);
        ROW("tunnels established", b[0]);
        snprintf(b[1], 48, "%u", open_tunnels);
        ROW("open at the servers (idle)", b[1]);
        snprintf(b[2], 48, "%.1f s", ramp_s);
        ROW("ramp time", b[2]);
        snprintf(b[3], 48, "%.0f /s", ramp_s > 0 ? (double)total_est / ramp_s : 0);
        ROW("handshakes/s during the ramp", b[3]);
        snprintf(b[12], 48, "%.0f us (%.1f s in all)", total_est ? (cpu1 - cpu0) * 1e6 / (double)total_est : 0,
                 cpu1 - cpu0);
        ROW("server CPU per handshake (ramp)", b[12]);
        snprintf(b[4], 48, "%.2f / %.2f / %.2f ms", pct(hs, nhs, 0.5) / 1e3, pct(hs, nhs, 0.99) / 1e3,
                 nhs ? hs[nhs - 1] / 1e3 : 0.0);
        ROW("handshake time p50/p99/max", b[4]);
        snprintf(b[5], 48, "%.1f MiB", (double)before / 1024);
        ROW("server RSS before", b[5]);
        snprintf(b[6], 48, "%.1f MiB", (double)idle / 1024);
        ROW("server RSS, all idle", b[6]);
        snprintf(b[7], 48, "%.0f B", total_est ? (double)(idle - before) * 1024 / (double)total_est : 0);
        ROW("server RSS per tunnel (idle)", b[7]);
        snprintf(b[8], 48, "%.0f B", total_est ? (double)(active - before) * 1024 / (double)total_est : 0);
        ROW("server RSS per tunnel (after active)", b[8]);
        snprintf(b[9], 48, "%.0f B", total_est ? (double)client_rss * 1024 / (double)total_est : 0);
        ROW("client RSS per tunnel (all of it)", b[9]);
        snprintf(b[10], 48, "%llu sent, %llu echoed", (unsigned long long)sent, (unsigned long long)received);
        ROW("records in the active phase", b[10]);
        snprintf(b[11], 48, "%.0f / %.0f / %.0f us", pct(lat, nlat, 0.5), pct(lat, nlat, 0.99),
                 nlat ? (double)lat[nlat - 1] : 0.0);
        ROW("record round trip p50/p99/max", b[11]);
#undef ROW
        printf("--------------------------------------------------------------------------\n");
        printf("active phase: %.0f records/s in total on random tunnels for %.0f s, 64-byte payload, echoed by\n"
               "the server; round trip = client send to echo decrypted. RSS: VmRSS of the server processes.\n",
               g_opt.rate, g_opt.active_s);
        if (total_est != g_opt.tunnels || received != sent || send_fail != 0) {
            printf("NOTE: %zu tunnels failed, %llu records lost, %llu sends failed\n", total_failed,
                   (unsigned long long)(sent - received), (unsigned long long)send_fail);
            bad = 1;
        }
    }
    free(hs);
    free(lat);
    qstp_root_key_clear(&rk);
    qstp_server_key_clear(&skey);
    return bad;
}
