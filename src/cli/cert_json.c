/* `qstp cert show --json`: the summary of a certificate or key file as one JSON object on one
 * line, for scripts (expiry checks, inventories). The same fields as the text summary; for a
 * secret key only its public fields, never key material. */
#include "cli.h"

#include <stdio.h>
#include <time.h>

#include "qstp/suite.h"

/* s as a JSON string: quotes, backslashes and control bytes escaped. */
static void put_str(const char *s)
{
    putchar('"');
    for (; *s != '\0'; s++) {
        const unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void put_key(const char *k)
{
    printf(",\"%s\":", k);
}

static void put_hex(const char *k, const uint8_t *p, size_t n)
{
    char h[2 * QSTP_HASH_SIZE + 1];
    if (n > QSTP_HASH_SIZE)
        return;
    cli_hex(h, p, n);
    put_key(k);
    put_str(h);
}

static void put_time(const char *k, uint64_t t)
{
    char s[32];
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        s[0] = '\0';
    put_key(k);
    put_str(s);
}

void cli_cert_json(const cli_cert_summary *f)
{
    char issuer[QSTP_ISSUER_SIZE + 1], id[8];
    const qstp_suite *su = qstp_suite_by_id(f->algorithm);
    const uint64_t now = cli_now();
    const char *status = now > f->to ? "expired"
                         : now + QSTP_CERT_FROM_TOLERANCE < f->from ? "not_yet_valid" : "valid";
    /* whole days left, negative once expired (as the text form's "EXPIRED N days ago") */
    const long long days = now > f->to ? -(long long)((now - f->to) / QSTP_SECONDS_PER_DAY)
                                       : (long long)((f->to - now) / QSTP_SECONDS_PER_DAY);
    size_t i;
    for (i = 0; i < QSTP_ISSUER_SIZE && f->issuer[i] != 0; i++)
        issuer[i] = f->issuer[i] >= 0x20 && f->issuer[i] < 0x7F ? (char)f->issuer[i] : '?';
    issuer[i] = '\0';
    snprintf(id, sizeof(id), "0x%02X", f->algorithm);

    printf("{\"file\":");
    put_str(f->path);
    put_key("kind");
    put_str(f->kind);
    put_key("encoding");
    put_str(f->encoding);
    printf(",\"size\":%zu", f->size);
    put_key("issuer");
    put_str(issuer);
    put_hex("serial", f->serial, QSTP_SERIAL_SIZE);
    put_key("suite");
    put_str(su != NULL ? su->protocol_string : "unknown");
    put_key("suite_id");
    put_str(id);
    if (su != NULL) {
        put_key("signature");
        put_str(su->sig_name);
        put_key("kem");
        put_str(su->kem_name);
    }
    put_time("valid_from", f->from);
    put_time("valid_to", f->to);
    printf(",\"valid_from_unix\":%llu,\"valid_to_unix\":%llu", (unsigned long long)f->from,
           (unsigned long long)f->to);
    put_key("status");
    put_str(status);
    printf(",\"days_left\":%lld", days);
    if (f->has_root_serial) {
        put_key("root_serial");
        if (f->root_serial != NULL) {
            char h[2 * QSTP_SERIAL_SIZE + 1];
            cli_hex(h, f->root_serial, QSTP_SERIAL_SIZE);
            put_str(h);
        } else {
            printf("null"); /* unsigned */
        }
    }
    if (f->self_signature >= 0) {
        put_key("self_signature");
        put_str(f->self_signature ? "valid" : "invalid");
    }
    if (f->hash != NULL)
        put_hex("hash", f->hash, QSTP_HASH_SIZE);
    if (f->secret_key) {
        put_key("secret_key");
        put_str("present (not shown)");
    }
    printf("}\n");
}
