/* bench_handshake: server CPU per handshake, QSTP set 0x03 (ML-DSA-87 + ML-KEM-1024) next to
 * OpenSSL TLS 1.3 (X25519 key share, ECDSA P-256 certificate, TLS_AES_256_GCM_SHA384), both run in
 * this process with client and server wired back to back through memory. Target: QSTP >= 1.5x
 * OpenSSL handshakes/s/core. Also QSTP sets 0x01, 0x02 and 0x04, and the crypto floor (the
 * server's KEM keygen + decaps + signature measured directly). QSTP rows marked "+signer" give the
 * server key a precomputed ML-DSA signer (qstp_server_keyref_precompute, done once per key at
 * load, as a server does); 0x03 also runs without it for comparison.
 *
 * What is measured: the server's calls only, timed with CLOCK_THREAD_CPUTIME_ID (CPU time of this
 * thread, so preemption by other tenants of the machine is not counted). For QSTP that is
 * qstp_session_server_init/attach_workspace/start, every qstp_session_receive, taking the output
 * (qstp_session_output + copy to the "wire" + ack) and qstp_session_release_workspace. For OpenSSL
 * it is SSL_new + SSL_set_bio + every SSL_do_handshake on the server SSL + SSL_free. Client calls
 * are timed the same way and printed for information. The transport (a memcpy into a buffer for
 * QSTP, a BIO pair for OpenSSL) belongs to neither side. The cost of reading the clock is measured
 * and subtracted per timed interval (it is a system call, ~0.1-0.5 us).
 *
 * OpenSSL is configured as a plain TLS 1.3 server: no session tickets (num_tickets 0, so no
 * ticket encryption after the handshake: this favours OpenSSL), no session cache, no client
 * certificates. The client verifies the server certificate chain (a self-signed P-256 certificate
 * generated at start-up) as the QSTP client verifies the server's signature.
 *
 * Noise: the machine is shared, so the protocols run in interleaved batches (round r: a batch of
 * every QSTP set and of OpenSSL) and the table shows the best and the median batch mean, plus the
 * median and p99 of all single handshakes. The ratio uses batch means (best/best, median/median).
 *
 * Usage: bench_handshake [rounds [batch]]   (default 25 rounds of 50 handshakes each) */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "bench_session.h"
#include "crypto/cpu.h"
#include "crypto/mldsa/mldsa.h"
#include "crypto/random.h"
#include "qstp/cert.h"
#include "qstp/session.h"
#include "qstp/suite.h"

/* ---------------- clocks ---------------- */

