/* `qstp cert show` on a revocation list (root_revocation.qrl, docs/PROTOCOL.md "Revocation"):
 * the root serial, issue time and every listed serial with its time. Parsed here only for
 * display, with every length checked; the signature needs the root certificate and is checked
 * by 'qstp cert verify --revocation' and by the client. */
#include "cli.h"

#include <stdio.h>

#include "qstp/revoke.h"
#include "qstp/suite.h"

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int cli_show_revocation_list(const char *path, const uint8_t *data, size_t len)
{
    const size_t hdr = QSTP_REVOCATION_LIST_HEADER_SIZE, ent = QSTP_REVOCATION_ENTRY_SIZE;
    const qstp_suite *su;
    char hex[2 * QSTP_SERIAL_SIZE + 1], t[QSTP_TIME_STRING_SIZE];
    uint32_t count;
    /* tbs = alg(1) ver(1) root_serial(16) LE64 issue LE32 count, count x (serial 16, LE64 time) */
    if (len < hdr || data[1] != QSTP_REVOCATION_VERSION || (su = qstp_suite_by_id(data[0])) == NULL)
        return -1;
    count = le32(data + 26);
    if (count > (len - hdr) / ent || qstp_revocation_list_size(su, count) != len)
        return -1;
    /* a certificate or key of exactly this size is taken for what it is, never for a list */
    for (size_t i = 0; i < qstp_suite_count(); i++) {
        const uint8_t id = qstp_suite_at(i)->id;
        if (len == qstp_root_certificate_size(id) || len == qstp_server_certificate_size(id) ||
            len == qstp_root_key_size(id) || len == qstp_server_key_size(id))
            return -1;
    }
    printf("%s: revocation list (binary, %zu bytes)\n", path, len);
    cli_hex(hex, data + 2, QSTP_SERIAL_SIZE);
    printf("  %-14s %s\n", "root serial", hex);
    printf("  %-14s %s (0x%02X)\n", "suite", su->protocol_string, su->id);
    (void)qstp_cert_time_format(t, le64(data + 18));
    printf("  %-14s %s\n", "issued", t);
    printf("  %-14s %u serial(s)\n", "revoked", (unsigned)count);
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = data + hdr + (size_t)i * ent;
        cli_hex(hex, e, QSTP_SERIAL_SIZE);
        (void)qstp_cert_time_format(t, le64(e + QSTP_SERIAL_SIZE));
        printf("    %s  since %s\n", hex, t);
    }
    printf("  %-14s not checked here (it needs the root): qstp cert verify --root ROOT "
           "--revocation %s CERT\n", "signature", path);
    return 0;
}
