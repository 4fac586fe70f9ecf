/* Locating and loading vector files. Vectors are read in place from $QSTP_SHARED/vectors or
 * ../shared/vectors (tests run from the project root); a missing file is a failure that names
 * the file, never a skip (docs/CONVENTIONS.md, Tests). */
#include "test.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define VECTOR_PATH_MAX 4096

const char *test_vector_path(const char *rel)
{
    static char path[VECTOR_PATH_MAX];
    const char *root = getenv("QSTP_SHARED");
    struct stat st;
    int n;

    if (rel == NULL) {
        TEST_FAIL("test_vector_path(NULL)");
        return NULL;
    }
    if (root == NULL || root[0] == '\0') {
        root = "../shared";
    }
    n = snprintf(path, sizeof path, "%s/%s", root, rel);
    if (n < 0 || (size_t)n >= sizeof path) {
        TEST_FAIL("vector path too long: %s/%s", root, rel);
        return NULL;
    }
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        TEST_FAIL("missing vector file %s (set QSTP_SHARED to the shared directory)", path);
        return NULL;
    }
    return path;
}

char *test_read_file(const char *path, size_t *len)
{
    FILE *f;
    char *buf = NULL;
    size_t cap = 0, used = 0;

    if (len != NULL) {
        *len = 0;
    }
    if (path == NULL) {
        TEST_FAIL("test_read_file(NULL)");
        return NULL;
    }
    f = fopen(path, "rb");
    if (f == NULL) {
        TEST_FAIL("cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    /* Grow geometrically instead of trusting ftell: works for pipes and /proc files too. */
    for (;;) {
        size_t got;
        if (cap - used < 4096) {
            size_t ncap = cap == 0 ? 65536 : cap * 2;
            char *nbuf = realloc(buf, ncap + 1);
            if (nbuf == NULL) {
                TEST_FAIL("out of memory reading %s", path);
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nbuf;
            cap = ncap;
        }
        got = fread(buf + used, 1, cap - used, f);
        used += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(f)) {
        TEST_FAIL("read error on %s", path);
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    buf[used] = '\0';
    if (len != NULL) {
        *len = used;
    }
    return buf;
}

cJSON *test_json_load(const char *rel)
{
    const char *path = test_vector_path(rel);
    char *text;
    size_t len;
    cJSON *json;

    if (path == NULL) {
        return NULL;
    }
    text = test_read_file(path, &len);
    if (text == NULL) {
        return NULL;
    }
    json = cJSON_ParseWithLength(text, len);
    if (json == NULL) {
        const char *at = cJSON_GetErrorPtr();
        TEST_FAIL("%s: malformed JSON at byte %ld", path,
                  at != NULL && at >= text && at <= text + len ? (long)(at - text) : -1L);
    }
    free(text);
    return json;
}
