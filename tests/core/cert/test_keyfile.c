/* Key files (src/net/keyfile.c): atomic writes with exact modes and no temporary file left on
 * failure, capped reads, the permission warning for secret keys, and load/save in all three
 * encodings, starting from the reference's files. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/keyfile.h"
#include "test.h"

#define DET "vectors/reference/mldsa87/deterministic/"

static char dir[64];
static qstp_root_certificate rc, rc2;
static qstp_server_certificate sc, sc2;
static qstp_root_key rk, rk2;
static qstp_server_key sk, sk2;

static char *in_dir(const char *name)
{
    static char p[2][128];
    static int i;
    i ^= 1;
    snprintf(p[i], sizeof p[i], "%s/%s", dir, name);
    return p[i];
}

static unsigned mode_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (unsigned)(st.st_mode & 07777) : 0xFFFFu;
}

/* Number of directory entries that look like our temporary files. */
static int temp_files(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (strstr(e->d_name, ".tmp.") != NULL)
            n++;
    }
    closedir(d);
    return n;
}

static void test_raw(void)
{
    uint8_t *data;
    size_t len;
    unsigned warn;
    static const uint8_t a[] = "first version", b[] = "second";

    CHECK(qstp_file_write_atomic(in_dir("f"), a, sizeof a, 0644) == 0);
    CHECK(mode_of(in_dir("f")) == 0644);
    CHECK(qstp_file_read(in_dir("f"), 1024, &data, &len, &warn) == 0 && len == sizeof a);
    CHECK(data != NULL && memcmp(data, a, sizeof a) == 0 && data[len] == 0);
    CHECK(warn == QSTP_KEYFILE_WARN_PERMISSIONS); /* 0644 has group/other bits */
    qstp_file_free(data, len);
    /* replace: new content and new mode, atomically */
    CHECK(qstp_file_write_atomic(in_dir("f"), b, sizeof b, 0600) == 0);
    CHECK(mode_of(in_dir("f")) == 0600);
    CHECK(qstp_file_read(in_dir("f"), 1024, &data, &len, &warn) == 0 && len == sizeof b && warn == 0);
    CHECK(memcmp(data, b, sizeof b) == 0);
    qstp_file_free(data, len);
    /* cap */
    CHECK(qstp_file_read(in_dir("f"), sizeof b - 1, &data, &len, NULL) ==
          qstp_fail(qstp_error_file_too_large));
    CHECK(data == NULL && len == 0);
    CHECK(qstp_file_read(in_dir("f"), sizeof b, &data, &len, NULL) == 0);
    qstp_file_free(data, len);
    /* empty file */
    CHECK(qstp_file_write_atomic(in_dir("empty"), NULL, 0, 0644) == 0);
    CHECK(qstp_file_read(in_dir("empty"), 10, &data, &len, NULL) == 0 && len == 0);
    qstp_file_free(data, len);
    /* missing file, a directory */
    CHECK(qstp_file_read(in_dir("missing"), 10, &data, &len, NULL) == qstp_fail(qstp_error_io) &&
          errno == ENOENT);
    CHECK(qstp_file_read(dir, 10, &data, &len, NULL) == qstp_fail(qstp_error_io));
    /* a FIFO is refused without blocking */
    CHECK(mkfifo(in_dir("fifo"), 0600) == 0);
    CHECK(qstp_file_read(in_dir("fifo"), 10, &data, &len, NULL) == qstp_fail(qstp_error_io));
    unlink(in_dir("fifo"));
    /* failure leaves no temporary file and the target unchanged: the target is a directory */
    CHECK(mkdir(in_dir("adir"), 0755) == 0);
    CHECK(qstp_file_write_atomic(in_dir("adir"), a, sizeof a, 0600) == qstp_fail(qstp_error_io));
    CHECK(temp_files() == 0);
    struct stat st;
    CHECK(stat(in_dir("adir"), &st) == 0 && S_ISDIR(st.st_mode));
    rmdir(in_dir("adir"));
    /* a directory that does not exist */
    CHECK(qstp_file_write_atomic(in_dir("nodir/x"), a, sizeof a, 0600) == qstp_fail(qstp_error_io));
    CHECK(qstp_file_write_atomic("", a, sizeof a, 0600) == qstp_fail(qstp_error_invalid_input));
    CHECK(qstp_file_write_atomic(in_dir("trailing/"), a, sizeof a, 0600) == qstp_fail(qstp_error_invalid_input));
    CHECK(temp_files() == 0);
    unlink(in_dir("f"));
    unlink(in_dir("empty"));
}

