/* The captured deterministic handshake of the reference, reproduced byte for byte
 * (vectors/reference/mldsa87/transcript_deterministic.txt with the keys in deterministic/).
 *
 * The two KEM randomness draws are not reproducible (the reference's RNG was replaced, see
 * reference/README.txt), so a copy of suite 0x03 replaces them with the logged values: the
 * server's key generation returns the logged ephemeral key pair, the client's encapsulation
 * returns the captured ciphertext and the logged shared secret. Everything else is ours:
 * the server (deterministic ML-DSA-87) must write packets 2 and 4 exactly, the client packets 1,
 * 3, 5 and 7, the server packet 6; each side is driven by the *captured* packets of the other. */
#include "session_harness.h"

#define REF_TIME 1782129600u

static uint8_t *pkt[8];
static size_t pktlen[8];
static uint8_t *eph_pk, *eph_sk, *kem_ss, *sch0_logged;
static size_t eph_pk_len, eph_sk_len, kem_ss_len, sch0_len;

static int ref_keypair(uint8_t *pk, uint8_t *sk, void *ws, size_t wslen, qstp_rng_fn rng, void *ctx)
{
    (void)ws, (void)wslen, (void)rng, (void)ctx;
    memcpy(pk, eph_pk, eph_pk_len);
    memcpy(sk, eph_sk, eph_sk_len);
    return 0;
}

static int ref_encaps(uint8_t *ct, uint8_t *ss, const uint8_t *pk, qstp_rng_fn rng, void *ctx)
{
    (void)pk, (void)rng, (void)ctx;
    memcpy(ct, pkt[3] + QSTP_PACKET_HEADER_SIZE, pktlen[3] - QSTP_PACKET_HEADER_SIZE);
    memcpy(ss, kem_ss, 32);
    return 0;
}

static char *value_after_last_eq(char *line)
{
    char *eq = strrchr(line, '=');
    if (eq == NULL)
        return NULL;
    eq++;
    while (*eq == ' ')
        eq++;
    return eq;
}

