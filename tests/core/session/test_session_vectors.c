/* Known answers for the protocol core: packet headers (reference/packet_header_vectors.txt), the
 * session KDF (reference/qstp_session_kdf_vector.txt) and QSTP-WIRE Appendix A.2-A.6 (values
 * copied from the spec; regenerate with spec/tools/qstp_vectors.py). */
#include <stdlib.h>
#include <string.h>

#include "core/session_internal.h"
#include "crypto/ct.h"
#include "test.h"

static uint8_t *hex(const char *h, size_t *n)
{
    uint8_t *p = test_hex_alloc(h, n);
    CHECK_MSG(p != NULL, "bad hex %.20s", h);
    return p;
}

static void check_hex(const uint8_t *got, size_t n, const char *want, const char *what)
{
    size_t wn = 0;
    uint8_t *w = hex(want, &wn);
    CHECK_MSG(wn == n, "%s: length %zu, want %zu", what, n, wn);
    if (w != NULL && wn == n)
        CHECK_BYTES(got, w, n, what);
    free(w);
}

/* ---- packet_header_vectors.txt ---- */
static void test_header_vectors(void)
{
    const char *path = test_vector_path("vectors/reference/packet_header_vectors.txt");
    test_rsp *f;
    test_rsp_record rec;
    int count = 0;
    if (path == NULL)
        return;
    f = test_rsp_open(path);
    CHECK(f != NULL);
    if (f == NULL)
        return;
    while (test_rsp_next(f, &rec) == 1) {
        const char *hs = test_rsp_get(&rec, "header");
        const char *flag = test_rsp_get(&rec, "flag");
        if (hs == NULL || flag == NULL)
            continue;
        qstp_packet_header h, back;
        uint8_t out[21];
        /* The struct has padding after flag: zero it so the memcmp below reads defined bytes
         * (valgrind memcheck flagged the uninitialised padding). */
        memset(&h, 0, sizeof(h));
        memset(&back, 0, sizeof(back));
        qstp_packet_header_create(&h, (uint8_t)strtoul(flag, NULL, 16),
                                  strtoull(test_rsp_get(&rec, "sequence"), NULL, 10),
                                  (uint32_t)strtoul(test_rsp_get(&rec, "msglen"), NULL, 10),
                                  strtoull(test_rsp_get(&rec, "utctime"), NULL, 10));
        qstp_packet_header_serialize(&h, out);
        check_hex(out, 21, hs, "header serialize");
        CHECK(qstp_packet_header_deserialize(&back, out, 21) == 0);
        CHECK(memcmp(&back, &h, sizeof(h)) == 0 || (back.flag == h.flag && back.msglen == h.msglen &&
                                                    back.sequence == h.sequence && back.utctime == h.utctime));
        count++;
    }
    test_rsp_close(f);
    CHECK_MSG(count == 2, "header records: %d", count);
}

static void test_header_rules(void)
{
    qstp_packet_header h;
    uint8_t b[21] = {0};
    const uint64_t t = 1782129600;
    CHECK(qstp_packet_header_deserialize(&h, b, 20) == -(int)qstp_error_malformed);
    /* §2.3: ±60 inclusive. */
    CHECK(qstp_packet_time_valid(t, t + 60) == 1);
    CHECK(qstp_packet_time_valid(t, t - 60) == 1);
    CHECK(qstp_packet_time_valid(t, t + 61) == 0);
    CHECK(qstp_packet_time_valid(t, t - 61) == 0);
    CHECK(qstp_packet_time_valid(59, 59) == 0);
    CHECK(qstp_packet_time_valid(UINT64_MAX - 59, UINT64_MAX - 60) == 0);
    CHECK(qstp_packet_time_valid(t, 0) == 0);
    /* §2.5 order. */
    qstp_packet_header_create(&h, 0x13, 5, 7, 0);
    CHECK(qstp_packet_header_validate(&h, 1, 0, 58, t) == -(int)qstp_error_connection_failure);
    qstp_packet_header_create(&h, 0x02, 5, 7, 0);
    CHECK(qstp_packet_header_validate(&h, 1, 0, 58, t) == -(int)qstp_error_message_time_invalid);
    qstp_packet_header_create(&h, 0x02, 5, 7, t);
    CHECK(qstp_packet_header_validate(&h, 1, 0, 58, t) == -(int)qstp_error_receive_failure);
    qstp_packet_header_create(&h, 0x02, 5, 58, t);
    CHECK(qstp_packet_header_validate(&h, 1, 0, 58, t) == -(int)qstp_error_packet_unsequenced);
    qstp_packet_header_create(&h, 0x02, 0, 58, t);
    CHECK(qstp_packet_header_validate(&h, 1, 0, 58, t) == -(int)qstp_error_invalid_request);
    qstp_packet_header_create(&h, 0x01, 0, 58, t);
    CHECK(qstp_packet_header_validate(&h, 1, 0, 58, t) == 0);
    /* §2.6 */
    CHECK(qstp_packet_record_size_valid(32) == 0);
    CHECK(qstp_packet_record_size_valid(33) == 1);
    CHECK(qstp_packet_record_size_valid(65536) == 1);
    CHECK(qstp_packet_record_size_valid(65537) == 0);
    (void)b;
}

