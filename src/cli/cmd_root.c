/* `qstp root init | sign | revoke`: the root operator's commands. The files and names are the
 * reference's (QSTP-WIRE §8.1-§8.4, §8.7): root_secret_key.qsk + root_public_cert.qrr for the root,
 * server_secret_key.qsk + server_public_cert.qrc (+ a root certificate copy) for a server. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/ct.h"
#include "crypto/random.h"
#include "net/keyfile.h"
#include "net/netutil.h"
#include "net/revnotify.h"
#include "qstp/revoke.h"
#include "qstp/server.h"

static const char ROOT_INIT_HELP[] =
    "usage: qstp root init --out DIR [--issuer NAME] [--days N] [--suite SUITE] [--pem] [--force]\n"
    "\n"
    "Creates a root signing key and its self-signed root certificate:\n"
    "  DIR/" CLI_ROOT_KEY_FILE "   secret; keep it offline (mode 0600)\n"
    "  DIR/" CLI_ROOT_CERT_FILE "  public; every client needs a copy\n"
    "\n"
    "  --out DIR       directory to write (created with mode 0700 if missing)\n"
    "  --issuer NAME   issuer name, at most 31 bytes (default QSTP_<hostname>.qrr)\n"
    "  --days N        validity in days, 1..7305 (default 365)\n"
    "  --suite SUITE   short name, full protocol string or id (default dilithium-s5_kyber-s5,\n"
    "                  0x03); 'qstp root init --suite list' prints them all\n"
    "  --pem           also write .pem twins of both files\n"
    "  --force         overwrite existing files\n"
    "\n"
    "example: qstp root init --issuer QSTP_example.qrr --days 730 --out root\n";

static const char ROOT_SIGN_HELP[] =
    "usage: qstp root sign --root DIR --out DIR [--issuer NAME] [--days N] [--pem] [--force]\n"
    "\n"
    "Creates a server signing key and a server certificate signed by the root:\n"
    "  OUT/" CLI_SERVER_KEY_FILE "   secret; stays on the server (mode 0600)\n"
    "  OUT/" CLI_SERVER_CERT_FILE "  public; clients need a copy\n"
    "  OUT/" CLI_ROOT_CERT_FILE "   a copy of the root certificate\n"
    "so OUT is all a server needs ('qstp server --dir OUT').\n"
    "\n"
    "  --root DIR      the root directory from 'qstp root init' (or its " CLI_ROOT_KEY_FILE ")\n"
    "  --out DIR       directory to write (created with mode 0700 if missing)\n"
    "  --issuer NAME   issuer name, at most 31 bytes (default QSTP_<hostname>.qrc)\n"
    "  --days N        validity in days, 1..730 (default 365); capped to the root's expiry\n"
    "  --pem           also write .pem twins\n"
    "  --force         overwrite existing files\n"
    "\n"
    "example: qstp root sign --root root --issuer QSTP_vpn1.qrc --out server\n";

static const char ROOT_REVOKE_HELP[] =
    "usage: qstp root revoke --root DIR (--serial HEX | --cert FILE) [--notify HOST:PORT]\n"
    "\n"
    "Withdraws a server certificate (a project extension, docs/PROTOCOL.md \"Revocation\"):\n"
    "adds its serial to DIR/" CLI_REVOCATION_FILE ", the root-signed revocation list that clients\n"
    "check with 'qstp client --revocation FILE', and with --notify tells the running server\n"
    "to stop using that key at once.\n"
    "\n"
    "  --root DIR          the root directory from 'qstp root init'\n"
    "  --serial HEX        the certificate's 32-hex-digit serial ('qstp cert show' prints it)\n"
    "  --cert FILE         or take the serial from this server certificate\n"
    "  --notify HOST:PORT  send a signed revocation notice to this server\n"
    "\n"
    "example: qstp root revoke --root root --cert server/server_public_cert.qrc --notify vpn1:32119\n";

static const char ROOT_HELP[] =
    "usage: qstp root init|sign|revoke [options]\n"
    "\n"
    "  init    create a root key and self-signed root certificate\n"
    "  sign    create a server key and a certificate signed by the root\n"
    "  revoke  withdraw a server certificate\n"
    "\n"
    "'qstp root init --help' etc. describe each one.\n"
    "example: qstp root init --out root && qstp root sign --root root --out server\n";

static void default_issuer(char *out, size_t cap, const char *ext)
{
    char host[64];
    if (gethostname(host, sizeof(host)) != 0)
        strcpy(host, "localhost");
    host[sizeof(host) - 1] = '\0';
    /* §8.7 convention "<domain>_<host>.qrr"; cut to fit the 31-byte issuer field */
    snprintf(out, cap, "QSTP_%.*s%s", (int)(QSTP_ISSUER_SIZE - 1 - 5 - strlen(ext)), host, ext);
}

