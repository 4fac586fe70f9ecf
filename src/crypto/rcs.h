/* RCS-256 and RCS-512: QRCS's authenticated stream cipher, wire-exact with QSC (QSTP-WIRE §6).
 *
 * Rijndael-256 in counter mode (22 rounds for RCS-256, 30 for RCS-512) with round keys from
 * cSHAKE, authenticated by a KMAC sponge that RUNS ACROSS RECORDS: it is keyed once at init and
 * never reset, so every tag depends on every earlier record in the same direction (§6.5). A state
 * is one direction of a channel; records must be sealed and opened in the same order on both ends.
 *
 * Per record the MAC absorbs (§6.5, §6.6):
 *     [AD || LE32(|AD|)]   at qstp_rcs*_set_associated, immediately, if |AD| > 0
 *     nonce                the counter block before this record's keystream
 *     ciphertext
 *     LE64(40 + counter)   counter = 1 + all bytes transformed in this direction, this record included
 * and the tag is the QSC KMAC finalize of §7.7 (a compatibility quirk: see sha3.h).
 *
 * Buffers: seal writes n + TAG bytes (ciphertext then tag); open reads n + TAG bytes and writes n.
 * For both, in and out may be the same buffer (in place); otherwise they must not overlap.
 * Nothing here allocates, and the states hold no pointers, so they can be copied or placed in
 * any memory; wipe them with qstp_rcs*_wipe. */
#ifndef QSTP_CRYPTO_RCS_H
#define QSTP_CRYPTO_RCS_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/keccak.h"

#define QSTP_RCS256_KEY_SIZE 32
#define QSTP_RCS512_KEY_SIZE 64
#define QSTP_RCS_NONCE_SIZE 32
#define QSTP_RCS_BLOCK_SIZE 32
#define QSTP_RCS256_TAG_SIZE 32
#define QSTP_RCS512_TAG_SIZE 64
#define QSTP_RCS256_ROUNDS 22
#define QSTP_RCS512_ROUNDS 30
/* Seal's chunk (rcs.c says why): 32 x 136, whole CTR blocks and whole KMAC-256 blocks. Public
 * only so the tests can aim at its boundaries. */
#define QSTP_RCS_SEAL_CHUNK 4352u

/* The MAC sponge is kept compactly (a state is held per direction by every tunnel): the Keccak
 * lanes and the raw bytes of the partial block, sized for the cipher's own rate rather than
 * QSTP_KECCAK_RATE_MAX. The raw bytes are kept (not XORed in at once) because the QSC finalize of
 * §7.7 writes part of them a second time. */
typedef struct qstp_rcs256_state {
    uint8_t rk[(QSTP_RCS256_ROUNDS + 1) * QSTP_RCS_BLOCK_SIZE]; /* round keys, §6.2 */
    uint64_t mac[25];                                           /* KMAC-256 sponge lanes, §6.5 */
    uint8_t tail[QSTP_KECCAK_RATE_256];                         /* bytes of the partial block */
    uint8_t nonce[QSTP_RCS_NONCE_SIZE];                         /* CTR block, little-endian, §6.4 */
    uint64_t counter;                                           /* 1 + bytes transformed, §6.5 */
    uint8_t tailpos;                                            /* bytes in tail (< rate) */
    uint8_t encrypt;                                            /* direction given at init (informational) */
} qstp_rcs256_state;

typedef struct qstp_rcs512_state {
    uint8_t rk[(QSTP_RCS512_ROUNDS + 1) * QSTP_RCS_BLOCK_SIZE];
    uint64_t mac[25]; /* "KMAC-512": rate 72 */
    uint8_t tail[QSTP_KECCAK_RATE_512];
    uint8_t nonce[QSTP_RCS_NONCE_SIZE];
    uint64_t counter;
    uint8_t tailpos;
    uint8_t encrypt;
} qstp_rcs512_state;

/* ---- RCS-256 (the cipher QSTP uses) ---- */

/* Key schedule (§6.2): cSHAKE-256(key, N = "...RCSK256", S = info) gives the round keys and the
 * MAC key; the MAC is keyed; the nonce is copied; counter = 1. QSTP passes info = NULL, 0.
 * encrypt (1 = sender, 0 = receiver) is recorded only: seal and open are separate calls. */
void qstp_rcs256_init(qstp_rcs256_state *st, const uint8_t key[QSTP_RCS256_KEY_SIZE],
                      const uint8_t nonce[QSTP_RCS_NONCE_SIZE], const uint8_t *info, size_t infolen,
                      int encrypt);
/* Absorbs ad || LE32(adlen) into the MAC now, so it applies to the next seal/open only. Calling it
 * twice absorbs both; adlen = 0 absorbs nothing (§6.5). */
void qstp_rcs256_set_associated(qstp_rcs256_state *st, const uint8_t *ad, size_t adlen);
/* out[0..n) = ciphertext, out[n..n+32) = tag. Advances the nonce by ceil(n/32) and the counter by n.
 * Runs CTR and MAC together in chunks of QSTP_RCS_SEAL_CHUNK bytes (so a large record is read
 * from L1 by the MAC); the output is exactly that of one CTR pass then one MAC pass. */
void qstp_rcs256_seal(qstp_rcs256_state *st, uint8_t *out, const uint8_t *in, size_t n);
/* in = ciphertext (n bytes) || tag (32). The tag is checked in constant time before any plaintext
 * is produced. Returns 0 and writes n plaintext bytes to out, or -1 if the tag is wrong: out is
 * untouched and the nonce is not advanced, but (as in QSC, §6.5/§6.6) the MAC sponge has absorbed
 * the record and the counter has advanced by n, so every later record on this state fails too. */
int qstp_rcs256_open(qstp_rcs256_state *st, uint8_t *out, const uint8_t *in, size_t n);
void qstp_rcs256_wipe(qstp_rcs256_state *st);
/* The current CTR nonce (the counter block the next record starts with). */
const uint8_t *qstp_rcs256_nonce(const qstp_rcs256_state *st);

/* ---- RCS-512 (not used by QSTP; §6.8): 64-byte key, 30 rounds, rate-72 MAC, 64-byte tag ---- */

void qstp_rcs512_init(qstp_rcs512_state *st, const uint8_t key[QSTP_RCS512_KEY_SIZE],
                      const uint8_t nonce[QSTP_RCS_NONCE_SIZE], const uint8_t *info, size_t infolen,
                      int encrypt);
void qstp_rcs512_set_associated(qstp_rcs512_state *st, const uint8_t *ad, size_t adlen);
void qstp_rcs512_seal(qstp_rcs512_state *st, uint8_t *out, const uint8_t *in, size_t n);
int qstp_rcs512_open(qstp_rcs512_state *st, uint8_t *out, const uint8_t *in, size_t n);
void qstp_rcs512_wipe(qstp_rcs512_state *st);
const uint8_t *qstp_rcs512_nonce(const qstp_rcs512_state *st);

#endif
