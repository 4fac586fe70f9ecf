/* `qstp cert show | verify`: inspect any certificate or key file (binary, reference text or PEM,
 * cert.h "encodings") and check a server certificate against a root. Secret key material is never
 * printed: for a key file only its public fields are shown. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/keyfile.h"
#include "qstp/revoke.h"

static const char CERT_SHOW_HELP[] =
    "usage: qstp cert show [--brief | --json] FILE\n"
    "\n"
    "Prints what FILE is (root or server certificate, root or server secret key; binary,\n"
    "reference text or PEM), its issuer, serials, suite and validity, and for a certificate\n"
    "its reference text form. Secret key material is never printed. A revocation list\n"
    "(root_revocation.qrl) is shown with its root serial and every revoked serial.\n"
    "\n"
    "  --brief   only the summary, not the text form\n"
    "  --json    the summary as one JSON object on one line (for scripts): file, kind,\n"
    "            encoding, size, issuer, serial, suite, suite_id, valid_from, valid_to (UTC),\n"
    "            status (valid, expired, not_yet_valid), days_left, root_serial, hash, ...\n"
    "\n"
    "examples:\n"
    "  qstp cert show server/server_public_cert.qrc\n"
    "  qstp cert show --json server/server_public_cert.qrc | jq .days_left\n";

static const char CERT_VERIFY_HELP[] =
    "usage: qstp cert verify --root FILE [--revocation FILE] CERT\n"
    "\n"
    "Checks CERT (a server certificate) against the root certificate FILE with this machine's\n"
    "clock: the root's self-signature and validity, the root's signature on CERT, the root\n"
    "serial, the suite and CERT's validity; with --revocation, that CERT is not revoked.\n"
    "CERT may also be a root certificate: its self-signature and validity are checked.\n"
    "Exit status 0 if valid, 2 if not (with one sentence saying why).\n"
    "\n"
    "example: qstp cert verify --root root/root_public_cert.qrr server/server_public_cert.qrc\n";

static const char CERT_EXPORT_HELP[] =
    "usage: qstp cert export --format binary|pem|text [--out FILE] [--force] FILE\n"
    "\n"
    "Writes FILE (any certificate or key file, in any encoding) in another encoding: binary\n"
    "(the reference's .qrr/.qrc/.qsk files), pem, or text (the reference's printable form;\n"
    "certificates only). A certificate goes to stdout without --out (text and pem only). A\n"
    "secret key is only ever written to a file (--out, mode 0600), never to stdout.\n"
    "\n"
    "  --format F   binary, pem or text\n"
    "  --out FILE   write here (atomically); refused if it exists, unless --force\n"
    "\n"
    "examples:\n"
    "  qstp cert export --format pem server/server_public_cert.qrc > server.pem\n"
    "  qstp cert export --format binary --out server_public_cert.qrc server.pem\n";

static const char CERT_HELP[] =
    "usage: qstp cert show|verify|export [options]\n"
    "\n"
    "  show    print a certificate or key file\n"
    "  verify  check a server certificate against its root\n"
    "  export  write a certificate or key file in another encoding (binary, pem, text)\n"
    "\n"
    "example: qstp cert show root/root_public_cert.qrr\n";

typedef enum { K_NONE, K_ROOT_CERT, K_SERVER_CERT, K_ROOT_KEY, K_SERVER_KEY } file_kind;

typedef struct loaded {
    file_kind kind;
    qstp_encoding enc;
    size_t size;
    union {
        qstp_root_certificate root;
        qstp_server_certificate server;
        qstp_root_key rkey;
        qstp_server_key skey;
    } u;
} loaded;

static const char *enc_name(qstp_encoding e)
{
    return e == QSTP_ENCODING_TEXT ? "reference text" : e == QSTP_ENCODING_PEM ? "PEM" : "binary";
}

/* Detects the kind by trying each decoder (the sizes and PEM labels differ per kind). */
static int load_any(const char *path, loaded *l)
{
    uint8_t *data = NULL;
    size_t len = 0;
    int r;
    errno = 0;
    r = qstp_file_read(path, QSTP_KEYFILE_DEFAULT_CAP, &data, &len, NULL);
    if (r != 0) {
        if (qstp_error_of(r) == qstp_error_io && errno != ENOENT && cli_is_dir(path))
            cli_err("%s is a directory; name a certificate or key file inside it (%s, %s, ...)",
                    path, CLI_ROOT_CERT_FILE, CLI_SERVER_CERT_FILE);
        else if (qstp_error_of(r) == qstp_error_io)
            cli_err("cannot read %s: %s; check the path", path,
                    errno == ENOENT ? "no such file" : strerror(errno));
        else
            cli_err("%s is far too large to be a QSTP certificate or key", path);
        return CLI_FILE;
    }
    l->size = len;
    if (qstp_root_certificate_decode(&l->u.root, data, len, &l->enc) == 0)
        l->kind = K_ROOT_CERT;
    else if (qstp_server_certificate_decode(&l->u.server, data, len, &l->enc) == 0)
        l->kind = K_SERVER_CERT;
    else if (qstp_root_key_decode(&l->u.rkey, data, len, &l->enc) == 0)
        l->kind = K_ROOT_KEY;
    else if (qstp_server_key_decode(&l->u.skey, data, len, &l->enc) == 0)
        l->kind = K_SERVER_KEY;
    qstp_file_free(data, len);
    if (l->kind == K_NONE && len == 0) {
        cli_err("%s is empty, not a QSTP certificate or key; it was cut short or never written",
                path);
        return CLI_FILE;
    }
    if (l->kind == K_NONE) {
        cli_err("%s is not a QSTP certificate or key (%zu bytes; expected a .qrr, .qrc or .qsk "
                "file in binary, reference text or PEM form)", path, len);
        return CLI_FILE;
    }
    return 0;
}

