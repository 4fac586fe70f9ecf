/* Secure wipe: a memset through a volatile function pointer, followed by a compiler barrier,
 * so the store cannot be removed as dead. */
#include "crypto/ct.h"

#include <string.h>

static void *(*const volatile qstp_memset_ptr)(void *, int, size_t) = memset;

void qstp_wipe(void *p, size_t n)
{
    if (p == NULL || n == 0)
        return;
    qstp_memset_ptr(p, 0, n);
#if defined(__GNUC__) || defined(__clang__)
    __asm__ volatile("" : : "r"(p) : "memory");
#endif
}
