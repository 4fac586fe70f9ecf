/* `qstp server`: the epoll server (include/qstp/server.h) with one of three data modes:
 * --echo (send every record back), --forward HOST:PORT (forward.c), --stdio (tunnel data to
 * stdout, stdin to every tunnel). SIGINT/SIGTERM drain and quit (close records, §3.4); SIGHUP
 * reloads the key and certificates (qstp_server_reload: existing tunnels keep their keys). */
#include "cli.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forward.h"
#include "qstp/server.h"

static const char SERVER_HELP[] =
    "usage: qstp server (--dir DIR | --key FILE --cert FILE --root FILE) [--listen ADDR:PORT]\n"
    "                   (--echo | --forward HOST:PORT | --stdio) [options]\n"
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
    "  --root FILE          root certificate (overrides --dir); also checks revocation notices\n"
    "  --listen ADDR:PORT   listen address (default [::]:32119, both IPv4 and IPv6); PORT alone\n"
    "                       means all addresses; port 0 lets the system choose (it is logged)\n"
    "  --max-tunnels N      refuse tunnels beyond N (default 10000)\n"
    "  --idle-timeout S     close tunnels silent for S seconds (default 900)\n"
    "  --threads N          event loops and handshake workers (default: one per core)\n"
    "  --max-queued MB      unsent MiB per tunnel before a client that does not read is\n"
    "                       dropped (default 8; raise it for --forward with slow clients)\n"
    "  --quiet              log warnings and errors only\n"
    "  --verbose            log debug lines too\n"
    "\n"
    "Logs one line per tunnel event to stderr. SIGINT/SIGTERM close every tunnel cleanly and\n"
    "exit; SIGHUP reloads the key and certificates (new tunnels use them, open ones continue).\n"
    "\n"
    "examples:\n"
    "  qstp server --dir server --listen 0.0.0.0:32119 --echo\n"
    "  qstp server --dir server --listen 0.0.0.0:443 --forward 127.0.0.1:8080\n";

enum mode { MODE_ECHO = 1, MODE_FORWARD, MODE_STDIO };

#define STDIO_MAX_TUNNELS 64

typedef struct srv_state {
    enum mode mode;
    cli_fwd *fwd;
    qstp_server *srv; /* set once started (stdio reader) */
    pthread_mutex_t mtx;
    qstp_tunnel_id open[STDIO_MAX_TUNNELS]; /* stdio mode: tunnels that get stdin */
    size_t nopen;
    const char *keypath, *certpath, *rootpath;
} srv_state;

static void log_line(void *ctx, qstp_log_level level, const char *line)
{
    (void)ctx;
    cli_log("server", "%s%s", level >= QSTP_LOG_WARN ? (level == QSTP_LOG_ERROR ? "error: " :
                                                                                   "warning: ") : "",
            line);
}

