/* SHA3-256/512 and SHAKE128/256 against the NIST CAVP byte-oriented response files
 * (the .rsp files in vectors/sha3/nist-cavp-byte), one-shot and streamed in uneven pieces. */
#include <stdlib.h>
#include <string.h>

#include "crypto/sha3.h"
#include "test.h"

typedef enum { SHA3_256, SHA3_512, SHAKE128, SHAKE256 } alg;

static void compute(alg a, uint8_t *out, size_t outlen, const uint8_t *msg, size_t len, size_t piece)
{
    qstp_keccak_state st;
    switch (a) {
    case SHA3_256:
        qstp_sha3_256_init(&st);
        break;
    case SHA3_512:
        qstp_sha3_512_init(&st);
        break;
    case SHAKE128:
        qstp_shake128_init(&st);
        break;
    case SHAKE256:
        qstp_shake256_init(&st);
        break;
    }
    for (size_t off = 0; off < len;) {
        size_t n = (piece == 0 || len - off < piece) ? len - off : piece;
        qstp_keccak_absorb(&st, msg + off, n);
        off += n;
        piece = piece ? piece + 1 : 0; /* vary the piece size */
    }
    if (a == SHA3_256)
        qstp_sha3_256_final(&st, out);
    else if (a == SHA3_512)
        qstp_sha3_512_final(&st, out);
    else {
        /* squeeze in two uneven parts to exercise the incremental squeeze */
        size_t first = outlen / 3;
        qstp_shake_squeeze(&st, out, first);
        qstp_shake_squeeze(&st, out + first, outlen - first);
    }
}

static int run_file(const char *rel, alg a)
{
    const char *path = test_vector_path(rel);
    if (path == NULL)
        return 0;
    test_rsp *f = test_rsp_open(path);
    CHECK(f != NULL);
    if (f == NULL)
        return 0;
    test_rsp_record rec;
    int cases = 0;
    while (test_rsp_next(f, &rec)) {
        const char *len_s = test_rsp_get(&rec, "Len");
        const char *msg_s = test_rsp_get(&rec, "Msg");
        const char *md_s = test_rsp_get(&rec, "MD");
        if (md_s == NULL)
            md_s = test_rsp_get(&rec, "Output");
        if (msg_s == NULL || md_s == NULL)
            continue;
        size_t msglen = 0, mdlen = 0;
        uint8_t *msg = test_hex_alloc(msg_s, &msglen);
        uint8_t *md = test_hex_alloc(md_s, &mdlen);
        CHECK(msg != NULL && md != NULL);
        if (msg && md) {
            if (len_s != NULL) {
                unsigned long bits = strtoul(len_s, NULL, 10);
                CHECK(bits % 8 == 0);
                msglen = bits / 8; /* "Len = 0" carries a dummy "Msg = 00" */
            }
            uint8_t *got = malloc(mdlen + 1);
            compute(a, got, mdlen, msg, msglen, 0);
            CHECK_BYTES(got, md, mdlen, rel);
            compute(a, got, mdlen, msg, msglen, 1 + (size_t)cases % 7);
            CHECK_BYTES(got, md, mdlen, "streamed");
            free(got);
            cases++;
        }
        free(msg);
        free(md);
    }
    test_rsp_close(f);
    return cases;
}

int main(void)
{
    static const struct {
        const char *file;
        alg a;
        int min_cases;
    } files[] = {
        {"vectors/sha3/nist-cavp-byte/SHA3_256ShortMsg.rsp", SHA3_256, 137},
        {"vectors/sha3/nist-cavp-byte/SHA3_256LongMsg.rsp", SHA3_256, 100},
        {"vectors/sha3/nist-cavp-byte/SHA3_512ShortMsg.rsp", SHA3_512, 73},
        {"vectors/sha3/nist-cavp-byte/SHA3_512LongMsg.rsp", SHA3_512, 100},
        {"vectors/sha3/nist-cavp-byte/SHAKE128ShortMsg.rsp", SHAKE128, 337},
        {"vectors/sha3/nist-cavp-byte/SHAKE128LongMsg.rsp", SHAKE128, 100},
        {"vectors/sha3/nist-cavp-byte/SHAKE128VariableOut.rsp", SHAKE128, 1126},
        {"vectors/sha3/nist-cavp-byte/SHAKE256ShortMsg.rsp", SHAKE256, 273},
        {"vectors/sha3/nist-cavp-byte/SHAKE256LongMsg.rsp", SHAKE256, 100},
        {"vectors/sha3/nist-cavp-byte/SHAKE256VariableOut.rsp", SHAKE256, 1246},
    };
    int total = 0;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        int n = run_file(files[i].file, files[i].a);
        CHECK_MSG(n >= files[i].min_cases, "%s: %d cases, expected at least %d", files[i].file, n,
                  files[i].min_cases);
        total += n;
    }
    printf("sha3_cavp: %d CAVP cases\n", total);
    return test_report();
}
