/* acvp_check RESULT.json EXPECTED.json MIN_COUNT
 *
 * Compares qstp-acvp output with an ACVP expectedResults (or internalProjection) file: every test
 * case in RESULT must exist in EXPECTED under the same tgId/tcId, and every field of the result
 * case (other than tcId) must be present in the expected case (or, failing that, its group) with
 * an equal value: hex strings compare case-insensitively, other strings exactly, booleans and
 * numbers by value. A result case with no fields is a failure (it would prove nothing). Fewer
 * than MIN_COUNT matched cases is a failure, so skipped groups cannot hide a regression.
 * Last line on stdout: "acvp: N passed, M failed". Exit 0 iff M = 0 and N >= MIN_COUNT. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#define MAX_REPORTED 20 /* detailed failure lines printed before going quiet */

static unsigned long g_passed, g_failed, g_reported;

/* Print one failure detail (the first MAX_REPORTED only); counting is the caller's job. */
static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report(const char *fmt, ...)
{
    va_list ap;

    if (++g_reported > MAX_REPORTED) {
        if (g_reported == MAX_REPORTED + 1) {
            fprintf(stderr, "acvp: (further failures not shown)\n");
        }
        return;
    }
    fprintf(stderr, "acvp: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static cJSON *load(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, used = 0, got;
    cJSON *j;

    if (f == NULL) {
        fprintf(stderr, "acvp: cannot open %s\n", path);
        return NULL;
    }
    do {
        if (cap - used < 65536) {
            char *t = realloc(buf, cap * 2 + 65536);
            if (t == NULL) {
                free(buf);
                fclose(f);
                fprintf(stderr, "acvp: out of memory reading %s\n", path);
                return NULL;
            }
            buf = t;
            cap = cap * 2 + 65536;
        }
        got = fread(buf + used, 1, cap - used, f);
        used += got;
    } while (got != 0);
    fclose(f);
    j = cJSON_ParseWithLength(buf, used);
    free(buf);
    if (j == NULL) {
        fprintf(stderr, "acvp: %s is not valid JSON\n", path);
    }
    return j;
}

/* The vector set: an object, or the element of an ACVP array that has testGroups. */
static const cJSON *vector_set(const cJSON *root)
{
    const cJSON *el;

    if (cJSON_IsObject(root)) {
        return root;
    }
    cJSON_ArrayForEach(el, root)
    {
        if (cJSON_GetObjectItemCaseSensitive(el, "testGroups") != NULL) {
            return el;
        }
    }
    return NULL;
}

/* Ids are numbers in ACVP, but compare "5" and 5 as equal to be lenient about writers. */
static int same_id(const cJSON *a, const cJSON *b)
{
    char x[64], y[64];

    if (a == NULL || b == NULL) {
        return 0;
    }
    if (cJSON_IsNumber(a)) {
        snprintf(x, sizeof x, "%.0f", a->valuedouble);
    } else if (cJSON_IsString(a)) {
        snprintf(x, sizeof x, "%s", a->valuestring);
    } else {
        return 0;
    }
    if (cJSON_IsNumber(b)) {
        snprintf(y, sizeof y, "%.0f", b->valuedouble);
    } else if (cJSON_IsString(b)) {
        snprintf(y, sizeof y, "%s", b->valuestring);
    } else {
        return 0;
    }
    return strcmp(x, y) == 0;
}

static const cJSON *find_by_id(const cJSON *array, const char *key, const cJSON *id)
{
    const cJSON *el;

    cJSON_ArrayForEach(el, array)
    {
        if (same_id(cJSON_GetObjectItemCaseSensitive(el, key), id)) {
            return el;
        }
    }
    return NULL;
}

static int is_hex(const char *s)
{
    for (; *s != '\0'; s++) {
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F'))) {
            return 0;
        }
    }
    return 1;
}

static int same_value(const cJSON *got, const cJSON *want)
{
    if (cJSON_IsString(got) && cJSON_IsString(want)) {
        if (is_hex(got->valuestring) && is_hex(want->valuestring)) {
            return strcasecmp(got->valuestring, want->valuestring) == 0;
        }
        return strcmp(got->valuestring, want->valuestring) == 0;
    }
    if (cJSON_IsBool(got) && cJSON_IsBool(want)) {
        return cJSON_IsTrue(got) == cJSON_IsTrue(want);
    }
    if (cJSON_IsNumber(got) && cJSON_IsNumber(want)) {
        return got->valuedouble == want->valuedouble;
    }
    return cJSON_Compare(got, want, 1);
}

/* Short printable form of a value for a failure message. */
static const char *show(const cJSON *v, char *buf, size_t len)
{
    char *s = cJSON_PrintUnformatted(v);

    if (s == NULL) {
        snprintf(buf, len, "?");
    } else {
        if (strlen(s) > 40) {
            snprintf(buf, len, "%.32s...(%zu chars)", s, strlen(s));
        } else {
            snprintf(buf, len, "%s", s);
        }
        free(s);
    }
    return buf;
}

