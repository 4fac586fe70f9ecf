/* `qstp demo`: the README's first command. In a temporary directory it makes a root, signs a
 * server, runs an echo server on a free loopback port (in-process threads), connects a client,
 * sends a few messages and a larger block, checks every echo, prints the timings and removes the
 * directory. It goes through the same files and loaders as the real commands. */
#include "cli.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net/netutil.h"
#include "qstp/client.h"
#include "qstp/server.h"

static const char DEMO_HELP[] =
    "usage: qstp demo [--suite SUITE] [--keep]\n"
    "\n"
    "Shows a QSTP tunnel working on this machine in a few seconds: creates a root and a\n"
    "server certificate in a temporary directory, starts an echo server on a free loopback\n"
    "port, connects a client, checks the echoes, prints the timings and cleans up.\n"
    "\n"
    "  --suite SUITE   use another suite (see 'qstp version'); default dilithium-s5_kyber-s5\n"
    "  --keep          keep the temporary directory (its path is printed)\n"
    "\n"
    "example: qstp demo\n";

#define DEMO_BULK (1u << 20)

static void quiet_log(void *ctx, qstp_log_level level, const char *line)
{
    (void)ctx;
    if (level >= QSTP_LOG_WARN)
        cli_log("demo server", "%s", line);
}

