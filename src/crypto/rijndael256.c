/* Rijndael-256 (256-bit block), portable backend: bitsliced, constant time, no tables.
 * QSTP-WIRE §6.3 (block function) and §6.4 (counter mode).
 *
 * Representation: two blocks are processed at once in eight 64-bit "planes". Plane i holds bit i
 * of every state byte, the two blocks interleaved: bit 2j + b is byte j of block b. Byte
 * j = 4c + r is row r of column c, so:
 *   - column c is byte c of the plane (8 bits: 4 rows x 2 blocks), and the row rotations
 *     MixColumns needs are 2-bit rotations inside each byte;
 *   - row r is bits 2r, 2r + 1 of every byte (mask 0x03 << 2r), and ShiftRows (offsets 0, 1, 3, 4
 *     for Nb = 8) rotates that row by 8 * offset bits: a plain 64-bit rotation.
 * SubBytes is the Boyar-Peralta depth-16 circuit (113 gates) evaluated on the planes, so no byte
 * ever indexes memory and there is no branch on data. */
#include "crypto/rijndael256.h"

#include <string.h>

#include "crypto/ct.h"
#include "crypto/endian.h"

typedef uint64_t planes[8];

/* ---- bitslice conversion ---- */

/* Transpose the 8x8 bit matrix held in x (byte j = row j, bit i of the byte = column i):
 * bit 8j + i moves to 8i + j. Three swap steps (2x2, 4x4, 8x8 blocks). */
static uint64_t transpose8x8(uint64_t x)
{
    uint64_t t;
    t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAull;
    x ^= t ^ (t << 7);
    t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCull;
    x ^= t ^ (t << 14);
    t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0ull;
    x ^= t ^ (t << 28);
    return x;
}

/* One 32-byte block into 32-bit planes: q[i] bit j = bit i of in[j]. */
static void bitslice32(const uint8_t in[32], uint32_t q[8])
{
    uint64_t y[4];
    for (unsigned k = 0; k < 4; k++)
        y[k] = transpose8x8(qstp_load64_le(in + 8 * k));
    /* After the transpose, byte i of y[k] holds bit i of bytes 8k..8k+7. */
    for (unsigned i = 0; i < 8; i++) {
        q[i] = (uint32_t)((y[0] >> (8 * i)) & 0xFF) | (uint32_t)((y[1] >> (8 * i)) & 0xFF) << 8 |
               (uint32_t)((y[2] >> (8 * i)) & 0xFF) << 16 | (uint32_t)((y[3] >> (8 * i)) & 0xFF) << 24;
    }
}

static void unbitslice32(const uint32_t q[8], uint8_t out[32])
{
    for (unsigned k = 0; k < 4; k++) {
        uint64_t y = 0;
        for (unsigned i = 0; i < 8; i++)
            y |= (uint64_t)((q[i] >> (8 * k)) & 0xFF) << (8 * i);
        qstp_store64_le(out + 8 * k, transpose8x8(y));
    }
}

/* Bit j of x to bit 2j (Morton spread), and back. */
static uint64_t spread32(uint32_t v)
{
    uint64_t x = v;
    x = (x | (x << 16)) & 0x0000FFFF0000FFFFull;
    x = (x | (x << 8)) & 0x00FF00FF00FF00FFull;
    x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0Full;
    x = (x | (x << 2)) & 0x3333333333333333ull;
    x = (x | (x << 1)) & 0x5555555555555555ull;
    return x;
}

static uint32_t compact32(uint64_t x)
{
    x &= 0x5555555555555555ull;
    x = (x | (x >> 1)) & 0x3333333333333333ull;
    x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0Full;
    x = (x | (x >> 4)) & 0x00FF00FF00FF00FFull;
    x = (x | (x >> 8)) & 0x0000FFFF0000FFFFull;
    x = (x | (x >> 16)) & 0x00000000FFFFFFFFull;
    return (uint32_t)x;
}

