/* qstp-acvp: each algorithm family provides handlers; acvp_registry.c lists them. */
#ifndef QSTP_ACVP_H
#define QSTP_ACVP_H

#include <stddef.h>
#include <cjson/cJSON.h>

typedef enum { ACVP_OK = 0, ACVP_SKIP_GROUP = 1, ACVP_ERROR = -1 } acvp_status;

typedef struct acvp_handler {
    const char *algorithm; /* the prompt's "algorithm", e.g. "ML-KEM" */
    const char *mode;      /* the prompt's "mode", e.g. "keyGen" */
    /* Decide whether the group is supported. ACVP_SKIP_GROUP with a reason in why (printed to
     * stderr, the group is left out of the output), or ACVP_OK. */
    acvp_status (*group_check)(const cJSON *group, char *why, size_t whylen);
    /* Compute one test case: add the result fields to out (tcId is already there).
     * ACVP_ERROR with a message in err for a malformed test. */
    acvp_status (*run_test)(const cJSON *group, const cJSON *test, cJSON *out, char *err, size_t errlen);
} acvp_handler;

/* NULL-terminated list, in acvp_registry.c. */
extern const acvp_handler *const acvp_handlers[];

/* Helpers for handlers (acvp_util.c). */
/* A string field of obj, or NULL. */
const char *acvp_str(const cJSON *obj, const char *name);
/* Decode the hex field name of obj into out (cap bytes). Returns length or -1 (message in err). */
long acvp_hex_field(const cJSON *obj, const char *name, unsigned char *out, size_t cap, char *err,
                    size_t errlen);
/* Add name = upper-case hex of data to out. */
void acvp_add_hex(cJSON *out, const char *name, const unsigned char *data, size_t len);

#endif