static void echo_data(qstp_server *srv, qstp_tunnel_id id, const uint8_t *data, size_t len, void *ctx)
{
    (void)ctx;
    (void)qstp_server_send(srv, id, data, len);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Monotonic microseconds: the handshake takes a few milliseconds, so qstp_net_mono_ms is too
 * coarse to report it. */
static uint64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static double ms_since(uint64_t t0_us)
{
    return (double)(mono_us() - t0_us) / 1000.0;
}

/* Receives exactly n bytes (5 s budget). 0 or -1. */
static int recv_exact(qstp_client *c, uint8_t *buf, size_t n)
{
    size_t got = 0;
    uint64_t deadline = qstp_net_mono_ms() + 5000;
    while (got < n) {
        size_t len = 0;
        int r;
        if (qstp_net_mono_ms() > deadline)
            return -1;
        r = qstp_client_receive(c, buf + got, n - got, &len, 1000);
        if (r == qstp_fail(qstp_error_timeout))
            continue;
        if (r != 0)
            return -1;
        got += len;
    }
    return 0;
}

int cli_cmd_demo(int argc, char **argv)
{
    static const char *msgs[] = {
        "hello, post-quantum world",
        "QSTP: ML-KEM key exchange, ML-DSA authentication, RCS-256 records",
        "bye",
    };
    const char *suite_s = NULL;
    int keep = 0, rc = CLI_NET, r, ok = 1;
    char tmpl[] = "/tmp/qstp-demo-XXXXXX", rootdir[CLI_PATH_MAX], srvdir[CLI_PATH_MAX];
    char kp[CLI_PATH_MAX], cp[CLI_PATH_MAX], rp[CLI_PATH_MAX];
    const qstp_suite *suite = qstp_suite_by_id(QSTP_SUITE_DEFAULT_ID);
    qstp_server_key *key = NULL;
    qstp_server_certificate *cert = NULL;
    qstp_root_certificate *root = NULL;
    qstp_server *srv = NULL;
    qstp_client *c = NULL;
    qstp_server_options opt;
    uint8_t *bulk = NULL, *back = NULL;
    uint64_t t0;
    double t_root, t_sign, t_hs, t_bulk;
    const cli_opt opts[] = {
        {"--suite", NULL, 1, &suite_s, NULL},
        {"--keep", NULL, 0, NULL, &keep},
    };
    size_t npos;
    r = cli_parse("demo", argc, argv, opts, 2, NULL, 0, &npos);
    if (r == CLI_PARSE_HELP) {
        fputs(DEMO_HELP, stdout);
        return CLI_OK;
    }
    if (r != 0)
        return r;
    if (suite_s != NULL && (suite = cli_suite_lookup(suite_s)) == NULL) {
        cli_usage_error("demo", "unknown suite '%s'; the known suites are listed below", suite_s);
        cli_list_suites();
        return CLI_USAGE;
    }
    if (mkdtemp(tmpl) == NULL) {
        cli_err("cannot create a temporary directory in /tmp; check that /tmp is writable");
        return CLI_FILE;
    }
    if (cli_join(rootdir, sizeof(rootdir), tmpl, "root") != 0 ||
        cli_join(srvdir, sizeof(srvdir), tmpl, "server") != 0 ||
        cli_join(kp, sizeof(kp), srvdir, CLI_SERVER_KEY_FILE) != 0 ||
        cli_join(cp, sizeof(cp), srvdir, CLI_SERVER_CERT_FILE) != 0 ||
        cli_join(rp, sizeof(rp), srvdir, CLI_ROOT_CERT_FILE) != 0)
        goto cleanup;

    printf("QSTP demo: a post-quantum tunnel on this machine\n");
    printf("  suite %s (%s signatures, %s key exchange)\n\n", suite->protocol_string,
           suite->sig_name, suite->kem_name);

    t0 = mono_us();
    if ((rc = cli_root_init(rootdir, "QSTP_demo.qrr", 30, suite, 0, 0, 1)) != 0)
        goto cleanup;
    t_root = ms_since(t0);
    printf("  1. root key + self-signed root certificate     %8.1f ms\n", t_root);
    t0 = mono_us();
    if ((rc = cli_root_sign(rootdir, srvdir, "QSTP_demo.qrc", 30, 0, 0, 1)) != 0)
        goto cleanup;
    t_sign = ms_since(t0);
    printf("  2. server key + certificate signed by the root %8.1f ms\n", t_sign);

    rc = CLI_FILE;
    key = calloc(1, sizeof(*key));
    cert = calloc(1, sizeof(*cert));
    root = calloc(1, sizeof(*root));
    bulk = malloc(DEMO_BULK);
    back = malloc(DEMO_BULK);
    if (key == NULL || cert == NULL || root == NULL || bulk == NULL || back == NULL)
        goto cleanup;
    if (cli_load_server_key(kp, key) != 0 || cli_load_server_cert(cp, cert) != 0 ||
        cli_load_root_cert(rp, root) != 0)
        goto cleanup;
    if ((r = qstp_server_key_set_schash(key, root, cert)) != 0) {
        cli_err("demo: cannot bind the server key to the root: %s",
                cli_errstr(qstp_error_of(r)));
        goto cleanup;
    }

    rc = CLI_NET;
    qstp_server_options_default(&opt);
    opt.address = "127.0.0.1";
    opt.ephemeral_port = 1;
    opt.loops = 1;
    opt.workers = 1;
    opt.cb.on_data = echo_data;
    opt.log = quiet_log;
    if ((r = qstp_server_start(&srv, &opt, key, 1, root)) != 0) {
        cli_err("demo: cannot start a server on 127.0.0.1: %s", cli_errstr(qstp_error_of(r)));
        goto cleanup;
    }
    printf("  3. echo server listening on 127.0.0.1:%u\n", (unsigned)qstp_server_port(srv));

    t0 = mono_us();
    r = qstp_client_connect(&c, root, cert, "127.0.0.1", qstp_server_port(srv), NULL);
    t_hs = ms_since(t0);
    if (r != 0) {
        rc = cli_explain_connect(r, "127.0.0.1", qstp_server_port(srv));
        goto cleanup;
    }
    printf("  4. client connected: certificate checked,      %8.1f ms\n"
           "     server signature verified, keys exchanged\n", t_hs);

    printf("  5. messages through the tunnel:\n");
    for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
        size_t n = strlen(msgs[i]);
        int good = qstp_client_send(c, (const uint8_t *)msgs[i], n) == 0 &&
                   recv_exact(c, back, n) == 0 && memcmp(back, msgs[i], n) == 0;
        printf("       sent \"%s\" -> %s\n", msgs[i], good ? "echoed back intact" : "FAILED");
        ok &= good;
    }
    for (size_t i = 0; i < DEMO_BULK; i++)
        bulk[i] = (uint8_t)(i * 131u + (i >> 8));
    t0 = mono_us();
    {
        int good = qstp_client_send(c, bulk, DEMO_BULK) == 0 && recv_exact(c, back, DEMO_BULK) == 0 &&
                   memcmp(back, bulk, DEMO_BULK) == 0;
        t_bulk = ms_since(t0);
        printf("  6. 1 MiB through the tunnel and back           %8.1f ms  %s\n", t_bulk,
               good ? "intact" : "FAILED");
        ok &= good;
    }
    qstp_client_close(c);
    c = NULL;
    qstp_server_quit(srv);
    srv = NULL;
    printf("  7. tunnel closed with a close record; server stopped\n");
    rc = ok ? CLI_OK : CLI_NET;

cleanup:
    if (c != NULL)
        qstp_client_close(c);
    if (srv != NULL)
        qstp_server_quit(srv);
    if (key != NULL) {
        qstp_server_key_clear(key);
        free(key);
    }
    free(cert);
    free(root);
    free(bulk);
    free(back);
    if (keep) {
        printf("\nfiles kept in %s\n", tmpl);
    } else if (nftw(tmpl, rm_entry, 8, FTW_DEPTH | FTW_PHYS) != 0) {
        cli_err("could not remove the temporary directory %s; delete it by hand", tmpl);
    } else if (rc == CLI_OK) {
        printf("  8. temporary files removed\n");
    }
    if (rc == CLI_OK)
        printf("\ndemo passed. Make your own tunnel with the four commands in 'qstp --help'.\n");
    else
        printf("\ndemo FAILED (see the messages above)\n");
    return rc;
}
