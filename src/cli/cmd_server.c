/* `qstp server`: the epoll server (include/qstp/server.h) with one of three data modes:
 * --echo (send every record back), --forward HOST:PORT (forward.c), --stdio (tunnel data to
 * stdout, stdin to every tunnel). SIGINT/SIGTERM drain and quit (close records, §3.4); SIGHUP
 * reloads the key and certificates (qstp_server_reload: existing tunnels keep their keys). */
#include "cli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server_conf.h"
#include "qstp/server.h"

static const char SERVER_HELP[] =
    "usage: qstp server (--dir DIR | --key FILE --cert FILE [--key FILE --cert FILE ...]\n"
    "                   --root FILE) [--listen ADDR:PORT] (--echo | --forward HOST:PORT | --stdio)\n"
    "                   [options]\n"
    "       qstp server --config FILE [options]\n"
    "\n"
    "Runs a QSTP server. Each accepted tunnel is handled by the mode:\n"
    "  --echo               send every message back (a test peer)\n"
    "  --forward HOST:PORT  connect each tunnel to this TCP backend and copy bytes both ways\n"
    "                       (like stunnel); the backend closing ends the tunnel\n"
    "  --stdio              write tunnel data to stdout; send stdin to every open tunnel\n"
    "\n"
    "  --dir DIR            DIR/" CLI_SERVER_KEY_FILE ", DIR/" CLI_SERVER_CERT_FILE " and DIR/"
    CLI_ROOT_CERT_FILE "\n"
    "                       (the directory made by 'qstp root sign')\n"
    "  --key FILE           server secret key (overrides --dir)\n"
    "  --cert FILE          server certificate (overrides --dir)\n"
    "                       --key/--cert may repeat: pairs in order, for key rotation (the\n"
    "                       client's connect request names the serial the server uses)\n"
    "  --root FILE          root certificate (overrides --dir); also checks revocation notices\n"
    "  --listen ADDR:PORT   listen address (default [::]:32119, both IPv4 and IPv6); PORT alone\n"
    "                       means all addresses; port 0 lets the system choose (it is logged)\n"
    "  --max-tunnels N      refuse tunnels beyond N (default 10000)\n"
    "  --idle-timeout S     close tunnels silent for S seconds (default 900)\n"
    "  --threads N          event loops and handshake workers (default: one per core)\n"
    "  --max-queued MB      unsent MiB per tunnel before a client that does not read is\n"
    "                       dropped (default 8; --forward pauses the backend instead)\n"
    "  --config FILE        services from a file ([service NAME] sections of key = value\n"
    "                       lines, the option names without dashes; docs/CLI.md)\n"
    "  --log-format F       text (default) or json (one JSON object per line)\n"
    "  --quiet              log warnings and errors only\n"
    "  --verbose            log debug lines too\n"
    "\n"
    "Logs one line per tunnel event to stderr. SIGINT/SIGTERM close every tunnel cleanly and\n"
    "exit; SIGHUP reloads every key and certificate (new tunnels use them, open ones continue).\n"
    "\n"
    "examples:\n"
    "  qstp server --dir server --listen 0.0.0.0:32119 --echo\n"
    "  qstp server --dir server --listen 0.0.0.0:443 --forward 127.0.0.1:8080\n"
    "  qstp server --key new/" CLI_SERVER_KEY_FILE " --cert new/" CLI_SERVER_CERT_FILE "\n"
    "              --key old/" CLI_SERVER_KEY_FILE " --cert old/" CLI_SERVER_CERT_FILE "\n"
    "              --root new/" CLI_ROOT_CERT_FILE " --echo\n";

enum mode { MODE_ECHO = 1, MODE_FORWARD, MODE_STDIO };

#define STDIO_MAX_TUNNELS 64

