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
     * stderr, the group is left out of the output), ACVP_ERROR with a message for a malformed
     * group (the run stops, exit code 2), or ACVP_OK. May be NULL: every group is run. */
    acvp_status (*group_check)(const cJSON *group, char *why, size_t whylen);
    /* Compute one test case: add the result fields to out (tcId is already there).
     * ACVP_ERROR with a message in err for a malformed test (the run stops, exit code 2);
     * ACVP_SKIP_GROUP with a reason leaves this one test out with a note on stderr.
     * Fields a handler does not recognise are ignored (prompts may carry the answers). */
    acvp_status (*run_test)(const cJSON *group, const cJSON *test, cJSON *out, char *err, size_t errlen);
} acvp_handler;

/* Registration. Each algorithm family has one file tools/acvp/acvp_<family>.c that defines
 *     const acvp_handler *const acvp_<family>_handlers[] = { &my_keygen, &my_siggen, NULL };
 * (the handlers themselves static), and one line in acvp_families[] in acvp_registry.c.
 * A handler's mode may be NULL for algorithms whose prompts have no "mode" (SHA-3, SHAKE). */
extern const acvp_handler *const acvp_sha3_handlers[];   /* acvp_sha3.c: SHA3-256/512, SHAKE-128/256 */
extern const acvp_handler *const acvp_mlkem_handlers[];  /* acvp_mlkem.c: ML-KEM keyGen, encapDecap */
extern const acvp_handler *const acvp_mldsa_handlers[];  /* acvp_mldsa.c: ML-DSA keyGen, sigGen, sigVer */
extern const acvp_handler *const acvp_slhdsa_handlers[]; /* acvp_slhdsa.c: SLH-DSA keyGen, sigGen, sigVer */

/* NULL-terminated list of the families' NULL-terminated lists, in acvp_registry.c. */
extern const acvp_handler *const *const acvp_families[];

/* The handler for algorithm and mode (mode NULL: the prompt has none), or NULL. */
const acvp_handler *acvp_find(const char *algorithm, const char *mode);

/* Helpers for handlers (acvp_util.c). */
/* A string field of obj, or NULL. */
const char *acvp_str(const cJSON *obj, const char *name);
/* Decode the hex field name of obj into out (cap bytes). Returns length or -1 (message in err). */
long acvp_hex_field(const cJSON *obj, const char *name, unsigned char *out, size_t cap, char *err,
                    size_t errlen);
/* Add name = upper-case hex of data to out. */
void acvp_add_hex(cJSON *out, const char *name, const unsigned char *data, size_t len);

/* Decode a hex field of any length into a heap buffer (free() it; non-NULL even for length 0).
 * NULL with a message in err if the field is missing, not a string or not hex. */
unsigned char *acvp_hex_alloc(const cJSON *obj, const char *name, size_t *len, char *err, size_t errlen);
/* An integer field (JSON number or decimal string, as ACVP writes both). 0, or -1 with a message. */
int acvp_int_field(const cJSON *obj, const char *name, long *out, char *err, size_t errlen);
/* A boolean field (JSON true/false, or the strings "true"/"false"). 0, or -1 with a message. */
int acvp_bool_field(const cJSON *obj, const char *name, int *out, char *err, size_t errlen);
/* Add name = true/false to out. */
void acvp_add_bool(cJSON *out, const char *name, int value);
/* The hex field "message" of a test (heap, free() it), cut to "messageLength" bits when that
 * field is given (whole bytes, at most the message). NULL with a message in err. */
unsigned char *acvp_message(const cJSON *test, size_t *mlen, char *err, size_t errlen);
/* The hex field "context" of a test into ctx (cap bytes); an absent field is the empty context.
 * Returns its length, or -1 with a message in err. */
long acvp_context(const cJSON *test, unsigned char *ctx, size_t cap, char *err, size_t errlen);
/* Format a message into err (for handlers); returns ACVP_ERROR so it can end a return statement. */
acvp_status acvp_fail(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