static int check_issuer(const char *cmd, const char *issuer)
{
    if (strlen(issuer) == 0 || strlen(issuer) > QSTP_ISSUER_SIZE - 1)
        return cli_usage_error(cmd, "--issuer must be 1 to %u bytes, '%s' is %zu",
                               QSTP_ISSUER_SIZE - 1, issuer, strlen(issuer));
    for (const char *p = issuer; *p; p++)
        if (*p < 0x21 || *p > 0x7E)
            return cli_usage_error(cmd, "--issuer must be printable ASCII without spaces");
    return 0;
}

/* Refuses to overwrite unless forced. */
static int check_free(const char *path, int force)
{
    if (!force && cli_exists(path)) {
        cli_err("%s already exists; pass --force to overwrite it or choose another --out", path);
        return CLI_FILE;
    }
    return 0;
}

/* The files one command writes. Each is written atomically, but a failure between two of them
 * (disk full, a directory in the way) would leave half a set, e.g. a key without its
 * certificate; then the files this run created are removed again (files it replaced under
 * --force cannot be brought back). */
#define OUT_SET_MAX 6
typedef struct out_set {
    const char *path[OUT_SET_MAX];
    int created[OUT_SET_MAX];
    size_t n;
} out_set;

static void out_note(out_set *o, const char *path)
{
    if (o->n < OUT_SET_MAX) {
        o->path[o->n] = path;
        o->created[o->n] = !cli_exists(path);
        o->n++;
    }
}

static void out_undo(const out_set *o)
{
    for (size_t i = 0; i < o->n; i++)
        if (o->created[i] && cli_exists(o->path[i]))
            (void)unlink(o->path[i]);
}

static void print_validity(const char *label, uint64_t from, uint64_t to)
{
    char a[QSTP_TIME_STRING_SIZE], b[QSTP_TIME_STRING_SIZE];
    (void)qstp_cert_time_format(a, from);
    (void)qstp_cert_time_format(b, to);
    printf("  %-12s %s to %s\n", label, a, b);
}