static int load_transcript(void)
{
    const char *path = test_vector_path("vectors/reference/mldsa87/transcript_deterministic.txt");
    size_t len = 0;
    char *txt, *line, *save = NULL;
    int cur = 0;
    if (path == NULL)
        return -1;
    txt = test_read_file(path, &len);
    if (txt == NULL)
        return -1;
    for (line = strtok_r(txt, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        char *v;
        if (strncmp(line, "[packet ", 8) == 0) {
            cur = atoi(line + 8);
            continue;
        }
        v = value_after_last_eq(line);
        if (v == NULL)
            continue;
        if (strstr(line, "  stream (") == line && cur >= 1 && cur <= 7)
            pkt[cur] = test_hex_alloc(v, &pktlen[cur]);
        else if (strncmp(line, "server_ephemeral_kem_public_key", 31) == 0)
            eph_pk = test_hex_alloc(v, &eph_pk_len);
        else if (strncmp(line, "server_ephemeral_kem_secret_key", 31) == 0)
            eph_sk = test_hex_alloc(v, &eph_sk_len);
        else if (strncmp(line, "kem_shared_secret (client encaps)", 33) == 0)
            kem_ss = test_hex_alloc(v, &kem_ss_len);
        else if (strncmp(line, "server_certificate_chain_hash sch0", 34) == 0)
            sch0_logged = test_hex_alloc(v, &sch0_len);
    }
    free(txt);
    for (int i = 1; i <= 7; i++)
        CHECK_MSG(pkt[i] != NULL, "packet %d missing from the transcript", i);
    CHECK(eph_pk != NULL && eph_pk_len == 1568);
    CHECK(eph_sk != NULL && eph_sk_len == 3168);
    CHECK(kem_ss != NULL && kem_ss_len == 32);
    CHECK(sch0_logged != NULL && sch0_len == 32);
    return test_failures() ? -1 : 0;
}

static uint8_t *load_file(const char *rel, size_t *n)
{
    const char *path = test_vector_path(rel);
    return path ? (uint8_t *)test_read_file(path, n) : NULL;
}

static qstp_root_certificate root;
static qstp_server_certificate cert;
static qstp_server_key skey;
static qstp_suite ref_suite;

static void check_out(endpoint *e, int n, const char *what)
{
    static uint8_t buf[8192];
    size_t len = h_take(e, buf, sizeof(buf));
    CHECK_MSG(len == pktlen[n], "%s: %zu bytes, want %zu", what, len, pktlen[n]);
    if (len == pktlen[n])
        CHECK_BYTES(buf, pkt[n], len, what);
}

int main(void)
{
    static endpoint c, s;
    qstp_client_config ccfg;
    qstp_server_keyref kref;
    qstp_server_config scfg;
    uint8_t *b;
    size_t n = 0;
    static uint8_t rec[128];
    size_t reclen = 0;

    if (load_transcript() != 0)
        return test_report();
    b = load_file("vectors/reference/mldsa87/deterministic/root_public_cert.qrr", &n);
    CHECK(b != NULL && qstp_root_certificate_deserialize(&root, b, n) == 0);
    free(b);
    b = load_file("vectors/reference/mldsa87/deterministic/qstp_refhost.qrc", &n);
    CHECK(b != NULL && qstp_server_certificate_deserialize(&cert, b, n) == 0);
    free(b);
    b = load_file("vectors/reference/mldsa87/deterministic/server_secret_key.qsk", &n);
    CHECK(b != NULL && qstp_server_key_deserialize(&skey, b, n) == 0);
    free(b);
    if (test_failures())
        return test_report();

    h_now = REF_TIME;
    CHECK(qstp_server_certificate_verify(&cert, &root, h_now) == 0);
    CHECK(qstp_server_key_set_schash(&skey, &root, &cert) == 0);
    CHECK_BYTES(skey.schash, sch0_logged, 32, "sch0 (logged)");

    ref_suite = *qstp_suite_by_id(0x03);
    ref_suite.kem_keypair = ref_keypair;
    ref_suite.kem_encaps = ref_encaps;
    CHECK(qstp_client_config_from_certs(&ccfg, &root, &cert) == 0);
    CHECK_BYTES(ccfg.sch0, sch0_logged, 32, "client sch0");
    ccfg.suite = &ref_suite;
    CHECK(qstp_server_keyref_from_key(&kref, &skey) == 0);
    kref.suite = &ref_suite;
    memset(&scfg, 0, sizeof(scfg));
    scfg.keys = &kref;
    scfg.nkeys = 1;

    h_endpoint_client(&c, &ccfg, 1);
    h_endpoint_server(&s, &scfg, &ref_suite, 2);

    /* 1: connect request */
    CHECK(qstp_session_start(&c.s) == 0);
    check_out(&c, 1, "packet 1 connect request");
    /* 2: the server answers the captured request with the captured response, byte for byte */
    h_feed(&s, pkt[1], pktlen[1]);
    check_out(&s, 2, "packet 2 connect response (ML-DSA-87 deterministic)");
    /* 3: the client, fed the captured response, sends the captured exchange request */
    h_feed(&c, pkt[2], pktlen[2]);
    CHECK(!c.failed);
    check_out(&c, 3, "packet 3 exchange request");
    /* 4: the server decapsulates the captured ciphertext and echoes sch2 */
    h_feed(&s, pkt[3], pktlen[3]);
    CHECK(s.established && !s.failed);
    check_out(&s, 4, "packet 4 exchange response");
    h_feed(&c, pkt[4], pktlen[4]);
    CHECK(c.established && !c.failed);

    /* 5: the client's "hello"; the server decrypts the captured record */
    CHECK(qstp_session_send(&c.s, (const uint8_t *)"hello", 5, rec, sizeof(rec), &reclen) == 0);
    CHECK(reclen == pktlen[5] && memcmp(rec, pkt[5], reclen) == 0);
    h_feed(&s, pkt[5], pktlen[5]);
    CHECK(s.gotlen == 5 && memcmp(s.got, "hello", 5) == 0);
    /* 6: the server's echo; the client decrypts the captured record */
    CHECK(qstp_session_send(&s.s, (const uint8_t *)"ECHO: hello", 11, rec, sizeof(rec), &reclen) == 0);
    CHECK(reclen == pktlen[6] && memcmp(rec, pkt[6], reclen) == 0);
    h_feed(&c, pkt[6], pktlen[6]);
    CHECK(c.gotlen == 11 && memcmp(c.got, "ECHO: hello", 11) == 0);
    /* 7: the client's close record (code 0); the server reports the peer closed */
    CHECK(qstp_session_close(&c.s, qstp_error_none) == 0);
    check_out(&c, 7, "packet 7 close record");
    h_feed(&s, pkt[7], pktlen[7]);
    CHECK(s.closed && s.has_peer_code && s.peer_code == 0);
    CHECK(h_secrets_wiped(&c.s));
    CHECK(h_secrets_wiped(&s.s));

    h_endpoint_free(&c);
    h_endpoint_free(&s);
    for (int i = 1; i <= 7; i++)
        free(pkt[i]);
    free(eph_pk);
    free(eph_sk);
    free(kem_ss);
    free(sch0_logged);
    return test_report();
}