/* cert show FILE where FILE is a revocation list: 0 if shown, -1 if FILE is something else. */
static int show_list(const char *path)
{
    uint8_t *data = NULL;
    size_t len = 0;
    int r;
    if (qstp_file_read(path, QSTP_KEYFILE_DEFAULT_CAP, &data, &len, NULL) != 0)
        return -1;
    r = cli_show_revocation_list(path, data, len);
    qstp_file_free(data, len);
    return r;
}

static void show_field(const char *name, const char *value)
{
    printf("  %-14s %s\n", name, value);
}

static void show_hex(const char *name, const uint8_t *p, size_t n)
{
    char h[2 * QSTP_HASH_SIZE + 1];
    cli_hex(h, p, n);
    show_field(name, h);
}

static void show_issuer(const uint8_t issuer[QSTP_ISSUER_SIZE])
{
    char s[QSTP_ISSUER_SIZE + 1];
    size_t i;
    for (i = 0; i < QSTP_ISSUER_SIZE && issuer[i] != 0; i++)
        s[i] = issuer[i] >= 0x20 && issuer[i] < 0x7F ? (char)issuer[i] : '?';
    s[i] = '\0';
    show_field("issuer", s);
}

static void show_suite(uint8_t id)
{
    const qstp_suite *su = qstp_suite_by_id(id);
    char line[160];
    if (su == NULL)
        snprintf(line, sizeof(line), "unknown (0x%02X)", id);
    else
        snprintf(line, sizeof(line), "%s (0x%02X: %s + %s)", su->protocol_string, su->id,
                 su->sig_name, su->kem_name);
    show_field("suite", line);
}

static void show_validity(uint64_t from, uint64_t to)
{
    char a[QSTP_TIME_STRING_SIZE], b[QSTP_TIME_STRING_SIZE], line[160];
    uint64_t now = cli_now();
    (void)qstp_cert_time_format(a, from);
    (void)qstp_cert_time_format(b, to);
    show_field("valid from", a);
    if (now > to)
        snprintf(line, sizeof(line), "%s (EXPIRED %llu days ago)", b,
                 (unsigned long long)((now - to) / QSTP_SECONDS_PER_DAY));
    else if (now + QSTP_CERT_FROM_TOLERANCE < from)
        snprintf(line, sizeof(line), "%s (NOT YET VALID)", b);
    else
        snprintf(line, sizeof(line), "%s (%llu days left)", b,
                 (unsigned long long)((to - now) / QSTP_SECONDS_PER_DAY));
    show_field("valid to", line);
}

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

