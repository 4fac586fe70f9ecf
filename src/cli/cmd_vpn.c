/* `qstp vpn server` / `qstp vpn client`: a layer-3 VPN over QSTP (docs/VPN.md). This file only
 * parses options, loads and checks key material and handles signals; the VPN itself is
 * src/vpn (vpn.h). SIGINT/SIGTERM close the tunnels, delete the routes and remove the interface. */
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "qstp/server.h"
#include "vpn/frame.h"
#include "vpn/vpn.h"

/* Declared here and in main.c (cli.h belongs to the CLI's author). */
int cli_cmd_vpn(int argc, char **argv);

static const char VPN_HELP[] =
    "usage: qstp vpn server (--dir DIR | --key FILE --cert FILE --root FILE) [--listen ADDR:PORT]\n"
    "                       [--tun NAME] [--pool A.B.C.D/N] [--mtu N] [--no-routes] [options]\n"
    "       qstp vpn client (--dir DIR | --root FILE --cert FILE) --connect HOST:PORT\n"
    "                       [--tun NAME] [--mtu N] [--no-routes] [options]\n"
    "\n"
    "A layer-3 VPN: a TUN interface at each end, IP packets carried one per QSTP record. The\n"
    "server takes the pool's first address (10.99.0.1 for 10.99.0.0/24) and gives each client the\n"
    "next free one; packets between clients are routed by the server. Needs root or\n"
    "CAP_NET_ADMIN. The client reconnects with backoff (1 s doubling to 30 s) if the server goes\n"
    "away. SIGINT/SIGTERM close the tunnels and remove the interface and its routes.\n"
    "\n"
    "  --dir DIR            key material as for 'qstp server' / 'qstp client'\n"
    "  --key FILE --cert FILE --root FILE   (override --dir)\n"
    "  --listen ADDR:PORT   server: listen address (default [::]:32119)\n"
    "  --connect HOST:PORT  client: the VPN server\n"
    "  --tun NAME           interface name (default qstp0)\n"
    "  --pool A.B.C.D/N     server: the tunnel network, /16 to /30 (default 10.99.0.0/24)\n"
    "  --mtu N              tunnel MTU, 576..65000 (server default 1400; the client takes the\n"
    "                       server's, or N if smaller)\n"
    "  --no-routes          set the interface address only (as /32) and print the route to add\n"
    "  --keepalive S        client: keep-alive after S idle seconds, 0 = off (default 10)\n"
    "  --timeout S          client: connect + handshake timeout (default 10)\n"
    "  --idle-timeout S     server: close tunnels silent for S seconds (default 120; clients\n"
    "                       send keep-alives every 10 s of silence)\n"
    "  --max-tunnels N      server: refuse tunnels beyond N\n"
    "  --threads N          server: event loops and handshake workers\n"
    "  --quiet / --verbose\n"
    "\n"
    "examples:\n"
    "  qstp vpn server --dir server --listen 0.0.0.0:32119 --tun qstp0 --pool 10.99.0.0/24\n"
    "  qstp vpn client --dir server --connect vpn.example.net:32119 --tun qstp0\n";

static void log_line(void *ctx, qstp_log_level level, const char *line)
{
    cli_log((const char *)ctx, "%s%s", level >= QSTP_LOG_WARN ? (level == QSTP_LOG_ERROR ?
                                                                     "error: " : "warning: ") : "",
            line);
}

/* SIGINT and SIGTERM as a readable descriptor (blocked first, so every thread inherits the mask
 * and no handler runs inside a library call). */
static int signal_fd(void)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGINT);
    sigaddset(&s, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    return signalfd(-1, &s, SFD_CLOEXEC);
}

static int parse_mtu(const char *s, unsigned *mtu)
{
    uint32_t v;
    if (cli_parse_u32(s, QSTP_VPN_MTU_MIN, QSTP_VPN_MTU_MAX, &v) != 0)
        return cli_usage_error("vpn", "--mtu must be %u..%u, not '%s'", QSTP_VPN_MTU_MIN,
                               QSTP_VPN_MTU_MAX, s);
    *mtu = v;
    return 0;
}

