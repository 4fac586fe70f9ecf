/* Shared helpers for the ML-KEM tests (header-only, static). */
#ifndef QSTP_TEST_MLKEM_UTIL_H
#define QSTP_TEST_MLKEM_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "crypto/mlkem/mlkem.h"
#include "test.h"

/* "ML-KEM-512" -> 2, "-768" -> 3, "-1024" -> 4; 0 if unknown. */
static inline unsigned mlkem_k_from_name(const char *name)
{
    if (name == NULL)
        return 0;
    if (strcmp(name, "ML-KEM-512") == 0)
        return 2;
    if (strcmp(name, "ML-KEM-768") == 0)
        return 3;
    if (strcmp(name, "ML-KEM-1024") == 0)
        return 4;
    return 0;
}

/* Hex string field of a JSON object decoded into a heap buffer; NULL (no failure recorded) if the
 * field is absent, failure recorded if it is malformed. */
static inline uint8_t *mlkem_json_hex(const cJSON *obj, const char *name, size_t *len)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(obj, name);
    *len = 0;
    if (!cJSON_IsString(f))
        return NULL;
    uint8_t *b = test_hex_alloc(f->valuestring, len);
    if (b == NULL)
        TEST_FAIL("bad hex in field %s", name);
    return b;
}

/* 1 if all n bytes are zero. */
static inline int mlkem_test_all_zero(const uint8_t *p, size_t n)
{
    uint8_t d = 0;
    for (size_t i = 0; i < n; i++)
        d |= p[i];
    return d == 0;
}

#endif