static void check_case(const cJSON *rtest, const cJSON *egroup, const cJSON *etest, const char *where)
{
    const cJSON *field;
    int fields = 0, ok = 1;
    char ga[96], wa[96];

    cJSON_ArrayForEach(field, rtest)
    {
        const cJSON *want;
        if (field->string == NULL || strcmp(field->string, "tcId") == 0) {
            continue;
        }
        fields++;
        want = cJSON_GetObjectItemCaseSensitive(etest, field->string);
        if (want == NULL) {
            want = cJSON_GetObjectItemCaseSensitive(egroup, field->string);
        }
        if (want == NULL) {
            report("%s: field \"%s\" has no expected value", where, field->string);
            ok = 0;
        } else if (!same_value(field, want)) {
            report("%s: field \"%s\": got %s, want %s", where, field->string,
                   show(field, ga, sizeof ga), show(want, wa, sizeof wa));
            ok = 0;
        }
    }
    if (fields == 0) {
        report("%s: no result fields", where);
        ok = 0;
    }
    if (ok) {
        g_passed++;
    } else {
        g_failed++;
    }
}

static void compare(const cJSON *res, const cJSON *exp)
{
    const cJSON *rgroups = cJSON_GetObjectItemCaseSensitive(res, "testGroups");
    const cJSON *egroups = cJSON_GetObjectItemCaseSensitive(exp, "testGroups");
    const char *fields[] = {"algorithm", "mode", "revision"};
    const cJSON *rg;

    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(res, fields[i]);
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(exp, fields[i]);
        if (a != NULL && b != NULL && !cJSON_Compare(a, b, 1)) {
            report("%s differs between result and expected", fields[i]);
            g_failed++;
        }
    }
    if (!cJSON_IsArray(rgroups) || !cJSON_IsArray(egroups)) {
        report("testGroups missing in %s", cJSON_IsArray(rgroups) ? "expected" : "result");
        g_failed++;
        return;
    }
    cJSON_ArrayForEach(rg, rgroups)
    {
        const cJSON *tgid = cJSON_GetObjectItemCaseSensitive(rg, "tgId");
        const cJSON *eg = find_by_id(egroups, "tgId", tgid);
        const cJSON *rtests = cJSON_GetObjectItemCaseSensitive(rg, "tests");
        const cJSON *rt;
        char gid[64];

        snprintf(gid, sizeof gid, "%.0f", cJSON_IsNumber(tgid) ? tgid->valuedouble : -1.0);
        if (cJSON_IsString(tgid)) {
            snprintf(gid, sizeof gid, "%s", tgid->valuestring);
        }
        if (!cJSON_IsArray(rtests)) {
            report("tgId %s: result group has no tests array", gid);
            g_failed++;
            continue;
        }
        cJSON_ArrayForEach(rt, rtests)
        {
            const cJSON *tcid = cJSON_GetObjectItemCaseSensitive(rt, "tcId");
            const cJSON *et = eg != NULL ? find_by_id(cJSON_GetObjectItemCaseSensitive(eg, "tests"), "tcId", tcid) : NULL;
            char where[160], cid[64];

            snprintf(cid, sizeof cid, "%.0f", cJSON_IsNumber(tcid) ? tcid->valuedouble : -1.0);
            if (cJSON_IsString(tcid)) {
                snprintf(cid, sizeof cid, "%s", tcid->valuestring);
            }
            snprintf(where, sizeof where, "tgId %s tcId %s", gid, cid);
            if (et == NULL) {
                report("%s: no expected case with this tgId/tcId", where);
                g_failed++;
                continue;
            }
            check_case(rt, eg, et, where);
        }
    }
}

int main(int argc, char **argv)
{
    cJSON *rroot, *eroot;
    const cJSON *res, *exp;
    char *end;
    long min;

    if (argc != 4) {
        fprintf(stderr, "usage: acvp_check RESULT.json EXPECTED.json MIN_COUNT\n");
        printf("acvp: 0 passed, 1 failed\n");
        return 1;
    }
    min = strtol(argv[3], &end, 10);
    if (*argv[3] == '\0' || *end != '\0' || min < 0) {
        fprintf(stderr, "acvp: bad MIN_COUNT %s\n", argv[3]);
        printf("acvp: 0 passed, 1 failed\n");
        return 1;
    }
    rroot = load(argv[1]);
    eroot = load(argv[2]);
    res = rroot != NULL ? vector_set(rroot) : NULL;
    exp = eroot != NULL ? vector_set(eroot) : NULL;
    if (res == NULL || exp == NULL) {
        if (rroot != NULL && eroot != NULL) {
            fprintf(stderr, "acvp: no vector set in %s\n", res == NULL ? argv[1] : argv[2]);
        }
        g_failed++;
    } else {
        compare(res, exp);
    }
    if (g_passed < (unsigned long)min) {
        fprintf(stderr, "acvp: only %lu cases matched, at least %ld required\n", g_passed, min);
        g_failed++;
    }
    cJSON_Delete(rroot);
    cJSON_Delete(eroot);
    printf("acvp: %lu passed, %lu failed\n", g_passed, g_failed);
    return g_failed == 0 ? 0 : 1;
}
