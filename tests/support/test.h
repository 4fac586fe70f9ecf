/* Test support: checks, hex, vector files, NIST KAT DRBG, SHA-256, AES-256.
 * A test executable runs all its checks and exits non-zero if any failed; its last line is
 * "N passed, M failed". A missing vector file is a failure, never a skip. */
#ifndef QSTP_TEST_H
#define QSTP_TEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cjson/cJSON.h>

/* ---- checks ---- */
void test_check(int ok, const char *file, int line, const char *expr);
void test_check_bytes(const uint8_t *got, const uint8_t *want, size_t n, const char *file, int line,
                      const char *what);
#define CHECK(cond) test_check(!!(cond), __FILE__, __LINE__, #cond)
#define CHECK_MSG(cond, ...)                                                                        \
    do {                                                                                            \
        int ok_ = !!(cond);                                                                         \
        test_check(ok_, __FILE__, __LINE__, #cond);                                                 \
        if (!ok_) {                                                                                 \
            fprintf(stderr, "    ");                                                                \
            fprintf(stderr, __VA_ARGS__);                                                           \
            fprintf(stderr, "\n");                                                                  \
        }                                                                                           \
    } while (0)
#define CHECK_BYTES(got, want, n, what) test_check_bytes((got), (want), (n), __FILE__, __LINE__, (what))
/* Prints "<name>: N passed, M failed" and returns the exit code (0 iff no failure). */
int test_report(void);
/* Count of failures so far. */
unsigned long test_failures(void);
/* Count of passed checks so far. */
unsigned long test_passes(void);
/* Record a failure with a printf-style message (use TEST_FAIL for file and line). */
void test_failf(const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
#define TEST_FAIL(...) test_failf(__FILE__, __LINE__, __VA_ARGS__)

/* ---- vector files ----
 * test_vector_path("vectors/mlkem/acvp/x.json") -> "$QSTP_SHARED/vectors/..." or
 * "../shared/vectors/..." (tests run from the project root). The returned pointer is static
 * storage reused by the next call. If the file does not exist this records a failure naming the
 * file and returns NULL. */
const char *test_vector_path(const char *rel);
/* Whole file into a NUL-terminated heap buffer (caller frees); NULL + failure on error. */
char *test_read_file(const char *path, size_t *len);
cJSON *test_json_load(const char *rel);

/* ---- hex ---- */
/* Decode hex (upper or lower case, no separators) into out. Returns the byte count, or
 * (size_t)-1 on odd length, a bad digit, or more than cap bytes. */
size_t test_hex_decode(uint8_t *out, size_t cap, const char *hex);
/* Heap-allocated decode; NULL on error. *len set to the byte count. "" gives a non-NULL 1-byte
 * allocation and *len = 0. */
uint8_t *test_hex_alloc(const char *hex, size_t *len);
/* Heap-allocated NUL-terminated hex string. */
char *test_hex_encode(const uint8_t *in, size_t len, int upper);

/* ---- "key = value" record files (NIST .rsp and similar) ----
 * A record is a run of "key = value" lines ended by a blank line, a "[...]" section line or end
 * of file. rec->section is the text inside the last [..] line seen before the record started.
 * "#" lines are skipped (they do not end a record); lines without '=' are ignored. Keys and
 * values are trimmed (value = everything after the first '='); CR is ignored; lines may be
 * megabytes long. A record with more than 64 keys records a failure (the rest are dropped). */
typedef struct test_rsp test_rsp;
typedef struct {
    size_t count;
    char *keys[64];
    char *values[64];
    char section[128];
} test_rsp_record;
test_rsp *test_rsp_open(const char *path);
/* 1 = a record was read, 0 = end of file. The record's strings live until the next call. */
int test_rsp_next(test_rsp *f, test_rsp_record *rec);
const char *test_rsp_get(const test_rsp_record *rec, const char *key); /* NULL if absent */
void test_rsp_close(test_rsp *f);

/* ---- NIST AES-256 CTR_DRBG as used by the NIST PQC KAT generators ----
 * (vectors/pqclean/NISTKAT_PROCEDURE.txt). test_drbg_random matches qstp_rng_fn, ctx = test_drbg*. */
typedef struct {
    uint8_t key[32];
    uint8_t v[16];
} test_drbg;
void test_drbg_init(test_drbg *d, const uint8_t entropy[48]);
int test_drbg_random(void *ctx, uint8_t *out, size_t len);

/* ---- AES-256 (block encrypt/decrypt, test support only; not constant time) ---- */
typedef struct {
    uint32_t rk[60];
} test_aes256;
void test_aes256_init(test_aes256 *a, const uint8_t key[32]);
void test_aes256_encrypt(const test_aes256 *a, const uint8_t in[16], uint8_t out[16]);
void test_aes256_decrypt(const test_aes256 *a, const uint8_t in[16], uint8_t out[16]);

/* ---- SHA-256 (for PQClean nistkat-sha256 hashes) ---- */
typedef struct {
    uint32_t h[8];
    uint64_t len;
    uint8_t buf[64];
    size_t pos;
} test_sha256_ctx;
void test_sha256_init(test_sha256_ctx *c);
void test_sha256_update(test_sha256_ctx *c, const void *in, size_t len);
void test_sha256_final(test_sha256_ctx *c, uint8_t out[32]);
void test_sha256(uint8_t out[32], const void *in, size_t len);
/* Append "name = HEX\n" (upper case; "00" for an empty field) to a running SHA-256, exactly as
 * the NIST KAT fprintBstr does; and "name = %d\n" for integers. */
void test_sha256_kat_bstr(test_sha256_ctx *c, const char *name, const uint8_t *data, size_t len);
void test_sha256_kat_int(test_sha256_ctx *c, const char *name, unsigned long long v);

/* Deterministic pseudo-random bytes for property tests (not for keys). */
void test_prng_bytes(uint64_t *state, uint8_t *out, size_t len);
uint64_t test_prng_u64(uint64_t *state);

#endif
