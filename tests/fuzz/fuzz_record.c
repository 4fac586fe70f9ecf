/* Fuzz target: the record layer of an established pair. The pair is established once; each input
 * runs on a copy of it (sessions are plain memory). data[0] picks the mode:
 *   even: the rest is raw bytes for the server (framing, flags, tags);
 *   odd:  the rest is split into records the client seals properly (1-byte lengths), so valid
 *         tags reach decryption and dispatch; bit 1 flips one byte of the result first. */
#include <stdlib.h>
#include <string.h>

#include "crypto/ct.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static fuzz_peer base_c, base_s;
static int ready;

static void setup(void)
{
    if (ready)
        return;
    fuzz_peer_client(&base_c, 1);
    fuzz_peer_server(&base_s, 2);
    for (int i = 0; i < 4; i++) {
        fuzz_move(&base_c, &base_s, NULL, NULL, 0);
        fuzz_move(&base_s, &base_c, NULL, NULL, 0);
    }
    if (!qstp_session_is_established(&base_c.s) || !qstp_session_is_established(&base_s.s))
        abort();
    ready = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t out[QSTP_SESSION_SEND_MAX + 512];
    fuzz_peer c, s;
    setup();
    if (size == 0)
        return 0;
    c = base_c;
    s = base_s;
    /* the copies share rx buffers with the base; that is fine, the base never reads again */
    if ((data[0] & 1) == 0) {
        fuzz_feed(&s, data + 1, size - 1);
    } else {
        size_t off = 1;
        while (off < size) {
            size_t n = data[off++], outlen = 0;
            if (n == 0 || n > size - off)
                n = size - off;
            if (n == 0)
                break;
            if (qstp_session_send(&c.s, data + off, n, out, sizeof(out), &outlen) != 0)
                break;
            if ((data[0] & 2) && outlen > 0)
                out[data[off] % outlen] ^= (uint8_t)(1u << (data[0] >> 5));
            off += n;
            if (fuzz_feed(&s, out, outlen))
                break;
        }
    }
    qstp_wipe(&c.s, sizeof(c.s));
    qstp_wipe(&s.s, sizeof(s.s));
    return 0;
}
