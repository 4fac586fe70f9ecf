/* Transcript hash chain, session KDF and ratchet derivation (QSTP-WIRE §4.2-§4.9, §3.7). */
#include <string.h>

#include "core/session_internal.h"
#include "crypto/ct.h"
#include "crypto/sha3.h"

/* §4.9: QSTP_SESSION_KDF_NAME, 16 ASCII bytes, no terminator. */
static const uint8_t kdf_session_name[16] = {'Q', 'S', 'T', 'P', '-', '1', '.', '4',
                                             '-', 'S', 'E', 'S', 'S', 'I', 'O', 'N'};

void qstp_transcript_phash(uint8_t out[32], const uint8_t hdr[QSTP_PACKET_HEADER_SIZE],
                           const uint8_t sch0[32], const uint8_t *pk, size_t pklen)
{
    /* §4.4 step 3: phash = H(hdr2 || sch0 || pk), hdr2 exactly as serialized. */
    qstp_keccak_state st;
    qstp_sha3_256_init(&st);
    qstp_sha3_update(&st, hdr, QSTP_PACKET_HEADER_SIZE);
    qstp_sha3_update(&st, sch0, 32);
    qstp_sha3_update(&st, pk, pklen);
    qstp_sha3_256_final(&st, out);
}

void qstp_transcript_next(uint8_t sch[32], const uint8_t *data, size_t len)
{
    /* §4.4 step 4 / §4.5 step 7: sch_{i+1} = H(sch_i || data). */
    qstp_keccak_state st;
    qstp_sha3_256_init(&st);
    qstp_sha3_update(&st, sch, 32);
    qstp_sha3_update(&st, data, len);
    qstp_sha3_256_final(&st, sch);
}

void qstp_kdf_session(const uint8_t sec[QSTP_SECRET_SIZE], const uint8_t sch2[32],
                      uint8_t prnd[QSTP_KDF_PRND_SIZE], uint8_t rtcs[32])
{
    /* §4.9: one 136-byte block gives k1|n1|k2|n2 (+8 unused); the reference then permutes once
     * more and copies 32 state bytes, i.e. stream bytes 136..167. */
    uint8_t block[QSTP_KECCAK_RATE_256];
    qstp_keccak_state st;
    qstp_cshake_init(&st, QSTP_KECCAK_RATE_256, kdf_session_name, sizeof(kdf_session_name), sch2, 32);
    qstp_cshake_absorb(&st, sec, QSTP_SECRET_SIZE);
    qstp_cshake_squeeze(&st, block, sizeof(block));
    memcpy(prnd, block, QSTP_KDF_PRND_SIZE);
    qstp_cshake_squeeze(&st, rtcs, 32);
    qstp_wipe(block, sizeof(block));
    qstp_keccak_wipe(&st);
}

void qstp_kdf_ratchet(const uint8_t token[QSTP_RATCHET_TOKEN_SIZE],
                      const uint8_t protocol_field[QSTP_PROTOCOL_SET_SIZE], const uint8_t rtcs[32],
                      uint8_t prnd[QSTP_KDF_PRND_SIZE], uint8_t rtcs_next[32])
{
    /* §3.7: "cSHAKE-512" (rate 72), N = all 42 bytes of the protocol field, S = rtcs.
     * A = prnd[0..64), B = prnd[64..128); rtcs' = stream[216..248) (REF-DEFECT §11.2: the
     * reference squeezes 3 blocks into a 136-byte buffer, but the offset is what matters). */
    uint8_t skip[QSTP_RATCHET_RTCS_OFFSET - QSTP_KDF_PRND_SIZE];
    qstp_keccak_state st;
    qstp_cshake_init(&st, QSTP_KECCAK_RATE_512, protocol_field, QSTP_PROTOCOL_SET_SIZE, rtcs, 32);
    qstp_cshake_absorb(&st, token, QSTP_RATCHET_TOKEN_SIZE);
    qstp_cshake_squeeze(&st, prnd, QSTP_KDF_PRND_SIZE);
    qstp_cshake_squeeze(&st, skip, sizeof(skip));
    qstp_cshake_squeeze(&st, rtcs_next, 32);
    qstp_wipe(skip, sizeof(skip));
    qstp_keccak_wipe(&st);
}
