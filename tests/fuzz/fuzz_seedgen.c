/* Writes the seed corpora (tests/fuzz/corpus/<target>/) from a deterministic session between the
 * same fixed keys, clock and RNG seeds the targets use. Run: fuzz_seedgen <corpus dir>. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"
#include "qstp/revoke.h"

static uint8_t c2s[1 << 16], s2c[1 << 16];
static size_t c2slen, s2clen;

static void put(const char *dir, const char *target, const char *name, const uint8_t *p, size_t n)
{
    char path[4096];
    FILE *f;
    mkdir(dir, 0755);
    snprintf(path, sizeof(path), "%s/%s", dir, target);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/%s/%s", dir, target, name);
    f = fopen(path, "wb");
    if (f == NULL || fwrite(p, 1, n, f) != n)
        abort();
    fclose(f);
}

/* Seeds for fuzz_cert (kind byte || file) and fuzz_revoke (mode byte || input). */
static uint8_t big[1 << 17], pre[(1 << 17) + 64];

static void put_prefixed(const char *dir, const char *target, const char *name, uint8_t prefix,
                         const uint8_t *p, size_t n)
{
    pre[0] = prefix;
    memcpy(pre + 1, p, n);
    put(dir, target, name, pre, n + 1);
}

static void cert_and_revoke_seeds(const char *dir)
{
    const qstp_root_certificate *root = fuzz_root_certificate();
    const qstp_server_certificate *cert = fuzz_server_certificate();
    const qstp_root_key *rk = fuzz_root_key();
    const qstp_server_key *sk = fuzz_server_key();
    static const char *encname[3] = {"bin", "text", "pem"};
    static const qstp_encoding encs[3] = {QSTP_ENCODING_BINARY, QSTP_ENCODING_TEXT, QSTP_ENCODING_PEM};
    fuzz_rng r = {99};
    uint8_t list1[4096], list2[4096], serial[16];
    size_t n = 0, l1 = 0, l2 = 0;
    char name[64];
    for (int e = 0; e < 3; e++) {
        if (qstp_root_certificate_encode(big, sizeof big, &n, root, encs[e]) == 0) {
            snprintf(name, sizeof name, "root_cert_%s", encname[e]);
            put_prefixed(dir, "cert", name, 0, big, n);
        }
        if (qstp_server_certificate_encode(big, sizeof big, &n, cert, encs[e]) == 0) {
            snprintf(name, sizeof name, "server_cert_%s", encname[e]);
            put_prefixed(dir, "cert", name, 1, big, n);
        }
        if (qstp_root_key_encode(big, sizeof big, &n, rk, encs[e]) == 0) {
            snprintf(name, sizeof name, "root_key_%s", encname[e]);
            put_prefixed(dir, "cert", name, 2, big, n);
        }
        if (qstp_server_key_encode(big, sizeof big, &n, sk, encs[e]) == 0) {
            snprintf(name, sizeof name, "server_key_%s", encname[e]);
            put_prefixed(dir, "cert", name, 3, big, n);
        }
    }
    /* A list with two entries; the lookup serial is the second entry's. */
    memset(serial, 0x11, sizeof serial);
    if (qstp_revocation_list_create(list1, sizeof list1, &l1, rk, FUZZ_TIME, fuzz_random, &r) != 0 ||
        qstp_revocation_list_append(list2, sizeof list2, &l2, list1, l1, rk, serial, FUZZ_TIME, FUZZ_TIME,
                                    fuzz_random, &r) != 0)
        abort();
    memset(serial, 0x22, sizeof serial);
    if (qstp_revocation_list_append(list1, sizeof list1, &l1, list2, l2, rk, serial, FUZZ_TIME, FUZZ_TIME,
                                    fuzz_random, &r) != 0)
        abort();
    memcpy(big, serial, 16);
    memcpy(big + 16, list1, l1);
    put_prefixed(dir, "revoke", "list", 0, big, 16 + l1);
    /* A notice for the fuzz server's serial, alone and as a packet for the session. */
    if (qstp_revocation_notice_create(list2, sizeof list2, &l2, rk, cert->serial, FUZZ_TIME, fuzz_random, &r) != 0)
        abort();
    put_prefixed(dir, "revoke", "notice", 1, list2, l2);
    if (qstp_revocation_packet_create(big, sizeof big, &n, list2, l2, FUZZ_TIME) != 0)
        abort();
    put_prefixed(dir, "revoke", "session_notice", 2, big, n);
    put_prefixed(dir, "revoke", "header", 3, big, 21);
}

int main(int argc, char **argv)
{
    fuzz_peer c, s;
    uint8_t out[512];
    size_t outlen;
    if (argc != 2)
        return 2;
    fuzz_peer_client(&c, 1);
    fuzz_peer_server(&s, 2);
    for (int i = 0; i < 4; i++) {
        fuzz_move(&c, &s, c2s, &c2slen, sizeof(c2s));
        fuzz_move(&s, &c, s2c, &s2clen, sizeof(s2c));
    }
    if (!qstp_session_is_established(&c.s) || !qstp_session_is_established(&s.s))
        return 1;
    put(argv[1], "header", "connect_request", c2s, 21);
    put(argv[1], "header", "connect_response", s2c, 21);
    put(argv[1], "server_session", "handshake", c2s, c2slen);
    put(argv[1], "client_session", "handshake", s2c, s2clen);
    for (int i = 0; i < 3; i++) {
        const char *m[] = {"hello", "a record of 68 bytes, which hits the KMAC finalize quirk.........", "x"};
        qstp_session_send(&c.s, (const uint8_t *)m[i], strlen(m[i]), out, sizeof(out), &outlen);
        memcpy(c2s + c2slen, out, outlen);
        c2slen += outlen;
        qstp_session_send(&s.s, (const uint8_t *)m[i], strlen(m[i]), out, sizeof(out), &outlen);
        memcpy(s2c + s2clen, out, outlen);
        s2clen += outlen;
    }
    put(argv[1], "header", "record", out, 21);
    qstp_session_ratchet(&s.s);
    fuzz_move(&s, NULL, s2c, &s2clen, sizeof(s2c));
    qstp_session_ratchet(&c.s);
    fuzz_move(&c, NULL, c2s, &c2slen, sizeof(c2s));
    qstp_session_close(&c.s, qstp_error_none);
    fuzz_move(&c, NULL, c2s, &c2slen, sizeof(c2s));
    qstp_session_close(&s.s, qstp_error_none);
    fuzz_move(&s, NULL, s2c, &s2clen, sizeof(s2c));
    put(argv[1], "server_session", "full", c2s, c2slen);
    put(argv[1], "client_session", "full", s2c, s2clen);
    {
        static const uint8_t r1[] = {0x01, 5, 'h', 'e', 'l', 'l', 'o', 3, 'a', 'b', 'c'};
        static const uint8_t r2[] = {0x00, 0x04, 0x25, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0xc0, 0x23, 0x39, 0x6a};
        put(argv[1], "record", "sealed", r1, sizeof(r1));
        put(argv[1], "record", "raw_header", r2, sizeof(r2));
    }
    cert_and_revoke_seeds(argv[1]);
    fuzz_peer_free(&c);
    fuzz_peer_free(&s);
    printf("seeds written to %s\n", argv[1]);
    return 0;
}
