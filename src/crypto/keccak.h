/* Keccak-f[1600] and an incremental sponge (FIPS 202; QSTP-WIRE §7.1).
 *
 * The permutation is the seam for faster backends: qstp_keccak_f1600 (one lane set) and
 * qstp_keccak_f1600_x4 (four independent states, for the parallel uses in ML-KEM/ML-DSA/SLH-DSA)
 * and qstp_keccak_f1600_x8_lanes (eight, AVX-512) dispatch at run time. The sponge keeps a byte buffer for the partial block because the QSC KMAC
 * finalize quirk (§7.7) needs the raw buffered bytes. */
#ifndef QSTP_CRYPTO_KECCAK_H
#define QSTP_CRYPTO_KECCAK_H

#include <stddef.h>
#include <stdint.h>

#define QSTP_KECCAK_RATE_128 168u /* SHAKE128, cSHAKE128, KMAC128 */
#define QSTP_KECCAK_RATE_256 136u /* SHA3-256, SHAKE256, cSHAKE256, KMAC256 */
#define QSTP_KECCAK_RATE_512 72u  /* SHA3-512, QSC "SHAKE/cSHAKE/KMAC-512" */
#define QSTP_KECCAK_RATE_MAX 168u

#define QSTP_KECCAK_DOMAIN_SHA3 0x06u
#define QSTP_KECCAK_DOMAIN_SHAKE 0x1Fu
#define QSTP_KECCAK_DOMAIN_CSHAKE 0x04u
#define QSTP_KECCAK_DOMAIN_KMAC 0x04u

typedef struct qstp_keccak_state {
    uint64_t s[25];
    uint8_t buf[QSTP_KECCAK_RATE_MAX]; /* absorbing: bytes not yet XORed in */
    uint16_t pos;                      /* absorbing: bytes in buf; squeezing: bytes used of block */
    uint16_t rate;
    uint8_t squeezing;
} qstp_keccak_state;

/* Keccak-f[1600], 24 rounds, on 25 little-endian lanes. */
void qstp_keccak_f1600(uint64_t s[25]);
/* Four independent permutations; same result as four calls of qstp_keccak_f1600. */
void qstp_keccak_f1600_x4(uint64_t s[4][25]);
/* Four independent states stored interleaved, s[lane][state] (lane i of state j at s[i][j]): the
 * layout of the vector backends, so no transposition is needed (sha3x4.h keeps its state so). */
void qstp_keccak_f1600_x4_lanes(uint64_t s[25][4]);
/* As qstp_keccak_f1600_x4_lanes for PUBLIC states only (e.g. ML-KEM/ML-DSA matrix expansion
 * from the public seed rho): skips the scrub of the backend's register spills and the wipe of its
 * local copy. Same result; never use it on a state that absorbed a secret. */
void qstp_keccak_f1600_x4_lanes_public(uint64_t s[25][4]);
/* Eight independent states stored interleaved, s[lane][state] (lane i of state j at s[i][j]):
 * AVX-512F on 512-bit registers when present, else two 4-way calls (sha3x8.h keeps its state so).
 * Same result as eight calls of qstp_keccak_f1600. */
void qstp_keccak_f1600_x8_lanes(uint64_t s[25][8]);
/* The 8-way form of qstp_keccak_f1600_x4_lanes_public (public states only). */
void qstp_keccak_f1600_x8_lanes_public(uint64_t s[25][8]);
/* Whether qstp_keccak_f1600_x8_lanes runs eight states in one pass (AVX-512) rather than as two
 * 4-way calls: callers that would fill eight lanes with padding use four when this is 0. */
int qstp_keccak_x8_native(void);
/* The portable permutation, always available (tests compare the fast backends with it). */
void qstp_keccak_f1600_portable(uint64_t s[25]);
/* Four portable permutations in turn (the reference for the x4 backends). */
void qstp_keccak_f1600_x4_portable(uint64_t s[4][25]);

#if defined(__x86_64__)
/* The backends behind the dispatchers above, declared for tests and benchmarks only. Call one
 * only after the matching check: _bmi and _avx2 need qstp_cpu_has_avx2(), _avx512
 * qstp_cpu_has_avx512() (src/crypto/cpu.h). */
void qstp_keccak_f1600_bmi(uint64_t s[25]);
void qstp_keccak_f1600_x4_avx2(uint64_t s[4][25]);
void qstp_keccak_f1600_x4_lanes_avx2(uint64_t s[25][4]);
void qstp_keccak_f1600_x4_avx512(uint64_t s[4][25]);
void qstp_keccak_f1600_x4_lanes_avx512(uint64_t s[25][4]);
void qstp_keccak_f1600_x4_lanes_public_avx2(uint64_t s[25][4]);
void qstp_keccak_f1600_x4_lanes_public_avx512(uint64_t s[25][4]);
void qstp_keccak_f1600_x8_lanes_avx512(uint64_t s[25][8]);
void qstp_keccak_f1600_x8_lanes_public_avx512(uint64_t s[25][8]);
#endif

void qstp_keccak_init(qstp_keccak_state *st, unsigned rate);
/* Absorb len bytes (any number of calls). Must not be called after finalize. */
void qstp_keccak_absorb(qstp_keccak_state *st, const uint8_t *in, size_t len);
/* Pad with domain byte and pad10*1 and switch to squeezing (no permutation yet: §7.1). */
void qstp_keccak_finalize(qstp_keccak_state *st, uint8_t domain);
/* Squeeze len bytes (any number of calls): permute, then output rate bytes per block. */
void qstp_keccak_squeeze(qstp_keccak_state *st, uint8_t *out, size_t len);
/* Absorb whole rate-sized zero-padded block(s) of what is buffered (the bytepad step of SP 800-185):
 * pads the current block with zeros, permutes. No-op if nothing is buffered. */
void qstp_keccak_pad_block(qstp_keccak_state *st);
void qstp_keccak_wipe(qstp_keccak_state *st);

/* XOR len bytes (len <= 200) into the state at byte offset 0, little-endian lane order. */
void qstp_keccak_xor_bytes(uint64_t s[25], const uint8_t *in, size_t len);
/* Read len bytes (len <= 200) from the state, little-endian lane order. */
void qstp_keccak_extract_bytes(const uint64_t s[25], uint8_t *out, size_t len);

#endif
