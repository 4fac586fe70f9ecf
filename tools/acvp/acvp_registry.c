/* The handler registry of qstp-acvp: one line per algorithm family.
 *
 * To add a family (ML-KEM, ML-DSA, SLH-DSA): write tools/acvp/acvp_<family>.c defining
 *     const acvp_handler *const acvp_<family>_handlers[] = { &..., NULL };
 * (declared in acvp.h), then uncomment its line below. The line stays commented until the file
 * exists, because a listed family without its file does not link. */
#include "acvp.h"

#include <string.h>

const acvp_handler *const *const acvp_families[] = {
    acvp_sha3_handlers,
    acvp_mlkem_handlers,
    acvp_mldsa_handlers,
    acvp_slhdsa_handlers,
    NULL,
};

const acvp_handler *acvp_find(const char *algorithm, const char *mode)
{
    if (algorithm == NULL) {
        return NULL;
    }
    for (size_t f = 0; acvp_families[f] != NULL; f++) {
        for (size_t h = 0; acvp_families[f][h] != NULL; h++) {
            const acvp_handler *x = acvp_families[f][h];
            if (strcmp(x->algorithm, algorithm) != 0) {
                continue;
            }
            if ((x->mode == NULL && mode == NULL) ||
                (x->mode != NULL && mode != NULL && strcmp(x->mode, mode) == 0)) {
                return x;
            }
        }
    }
    return NULL;
}
