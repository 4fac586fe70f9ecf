/* ML-KEM key generation, encapsulation and decapsulation (FIPS 203 §6 and §7), generic over k.
 * Hash functions (§4.1): H = SHA3-256, G = SHA3-512, J = SHAKE256 with 32-byte output. */
#include <string.h>

#include "crypto/ct.h"
#include "crypto/endian.h"
#include "crypto/keccak.h"
#include "crypto/mlkem/kpke.h"
#include "crypto/mlkem/mlkem.h"
#include "crypto/mlkem/params.h"
#include "crypto/mlkem/poly.h"
#include "crypto/mlkem/sample.h"
#include "crypto/sha3.h"

#define PB QSTP_MLKEM_POLYBYTES

size_t qstp_mlkem_pk_size(unsigned k)
{
    const qstp_mlkem_params *p = qstp_mlkem_params_get(k);
    return p ? p->pk_bytes : 0;
}

size_t qstp_mlkem_sk_size(unsigned k)
{
    const qstp_mlkem_params *p = qstp_mlkem_params_get(k);
    return p ? p->sk_bytes : 0;
}

size_t qstp_mlkem_ct_size(unsigned k)
{
    const qstp_mlkem_params *p = qstp_mlkem_params_get(k);
    return p ? p->ct_bytes : 0;
}

/* dk = dk_pke (384k) || ek (384k + 32) || H(ek) (32) || z (32)  (Alg. 16 step 3). */
static size_t sk_ek_offset(const qstp_mlkem_params *p) { return PB * p->k; }
static size_t sk_h_offset(const qstp_mlkem_params *p) { return PB * p->k + p->pk_bytes; }
static size_t sk_z_offset(const qstp_mlkem_params *p) { return PB * p->k + p->pk_bytes + 32; }

int qstp_mlkem_keypair_derand(unsigned k, uint8_t *pk, uint8_t *sk, const uint8_t d[32],
                              const uint8_t z[32])
{
    const qstp_mlkem_params *p = qstp_mlkem_params_get(k);
    if (p == NULL)
        return -1;
    qstp_mlkem_kpke_keygen(p, pk, sk, d);
    memcpy(sk + sk_ek_offset(p), pk, p->pk_bytes);
    qstp_sha3_256(sk + sk_h_offset(p), pk, p->pk_bytes);
    memcpy(sk + sk_z_offset(p), z, 32);
    return 0;
}

int qstp_mlkem_keypair(unsigned k, uint8_t *pk, uint8_t *sk, qstp_rng_fn rng, void *rng_ctx)
{
    uint8_t coins[64]; /* d || z, one call (NIST KAT order) */
    int ret = -1;
    if (qstp_mlkem_params_get(k) != NULL && rng(rng_ctx, coins, sizeof(coins)) == 0)
        ret = qstp_mlkem_keypair_derand(k, pk, sk, coins, coins + 32);
    qstp_wipe(coins, sizeof(coins));
    return ret;
}

int qstp_mlkem_check_pk(unsigned k, const uint8_t *pk)
{
    const qstp_mlkem_params *p = qstp_mlkem_params_get(k);
    if (p == NULL)
        return -1;
    /* §7.2 modulus check: ByteEncode_12(ByteDecode_12(ek)) == ek, i.e. every value < q. */
    int ok = 1;
    for (unsigned i = 0; i < k; i++)
        ok &= qstp_mlkem_poly_bytes_reduced(pk + PB * i);
    return ok ? 0 : -1;
}

int qstp_mlkem_check_sk(unsigned k, const uint8_t *sk)
{
    const qstp_mlkem_params *p = qstp_mlkem_params_get(k);
    if (p == NULL)
        return -1;
    /* §7.3 hash check: H(dk[384k : 768k + 32]) == dk[768k + 32 : 768k + 64]. */
    uint8_t h[32];
    qstp_sha3_256(h, sk + sk_ek_offset(p), p->pk_bytes);
    int ok = qstp_ct_equal(h, sk + sk_h_offset(p), 32);
    return ok ? 0 : -1;
}

int qstp_mlkem_encaps_derand(unsigned k, uint8_t *ct, uint8_t ss[32], const uint8_t *pk,
                             const uint8_t m[32])
{
    const qstp_mlkem_params *p = qstp_mlkem_params_get(k);
    if (p == NULL) {
        qstp_wipe(ss, 32);
        return -1;
    }
    if (qstp_mlkem_check_pk(k, pk) != 0) {
        qstp_wipe(ct, p->ct_bytes);
        qstp_wipe(ss, 32);
        return -1;
    }
    uint8_t in[64], kr[64];
    qstp_mlkem_poly at[QSTP_MLKEM_K_MAX * QSTP_MLKEM_K_MAX];
    /* H(ek) in a spare Keccak lane of the sampling of A-hat^T (which needs only rho), then
     * (K, r) = G(m || H(ek)) (Alg. 17 step 1) and K-PKE.Encrypt with that matrix. */
    const qstp_mlkem_lane_hash hek = {pk, p->pk_bytes, NULL, 0, QSTP_KECCAK_DOMAIN_SHA3, in + 32, 1};
    memcpy(in, m, 32);
    qstp_mlkem_gen_matrix_hashes(at, pk + PB * k, k, 1, &hek, 1);
    qstp_sha3_512(kr, in, sizeof(in));
    qstp_mlkem_kpke_encrypt_at(p, ct, pk, at, m, kr + 32);
    memcpy(ss, kr, 32);
    qstp_wipe(in, sizeof(in));
    qstp_wipe(kr, sizeof(kr));
    return 0;
}

