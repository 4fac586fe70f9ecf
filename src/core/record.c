/* Transport records on RCS-256 (QSTP-WIRE §5, §3.4): the 21-byte header is the associated
 * data of every record, msglen counts ciphertext + 32-byte tag. The RCS MAC sponge runs across
 * records (§6.5), so records must be sealed and opened strictly in order, and a record that
 * fails to open has already changed the receive MAC state: the session must then die (the
 * reference server's "ignore and continue" is REF-DEFECT §11.7). */
#include <string.h>

#include "core/session_internal.h"
#include "crypto/ct.h"

int qstp_record_seal(qstp_session_impl *S, uint8_t flag, uint64_t utctime, const uint8_t *pt,
                     size_t n, uint8_t *out)
{
    qstp_packet_header h;
    if (n == 0 || n > QSTP_RECORD_PLAINTEXT_MAX)
        return qstp_fail(qstp_error_invalid_input);
    /* §5.1: the sequence is pre-incremented, so the first record in each direction carries 3. */
    S->txseq += 1;
    qstp_packet_header_create(&h, flag, S->txseq, (uint32_t)(n + QSTP_MACTAG_SIZE), utctime);
    qstp_packet_header_serialize(&h, out);
    qstp_rcs256_set_associated(&S->tx, out, QSTP_PACKET_HEADER_SIZE);
    qstp_rcs256_seal(&S->tx, out + QSTP_PACKET_HEADER_SIZE, pt, n);
    return 0;
}

static int open_with(qstp_rcs256_state *st, const uint8_t hdr[QSTP_PACKET_HEADER_SIZE],
                     const uint8_t *body, uint8_t *pt, size_t n)
{
    qstp_rcs256_set_associated(st, hdr, QSTP_PACKET_HEADER_SIZE);
    return qstp_rcs256_open(st, pt, body, n) == 0 ? 0 : -1;
}

int qstp_record_open(qstp_session_impl *S, const uint8_t *body, uint8_t *pt)
{
    const size_t n = (size_t)S->cur.msglen - QSTP_MACTAG_SIZE;
    qstp_rcs256_state trial;
    int ok;

    if (S->cur.msglen <= QSTP_MACTAG_SIZE)
        return qstp_fail(qstp_error_receive_failure);
    if (!S->ratchet_pending) {
        /* §5.2 step 5-6: AD = the received header, re-serialized (identical bytes). */
        if (open_with(&S->rx, S->hdr, body, pt, n) != 0)
            return qstp_fail(qstp_error_authentication_failure);
        return 0;
    }

    /* PROTOCOL.md §2.4: our ratchet is pending; the peer may still be sending under the old
     * key. Try a copy of the old state first so a failure leaves it usable, then the new key.
     * open() leaves pt untouched on failure, so an in-place body survives the first try. */
    trial = S->rx;
    ok = open_with(&trial, S->hdr, body, pt, n) == 0;
    if (ok) {
        S->rx = trial;
        qstp_rcs256_wipe(&trial);
        return 0;
    }
    qstp_rcs256_wipe(&trial);
    qstp_ratchet_pending_rx(S, &trial);
    ok = open_with(&trial, S->hdr, body, pt, n) == 0;
    if (ok)
        qstp_ratchet_confirm(S, &trial);
    qstp_rcs256_wipe(&trial);
    return ok ? 0 : qstp_fail(qstp_error_authentication_failure);
}
