/* qstp-acvp: run a NIST ACVP prompt (test vector set) through our implementations and print the
 * answers in the shape of the ACVP expectedResults file:
 *     {"vsId", "algorithm", "mode", "revision", "testGroups": [{"tgId", "tests": [{"tcId", ...}]}]}
 *
 * Usage: qstp-acvp PROMPT.json     (the file is a vector set object, or the ACVP array
 *                                   [{"acvpVersion": ...}, {vector set}])
 *        qstp-acvp --list          (the algorithm/mode pairs we have handlers for)
 *
 * Exit codes: 0 success; 2 unknown algorithm/mode, unreadable or malformed prompt (one line on
 * stderr, nothing on stdout); 1 out of memory or write error. Groups a handler skips are left
 * out, with one note per group on stderr (printed only when the run succeeds). */
#include "acvp.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROMPT_MAX_BYTES ((size_t)1 << 30)
#define MSG_MAX 512

enum { EXIT_OK = 0, EXIT_INTERNAL = 1, EXIT_BAD_INPUT = 2 };

/* Notes about skipped groups, printed after a successful run. */
typedef struct {
    char *text;
    size_t len, cap;
} notes;

static void note_add(notes *n, const char *fmt, ...)
{
    char line[MSG_MAX + 64];
    va_list ap;
    int len;

    va_start(ap, fmt);
    len = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (len < 0) {
        return;
    }
    if ((size_t)len > sizeof line - 2) {
        len = (int)(sizeof line - 2);
    }
    line[len++] = '\n';
    if (n->len + (size_t)len + 1 > n->cap) {
        size_t ncap = (n->cap + (size_t)len + 1) * 2;
        char *t = realloc(n->text, ncap);
        if (t == NULL) {
            return;
        }
        n->text = t;
        n->cap = ncap;
    }
    memcpy(n->text + n->len, line, (size_t)len);
    n->len += (size_t)len;
    n->text[n->len] = '\0';
}

/* A message must stay on one line: newlines and other control characters become spaces. */
static void one_line(char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s < 0x20) {
            *s = ' ';
        }
    }
}