typedef struct srv_state {
    enum mode mode;
    qstp_server *srv; /* set once started (stdio reader) */
    pthread_mutex_t mtx;
    int mtx_ready;
    qstp_tunnel_id open[STDIO_MAX_TUNNELS]; /* stdio mode: tunnels that get stdin */
    size_t nopen;
    const char *keypath[CLI_SERVER_MAX_PAIRS], *certpath[CLI_SERVER_MAX_PAIRS], *rootpath;
    size_t npairs;
    char kp[CLI_PATH_MAX], cp[CLI_PATH_MAX], rp[CLI_PATH_MAX]; /* --dir paths */
    char who[80];          /* "server" or "server NAME" (several services) */
    char host[256], fhost[256];
    const char *fwd_s;
    uint16_t port, fport;
    qstp_server_options opt;
    uint8_t root_alg, root_serial[QSTP_SERIAL_SIZE];
    /* While qstp_server_start runs, the library's error lines are kept here instead of being
     * logged, so a failed start is one sentence (the line and what to do), not two. */
    atomic_int starting;
    char start_err[256];
} srv_state;

static void log_line(void *ctx, qstp_log_level level, const char *line)
{
    srv_state *st = ctx;
    if (level == QSTP_LOG_ERROR && atomic_load(&st->starting)) {
        if (st->start_err[0] == '\0') /* the first error is the cause */
            snprintf(st->start_err, sizeof(st->start_err), "%s", line);
        return;
    }
    if (cli_log_is_json()) {
        cli_log_json_line(st->who, level == QSTP_LOG_ERROR ? "error" : level == QSTP_LOG_WARN ?
                          "warning" : level == QSTP_LOG_DEBUG ? "debug" : "info", line);
        return;
    }
    cli_log(st->who, "%s%s", level >= QSTP_LOG_WARN ? (level == QSTP_LOG_ERROR ? "error: " :
                                                                                 "warning: ") : "",
            line);
}

static void on_established(qstp_server *srv, const qstp_tunnel_info *info, void *ctx)
{
    srv_state *st = ctx;
    (void)srv;
    if (cli_log_is_json()) {
        /* the library's line has no tunnel id; this event ties peer, id, suite and key serial */
        char id[24], ser[2 * QSTP_SERIAL_SIZE + 1];
        const char *kv[8];
        snprintf(id, sizeof(id), "%llu", (unsigned long long)info->id);
        cli_hex(ser, info->server_serial, QSTP_SERIAL_SIZE);
        kv[0] = "peer"; kv[1] = info->peer;
        kv[2] = "tunnel"; kv[3] = id;
        kv[4] = "suite"; kv[5] = info->suite != NULL ? info->suite->short_name : NULL;
        kv[6] = "serial"; kv[7] = ser;
        cli_log_json(st->who, "info", "tunnel_open", kv, 8, NULL);
    }
    if (st->mode == MODE_STDIO) { /* --forward: the server's loop joins the backend itself */
        pthread_mutex_lock(&st->mtx);
        if (st->nopen < STDIO_MAX_TUNNELS)
            st->open[st->nopen++] = info->id;
        pthread_mutex_unlock(&st->mtx);
    }
}