/* ---- qstp_session_kdf_vector.txt ---- */
static void test_kdf_vector(void)
{
    const char *path = test_vector_path("vectors/reference/qstp_session_kdf_vector.txt");
    test_rsp *f;
    test_rsp_record rec;
    int done = 0;
    if (path == NULL)
        return;
    f = test_rsp_open(path);
    CHECK(f != NULL);
    if (f == NULL)
        return;
    while (test_rsp_next(f, &rec) == 1) {
        const char *ssec = test_rsp_get(&rec, "ssec");
        if (ssec == NULL)
            continue;
        uint8_t sec[32], sch[32], prnd[128], rtcs[32];
        CHECK(test_hex_decode(sec, 32, ssec) == 32);
        CHECK(test_hex_decode(sch, 32, test_rsp_get(&rec, "sch")) == 32);
        qstp_kdf_session(sec, sch, prnd, rtcs);
        {
            const char *blk = test_rsp_get(&rec, "prnd_block");
            uint8_t want[136];
            CHECK(test_hex_decode(want, sizeof(want), blk) == 136);
            CHECK_BYTES(prnd, want, 128, "kdf prnd");
        }
        check_hex(rtcs, 32, test_rsp_get(&rec, "rtcs"), "kdf rtcs");
        done = 1;
    }
    test_rsp_close(f);
    CHECK(done);
}

/* ---- Appendix A ---- */
static void ab_fill(uint8_t *p, size_t n, uint8_t base, int xor_mode)
{
    for (size_t i = 0; i < n; i++)
        p[i] = xor_mode ? (uint8_t)(base ^ i) : (uint8_t)(base + i);
}

static uint64_t a_now;
static uint64_t fixed_now(void *ctx)
{
    (void)ctx;
    return a_now;
}

static uint8_t a_token[32];
static int token_rng(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    if (len != 32)
        return -1;
    memcpy(out, a_token, 32);
    return 0;
}