/* Two blocks into interleaved 64-bit planes (block a on the even bits, block b on the odd). */
static void bitslice2(const uint8_t a[32], const uint8_t b[32], planes q)
{
    uint32_t qa[8], qb[8];
    bitslice32(a, qa);
    bitslice32(b, qb);
    for (unsigned i = 0; i < 8; i++)
        q[i] = spread32(qa[i]) | (spread32(qb[i]) << 1);
    qstp_wipe(qa, sizeof(qa));
    qstp_wipe(qb, sizeof(qb));
}

static void unbitslice2(const planes q, uint8_t a[32], uint8_t b[32])
{
    uint32_t qa[8], qb[8];
    for (unsigned i = 0; i < 8; i++) {
        qa[i] = compact32(q[i]);
        qb[i] = compact32(q[i] >> 1);
    }
    unbitslice32(qa, a);
    unbitslice32(qb, b);
    qstp_wipe(qa, sizeof(qa));
    qstp_wipe(qb, sizeof(qb));
}

/* ---- round functions on planes ---- */

/* AES S-box, Boyar-Peralta depth-16 circuit. U0 is the most significant input bit (plane 7),
 * S0 the most significant output bit. */
static void sub_bytes(planes q)
{
    const uint64_t U0 = q[7], U1 = q[6], U2 = q[5], U3 = q[4];
    const uint64_t U4 = q[3], U5 = q[2], U6 = q[1], U7 = q[0];

    /* top linear layer */
    const uint64_t T1 = U0 ^ U3, T2 = U0 ^ U5, T3 = U0 ^ U6, T4 = U3 ^ U5, T5 = U4 ^ U6;
    const uint64_t T6 = T1 ^ T5, T7 = U1 ^ U2, T8 = U7 ^ T6, T9 = U7 ^ T7, T10 = T6 ^ T7;
    const uint64_t T11 = U1 ^ U5, T12 = U2 ^ U5, T13 = T3 ^ T4, T14 = T6 ^ T11, T15 = T5 ^ T11;
    const uint64_t T16 = T5 ^ T12, T17 = T9 ^ T16, T18 = U3 ^ U7, T19 = T7 ^ T18, T20 = T1 ^ T19;
    const uint64_t T21 = U6 ^ U7, T22 = T7 ^ T21, T23 = T2 ^ T22, T24 = T2 ^ T10, T25 = T20 ^ T17;
    const uint64_t T26 = T3 ^ T16, T27 = T1 ^ T12;
    const uint64_t D = U7;

    /* shared non-linear middle: inversion in GF(2^8) via GF(2^4) */
    const uint64_t M1 = T13 & T6, M2 = T23 & T8, M3 = T14 ^ M1, M4 = T19 & D, M5 = M4 ^ M1;
    const uint64_t M6 = T3 & T16, M7 = T22 & T9, M8 = T26 ^ M6, M9 = T20 & T17, M10 = M9 ^ M6;
    const uint64_t M11 = T1 & T15, M12 = T4 & T27, M13 = M12 ^ M11, M14 = T2 & T10, M15 = M14 ^ M11;
    const uint64_t M16 = M3 ^ M2, M17 = M5 ^ T24, M18 = M8 ^ M7, M19 = M10 ^ M15, M20 = M16 ^ M13;
    const uint64_t M21 = M17 ^ M15, M22 = M18 ^ M13, M23 = M19 ^ T25, M24 = M22 ^ M23;
    const uint64_t M25 = M22 & M20, M26 = M21 ^ M25, M27 = M20 ^ M21, M28 = M23 ^ M25;
    const uint64_t M29 = M28 & M27, M30 = M26 & M24, M31 = M20 & M23, M32 = M27 & M31;
    const uint64_t M33 = M27 ^ M25, M34 = M21 & M22, M35 = M24 & M34, M36 = M24 ^ M25;
    const uint64_t M37 = M21 ^ M29, M38 = M32 ^ M33, M39 = M23 ^ M30, M40 = M35 ^ M36;
    const uint64_t M41 = M38 ^ M40, M42 = M37 ^ M39, M43 = M37 ^ M38, M44 = M39 ^ M40, M45 = M42 ^ M41;
    const uint64_t M46 = M44 & T6, M47 = M40 & T8, M48 = M39 & D, M49 = M43 & T16, M50 = M38 & T9;
    const uint64_t M51 = M37 & T17, M52 = M42 & T15, M53 = M45 & T27, M54 = M41 & T10;
    const uint64_t M55 = M44 & T13, M56 = M40 & T23, M57 = M39 & T19, M58 = M43 & T3;
    const uint64_t M59 = M38 & T22, M60 = M37 & T20, M61 = M42 & T1, M62 = M45 & T4, M63 = M41 & T2;

    /* bottom linear layer (with the affine constant folded in as XNORs) */
    const uint64_t L0 = M61 ^ M62, L1 = M50 ^ M56, L2 = M46 ^ M48, L3 = M47 ^ M55, L4 = M54 ^ M58;
    const uint64_t L5 = M49 ^ M61, L6 = M62 ^ L5, L7 = M46 ^ L3, L8 = M51 ^ M59, L9 = M52 ^ M53;
    const uint64_t L10 = M53 ^ L4, L11 = M60 ^ L2, L12 = M48 ^ M51, L13 = M50 ^ L0, L14 = M52 ^ M61;
    const uint64_t L15 = M55 ^ L1, L16 = M56 ^ L0, L17 = M57 ^ L1, L18 = M58 ^ L8, L19 = M63 ^ L4;
    const uint64_t L20 = L0 ^ L1, L21 = L1 ^ L7, L22 = L3 ^ L12, L23 = L18 ^ L2, L24 = L15 ^ L9;
    const uint64_t L25 = L6 ^ L10, L26 = L7 ^ L9, L27 = L8 ^ L10, L28 = L11 ^ L14, L29 = L11 ^ L17;

    q[7] = L6 ^ L24;
    q[6] = ~(L16 ^ L26);
    q[5] = ~(L19 ^ L28);
    q[4] = L6 ^ L21;
    q[3] = L20 ^ L22;
    q[2] = L25 ^ L29;
    q[1] = ~(L13 ^ L27);
    q[0] = ~(L6 ^ L23);
}

