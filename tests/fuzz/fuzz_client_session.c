/* Fuzz target: a started client session fed arbitrary bytes (connect response, exchange
 * response, records). Seeds: a whole server transcript (tests/fuzz/corpus/client_session). */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_peer c;
    fuzz_peer_client(&c, 1);
    fuzz_move(&c, NULL, NULL, NULL, 0); /* the connect request */
    fuzz_feed(&c, data, size);
    fuzz_move(&c, NULL, NULL, NULL, 0);
    fuzz_peer_free(&c);
    return 0;
}