static void test_objects(void)
{
    qstp_encoding enc;
    unsigned warn = 99;
    uint8_t *a, *b;
    size_t alen, blen;
    static char ref_root[512];
    const char *rp = test_vector_path(DET "root_public_cert.qrr"); /* static, reused: copy it */
    if (rp == NULL)
        return;
    snprintf(ref_root, sizeof ref_root, "%s", rp);

    /* reference files in their two encodings */
    CHECK(qstp_keyfile_load_root_certificate(ref_root, &rc, &enc) == 0 && enc == QSTP_ENCODING_BINARY);
    const char *txt = test_vector_path(DET "root_public_cert.encoded.txt");
    CHECK(txt && qstp_keyfile_load_root_certificate(txt, &rc2, &enc) == 0 && enc == QSTP_ENCODING_TEXT);
    CHECK(memcmp(&rc, &rc2, sizeof rc) == 0);
    const char *p = test_vector_path(DET "qstp_refhost.qrc");
    CHECK(p && qstp_keyfile_load_server_certificate(p, &sc, &enc) == 0);
    p = test_vector_path(DET "server_public_cert.encoded.txt");
    CHECK(p && qstp_keyfile_load_server_certificate(p, &sc2, &enc) == 0 && enc == QSTP_ENCODING_TEXT);
    CHECK(memcmp(&sc, &sc2, sizeof sc) == 0);
    p = test_vector_path(DET "root_secret_key.qsk");
    CHECK(p && qstp_keyfile_load_root_key(p, &rk, &enc, &warn) == 0);
    p = test_vector_path(DET "server_secret_key.qsk");
    CHECK(p && qstp_keyfile_load_server_key(p, &sk, &enc, &warn) == 0);
    /* the wrong kind */
    CHECK(qstp_keyfile_load_server_certificate(ref_root, &sc2, &enc) < 0);

    /* save: binary root certificate is the reference file, byte for byte, mode 0644 */
    CHECK(qstp_keyfile_save_root_certificate(in_dir("root.qrr"), &rc, QSTP_ENCODING_BINARY) == 0);
    CHECK(mode_of(in_dir("root.qrr")) == 0644);
    CHECK(qstp_file_read(in_dir("root.qrr"), QSTP_KEYFILE_DEFAULT_CAP, &a, &alen, NULL) == 0);
    CHECK(qstp_file_read(ref_root, QSTP_KEYFILE_DEFAULT_CAP, &b, &blen, NULL) == 0);
    CHECK(alen == blen && a && b && memcmp(a, b, alen) == 0);
    qstp_file_free(a, alen);
    qstp_file_free(b, blen);
    /* every kind in every encoding it has, back and forth */
    static const qstp_encoding encs[3] = {QSTP_ENCODING_BINARY, QSTP_ENCODING_TEXT, QSTP_ENCODING_PEM};
    for (int i = 0; i < 3; i++) {
        CHECK(qstp_keyfile_save_root_certificate(in_dir("rc"), &rc, encs[i]) == 0);
        CHECK(qstp_keyfile_load_root_certificate(in_dir("rc"), &rc2, &enc) == 0 && enc == encs[i]);
        CHECK(memcmp(&rc, &rc2, sizeof rc) == 0);
        CHECK(qstp_keyfile_save_server_certificate(in_dir("sc"), &sc, encs[i]) == 0);
        CHECK(mode_of(in_dir("sc")) == 0644);
        CHECK(qstp_keyfile_load_server_certificate(in_dir("sc"), &sc2, &enc) == 0 && enc == encs[i]);
        CHECK(memcmp(&sc, &sc2, sizeof sc) == 0);
        if (encs[i] == QSTP_ENCODING_TEXT) {
            CHECK(qstp_keyfile_save_root_key(in_dir("rk"), &rk, encs[i]) == qstp_fail(qstp_error_invalid_input));
            continue;
        }
        CHECK(qstp_keyfile_save_root_key(in_dir("rk"), &rk, encs[i]) == 0);
        CHECK(mode_of(in_dir("rk")) == 0600);
        CHECK(qstp_keyfile_load_root_key(in_dir("rk"), &rk2, &enc, &warn) == 0 && enc == encs[i] && warn == 0);
        CHECK(memcmp(&rk, &rk2, sizeof rk) == 0);
        CHECK(qstp_keyfile_save_server_key(in_dir("sk"), &sk, encs[i]) == 0);
        CHECK(mode_of(in_dir("sk")) == 0600);
        CHECK(qstp_keyfile_load_server_key(in_dir("sk"), &sk2, &enc, &warn) == 0 && warn == 0);
        CHECK(memcmp(&sk, &sk2, sizeof sk) == 0);
    }
    /* a secret key readable by the group loads, with the warning */
    CHECK(chmod(in_dir("sk"), 0640) == 0);
    CHECK(qstp_keyfile_load_server_key(in_dir("sk"), &sk2, &enc, &warn) == 0);
    CHECK(warn == QSTP_KEYFILE_WARN_PERMISSIONS);
    /* garbage file */
    static const uint8_t junk[] = "-----BEGIN QSTP ROOT SECRET KEY-----\nnot base64!\n";
    CHECK(qstp_file_write_atomic(in_dir("junk"), junk, sizeof junk - 1, 0600) == 0);
    CHECK(qstp_keyfile_load_root_key(in_dir("junk"), &rk2, &enc, &warn) == qstp_fail(qstp_error_malformed));
    CHECK(temp_files() == 0);
    const char *names[] = {"root.qrr", "rc", "sc", "rk", "sk", "junk"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        unlink(in_dir(names[i]));
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/qstp_keyfile_XXXXXX");
    if (mkdtemp(dir) == NULL) {
        CHECK_MSG(0, "mkdtemp failed");
        return test_report();
    }
    test_raw();
    test_objects();
    CHECK(rmdir(dir) == 0);
    return test_report();
}
