/* Fuzz target: revocation parsers (docs/PROTOCOL.md "## Revocation"). data[0] % 4 picks:
 *   0: a revocation list (data[1..17) is the serial looked up, the rest is the list): structure
 *      parse, lookup (checked against a linear scan), verification against the fuzz root;
 *   1: a revocation notice body, verified against the fuzz root;
 *   2: raw bytes to a server session that accepts revocation notices (the peer-reachable path:
 *      header check, workspace bound, notice verification, reply);
 *   3: the 21-byte notice header check and the 22-byte reply parser. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "qstp/revoke.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int linear_lookup(const uint8_t *list, size_t listlen, const uint8_t serial[16])
{
    uint32_t count;
    if (listlen < QSTP_REVOCATION_LIST_HEADER_SIZE)
        return 0;
    count = (uint32_t)list[26] | (uint32_t)list[27] << 8 | (uint32_t)list[28] << 16 | (uint32_t)list[29] << 24;
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = list + QSTP_REVOCATION_LIST_HEADER_SIZE + (size_t)i * QSTP_REVOCATION_ENTRY_SIZE;
        if (memcmp(e, serial, 16) == 0)
            return 1;
    }
    return 0;
}

static void fuzz_list(const uint8_t *data, size_t size)
{
    uint8_t serial[16] = {0};
    qstp_revocation_list_info info;
    uint64_t t = 0;
    int found, r;
    if (size >= 16) {
        memcpy(serial, data, 16);
        data += 16;
        size -= 16;
    }
    found = qstp_revocation_list_lookup(data, size, serial, &t);
    if (found > 1)
        abort();
    /* A parsed list has its exact length, so the scan stays inside it. */
    if (found >= 0 && found != linear_lookup(data, size, serial))
        abort();
    memset(&info, 0xA5, sizeof info);
    r = qstp_revocation_list_verify(&info, data, size, fuzz_root_certificate());
    if (r > 0)
        abort();
    if (r != 0) {
        const uint8_t *b = (const uint8_t *)&info;
        for (size_t i = 0; i < sizeof info; i++)
            if (b[i] != 0)
                abort(); /* revoke.h: info zeroed on failure */
    } else if (found < 0) {
        abort(); /* verified but not parseable? */
    }
}

static void fuzz_notice(const uint8_t *data, size_t size)
{
    qstp_revocation_notice n;
    int r = qstp_revocation_notice_verify(&n, data, size, fuzz_root_certificate());
    if (r > 0)
        abort();
    if (r == 0 && (size != qstp_revocation_notice_size(qstp_suite_by_id(n.algorithm)) ||
                   memcmp(n.root_serial, fuzz_root_certificate()->serial, 16) != 0))
        abort();
}

static void fuzz_session(const uint8_t *data, size_t size)
{
    const qstp_server_config *c = fuzz_server_config_revocation();
    fuzz_peer p;
    memset(&p, 0, sizeof p);
    p.rng.s = 7;
    p.env.now = fuzz_clock;
    p.env.random = fuzz_random;
    p.env.ctx = &p.rng;
    p.wslen = qstp_server_config_workspace_size(c);
    p.ws = malloc(p.wslen);
    p.rx = malloc(QSTP_SESSION_RX_BUFFER_SIZE);
    if (p.ws == NULL || p.rx == NULL || qstp_session_server_init(&p.s, &p.env, c) != 0 ||
        qstp_session_attach_workspace(&p.s, p.ws, p.wslen) != 0 || qstp_session_start(&p.s) != 0)
        abort();
    (void)fuzz_feed(&p, data, size);
    {
        size_t n;
        const uint8_t *o;
        while ((o = qstp_session_output(&p.s, &n)) != NULL)
            qstp_session_output_ack(&p.s, n);
    }
    fuzz_peer_free(&p);
}

static void fuzz_small(const uint8_t *data, size_t size)
{
    uint8_t hdr[QSTP_REVOCATION_HEADER_SIZE] = {0};
    uint8_t rep[QSTP_REVOCATION_REPLY_SIZE] = {0};
    size_t mlen = 1;
    qstp_errors code;
    uint64_t now = FUZZ_TIME;
    memcpy(hdr, data, size < sizeof hdr ? size : sizeof hdr);
    memcpy(rep, data, size < sizeof rep ? size : sizeof rep);
    if (size >= 29) {
        now = 0;
        for (int i = 0; i < 8; i++)
            now |= (uint64_t)data[21 + i] << (8 * i);
    }
    if (qstp_revocation_header_check(hdr, now, &mlen) == 0) {
        if (mlen == 0 || mlen > QSTP_REVOCATION_NOTICE_MAX)
            abort();
    } else if (mlen != 0) {
        abort();
    }
    (void)qstp_revocation_reply_parse(rep, &code);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    switch (data[0] & 3u) {
    case 0: fuzz_list(data + 1, size - 1); break;
    case 1: fuzz_notice(data + 1, size - 1); break;
    case 2: fuzz_session(data + 1, size - 1); break;
    default: fuzz_small(data + 1, size - 1); break;
    }
    return 0;
}
