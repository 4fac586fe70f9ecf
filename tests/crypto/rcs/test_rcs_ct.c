/* Constant-time check of RCS and Rijndael-256 under valgrind (the "ctgrind" method): the key,
 * nonce, round keys and plaintext are marked undefined, so memcheck reports any branch or memory
 * index that depends on them. Run as `valgrind --error-exitcode=1 test_rcs_ct` (registered that
 * way in CMakeLists.txt when valgrind is installed); run plainly, the client requests do nothing
 * and only the functional checks count.
 *
 * Covered: the portable block function and CTR, the dispatched CTR (AES-NI under valgrind, which
 * hides AVX-512), and RCS-256/512 init, set_associated and seal, at lengths that hit the §7.7
 * finalize quirk. Open is the same MAC and CTR code followed by a branch on the public verdict,
 * which is not checked here because memcheck would (rightly) report that one branch. */
#include <string.h>

#include <valgrind/memcheck.h>

#include "crypto/rcs.h"
#include "crypto/rijndael256.h"
#include "test.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

int main(void)
{
    uint8_t key[64], nonce[32], n2[32], pt[300], a[400], b[400], hdr[21], rk[31 * 32];
    uint64_t prng = 0x63746772696e64ull;
    test_prng_bytes(&prng, key, sizeof(key));
    test_prng_bytes(&prng, nonce, sizeof(nonce));
    test_prng_bytes(&prng, pt, sizeof(pt));
    test_prng_bytes(&prng, hdr, sizeof(hdr));
    test_prng_bytes(&prng, rk, sizeof(rk));
    printf("running under valgrind: %s\n", RUNNING_ON_VALGRIND ? "yes" : "no (only functional checks)");

    SECRET(key, sizeof(key));
    SECRET(nonce, sizeof(nonce));
    SECRET(pt, sizeof(pt));
    SECRET(rk, sizeof(rk));

    /* Block function and counter mode, portable and dispatched: same output. */
    qstp_rijndael256_encrypt_portable(rk, 22, pt, a);
    qstp_rijndael256_encrypt(rk, 22, pt, b);
    PUBLIC(a, 32);
    PUBLIC(b, 32);
    CHECK(memcmp(a, b, 32) == 0);
    for (size_t len = 1; len <= 300; len += 61) {
        memcpy(n2, nonce, 32);
        qstp_rijndael256_ctr_xor_portable(rk, 22, n2, pt, a, len);
        memcpy(n2, nonce, 32);
        qstp_rijndael256_ctr_xor(rk, 30, n2, pt, b, len);
        memcpy(n2, nonce, 32);
        qstp_rijndael256_ctr_xor(rk, 22, n2, pt, b, len);
        PUBLIC(a, len);
        PUBLIC(b, len);
        CHECK(memcmp(a, b, len) == 0);
    }

    /* RCS-256 and RCS-512: key schedule, AD, seal (68 bytes with a 21-byte AD hits §7.7). */
    static const size_t lens[4] = {0, 68, 150, 300};
    qstp_rcs256_state s256;
    qstp_rcs512_state s512;
    qstp_rcs256_init(&s256, key, nonce, NULL, 0, 1);
    qstp_rcs512_init(&s512, key, nonce, NULL, 0, 1);
    for (int i = 0; i < 4; i++) {
        qstp_rcs256_set_associated(&s256, hdr, sizeof(hdr));
        qstp_rcs256_seal(&s256, a, pt, lens[i]);
        qstp_rcs512_set_associated(&s512, hdr, sizeof(hdr));
        qstp_rcs512_seal(&s512, b, pt, lens[i]);
    }
    /* The sealed bytes are public; decrypting them must give the plaintext back. */
    PUBLIC(a, 300 + 32);
    PUBLIC(key, sizeof(key));
    PUBLIC(nonce, sizeof(nonce));
    PUBLIC(pt, sizeof(pt));
    qstp_rcs256_state rx;
    qstp_rcs256_init(&rx, key, nonce, NULL, 0, 0);
    for (int i = 0; i < 4; i++) {
        qstp_rcs256_set_associated(&rx, hdr, sizeof(hdr));
        if (i < 3) {
            /* replay the first three records to bring the receiver to the sender's state */
            qstp_rcs256_state tx;
            uint8_t r[400];
            qstp_rcs256_init(&tx, key, nonce, NULL, 0, 1);
            for (int k = 0; k <= i; k++) {
                qstp_rcs256_set_associated(&tx, hdr, sizeof(hdr));
                qstp_rcs256_seal(&tx, r, pt, lens[k]);
            }
            CHECK(qstp_rcs256_open(&rx, b, r, lens[i]) == 0);
        } else {
            CHECK(qstp_rcs256_open(&rx, b, a, lens[i]) == 0 && memcmp(b, pt, lens[i]) == 0);
        }
    }
    qstp_rcs256_wipe(&s256);
    qstp_rcs512_wipe(&s512);
    qstp_rcs256_wipe(&rx);
    return test_report();
}