static void error_line(const char *path, const char *fmt, ...)
{
    char msg[MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    one_line(msg);
    fprintf(stderr, "qstp-acvp: %s: %s\n", path, msg);
}

static char *read_all(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, used = 0;

    if (f == NULL) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return NULL;
    }
    for (;;) {
        size_t got;
        if (cap - used < 4096) {
            size_t ncap = cap == 0 ? 65536 : cap * 2;
            char *t;
            if (ncap > PROMPT_MAX_BYTES) {
                snprintf(err, errlen, "file larger than %zu bytes", PROMPT_MAX_BYTES);
                free(buf);
                fclose(f);
                return NULL;
            }
            t = realloc(buf, ncap + 1);
            if (t == NULL) {
                snprintf(err, errlen, "out of memory");
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = t;
            cap = ncap;
        }
        got = fread(buf + used, 1, cap - used, f);
        used += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(f)) {
        snprintf(err, errlen, "read error");
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    buf[used] = '\0';
    *len = used;
    return buf;
}

/* The vector set: the object itself, or in an ACVP array the first element with testGroups. */
static const cJSON *find_vector_set(const cJSON *root)
{
    const cJSON *el;

    if (cJSON_IsObject(root)) {
        return root;
    }
    if (!cJSON_IsArray(root)) {
        return NULL;
    }
    cJSON_ArrayForEach(el, root)
    {
        if (cJSON_IsObject(el) && cJSON_GetObjectItemCaseSensitive(el, "testGroups") != NULL) {
            return el;
        }
    }
    return NULL;
}

static int is_id(const cJSON *it)
{
    return cJSON_IsNumber(it) || (cJSON_IsString(it) && it->valuestring[0] != '\0');
}

/* tgId/tcId for messages */
static const char *id_text(const cJSON *it, char *buf, size_t len)
{
    if (cJSON_IsNumber(it)) {
        snprintf(buf, len, "%.0f", it->valuedouble);
    } else if (cJSON_IsString(it)) {
        snprintf(buf, len, "%s", it->valuestring);
    } else {
        snprintf(buf, len, "?");
    }
    return buf;
}

/* Copy an optional top-level field into out (same JSON type). 0, or -1 on out of memory. */
static int copy_field(cJSON *out, const cJSON *vs, const char *name)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(vs, name);
    cJSON *dup;

    if (it == NULL) {
        return 0;
    }
    dup = cJSON_Duplicate(it, 1);
    if (dup == NULL || !cJSON_AddItemToObject(out, name, dup)) {
        cJSON_Delete(dup);
        return -1;
    }
    return 0;
}

typedef struct {
    const char *path;
    char msg[MSG_MAX];
    int code; /* exit code on failure */
} run_error;

static int fail(run_error *e, int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->code = code;
    return -1;
}

/* Run one group; appends its result to groups_out unless skipped. */
static int run_group(const acvp_handler *h, const cJSON *group, size_t gi, cJSON *groups_out,
                     notes *nt, run_error *e)
{
    const cJSON *tgid = cJSON_IsObject(group) ? cJSON_GetObjectItemCaseSensitive(group, "tgId") : NULL;
    const cJSON *tests, *test;
    cJSON *gout, *tests_out;
    char why[MSG_MAX] = "", gbuf[32];
    acvp_status st;

    if (!cJSON_IsObject(group)) {
        return fail(e, EXIT_BAD_INPUT, "testGroups[%zu] is not an object", gi);
    }
    if (!is_id(tgid)) {
        return fail(e, EXIT_BAD_INPUT, "testGroups[%zu] has no tgId", gi);
    }
    id_text(tgid, gbuf, sizeof gbuf);
    tests = cJSON_GetObjectItemCaseSensitive(group, "tests");
    if (!cJSON_IsArray(tests)) {
        return fail(e, EXIT_BAD_INPUT, "tgId %s: \"tests\" is missing or not an array", gbuf);
    }
    st = h->group_check != NULL ? h->group_check(group, why, sizeof why) : ACVP_OK;
    if (st == ACVP_SKIP_GROUP) {
        one_line(why);
        note_add(nt, "qstp-acvp: %s: tgId %s skipped: %s", e->path, gbuf, why[0] ? why : "unsupported");
        return 0;
    }
    if (st != ACVP_OK) {
        return fail(e, EXIT_BAD_INPUT, "tgId %s: %s", gbuf, why[0] ? why : "malformed group");
    }
    gout = cJSON_CreateObject();
    tests_out = cJSON_CreateArray();
    if (gout == NULL || tests_out == NULL || copy_field(gout, group, "tgId") != 0 ||
        !cJSON_AddItemToObject(gout, "tests", tests_out)) {
        cJSON_Delete(gout);
        cJSON_Delete(tests_out);
        return fail(e, EXIT_INTERNAL, "out of memory");
    }
    if (!cJSON_AddItemToArray(groups_out, gout)) {
        cJSON_Delete(gout);
        return fail(e, EXIT_INTERNAL, "out of memory");
    }
    cJSON_ArrayForEach(test, tests)
    {
        const cJSON *tcid = cJSON_IsObject(test) ? cJSON_GetObjectItemCaseSensitive(test, "tcId") : NULL;
        char err[MSG_MAX] = "", tbuf[32];
        cJSON *tout;

        if (!is_id(tcid)) {
            return fail(e, EXIT_BAD_INPUT, "tgId %s: a test has no tcId", gbuf);
        }
        id_text(tcid, tbuf, sizeof tbuf);
        tout = cJSON_CreateObject();
        if (tout == NULL || copy_field(tout, test, "tcId") != 0) {
            cJSON_Delete(tout);
            return fail(e, EXIT_INTERNAL, "out of memory");
        }
        st = h->run_test(group, test, tout, err, sizeof err);
        if (st == ACVP_SKIP_GROUP) {
            one_line(err);
            note_add(nt, "qstp-acvp: %s: tgId %s tcId %s skipped: %s", e->path, gbuf, tbuf,
                     err[0] ? err : "unsupported");
            cJSON_Delete(tout);
            continue;
        }
        if (st != ACVP_OK) {
            cJSON_Delete(tout);
            return fail(e, EXIT_BAD_INPUT, "tgId %s tcId %s: %s", gbuf, tbuf, err[0] ? err : "failed");
        }
        if (!cJSON_AddItemToArray(tests_out, tout)) {
            cJSON_Delete(tout);
            return fail(e, EXIT_INTERNAL, "out of memory");
        }
    }
    return 0;
}

/* Build the expectedResults-shaped answer for the vector set vs. */
static cJSON *run_vector_set(const cJSON *vs, notes *nt, run_error *e)
{
    const char *algorithm = acvp_str(vs, "algorithm");
    const cJSON *mode_item = cJSON_GetObjectItemCaseSensitive(vs, "mode");
    const char *mode = acvp_str(vs, "mode");
    const cJSON *groups = cJSON_GetObjectItemCaseSensitive(vs, "testGroups");
    const acvp_handler *h;
    const cJSON *group;
    cJSON *out, *groups_out;
    size_t gi = 0;

    if (algorithm == NULL) {
        fail(e, EXIT_BAD_INPUT, "no \"algorithm\" string");
        return NULL;
    }
    if (mode_item != NULL && mode == NULL) {
        fail(e, EXIT_BAD_INPUT, "\"mode\" is not a string");
        return NULL;
    }
    if (!cJSON_IsArray(groups)) {
        fail(e, EXIT_BAD_INPUT, "\"testGroups\" is missing or not an array");
        return NULL;
    }
    h = acvp_find(algorithm, mode);
    if (h == NULL) {
        fail(e, EXIT_BAD_INPUT, "no handler for algorithm \"%s\" mode \"%s\" (see qstp-acvp --list)",
             algorithm, mode != NULL ? mode : "");
        return NULL;
    }
    out = cJSON_CreateObject();
    groups_out = cJSON_CreateArray();
    if (out == NULL || groups_out == NULL || copy_field(out, vs, "vsId") != 0 ||
        copy_field(out, vs, "algorithm") != 0 || copy_field(out, vs, "mode") != 0 ||
        copy_field(out, vs, "revision") != 0 || copy_field(out, vs, "isSample") != 0 ||
        !cJSON_AddItemToObject(out, "testGroups", groups_out)) {
        cJSON_Delete(out);
        cJSON_Delete(groups_out);
        fail(e, EXIT_INTERNAL, "out of memory");
        return NULL;
    }
    cJSON_ArrayForEach(group, groups)
    {
        if (run_group(h, group, gi++, groups_out, nt, e) != 0) {
            cJSON_Delete(out);
            return NULL;
        }
    }
    return out;
}

static void list_handlers(void)
{
    for (size_t f = 0; acvp_families[f] != NULL; f++) {
        for (size_t h = 0; acvp_families[f][h] != NULL; h++) {
            const acvp_handler *x = acvp_families[f][h];
            printf("%s %s\n", x->algorithm, x->mode != NULL ? x->mode : "-");
        }
    }
}

int main(int argc, char **argv)
{
    run_error e = {NULL, "", EXIT_BAD_INPUT};
    notes nt = {NULL, 0, 0};
    char *text, *printed;
    size_t len = 0;
    cJSON *root, *out;
    const cJSON *vs;
    int rc = EXIT_OK;

    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        list_handlers();
        return EXIT_OK;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: qstp-acvp PROMPT.json | --list\n");
        return EXIT_BAD_INPUT;
    }
    e.path = argv[1];
    text = read_all(e.path, &len, e.msg, sizeof e.msg);
    if (text == NULL) {
        error_line(e.path, "%s", e.msg);
        return EXIT_BAD_INPUT;
    }
    if (len == 0) {
        error_line(e.path, "empty file");
        free(text);
        return EXIT_BAD_INPUT;
    }
    root = cJSON_ParseWithLength(text, len);
    if (root == NULL) {
        const char *at = cJSON_GetErrorPtr();
        long off = at != NULL && at >= text && at <= text + len ? (long)(at - text) : -1;
        error_line(e.path, "malformed JSON (near byte %ld)", off);
        free(text);
        return EXIT_BAD_INPUT;
    }
    free(text);
    vs = find_vector_set(root);
    if (vs == NULL) {
        error_line(e.path, "no test vector set (expected an object with \"testGroups\")");
        cJSON_Delete(root);
        return EXIT_BAD_INPUT;
    }
    out = run_vector_set(vs, &nt, &e);
    cJSON_Delete(root);
    if (out == NULL) {
        error_line(e.path, "%s", e.msg);
        free(nt.text);
        return e.code;
    }
    printed = cJSON_Print(out);
    cJSON_Delete(out);
    if (printed == NULL) {
        error_line(e.path, "out of memory printing the result");
        free(nt.text);
        return EXIT_INTERNAL;
    }
    if (fputs(printed, stdout) == EOF || fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
        error_line(e.path, "write error on stdout");
        rc = EXIT_INTERNAL;
    }
    free(printed);
    if (nt.text != NULL) {
        fputs(nt.text, stderr);
        free(nt.text);
    }
    return rc;
}
