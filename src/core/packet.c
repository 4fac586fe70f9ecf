/* Packet header, time and size rules, plaintext error packets (QSTP-WIRE §2, §3.3). */
#include "qstp/packet.h"

#include <string.h>

#include "core/buf.h"

void qstp_packet_header_create(qstp_packet_header *h, uint8_t flag, uint64_t sequence,
                               uint32_t msglen, uint64_t utctime)
{
    h->flag = flag;
    h->msglen = msglen;
    h->sequence = sequence;
    h->utctime = utctime;
}

void qstp_packet_header_serialize(const qstp_packet_header *h, uint8_t out[QSTP_PACKET_HEADER_SIZE])
{
    qstp_writer w;
    qstp_writer_init(&w, out, QSTP_PACKET_HEADER_SIZE);
    qstp_write_u8(&w, h->flag);
    qstp_write_le32(&w, h->msglen);
    qstp_write_le64(&w, h->sequence);
    qstp_write_le64(&w, h->utctime);
}

int qstp_packet_header_deserialize(qstp_packet_header *h, const uint8_t *in, size_t inlen)
{
    qstp_reader r;
    if (in == NULL || inlen < QSTP_PACKET_HEADER_SIZE) {
        memset(h, 0, sizeof(*h));
        return qstp_fail(qstp_error_malformed);
    }
    qstp_reader_init(&r, in, QSTP_PACKET_HEADER_SIZE);
    h->flag = qstp_read_u8(&r);        /* §2.1 order: flag, msglen, sequence, utctime */
    h->msglen = qstp_read_le32(&r);
    h->sequence = qstp_read_le64(&r);
    h->utctime = qstp_read_le64(&r);
    return 0;
}

int qstp_packet_time_valid(uint64_t utctime, uint64_t now)
{
    /* §2.3 (qstp_packet_time_valid): the bounds keep utctime ± 60 from wrapping. */
    const uint64_t t = QSTP_PACKET_TIME_THRESHOLD;
    if (now == 0 || now == UINT64_MAX)
        return 0;
    if (utctime < t || utctime > UINT64_MAX - t)
        return 0;
    return (utctime - t <= now && now <= utctime + t) ? 1 : 0;
}

int qstp_packet_header_validate(const qstp_packet_header *h, uint8_t expected_flag,
                                uint64_t expected_seq, uint32_t expected_msglen, uint64_t now)
{
    /* §2.5: this order is the reference's and decides which code a peer sees. */
    if (h->flag == qstp_flag_error_condition)
        return qstp_fail(qstp_error_connection_failure);
    if (!qstp_packet_time_valid(h->utctime, now))
        return qstp_fail(qstp_error_message_time_invalid);
    if (h->msglen != expected_msglen)
        return qstp_fail(qstp_error_receive_failure);
    if (h->sequence != expected_seq)
        return qstp_fail(qstp_error_packet_unsequenced);
    if (h->flag != expected_flag)
        return qstp_fail(qstp_error_invalid_request);
    return 0;
}

int qstp_packet_record_size_valid(uint32_t msglen)
{
    return (msglen > QSTP_MACTAG_SIZE && msglen <= QSTP_PACKET_MESSAGE_MAX) ? 1 : 0;
}

void qstp_packet_error_create(uint8_t out[QSTP_PACKET_ERROR_SIZE], qstp_errors code, uint64_t now)
{
    qstp_packet_header h;
    qstp_packet_header_create(&h, qstp_flag_error_condition, QSTP_PACKET_ERROR_SEQUENCE, 1, now);
    qstp_packet_header_serialize(&h, out);
    out[QSTP_PACKET_HEADER_SIZE] = (uint8_t)qstp_error_wire_code(code);
}