/* Key, certificate and root checked together, as cmd_server.c does for 'qstp server'. */
static int load_server_material(const char *kp, const char *cp, const char *rp, qstp_server_key *key,
                                qstp_root_certificate *root)
{
    qstp_server_certificate *cert = calloc(1, sizeof(*cert));
    int r, rc = CLI_FILE;
    if (cert == NULL)
        return CLI_FILE;
    if (cli_load_root_cert(rp, root) != 0 || cli_load_server_cert(cp, cert) != 0 ||
        cli_load_server_key(kp, key) != 0)
        goto done;
    if ((r = qstp_server_certificate_verify(cert, root, cli_now())) != 0) {
        cli_explain_verify(r, cp, cert, rp, root);
        goto done;
    }
    if (qstp_server_key_matches_certificate(key, cert) != 0) {
        cli_err("server key %s does not belong to certificate %s; use the pair written together by "
                "'qstp root sign'", kp, cp);
        goto done;
    }
    if ((r = qstp_server_key_set_schash(key, root, cert)) != 0) {
        cli_err("cannot bind key %s to root %s: %s", kp, rp, qstp_error_to_string(qstp_error_of(r)));
        goto done;
    }
    rc = CLI_OK;
done:
    if (rc != CLI_OK)
        qstp_server_key_clear(key);
    free(cert);
    return rc;
}

