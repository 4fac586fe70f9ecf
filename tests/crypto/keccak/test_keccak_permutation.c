/* Keccak-f[1600] against the Keccak team's traces, and the sponge against their sponge traces:
 *   vectors/keccak/KeccakF-1600-IntermediateValues.txt
 *   vectors/keccak/KeccakSpongeIntermediateValues_{SHA3-256,SHA3-512,SHAKE128,SHAKE256}.txt
 * Every "Input of permutation" / "State after permutation" pair checks the permutation (and the
 * x4 entry point); every byte-aligned example message checks the whole function. */
#include <stdlib.h>
#include <string.h>

#include "blockfile.h"
#include "crypto/keccak.h"
#include "crypto/sha3.h"
#include "test.h"

static void load_state(uint64_t s[25], const uint8_t bytes[200])
{
    memset(s, 0, 200);
    qstp_keccak_xor_bytes(s, bytes, 200);
}

/* Checks each permutation input/output pair in the file; returns how many. */
static int check_permutation_pairs(const char *rel)
{
    block_file f;
    char *label, *hex;
    uint8_t in[200], want[200], got[200];
    int have_in = 0, pairs = 0;

    if (!block_open(&f, test_vector_path(rel)))
        return 0;
    while (block_next_labelled(&f, &label, &hex)) {
        if (strcmp(label, "Input of permutation") == 0) {
            have_in = test_hex_decode(in, sizeof(in), hex) == 200;
        } else if (strcmp(label, "State after permutation") == 0 && have_in) {
            uint64_t s[25], x4[4][25];
            CHECK(test_hex_decode(want, sizeof(want), hex) == 200);
            load_state(s, in);
            for (int i = 0; i < 4; i++)
                memcpy(x4[i], s, sizeof(s));
            qstp_keccak_f1600(s);
            qstp_keccak_extract_bytes(s, got, 200);
            CHECK_BYTES(got, want, 200, rel);
            load_state(s, in);
            qstp_keccak_f1600_portable(s);
            qstp_keccak_extract_bytes(s, got, 200);
            CHECK_BYTES(got, want, 200, "portable permutation");
            qstp_keccak_f1600_x4(x4);
            for (int i = 0; i < 4; i++) {
                qstp_keccak_extract_bytes(x4[i], got, 200);
                CHECK_BYTES(got, want, 200, "x4 permutation");
            }
            have_in = 0;
            pairs++;
        }
    }
    block_close(&f);
    return pairs;
}

typedef enum { FN_SHA3_256, FN_SHA3_512, FN_SHAKE128, FN_SHAKE256 } sponge_fn;

/* Whole-function check: message from "Input message (last byte aligned on LSB)" (byte-aligned
 * ones only, known from "Input message (in bits)"), output = all squeezed blocks. */
static int check_sponge_examples(const char *rel, sponge_fn fn)
{
    block_file f;
    char *label, *hex;
    static uint8_t msg[4096], out[8192], got[8192];
    size_t msglen = 0, outlen = 0;
    int byte_aligned = 0, examples = 0, have_msg = 0;

    if (!block_open(&f, test_vector_path(rel)))
        return 0;
    for (;;) {
        int more = block_next_labelled(&f, &label, &hex);
        /* An example ends where the next one starts, or at the end of the file. */
        if (!more || strcmp(label, "Input message (last byte aligned on LSB)") == 0) {
            if (have_msg && byte_aligned && outlen > 0) {
                switch (fn) {
                case FN_SHA3_256:
                    qstp_sha3_256(got, msg, msglen);
                    break;
                case FN_SHA3_512:
                    qstp_sha3_512(got, msg, msglen);
                    break;
                case FN_SHAKE128:
                    qstp_shake128(got, outlen, msg, msglen);
                    break;
                case FN_SHAKE256:
                    qstp_shake256(got, outlen, msg, msglen);
                    break;
                }
                size_t n = (fn == FN_SHA3_256) ? 32 : (fn == FN_SHA3_512) ? 64 : outlen;
                if (n > outlen)
                    n = outlen;
                CHECK_BYTES(got, out, n, rel);
                examples++;
            }
            if (!more)
                break;
            size_t r = test_hex_decode(msg, sizeof(msg), hex);
            msglen = (r == (size_t)-1) ? 0 : r;
            have_msg = (r != (size_t)-1);
            outlen = 0;
            byte_aligned = 0;
        } else if (strcmp(label, "Input message (in bits)") == 0) {
            /* hex here is the bit string squeezed to digits: its length is the bit count */
            byte_aligned = (strlen(hex) % 8) == 0;
        } else if (strncmp(label, "Squeezed block", 14) == 0) {
            size_t r = test_hex_decode(out + outlen, sizeof(out) - outlen, hex);
            if (r != (size_t)-1)
                outlen += r;
        }
    }
    block_close(&f);
    return examples;
}

int main(void)
{
    int n = check_permutation_pairs("vectors/keccak/KeccakF-1600-IntermediateValues.txt");
    CHECK_MSG(n == 2, "expected 2 permutation examples, got %d", n);

    static const struct {
        const char *file;
        sponge_fn fn;
    } sponges[] = {
        {"vectors/keccak/KeccakSpongeIntermediateValues_SHA3-256.txt", FN_SHA3_256},
        {"vectors/keccak/KeccakSpongeIntermediateValues_SHA3-512.txt", FN_SHA3_512},
        {"vectors/keccak/KeccakSpongeIntermediateValues_SHAKE128.txt", FN_SHAKE128},
        {"vectors/keccak/KeccakSpongeIntermediateValues_SHAKE256.txt", FN_SHAKE256},
    };
    for (size_t i = 0; i < sizeof(sponges) / sizeof(sponges[0]); i++) {
        int pairs = check_permutation_pairs(sponges[i].file);
        CHECK_MSG(pairs > 0, "%s: no permutation pairs", sponges[i].file);
        int ex = check_sponge_examples(sponges[i].file, sponges[i].fn);
        CHECK_MSG(ex > 0, "%s: no byte-aligned examples", sponges[i].file);
    }
    return test_report();
}