static int cmp_u64(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static double median_double(double *v, size_t n)
{
    for (size_t i = 1; i < n; i++) /* insertion sort: n is a few dozen */
        for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
            const double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static uint64_t g_clock_overhead; /* bench_thread_clock_cost_ns(), measured at start */

/* ---------------- QSTP ---------------- */

typedef struct {
    bench_chain c;
    qstp_server_config scfg;
    uint8_t *cws, *sws; /* handshake workspaces, reused (as a server's pool would) */
    size_t cwslen, swslen;
    void *precomp;      /* the key's precomputed signer, or NULL (plain signing) */
} qstp_keys;

/* signer: give the keyref a precomputed signer (qstp_server_keyref_precompute), as a server does
 * once per key when it loads it. */
static int qstp_keys_make(qstp_keys *k, uint8_t id, int signer)
{
    memset(k, 0, sizeof(*k));
    if (bench_chain_make(&k->c, id) != 0)
        return -1;
    k->scfg.keys = &k->c.keyref;
    k->scfg.nkeys = 1;
    k->cwslen = qstp_session_handshake_workspace_size(k->c.suite, QSTP_ROLE_CLIENT);
    k->swslen = qstp_server_config_workspace_size(&k->scfg);
    k->cws = malloc(k->cwslen);
    k->sws = malloc(k->swslen);
    if (signer) {
        const size_t n = (qstp_server_keyref_precompute_size(&k->c.keyref) + 63) & ~(size_t)63;
        k->precomp = n ? aligned_alloc(64, n) : NULL;
        if (k->precomp == NULL || qstp_server_keyref_precompute(&k->c.keyref, k->precomp, n) != 0)
            return -1;
    }
    return k->cws && k->sws ? 0 : -1;
}

static void qstp_keys_free(qstp_keys *k)
{
    free(k->cws);
    free(k->sws);
    qstp_server_keyref_precompute_wipe(&k->c.keyref);
    free(k->precomp);
    bench_chain_clear(&k->c);
}

/* The "wire": one direction's bytes in flight. */
static uint8_t g_wire[1u << 16];

/* One in-memory handshake; server and client CPU time in *srv / *cli. 0 on success. */
static int qstp_handshake(qstp_keys *k, uint64_t *srv, uint64_t *cli)
{
    qstp_session c, s;
    const bench_peers peers = {&k->c.ccfg, k->cws, k->cwslen, &k->scfg, k->sws, k->swslen};
    const bench_wire wire = {g_wire, sizeof(g_wire)};
    bench_cpu_timer ts = {0, 0, 0}, tc = {0, 0, 0};
    const int rc = bench_handshake_once(&peers, &wire, &c, &s, &ts, &tc);

    *srv = bench_cpu_total(&ts, g_clock_overhead);
    *cli = bench_cpu_total(&tc, g_clock_overhead);
    return rc;
}

/* ---------------- OpenSSL ---------------- */

typedef struct {
    SSL_CTX *sctx, *cctx;
    EVP_PKEY *pkey;
    X509 *cert;
} ossl_keys;

static int ossl_setup(ossl_keys *o)
{
    memset(o, 0, sizeof(*o));
    o->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    o->cert = X509_new();
    if (o->pkey == NULL || o->cert == NULL)
        return -1;
    X509_set_version(o->cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(o->cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(o->cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(o->cert), 365L * 86400);
    X509_set_pubkey(o->cert, o->pkey);
    X509_NAME *name = X509_get_subject_name(o->cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"bench.example", -1, -1, 0);
    X509_set_issuer_name(o->cert, name);
    if (X509_sign(o->cert, o->pkey, EVP_sha256()) <= 0)
        return -1;

    o->sctx = SSL_CTX_new(TLS_server_method());
    o->cctx = SSL_CTX_new(TLS_client_method());
    if (o->sctx == NULL || o->cctx == NULL)
        return -1;
    SSL_CTX *both[2] = {o->sctx, o->cctx};
    for (int i = 0; i < 2; i++) {
        if (!SSL_CTX_set_min_proto_version(both[i], TLS1_3_VERSION) ||
            !SSL_CTX_set_max_proto_version(both[i], TLS1_3_VERSION) ||
            !SSL_CTX_set_ciphersuites(both[i], "TLS_AES_256_GCM_SHA384") ||
            !SSL_CTX_set1_groups_list(both[i], "X25519"))
            return -1;
        SSL_CTX_set_session_cache_mode(both[i], SSL_SESS_CACHE_OFF);
    }
    if (SSL_CTX_use_certificate(o->sctx, o->cert) != 1 || SSL_CTX_use_PrivateKey(o->sctx, o->pkey) != 1)
        return -1;
    SSL_CTX_set_num_tickets(o->sctx, 0);
    SSL_CTX_set_verify(o->cctx, SSL_VERIFY_PEER, NULL);
    if (X509_STORE_add_cert(SSL_CTX_get_cert_store(o->cctx), o->cert) != 1)
        return -1;
    return 0;
}

static void ossl_free(ossl_keys *o)
{
    SSL_CTX_free(o->sctx);
    SSL_CTX_free(o->cctx);
    X509_free(o->cert);
    EVP_PKEY_free(o->pkey);
}

static int want_io(SSL *ssl, int r)
{
    const int e = SSL_get_error(ssl, r);
    return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
}

static int ossl_handshake(ossl_keys *o, uint64_t *srv, uint64_t *cli)
{
    bench_cpu_timer ts = {0, 0, 0}, tc = {0, 0, 0};
    BIO *cb = NULL, *sb = NULL;
    int rc = -1, cdone = 0, sdone = 0;

    if (!BIO_new_bio_pair(&cb, 0, &sb, 0))
        return -1;
    bench_cpu_start(&tc);
    SSL *c = SSL_new(o->cctx);
    SSL_set_bio(c, cb, cb);
    SSL_set_connect_state(c);
    bench_cpu_stop(&tc);
    bench_cpu_start(&ts);
    SSL *s = SSL_new(o->sctx);
    SSL_set_bio(s, sb, sb);
    SSL_set_accept_state(s);
    bench_cpu_stop(&ts);
    if (c == NULL || s == NULL)
        goto done;
    for (int step = 0; step < 16 && !(cdone && sdone); step++) {
        if (!cdone) {
            bench_cpu_start(&tc);
            const int r = SSL_do_handshake(c);
            bench_cpu_stop(&tc);
            if (r == 1)
                cdone = 1;
            else if (!want_io(c, r))
                goto done;
        }
        if (!sdone) {
            bench_cpu_start(&ts);
            const int r = SSL_do_handshake(s);
            bench_cpu_stop(&ts);
            if (r == 1)
                sdone = 1;
            else if (!want_io(s, r))
                goto done;
        }
    }
    rc = (cdone && sdone && SSL_get_verify_result(c) == X509_V_OK) ? 0 : -1;
done:
    bench_cpu_start(&ts);
    SSL_free(s); /* frees sb */
    bench_cpu_stop(&ts);
    SSL_free(c);
    *srv = bench_cpu_total(&ts, g_clock_overhead);
    *cli = bench_cpu_total(&tc, g_clock_overhead);
    return rc;
}

/* ---------------- crypto floor ---------------- */

/* Mean thread CPU time of fn(arg) over n calls after a short warm-up (CPU time, like the
 * handshake figures, so other tenants' load does not count; mean, because handshakes/s follows
 * the mean and ML-DSA signing time has a long tail). */
static double cpu_mean_ns(bench_fn fn, void *arg, unsigned n)
{
    for (unsigned i = 0; i < 5; i++)
        fn(arg);
    const uint64_t t0 = bench_thread_cpu_ns();
    for (unsigned i = 0; i < n; i++)
        fn(arg);
    return (double)(bench_thread_cpu_ns() - t0) / n;
}

typedef struct {
    const qstp_suite *su;
    uint8_t *pk, *sk, *ct, *sm, ss[32];
    const uint8_t *sigkey;
} floor_ctx;

static void f_keygen(void *a)
{
    floor_ctx *f = a;
    f->su->kem_keypair(f->pk, f->sk, NULL, 0, qstp_random_os, NULL);
}
static void f_decaps(void *a)
{
    floor_ctx *f = a;
    int ok;
    f->su->kem_decaps(f->ss, f->ct, f->sk, &ok);
}
/* A different 32-byte message each call: ML-DSA signs deterministically, and its rejection loop
 * runs a message-dependent number of times, so a fixed message would time one fixed count. */
static void f_sign(void *a)
{
    floor_ctx *f = a;
    static uint8_t h[32];
    size_t smlen;
    for (size_t i = 0; i < sizeof h && ++h[i] == 0; i++)
        ;
    f->su->sig_sign_attached(f->sm, &smlen, h, sizeof h, f->sigkey, qstp_random_os, NULL);
}

/* The same signature through ML-DSA's precomputed signer (A^, s1^, s2^, t0^ expanded once per
 * key, as a server could keep them next to its key): what the floor would be if the session
 * signed with it. */
typedef struct {
    qstp_mldsa_signer *signer;
    uint8_t *sm;
} signer_ctx;
static void f_signer(void *a)
{
    signer_ctx *s = a;
    static uint8_t h[32];
    static const uint8_t rnd[32]; /* zero: deterministic, as the suite's sign */
    size_t smlen;
    for (size_t i = 0; i < sizeof h && ++h[i] == 0; i++)
        ;
    qstp_mldsa_signer_sign_attached(s->signer, s->sm, &smlen, h, sizeof h, rnd);
}
static double signer_sign_ns(const qstp_keys *k)
{
    signer_ctx s;
    double ns = 0;
    if (k->c.suite->sig_family != QSTP_SIG_MLDSA)
        return 0;
    s.signer = malloc(sizeof(*s.signer));
    s.sm = malloc(k->c.suite->sig_size + 32);
    if (s.signer && s.sm && qstp_mldsa_signer_init(s.signer, k->c.suite->sig_param, k->c.skey.sigkey) == 0)
        ns = cpu_mean_ns(f_signer, &s, 300);
    if (s.signer)
        qstp_mldsa_signer_wipe(s.signer);
    free(s.signer);
    free(s.sm);
    return ns;
}

/* Mean CPU time of keygen, decaps, sign of the suite's primitives; returns their sum in ns. */
static double crypto_floor(const qstp_keys *k, double out[3])
{
    floor_ctx f;
    f.su = k->c.suite;
    f.pk = malloc(f.su->kem_pk_size);
    f.sk = malloc(f.su->kem_sk_size);
    f.ct = malloc(f.su->kem_ct_size);
    f.sm = malloc(f.su->sig_size + 32);
    f.sigkey = k->c.skey.sigkey;
    f_keygen(&f);
    f.su->kem_encaps(f.ct, f.ss, f.pk, qstp_random_os, NULL);
    out[0] = cpu_mean_ns(f_keygen, &f, 300);
    out[1] = cpu_mean_ns(f_decaps, &f, 300);
    out[2] = cpu_mean_ns(f_sign, &f, 300);
    free(f.pk);
    free(f.sk);
    free(f.ct);
    free(f.sm);
    return out[0] + out[1] + out[2];
}

/* ---------------- driver ---------------- */

/* QSTP 0x03 as a server runs it (precomputed signer), OpenSSL, QSTP 0x03 signing from the
 * encoded key (no precomputation), QSTP 0x01, 0x02, 0x04 with the signer. */
#define NPROTO 6
static const uint8_t qstp_ids[NPROTO] = {0x03, 0, 0x03, 0x01, 0x02, 0x04};
static const int qstp_signer[NPROTO] = {1, 0, 0, 1, 1, 1};

typedef struct {
    const char *name;
    double *batch_srv;  /* per round: mean server ns per handshake */
    double *batch_cli;
    uint64_t *single;   /* every handshake's server ns */
    size_t nsingle;
    unsigned failures;
} series;

int main(int argc, char **argv)
{
    const size_t rounds = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 25;
    const size_t batch = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 50;
    static qstp_keys keys[NPROTO];
    ossl_keys ossl;
    series ser[NPROTO];
    char name[NPROTO][64];

    if (rounds == 0 || batch == 0) {
        fprintf(stderr, "usage: bench_handshake [rounds [batch]]\n");
        return 2;
    }
    for (int p = 0; p < NPROTO; p++) {
        if (qstp_ids[p] == 0) {
            if (ossl_setup(&ossl) != 0) {
                fprintf(stderr, "OpenSSL setup failed\n");
                ERR_print_errors_fp(stderr);
                return 1;
            }
            snprintf(name[p], sizeof name[p], "OpenSSL TLS 1.3 X25519+P-256");
        } else {
            if (qstp_keys_make(&keys[p], qstp_ids[p], qstp_signer[p]) != 0) {
                fprintf(stderr, "QSTP key setup for set 0x%02x failed\n", qstp_ids[p]);
                return 1;
            }
            snprintf(name[p], sizeof name[p], "QSTP 0x%02x %s%s", qstp_ids[p], keys[p].c.suite->short_name,
                     qstp_signer[p] ? " +signer" : "");
        }
        ser[p].name = name[p];
        ser[p].batch_srv = calloc(rounds, sizeof(double));
        ser[p].batch_cli = calloc(rounds, sizeof(double));
        ser[p].single = calloc(rounds * batch, sizeof(uint64_t));
        ser[p].nsingle = 0;
        ser[p].failures = 0;
        if (!ser[p].batch_srv || !ser[p].batch_cli || !ser[p].single)
            return 1;
    }
    g_clock_overhead = bench_thread_clock_cost_ns();

    printf("bench_handshake: server CPU per handshake (CLOCK_THREAD_CPUTIME_ID around the server's calls),\n"
           "in memory, %zu interleaved rounds x %zu handshakes per protocol; clock read cost %llu ns subtracted\n"
           "per timed interval. %s; QSTP backends: AVX2 %s, AVX-512 %s.\n\n",
           rounds, batch, (unsigned long long)g_clock_overhead, OpenSSL_version(OPENSSL_VERSION),
           qstp_cpu_has_avx2() ? "yes" : "no", qstp_cpu_has_avx512() ? "yes" : "no");

    /* warm-up: one batch of each, untimed */
    for (int p = 0; p < NPROTO; p++)
        for (size_t i = 0; i < 5; i++) {
            uint64_t a, b;
            if (qstp_ids[p] ? qstp_handshake(&keys[p], &a, &b) : ossl_handshake(&ossl, &a, &b))
                ser[p].failures++;
        }

    for (size_t r = 0; r < rounds; r++) {
        for (int p = 0; p < NPROTO; p++) {
            uint64_t sum_s = 0, sum_c = 0;
            for (size_t i = 0; i < batch; i++) {
                uint64_t srv = 0, cli = 0;
                const int rc = qstp_ids[p] ? qstp_handshake(&keys[p], &srv, &cli)
                                           : ossl_handshake(&ossl, &srv, &cli);
                if (rc != 0)
                    ser[p].failures++;
                sum_s += srv;
                sum_c += cli;
                ser[p].single[ser[p].nsingle++] = srv;
            }
            ser[p].batch_srv[r] = (double)sum_s / (double)batch;
            ser[p].batch_cli[r] = (double)sum_c / (double)batch;
        }
    }

    static const char *const cols[] = {"protocol                         ", "server best", "server median", "single med",
                                       "single p99",       "hs/s/core best", "hs/s/core med", "client med",
                                       "vs OpenSSL (med)"};
    bench_table t;
    double best[NPROTO], med[NPROTO];
    const size_t nr = rounds < 1024 ? rounds : 1024;
    for (int p = 0; p < NPROTO; p++) {
        double tmp[1024];
        memcpy(tmp, ser[p].batch_srv, nr * sizeof(double));
        med[p] = median_double(tmp, nr);
        best[p] = tmp[0];
    }
    bench_table_begin(&t, "Server CPU per handshake (batch means: best, median; single handshakes: median, p99)",
                      cols, 9);
    for (int p = 0; p < NPROTO; p++) {
        double tmp[1024];
        const size_t n = nr;
        memcpy(tmp, ser[p].batch_cli, n * sizeof(double));
        const double cmed = median_double(tmp, n);
        qsort(ser[p].single, ser[p].nsingle, sizeof(uint64_t), cmp_u64);
        const double smed = (double)ser[p].single[ser[p].nsingle / 2];
        const double sp99 = (double)ser[p].single[(ser[p].nsingle * 99) / 100];
        char a[32], b[32], c[32], d[32], e[32], f[32], g[32], h[32];
        const char *cells[] = {ser[p].name,
                               bench_fmt_ns(a, best[p]),
                               bench_fmt_ns(b, med[p]),
                               bench_fmt_ns(c, smed),
                               bench_fmt_ns(d, sp99),
                               bench_fmt_count(e, 1e9 / best[p]),
                               bench_fmt_count(f, 1e9 / med[p]),
                               bench_fmt_ns(g, cmed),
                               qstp_ids[p] ? bench_fmt_ratio(h, med[1] / med[p]) : "1.00x"};
        bench_table_row(&t, cells);
    }
    bench_table_end(&t);
    printf("\nQSTP 0x03 (precomputed signer) vs OpenSSL TLS 1.3, server handshakes/s/core: %.2fx (best "
           "batches), %.2fx (median batches); target >= 1.50x: %s\n"
           "QSTP 0x03 without the signer: %.2fx (median batches)\n",
           best[1] / best[0], med[1] / med[0], med[1] / med[0] >= 1.5 ? "met" : "NOT met", med[1] / med[2]);

    /* Crypto floor: what the server cannot avoid per handshake (KEM keygen, decaps, sign). */
    static const char *const fcols[] = {"primitives                     ", "KEM keygen", "KEM decaps", "sign", "floor",
                                        "handshake med", "floor share", "signer sign", "floor w/ signer"};
    printf("\n");
    bench_table_begin(&t, "Crypto floor: the server's asymmetric operations measured directly (mean thread CPU time of 300; sign: varying messages)",
                      fcols, 9);
    for (int p = 0; p < NPROTO; p++) {
        if (qstp_ids[p] == 0)
            continue;
        double parts[3];
        const double fl = crypto_floor(&keys[p], parts);
        char rowname[96], a[32], b[32], c[32], d[32], e[32], f[32];
        if (p == 2)
            continue; /* the same primitives as row 0 */
        snprintf(rowname, sizeof rowname, "0x%02x %s + %s", qstp_ids[p], keys[p].c.suite->kem_name,
                 keys[p].c.suite->sig_name);
        snprintf(f, sizeof f, "%.0f%%", 100.0 * fl / med[p]);
        const double sg = signer_sign_ns(&keys[p]);
        char g[32], h[32];
        const char *cells[] = {rowname, bench_fmt_ns(a, parts[0]), bench_fmt_ns(b, parts[1]),
                               bench_fmt_ns(c, parts[2]), bench_fmt_ns(d, fl), bench_fmt_ns(e, med[p]), f,
                               sg > 0 ? bench_fmt_ns(g, sg) : NULL,
                               sg > 0 ? bench_fmt_ns(h, parts[0] + parts[1] + sg) : NULL};
        bench_table_row(&t, cells);
    }
    bench_table_end(&t);

    int bad = 0;
    for (int p = 0; p < NPROTO; p++) {
        if (ser[p].failures) {
            fprintf(stderr, "%s: %u handshakes FAILED\n", ser[p].name, ser[p].failures);
            bad = 1;
        }
        free(ser[p].batch_srv);
        free(ser[p].batch_cli);
        free(ser[p].single);
        if (qstp_ids[p])
            qstp_keys_free(&keys[p]);
    }
    ossl_free(&ossl);
    return bad;
}
