/* OS randomness through getrandom(2). A failure is reported, never papered over with a weaker
 * source. */
#include "crypto/random.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

int qstp_random_os(void *ctx, uint8_t *out, size_t len)
{
    uint8_t *const start = out;
    const size_t total = len;

    (void)ctx;
    while (len > 0) {
        size_t chunk = len > 256 ? 256 : len; /* getrandom never returns short for <= 256 bytes */
        ssize_t r = getrandom(out, chunk, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            memset(start, 0, total); /* never hand out a partly filled buffer */
            return -1;
        }
        out += r;
        len -= (size_t)r;
    }
    return 0;
}
