/* Client side of the handshake (QSTP-WIRE §4.3, §4.5, §4.7), byte-exact with kex.c.
 * Every secret (KEM shared secret, KDF output) lives on this stack frame and is wiped on every
 * exit path through the single `out:` label. */
#include <string.h>

#include "core/buf.h"
#include "core/session_internal.h"
#include "crypto/ct.h"

static int client_fail(qstp_session_impl *S, qstp_errors local, qstp_errors wire)
{
    S->wire_code = (uint8_t)wire;
    return qstp_fail(local);
}

int qstp_kex_client_connect_request(qstp_session_impl *S)
{
    const qstp_client_config *cfg = S->ccfg;
    const uint64_t now = qstp_session_now(S);
    uint8_t field[QSTP_PROTOCOL_SET_SIZE];
    qstp_packet_header h;
    qstp_writer w;
    uint8_t *out;
    int ret;

    /* §4.3 step 1: the only certificate check the reference client makes. */
    if (now > cfg->server_expiration_to)
        return client_fail(S, qstp_error_key_expired, qstp_error_key_expired);
    ret = qstp_ctl_reserve(S, QSTP_PACKET_HEADER_SIZE + QSTP_CONNECT_REQUEST_SIZE, &out);
    if (ret != 0)
        return client_fail(S, qstp_error_of(ret), qstp_error_transmit_failure);

    /* §4.3 step 2-3: serial(16) || protocol field(42, zero padded), header seq 0. */
    qstp_suite_protocol_field(S->suite, field);
    qstp_packet_header_create(&h, qstp_flag_connect_request, S->txseq, QSTP_CONNECT_REQUEST_SIZE, now);
    qstp_packet_header_serialize(&h, out);
    qstp_writer_init(&w, out + QSTP_PACKET_HEADER_SIZE, QSTP_CONNECT_REQUEST_SIZE);
    qstp_write_bytes(&w, cfg->server_serial, QSTP_SERIAL_SIZE);
    /* The reference copies 41 bytes of its char[42]; the 42nd stays zero (§4.3). */
    qstp_write_bytes(&w, field, QSTP_PROTOCOL_COMPARE_SIZE);
    qstp_write_zeros(&w, QSTP_PROTOCOL_SET_SIZE - QSTP_PROTOCOL_COMPARE_SIZE);
    if (!qstp_writer_ok(&w))
        return client_fail(S, qstp_error_internal, qstp_error_transmit_failure);
    S->txseq += 1;
    return 0;
}

int qstp_kex_client_exchange_request(qstp_session_impl *S, const uint8_t *body)
{
    const qstp_suite *su = S->suite;
    const size_t sh = su->signed_hash_size; /* SIG + 32 */
    qstp_ws_layout l;
    uint8_t khash[32];
    uint8_t phash[32];
    uint8_t sec[QSTP_SECRET_SIZE];
    uint8_t prnd[QSTP_KDF_PRND_SIZE];
    size_t mlen = 0;
    qstp_packet_header h;
    const uint8_t *signed_hash, *pk;
    uint8_t *pkt;
    qstp_reader r;
    int ret;

    qstp_ws_layout_compute(su, QSTP_ROLE_CLIENT, &l);
    pkt = S->ws + l.tx_off;
    /* §4.4 body: (SIG || phash) || pk; the header check fixed msglen at SIG + 32 + KPK. */
    qstp_reader_init(&r, body, su->signed_hash_size + su->kem_pk_size);
    signed_hash = qstp_read_ptr(&r, sh);
    pk = qstp_read_ptr(&r, su->kem_pk_size);
    if (!qstp_reader_done(&r)) {
        ret = client_fail(S, qstp_error_internal, qstp_error_invalid_request);
        goto out;
    }

    /* §4.5 step 2: verify the attached signature with the server certificate's key; the
     * recovered message is the server's phash. */
    if (su->sig_open_attached(khash, &mlen, signed_hash, sh, S->ccfg->server_verkey) != 0 || mlen != 32) {
        ret = client_fail(S, qstp_error_authentication_failure, qstp_error_authentication_failure);
        goto out;
    }
    /* §4.5 step 3-4: recompute phash over the received header bytes, update the transcript
     * before comparing (the reference's order). */
    qstp_transcript_phash(phash, S->hdr, S->sch, pk, su->kem_pk_size);
    qstp_transcript_next(S->sch, phash, sizeof(phash));
    /* §4.5 step 5; the reference sends verify_failure here, not hash_invalid (§10 row 6). */
    if (!qstp_ct_equal(phash, khash, sizeof(phash))) {
        ret = client_fail(S, qstp_error_verify_failure, qstp_error_verify_failure);
        goto out;
    }
    /* §4.5 step 6-7: encapsulate into the outgoing packet, sch2 = H(sch1 || ct). The reference
     * ignores a failure here; a malformed pk (ML-KEM modulus check) fails the exchange. */
    if (su->kem_encaps(pkt + QSTP_PACKET_HEADER_SIZE, sec, pk, S->env.random, S->env.ctx) != 0) {
        ret = client_fail(S, qstp_error_exchange_failure, qstp_error_exchange_failure);
        goto out;
    }
    qstp_transcript_next(S->sch, pkt + QSTP_PACKET_HEADER_SIZE, su->kem_ct_size);

    /* §4.5 step 8 / §4.9: client tx = (k1, n1), rx = (k2, n2); rtcs. */
    qstp_kdf_session(sec, S->sch, prnd, S->rtcs);
    qstp_session_set_keys(S, prnd, 1);

    /* §4.5 step 9: header 07 | CT | seq 1 | now. */
    qstp_packet_header_create(&h, qstp_flag_exchange_request, S->txseq, (uint32_t)su->kem_ct_size,
                              qstp_session_now(S));
    qstp_packet_header_serialize(&h, pkt);
    S->txseq += 1;
    S->big = pkt;
    S->big_len = QSTP_PACKET_HEADER_SIZE + su->kem_ct_size;
    S->big_off = 0;
    ret = 0;
out:
    qstp_wipe(sec, sizeof(sec));
    qstp_wipe(prnd, sizeof(prnd));
    qstp_wipe(khash, sizeof(khash));
    qstp_wipe(phash, sizeof(phash));
    return ret;
}

int qstp_kex_client_establish_verify(qstp_session_impl *S, const uint8_t *body)
{
    /* §4.7: the server echoes sch2 in clear; a mismatch is authentication_failure. */
    if (!qstp_ct_equal(body, S->sch, sizeof(S->sch)))
        return client_fail(S, qstp_error_authentication_failure, qstp_error_authentication_failure);
    return 0;
}