static void test_appendix_a(void)
{
    uint8_t sch0[32], pk[64], ct[48], phash[32], sch[32], hdr[21];
    uint8_t sec[32], prnd[128], rtcs[32], out[200], pt[200];
    qstp_packet_header h;
    static qstp_session_impl C, Sv; /* client tx side and server tx side */
    const qstp_suite *su = qstp_suite_by_id(0x03);

    /* A.2 */
    ab_fill(sch0, 32, 0, 0);
    ab_fill(pk, 64, 0xC0, 1);
    ab_fill(ct, 48, 0x3C, 0);
    qstp_packet_header_create(&h, 2, 0, 64 + 32 + 2420, 0x68000000);
    qstp_packet_header_serialize(&h, hdr);
    check_hex(hdr, 21, "02D409000000000000000000000000006800000000", "A.2 hdr2");
    qstp_transcript_phash(phash, hdr, sch0, pk, 64);
    check_hex(phash, 32, "4DC71123CD5D64D4873AC4C44F2A64CB8ADE5A0CF26908FF44C4931D7902BE27", "A.2 phash");
    memcpy(sch, sch0, 32);
    qstp_transcript_next(sch, phash, 32);
    check_hex(sch, 32, "9118FECC67D831EE713C2FAFF1F4AA8DE6B2E6992E345B26D51F77B05800C34C", "A.2 sch1");
    qstp_transcript_next(sch, ct, 48);
    check_hex(sch, 32, "124C2732CD554853F3A0FE0E459407C24140B002582519AD8213FBC19E24C36B", "A.2 sch2");

    /* A.3 */
    ab_fill(sec, 32, 0x10, 0);
    qstp_kdf_session(sec, sch, prnd, rtcs);
    check_hex(prnd, 128,
              "EA9BDECDA5CEFF909BECA4DDD6EAD1FFC4C325899DB1FAB65BDF1EF12908E55A"
              "0267804006409A54FE18219AC9D01982E405094775134888CE72FE70D561122C"
              "C7F2594E1CC25C452EC33F12CA63E910AE962DB787B63A331840B67232A0494C"
              "6A27D3B5D18252E7476A62546EF22EA6DC97BEA4F8853CF1947151657F5B7AAF",
              "A.3 prnd");
    check_hex(rtcs, 32, "94B9B2E2A044CD59C62877C8727669FEC8D9ADDA4D3AC2473169DDE6E5EFAA51", "A.3 rtcs");

    memset(&C, 0, sizeof(C));
    memset(&Sv, 0, sizeof(Sv));
    C.role = QSTP_ROLE_CLIENT;
    Sv.role = QSTP_ROLE_SERVER;
    C.suite = Sv.suite = su;
    C.state = Sv.state = ST_ESTABLISHED;
    qstp_session_set_keys(&C, prnd, 1);
    qstp_session_set_keys(&Sv, prnd, 0);
    memcpy(C.rtcs, rtcs, 32);
    memcpy(Sv.rtcs, rtcs, 32);
    C.txseq = Sv.txseq = 2;
    C.rxseq = Sv.rxseq = 2;

    CHECK(qstp_record_seal(&C, 4, 0x68000010, (const uint8_t *)"hello", 5, out) == 0);
    check_hex(out, 5 + 53,
              "0425000000030000000000000010000068000000000BB520F1B855CB9ECEEA32403FD26E5DBDE35ACA4FF58A"
              "90536499578D4C76B4E26DE617A0",
              "A.3 C2S seq3");
    /* The server opens it. */
    memcpy(Sv.hdr, out, 21);
    qstp_packet_header_deserialize(&Sv.cur, out, 21);
    CHECK(qstp_record_open(&Sv, out + 21, pt) == 0 && memcmp(pt, "hello", 5) == 0);
    ab_fill(pt, 68, 0, 0);
    CHECK(qstp_record_seal(&C, 4, 0x68000011, pt, 68, out) == 0);
    check_hex(out, 68 + 53,
              "0464000000040000000000000011000068000000008C8D30DA111667A39BEF2EE6ECEE9482A57255F6F245BE"
              "552A31C68862AB4D25E681AEB99A575A7EFBA0E7271CEB3C06F2AC04C69188954C2838BC8F19F936C61A0911"
              "1E0064F01B8CB97A3A6F176D3795E308CE73B1F92591969B2E6D85F7750895EA15",
              "A.3 C2S seq4 (KMAC quirk)");
    memcpy(Sv.hdr, out, 21);
    qstp_packet_header_deserialize(&Sv.cur, out, 21);
    CHECK(qstp_record_open(&Sv, out + 21, pt) == 0 && pt[67] == 67);
    CHECK(qstp_record_seal(&Sv, 4, 0x68000012, (const uint8_t *)"ack", 3, out) == 0);
    check_hex(out, 3 + 53,
              "04230000000300000000000000120000680000000044D8272C6ACD2C4116A62A3160BAB92B25801A38A4F9A2"
              "E6800E4119051CC3C1A52EC8",
              "A.3 S2C seq3");
    memcpy(C.hdr, out, 21);
    qstp_packet_header_deserialize(&C.cur, out, 21);
    CHECK(qstp_record_open(&C, out + 21, pt) == 0 && memcmp(pt, "ack", 3) == 0);
    C.rxseq++;

    /* A.4: server-initiated ratchet through ratchet.c (token from the environment). */
    {
        uint8_t rp[128], rn[32], field[42];
        ab_fill(a_token, 32, 0x55, 1);
        Sv.env.random = token_rng;
        Sv.env.now = fixed_now;
        a_now = 0x68000020;
        CHECK(qstp_ratchet_send(&Sv) == 0);
        check_hex(Sv.ctl, Sv.ctl_len,
                  "124000000004000000000000000000000000000000D60045C2442403D5A005AAE2217DB0A0FCC00363D544"
                  "293E98D10D0531A36338AA8363AFCC20E60F80F3FDED70B4A690182C95C32A608CE9492653C04C0DA0A2",
                  "A.4 ratchet packet");
        qstp_suite_protocol_field(su, field);
        qstp_kdf_ratchet(a_token, field, rtcs, rp, rn);
        check_hex(rp, 128,
                  "FB0A288040BD11B86198AE9486D389F044BF6BE46BABEA8E82A13229C81AFEC1"
                  "3BD85756C9D4A21CFC7F5078068E00A5B7E9C20ABA89C276057EF94C63B59573"
                  "FFECEC8CEFD1FE7DA8E44232F0C1F43198CA9D710A184D0015A8DC4FC8904C6F"
                  "8EBD9E9595ABB33F11104E9921EFD02C5FF1017406A9FAC6ED18C42B64A1BB2E",
                  "A.4 stream");
        check_hex(rn, 32, "E2A9F396985FB4F66BF93C62F08AFB9BB8C6102D3B5E2AE98817C50707F38D44", "A.4 rtcs'");
        CHECK_BYTES(Sv.rtcs, rn, 32, "A.4 server rtcs'");
        CHECK(Sv.ratchet_pending == 1);

        /* The client receives it (as the reference client would) and re-keys both ways. */
        memcpy(C.hdr, Sv.ctl, 21);
        qstp_packet_header_deserialize(&C.cur, Sv.ctl, 21);
        CHECK(C.cur.sequence == C.rxseq + 1);
        CHECK(qstp_record_open(&C, Sv.ctl + 21, pt) == 0 && memcmp(pt, a_token, 32) == 0);
        C.rxseq++;
        CHECK(qstp_ratchet_receive(&C, pt) == 0);
        CHECK_BYTES(C.rtcs, rn, 32, "A.4 client rtcs'");

        /* A.5: client close record under B. */
        {
            uint8_t code = 0;
            CHECK(qstp_record_seal(&C, 0x13, 0x68000020, &code, 1, out) == 0);
            check_hex(out, 54,
                      "1321000000050000000000000020000068000000007F08DAE4181734EB764C523FB1EB115C976237"
                      "34720E606AE6AFF0FDB3EF62B12E",
                      "A.5 close record");
            /* The server opens it with its pending receive key (PROTOCOL.md §2.4). */
            memcpy(Sv.hdr, out, 21);
            qstp_packet_header_deserialize(&Sv.cur, out, 21);
            CHECK(qstp_record_open(&Sv, out + 21, pt) == 0 && pt[0] == 0);
            CHECK(Sv.ratchet_pending == 0);
        }
    }
    qstp_rcs256_wipe(&C.tx);
    qstp_rcs256_wipe(&C.rx);
    qstp_rcs256_wipe(&Sv.tx);
    qstp_rcs256_wipe(&Sv.rx);
}

static void test_error_packets(void)
{
    uint8_t out[22];
    /* A.6: the captured pre-establishment error packets (utctime 0x6B08520C). */
    qstp_packet_error_create(out, qstp_error_key_unrecognized, 0x6B08520C);
    check_hex(out, 22, "13" "01000000" "00000000000000FF" "0C52086B00000000" "0F", "A.6 server bad serial");
    qstp_packet_error_create(out, qstp_error_receive_failure, 0x6B08520C);
    check_hex(out, 22, "13" "01000000" "00000000000000FF" "0C52086B00000000" "16", "A.6 client short read");
}

int main(void)
{
    test_header_vectors();
    test_header_rules();
    test_kdf_vector();
    test_appendix_a();
    test_error_packets();
    return test_report();
}
