/* Server side of the handshake (QSTP-WIRE §4.4, §4.6), byte-exact with kex.c. The ephemeral KEM
 * secret key lives in the caller's workspace from key generation until decapsulation and is
 * wiped on every path out of the exchange (success or failure); the shared secret and KDF output
 * never leave this stack frame unwiped. */
#include <string.h>

#include "core/buf.h"
#include "core/session_internal.h"
#include "crypto/ct.h"

static int server_fail(qstp_session_impl *S, qstp_errors local, qstp_errors wire)
{
    S->wire_code = (uint8_t)wire;
    return qstp_fail(local);
}

/* §4.4 check 1 with key rotation: compare the requested serial with every key (no early exit,
 * constant-time compares) and keep the match. */
static const qstp_server_keyref *select_key(const qstp_server_config *cfg, const uint8_t serial[16])
{
    const qstp_server_keyref *found = NULL;
    for (size_t i = 0; i < cfg->nkeys; i++) {
        if (qstp_ct_equal(cfg->keys[i].serial, serial, QSTP_SERIAL_SIZE) && found == NULL)
            found = &cfg->keys[i];
    }
    return found;
}

int qstp_kex_server_build_response(const qstp_server_keyref *key, uint64_t now, uint64_t seq, uint8_t *pkt,
                                   uint8_t *ksk, void *kgw, size_t kgwlen, qstp_rng_fn rng, void *ctx,
                                   uint8_t sch[32])
{
    const qstp_suite *su = key->suite;
    uint8_t *pk = pkt + QSTP_PACKET_HEADER_SIZE + su->signed_hash_size;
    uint8_t phash[32];
    qstp_packet_header h;
    size_t smlen = 0;
    int ret;

    /* §4.4 construction 1: a fresh ephemeral key pair, pk straight into the outgoing body. */
    if (su->kem_keypair(pk, ksk, kgw, kgwlen, rng, ctx) != 0) {
        qstp_wipe(ksk, su->kem_sk_size);
        if (kgwlen)
            qstp_wipe(kgw, kgwlen);
        return qstp_fail(qstp_error_random_failure);
    }
    if (kgwlen)
        qstp_wipe(kgw, kgwlen);

    /* 2-4: the header is created first and its serialized bytes are hashed. */
    qstp_packet_header_create(&h, qstp_flag_connect_response, seq,
                              (uint32_t)(su->signed_hash_size + su->kem_pk_size), now);
    qstp_packet_header_serialize(&h, pkt);
    qstp_transcript_phash(phash, pkt, sch, pk, su->kem_pk_size);
    qstp_transcript_next(sch, phash, sizeof(phash));

    /* 5-6: body = Sign(phash) (SIG || phash) || pk. With a precomputed signer (ML-DSA,
     * session.h qstp_server_keyref_precompute) the same deterministic signature, cheaper. */
    if (key->sig_precomp != NULL && su->sig_sign_attached_precomp != NULL)
        ret = su->sig_sign_attached_precomp(pkt + QSTP_PACKET_HEADER_SIZE, &smlen, phash, sizeof(phash),
                                            key->sig_precomp);
    else
        ret = su->sig_sign_attached(pkt + QSTP_PACKET_HEADER_SIZE, &smlen, phash, sizeof(phash),
                                    key->sigkey, rng, ctx);
    if (ret != 0 || smlen != su->signed_hash_size) {
        qstp_wipe(ksk, su->kem_sk_size);
        return qstp_fail(qstp_error_signature_failure);
    }
    return 0;
}