static int vpn_server(int argc, char **argv)
{
    const char *dir = NULL, *key_s = NULL, *cert_s = NULL, *root_s = NULL, *listen_s = NULL;
    const char *tun = "qstp0", *pool_s = "10.99.0.0/24", *mtu_s = NULL, *maxt_s = NULL, *thr_s = NULL;
    const char *idle_s = NULL;
    int no_routes = 0, quiet = 0, verbose = 0, r, rc = CLI_FILE, sfd = -1;
    char kp[CLI_PATH_MAX], cp[CLI_PATH_MAX], rp[CLI_PATH_MAX], host[256], err[512];
    uint16_t port = QSTP_SERVER_DEFAULT_PORT;
    uint32_t v;
    qstp_vpn_server_config vc;
    qstp_server_options so;
    qstp_vpn_server *vs = NULL;
    qstp_server_key *key = NULL;
    qstp_root_certificate *root = NULL;
    const cli_opt opts[] = {
        {"--dir", NULL, 1, &dir, NULL},         {"--key", NULL, 1, &key_s, NULL},
        {"--cert", NULL, 1, &cert_s, NULL},     {"--root", NULL, 1, &root_s, NULL},
        {"--listen", NULL, 1, &listen_s, NULL}, {"--tun", NULL, 1, &tun, NULL},
        {"--pool", NULL, 1, &pool_s, NULL},     {"--mtu", NULL, 1, &mtu_s, NULL},
        {"--no-routes", NULL, 0, NULL, &no_routes}, {"--max-tunnels", NULL, 1, &maxt_s, NULL},
        {"--threads", NULL, 1, &thr_s, NULL},   {"--quiet", "-q", 0, NULL, &quiet},
        {"--verbose", "-v", 0, NULL, &verbose}, {"--idle-timeout", NULL, 1, &idle_s, NULL},
    };
    size_t npos;
    memset(&vc, 0, sizeof(vc));
    r = cli_parse("vpn server", argc, argv, opts, sizeof(opts) / sizeof(opts[0]), NULL, 0, &npos);
    if (r == CLI_PARSE_HELP) {
        fputs(VPN_HELP, stdout);
        return CLI_OK;
    }
    if (r != 0)
        return r;
    if (dir == NULL && (key_s == NULL || cert_s == NULL || root_s == NULL))
        return cli_usage_error("vpn", "give --dir DIR, or all of --key, --cert and --root");
    if (dir != NULL && !cli_is_dir(dir)) {
        cli_err("server directory %s does not exist; create it with 'qstp root sign --out %s'",
                dir, dir);
        return CLI_FILE;
    }
    if ((key_s == NULL && cli_join(kp, sizeof(kp), dir, CLI_SERVER_KEY_FILE) != 0) ||
        (cert_s == NULL && cli_join(cp, sizeof(cp), dir, CLI_SERVER_CERT_FILE) != 0) ||
        (root_s == NULL && cli_join(rp, sizeof(rp), dir, CLI_ROOT_CERT_FILE) != 0))
        return cli_usage_error("vpn", "--dir path is too long");
    strcpy(host, "::");
    if (listen_s != NULL && cli_parse_hostport(listen_s, host, sizeof(host), &port, 1, "::") != 0)
        return cli_usage_error("vpn", "--listen wants ADDR:PORT, [IPv6]:PORT or PORT, not '%s'",
                               listen_s);
    if (qstp_vpn_cidr_parse(pool_s, &vc.pool_net, &vc.pool_prefix) != 0)
        return cli_usage_error("vpn", "--pool wants a network A.B.C.D/N with N in %u..%u and no "
                               "host bits set (e.g. 10.99.0.0/24), not '%s'", QSTP_VPN_PREFIX_MIN,
                               QSTP_VPN_PREFIX_MAX, pool_s);
    vc.mtu = QSTP_VPN_MTU_DEFAULT;
    if (mtu_s != NULL && parse_mtu(mtu_s, &vc.mtu) != 0)
        return CLI_USAGE;
    qstp_server_options_default(&so);
    if (maxt_s != NULL) {
        if (cli_parse_u32(maxt_s, 1, 1000000, &v) != 0)
            return cli_usage_error("vpn", "--max-tunnels must be 1..1000000, not '%s'", maxt_s);
        so.max_tunnels = v;
    }
    /* A dead client's address must come back to the pool long before the general server's
     * 15 minutes: VPN clients send keep-alives, so silence means gone. */
    so.idle_timeout = QSTP_VPN_SERVER_IDLE_TIMEOUT;
    if (idle_s != NULL) {
        if (cli_parse_u32(idle_s, 1, 86400 * 30, &v) != 0)
            return cli_usage_error("vpn", "--idle-timeout must be 1..2592000 seconds, not '%s'",
                                   idle_s);
        so.idle_timeout = v;
    }
    if (thr_s != NULL) {
        if (cli_parse_u32(thr_s, 1, 256, &v) != 0)
            return cli_usage_error("vpn", "--threads must be 1..256, not '%s'", thr_s);
        so.loops = v;
        so.workers = v;
    }
    vc.tun_name = tun;
    vc.no_routes = no_routes;
    vc.log = log_line;
    vc.log_ctx = (void *)"vpn server";
    vc.log_level = quiet ? QSTP_LOG_WARN : verbose ? QSTP_LOG_DEBUG : QSTP_LOG_INFO;
    so.address = host;
    so.port = port;

    key = calloc(1, sizeof(*key));
    root = calloc(1, sizeof(*root));
    if (key == NULL || root == NULL)
        goto done;
    if ((rc = load_server_material(key_s != NULL ? key_s : kp, cert_s != NULL ? cert_s : cp,
                                   root_s != NULL ? root_s : rp, key, root)) != 0)
        goto done;
    rc = CLI_NET;
    if ((sfd = signal_fd()) < 0) {
        cli_err("cannot create a signalfd: %s", strerror(errno));
        goto done;
    }
    if (qstp_vpn_server_start(&vs, &vc, &so, key, root, err, sizeof(err)) != 0) {
        cli_err("%s", err);
        goto done;
    }
    qstp_server_key_clear(key); /* the server holds its own copy */
    cli_log("vpn server", "ready on %s port %u, interface %s, pool %s", host,
            (unsigned)qstp_vpn_server_port(vs), tun, pool_s);
    for (;;) {
        struct pollfd p = {sfd, POLLIN, 0};
        if (poll(&p, 1, -1) > 0)
            break;
        if (errno != EINTR)
            break;
    }
    {
        qstp_vpn_counters c;
        qstp_vpn_server_counters(vs, &c);
        cli_log("vpn server", "shutting down: %u client(s); packets: %llu from %s, %llu to it, "
                "%llu relayed between clients, %llu dropped", c.clients,
                (unsigned long long)c.from_tun, tun, (unsigned long long)c.to_tun,
                (unsigned long long)c.relayed, (unsigned long long)c.dropped);
    }
    qstp_vpn_server_stop(vs);
    rc = CLI_OK;
done:
    if (sfd >= 0)
        close(sfd);
    if (key != NULL) {
        qstp_server_key_clear(key);
        free(key);
    }
    free(root);
    return rc;
}

