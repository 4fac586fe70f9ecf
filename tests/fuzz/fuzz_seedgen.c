/* Writes the seed corpora (tests/fuzz/corpus/<target>/) from a deterministic session between the
 * same fixed keys, clock and RNG seeds the targets use. Run: fuzz_seedgen <corpus dir>. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"

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
    fuzz_peer_free(&c);
    fuzz_peer_free(&s);
    printf("seeds written to %s\n", argv[1]);
    return 0;
}
