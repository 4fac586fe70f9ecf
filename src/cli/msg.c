/* Messages: every failure becomes one sentence that names the file, field or peer and says what
 * to do (docs/DESIGN "Errors": the CLI turns a qstp_errors code into a sentence a person can act
 * on). Exit codes are in cli.h. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void cli_err(const char *fmt, ...)
{
    va_list ap;
    char line[1024];
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    fprintf(stderr, "qstp: %s\n", line);
}

void cli_log(const char *who, const char *fmt, ...)
{
    va_list ap;
    char line[1024], stamp[32];
    time_t t = time(NULL);
    struct tm tm;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (cli_log_is_json()) {
        /* a leading "error: " / "warning: " (the text form's level) becomes the level field */
        const char *lv = "info", *m = line;
        if (strncmp(m, "error: ", 7) == 0) {
            lv = "error";
            m += 7;
        } else if (strncmp(m, "warning: ", 9) == 0) {
            lv = "warning";
            m += 9;
        } else if (strncmp(m, "debug: ", 7) == 0) {
            lv = "debug";
            m += 7;
        }
        cli_log_json_line(who, lv, m);
        return;
    }
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
    /* one write per line so lines from several threads do not interleave */
    fprintf(stderr, "%s qstp %s: %s\n", stamp, who, line);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    char line[1024];
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    fprintf(stderr, "qstp %s: %s; see 'qstp %s --help'.\n", cmd, line, cmd);
    return CLI_USAGE;
}

void cli_hex(char *out, const uint8_t *in, size_t n)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