static int vpn_client(int argc, char **argv)
{
    const char *dir = NULL, *root_s = NULL, *cert_s = NULL, *connect_s = NULL, *tun = "qstp0";
    const char *mtu_s = NULL, *ka_s = NULL, *timeout_s = NULL;
    int no_routes = 0, quiet = 0, verbose = 0, r, rc = CLI_FILE, sfd = -1;
    char rp[CLI_PATH_MAX], cp[CLI_PATH_MAX], host[256], err[512];
    const char *rootpath, *certpath;
    uint32_t v;
    qstp_vpn_client_config vc;
    qstp_root_certificate *root = NULL;
    qstp_server_certificate *cert = NULL;
    const cli_opt opts[] = {
        {"--dir", NULL, 1, &dir, NULL},           {"--root", NULL, 1, &root_s, NULL},
        {"--cert", NULL, 1, &cert_s, NULL},       {"--connect", "-c", 1, &connect_s, NULL},
        {"--tun", NULL, 1, &tun, NULL},           {"--mtu", NULL, 1, &mtu_s, NULL},
        {"--no-routes", NULL, 0, NULL, &no_routes}, {"--keepalive", NULL, 1, &ka_s, NULL},
        {"--timeout", NULL, 1, &timeout_s, NULL}, {"--quiet", "-q", 0, NULL, &quiet},
        {"--verbose", "-v", 0, NULL, &verbose},
    };
    size_t npos;
    memset(&vc, 0, sizeof(vc));
    r = cli_parse("vpn client", argc, argv, opts, sizeof(opts) / sizeof(opts[0]), NULL, 0, &npos);
    if (r == CLI_PARSE_HELP) {
        fputs(VPN_HELP, stdout);
        return CLI_OK;
    }
    if (r != 0)
        return r;
    if (connect_s == NULL)
        return cli_usage_error("vpn", "--connect HOST:PORT is required");
    if (cli_parse_hostport(connect_s, host, sizeof(host), &vc.port, 0, "") != 0)
        return cli_usage_error("vpn", "--connect wants HOST:PORT or [IPv6]:PORT, not '%s'",
                               connect_s);
    if ((r = cli_trust_paths("vpn", dir, root_s, cert_s, rp, cp, &rootpath, &certpath)) != 0)
        return r;
    if (mtu_s != NULL && parse_mtu(mtu_s, &vc.mtu) != 0)
        return CLI_USAGE;
    /* Both ends are ours in VPN mode, so keep-alive is on by default (docs/PROTOCOL.md §3). */
    vc.keepalive = QSTP_VPN_DEFAULT_KEEPALIVE;
    if (ka_s != NULL && cli_parse_u32(ka_s, 0, 86400, &vc.keepalive) != 0)
        return cli_usage_error("vpn", "--keepalive must be 0..86400 seconds, not '%s'", ka_s);
    if (timeout_s != NULL) {
        if (cli_parse_u32(timeout_s, 1, 3600, &v) != 0)
            return cli_usage_error("vpn", "--timeout must be 1..3600 seconds, not '%s'", timeout_s);
        vc.timeout_ms = v * 1000u;
    }
    root = calloc(1, sizeof(*root));
    cert = calloc(1, sizeof(*cert));
    if (root == NULL || cert == NULL)
        goto done;
    if (cli_load_root_cert(rootpath, root) != 0 || cli_load_server_cert(certpath, cert) != 0)
        goto done;
    if ((r = qstp_server_certificate_verify(cert, root, cli_now())) != 0) {
        rc = cli_explain_verify(r, certpath, cert, rootpath, root);
        goto done;
    }
    rc = CLI_NET;
    if ((sfd = signal_fd()) < 0) {
        cli_err("cannot create a signalfd: %s", strerror(errno));
        goto done;
    }
    vc.tun_name = tun;
    vc.root = root;
    vc.cert = cert;
    vc.host = host;
    vc.no_routes = no_routes;
    vc.stop_fd = sfd;
    vc.log = log_line;
    vc.log_ctx = (void *)"vpn client";
    vc.log_level = quiet ? QSTP_LOG_WARN : verbose ? QSTP_LOG_DEBUG : QSTP_LOG_INFO;
    if (qstp_vpn_client_run(&vc, err, sizeof(err)) != 0) {
        cli_err("%s", err);
        goto done;
    }
    cli_log("vpn client", "stopped");
    rc = CLI_OK;
done:
    if (sfd >= 0)
        close(sfd);
    free(root);
    free(cert);
    return rc;
}

int cli_cmd_vpn(int argc, char **argv)
{
    if (argc > 0 && strcmp(argv[0], "server") == 0)
        return vpn_server(argc - 1, argv + 1);
    if (argc > 0 && strcmp(argv[0], "client") == 0)
        return vpn_client(argc - 1, argv + 1);
    if (argc > 0 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
        fputs(VPN_HELP, stdout);
        return CLI_OK;
    }
    return cli_usage_error("vpn", "say 'qstp vpn server ...' or 'qstp vpn client ...'");
}
