/* The rest of the test support: hex round trips and rejections, the .rsp reader (CRLF,
 * sections, comments, records without a trailing blank line, multi-megabyte lines), vector
 * paths (a missing file must count as a failure), JSON loading and the property-test PRNG. */
#include "test.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_hex(void)
{
    uint8_t b[8];
    size_t len;
    uint8_t *p;
    char *s;

    CHECK(test_hex_decode(b, sizeof b, "00fFa5") == 3);
    CHECK(b[0] == 0x00 && b[1] == 0xff && b[2] == 0xa5);
    CHECK(test_hex_decode(b, sizeof b, "") == 0);
    CHECK(test_hex_decode(b, sizeof b, "abc") == (size_t)-1);              /* odd */
    CHECK(test_hex_decode(b, sizeof b, "0g") == (size_t)-1);               /* bad digit */
    CHECK(test_hex_decode(b, sizeof b, "000102030405060708") == (size_t)-1); /* 9 > cap 8 */
    CHECK(test_hex_decode(b, sizeof b, " 00") == (size_t)-1);
    CHECK(test_hex_decode(b, sizeof b, NULL) == (size_t)-1);

    p = test_hex_alloc("", &len);
    CHECK(p != NULL && len == 0);
    free(p);
    p = test_hex_alloc("DEADbeef", &len);
    CHECK(p != NULL && len == 4 && p[0] == 0xde && p[3] == 0xef);
    s = p != NULL ? test_hex_encode(p, len, 1) : NULL;
    CHECK(s != NULL && strcmp(s, "DEADBEEF") == 0);
    free(s);
    s = p != NULL ? test_hex_encode(p, len, 0) : NULL;
    CHECK(s != NULL && strcmp(s, "deadbeef") == 0);
    free(s);
    free(p);
    CHECK(test_hex_alloc("zz", &len) == NULL);
    s = test_hex_encode(NULL, 0, 1);
    CHECK(s != NULL && s[0] == '\0');
    free(s);
}

/* Write text to a temporary file; returns its path (static). */
static const char *temp_file(const char *text, size_t len)
{
    static char path[64];
    int fd;

    snprintf(path, sizeof path, "/tmp/qstp_rsp_XXXXXX");
    fd = mkstemp(path);
    if (fd < 0) {
        TEST_FAIL("mkstemp failed");
        return NULL;
    }
    if (write(fd, text, len) != (ssize_t)len) {
        TEST_FAIL("write failed");
    }
    close(fd);
    return path;
}

static void test_rsp_reader(void)
{
    static const char text[] =
        "# CAVS 11.1\r\n"
        "# comment = not a key\r\n"
        "\r\n"
        "[ENCRYPT]\r\n"
        "\r\n"
        "COUNT = 0\r\n"
        "KEY = 00ff\r\n"
        "  PLAINTEXT=  abcd  \r\n"
        "\r\n"
        "\r\n"
        "COUNT = 1\r\n"
        "# a comment inside a record does not end it\r\n"
        "KEY =\r\n"
        "[DECRYPT]\n"
        "COUNT = 2\n"
        "not a key line\n"
        "x = a = b\n"
        "[Outputlen = 128]\n"
        "\n"
        "Len = 8"; /* no final newline */
    const char *path = temp_file(text, sizeof text - 1);
    test_rsp *f = test_rsp_open(path);
    test_rsp_record rec;

    if (f == NULL) {
        return;
    }
    CHECK(test_rsp_next(f, &rec) == 1);
    CHECK(strcmp(rec.section, "ENCRYPT") == 0);
    CHECK(rec.count == 3);
    CHECK(test_rsp_get(&rec, "KEY") != NULL && strcmp(test_rsp_get(&rec, "KEY"), "00ff") == 0);
    CHECK(test_rsp_get(&rec, "PLAINTEXT") != NULL && strcmp(test_rsp_get(&rec, "PLAINTEXT"), "abcd") == 0);
    CHECK(test_rsp_get(&rec, "comment") == NULL);
    CHECK(test_rsp_get(&rec, "CIPHERTEXT") == NULL);

    CHECK(test_rsp_next(f, &rec) == 1);
    CHECK(strcmp(rec.section, "ENCRYPT") == 0); /* section in force when the record started */
    CHECK(rec.count == 2);
    CHECK(test_rsp_get(&rec, "KEY") != NULL && strcmp(test_rsp_get(&rec, "KEY"), "") == 0);

    CHECK(test_rsp_next(f, &rec) == 1);
    CHECK(strcmp(rec.section, "DECRYPT") == 0);
    CHECK(rec.count == 2);
    CHECK(test_rsp_get(&rec, "x") != NULL && strcmp(test_rsp_get(&rec, "x"), "a = b") == 0);

    CHECK(test_rsp_next(f, &rec) == 1);
    CHECK(strcmp(rec.section, "Outputlen = 128") == 0);
    CHECK(rec.count == 1 && strcmp(test_rsp_get(&rec, "Len"), "8") == 0);

    CHECK(test_rsp_next(f, &rec) == 0);
    CHECK(test_rsp_next(f, &rec) == 0);
    test_rsp_close(f);
    unlink(path);
}

