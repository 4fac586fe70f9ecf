/* SLH-DSA pure mode (FIPS 205 Alg. 22, external interface with a context) against known answers
 * from an independent implementation, @noble/post-quantum 0.7.1 (npm; the library the vector
 * README uses to verify the ACVP files). The shared vector set has no external-interface SLH-DSA
 * vectors (vectors/README.md, slhdsa/), so these were generated once on this machine:
 *   seed[i] = (7 i + ctxlen + n) mod 256, i < 3n; keygen(seed) = keygen_internal(seed[0:n],
 *   seed[n:2n], seed[2n:3n]); msg[i] = i, i < 32 (QSTP signs a 32-byte hash);
 *   ctx[i] = 0xA0 + i, i < ctxlen; deterministic (extraEntropy: false) or hedged with
 *   addrnd[i] = 0x55 ^ i, i < n.
 * Stored: the public key and SHA-256 of the signature. Every set is covered, the three "s" sets
 * (QSTP 0x0A-0x0E) with the empty context QSTP uses. */
#include <string.h>

#include "crypto/slhdsa/slhdsa.h"
#include "test.h"

typedef struct {
    qstp_slhdsa_param p;
    unsigned ctxlen;
    int hedged;
    const char *pk;
    const char *sig_sha256;
} pure_kat;

static const pure_kat kats[] = {
    {QSTP_SLHDSA_SHAKE_128F, 0, 0, "f0f7fe050c131a21282f363d444b52590d557510399f92add42adfe0d584d238",
     "528e23003f995ce1e1016a673c259477f8d53cb7eafa65484d8643c829a0e40d"},
    {QSTP_SLHDSA_SHAKE_128F, 1, 0, "f1f8ff060d141b222930373e454c535a4eef621d49596357cb23d79cd251c5ba",
     "842f1d6fa49966e11180e934cd23d6ff2c53be517db8be4ed49e09b55f8a6a48"},
    {QSTP_SLHDSA_SHAKE_128F, 255, 1, "eff6fd040b121920272e353c434a5158e6a4f04ef58bc461de5313c279aa6a75",
     "cef7fef574c4a0baae0af89d9ff0e6a6e40dbb0ae45c80f386bebd29162c4f51"},
    {QSTP_SLHDSA_SHAKE_192F, 3, 1,
     "6b727980878e959ca3aab1b8bfc6cdd4dbe2e9f0f7fe050cf03f8a1f99f6b61361ee44db9601264824f99abab705d2db",
     "695f33aca37bf3b3f842bdd11450d5fb4c8bb3f67fe98df7b0ce1807052937c5"},
    {QSTP_SLHDSA_SHAKE_256F, 0, 0,
     "e0e7eef5fc030a11181f262d343b424950575e656c737a81888f969da4abb2b908669eff17cf69cb8d62b94a87214c4c1a04082415"
     "5aa0dcde5cdebf7a2d140f",
     "83911d952aa85cc6540e438187311cccfc1264a6637d83694eaac989fa63afdd"},
    {QSTP_SLHDSA_SHAKE_128S, 0, 0, "f0f7fe050c131a21282f363d444b5259a0effa7a05b3fea535cf5f5faef95b09",
     "94649f03d1ea9fe0ed7b1b5443f26b4726d71a0cbb61ba275113798b96e40b9d"},
    {QSTP_SLHDSA_SHAKE_192S, 0, 0,
     "686f767d848b9299a0a7aeb5bcc3cad1d8dfe6edf4fb020984d235d0e80f24a61c52c3cd2beee430893837497507c43f",
     "a71d92e90a84e5cff682cf79bd87c03a98ae39d4a278b697d2a8a6df69722964"},
    {QSTP_SLHDSA_SHAKE_256S, 0, 0,
     "e0e7eef5fc030a11181f262d343b424950575e656c737a81888f969da4abb2b928615d2e8a8a9d9e80795d3116394cb19654fd4d"
     "56ac55f7396b465bac1cd8a4",
     "d9c55f6fe606a359cd51687e3fc32346c510bffc19d23a69711cd998394c3623"},
};

static uint8_t sig[QSTP_SLHDSA_SIG_MAX], sm[QSTP_SLHDSA_SIG_MAX + 32];

int main(void)
{
    for (size_t t = 0; t < sizeof kats / sizeof kats[0]; t++) {
        const pure_kat *k = &kats[t];
        const size_t n = qstp_slhdsa_pk_size(k->p) / 2, slen = qstp_slhdsa_sig_size(k->p);
        uint8_t seed[96], msg[32], ctx[255], rnd[32], pk[64], sk[128], want_pk[64], want_h[32], h[32];
        size_t smlen = 0;

        for (size_t i = 0; i < 3 * n; i++)
            seed[i] = (uint8_t)(7 * i + k->ctxlen + n);
        for (size_t i = 0; i < sizeof msg; i++)
            msg[i] = (uint8_t)i;
        for (size_t i = 0; i < k->ctxlen; i++)
            ctx[i] = (uint8_t)(0xA0 + i);
        for (size_t i = 0; i < n; i++)
            rnd[i] = (uint8_t)(0x55 ^ i);
        CHECK(test_hex_decode(want_pk, sizeof want_pk, k->pk) == 2 * n);
        CHECK(test_hex_decode(want_h, sizeof want_h, k->sig_sha256) == 32);

        CHECK(qstp_slhdsa_keypair_seed(k->p, pk, sk, seed, seed + n, seed + 2 * n) == 0);
        CHECK_BYTES(pk, want_pk, 2 * n, qstp_slhdsa_name(k->p));
        CHECK(qstp_slhdsa_sign(k->p, sig, msg, sizeof msg, ctx, k->ctxlen, sk, k->hedged ? rnd : NULL) == 0);
        test_sha256(h, sig, slen);
        CHECK_MSG(memcmp(h, want_h, 32) == 0, "%s ctxlen %u %s: signature differs from noble",
                  qstp_slhdsa_name(k->p), k->ctxlen, k->hedged ? "hedged" : "deterministic");
        CHECK(qstp_slhdsa_verify(k->p, sig, slen, msg, sizeof msg, ctx, k->ctxlen, pk) == 0);
        /* The attached form with an empty context is the same signature followed by the message. */
        if (k->ctxlen == 0 && !k->hedged) {
            CHECK(qstp_slhdsa_sign_attached(k->p, sm, &smlen, msg, sizeof msg, sk, NULL) == 0);
            CHECK(smlen == slen + sizeof msg);
            test_sha256(h, sm, slen);
            CHECK_MSG(memcmp(h, want_h, 32) == 0, "%s attached signature differs", qstp_slhdsa_name(k->p));
            CHECK_BYTES(sm + slen, msg, sizeof msg, "attached message");
        }
    }
    return test_report();
}