/* The reference text form (§8.9) after the summary. */
static void show_text_root(const qstp_root_certificate *c)
{
    size_t cap = qstp_encoded_size_max(qstp_root_certificate_size(c->algorithm)), n = 0;
    uint8_t *buf = malloc(cap + 1);
    if (buf != NULL && qstp_root_certificate_encode(buf, cap, &n, c, QSTP_ENCODING_TEXT) == 0)
        printf("\n%.*s", (int)n, (const char *)buf);
    free(buf);
}

static void show_text_server(const qstp_server_certificate *c)
{
    size_t cap = qstp_encoded_size_max(qstp_server_certificate_size(c->algorithm)), n = 0;
    uint8_t *buf = malloc(cap + 1);
    if (buf != NULL && qstp_server_certificate_encode(buf, cap, &n, c, QSTP_ENCODING_TEXT) == 0)
        printf("\n%.*s", (int)n, (const char *)buf);
    free(buf);
}

/* The fields every kind of file has: what it is, who issued it, its serial, suite and dates. */
static void summary_id(cli_cert_summary *f, const char *kind, const uint8_t *issuer,
                       const uint8_t *serial, uint8_t algorithm, uint64_t from, uint64_t to)
{
    f->kind = kind;
    f->issuer = issuer;
    f->serial = serial;
    f->algorithm = algorithm;
    f->from = from;
    f->to = to;
}

/* The summary of l that both forms of cert show print (text, --json via cert_json.c); h holds
 * the hash f->hash points to. 0, or -1 for a kind that has none. */
static int summarize(cli_cert_summary *f, const char *path, const loaded *l, uint8_t h[QSTP_HASH_SIZE])
{
    memset(f, 0, sizeof(*f));
    f->path = path;
    f->encoding = enc_name(l->enc);
    f->size = l->size;
    f->self_signature = -1;
    switch (l->kind) {
    case K_ROOT_CERT:
        summary_id(f, "root certificate", l->u.root.issuer, l->u.root.serial, l->u.root.algorithm,
                   l->u.root.from, l->u.root.to);
        f->self_signature = qstp_root_certificate_verify(&l->u.root, l->u.root.from + 1) == 0;
        f->hash = qstp_root_certificate_hash(h, &l->u.root) == 0 ? h : NULL;
        return 0;
    case K_SERVER_CERT:
        summary_id(f, "server certificate", l->u.server.issuer, l->u.server.serial,
                   l->u.server.algorithm, l->u.server.from, l->u.server.to);
        f->has_root_serial = 1;
        f->root_serial = all_zero(l->u.server.rootser, QSTP_SERIAL_SIZE) ? NULL : l->u.server.rootser;
        f->hash = qstp_server_certificate_hash(h, &l->u.server) == 0 ? h : NULL;
        return 0;
    case K_ROOT_KEY:
        summary_id(f, "root secret key", l->u.rkey.issuer, l->u.rkey.serial, l->u.rkey.algorithm,
                   l->u.rkey.from, l->u.rkey.to);
        f->secret_key = 1;
        return 0;
    case K_SERVER_KEY:
        summary_id(f, "server secret key", l->u.skey.issuer, l->u.skey.serial, l->u.skey.algorithm,
                   l->u.skey.from, l->u.skey.to);
        f->secret_key = 1;
        return 0;
    default:
        return -1;
    }
}

/* The text form of the fields summary_id sets. */
static void show_id(const cli_cert_summary *f)
{
    show_issuer(f->issuer);
    show_hex("serial", f->serial, QSTP_SERIAL_SIZE);
    show_suite(f->algorithm);
    show_validity(f->from, f->to);
}