static void on_established(qstp_server *srv, const qstp_tunnel_info *info, void *ctx)
{
    srv_state *st = ctx;
    if (st->mode == MODE_FORWARD) {
        cli_fwd_established(st->fwd, srv, info);
    } else if (st->mode == MODE_STDIO) {
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
    case MODE_FORWARD:
        cli_fwd_data(st->fwd, id, data, len);
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
    (void)reason; /* the server logs the reason itself */
    if (st->mode == MODE_FORWARD) {
        cli_fwd_closed(st->fwd, id);
    } else if (st->mode == MODE_STDIO) {
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
static int load_material(const srv_state *st, qstp_server_key *key, qstp_root_certificate *root)
{
    qstp_server_certificate *cert = calloc(1, sizeof(*cert));
    char t[QSTP_TIME_STRING_SIZE];
    int r, rc = CLI_FILE;
    if (cert == NULL)
        return CLI_FILE;
    if (cli_load_root_cert(st->rootpath, root) != 0 ||
        cli_load_server_cert(st->certpath, cert) != 0 || cli_load_server_key(st->keypath, key) != 0)
        goto done;
    r = qstp_server_certificate_verify(cert, root, cli_now());
    if (r != 0) {
        cli_explain_verify(r, st->certpath, cert, st->rootpath, root);
        goto done;
    }
    if (qstp_server_key_matches_certificate(key, cert) != 0) {
        cli_err("server key %s does not belong to certificate %s (different serial or key); use "
                "the pair written together by 'qstp root sign'", st->keypath, st->certpath);
        goto done;
    }
    if (cli_now() > key->to) {
        (void)qstp_cert_time_format(t, key->to);
        cli_err("server key %s expired on %s; ask the root operator for a new key and certificate",
                st->keypath, t);
        goto done;
    }
    if ((r = qstp_server_key_set_schash(key, root, cert)) != 0) {
        cli_err("cannot bind key %s to root %s: %s", st->keypath, st->rootpath,
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

int cli_cmd_server(int argc, char **argv)
{
    const char *dir = NULL, *key_s = NULL, *cert_s = NULL, *root_s = NULL, *listen_s = NULL;
    const char *fwd_s = NULL, *maxt_s = NULL, *idle_s = NULL, *thr_s = NULL, *maxq_s = NULL;
    int echo = 0, stdio_ = 0, quiet = 0, verbose = 0;
    char kp[CLI_PATH_MAX], cp[CLI_PATH_MAX], rp[CLI_PATH_MAX], host[256], fhost[256];
    uint16_t port = QSTP_SERVER_DEFAULT_PORT, fport = 0;
    uint32_t v;
    srv_state st;
    qstp_server_options opt;
    qstp_server_key *key = NULL;
    qstp_root_certificate *root = NULL;
    sigset_t sigs;
    pthread_t reader;
    int reader_started = 0, rc = CLI_FILE, r;
    const cli_opt opts[] = {
        {"--dir", NULL, 1, &dir, NULL},          {"--key", NULL, 1, &key_s, NULL},
        {"--cert", NULL, 1, &cert_s, NULL},      {"--root", NULL, 1, &root_s, NULL},
        {"--listen", NULL, 1, &listen_s, NULL},  {"--forward", NULL, 1, &fwd_s, NULL},
        {"--echo", NULL, 0, NULL, &echo},        {"--stdio", NULL, 0, NULL, &stdio_},
        {"--max-tunnels", NULL, 1, &maxt_s, NULL}, {"--idle-timeout", NULL, 1, &idle_s, NULL},
        {"--threads", NULL, 1, &thr_s, NULL},    {"--quiet", "-q", 0, NULL, &quiet},
        {"--max-queued", NULL, 1, &maxq_s, NULL},
        {"--verbose", "-v", 0, NULL, &verbose},
    };
    size_t npos;
    memset(&st, 0, sizeof(st));
    r = cli_parse("server", argc, argv, opts, sizeof(opts) / sizeof(opts[0]), NULL, 0, &npos);
    if (r == CLI_PARSE_HELP) {
        fputs(SERVER_HELP, stdout);
        return CLI_OK;
    }
    if (r != 0)
        return r;
    if (echo + stdio_ + (fwd_s != NULL) != 1)
        return cli_usage_error("server", "choose exactly one mode: --echo, --forward HOST:PORT or "
                                         "--stdio");
    st.mode = echo ? MODE_ECHO : stdio_ ? MODE_STDIO : MODE_FORWARD;
    if (dir == NULL && (key_s == NULL || cert_s == NULL || root_s == NULL))
        return cli_usage_error("server", "give --dir DIR, or all of --key, --cert and --root");
    if (dir != NULL && !cli_is_dir(dir)) {
        cli_err("server directory %s does not exist; create it with 'qstp root sign --out %s'",
                dir, dir);
        return CLI_FILE;
    }
    if ((key_s == NULL && cli_join(kp, sizeof(kp), dir, CLI_SERVER_KEY_FILE) != 0) ||
        (cert_s == NULL && cli_join(cp, sizeof(cp), dir, CLI_SERVER_CERT_FILE) != 0) ||
        (root_s == NULL && cli_join(rp, sizeof(rp), dir, CLI_ROOT_CERT_FILE) != 0))
        return cli_usage_error("server", "--dir path is too long");
    st.keypath = key_s != NULL ? key_s : kp;
    st.certpath = cert_s != NULL ? cert_s : cp;
    st.rootpath = root_s != NULL ? root_s : rp;
    strcpy(host, "::");
    if (listen_s != NULL) {
        if (strcmp(listen_s, "0") == 0 || (strlen(listen_s) > 2 &&
                                           strcmp(listen_s + strlen(listen_s) - 2, ":0") == 0)) {
            /* port 0: the system chooses */
            size_t hl = strlen(listen_s) > 2 ? strlen(listen_s) - 2 : 0;
            if (hl == 0)
                strcpy(host, "::");
            else if (listen_s[0] == '[' && hl >= 2 && listen_s[hl - 1] == ']' && hl - 2 < sizeof(host))
                snprintf(host, sizeof(host), "%.*s", (int)(hl - 2), listen_s + 1);
            else if (hl < sizeof(host))
                snprintf(host, sizeof(host), "%.*s", (int)hl, listen_s);
            port = 0;
        } else if (cli_parse_hostport(listen_s, host, sizeof(host), &port, 1, "::") != 0) {
            return cli_usage_error("server", "--listen wants ADDR:PORT, [IPv6]:PORT or PORT, not "
                                             "'%s'", listen_s);
        }
    }
    if (fwd_s != NULL && cli_parse_hostport(fwd_s, fhost, sizeof(fhost), &fport, 0, "") != 0)
        return cli_usage_error("server", "--forward wants HOST:PORT, not '%s'", fwd_s);
    qstp_server_options_default(&opt);
    if (maxt_s != NULL) {
        if (cli_parse_u32(maxt_s, 1, 1000000, &v) != 0)
            return cli_usage_error("server", "--max-tunnels must be 1..1000000, not '%s'", maxt_s);
        opt.max_tunnels = v;
    }
    if (idle_s != NULL) {
        if (cli_parse_u32(idle_s, 1, 86400 * 30, &v) != 0)
            return cli_usage_error("server", "--idle-timeout must be 1..2592000 seconds, not '%s'",
                                   idle_s);
        opt.idle_timeout = v;
    }
    if (maxq_s != NULL) {
        if (cli_parse_u32(maxq_s, 1, 4096, &v) != 0)
            return cli_usage_error("server", "--max-queued must be 1..4096 MiB, not '%s'", maxq_s);
        opt.max_queued = (size_t)v << 20;
    }
    if (thr_s != NULL) {
        if (cli_parse_u32(thr_s, 1, 256, &v) != 0)
            return cli_usage_error("server", "--threads must be 1..256, not '%s'", thr_s);
        opt.loops = v;
        opt.workers = v;
    }

    key = calloc(1, sizeof(*key));
    root = calloc(1, sizeof(*root));
    if (key == NULL || root == NULL)
        goto done;
    if ((rc = load_material(&st, key, root)) != 0)
        goto done;
    rc = CLI_NET;
    pthread_mutex_init(&st.mtx, NULL);
    if (st.mode == MODE_FORWARD && (st.fwd = cli_fwd_create(fhost, fport)) == NULL)
        goto done;

    /* Signals are taken by sigwait below; block them before any thread exists so every server
     * thread inherits the mask. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);

    opt.address = host;
    opt.port = port;
    opt.ephemeral_port = port == 0;
    opt.cb.on_established = on_established;
    opt.cb.on_data = on_data;
    opt.cb.on_closed = on_closed;
    opt.cb.ctx = &st;
    opt.log = log_line;
    opt.log_level = quiet ? QSTP_LOG_WARN : verbose ? QSTP_LOG_DEBUG : QSTP_LOG_INFO;
    r = qstp_server_start(&st.srv, &opt, key, 1, root);
    if (r != 0) {
        cli_err("cannot start the server on %s port %u: %s; is the port in use or the address "
                "not on this machine?", host, (unsigned)port, cli_errstr(qstp_error_of(r)));
        goto done;
    }
    qstp_server_key_clear(key); /* the server holds its own copy */
    {
        const qstp_suite *su = qstp_suite_by_id(root->algorithm);
        cli_log("server", "ready on %s port %u, suite %s, mode %s%s%s", host,
                (unsigned)qstp_server_port(st.srv), su != NULL ? su->short_name : "?",
                st.mode == MODE_ECHO ? "echo" : st.mode == MODE_STDIO ? "stdio" : "forward to ",
                st.mode == MODE_FORWARD ? fwd_s : "", "");
    }
    if (st.mode == MODE_STDIO && pthread_create(&reader, NULL, stdin_reader, &st) == 0)
        reader_started = 1;

    for (;;) {
        int sig = 0;
        if (sigwait(&sigs, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            qstp_server_key *nk = calloc(1, sizeof(*nk));
            qstp_root_certificate *nr = calloc(1, sizeof(*nr));
            cli_log("server", "SIGHUP: reloading %s and %s", st.keypath, st.certpath);
            if (nk != NULL && nr != NULL && load_material(&st, nk, nr) == 0) {
                if (nr->algorithm != root->algorithm ||
                    memcmp(nr->serial, root->serial, QSTP_SERIAL_SIZE) != 0)
                    cli_log("server", "error: the reloaded root %s is not the running root; "
                            "restart the server to change roots (keys not reloaded)", st.rootpath);
                else if ((r = qstp_server_reload(st.srv, nk, 1)) != 0)
                    cli_log("server", "error: reload failed: %s; still using the old key",
                            cli_errstr(qstp_error_of(r)));
                else
                    cli_log("server", "reloaded: new tunnels use the new key");
            } else {
                cli_log("server", "error: reload failed (see above); still using the old key");
            }
            if (nk != NULL) {
                qstp_server_key_clear(nk);
                free(nk);
            }
            free(nr);
            continue;
        }
        break;
    }
    {
        qstp_server_stats stats;
        qstp_server_get_stats(st.srv, &stats);
        cli_log("server", "shutting down: closing %u tunnel(s) (%llu established in total)",
                stats.tunnels, (unsigned long long)stats.established);
    }
    if (reader_started) {
        pthread_cancel(reader);
        pthread_join(reader, NULL);
    }
    qstp_server_quit(st.srv);
    st.srv = NULL;
    if (st.fwd != NULL) {
        cli_fwd_destroy(st.fwd);
        st.fwd = NULL;
    }
    rc = CLI_OK; /* the server logged "stopped" */
done:
    if (st.fwd != NULL)
        cli_fwd_destroy(st.fwd);
    if (key != NULL) {
        qstp_server_key_clear(key);
        free(key);
    }
    free(root);
    return rc;
}
