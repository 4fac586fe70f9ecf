/* `qstp client`: the blocking client (include/qstp/client.h) as nc (--stdio), or a local port
 * forwarder (-L, each local TCP connection gets its own tunnel, like ssh -L / stunnel client)
 * that runs as one event loop (src/net/local_fwd.h) whatever the number of connections.
 *
 * Ending: QSTP has no half-close (a close record ends the tunnel, WIRE §3.4). When the local side
 * (stdin or the local connection) ends, the client keeps the tunnel open until the server closes
 * it or nothing has arrived for --linger seconds, so a reply still in flight is delivered; then it
 * sends the close record. When the server closes the tunnel, the local side is shut down. */
#include "cli.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "crypto/ct.h"
#include "net/keyfile.h"
#include "net/local_fwd.h"
#include "net/netutil.h"
#include "qstp/client.h"
#include "qstp/revoke.h"
#include "qstp/session.h"

static const char CLIENT_HELP[] =
    "usage: qstp client --connect HOST:PORT (--dir DIR | --root FILE --cert FILE)\n"
    "                   [--stdio | -L [BIND:]PORT] [options]\n"
    "\n"
    "Opens a QSTP tunnel to a server after checking its certificate against the root.\n"
    "  --stdio              (default) stdin -> tunnel, tunnel -> stdout, like nc\n"
    "  -L [BIND:]PORT       listen on BIND:PORT (default 127.0.0.1) and give each local TCP\n"
    "                       connection its own tunnel (port forwarding)\n"
    "\n"
    "  --connect HOST:PORT  the server (a name, an IPv4 address or [IPv6])\n"
    "  --dir DIR            DIR/" CLI_ROOT_CERT_FILE " and DIR/" CLI_SERVER_CERT_FILE "\n"
    "  --root FILE          the root certificate you trust (overrides --dir)\n"
    "  --cert FILE          the server's certificate (overrides --dir)\n"
    "  --revocation FILE    refuse the server if its certificate is on this revocation list\n"
    "  --keepalive S        send a keep-alive after S idle seconds (our servers only)\n"
    "  --linger S           after local end of input, wait up to S seconds of silence for the\n"
    "                       server's remaining data (default 2)\n"
    "  --timeout S          connect + handshake timeout in seconds (default 10)\n"
    "  --verbose            report the connection and handshake time on stderr\n"
    "\n"
    "examples:\n"
    "  printf 'hi\\n' | qstp client --dir server --connect 127.0.0.1:32119\n"
    "  qstp client --root root.qrr --cert vpn1.qrc --connect vpn1:443 -L 8080\n";

typedef struct client_cfg {
    const qstp_root_certificate *root;
    const qstp_server_certificate *cert;
    char host[256];
    uint16_t port;
    qstp_client_options opt;
    uint32_t linger_s;
    int verbose;
} client_cfg;

typedef struct tunnel_io {
    qstp_client *c;
    int outfd; /* where tunnel data goes */
    int evfd;  /* eventfd: the tunnel closed */
    pthread_mutex_t mtx;
    int closed;
    qstp_errors reason;
    int out_failed;
    uint64_t last_rx_ms;
    uint64_t rx_bytes, tx_bytes;
} tunnel_io;

/* SIGINT/SIGTERM: set g_stop, and wake whoever waits (write(2) to an eventfd is
 * async-signal-safe): the --stdio pump, or the -L event loop, so Ctrl-C still ends every tunnel
 * with a close record. */
static volatile sig_atomic_t g_stop;
static volatile int g_sig_evfd = -1;
static qstp_local_fwd *volatile g_fwd; /* -L: the running forwarder */

static void on_signal(int sig)
{
    uint64_t one = 1;
    const int saved = errno; /* the interrupted code may be about to read it */
    (void)sig;
    g_stop = 1;
    if (g_fwd != NULL)
        qstp_local_fwd_stop(g_fwd); /* async-signal-safe: a flag and an eventfd write */
    if (g_sig_evfd >= 0) {
        ssize_t n = write(g_sig_evfd, &one, sizeof(one));
        (void)n;
    }
    errno = saved;
}