static int cmd_show(int argc, char **argv)
{
    int brief = 0, json = 0, r;
    const char *pos[1];
    size_t npos;
    uint8_t h[QSTP_HASH_SIZE];
    cli_cert_summary f;
    loaded *l;
    const cli_opt opts[] = {{"--brief", NULL, 0, NULL, &brief}, {"--json", NULL, 0, NULL, &json}};
    r = cli_parse("cert show", argc, argv, opts, 2, pos, 1, &npos);
    if (r == CLI_PARSE_HELP) {
        fputs(CERT_SHOW_HELP, stdout);
        return CLI_OK;
    }
    if (r != 0)
        return r;
    if (npos != 1)
        return cli_usage_error("cert show", "name the file to show");
    l = calloc(1, sizeof(*l));
    if (l == NULL)
        return CLI_FILE;
    if (brief && json) {
        free(l);
        return cli_usage_error("cert show", "--brief and --json do not go together");
    }
    if (!json && show_list(pos[0]) == 0) {
        free(l);
        return CLI_OK;
    }
    if ((r = load_any(pos[0], l)) != 0) {
        free(l);
        return r;
    }
    if (summarize(&f, pos[0], l, h) != 0) {
        free(l);
        return CLI_OK;
    }
    if (json) {
        cli_cert_json(&f);
        if (l->kind == K_ROOT_KEY)
            qstp_root_key_clear(&l->u.rkey);
        else if (l->kind == K_SERVER_KEY)
            qstp_server_key_clear(&l->u.skey);
        free(l);
        return CLI_OK;
    }
    switch (l->kind) {
    case K_ROOT_CERT:
        printf("%s: root certificate (%s, %zu bytes)\n", pos[0], f.encoding, f.size);
        show_id(&f);
        show_field("self-signature", f.self_signature == 1 ? "valid" : "INVALID (damaged or altered)");
        if (f.hash != NULL)
            show_hex("hash", f.hash, QSTP_HASH_SIZE);
        if (!brief)
            show_text_root(&l->u.root);
        break;
    case K_SERVER_CERT:
        printf("%s: server certificate (%s, %zu bytes)\n", pos[0], f.encoding, f.size);
        show_id(&f);
        if (f.root_serial == NULL)
            show_field("signed by", "nobody yet (unsigned; run 'qstp root sign')");
        else
            show_hex("root serial", f.root_serial, QSTP_SERIAL_SIZE);
        if (f.hash != NULL)
            show_hex("hash", f.hash, QSTP_HASH_SIZE);
        if (!brief)
            show_text_server(&l->u.server);
        break;
    case K_ROOT_KEY:
        printf("%s: root SECRET key (%s, %zu bytes)\n", pos[0], f.encoding, f.size);
        show_id(&f);
        show_field("signing key", "present (not shown)");
        qstp_root_key_clear(&l->u.rkey);
        break;
    case K_SERVER_KEY:
        printf("%s: server SECRET key (%s, %zu bytes)\n", pos[0], f.encoding, f.size);
        show_id(&f);
        show_field("signing key", "present (not shown)");
        qstp_server_key_clear(&l->u.skey);
        break;
    default:
        break;
    }
    free(l);
    return CLI_OK;
}