const char *cli_errstr(qstp_errors e)
{
    /* the library's strings are whole sentences ("The communications channel is down."); inside
     * our sentences they read better without the capital and the final period */
    static _Thread_local char buf[160];
    size_t n;
    snprintf(buf, sizeof(buf), "%s", qstp_error_to_string(e));
    n = strlen(buf);
    if (n > 0 && buf[n - 1] == '.')
        buf[--n] = '\0';
    if (n > 1 && buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
        buf[0] = (char)(buf[0] - 'A' + 'a');
    return buf;
}

static void when(char out[QSTP_TIME_STRING_SIZE], uint64_t t)
{
    (void)qstp_cert_time_format(out, t);
}

int cli_explain_verify(int ret, const char *certpath, const qstp_server_certificate *cert,
                       const char *rootpath, const qstp_root_certificate *root)
{
    char t[QSTP_TIME_STRING_SIZE];
    char a[2 * QSTP_SERIAL_SIZE + 1], b[2 * QSTP_SERIAL_SIZE + 1];
    const qstp_suite *cs, *rs;
    switch (qstp_error_of(ret)) {
    case qstp_error_root_expired:
        when(t, root->to);
        cli_err("root certificate %s expired on %s; create a new root (qstp root init) and re-sign "
                "the servers", rootpath, t);
        break;
    case qstp_error_root_not_yet_valid:
        when(t, root->from);
        cli_err("root certificate %s is not valid before %s; check this machine's clock", rootpath, t);
        break;
    case qstp_error_root_signature_invalid:
        cli_err("root certificate %s is damaged (its self-signature does not verify); get a fresh "
                "copy from the root operator", rootpath);
        break;
    case qstp_error_certificate_expired:
        when(t, cert->to);
        cli_err("server certificate %s expired on %s; ask the root operator to re-sign it "
                "(qstp root sign)", certpath, t);
        break;
    case qstp_error_certificate_not_yet_valid:
        when(t, cert->from);
        cli_err("server certificate %s is not valid before %s; check this machine's clock",
                certpath, t);
        break;
    case qstp_error_root_serial_mismatch:
        cli_hex(a, cert->rootser, QSTP_SERIAL_SIZE);
        cli_hex(b, root->serial, QSTP_SERIAL_SIZE);
        cli_err("server certificate %s was signed by root %s, not by %s (serial %s); use the root "
                "certificate that signed it", certpath, a, rootpath, b);
        break;
    case qstp_error_algorithm_mismatch:
        cs = qstp_suite_by_id(cert->algorithm);
        rs = qstp_suite_by_id(root->algorithm);
        cli_err("server certificate %s uses suite %s but root %s uses %s; both must use the same "
                "suite", certpath, cs ? cs->short_name : "?", rootpath, rs ? rs->short_name : "?");
        break;
    case qstp_error_unknown_configuration:
        cli_err("%s or %s names an unknown suite (algorithm byte); the file is damaged or from a "
                "newer version", certpath, rootpath);
        break;
    case qstp_error_version_unsupported:
        cli_err("%s or %s has an unsupported certificate version (expected 1); re-issue it with "
                "this version", certpath, rootpath);
        break;
    case qstp_error_verify_failure:
    case qstp_error_signature_failure:
        cli_err("server certificate %s does not carry a valid signature of root %s; it was altered "
                "or is unsigned, so ask the root operator to sign it (qstp root sign)", certpath,
                rootpath);
        break;
    case qstp_error_certificate_revoked:
        cli_hex(a, cert->serial, QSTP_SERIAL_SIZE);
        cli_err("server certificate %s (serial %s) is revoked by root %s; ask the root operator "
                "for a new one", certpath, a, rootpath);
        break;
    case qstp_error_revocation_invalid:
        cli_err("the revocation list does not verify under root %s; get a fresh copy from the root "
                "operator", rootpath);
        break;
    default:
        cli_err("server certificate %s failed verification against root %s: %s", certpath,
                rootpath, cli_errstr(qstp_error_of(ret)));
        break;
    }
    return CLI_FILE;
}

int cli_explain_connect(int ret, const char *host, uint16_t port)
{
    qstp_errors e = qstp_error_of(ret);
    switch (e) {
    case qstp_error_connection_failure:
    case qstp_error_connect_failure:
        cli_err("cannot connect to %s port %u (refused, unreachable, or the server refused the "
                "tunnel); check that 'qstp server' runs there and the address is right", host,
                (unsigned)port);
        return CLI_NET;
    case qstp_error_timeout:
        cli_err("no answer from %s port %u in time; check the address, the port and any firewall",
                host, (unsigned)port);
        return CLI_NET;
    case qstp_error_certificate_expired:
    case qstp_error_certificate_not_yet_valid:
    case qstp_error_root_expired:
    case qstp_error_root_not_yet_valid:
    case qstp_error_root_signature_invalid:
    case qstp_error_root_serial_mismatch:
    case qstp_error_algorithm_mismatch:
    case qstp_error_verify_failure:
        cli_err("the server certificate for %s port %u does not verify: %s; run 'qstp cert verify' "
                "on it", host, (unsigned)port, cli_errstr(e));
        return CLI_FILE;
    case qstp_error_key_unrecognized:
        cli_err("server %s port %u does not hold the key of this certificate; use the server's "
                "current certificate (its server_public_cert.qrc)", host, (unsigned)port);
        return CLI_NET;
    case qstp_error_authentication_failure:
    case qstp_error_hash_invalid:
        cli_err("server %s port %u failed authentication (its signature or certificate hash does "
                "not match the certificate you gave); make sure --cert and --root belong to that "
                "server", host, (unsigned)port);
        return CLI_NET;
    case qstp_error_message_time_invalid:
    case qstp_error_packet_unsequenced:
    case qstp_error_unknown_protocol:
    case qstp_error_malformed:
    case qstp_error_invalid_request:
        /* The first bytes back were no QSTP packet of the right kind and time: most often the
         * port belongs to another service (an HTTP server answers with "HTTP/1.1 ...", whose
         * bytes read as a header with an absurd time stamp); otherwise a clock is wrong. */
        cli_err("%s port %u did not answer with a valid QSTP handshake packet (%s); check that "
                "this port is a 'qstp server' and not another service, and that both machines' "
                "clocks are right", host, (unsigned)port, cli_errstr(e));
        return CLI_NET;
    case qstp_error_receive_failure:
    case qstp_error_transmit_failure:
        cli_err("the connection to %s port %u broke during the handshake (%s); check that this "
                "port is a 'qstp server' and see its log (it may have refused the tunnel)", host,
                (unsigned)port, cli_errstr(e));
        return CLI_NET;
    default:
        cli_err("tunnel to %s port %u failed: %s", host, (unsigned)port, cli_errstr(e));
        return CLI_NET;
    }
}