static void catch_signals(void)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    /* a SIGINT the shell ignores (a background job) stays ignored */
    if (sigaction(SIGINT, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
        sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void on_data(qstp_client *c, const uint8_t *data, size_t len, void *ctx)
{
    tunnel_io *t = ctx;
    int failed;
    (void)c;
    pthread_mutex_lock(&t->mtx);
    failed = t->out_failed;
    t->last_rx_ms = qstp_net_mono_ms();
    t->rx_bytes += len;
    pthread_mutex_unlock(&t->mtx);
    if (!failed && write_all(t->outfd, data, len) != 0) {
        pthread_mutex_lock(&t->mtx);
        t->out_failed = 1; /* the local reader is gone; the pump ends the tunnel */
        pthread_mutex_unlock(&t->mtx);
        {
            uint64_t one = 1;
            ssize_t n = write(t->evfd, &one, sizeof(one));
            (void)n;
        }
    }
}

static void on_closed(qstp_client *c, qstp_errors reason, void *ctx)
{
    tunnel_io *t = ctx;
    uint64_t one = 1;
    ssize_t n;
    (void)c;
    pthread_mutex_lock(&t->mtx);
    t->closed = 1;
    t->reason = reason;
    pthread_mutex_unlock(&t->mtx);
    n = write(t->evfd, &one, sizeof(one));
    (void)n;
}

/* Verifies the certificate with messages, then connects. NULL after printing why (*rc set). */
static qstp_client *open_tunnel(const client_cfg *cfg, int *rc, uint64_t *hs_ms, int quiet_errors)
{
    qstp_client *c = NULL;
    uint64_t t0 = qstp_net_mono_ms();
    int r = qstp_client_connect(&c, cfg->root, cfg->cert, cfg->host, cfg->port, &cfg->opt);
    *hs_ms = qstp_net_mono_ms() - t0;
    if (r != 0) {
        if (quiet_errors)
            *rc = CLI_NET;
        else
            *rc = cli_explain_connect(r, cfg->host, cfg->port);
        return NULL;
    }
    *rc = CLI_OK;
    return c;
}

/* One read's result (n bytes, 0 = end of input, < 0 = error): sent as one record, or the end of
 * input noted. */
static void pump_input(tunnel_io *t, const uint8_t *buf, ssize_t n, size_t bufsize, int *in_open,
                      uint64_t *eof_ms, int *streaming)
{
    if (n <= 0) {
        *in_open = 0;
        *streaming = 0;
        *eof_ms = qstp_net_mono_ms();
        return;
    }
    *streaming = (size_t)n == bufsize;
    if (qstp_client_send(t->c, buf, (size_t)n) != 0) {
        *streaming = 0; /* the tunnel went down; on_closed says why */
        return;
    }
    t->tx_bytes += (size_t)n;
}

/* Copies infd into the tunnel until infd ends or the tunnel closes, then lingers (see the file
 * comment) and closes. Returns the tunnel's end reason (qstp_error_none for a clean end). */
static qstp_errors pump(tunnel_io *t, int infd, uint32_t linger_s, int *peer_closed)
{
    /* One read fills one whole record (the largest the protocol allows, WIRE §2.6): per byte,
     * the fewest reads, records (each has a fixed MAC and header cost) and writes. */
    const size_t bufsize = QSTP_SESSION_SEND_MAX;
    uint8_t *buf = malloc(bufsize);
    int in_open = 1, streaming = 0, can_try = 1;
    uint64_t eof_ms = 0;
    qstp_errors why = qstp_error_none;
    *peer_closed = 0;
    if (buf == NULL)
        return qstp_error_memory_allocation;
    for (;;) {
        struct pollfd p[2];
        int closed, out_failed, timeout = -1;
        uint64_t last;
        pthread_mutex_lock(&t->mtx);
        closed = t->closed;
        out_failed = t->out_failed;
        why = t->reason;
        last = t->last_rx_ms;
        pthread_mutex_unlock(&t->mtx);
        if (closed) {
            *peer_closed = 1;
            break;
        }
        if (out_failed || g_stop)
            break;
        if (!in_open) {
            uint64_t now = qstp_net_mono_ms(), from = last > eof_ms ? last : eof_ms;
            uint64_t until = from + (uint64_t)linger_s * 1000u;
            if (now >= until)
                break;
            timeout = (int)(until - now);
        }
        if (in_open && streaming) {
            /* The last read filled the buffer, so more is probably waiting: try it before a
             * poll (one system call per record instead of two while data streams). The flags
             * above were just checked, so a stop is not missed. */
            ssize_t n = recv(infd, buf, bufsize, MSG_DONTWAIT);
            if (n < 0 && errno == ENOTSOCK)
                streaming = 0, can_try = 0; /* stdin is a pipe or file: poll, then read */
            else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
                streaming = 0;
            else {
                pump_input(t, buf, n, bufsize, &in_open, &eof_ms, &streaming);
                continue;
            }
        }
        p[0].fd = in_open ? infd : -1;
        p[0].events = POLLIN;
        p[1].fd = t->evfd;
        p[1].events = POLLIN;
        if (poll(p, 2, timeout) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[1].revents & POLLIN) {
            uint64_t v;
            ssize_t n = read(t->evfd, &v, sizeof(v));
            (void)n;
        }
        if (in_open && (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t n = read(infd, buf, bufsize);
            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            pump_input(t, buf, n, bufsize, &in_open, &eof_ms, &streaming);
            streaming &= can_try;
        }
    }
    qstp_wipe(buf, bufsize); /* plaintext */
    free(buf);
    return *peer_closed ? why : qstp_error_none;
}

static int tunnel_io_init(tunnel_io *t, int outfd)
{
    memset(t, 0, sizeof(*t));
    t->outfd = outfd;
    t->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (t->evfd < 0)
        return -1;
    pthread_mutex_init(&t->mtx, NULL);
    return 0;
}

static void tunnel_io_free(tunnel_io *t)
{
    if (t->evfd >= 0)
        close(t->evfd);
    pthread_mutex_destroy(&t->mtx);
}

static int run_stdio(const client_cfg *cfg)
{
    tunnel_io t;
    uint64_t hs;
    int rc, peer_closed = 0;
    qstp_errors why;
    const qstp_suite *su = qstp_suite_by_id(cfg->root->algorithm);
    if (tunnel_io_init(&t, STDOUT_FILENO) != 0)
        return CLI_NET;
    t.c = open_tunnel(cfg, &rc, &hs, 0);
    if (t.c == NULL) {
        tunnel_io_free(&t);
        return rc;
    }
    if (cfg->verbose)
        cli_log("client", "connected to %s port %u (suite %s, connect + handshake %llu ms)",
                cfg->host, (unsigned)cfg->port, su != NULL ? su->short_name : "?",
                (unsigned long long)hs);
    if (qstp_client_start_receiver(t.c, on_data, on_closed, &t) != 0) {
        qstp_client_close(t.c);
        tunnel_io_free(&t);
        cli_err("cannot start the receive thread");
        return CLI_NET;
    }
    g_sig_evfd = t.evfd;
    catch_signals();
    why = pump(&t, STDIN_FILENO, cfg->linger_s, &peer_closed);
    g_sig_evfd = -1;
    qstp_client_close(t.c);
    if (cfg->verbose)
        cli_log("client", "tunnel closed by %s (%llu bytes sent, %llu received)",
                peer_closed ? "the server" : "us", (unsigned long long)t.tx_bytes,
                (unsigned long long)t.rx_bytes);
    tunnel_io_free(&t);
    if (why != qstp_error_none) {
        cli_err("tunnel to %s port %u ended abnormally: %s; the server may have closed it (idle "
                "timeout, shutdown, revoked key, or its --forward backend is down), so reconnect or "
                "see its log",
                cfg->host, (unsigned)cfg->port, cli_errstr(why));
        return CLI_NET;
    }
    return CLI_OK;
}

/* ---------------- -L: local port forwarding ---------------- */

/* The forwarder is one event loop on this thread (src/net/local_fwd.c): no thread, buffer or
 * blocking client per local connection. These are its log lines. */
static void on_fwd_event(const qstp_local_fwd_event *ev, void *ctx)
{
    const client_cfg *cfg = ctx;
    switch (ev->kind) {
    case QSTP_LOCAL_FWD_OPEN:
        cli_log("client", "%s: tunnel to %s port %u open (handshake %llu ms)", ev->peer, cfg->host,
                (unsigned)cfg->port, (unsigned long long)ev->handshake_ms);
        break;
    case QSTP_LOCAL_FWD_FAILED:
        (void)cli_explain_connect(ev->error, cfg->host, cfg->port);
        cli_log("client", "%s: no tunnel (see above); closing the local connection", ev->peer);
        break;
    case QSTP_LOCAL_FWD_CLOSED:
        cli_log("client", "%s: tunnel closed by %s%s%s (%llu bytes sent, %llu received)", ev->peer,
                ev->by_server ? "the server" : "the local side",
                ev->reason != qstp_error_none ? ": " : "",
                ev->reason != qstp_error_none ? cli_errstr(ev->reason) : "",
                (unsigned long long)ev->tx_bytes, (unsigned long long)ev->rx_bytes);
        break;
    }
}

static int listen_local(const char *bind_host, uint16_t port)
{
    struct addrinfo hints, *res = NULL, *ai;
    char ps[8];
    int fd = -1, one = 1;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    snprintf(ps, sizeof(ps), "%u", (unsigned)port);
    if (getaddrinfo(bind_host, ps, &hints, &res) != 0)
        return -1;
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        /* a busy forwarded port may see a burst of connections: the system's largest backlog */
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, SOMAXCONN) == 0)
            break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

static int run_listen(const client_cfg *cfg, const char *spec)
{
    char bind_host[256];
    uint16_t lport;
    int lfd;
    uint64_t hs;
    int rc;
    qstp_client *probe;
    qstp_local_fwd *fwd = NULL;
    if (cli_parse_hostport(spec, bind_host, sizeof(bind_host), &lport, 1, "127.0.0.1") != 0)
        return cli_usage_error("client", "-L wants [BIND:]PORT, not '%s'", spec);
    /* One tunnel first, so a wrong address or certificate is reported now, not per connection. */
    probe = open_tunnel(cfg, &rc, &hs, 0);
    if (probe == NULL)
        return rc;
    qstp_client_close(probe);
    lfd = listen_local(bind_host, lport);
    if (lfd < 0) {
        cli_err("cannot listen on %s port %u: %s; choose a free local port", bind_host,
                (unsigned)lport, strerror(errno));
        return CLI_NET;
    }
    {
        qstp_local_fwd_config fc;
        memset(&fc, 0, sizeof(fc));
        fc.root = cfg->root;
        fc.cert = cfg->cert;
        fc.host = cfg->host;
        fc.port = cfg->port;
        fc.timeout_ms = cfg->opt.timeout_ms;
        fc.keepalive_interval = cfg->opt.keepalive_interval;
        fc.session_options = cfg->opt.session_options;
        fc.linger_ms = cfg->linger_s * 1000u;
        fc.on_event = on_fwd_event;
        fc.ctx = (void *)cfg;
        rc = qstp_local_fwd_new(&fwd, &fc, lfd);
        if (rc != 0) {
            close(lfd);
            return cli_explain_connect(rc, cfg->host, cfg->port);
        }
    }
    g_fwd = fwd;
    catch_signals();
    cli_log("client", "forwarding %s port %u to %s port %u through QSTP (handshake %llu ms); "
            "Ctrl-C stops", bind_host, (unsigned)lport, cfg->host, (unsigned)cfg->port,
            (unsigned long long)hs);
    if (g_stop) /* a signal that came before g_fwd was set */
        qstp_local_fwd_stop(fwd);
    (void)qstp_local_fwd_run(fwd); /* until SIGINT/SIGTERM; every tunnel gets a close record */
    g_fwd = NULL;
    qstp_local_fwd_free(fwd);
    close(lfd);
    cli_log("client", "stopped");
    return CLI_OK;
}

int cli_cmd_client(int argc, char **argv)
{
    const char *dir = NULL, *root_s = NULL, *cert_s = NULL, *connect_s = NULL, *listen_s = NULL;
    const char *ka_s = NULL, *linger_s = NULL, *timeout_s = NULL, *revo = NULL;
    int stdio_ = 0, verbose = 0, r, rc = CLI_FILE;
    char rp[CLI_PATH_MAX], cp[CLI_PATH_MAX];
    const char *rootpath, *certpath;
    uint32_t v;
    client_cfg cfg;
    qstp_root_certificate *root = NULL;
    qstp_server_certificate *cert = NULL;
    const cli_opt opts[] = {
        {"--dir", NULL, 1, &dir, NULL},           {"--root", NULL, 1, &root_s, NULL},
        {"--cert", NULL, 1, &cert_s, NULL},       {"--connect", "-c", 1, &connect_s, NULL},
        {"--stdio", NULL, 0, NULL, &stdio_},      {"--listen", "-L", 1, &listen_s, NULL},
        {"--keepalive", NULL, 1, &ka_s, NULL},    {"--linger", NULL, 1, &linger_s, NULL},
        {"--timeout", NULL, 1, &timeout_s, NULL}, {"--revocation", NULL, 1, &revo, NULL},
        {"--verbose", "-v", 0, NULL, &verbose},
    };
    size_t npos;
    memset(&cfg, 0, sizeof(cfg));
    r = cli_parse("client", argc, argv, opts, sizeof(opts) / sizeof(opts[0]), NULL, 0, &npos);
    if (r == CLI_PARSE_HELP) {
        fputs(CLIENT_HELP, stdout);
        return CLI_OK;
    }
    if (r != 0)
        return r;
    if (connect_s == NULL)
        return cli_usage_error("client", "--connect HOST:PORT is required");
    if (cli_parse_hostport(connect_s, cfg.host, sizeof(cfg.host), &cfg.port, 0, "") != 0)
        return cli_usage_error("client", "--connect wants HOST:PORT or [IPv6]:PORT, not '%s'",
                               connect_s);
    if (stdio_ && listen_s != NULL)
        return cli_usage_error("client", "choose --stdio or -L, not both");
    if ((r = cli_trust_paths("client", dir, root_s, cert_s, rp, cp, &rootpath, &certpath)) != 0)
        return r;
    qstp_client_options_default(&cfg.opt);
    cfg.linger_s = 2;
    cfg.verbose = verbose;
    if (ka_s != NULL) {
        if (cli_parse_u32(ka_s, 1, 86400, &v) != 0)
            return cli_usage_error("client", "--keepalive must be 1..86400 seconds, not '%s'", ka_s);
        cfg.opt.keepalive_interval = v;
    }
    if (linger_s != NULL && cli_parse_u32(linger_s, 0, 3600, &cfg.linger_s) != 0)
        return cli_usage_error("client", "--linger must be 0..3600 seconds, not '%s'", linger_s);
    if (timeout_s != NULL) {
        if (cli_parse_u32(timeout_s, 1, 3600, &v) != 0)
            return cli_usage_error("client", "--timeout must be 1..3600 seconds, not '%s'",
                                   timeout_s);
        cfg.opt.timeout_ms = v * 1000u;
    }

    root = calloc(1, sizeof(*root));
    cert = calloc(1, sizeof(*cert));
    if (root == NULL || cert == NULL)
        goto done;
    if (cli_load_root_cert(rootpath, root) != 0 || cli_load_server_cert(certpath, cert) != 0)
        goto done;
    /* the reference checks the certificate before connecting (QSTP-WIRE §9.2); doing it here
     * gives a sentence that names the files */
    r = qstp_server_certificate_verify(cert, root, cli_now());
    if (r != 0) {
        rc = cli_explain_verify(r, certpath, cert, rootpath, root);
        goto done;
    }
    if (revo != NULL && (rc = cli_check_revocation(revo, cert, certpath, root, rootpath)) != 0)
        goto done;
    cfg.root = root;
    cfg.cert = cert;
    rc = listen_s != NULL ? run_listen(&cfg, listen_s) : run_stdio(&cfg);
done:
    free(root);
    free(cert);
    return rc;
}