static int cmd_verify(int argc, char **argv)
{
    const char *root = NULL, *revo = NULL, *pos[1];
    size_t npos;
    int r, rc = CLI_FILE;
    char t[QSTP_TIME_STRING_SIZE], serial[2 * QSTP_SERIAL_SIZE + 1];
    uint8_t h1[QSTP_HASH_SIZE], h2[QSTP_HASH_SIZE];
    qstp_root_certificate *rc_ = NULL;
    loaded *l = NULL;
    const cli_opt opts[] = {
        {"--root", NULL, 1, &root, NULL},
        {"--revocation", NULL, 1, &revo, NULL},
    };
    r = cli_parse("cert verify", argc, argv, opts, 2, pos, 1, &npos);
    if (r == CLI_PARSE_HELP) {
        fputs(CERT_VERIFY_HELP, stdout);
        return CLI_OK;
    }
    if (r != 0)
        return r;
    if (root == NULL)
        return cli_usage_error("cert verify", "--root FILE is required (the root certificate)");
    if (npos != 1)
        return cli_usage_error("cert verify", "name the certificate to verify");
    rc_ = calloc(1, sizeof(*rc_));
    l = calloc(1, sizeof(*l));
    if (rc_ == NULL || l == NULL)
        goto done;
    if ((rc = cli_load_root_cert(root, rc_)) != 0)
        goto done;
    if ((rc = load_any(pos[0], l)) != 0)
        goto done;
    rc = CLI_FILE;
    if (l->kind == K_ROOT_CERT) {
        r = qstp_root_certificate_verify(&l->u.root, cli_now());
        if (r != 0) {
            rc = cli_explain_verify(r, pos[0], NULL, pos[0], &l->u.root);
            goto done;
        }
        if (qstp_root_certificate_hash(h1, &l->u.root) != 0 ||
            qstp_root_certificate_hash(h2, rc_) != 0 || memcmp(h1, h2, sizeof(h1)) != 0) {
            cli_err("%s is a valid root certificate but not the root %s; compare their serials "
                    "with 'qstp cert show'", pos[0], root);
            goto done;
        }
        (void)qstp_cert_time_format(t, l->u.root.to);
        printf("%s: OK (root certificate, self-signature valid, valid until %s)\n", pos[0], t);
        rc = CLI_OK;
        goto done;
    }
    if (l->kind != K_SERVER_CERT) {
        cli_err("%s is a secret key, not a certificate; verify the matching certificate instead "
                "(" CLI_SERVER_CERT_FILE ")", pos[0]);
        if (l->kind == K_ROOT_KEY)
            qstp_root_key_clear(&l->u.rkey);
        else
            qstp_server_key_clear(&l->u.skey);
        goto done;
    }
    r = qstp_server_certificate_verify(&l->u.server, rc_, cli_now());
    if (r != 0) {
        rc = cli_explain_verify(r, pos[0], &l->u.server, root, rc_);
        goto done;
    }
    if (revo != NULL && (rc = cli_check_revocation(revo, &l->u.server, pos[0], rc_, root)) != 0)
        goto done;
    (void)qstp_cert_time_format(t, l->u.server.to);
    cli_hex(serial, l->u.server.serial, QSTP_SERIAL_SIZE);
    printf("%s: OK (server certificate %s signed by %s, valid until %s%s)\n", pos[0], serial, root,
           t, revo != NULL ? ", not revoked" : "");
    rc = CLI_OK;
done:
    free(rc_);
    free(l);
    return rc;
}

static int export_stdout(const loaded *l, qstp_encoding enc, const char *path)
{
    size_t cap = qstp_encoded_size_max(l->kind == K_ROOT_CERT
                                           ? qstp_root_certificate_size(l->u.root.algorithm)
                                           : qstp_server_certificate_size(l->u.server.algorithm));
    size_t n = 0;
    uint8_t *buf = malloc(cap + 1);
    int r;
    if (buf == NULL)
        return CLI_FILE;
    r = l->kind == K_ROOT_CERT ? qstp_root_certificate_encode(buf, cap + 1, &n, &l->u.root, enc)
                               : qstp_server_certificate_encode(buf, cap + 1, &n, &l->u.server, enc);
    if (r == 0 && (fwrite(buf, 1, n, stdout) != n || fflush(stdout) != 0))
        r = -1;
    free(buf);
    if (r != 0) {
        cli_err("cannot write %s to stdout: %s", path,
                r == -1 ? strerror(errno) : cli_errstr(qstp_error_of(r)));
        return CLI_FILE;
    }
    return CLI_OK;
}

