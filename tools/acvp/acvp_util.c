/* Field access helpers for qstp-acvp handlers (declared in acvp.h). ACVP writes hex in upper
 * case and integers sometimes as numbers, sometimes as strings; booleans likewise. Every helper
 * reports a missing or malformed field through err instead of crashing. */
#include "acvp.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

acvp_status acvp_fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err != NULL && errlen > 0) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return ACVP_ERROR;
}

const char *acvp_str(const cJSON *obj, const char *name)
{
    const cJSON *it;

    if (obj == NULL || name == NULL || !cJSON_IsObject(obj)) {
        return NULL;
    }
    it = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(it) ? it->valuestring : NULL;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Decode hex of length 2*n into out; 0 or -1 on a bad digit. */
static int decode(unsigned char *out, const char *hex, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return -1;
        }
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

static const char *hex_string(const cJSON *obj, const char *name, size_t *nbytes, char *err,
                              size_t errlen)
{
    const char *s;
    size_t n;

    if (obj == NULL || !cJSON_IsObject(obj) || cJSON_GetObjectItemCaseSensitive(obj, name) == NULL) {
        acvp_fail(err, errlen, "missing field \"%s\"", name);
        return NULL;
    }
    s = acvp_str(obj, name);
    if (s == NULL) {
        acvp_fail(err, errlen, "field \"%s\" is not a string", name);
        return NULL;
    }
    n = strlen(s);
    if (n % 2 != 0) {
        acvp_fail(err, errlen, "field \"%s\" has an odd number of hex digits", name);
        return NULL;
    }
    *nbytes = n / 2;
    return s;
}

long acvp_hex_field(const cJSON *obj, const char *name, unsigned char *out, size_t cap, char *err,
                    size_t errlen)
{
    size_t n = 0;
    const char *s = hex_string(obj, name, &n, err, errlen);

    if (s == NULL) {
        return -1;
    }
    if (n > cap || n > (size_t)LONG_MAX) {
        acvp_fail(err, errlen, "field \"%s\" is %zu bytes, at most %zu allowed", name, n, cap);
        return -1;
    }
    if (decode(out, s, n) != 0) {
        acvp_fail(err, errlen, "field \"%s\" is not hex", name);
        return -1;
    }
    return (long)n;
}

unsigned char *acvp_hex_alloc(const cJSON *obj, const char *name, size_t *len, char *err, size_t errlen)
{
    size_t n = 0;
    const char *s = hex_string(obj, name, &n, err, errlen);
    unsigned char *out;

    if (len != NULL) {
        *len = 0;
    }
    if (s == NULL) {
        return NULL;
    }
    out = malloc(n == 0 ? 1 : n);
    if (out == NULL) {
        acvp_fail(err, errlen, "out of memory for field \"%s\"", name);
        return NULL;
    }
    if (decode(out, s, n) != 0) {
        acvp_fail(err, errlen, "field \"%s\" is not hex", name);
        free(out);
        return NULL;
    }
    if (len != NULL) {
        *len = n;
    }
    return out;
}

void acvp_add_hex(cJSON *out, const char *name, const unsigned char *data, size_t len)
{
    static const char digits[] = "0123456789ABCDEF";
    char *s = malloc(2 * len + 1);

    if (s == NULL) {
        return; /* the missing field shows up as a mismatch, not a crash */
    }
    for (size_t i = 0; i < len; i++) {
        s[2 * i] = digits[data[i] >> 4];
        s[2 * i + 1] = digits[data[i] & 15];
    }
    s[2 * len] = '\0';
    cJSON_AddStringToObject(out, name, s);
    free(s);
}

int acvp_int_field(const cJSON *obj, const char *name, long *out, char *err, size_t errlen)
{
    const cJSON *it = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, name) : NULL;

    if (it == NULL) {
        acvp_fail(err, errlen, "missing field \"%s\"", name);
        return -1;
    }
    if (cJSON_IsNumber(it)) {
        double v = it->valuedouble;
        if (v != v || v < -9.0e18 || v > 9.0e18 || v != (double)(long)v) {
            acvp_fail(err, errlen, "field \"%s\" is not an integer", name);
            return -1;
        }
        *out = (long)v;
        return 0;
    }
    if (cJSON_IsString(it) && it->valuestring[0] != '\0') {
        char *end;
        long v = strtol(it->valuestring, &end, 10);
        if (*end == '\0') {
            *out = v;
            return 0;
        }
    }
    acvp_fail(err, errlen, "field \"%s\" is not an integer", name);
    return -1;
}

int acvp_bool_field(const cJSON *obj, const char *name, int *out, char *err, size_t errlen)
{
    const cJSON *it = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, name) : NULL;

    if (it == NULL) {
        acvp_fail(err, errlen, "missing field \"%s\"", name);
        return -1;
    }
    if (cJSON_IsBool(it)) {
        *out = cJSON_IsTrue(it) ? 1 : 0;
        return 0;
    }
    if (cJSON_IsString(it) && (strcasecmp(it->valuestring, "true") == 0 ||
                               strcasecmp(it->valuestring, "false") == 0)) {
        *out = strcasecmp(it->valuestring, "true") == 0;
        return 0;
    }
    acvp_fail(err, errlen, "field \"%s\" is not a boolean", name);
    return -1;
}

void acvp_add_bool(cJSON *out, const char *name, int value)
{
    cJSON_AddBoolToObject(out, name, value ? 1 : 0);
}

unsigned char *acvp_message(const cJSON *test, size_t *mlen, char *err, size_t errlen)
{
    unsigned char *m = acvp_hex_alloc(test, "message", mlen, err, errlen);
    long bits;

    if (m == NULL)
        return NULL;
    if (cJSON_GetObjectItemCaseSensitive(test, "messageLength") != NULL) {
        if (acvp_int_field(test, "messageLength", &bits, err, errlen) != 0) {
            free(m);
            return NULL;
        }
        if (bits < 0 || bits % 8 != 0 || (size_t)bits / 8 > *mlen) {
            acvp_fail(err, errlen, "messageLength %ld does not fit the message", bits);
            free(m);
            return NULL;
        }
        *mlen = (size_t)bits / 8;
    }
    return m;
}

long acvp_context(const cJSON *test, unsigned char *ctx, size_t cap, char *err, size_t errlen)
{
    if (cJSON_GetObjectItemCaseSensitive(test, "context") == NULL)
        return 0;
    return acvp_hex_field(test, "context", ctx, cap, err, errlen);
}
