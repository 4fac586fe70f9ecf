/* Reader for "key = value" record files (NIST CAVP/KAT .rsp and our plain-text vector files).
 *
 * A record is a run of "key = value" lines; it ends at a blank line, at a "[section]" line, or at
 * end of file. "#" lines are comments and are skipped. CR (CRLF files) is ignored. Lines may be
 * several megabytes long (McEliece keys, SLH-DSA signatures): each is read whole with getline
 * into a buffer that belongs to one key slot and is reused for the next record. */
#include "test.h"

#include <stdlib.h>
#include <string.h>

#define RSP_SLOTS 64

struct test_rsp {
    FILE *f;
    char *path;
    /* slot RSP_SLOTS is scratch: lines that are not (or cannot be) kept are read there. */
    char *line[RSP_SLOTS + 1];
    size_t cap[RSP_SLOTS + 1];
    char section[128];
    int warned_full;
};

test_rsp *test_rsp_open(const char *path)
{
    test_rsp *r;

    if (path == NULL) {
        TEST_FAIL("test_rsp_open(NULL)");
        return NULL;
    }
    r = calloc(1, sizeof *r);
    if (r == NULL) {
        TEST_FAIL("out of memory opening %s", path);
        return NULL;
    }
    r->f = fopen(path, "rb");
    if (r->f == NULL) {
        TEST_FAIL("cannot open %s", path);
        free(r);
        return NULL;
    }
    r->path = strdup(path);
    return r;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Trim in place; returns the first non-space character. */
static char *trim(char *s)
{
    size_t n = strlen(s);

    while (n > 0 && is_space(s[n - 1])) {
        s[--n] = '\0';
    }
    while (*s != '\0' && is_space(*s)) {
        s++;
    }
    return s;
}

int test_rsp_next(test_rsp *r, test_rsp_record *rec)
{
    memset(rec, 0, sizeof *rec);
    if (r == NULL || r->f == NULL) {
        return 0;
    }
    for (;;) {
        size_t slot = rec->count < RSP_SLOTS ? rec->count : RSP_SLOTS;
        ssize_t got = getline(&r->line[slot], &r->cap[slot], r->f);
        char *s, *eq;

        if (got < 0) {
            break; /* end of file (or error): return what we have */
        }
        s = trim(r->line[slot]);
        if (*s == '\0') {
            if (rec->count > 0) {
                return 1;
            }
            continue;
        }
        if (*s == '#') {
            continue;
        }
        if (*s == '[') {
            /* A section line closes the current record; the record keeps the section it
             * started in, the next record gets the new one. */
            size_t n = strlen(s);
            if (n >= 2 && s[n - 1] == ']') {
                s[n - 1] = '\0';
                s++;
            }
            snprintf(r->section, sizeof r->section, "%s", s);
            if (rec->count > 0) {
                return 1;
            }
            continue;
        }
        eq = strchr(s, '=');
        if (eq == NULL) {
            continue; /* not a key line: ignore */
        }
        if (slot == RSP_SLOTS) {
            if (!r->warned_full) {
                TEST_FAIL("%s: record with more than %d keys", r->path, RSP_SLOTS);
                r->warned_full = 1;
            }
            continue;
        }
        *eq = '\0';
        if (rec->count == 0) {
            memcpy(rec->section, r->section, sizeof rec->section);
        }
        rec->keys[rec->count] = trim(s);
        rec->values[rec->count] = trim(eq + 1);
        rec->count++;
    }
    return rec->count > 0 ? 1 : 0;
}

const char *test_rsp_get(const test_rsp_record *rec, const char *key)
{
    for (size_t i = 0; i < rec->count; i++) {
        if (strcmp(rec->keys[i], key) == 0) {
            return rec->values[i];
        }
    }
    return NULL;
}

void test_rsp_close(test_rsp *r)
{
    if (r == NULL) {
        return;
    }
    if (r->f != NULL) {
        fclose(r->f);
    }
    for (size_t i = 0; i <= RSP_SLOTS; i++) {
        free(r->line[i]);
    }
    free(r->path);
    free(r);
}
