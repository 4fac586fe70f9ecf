/* Hex encoding and decoding for vectors (upper or lower case in, either case out). */
#include "test.h"

#include <stdlib.h>
#include <string.h>

static int hex_digit(char c)
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

size_t test_hex_decode(uint8_t *out, size_t cap, const char *hex)
{
    size_t n, i;

    if (hex == NULL) {
        return (size_t)-1;
    }
    n = strlen(hex);
    if (n % 2 != 0 || n / 2 > cap) {
        return (size_t)-1;
    }
    for (i = 0; i < n / 2; i++) {
        int hi = hex_digit(hex[2 * i]);
        int lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return (size_t)-1;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return n / 2;
}

uint8_t *test_hex_alloc(const char *hex, size_t *len)
{
    size_t n, got;
    uint8_t *out;

    if (len != NULL) {
        *len = 0;
    }
    if (hex == NULL) {
        return NULL;
    }
    n = strlen(hex) / 2;
    out = malloc(n == 0 ? 1 : n);
    if (out == NULL) {
        return NULL;
    }
    got = test_hex_decode(out, n, hex);
    if (got == (size_t)-1) {
        free(out);
        return NULL;
    }
    if (len != NULL) {
        *len = got;
    }
    return out;
}

char *test_hex_encode(const uint8_t *in, size_t len, int upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *out = malloc(2 * len + 1);

    if (out == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * len] = '\0';
    return out;
}