static uint64_t rotr64(uint64_t x, unsigned k)
{
    return (x >> k) | (x << (64 - k)); /* 0 < k < 64 */
}

/* ShiftRows for Nb = 8: t[4c + r] = s[4((c + C_r) mod 8) + r], C = (0, 1, 3, 4) (§6.3). */
static void shift_rows(planes q)
{
    for (unsigned i = 0; i < 8; i++) {
        const uint64_t x = q[i];
        q[i] = (x & 0x0303030303030303ull) | rotr64(x & 0x0C0C0C0C0C0C0C0Cull, 8) |
               rotr64(x & 0x3030303030303030ull, 24) | rotr64(x & 0xC0C0C0C0C0C0C0C0ull, 32);
    }
}

/* Row rotations inside each column (byte): rot1(x)[4c + r] = x[4c + (r + 1) mod 4]. */
static uint64_t rot1_col(uint64_t x)
{
    return ((x >> 2) & 0x3F3F3F3F3F3F3F3Full) | ((x << 6) & 0xC0C0C0C0C0C0C0C0ull);
}

static uint64_t rot2_col(uint64_t x)
{
    return ((x >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((x << 4) & 0xF0F0F0F0F0F0F0F0ull);
}

/* MixColumns: b_r = 2 a_r + 3 a_{r+1} + a_{r+2} + a_{r+3}
 *                 = 2 (a_r + a_{r+1}) + a_{r+1} + (a_{r+2} + a_{r+3}). */
static void mix_columns(planes q)
{
    uint64_t r1[8], a[8];
    for (unsigned i = 0; i < 8; i++) {
        r1[i] = rot1_col(q[i]);
        a[i] = q[i] ^ r1[i];
    }
    /* xtime of a: multiply by x modulo x^8 + x^4 + x^3 + x + 1 (plane i gets plane i - 1, and the
     * carried-out bit 7 feeds bits 0, 1, 3, 4). */
    const uint64_t hi = a[7];
    const uint64_t xt[8] = {hi, a[0] ^ hi, a[1], a[2] ^ hi, a[3] ^ hi, a[4], a[5], a[6]};
    for (unsigned i = 0; i < 8; i++)
        q[i] = xt[i] ^ r1[i] ^ rot2_col(a[i]);
}

static void add_round_key(planes q, const planes k)
{
    for (unsigned i = 0; i < 8; i++)
        q[i] ^= k[i];
}

/* Round keys in plane form, the same key for both blocks. */
static void expand_round_keys(const uint8_t *rk, unsigned rounds, planes *kq)
{
    for (unsigned r = 0; r <= rounds; r++) {
        uint32_t k[8];
        bitslice32(rk + 32 * r, k);
        for (unsigned i = 0; i < 8; i++) {
            const uint64_t x = spread32(k[i]);
            kq[r][i] = x | (x << 1);
        }
        qstp_wipe(k, sizeof(k));
    }
}

/* §6.3: s ^= RK_0; rounds 1..R-1 = SubBytes, ShiftRows, MixColumns, AddRoundKey; the last round
 * omits MixColumns. */
static void encrypt_planes(planes q, const planes *kq, unsigned rounds)
{
    add_round_key(q, kq[0]);
    for (unsigned r = 1; r < rounds; r++) {
        sub_bytes(q);
        shift_rows(q);
        mix_columns(q);
        add_round_key(q, kq[r]);
    }
    sub_bytes(q);
    shift_rows(q);
    add_round_key(q, kq[rounds]);
}

void qstp_rijndael256_encrypt_portable(const uint8_t *rk, unsigned rounds, const uint8_t in[32],
                                       uint8_t out[32])
{
    planes kq[QSTP_RIJNDAEL256_MAX_ROUNDS + 1];
    planes q;
    uint8_t unused[32];

    if (rounds == 0 || rounds > QSTP_RIJNDAEL256_MAX_ROUNDS)
        return;
    expand_round_keys(rk, rounds, kq);
    bitslice2(in, in, q);
    encrypt_planes(q, (const planes *)kq, rounds);
    unbitslice2(q, out, unused);
    qstp_wipe(kq, sizeof(planes) * (rounds + 1));
    qstp_wipe(q, sizeof(q));
    qstp_wipe(unused, sizeof(unused));
}

static void ctr_store(uint8_t out[32], const uint64_t ctr[4])
{
    for (unsigned i = 0; i < 4; i++)
        qstp_store64_le(out + 8 * i, ctr[i]);
}

void qstp_rijndael256_ctr_xor_portable(const uint8_t *rk, unsigned rounds, uint8_t nonce[32],
                                       const uint8_t *in, uint8_t *out, size_t len)
{
    planes kq[QSTP_RIJNDAEL256_MAX_ROUNDS + 1];
    planes q;
    uint64_t ctr[4];
    uint8_t cb[2][32], ks[2][32];

    if (len == 0 || rounds == 0 || rounds > QSTP_RIJNDAEL256_MAX_ROUNDS)
        return;
    expand_round_keys(rk, rounds, kq);
    for (unsigned i = 0; i < 4; i++)
        ctr[i] = qstp_load64_le(nonce + 8 * i);

    while (len > 0) {
        /* Two counter blocks per pass; the second is used only if there is data for it, but the
         * counter advances per block actually consumed (§6.4: ceil(len / 32) increments). */
        ctr_store(cb[0], ctr);
        qstp_rijndael256_ctr_increment(ctr);
        ctr_store(cb[1], ctr);
        if (len > 32) /* public length, not secret data */
            qstp_rijndael256_ctr_increment(ctr);

        bitslice2(cb[0], cb[1], q);
        encrypt_planes(q, (const planes *)kq, rounds);
        unbitslice2(q, ks[0], ks[1]);

        const size_t n = len < 64 ? len : 64;
        for (size_t i = 0; i < n; i++)
            out[i] = (uint8_t)(in[i] ^ ks[i >> 5][i & 31]);
        in += n;
        out += n;
        len -= n;
    }

    for (unsigned i = 0; i < 4; i++)
        qstp_store64_le(nonce + 8 * i, ctr[i]);
    qstp_wipe(kq, sizeof(planes) * (rounds + 1));
    qstp_wipe(q, sizeof(q));
    qstp_wipe(ctr, sizeof(ctr));
    qstp_wipe(cb, sizeof(cb));
    qstp_wipe(ks, sizeof(ks));
}
