/* Integration-guide packet helpers and strings (compat.h) over core/packet.c and core/suite.c. */
#include <string.h>
#include <time.h>

#include "compat/compat_internal.h"

void qstp_header_create(qstp_network_packet *packetout, qstp_flags flag, uint64_t sequence,
                        uint32_t msglen)
{
    packetout->flag = (uint8_t)flag;
    packetout->sequence = sequence;
    packetout->msglen = msglen;
    packetout->utctime = (uint64_t)time(NULL); /* §2.2: true Unix UTC */
}

static void to_core(qstp_packet_header *h, const qstp_network_packet *p)
{
    qstp_packet_header_create(h, p->flag, p->sequence, p->msglen, p->utctime);
}

qstp_errors qstp_header_validate(qstp_connection_state *cns, const qstp_network_packet *packetin,
                                 qstp_flags flag, uint64_t sequence, uint32_t msglen)
{
    qstp_packet_header h;
    int ret;
    if (packetin == NULL)
        return qstp_error_invalid_input;
    to_core(&h, packetin);
    ret = qstp_packet_header_validate(&h, (uint8_t)flag, sequence, msglen, (uint64_t)time(NULL));
    if (ret != 0)
        return qstp_error_of(ret);
    if (cns != NULL)
        cns->rxseq += 1; /* §2.5 step 6 */
    return qstp_error_none;
}

void qstp_compat_packet_header_serialize(const qstp_network_packet *packet, uint8_t *header)
{
    qstp_packet_header h;
    to_core(&h, packet);
    qstp_packet_header_serialize(&h, header);
}

void qstp_compat_packet_header_deserialize(const uint8_t *header, qstp_network_packet *packet)
{
    qstp_packet_header h;
    (void)qstp_packet_header_deserialize(&h, header, QSTP_PACKET_HEADER_SIZE);
    packet->flag = h.flag;
    packet->msglen = h.msglen;
    packet->sequence = h.sequence;
    packet->utctime = h.utctime;
}

size_t qstp_packet_to_stream(const qstp_network_packet *packet, uint8_t *pstream)
{
    if (packet == NULL || pstream == NULL)
        return 0;
    qstp_compat_packet_header_serialize(packet, pstream);
    if (packet->msglen > 0 && packet->pmessage != NULL)
        memcpy(pstream + QSTP_PACKET_HEADER_SIZE, packet->pmessage, packet->msglen);
    return QSTP_PACKET_HEADER_SIZE + (size_t)packet->msglen;
}

void qstp_packet_clear(qstp_network_packet *packet)
{
    if (packet == NULL)
        return;
    if (packet->pmessage != NULL && packet->msglen > 0)
        memset(packet->pmessage, 0, packet->msglen);
    packet->flag = 0;
    packet->msglen = 0;
    packet->sequence = 0;
    packet->utctime = 0;
}

void qstp_packet_error_message(qstp_network_packet *packet, qstp_errors error)
{
    /* §3.3 fields; the byte on the wire is always a reference code. */
    qstp_header_create(packet, qstp_flag_error_condition, QSTP_PACKET_ERROR_SEQUENCE, 1);
    if (packet->pmessage != NULL)
        packet->pmessage[0] = (uint8_t)qstp_error_wire_code(error);
}

const char *qstp_get_error_description(qstp_messages emsg)
{
    static const char *const text[] = {
        "No configuration was specified.",
        "The socket accept failed.",
        "The listener socket could not connect.",
        "The listener socket could not bind to the address.",
        "The listener socket could not be created.",
        "The server connected to a host.",
        "The socket receive function failed.",
        "The server memory allocation request has failed.",
        "The key exchange has experienced a failure.",
        "The server has disconnected the client.",
        "The server has disconnected the client due to an error.",
        "The server has had a socket level error.",
        "The server has reached the maximum number of connections.",
        "The server listener socket has failed.",
        "The server has run out of socket connections.",
        "The message decryption has failed.",
        "The connection failed or was interrupted.",
        "The function received an invalid request.",
        "The host received a symmetric ratchet request.",
    };
    if ((unsigned)emsg >= sizeof(text) / sizeof(text[0]))
        return NULL;
    return text[emsg];
}

qstp_configuration_sets qstp_configuration_from_string(const char *config)
{
    const qstp_suite *su = config != NULL ? qstp_suite_by_protocol_string(config) : NULL;
    return su != NULL ? (qstp_configuration_sets)su->id : qstp_configuration_set_none;
}

const char *qstp_configuration_to_string(qstp_configuration_sets cset)
{
    const qstp_suite *su = qstp_suite_by_id((uint8_t)cset);
    return su != NULL ? su->protocol_string : NULL;
}
