/* Fuzz target: a server session fed arbitrary bytes (handshake and, if the input gets that far,
 * records). Seeds: a whole client transcript (tests/fuzz/corpus/server_session). */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_peer s;
    fuzz_peer_server(&s, 2);
    fuzz_feed(&s, data, size);
    fuzz_move(&s, NULL, NULL, NULL, 0);
    fuzz_peer_free(&s);
    return 0;
}