/* A 6 MB value (larger than any McEliece key), CRLF-terminated, between two small records. */
static void test_rsp_long_line(void)
{
    const size_t n = 6u << 20;
    char *text = malloc(n + 64);
    size_t len = 0;
    const char *path;
    test_rsp *f;
    test_rsp_record rec;

    if (text == NULL) {
        TEST_FAIL("out of memory");
        return;
    }
    len += (size_t)sprintf(text, "a = 1\r\n\r\npk = ");
    for (size_t i = 0; i < n; i++) {
        text[len++] = "0123456789ABCDEF"[i % 16];
    }
    len += (size_t)sprintf(text + len, "\r\nss = 00\r\n\r\nb = 2\r\n");
    path = temp_file(text, len);
    free(text);
    f = test_rsp_open(path);
    if (f == NULL) {
        return;
    }
    CHECK(test_rsp_next(f, &rec) == 1 && strcmp(test_rsp_get(&rec, "a"), "1") == 0);
    CHECK(test_rsp_next(f, &rec) == 1);
    {
        const char *pk = test_rsp_get(&rec, "pk");
        CHECK(pk != NULL && strlen(pk) == n && pk[n - 1] == 'F');
        CHECK(test_rsp_get(&rec, "ss") != NULL && strcmp(test_rsp_get(&rec, "ss"), "00") == 0);
    }
    CHECK(test_rsp_next(f, &rec) == 1 && strcmp(test_rsp_get(&rec, "b"), "2") == 0);
    CHECK(test_rsp_next(f, &rec) == 0);
    test_rsp_close(f);
    unlink(path);
}

/* Run fn in a child process; returns the child's exit status (or -1 if it did not exit). The
 * child's own failures must not count in this process, which is the point. */
static int in_child(void (*fn)(void))
{
    pid_t pid;
    int st;

    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid == 0) {
        /* silence the child's summary and FAIL lines */
        if (freopen("/dev/null", "w", stdout) == NULL || freopen("/dev/null", "w", stderr) == NULL) {
            _exit(99);
        }
        fn();
        _exit(test_report());
    }
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) {
        return -1;
    }
    return WEXITSTATUS(st);
}

static void child_missing_vector(void)
{
    if (test_vector_path("vectors/does/not/exist.rsp") != NULL) {
        _exit(3);
    }
}

static void child_missing_json(void)
{
    if (test_json_load("vectors/does/not/exist.json") != NULL) {
        _exit(3);
    }
}

static void child_present_vector(void)
{
    cJSON *j = test_json_load("vectors/mlkem/acvp/ML-KEM-keyGen-FIPS203.internalProjection.json");
    cJSON_Delete(j);
}

static void child_one_failed_check(void)
{
    CHECK(1 == 2);
    CHECK(1 == 1);
}

static void child_bytes_differ(void)
{
    static const uint8_t a[3] = {1, 2, 3}, b[3] = {1, 2, 4};
    CHECK_BYTES(a, b, 3, "differ");
}

static void test_vectors_and_checks(void)
{
    cJSON *j;

    CHECK(in_child(child_missing_vector) == 1);
    CHECK(in_child(child_missing_json) == 1);
    CHECK(in_child(child_present_vector) == 0);
    CHECK(in_child(child_one_failed_check) == 1);
    CHECK(in_child(child_bytes_differ) == 1);

    j = test_json_load("vectors/mlkem/acvp/ML-KEM-keyGen-FIPS203.internalProjection.json");
    CHECK(j != NULL);
    CHECK(j != NULL && cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "testGroups")));
    cJSON_Delete(j);
    /* $QSTP_SHARED overrides ../shared */
    {
        const char *old = getenv("QSTP_SHARED");
        char *saved = old != NULL ? strdup(old) : NULL;
        setenv("QSTP_SHARED", "/nonexistent-qstp-shared", 1);
        CHECK(in_child(child_present_vector) == 1);
        if (saved != NULL) {
            setenv("QSTP_SHARED", saved, 1);
            free(saved);
        } else {
            unsetenv("QSTP_SHARED");
        }
    }
}

static void test_prng(void)
{
    uint64_t s1 = 42, s2 = 42, s3 = 43;
    uint8_t a[37], b[37], c[37];

    test_prng_bytes(&s1, a, sizeof a);
    test_prng_bytes(&s2, b, sizeof b);
    test_prng_bytes(&s3, c, sizeof c);
    CHECK_BYTES(a, b, sizeof a, "same seed, same bytes");
    CHECK(memcmp(a, c, sizeof a) != 0);
    /* splitmix64 reference value for seed 0: first output 0xE220A8397B1DCDAF */
    s1 = 0;
    CHECK(test_prng_u64(&s1) == 0xE220A8397B1DCDAFULL);
}

int main(void)
{
    test_hex();
    test_rsp_reader();
    test_rsp_long_line();
    test_vectors_and_checks();
    test_prng();
    return test_report();
}
