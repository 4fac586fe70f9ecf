/* Precomputed server signer (session.h qstp_server_keyref_precompute, QSTP-WIRE §4.4 step 5).
 *
 * For each suite on the command line (default the ML-DSA + ML-KEM sets 0x01..0x04):
 *  - a server whose keyref carries a precomputed ML-DSA signer sends a connect response that is
 *    byte-identical to the one a plain server builds at the same time from the same random
 *    bytes (ML-DSA signs deterministically, §1.5), the client accepts it, and records flow both
 *    ways; a second connection on the same signer works too (signing does not modify it);
 *  - the signer really is used: a keyref whose sigkey is swapped for a malformed key still
 *    signs through it;
 *  - a precomputed response from the pool (include/qstp/precompute.h) built with the signer is
 *    the same packet as well;
 *  - misuse: too little memory, misaligned memory, a malformed key (ref unchanged, memory
 *    wiped), a suite without a precomputed form (SLH-DSA: size 0, refused), wipe clears memory
 *    and the pointer. */
#include <stdint.h>
#include <stdio.h>

#include "qstp/precompute.h"
#include "session_harness.h"

/* The record sent each way after a handshake (h_finish). */
static const uint8_t FINISH_MSG[] = "signed with a precomputed key";

static keyset ks;
static uint8_t badsk[QSTP_SSK_MAX]; /* the server key with s1 out of range */

static void test_suite(uint8_t id)
{
    static endpoint c, s;
    static qstp_precompute_pool pool;
    const qstp_suite *su = qstp_suite_by_id(id);
    if (su == NULL || su->sig_family != QSTP_SIG_MLDSA) {
        CHECK_MSG(0, "suite 0x%02x: not an ML-DSA set", id);
        return;
    }
    const size_t rlen = QSTP_PACKET_HEADER_SIZE + su->signed_hash_size + su->kem_pk_size;
    uint8_t *plain = malloc(rlen + 64), *fast = malloc(rlen + 64);
    qstp_server_keyref ref;
    qstp_server_config cfg;
    size_t need, n1, n2;
    uint64_t *mem = NULL; /* uint64_t: the alignment the header promises is enough */
    uint8_t *pmem = NULL, *work = NULL;

    if (plain == NULL || fast == NULL || h_keyset_make(&ks, su, 7000 + id) != 0) {
        CHECK_MSG(0, "suite 0x%02x: setup", id);
        goto done;
    }
    ref = ks.keyref;
    CHECK(ref.sig_precomp == NULL); /* qstp_server_keyref_from_key leaves it off */
    need = qstp_server_keyref_precompute_size(&ref);
    CHECK_MSG(need > 0 && need < 128 * 1024, "suite 0x%02x: precompute size %zu", id, need);
    mem = malloc(need + 8);
    if (mem == NULL)
        goto done;

    /* Misuse first: ref must stay as it was. */
    CHECK(qstp_server_keyref_precompute(&ref, mem, need - 1) == -qstp_error_invalid_input);
    CHECK(qstp_server_keyref_precompute(&ref, (uint8_t *)mem + 1, need) == -qstp_error_invalid_input);
    CHECK(qstp_server_keyref_precompute(&ref, NULL, need) == -qstp_error_invalid_input);
    {
        /* A secret key whose s1 coefficient is out of range (eta = 2 or 4: code 0xff is not a
         * valid packed coefficient for either) is refused and the memory is wiped. */
        qstp_server_keyref bad = ks.keyref;
        memcpy(badsk, ks.skey.sigkey, su->sig_sk_size);
        memset(badsk + 128, 0xff, 32); /* rho(32) key(32) tr(64), then s1 */
        bad.sigkey = badsk;
        memset(mem, 0xa5, need);
        CHECK(qstp_server_keyref_precompute(&bad, mem, need) == -qstp_error_invalid_input);
        CHECK(bad.sig_precomp == NULL);
        CHECK(qstp_ct_is_zero((const uint8_t *)mem, need));
    }
    CHECK(ref.sig_precomp == NULL);

    CHECK(qstp_server_keyref_precompute(&ref, mem, need) == 0);
    CHECK(ref.sig_precomp == mem);
    cfg = ks.scfg;
    cfg.keys = &ref;

    /* 1. Byte identity with the plain path: same time, same server random bytes. */
    n1 = h_first_flight(&c, &s, &ks, &ks.scfg, 4242, plain, rlen + 64);
    CHECK_MSG(n1 == rlen, "plain response %zu bytes, expected %zu", n1, rlen);
    h_finish(&c, &s, plain, n1, FINISH_MSG, sizeof(FINISH_MSG), 7);
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    n2 = h_first_flight(&c, &s, &ks, &cfg, 4242, fast, rlen + 64);
    CHECK_MSG(n2 == n1 && memcmp(plain, fast, n1) == 0,
              "suite 0x%02x: response with the precomputed signer differs from the plain one", id);
    h_finish(&c, &s, fast, n2, FINISH_MSG, sizeof(FINISH_MSG), 7);
    h_endpoint_free(&c);
    h_endpoint_free(&s);

    /* 2. The signer serves the next connection unchanged, and it is what signs: with sigkey
     * swapped for the malformed key the plain path could not sign at all. */
    ref.sigkey = badsk;
    n2 = h_first_flight(&c, &s, &ks, &cfg, 99, fast, rlen + 64);
    CHECK(n2 == rlen);
    h_finish(&c, &s, fast, n2, FINISH_MSG, sizeof(FINISH_MSG), 7);
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    ref.sigkey = ks.keyref.sigkey;

    /* 3. The pool of precomputed responses signs through the same keyref: same packet. */
    {
        const size_t slot = qstp_precompute_slot_size(su), worklen = qstp_precompute_work_size(su);
        uint64_t st = 4242;
        qstp_env env = {h_clock, h_random, &st};
        qstp_server_config pcfg = cfg;
        pmem = malloc(slot);
        work = worklen ? malloc(worklen) : NULL;
        if (pmem != NULL && (worklen == 0 || work != NULL) &&
            qstp_precompute_init(&pool, su, pmem, slot, 1, 0) == 0) {
            pcfg.precompute = &pool;
            CHECK(qstp_precompute_fill_one(&pool, &env, &ref, work, worklen) == 0);
            n2 = h_first_flight(&c, &s, &ks, &pcfg, 1, fast, rlen + 64);
            CHECK_MSG(n2 == n1 && memcmp(plain, fast, n1) == 0,
                      "suite 0x%02x: pooled response with the precomputed signer differs", id);
            h_finish(&c, &s, fast, n2, FINISH_MSG, sizeof(FINISH_MSG), 7);
            h_endpoint_free(&c);
            h_endpoint_free(&s);
            qstp_precompute_clear(&pool);
        } else {
            CHECK_MSG(0, "suite 0x%02x: pool setup", id);
        }
    }

    /* 4. Wipe: memory zero, pointer cleared, plain path again (still the same packet). */
    qstp_server_keyref_precompute_wipe(&ref);
    CHECK(ref.sig_precomp == NULL);
    CHECK(qstp_ct_is_zero((const uint8_t *)mem, need));
    qstp_server_keyref_precompute_wipe(&ref); /* twice is harmless */
    n2 = h_first_flight(&c, &s, &ks, &cfg, 4242, fast, rlen + 64);
    CHECK(n2 == n1 && memcmp(plain, fast, n1) == 0);
    h_endpoint_free(&c);
    h_endpoint_free(&s);
    printf("suite 0x%02x: precomputed signer %zu bytes, responses identical\n", id, need);
done:
    free(plain);
    free(fast);
    free(mem);
    free(pmem);
    free(work);
    qstp_wipe(badsk, sizeof badsk);
}