int cli_root_init(const char *dir, const char *issuer, uint32_t days, const qstp_suite *suite,
                  int pem, int force, int quiet)
{
    char kpath[CLI_PATH_MAX], cpath[CLI_PATH_MAX], kpem[CLI_PATH_MAX], cpem[CLI_PATH_MAX];
    char serial[2 * QSTP_SERIAL_SIZE + 1];
    qstp_root_key *key = calloc(1, sizeof(*key));
    qstp_root_certificate *cert = calloc(1, sizeof(*cert));
    out_set outs = {{NULL}, {0}, 0};
    int rc = CLI_FILE, r;
    if (key == NULL || cert == NULL) {
        cli_err("out of memory");
        goto done;
    }
    if (cli_join(kpath, sizeof(kpath), dir, CLI_ROOT_KEY_FILE) != 0 ||
        cli_join(cpath, sizeof(cpath), dir, CLI_ROOT_CERT_FILE) != 0 ||
        cli_join(kpem, sizeof(kpem), dir, CLI_ROOT_KEY_FILE ".pem") != 0 ||
        cli_join(cpem, sizeof(cpem), dir, CLI_ROOT_CERT_FILE ".pem") != 0) {
        cli_err("directory name %s is too long", dir);
        goto done;
    }
    if ((rc = check_free(kpath, force)) != 0 || (rc = check_free(cpath, force)) != 0)
        goto done;
    if ((rc = cli_make_dir(dir, 0700)) != 0)
        goto done;
    rc = CLI_FILE;
    r = qstp_root_key_generate(key, suite, issuer, cli_now(), days, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_root_certificate_extract(cert, key, qstp_random_os, NULL);
    if (r != 0) {
        cli_err("cannot generate the root key: %s", cli_errstr(qstp_error_of(r)));
        goto done;
    }
    out_note(&outs, kpath);
    out_note(&outs, cpath);
    if (pem) {
        out_note(&outs, kpem);
        out_note(&outs, cpem);
    }
    /* the secret key first: a certificate without its key would be useless */
    if (cli_save_root_key(kpath, key, QSTP_ENCODING_BINARY) != 0 ||
        cli_save_root_cert(cpath, cert, QSTP_ENCODING_BINARY) != 0 ||
        (pem && (cli_save_root_key(kpem, key, QSTP_ENCODING_PEM) != 0 ||
                 cli_save_root_cert(cpem, cert, QSTP_ENCODING_PEM) != 0))) {
        out_undo(&outs);
        goto done;
    }
    rc = CLI_OK;
    if (!quiet) {
        cli_hex(serial, cert->serial, QSTP_SERIAL_SIZE);
        printf("root created in %s\n", dir);
        printf("  %-12s %s  (secret: keep it offline)\n", "secret key", kpath);
        printf("  %-12s %s  (public: give it to every client)\n", "certificate", cpath);
        if (pem)
            printf("  %-12s %s, %s\n", "PEM", kpem, cpem);
        printf("  %-12s %s\n", "issuer", issuer);
        printf("  %-12s %s\n", "serial", serial);
        printf("  %-12s %s (0x%02X)\n", "suite", suite->protocol_string, suite->id);
        print_validity("valid", cert->from, cert->to);
        printf("next: qstp root sign --root %s --out server\n", dir);
    }
done:
    if (key != NULL) {
        qstp_root_key_clear(key);
        free(key);
    }
    free(cert);
    return rc;
}

/* The root directory (or key file) to the key path and, if present, the certificate path. */
static int root_paths(const char *root, char *kpath, char *cpath, size_t cap)
{
    if (cli_is_dir(root)) {
        if (cli_join(kpath, cap, root, CLI_ROOT_KEY_FILE) != 0 ||
            cli_join(cpath, cap, root, CLI_ROOT_CERT_FILE) != 0)
            return -1;
    } else {
        const char *slash = strrchr(root, '/');
        if (strlen(root) + 1 > cap)
            return -1;
        strcpy(kpath, root);
        if (slash == NULL)
            snprintf(cpath, cap, "%s", CLI_ROOT_CERT_FILE);
        else if (snprintf(cpath, cap, "%.*s/%s", (int)(slash - root), root, CLI_ROOT_CERT_FILE) >=
                 (int)cap)
            return -1;
    }
    return 0;
}

/* Loads the root key and its certificate (from the file next to it, or re-made from the key). */
static int load_root(const char *root, qstp_root_key *key, qstp_root_certificate *cert,
                     char *kpath, char *cpath, size_t cap)
{
    int r;
    if (!cli_exists(root)) {
        cli_err("root %s does not exist; pass the directory made by 'qstp root init'", root);
        return CLI_FILE;
    }
    if (root_paths(root, kpath, cpath, cap) != 0) {
        cli_err("path %s is too long", root);
        return CLI_FILE;
    }
    if ((r = cli_load_root_key(kpath, key)) != 0)
        return r;
    if (cli_exists(cpath)) {
        if ((r = cli_load_root_cert(cpath, cert)) != 0)
            return r;
        /* The validity too: signing caps the server certificate to the KEY's expiry, clients
         * check it against the CERTIFICATE's, so the two must be the same. */
        if (memcmp(cert->serial, key->serial, QSTP_SERIAL_SIZE) != 0 ||
            cert->algorithm != key->algorithm ||
            memcmp(cert->verkey, key->verkey, sizeof(cert->verkey)) != 0 ||
            memcmp(cert->issuer, key->issuer, QSTP_ISSUER_SIZE) != 0 || cert->from != key->from ||
            cert->to != key->to) {
            cli_err("root certificate %s does not belong to root key %s; put the matching "
                    "certificate next to the key or remove it", cpath, kpath);
            return CLI_FILE;
        }
    } else if ((r = qstp_root_certificate_extract(cert, key, qstp_random_os, NULL)) != 0) {
        cli_err("cannot rebuild the root certificate from %s: %s", kpath,
                cli_errstr(qstp_error_of(r)));
        return CLI_FILE;
    }
    if ((r = qstp_root_certificate_verify(cert, cli_now())) != 0)
        return cli_explain_verify(r, "-", NULL, cpath, cert);
    return 0;
}

int cli_root_sign(const char *rootdir, const char *outdir, const char *issuer, uint32_t days,
                  int pem, int force, int quiet)
{
    char kpath[CLI_PATH_MAX], cpath[CLI_PATH_MAX];
    char skpath[CLI_PATH_MAX], scpath[CLI_PATH_MAX], rcpath[CLI_PATH_MAX];
    char skpem[CLI_PATH_MAX], scpem[CLI_PATH_MAX], rcpem[CLI_PATH_MAX];
    char rootkey_out[CLI_PATH_MAX];
    char serial[2 * QSTP_SERIAL_SIZE + 1];
    qstp_root_key *rkey = calloc(1, sizeof(*rkey));
    qstp_root_certificate *rcert = calloc(1, sizeof(*rcert));
    qstp_server_key *skey = calloc(1, sizeof(*skey));
    qstp_server_certificate *scert = calloc(1, sizeof(*scert));
    out_set outs = {{NULL}, {0}, 0};
    const qstp_suite *suite;
    uint64_t now = cli_now(), asked_to = 0;
    int rc = CLI_FILE, r;
    if (rkey == NULL || rcert == NULL || skey == NULL || scert == NULL) {
        cli_err("out of memory");
        goto done;
    }
    if (cli_join(skpath, sizeof(skpath), outdir, CLI_SERVER_KEY_FILE) != 0 ||
        cli_join(scpath, sizeof(scpath), outdir, CLI_SERVER_CERT_FILE) != 0 ||
        cli_join(rcpath, sizeof(rcpath), outdir, CLI_ROOT_CERT_FILE) != 0 ||
        cli_join(skpem, sizeof(skpem), outdir, CLI_SERVER_KEY_FILE ".pem") != 0 ||
        cli_join(scpem, sizeof(scpem), outdir, CLI_SERVER_CERT_FILE ".pem") != 0 ||
        cli_join(rcpem, sizeof(rcpem), outdir, CLI_ROOT_CERT_FILE ".pem") != 0) {
        cli_err("directory name %s is too long", outdir);
        goto done;
    }
    if ((rc = load_root(rootdir, rkey, rcert, kpath, cpath, sizeof(kpath))) != 0)
        goto done;
    /* A server directory is copied to the server whole (--dir): it must never carry the root's
     * secret key, which is what `--out` naming the root directory would do. */
    if (cli_join(rootkey_out, sizeof(rootkey_out), outdir, CLI_ROOT_KEY_FILE) == 0 &&
        cli_exists(rootkey_out)) {
        cli_err("--out %s holds a root secret key (%s); a server directory must not carry the "
                "root's key, so choose another --out", outdir, rootkey_out);
        rc = CLI_FILE;
        goto done;
    }
    if ((rc = check_free(skpath, force)) != 0 || (rc = check_free(scpath, force)) != 0)
        goto done;
    if ((rc = cli_make_dir(outdir, 0700)) != 0)
        goto done;
    rc = CLI_FILE;
    suite = qstp_suite_by_id(rkey->algorithm);
    r = qstp_server_key_generate(skey, suite, issuer, now, days, qstp_random_os, NULL);
    if (r == 0)
        r = qstp_server_certificate_extract(scert, skey);
    if (r == 0)
        r = qstp_server_certificate_sign(scert, rkey, qstp_random_os, NULL);
    if (r == 0) {
        /* Signing capped the certificate to the root's expiry (§8.6). The reference leaves the
         * key file with the asked-for expiry; ours gets the certificate's, so the server stops
         * using the key when clients stop accepting its certificate. */
        asked_to = skey->to;
        if (skey->to > scert->to)
            skey->to = scert->to;
        r = qstp_server_certificate_verify(scert, rcert, now);
    }
    if (r != 0) {
        cli_err("cannot create the server certificate: %s", cli_errstr(qstp_error_of(r)));
        goto done;
    }
    out_note(&outs, skpath);
    out_note(&outs, scpath);
    out_note(&outs, rcpath);
    if (pem) {
        out_note(&outs, skpem);
        out_note(&outs, scpem);
        out_note(&outs, rcpem);
    }
    if (cli_save_server_key(skpath, skey, QSTP_ENCODING_BINARY) != 0 ||
        cli_save_server_cert(scpath, scert, QSTP_ENCODING_BINARY) != 0 ||
        cli_save_root_cert(rcpath, rcert, QSTP_ENCODING_BINARY) != 0 ||
        (pem && (cli_save_server_key(skpem, skey, QSTP_ENCODING_PEM) != 0 ||
                 cli_save_server_cert(scpem, scert, QSTP_ENCODING_PEM) != 0 ||
                 cli_save_root_cert(rcpem, rcert, QSTP_ENCODING_PEM) != 0))) {
        out_undo(&outs);
        goto done;
    }
    rc = CLI_OK;
    if (!quiet) {
        cli_hex(serial, scert->serial, QSTP_SERIAL_SIZE);
        printf("server certificate signed by root %s, written to %s\n", kpath, outdir);
        printf("  %-12s %s  (secret: stays on the server)\n", "secret key", skpath);
        printf("  %-12s %s  (public: clients need a copy)\n", "certificate", scpath);
        printf("  %-12s %s\n", "root copy", rcpath);
        printf("  %-12s %s\n", "issuer", issuer);
        printf("  %-12s %s\n", "serial", serial);
        printf("  %-12s %s (0x%02X)\n", "suite", suite->protocol_string, suite->id);
        print_validity("valid", scert->from, scert->to);
        if (scert->to < asked_to)
            printf("  note: --days %u would outlive the root certificate; the certificate and "
                   "its key end with the root (%llu days)\n",
                   (unsigned)days,
                   (unsigned long long)((scert->to - scert->from) / QSTP_SECONDS_PER_DAY));
        printf("next: qstp server --dir %s --listen 0.0.0.0:%u --echo\n", outdir,
               QSTP_SERVER_DEFAULT_PORT);
    }
done:
    if (rkey != NULL) {
        qstp_root_key_clear(rkey);
        free(rkey);
    }
    if (skey != NULL) {
        qstp_server_key_clear(skey);
        free(skey);
    }
    free(rcert);
    free(scert);
    return rc;
}

static int cmd_init(int argc, char **argv)
{
    const char *out = NULL, *issuer = NULL, *days_s = NULL, *suite_s = NULL;
    int pem = 0, force = 0;
    char defiss[QSTP_ISSUER_SIZE];
    uint32_t days = QSTP_CERT_DEFAULT_DAYS;
    const qstp_suite *suite = qstp_suite_by_id(QSTP_SUITE_DEFAULT_ID);
    const cli_opt opts[] = {
        {"--out", NULL, 1, &out, NULL},       {"--issuer", NULL, 1, &issuer, NULL},
        {"--days", NULL, 1, &days_s, NULL},   {"--suite", NULL, 1, &suite_s, NULL},
        {"--pem", NULL, 0, NULL, &pem},       {"--force", NULL, 0, NULL, &force},
    };
    size_t npos;
    int r = cli_parse("root init", argc, argv, opts, sizeof(opts) / sizeof(opts[0]), NULL, 0, &npos);
    if (r == CLI_PARSE_HELP) {
        fputs(ROOT_INIT_HELP, stdout);
        return CLI_OK;
    }
    if (r != 0)
        return r;
    if (suite_s != NULL && strcmp(suite_s, "list") == 0) {
        fprintf(stderr, "suites (--suite takes the name, the full protocol string or the id):\n");
        cli_list_suites();
        return CLI_OK;
    }
    if (out == NULL)
        return cli_usage_error("root init", "--out DIR is required (where to write the root)");
    if (days_s != NULL && cli_parse_u32(days_s, 1, QSTP_ROOT_MAX_DAYS, &days) != 0)
        return cli_usage_error("root init", "--days must be a whole number from 1 to %u, not '%s'",
                               QSTP_ROOT_MAX_DAYS, days_s);
    if (suite_s != NULL && (suite = cli_suite_lookup(suite_s)) == NULL) {
        cli_usage_error("root init", "unknown suite '%s'; the known suites are listed below",
                        suite_s);
        cli_list_suites();
        return CLI_USAGE;
    }
    if (issuer == NULL) {
        default_issuer(defiss, sizeof(defiss), ".qrr");
        issuer = defiss;
    }
    if ((r = check_issuer("root init", issuer)) != 0)
        return r;
    return cli_root_init(out, issuer, days, suite, pem, force, 0);
}

static int cmd_sign(int argc, char **argv)
{
    const char *root = NULL, *out = NULL, *issuer = NULL, *days_s = NULL;
    int pem = 0, force = 0;
    char defiss[QSTP_ISSUER_SIZE];
    uint32_t days = QSTP_CERT_DEFAULT_DAYS;
    const cli_opt opts[] = {
        {"--root", NULL, 1, &root, NULL},   {"--out", NULL, 1, &out, NULL},
        {"--issuer", NULL, 1, &issuer, NULL}, {"--days", NULL, 1, &days_s, NULL},
        {"--pem", NULL, 0, NULL, &pem},     {"--force", NULL, 0, NULL, &force},
    };
    size_t npos;
    int r = cli_parse("root sign", argc, argv, opts, sizeof(opts) / sizeof(opts[0]), NULL, 0, &npos);
    if (r == CLI_PARSE_HELP) {
        fputs(ROOT_SIGN_HELP, stdout);
        return CLI_OK;
    }
    if (r != 0)
        return r;
    if (root == NULL)
        return cli_usage_error("root sign", "--root DIR is required (the directory made by 'qstp "
                                            "root init')");
    if (out == NULL)
        return cli_usage_error("root sign", "--out DIR is required (where to write the server's files)");
    if (days_s != NULL && cli_parse_u32(days_s, QSTP_CERT_MIN_DAYS, QSTP_CERT_MAX_DAYS, &days) != 0)
        return cli_usage_error("root sign", "--days must be a whole number from %u to %u (QSTP-WIRE "
                                            "§8.8), not '%s'", QSTP_CERT_MIN_DAYS,
                               QSTP_CERT_MAX_DAYS, days_s);
    if (issuer == NULL) {
        default_issuer(defiss, sizeof(defiss), ".qrc");
        issuer = defiss;
    }
    if ((r = check_issuer("root sign", issuer)) != 0)
        return r;
    return cli_root_sign(root, out, issuer, days, pem, force, 0);
}

/* Sends a notice as the first and only packet of a new connection and reads the 22-byte reply
 * (docs/PROTOCOL.md "Carriage"; net/revnotify.c). */
static int notify(const char *target, const uint8_t *notice, size_t noticelen, const char *serial)
{
    char host[256];
    uint16_t port;
    qstp_errors code = qstp_error_none;
    qstp_revnotify_stage stage;
    int r;
    if (cli_parse_hostport(target, host, sizeof(host), &port, 0, "") != 0)
        return cli_usage_error("root revoke", "--notify wants HOST:PORT, not '%s'", target);
    r = qstp_net_revocation_notify(host, port, notice, noticelen, cli_now(), 10000, &code, &stage);
    if (r != 0) {
        switch (stage) {
        case QSTP_REVNOTIFY_CONNECT:
            if (qstp_error_of(r) == qstp_error_connection_failure ||
                qstp_error_of(r) == qstp_error_connect_failure || qstp_error_of(r) == qstp_error_timeout)
                return cli_explain_connect(r, host, port);
            cli_err("cannot build the revocation notice packet: %s", cli_errstr(qstp_error_of(r)));
            return CLI_FILE;
        case QSTP_REVNOTIFY_SEND:
            cli_err("cannot send the revocation notice to %s port %u; check the server", host,
                    (unsigned)port);
            return CLI_NET;
        case QSTP_REVNOTIFY_REPLY:
            cli_err("server %s port %u did not answer the revocation notice; it may not support "
                    "revocation or may not use this root", host, (unsigned)port);
            return CLI_NET;
        }
        return CLI_NET;
    }
    if (code != qstp_error_none) {
        cli_err("server %s port %u refused the revocation notice: %s", host, (unsigned)port,
                cli_errstr(code));
        return CLI_NET;
    }
    printf("server %s port %u accepted the notice: serial %s is withdrawn\n", host, (unsigned)port,
           serial);
    return CLI_OK;
}

static int cmd_revoke(int argc, char **argv)
{
    const char *root = NULL, *serial_s = NULL, *cert_s = NULL, *notify_s = NULL;
    char kpath[CLI_PATH_MAX], cpath[CLI_PATH_MAX], lpath[CLI_PATH_MAX];
    char serialhex[2 * QSTP_SERIAL_SIZE + 1];
    uint8_t serial[QSTP_SERIAL_SIZE], cert_root[QSTP_SERIAL_SIZE];
    qstp_root_key *rkey = NULL;
    qstp_root_certificate *rcert = NULL;
    uint8_t *old = NULL, *list = NULL, *notice = NULL;
    size_t oldlen = 0, listlen = 0, noticelen = 0, cap;
    const qstp_suite *suite;
    uint64_t now = cli_now();
    const cli_opt opts[] = {
        {"--root", NULL, 1, &root, NULL},
        {"--serial", NULL, 1, &serial_s, NULL},
        {"--cert", NULL, 1, &cert_s, NULL},
        {"--notify", NULL, 1, &notify_s, NULL},
    };
    size_t npos;
    int r = cli_parse("root revoke", argc, argv, opts, sizeof(opts) / sizeof(opts[0]), NULL, 0, &npos);
    int rc = CLI_FILE;
    if (r == CLI_PARSE_HELP) {
        fputs(ROOT_REVOKE_HELP, stdout);
        return CLI_OK;
    }
    if (r != 0)
        return r;
    if (root == NULL)
        return cli_usage_error("root revoke", "--root DIR is required");
    if ((serial_s == NULL) == (cert_s == NULL))
        return cli_usage_error("root revoke", "give exactly one of --serial HEX or --cert FILE");
    if (serial_s != NULL && cli_parse_hex(serial_s, serial, sizeof(serial)) != 0)
        return cli_usage_error("root revoke", "--serial must be 32 hex digits, not '%s'", serial_s);
    if (!cli_is_dir(root)) {
        cli_err("root directory %s does not exist; pass the directory made by 'qstp root init'", root);
        return CLI_FILE;
    }
    rkey = calloc(1, sizeof(*rkey));
    rcert = calloc(1, sizeof(*rcert));
    if (rkey == NULL || rcert == NULL)
        goto done;
    if (cert_s != NULL) {
        qstp_server_certificate *sc = calloc(1, sizeof(*sc));
        if (sc == NULL)
            goto done;
        r = cli_load_server_cert(cert_s, sc);
        memcpy(serial, sc->serial, sizeof(serial));
        memcpy(cert_root, sc->rootser, sizeof(cert_root));
        free(sc);
        if (r != 0)
            goto done;
    }
    cli_hex(serialhex, serial, sizeof(serial));
    if ((rc = load_root(root, rkey, rcert, kpath, cpath, sizeof(kpath))) != 0)
        goto done;
    rc = CLI_FILE;
    if (cert_s != NULL && memcmp(cert_root, rcert->serial, sizeof(cert_root)) != 0) {
        /* a root can only withdraw what it signed: clients of this root never trust the others */
        char a[2 * QSTP_SERIAL_SIZE + 1], b[2 * QSTP_SERIAL_SIZE + 1];
        cli_hex(a, cert_root, sizeof(cert_root));
        cli_hex(b, rcert->serial, QSTP_SERIAL_SIZE);
        cli_err("server certificate %s was signed by root %s, not by root %s (serial %s); revoke "
                "it with the root that signed it", cert_s, a, root, b);
        goto done;
    }
    suite = qstp_suite_by_id(rkey->algorithm);
    if (cli_join(lpath, sizeof(lpath), root, CLI_REVOCATION_FILE) != 0)
        goto done;
    /* the list: append to the held one, or start a new one */
    if (cli_exists(lpath)) {
        r = qstp_file_read(lpath, QSTP_KEYFILE_DEFAULT_CAP, &old, &oldlen, NULL);
        if (r != 0) {
            cli_err("cannot read the revocation list %s; check its permissions", lpath);
            goto done;
        }
        r = qstp_revocation_list_verify(NULL, old, oldlen, rcert);
        if (r != 0) {
            cli_err("revocation list %s does not verify under root %s (%s); move it away to start "
                    "a new list", lpath, cpath, cli_errstr(qstp_error_of(r)));
            goto done;
        }
        if (qstp_revocation_list_lookup(old, oldlen, serial, NULL) == 1) {
            printf("serial %s is already on the revocation list %s\n", serialhex, lpath);
        } else {
            size_t count = (oldlen - QSTP_REVOCATION_LIST_HEADER_SIZE - suite->signed_hash_size) /
                           QSTP_REVOCATION_ENTRY_SIZE;
            cap = qstp_revocation_list_size(suite, count + 1);
            list = malloc(cap);
            if (list == NULL)
                goto done;
            r = qstp_revocation_list_append(list, cap, &listlen, old, oldlen, rkey, serial, now,
                                            now, qstp_random_os, NULL);
        }
    } else {
        uint8_t *empty;
        size_t emptylen = 0;
        cap = qstp_revocation_list_size(suite, 0);
        empty = malloc(cap);
        list = malloc(qstp_revocation_list_size(suite, 1));
        if (empty == NULL || list == NULL) {
            free(empty);
            goto done;
        }
        r = qstp_revocation_list_create(empty, cap, &emptylen, rkey, now, qstp_random_os, NULL);
        if (r == 0)
            r = qstp_revocation_list_append(list, qstp_revocation_list_size(suite, 1), &listlen,
                                            empty, emptylen, rkey, serial, now, now,
                                            qstp_random_os, NULL);
        free(empty);
    }
    if (list != NULL) {
        if (r != 0) {
            cli_err("cannot update the revocation list: %s", cli_errstr(qstp_error_of(r)));
            goto done;
        }
        if (qstp_file_write_atomic(lpath, list, listlen, QSTP_KEYFILE_MODE_PUBLIC) != 0) {
            cli_err("cannot write %s; check the directory's permissions", lpath);
            goto done;
        }
        printf("serial %s revoked; revocation list %s updated (give it to clients: qstp client "
               "--revocation %s)\n", serialhex, lpath, lpath);
    }
    rc = CLI_OK;
    if (notify_s != NULL) {
        cap = qstp_revocation_notice_size(suite);
        notice = malloc(cap);
        if (notice == NULL)
            goto done;
        r = qstp_revocation_notice_create(notice, cap, &noticelen, rkey, serial, now,
                                          qstp_random_os, NULL);
        if (r != 0) {
            cli_err("cannot sign the revocation notice: %s", cli_errstr(qstp_error_of(r)));
            rc = CLI_FILE;
            goto done;
        }
        rc = notify(notify_s, notice, noticelen, serialhex);
    }
done:
    if (rkey != NULL) {
        qstp_root_key_clear(rkey);
        free(rkey);
    }
    free(rcert);
    free(list);
    free(notice);
    if (old != NULL)
        qstp_file_free(old, oldlen);
    return rc;
}

int cli_cmd_root(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0 ||
        strcmp(argv[0], "help") == 0) {
        fputs(ROOT_HELP, argc < 1 ? stderr : stdout);
        return argc < 1 ? CLI_USAGE : CLI_OK;
    }
    if (strcmp(argv[0], "init") == 0)
        return cmd_init(argc - 1, argv + 1);
    if (strcmp(argv[0], "sign") == 0)
        return cmd_sign(argc - 1, argv + 1);
    if (strcmp(argv[0], "revoke") == 0)
        return cmd_revoke(argc - 1, argv + 1);
    return cli_usage_error("root", "unknown subcommand '%s' (init, sign or revoke)", argv[0]);
}