int qstp_kex_server_connect_response(qstp_session_impl *S, const uint8_t *body)
{
    const uint64_t now = qstp_session_now(S);
    const qstp_server_keyref *key;
    const qstp_suite *su;
    uint8_t field[QSTP_PROTOCOL_SET_SIZE];
    qstp_ws_layout l;
    uint8_t *pkt, *ksk;
    const uint8_t *serial, *protocol;
    qstp_reader r;
    int ret;

    /* §4.3 body: serial(16) || protocol field(42). The header check fixed msglen at 58. */
    qstp_reader_init(&r, body, QSTP_CONNECT_REQUEST_SIZE);
    serial = qstp_read_ptr(&r, QSTP_SERIAL_SIZE);
    protocol = qstp_read_ptr(&r, QSTP_PROTOCOL_SET_SIZE);
    if (!qstp_reader_done(&r))
        return server_fail(S, qstp_error_internal, qstp_error_invalid_request);

    /* §4.4 checks, in the reference's order: serial, expiration, protocol string. */
    key = select_key(S->scfg, serial);
    if (key == NULL)
        return server_fail(S, qstp_error_key_unrecognized, qstp_error_key_unrecognized);
    if (now > key->expiration_to)
        return server_fail(S, qstp_error_key_expired, qstp_error_key_expired);
    su = key->suite;
    qstp_suite_protocol_field(su, field);
    /* Only 41 bytes are compared; byte 42 is not checked (§4.4 check 3). */
    if (memcmp(protocol, field, QSTP_PROTOCOL_COMPARE_SIZE) != 0)
        return server_fail(S, qstp_error_unknown_protocol, qstp_error_unknown_protocol);

    qstp_ws_layout_compute(su, QSTP_ROLE_SERVER, &l);
    if (S->ws == NULL || S->wslen < l.total)
        return server_fail(S, qstp_error_memory_allocation, qstp_error_memory_allocation);
    S->suite = su;
    S->key = key;
    memcpy(S->sch, key->sch0, sizeof(S->sch));
    pkt = S->ws + l.tx_off;
    ksk = S->ws + l.ksk_off;

    /* A precomputed response (include/qstp/precompute.h) is the exact packet this code would
     * have built at its fill time (same construction, seq 0); take one if a fresh one for this
     * key is ready, else build it now. */
    if (S->txseq != 0 || S->scfg->precompute == NULL ||
        qstp_precompute_take_peer(S->scfg->precompute, key, now, S->cur.utctime, pkt, ksk, S->sch) != 0) {
        ret = qstp_kex_server_build_response(key, now, S->txseq, pkt, ksk,
                                             l.kgw_len ? S->ws + l.kgw_off : NULL, l.kgw_len,
                                             S->env.random, S->env.ctx, S->sch);
        if (ret != 0)
            return server_fail(S, qstp_error_of(ret), qstp_error_of(ret));
    }
    S->txseq += 1;
    S->big = pkt;
    S->big_len = QSTP_PACKET_HEADER_SIZE + su->signed_hash_size + su->kem_pk_size;
    S->big_off = 0;
    return 0;
}

int qstp_kex_server_exchange_response(qstp_session_impl *S, const uint8_t *body)
{
    const qstp_suite *su = S->suite;
    uint8_t sec[QSTP_SECRET_SIZE];
    uint8_t prnd[QSTP_KDF_PRND_SIZE];
    qstp_ws_layout l;
    qstp_packet_header h;
    uint8_t *out;
    int ok = 0, ret;

    qstp_ws_layout_compute(su, QSTP_ROLE_SERVER, &l);
    /* §4.6 step 2: the reference aborts when QSC's decapsulation reports the re-encryption
     * mismatch, even though a key was produced (implicit rejection). */
    ret = su->kem_decaps(sec, body, S->ws + l.ksk_off, &ok);
    /* step 3: sch2 = H(sch1 || ct); the secret key is erased now, whatever happened. */
    qstp_wipe(S->ws + l.ksk_off, l.ksk_len);
    if (ret != 0 || !ok) {
        ret = server_fail(S, qstp_error_decapsulation_failure, qstp_error_decapsulation_failure);
        goto out;
    }
    qstp_transcript_next(S->sch, body, su->kem_ct_size);
    ret = qstp_ctl_reserve(S, QSTP_PACKET_HEADER_SIZE + QSTP_EXCHANGE_RESPONSE_SIZE, &out);
    if (ret != 0) {
        ret = server_fail(S, qstp_error_of(ret), qstp_error_transmit_failure);
        goto out;
    }
    /* step 4 / §4.9: server rx = (k1, n1), tx = (k2, n2); rtcs. */
    qstp_kdf_session(sec, S->sch, prnd, S->rtcs);
    qstp_session_set_keys(S, prnd, 0);
    /* step 5: 08 | 32 | seq 1 | now, body = sch2 in plaintext. */
    qstp_packet_header_create(&h, qstp_flag_exchange_response, S->txseq, QSTP_EXCHANGE_RESPONSE_SIZE,
                              qstp_session_now(S));
    qstp_packet_header_serialize(&h, out);
    memcpy(out + QSTP_PACKET_HEADER_SIZE, S->sch, sizeof(S->sch));
    S->txseq += 1;
    ret = 0;
out:
    qstp_wipe(sec, sizeof(sec));
    qstp_wipe(prnd, sizeof(prnd));
    return ret;
}
