/* Every key in vectors/mlkem/cctv/modulus/ML-KEM-{512,768,1024}.txt has one 12-bit coefficient in
 * [q, 2^12) and must be rejected by ML-KEM.Encaps (FIPS 203 §7.2 modulus check). CCTV: 775, 780
 * and 1040 keys. (The fips203-ipd-draft_NOT-FINAL folder is deliberately not used.) */
#include "mlkem_test_util.h"

static void modulus_file(const char *rel, unsigned k, unsigned want_keys)
{
    size_t len;
    char *text = test_read_file(test_vector_path(rel), &len);
    unsigned keys = 0, rejected = 0;
    const size_t pklen = qstp_mlkem_pk_size(k);
    static const uint8_t m[32] = {1, 2, 3};
    if (text == NULL)
        return;
    for (char *line = strtok(text, "\r\n"); line != NULL; line = strtok(NULL, "\r\n")) {
        uint8_t pk[QSTP_MLKEM_PK_MAX], ct[QSTP_MLKEM_CT_MAX], ss[32];
        if (line[0] == '\0')
            continue;
        size_t n = test_hex_decode(pk, sizeof pk, line);
        CHECK_MSG(n == pklen, "%s line %u: %zu bytes", rel, keys + 1, n);
        keys++;
        if (n != pklen)
            continue;
        int rc_check = qstp_mlkem_check_pk(k, pk);
        int rc_enc = qstp_mlkem_encaps_derand(k, ct, ss, pk, m);
        CHECK_MSG(rc_check != 0 && rc_enc != 0, "%s key %u accepted", rel, keys);
        rejected += rc_check != 0 && rc_enc != 0;
    }
    CHECK_MSG(keys == want_keys, "%s: %u keys, expected %u", rel, keys, want_keys);
    printf("%s: %u of %u keys rejected\n", rel, rejected, keys);
    free(text);
}

int main(void)
{
    modulus_file("vectors/mlkem/cctv/modulus/ML-KEM-512.txt", 2, 775);
    modulus_file("vectors/mlkem/cctv/modulus/ML-KEM-768.txt", 3, 780);
    modulus_file("vectors/mlkem/cctv/modulus/ML-KEM-1024.txt", 4, 1040);
    return test_report();
}