static int cmd_export(int argc, char **argv)
{
    const char *fmt = NULL, *out = NULL, *pos[1];
    int force = 0, r, rc;
    size_t npos;
    qstp_encoding enc;
    loaded *l;
    const cli_opt opts[] = {
        {"--format", NULL, 1, &fmt, NULL},
        {"--out", NULL, 1, &out, NULL},
        {"--force", NULL, 0, NULL, &force},
    };
    r = cli_parse("cert export", argc, argv, opts, 3, pos, 1, &npos);
    if (r == CLI_PARSE_HELP) {
        fputs(CERT_EXPORT_HELP, stdout);
        return CLI_OK;
    }
    if (r != 0)
        return r;
    if (fmt == NULL)
        return cli_usage_error("cert export", "--format binary|pem|text is required");
    if (strcmp(fmt, "binary") == 0)
        enc = QSTP_ENCODING_BINARY;
    else if (strcmp(fmt, "pem") == 0)
        enc = QSTP_ENCODING_PEM;
    else if (strcmp(fmt, "text") == 0)
        enc = QSTP_ENCODING_TEXT;
    else
        return cli_usage_error("cert export", "--format is binary, pem or text, not '%s'", fmt);
    if (npos != 1)
        return cli_usage_error("cert export", "name the file to export");
    l = calloc(1, sizeof(*l));
    if (l == NULL)
        return CLI_FILE;
    if ((rc = load_any(pos[0], l)) != 0) {
        free(l);
        return rc;
    }
    rc = CLI_USAGE;
    if ((l->kind == K_ROOT_KEY || l->kind == K_SERVER_KEY) && enc == QSTP_ENCODING_TEXT) {
        cli_usage_error("cert export", "%s is a secret key, and keys have no text form; use "
                        "--format pem or binary", pos[0]);
    } else if ((l->kind == K_ROOT_KEY || l->kind == K_SERVER_KEY) && out == NULL) {
        cli_usage_error("cert export", "%s is a secret key, which is never written to stdout; "
                        "give --out FILE (written with mode 0600)", pos[0]);
    } else if (out == NULL && enc == QSTP_ENCODING_BINARY) {
        cli_usage_error("cert export", "binary output goes to a file: give --out FILE, or use "
                        "--format pem or text for stdout");
    } else if (out != NULL && !force && cli_exists(out)) {
        cli_err("%s already exists; pass --force to overwrite it or choose another --out", out);
        rc = CLI_FILE;
    } else if (out == NULL) {
        rc = export_stdout(l, enc, pos[0]);
    } else {
        switch (l->kind) { /* cli_save_*: atomic, keys 0600, certificates 0644 */
        case K_ROOT_CERT:
            rc = cli_save_root_cert(out, &l->u.root, enc);
            break;
        case K_SERVER_CERT:
            rc = cli_save_server_cert(out, &l->u.server, enc);
            break;
        case K_ROOT_KEY:
            rc = cli_save_root_key(out, &l->u.rkey, enc);
            break;
        default:
            rc = cli_save_server_key(out, &l->u.skey, enc);
            break;
        }
        if (rc == 0)
            printf("%s written (%s, from %s)\n", out, fmt, pos[0]);
    }
    if (l->kind == K_ROOT_KEY)
        qstp_root_key_clear(&l->u.rkey);
    else if (l->kind == K_SERVER_KEY)
        qstp_server_key_clear(&l->u.skey);
    free(l);
    return rc;
}

int cli_cmd_cert(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0 ||
        strcmp(argv[0], "help") == 0) {
        fputs(CERT_HELP, argc < 1 ? stderr : stdout);
        return argc < 1 ? CLI_USAGE : CLI_OK;
    }
    if (strcmp(argv[0], "show") == 0)
        return cmd_show(argc - 1, argv + 1);
    if (strcmp(argv[0], "verify") == 0)
        return cmd_verify(argc - 1, argv + 1);
    if (strcmp(argv[0], "export") == 0)
        return cmd_export(argc - 1, argv + 1);
    return cli_usage_error("cert", "unknown subcommand '%s' (show, verify or export)", argv[0]);
}