int qstp_mlkem_encaps(unsigned k, uint8_t *ct, uint8_t ss[32], const uint8_t *pk, qstp_rng_fn rng,
                      void *rng_ctx)
{
    const qstp_mlkem_params *p = qstp_mlkem_params_get(k);
    uint8_t m[32];
    int ret;
    if (p == NULL) {
        qstp_wipe(ss, 32);
        return -1;
    }
    if (rng(rng_ctx, m, sizeof(m)) != 0) {
        qstp_wipe(ct, p->ct_bytes);
        qstp_wipe(ss, 32);
        ret = -1;
    } else {
        ret = qstp_mlkem_encaps_derand(k, ct, ss, pk, m);
    }
    qstp_wipe(m, sizeof(m));
    return ret;
}

/* qstp_ct_equal 8 bytes at a time (ciphertext sizes are multiples of 32): the re-encryption
 * check of every Decaps compares 768-1920 bytes, and the byte loop was a visible cost. Time
 * depends only on n; the verdict is formed without a branch (qstp_ct_mask_nonzero_u64). */
static int ct_equal_words(const uint8_t *a, const uint8_t *b, size_t n)
{
    uint64_t d = 0;
    for (size_t i = 0; i < n; i += 8)
        d |= qstp_load64_le(a + i) ^ qstp_load64_le(b + i);
    return (int)(1u & ~qstp_ct_mask_nonzero_u64(d));
}

int qstp_mlkem_decaps(unsigned k, uint8_t ss[32], const uint8_t *ct, const uint8_t *sk,
                      int *reencrypt_ok)
{
    const qstp_mlkem_params *p = qstp_mlkem_params_get(k);
    if (reencrypt_ok != NULL)
        *reencrypt_ok = 0;
    if (p == NULL) {
        qstp_wipe(ss, 32);
        return -1;
    }
    const uint8_t *ek = sk + sk_ek_offset(p);
    const uint8_t *h = sk + sk_h_offset(p);
    const uint8_t *z = sk + sk_z_offset(p);
    uint8_t in[64], kr[64], kbar[32], hek[32], cmp[QSTP_MLKEM_CT_MAX];
    qstp_mlkem_poly at[QSTP_MLKEM_K_MAX * QSTP_MLKEM_K_MAX];

    /* The §7.3 hash check H(ek) == h (as qstp_mlkem_check_sk) and K-bar = J(z || c) (step 9), the
     * two long hashes, in spare Keccak lanes of the sampling of A-hat^T for the re-encryption
     * (none of the three depends on the others). */
    const qstp_mlkem_lane_hash hj[2] = {
        {ek, p->pk_bytes, NULL, 0, QSTP_KECCAK_DOMAIN_SHA3, hek, 1},
        {z, 32, ct, p->ct_bytes, QSTP_KECCAK_DOMAIN_SHAKE, kbar, 0},
    };
    qstp_mlkem_gen_matrix_hashes(at, ek + PB * k, k, 1, hj, 2);
    if (!qstp_ct_equal(hek, h, 32)) {
        qstp_wipe(kbar, sizeof(kbar));
        qstp_wipe(ss, 32);
        return -1;
    }

    /* m' = K-PKE.Decrypt(dk_pke, c); (K', r') = G(m' || h)  (Alg. 18 steps 7-8). */
    qstp_mlkem_kpke_decrypt(p, in, sk, ct);
    memcpy(in + 32, h, 32);
    qstp_sha3_512(kr, in, sizeof(in));

    /* c' = K-PKE.Encrypt(ek, m', r'); if c != c' then K' = K-bar (steps 10-12), without a branch:
     * which key is returned must not show in timing (the flag itself is reported, see mlkem.h). */
    qstp_mlkem_kpke_encrypt_at(p, cmp, ek, at, in, kr + 32);
    const int eq = ct_equal_words(ct, cmp, p->ct_bytes);
    qstp_ct_cmov(kr, kbar, 32, (unsigned)(1 ^ eq));
    memcpy(ss, kr, 32);
    if (reencrypt_ok != NULL)
        *reencrypt_ok = eq;

    qstp_wipe(in, sizeof(in));
    qstp_wipe(kr, sizeof(kr));
    qstp_wipe(kbar, sizeof(kbar));
    qstp_wipe(cmp, sizeof(cmp));
    return 0;
}
