/* Stack budget of ML-DSA (the brief: ML-DSA-87 signing under 64 KiB). Each operation runs on a
 * thread whose stack we provide, pre-filled with a pattern; afterwards the lowest overwritten
 * byte gives the high-water mark. The same figure for a thread that calls nothing (glibc keeps
 * the thread descriptor and TLS in that stack) is subtracted.
 * Skipped under AddressSanitizer, whose redzones and fake stacks change the layout. */
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>

#include "crypto/mldsa/mldsa.h"
#include "test.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#define STACK_SIZE (512 * 1024)
#define BUDGET (64 * 1024)
#define PATTERN 0xA5

#if !defined(UNDER_ASAN)
typedef struct {
    unsigned level;
    int op; /* 0 keygen, 1 sign, 2 verify, 3 signer_init, 4 signer sign, other: nothing */
    uint8_t pk[QSTP_MLDSA_PK_MAX], sk[QSTP_MLDSA_SK_MAX], sig[QSTP_MLDSA_SIG_MAX];
    int rc;
} job;

static qstp_mldsa_signer signer;

static void *run(void *arg)
{
    job *j = arg;
    static const uint8_t xi[32] = {42}, msg[32] = {7};
    if (j->op == 0)
        j->rc = qstp_mldsa_keypair_seed(j->level, j->pk, j->sk, xi);
    else if (j->op == 1)
        j->rc = qstp_mldsa_sign(j->level, j->sig, msg, 32, NULL, 0, j->sk, NULL);
    else if (j->op == 2)
        j->rc = qstp_mldsa_verify(j->level, j->sig, qstp_mldsa_sig_size(j->level), msg, 32, NULL, 0, j->pk);
    else if (j->op == 3)
        j->rc = qstp_mldsa_signer_init(&signer, j->level, j->sk);
    else if (j->op == 4)
        j->rc = qstp_mldsa_signer_sign(&signer, j->sig, msg, 32, NULL, 0, NULL);
    return NULL;
}

/* Bytes of stack used by one run of j (or -1). */
static long measure(job *j)
{
    uint8_t *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    pthread_attr_t attr;
    pthread_t th;
    long used = -1;
    if (stack == MAP_FAILED)
        return -1;
    memset(stack, PATTERN, STACK_SIZE);
    if (pthread_attr_init(&attr) == 0 && pthread_attr_setstack(&attr, stack, STACK_SIZE) == 0 &&
        pthread_create(&th, &attr, run, j) == 0) {
        pthread_join(th, NULL);
        size_t low = 0;
        while (low < STACK_SIZE && stack[low] == PATTERN)
            low++;
        used = (long)(STACK_SIZE - low);
    }
    pthread_attr_destroy(&attr);
    munmap(stack, STACK_SIZE);
    return used;
}

#endif

int main(void)
{
#if defined(UNDER_ASAN)
    printf("AddressSanitizer build: stack measurement skipped\n");
    CHECK(1);
#else
    static const unsigned levels[3] = {44, 65, 87};
    static job j; /* keys and signature live outside the measured stack */
    j.op = -1;
    const long base = measure(&j);
    CHECK(base > 0);
    printf("  thread baseline: %ld bytes\n", base);
    for (unsigned i = 0; i < 3; i++) {
        long used[5];
        j.level = levels[i];
        for (int op = 0; op < 5; op++) {
            j.op = op;
            j.rc = -1;
            used[op] = measure(&j) - base;
            CHECK(j.rc == 0);
            CHECK_MSG(used[op] > 0 && used[op] < BUDGET, "ML-DSA-%u op %d used %ld bytes of stack",
                      levels[i], op, used[op]);
        }
        printf("  ML-DSA-%u stack: keygen %ld, sign %ld, verify %ld, signer_init %ld, signer sign %ld "
               "bytes (budget %d)\n",
               levels[i], used[0], used[1], used[2], used[3], used[4], BUDGET);
    }
#endif
    return test_report();
}
