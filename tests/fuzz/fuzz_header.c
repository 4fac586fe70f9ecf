/* Fuzz target: header parse, validation, time and size rules (QSTP-WIRE §2). */
#include <stdlib.h>
#include <string.h>

#include "qstp/packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    qstp_packet_header h;
    uint8_t back[QSTP_PACKET_HEADER_SIZE];
    if (qstp_packet_header_deserialize(&h, data, size) != 0) {
        if (size >= QSTP_PACKET_HEADER_SIZE)
            abort();
        return 0;
    }
    /* Round trip is exact. */
    qstp_packet_header_serialize(&h, back);
    if (memcmp(back, data, QSTP_PACKET_HEADER_SIZE) != 0)
        abort();
    {
        uint64_t now = h.utctime ^ (size > 21 ? data[21] : 0);
        int r = qstp_packet_header_validate(&h, size > 22 ? data[22] : 1, 0, 58, now);
        if (r > 0 || (r == 0 && (h.flag == 0x13 || !qstp_packet_time_valid(h.utctime, now))))
            abort();
    }
    (void)qstp_packet_record_size_valid(h.msglen);
    return 0;
}