/* SLH-DSA has no precomputed form: size 0, refused, ref unchanged. */
static void test_no_precomp(void)
{
    static uint64_t mem[1024];
    static const uint8_t sk[128];
    qstp_server_keyref ref;
    memset(&ref, 0, sizeof ref);
    CHECK(qstp_server_keyref_precompute_size(&ref) == 0);
    CHECK(qstp_server_keyref_precompute_size(NULL) == 0);
    ref.suite = qstp_suite_by_id(0x0A);
    ref.sigkey = sk;
    CHECK(ref.suite != NULL && ref.suite->sig_family == QSTP_SIG_SLHDSA);
    CHECK(qstp_server_keyref_precompute_size(&ref) == 0);
    CHECK(qstp_server_keyref_precompute(&ref, mem, sizeof mem) == -qstp_error_invalid_input);
    CHECK(ref.sig_precomp == NULL);
    qstp_server_keyref_precompute_wipe(&ref);
    qstp_server_keyref_precompute_wipe(NULL);
}

int main(int argc, char **argv)
{
    static const uint8_t defaults[] = {0x01, 0x02, 0x03, 0x04};
    test_no_precomp();
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            test_suite((uint8_t)strtoul(argv[i], NULL, 0));
    } else {
        for (size_t i = 0; i < sizeof(defaults); i++)
            test_suite(defaults[i]);
    }
    return test_report();
}
