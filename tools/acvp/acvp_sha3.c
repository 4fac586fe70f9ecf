/* qstp-acvp handlers for SHA3-256, SHA3-512, SHAKE-128 and SHAKE-256 (ACVP SHA3 revision 2.0
 * JSON: tests carry "msg" (hex) and "len" (bits), SHAKE tests also "outLen" (bits); the answer
 * is "md"). Byte-oriented only: a test whose lengths are not whole bytes is skipped. The Monte
 * Carlo (MCT) and large-data (LDT) groups are skipped.
 * These are the harness's own handlers: they let the harness be tested before any post-quantum
 * algorithm exists, and they run our FIPS 202 code through the same path as ACVP does. */
#include "acvp.h"
#include "crypto/sha3.h"

#include <stdlib.h>
#include <string.h>

#define SHAKE_MAX_OUT_BYTES 65536 /* ACVP SHAKE outLen is at most 65536 bits */

static acvp_status group_check_hash(const cJSON *group, char *why, size_t whylen, int xof)
{
    const char *type = acvp_str(group, "testType");

    if (type == NULL) {
        return acvp_fail(why, whylen, "no testType");
    }
    if (strcmp(type, "AFT") == 0 || (xof && strcmp(type, "VOT") == 0)) {
        return ACVP_OK;
    }
    acvp_fail(why, whylen, "testType %s not supported", type);
    return ACVP_SKIP_GROUP;
}

static acvp_status check_sha3(const cJSON *group, char *why, size_t whylen)
{
    return group_check_hash(group, why, whylen, 0);
}

static acvp_status check_shake(const cJSON *group, char *why, size_t whylen)
{
    return group_check_hash(group, why, whylen, 1);
}

/* The message: len bits (whole bytes) taken from msg. */
static unsigned char *message(const cJSON *test, size_t *mlen, acvp_status *st, char *err, size_t errlen)
{
    long bits;
    size_t have;
    unsigned char *m;

    *st = ACVP_ERROR;
    if (acvp_int_field(test, "len", &bits, err, errlen) != 0) {
        return NULL;
    }
    if (bits < 0) {
        acvp_fail(err, errlen, "negative len");
        return NULL;
    }
    if (bits % 8 != 0) {
        acvp_fail(err, errlen, "bit-oriented message (len %ld) not supported", bits);
        *st = ACVP_SKIP_GROUP;
        return NULL;
    }
    m = acvp_hex_alloc(test, "msg", &have, err, errlen);
    if (m == NULL) {
        return NULL;
    }
    if ((size_t)bits / 8 > have) {
        acvp_fail(err, errlen, "len %ld is longer than msg", bits);
        free(m);
        return NULL;
    }
    *mlen = (size_t)bits / 8;
    *st = ACVP_OK;
    return m;
}

static acvp_status run_sha3(const cJSON *test, cJSON *out, char *err, size_t errlen, size_t dlen)
{
    uint8_t md[64];
    size_t mlen = 0;
    acvp_status st;
    unsigned char *m = message(test, &mlen, &st, err, errlen);

    if (m == NULL) {
        return st;
    }
    if (dlen == 32) {
        qstp_sha3_256(md, m, mlen);
    } else {
        qstp_sha3_512(md, m, mlen);
    }
    free(m);
    acvp_add_hex(out, "md", md, dlen);
    return ACVP_OK;
}

static acvp_status run_shake(const cJSON *group, const cJSON *test, cJSON *out, char *err,
                             size_t errlen, int which)
{
    long outbits;
    size_t mlen = 0;
    acvp_status st;
    unsigned char *m, *md;
    const cJSON *src = cJSON_GetObjectItemCaseSensitive(test, "outLen") != NULL ? test : group;

    if (acvp_int_field(src, "outLen", &outbits, err, errlen) != 0) {
        return ACVP_ERROR;
    }
    if (outbits <= 0 || outbits > 8L * SHAKE_MAX_OUT_BYTES) {
        return acvp_fail(err, errlen, "outLen %ld out of range", outbits);
    }
    if (outbits % 8 != 0) {
        acvp_fail(err, errlen, "outLen %ld is not whole bytes", outbits);
        return ACVP_SKIP_GROUP;
    }
    m = message(test, &mlen, &st, err, errlen);
    if (m == NULL) {
        return st;
    }
    md = malloc((size_t)outbits / 8);
    if (md == NULL) {
        free(m);
        return acvp_fail(err, errlen, "out of memory");
    }
    if (which == 128) {
        qstp_shake128(md, (size_t)outbits / 8, m, mlen);
    } else {
        qstp_shake256(md, (size_t)outbits / 8, m, mlen);
    }
    acvp_add_hex(out, "md", md, (size_t)outbits / 8);
    free(m);
    free(md);
    return ACVP_OK;
}

static acvp_status sha3_256(const cJSON *g, const cJSON *t, cJSON *o, char *e, size_t n)
{
    (void)g;
    return run_sha3(t, o, e, n, 32);
}

static acvp_status sha3_512(const cJSON *g, const cJSON *t, cJSON *o, char *e, size_t n)
{
    (void)g;
    return run_sha3(t, o, e, n, 64);
}

static acvp_status shake_128(const cJSON *g, const cJSON *t, cJSON *o, char *e, size_t n)
{
    return run_shake(g, t, o, e, n, 128);
}

static acvp_status shake_256(const cJSON *g, const cJSON *t, cJSON *o, char *e, size_t n)
{
    return run_shake(g, t, o, e, n, 256);
}

static const acvp_handler h_sha3_256 = {"SHA3-256", NULL, check_sha3, sha3_256};
static const acvp_handler h_sha3_512 = {"SHA3-512", NULL, check_sha3, sha3_512};
static const acvp_handler h_shake_128 = {"SHAKE-128", NULL, check_shake, shake_128};
static const acvp_handler h_shake_256 = {"SHAKE-256", NULL, check_shake, shake_256};

const acvp_handler *const acvp_sha3_handlers[] = {&h_sha3_256, &h_sha3_512, &h_shake_128,
                                                  &h_shake_256, NULL};