static void write_all_fd(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void on_data(qstp_server *srv, qstp_tunnel_id id, const uint8_t *data, size_t len, void *ctx)
{
    srv_state *st = ctx;
    switch (st->mode) {
    case MODE_ECHO:
        (void)qstp_server_send(srv, id, data, len);
        break;
    case MODE_FORWARD: /* not called: the server writes to the backend itself */
        break;
    case MODE_STDIO:
        pthread_mutex_lock(&st->mtx);
        write_all_fd(STDOUT_FILENO, data, len);
        pthread_mutex_unlock(&st->mtx);
        break;
    }
}

static void on_closed(qstp_server *srv, qstp_tunnel_id id, qstp_errors reason, void *ctx)
{
    srv_state *st = ctx;
    (void)srv;
    if (cli_log_is_json()) {
        char ids[24];
        const char *kv[4];
        snprintf(ids, sizeof(ids), "%llu", (unsigned long long)id);
        kv[0] = "tunnel"; kv[1] = ids;
        kv[2] = "reason"; kv[3] = reason == qstp_error_none ? "normal" : cli_errstr(reason);
        cli_log_json(st->who, "info", "tunnel_close", kv, 4, NULL);
    }
    if (st->mode == MODE_STDIO) {
        pthread_mutex_lock(&st->mtx);
        for (size_t i = 0; i < st->nopen; i++)
            if (st->open[i] == id) {
                st->open[i] = st->open[--st->nopen];
                break;
            }
        pthread_mutex_unlock(&st->mtx);
    }
}

/* stdio mode: stdin is sent to every open tunnel. */
static void *stdin_reader(void *arg)
{
    srv_state *st = arg;
    uint8_t buf[16384];
    /* cancelled at shutdown: only while blocked in read(), never inside a server call */
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
    for (;;) {
        ssize_t n;
        qstp_tunnel_id ids[STDIO_MAX_TUNNELS];
        size_t k;
        pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
        n = read(STDIN_FILENO, buf, sizeof(buf));
        pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        pthread_mutex_lock(&st->mtx);
        k = st->nopen;
        memcpy(ids, st->open, k * sizeof(ids[0]));
        pthread_mutex_unlock(&st->mtx);
        for (size_t i = 0; i < k; i++)
            (void)qstp_server_send(st->srv, ids[i], buf, (size_t)n);
    }
    return NULL;
}

/* Key + certificate + root, checked together the way a client will check them (so a server
 * never starts with material no client accepts). 0 or CLI_FILE after a sentence. */
static int load_material(const char *keypath, const char *certpath, const char *rootpath,
                         qstp_server_key *key, qstp_root_certificate *root)
{
    qstp_server_certificate *cert = calloc(1, sizeof(*cert));
    char t[QSTP_TIME_STRING_SIZE];
    int r, rc = CLI_FILE;
    if (cert == NULL)
        return CLI_FILE;
    if (cli_load_root_cert(rootpath, root) != 0 ||
        cli_load_server_cert(certpath, cert) != 0 || cli_load_server_key(keypath, key) != 0)
        goto done;
    r = qstp_server_certificate_verify(cert, root, cli_now());
    if (r != 0) {
        cli_explain_verify(r, certpath, cert, rootpath, root);
        goto done;
    }
    if (qstp_server_key_matches_certificate(key, cert) != 0) {
        cli_err("server key %s does not belong to certificate %s (different serial or key); use "
                "the pair written together by 'qstp root sign'", keypath, certpath);
        goto done;
    }
    if (cli_now() > key->to) {
        (void)qstp_cert_time_format(t, key->to);
        cli_err("server key %s expired on %s; ask the root operator for a new key and certificate",
                keypath, t);
        goto done;
    }
    if ((r = qstp_server_key_set_schash(key, root, cert)) != 0) {
        cli_err("cannot bind key %s to root %s: %s", keypath, rootpath,
                cli_errstr(qstp_error_of(r)));
        goto done;
    }
    rc = CLI_OK;
done:
    if (rc != CLI_OK)
        qstp_server_key_clear(key);
    free(cert);
    return rc;
}

/* Every pair of the service (key rotation: several pairs under one root). keys has st->npairs
 * entries. Two pairs with the same serial would make the choice ambiguous: refused. */
static int load_all(const srv_state *st, qstp_server_key *keys, qstp_root_certificate *root)
{
    for (size_t i = 0; i < st->npairs; i++) {
        if (load_material(st->keypath[i], st->certpath[i], st->rootpath, &keys[i], root) != 0)
            goto fail;
        for (size_t j = 0; j < i; j++)
            if (memcmp(keys[j].serial, keys[i].serial, QSTP_SERIAL_SIZE) == 0) {
                cli_err("server keys %s and %s have the same serial; give each key once",
                        st->keypath[j], st->keypath[i]);
                qstp_server_key_clear(&keys[i]);
                goto fail;
            }
    }
    return CLI_OK;
fail:
    for (size_t i = 0; i < st->npairs; i++)
        qstp_server_key_clear(&keys[i]);
    return CLI_FILE;
}

/* Where a setting came from, for error sentences: the command line, or FILE:LINE. */
static int conf_error(const cli_server_conf *c, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int conf_error(const cli_server_conf *c, int line, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (c->file != NULL && strncmp(msg, "--", 2) == 0)
        memmove(msg, msg + 2, strlen(msg + 2) + 1); /* in a file the option is a key: no dashes */
    if (c->file != NULL && line > 0) {
        fprintf(stderr, "qstp: %s:%d: %s\n", c->file, line, msg);
        return CLI_USAGE;
    }
    if (c->file != NULL) {
        fprintf(stderr, "qstp: %s: service '%s': %s\n", c->file, c->name, msg);
        return CLI_USAGE;
    }
    return cli_usage_error("server", "%s", msg);
}

#define V(k) (c->v[k])
#define L(k) (c->line[k])

/* Turns one service's settings into a ready-to-start state (paths, address, options). */
static int prepare(const cli_server_conf *c, srv_state *st, int named)
{
    uint32_t v;
    int echo = V(CLI_SO_ECHO) != NULL, stdio_ = V(CLI_SO_STDIO) != NULL;
    const char *dir = V(CLI_SO_DIR), *listen_s = V(CLI_SO_LISTEN);
    snprintf(st->who, sizeof(st->who), named ? "server %s" : "server", c->name);
    if (echo + stdio_ + (V(CLI_SO_FORWARD) != NULL) != 1)
        return conf_error(c, 0, "choose exactly one mode: --echo, --forward HOST:PORT or --stdio");
    st->mode = echo ? MODE_ECHO : stdio_ ? MODE_STDIO : MODE_FORWARD;
    st->fwd_s = V(CLI_SO_FORWARD);
    if (c->nkeys != c->ncerts)
        return conf_error(c, 0, "give --key and --cert in pairs (%zu key(s), %zu certificate(s))",
                          c->nkeys, c->ncerts);
    if (dir == NULL && (c->nkeys == 0 || V(CLI_SO_ROOT) == NULL))
        return conf_error(c, 0, "give --dir DIR, or all of --key, --cert and --root");
    if (dir != NULL && !cli_is_dir(dir)) {
        cli_err("server directory %s does not exist; create it with 'qstp root sign --out %s'",
                dir, dir);
        return CLI_FILE;
    }
    if (dir != NULL && (cli_join(st->kp, sizeof(st->kp), dir, CLI_SERVER_KEY_FILE) != 0 ||
                        cli_join(st->cp, sizeof(st->cp), dir, CLI_SERVER_CERT_FILE) != 0 ||
                        cli_join(st->rp, sizeof(st->rp), dir, CLI_ROOT_CERT_FILE) != 0))
        return conf_error(c, L(CLI_SO_DIR), "--dir path is too long");
    if (c->nkeys > 0) {
        st->npairs = c->nkeys;
        for (size_t i = 0; i < c->nkeys; i++) {
            st->keypath[i] = c->keys[i];
            st->certpath[i] = c->certs[i];
        }
    } else {
        st->npairs = 1;
        st->keypath[0] = st->kp;
        st->certpath[0] = st->cp;
    }
    st->rootpath = V(CLI_SO_ROOT) != NULL ? V(CLI_SO_ROOT) : st->rp;
    strcpy(st->host, "::");
    st->port = QSTP_SERVER_DEFAULT_PORT;
    if (listen_s != NULL) {
        if (strcmp(listen_s, "0") == 0 || (strlen(listen_s) > 2 &&
                                           strcmp(listen_s + strlen(listen_s) - 2, ":0") == 0)) {
            /* port 0: the system chooses */
            size_t hl = strlen(listen_s) > 2 ? strlen(listen_s) - 2 : 0;
            if (hl == 0)
                strcpy(st->host, "::");
            else if (listen_s[0] == '[' && hl >= 2 && listen_s[hl - 1] == ']' &&
                     hl - 2 < sizeof(st->host))
                snprintf(st->host, sizeof(st->host), "%.*s", (int)(hl - 2), listen_s + 1);
            else if (hl < sizeof(st->host))
                snprintf(st->host, sizeof(st->host), "%.*s", (int)hl, listen_s);
            st->port = 0;
        } else if (cli_parse_hostport(listen_s, st->host, sizeof(st->host), &st->port, 1, "::") !=
                   0) {
            return conf_error(c, L(CLI_SO_LISTEN), "--listen wants ADDR:PORT, [IPv6]:PORT or "
                              "PORT, not '%s'", listen_s);
        }
    }
    {
        unsigned char a[sizeof(struct in6_addr)];
        if (inet_pton(AF_INET, st->host, a) != 1 && inet_pton(AF_INET6, st->host, a) != 1)
            return conf_error(c, L(CLI_SO_LISTEN), "--listen takes an IP address, not a name "
                              "('%s'); use e.g. 127.0.0.1:PORT, [::1]:PORT or 0.0.0.0:PORT",
                              st->host);
    }
    if (st->fwd_s != NULL && cli_parse_hostport(st->fwd_s, st->fhost, sizeof(st->fhost),
                                                &st->fport, 0, "") != 0)
        return conf_error(c, L(CLI_SO_FORWARD), "--forward wants HOST:PORT, not '%s'", st->fwd_s);
    qstp_server_options_default(&st->opt);
    if (V(CLI_SO_MAXT) != NULL) {
        if (cli_parse_u32(V(CLI_SO_MAXT), 1, 1000000, &v) != 0)
            return conf_error(c, L(CLI_SO_MAXT), "--max-tunnels must be 1..1000000, not '%s'",
                              V(CLI_SO_MAXT));
        st->opt.max_tunnels = v;
    }
    if (V(CLI_SO_IDLE) != NULL) {
        if (cli_parse_u32(V(CLI_SO_IDLE), 1, 86400 * 30, &v) != 0)
            return conf_error(c, L(CLI_SO_IDLE), "--idle-timeout must be 1..2592000 seconds, not "
                              "'%s'", V(CLI_SO_IDLE));
        st->opt.idle_timeout = v;
    }
    if (V(CLI_SO_MAXQ) != NULL) {
        if (cli_parse_u32(V(CLI_SO_MAXQ), 1, 4096, &v) != 0)
            return conf_error(c, L(CLI_SO_MAXQ), "--max-queued must be 1..4096 MiB, not '%s'",
                              V(CLI_SO_MAXQ));
        st->opt.max_queued = (size_t)v << 20;
    }
    if (V(CLI_SO_THREADS) != NULL) {
        if (cli_parse_u32(V(CLI_SO_THREADS), 1, 256, &v) != 0)
            return conf_error(c, L(CLI_SO_THREADS), "--threads must be 1..256, not '%s'",
                              V(CLI_SO_THREADS));
        st->opt.loops = v;
        st->opt.workers = v;
    }
    st->opt.address = st->host;
    st->opt.port = st->port;
    st->opt.ephemeral_port = st->port == 0;
    st->opt.cb.on_established = on_established;
    st->opt.cb.on_data = on_data;
    st->opt.cb.on_closed = on_closed;
    st->opt.cb.ctx = st;
    st->opt.log = log_line;
    st->opt.log_ctx = st;
    st->opt.log_level = V(CLI_SO_QUIET) != NULL ? QSTP_LOG_WARN : V(CLI_SO_VERBOSE) != NULL ?
                        QSTP_LOG_DEBUG : QSTP_LOG_INFO;
    return CLI_OK;
}

/* A failed qstp_server_start as one sentence: the library's first error line says what failed
 * (listen or backend), the errno text in it says why; we add what to do. */
static void explain_start(const srv_state *st, int r)
{
    const char *e = st->start_err;
    const unsigned port = st->port;
    if (strstr(e, "address in use") != NULL)
        cli_err("cannot listen on %s port %u: another program already listens there; stop it or "
                "choose another --listen port", st->host, port);
    else if (strstr(e, "Cannot assign requested address") != NULL)
        cli_err("cannot listen on %s port %u: that address is not on this machine; use one of "
                "its addresses, or 0.0.0.0 / [::] for all", st->host, port);
    else if (strstr(e, "Permission denied") != NULL)
        cli_err("cannot listen on %s port %u: permission denied (ports below 1024 need root or "
                "CAP_NET_BIND_SERVICE); choose a port from 1024 up", st->host, port);
    else if (strstr(e, "cannot resolve the backend") != NULL)
        cli_err("cannot resolve the --forward backend %s; check the host name (the server "
                "resolves it once, at start)", st->fwd_s);
    else if (e[0] != '\0')
        cli_err("cannot start the server on %s port %u: %s", st->host, port, e);
    else
        cli_err("cannot start the server on %s port %u: %s", st->host, port,
                cli_errstr(qstp_error_of(r)));
}

/* Loads the material and starts the server of one prepared service. */
static int start_one(srv_state *st)
{
    qstp_server_key *keys = calloc(st->npairs, sizeof(*keys));
    qstp_root_certificate *root = calloc(1, sizeof(*root));
    int rc = CLI_FILE, r;
    if (keys == NULL || root == NULL)
        goto done;
    if ((rc = load_all(st, keys, root)) != 0)
        goto done;
    rc = CLI_NET;
    pthread_mutex_init(&st->mtx, NULL);
    st->mtx_ready = 1;
    if (st->mode == MODE_FORWARD) {
        /* forwarding is part of the server's event loops (src/net/forward.c) */
        st->opt.forward_host = st->fhost;
        st->opt.forward_port = st->fport;
    }
    st->start_err[0] = '\0';
    atomic_store(&st->starting, 1);
    r = qstp_server_start(&st->srv, &st->opt, keys, st->npairs, root);
    atomic_store(&st->starting, 0);
    if (r != 0) {
        st->srv = NULL;
        explain_start(st, r);
        goto done;
    }
    if (st->start_err[0] != '\0') /* an error that did not stop the start: log it after all */
        log_line(st, QSTP_LOG_ERROR, st->start_err);
    st->root_alg = root->algorithm;
    memcpy(st->root_serial, root->serial, QSTP_SERIAL_SIZE);
    {
        const qstp_suite *su = qstp_suite_by_id(root->algorithm);
        cli_log(st->who, "ready on %s port %u, suite %s, %zu key(s), mode %s%s", st->host,
                (unsigned)qstp_server_port(st->srv), su != NULL ? su->short_name : "?", st->npairs,
                st->mode == MODE_ECHO ? "echo" : st->mode == MODE_STDIO ? "stdio" : "forward to ",
                st->mode == MODE_FORWARD ? st->fwd_s : "");
    }
    rc = CLI_OK;
done:
    if (keys != NULL) {
        for (size_t i = 0; i < st->npairs; i++)
            qstp_server_key_clear(&keys[i]); /* the server holds its own copy */
        free(keys);
    }
    free(root);
    return rc;
}

/* SIGHUP: every pair of the service again, checked as at start; the old keys stay on failure. */
static void reload_one(srv_state *st)
{
    qstp_server_key *nk = calloc(st->npairs, sizeof(*nk));
    qstp_root_certificate *nr = calloc(1, sizeof(*nr));
    int r;
    cli_log(st->who, "SIGHUP: reloading %zu key/certificate pair(s)", st->npairs);
    if (nk != NULL && nr != NULL && load_all(st, nk, nr) == 0) {
        if (nr->algorithm != st->root_alg ||
            memcmp(nr->serial, st->root_serial, QSTP_SERIAL_SIZE) != 0)
            cli_log(st->who, "error: the reloaded root %s is not the running root; restart the "
                    "server to change roots (keys not reloaded)", st->rootpath);
        else if ((r = qstp_server_reload(st->srv, nk, st->npairs)) != 0)
            cli_log(st->who, "error: reload failed: %s; still using the old keys",
                    cli_errstr(qstp_error_of(r)));
        else
            cli_log(st->who, "reloaded: new tunnels use the new keys");
    } else {
        cli_log(st->who, "error: reload failed (see above); still using the old keys");
    }
    if (nk != NULL) {
        for (size_t i = 0; i < st->npairs; i++)
            qstp_server_key_clear(&nk[i]);
        free(nk);
    }
    free(nr);
}

static void stop_one(srv_state *st)
{
    if (st->srv != NULL) {
        qstp_server_stats stats;
        qstp_server_get_stats(st->srv, &stats);
        cli_log(st->who, "shutting down: closing %u tunnel(s) (%llu established in total)",
                stats.tunnels, (unsigned long long)stats.established);
        qstp_server_quit(st->srv);
        st->srv = NULL;
    }
    if (st->mtx_ready) {
        pthread_mutex_destroy(&st->mtx);
        st->mtx_ready = 0;
    }
}

/* --key/--cert may repeat (key rotation), which the one-value parser cannot keep: collect them
 * in order first. */
static int collect_pairs(int argc, char **argv, cli_server_conf *c)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
        int is_key;
        if (strcmp(a, "--") == 0)
            break;
        if (strcmp(a, "--key") == 0 || strcmp(a, "--cert") == 0) {
            if (i + 1 >= argc)
                return 0; /* cli_parse reports the missing value */
            val = argv[++i];
        } else if (strncmp(a, "--key=", 6) == 0 || strncmp(a, "--cert=", 7) == 0) {
            val = strchr(a, '=') + 1;
        } else {
            continue;
        }
        is_key = a[2] == 'k';
        if ((is_key ? c->nkeys : c->ncerts) >= CLI_SERVER_MAX_PAIRS)
            return cli_usage_error("server", "at most %d --key/--cert pairs",
                                   CLI_SERVER_MAX_PAIRS);
        if (is_key)
            c->keys[c->nkeys++] = val;
        else
            c->certs[c->ncerts++] = val;
    }
    return 0;
}

int cli_cmd_server(int argc, char **argv)
{
    cli_server_conf cl;
    cli_server_conf_file *cf = NULL;
    srv_state *st = NULL;
    size_t nsvc = 0, started = 0;
    const char *lastkey = NULL, *lastcert = NULL, *config = NULL;
    sigset_t sigs;
    pthread_t reader;
    int reader_started = 0, rc = CLI_USAGE, r;
    memset(&cl, 0, sizeof(cl));
    {
        const cli_opt opts[] = {
            {"--dir", NULL, 1, &cl.v[CLI_SO_DIR], NULL},
            {"--key", NULL, 1, &lastkey, NULL},
            {"--cert", NULL, 1, &lastcert, NULL},
            {"--root", NULL, 1, &cl.v[CLI_SO_ROOT], NULL},
            {"--listen", NULL, 1, &cl.v[CLI_SO_LISTEN], NULL},
            {"--forward", NULL, 1, &cl.v[CLI_SO_FORWARD], NULL},
            {"--echo", NULL, 0, NULL, &cl.flag[CLI_SO_ECHO]},
            {"--stdio", NULL, 0, NULL, &cl.flag[CLI_SO_STDIO]},
            {"--max-tunnels", NULL, 1, &cl.v[CLI_SO_MAXT], NULL},
            {"--idle-timeout", NULL, 1, &cl.v[CLI_SO_IDLE], NULL},
            {"--threads", NULL, 1, &cl.v[CLI_SO_THREADS], NULL},
            {"--max-queued", NULL, 1, &cl.v[CLI_SO_MAXQ], NULL},
            {"--log-format", NULL, 1, &cl.v[CLI_SO_LOGFMT], NULL},
            {"--quiet", "-q", 0, NULL, &cl.flag[CLI_SO_QUIET]},
            {"--verbose", "-v", 0, NULL, &cl.flag[CLI_SO_VERBOSE]},
            {"--config", NULL, 1, &config, NULL},
        };
        size_t npos;
        r = cli_parse("server", argc, argv, opts, sizeof(opts) / sizeof(opts[0]), NULL, 0, &npos);
        if (r == CLI_PARSE_HELP) {
            fputs(SERVER_HELP, stdout);
            return CLI_OK;
        }
        if (r != 0)
            return r;
        if ((r = collect_pairs(argc, argv, &cl)) != 0)
            return r;
        /* flags become "1" so file and command line share one representation */
        for (int k = 0; k < CLI_SO_COUNT; k++)
            if (cl.flag[k])
                cl.v[k] = "1";
        strcpy(cl.name, "default");
    }
    if (config != NULL) {
        if ((rc = cli_server_conf_load(config, &cf)) != 0)
            return rc;
        if ((rc = cli_server_conf_merge(cf, &cl)) != 0)
            goto done;
        nsvc = cf->n;
    } else {
        nsvc = 1;
    }
    {
        const cli_server_conf *first = cf != NULL ? &cf->svc[0] : &cl;
        const char *lf = NULL;
        for (size_t i = 0; i < nsvc; i++) {
            const cli_server_conf *c = cf != NULL ? &cf->svc[i] : &cl;
            if (c->v[CLI_SO_LOGFMT] != NULL)
                lf = c->v[CLI_SO_LOGFMT];
        }
        if (lf != NULL && strcmp(lf, "json") != 0 && strcmp(lf, "text") != 0) {
            rc = conf_error(first, first->line[CLI_SO_LOGFMT], "--log-format is text or json, "
                            "not '%s'", lf);
            goto done;
        }
        cli_log_set_json(lf != NULL && strcmp(lf, "json") == 0);
    }
    st = calloc(nsvc, sizeof(*st));
    if (st == NULL) {
        rc = CLI_FILE;
        goto done;
    }
    for (size_t i = 0; i < nsvc; i++) {
        const cli_server_conf *c = cf != NULL ? &cf->svc[i] : &cl;
        if ((rc = prepare(c, &st[i], nsvc > 1)) != 0)
            goto done;
        if (st[i].mode == MODE_STDIO && nsvc > 1) {
            rc = conf_error(c, c->line[CLI_SO_STDIO], "--stdio needs a single service (stdin "
                            "cannot be shared)");
            goto done;
        }
    }

    /* Signals are taken by sigwait below; block them before any thread exists so every server
     * thread inherits the mask. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);

    for (started = 0; started < nsvc; started++)
        if ((rc = start_one(&st[started])) != 0) {
            stop_one(&st[started]);
            goto done;
        }
    if (st[0].mode == MODE_STDIO && pthread_create(&reader, NULL, stdin_reader, &st[0]) == 0)
        reader_started = 1;

    for (;;) {
        int sig = 0;
        if (sigwait(&sigs, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            for (size_t i = 0; i < nsvc; i++)
                reload_one(&st[i]);
            continue;
        }
        break;
    }
    if (reader_started) {
        pthread_cancel(reader);
        pthread_join(reader, NULL);
    }
    rc = CLI_OK; /* each server logged "stopped" */
done:
    if (st != NULL) {
        for (size_t i = 0; i < started; i++)
            stop_one(&st[i]);
        free(st);
    }
    cli_server_conf_free(cf);
    return rc;
}
