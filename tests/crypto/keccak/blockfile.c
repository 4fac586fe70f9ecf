#include "blockfile.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

int block_open(block_file *f, const char *path)
{
    size_t len = 0;
    f->text = path ? test_read_file(path, &len) : NULL;
    f->cursor = f->text;
    f->pending = NULL;
    return f->text != NULL;
}

void block_close(block_file *f)
{
    free(f->text);
    f->text = f->cursor = NULL;
}

/* Next line, NUL-terminated in place (CR removed); NULL at the end. */
static char *next_line(block_file *f)
{
    if (f->pending) {
        char *p = f->pending;
        f->pending = NULL;
        return p;
    }
    char *s = f->cursor;
    if (s == NULL || *s == '\0')
        return NULL;
    char *e = strchr(s, '\n');
    if (e) {
        *e = '\0';
        f->cursor = e + 1;
    } else {
        f->cursor = s + strlen(s);
    }
    size_t n = strlen(s);
    if (n > 0 && s[n - 1] == '\r')
        s[n - 1] = '\0';
    return s;
}

/* Keep hex digits only, stopping at a '(' annotation. */
static void squeeze_hex(char *s)
{
    char *w = s;
    for (char *r = s; *r && *r != '('; r++)
        if (isxdigit((unsigned char)*r))
            *w++ = *r;
    *w = '\0';
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

int block_next(block_file *f, block_rec *r)
{
    char *line;
    memset(r, 0, sizeof(*r));
    int in_record = 0;
    while ((line = next_line(f)) != NULL) {
        if (line[0] == '#')
            continue;
        if (line[0] == '[') {
            if (in_record) {
                f->pending = line; /* the next record starts here */
                return 1;
            }
            in_record = 1;
            snprintf(r->title, sizeof(r->title), "%s", line);
            continue;
        }
        if (!in_record)
            continue;
        if (line[0] == ' ' || line[0] == '\t') {
            /* continuation of the previous value: the hex is appended by joining */
            if (r->count == 0)
                continue;
            char *v = r->value[r->count - 1];
            char *add = trim(line);
            squeeze_hex(add);
            /* the continuation lies after v in the buffer, so moving it down is safe */
            memmove(v + strlen(v), add, strlen(add) + 1);
            continue;
        }
        /* The separator is " = " (keys may contain '=', e.g. "cshake256_64(name='N',...)"),
         * or a final " =" for an empty value. */
        char *eq = strstr(line, " = ");
        size_t ll = strlen(line);
        char *v;
        if (eq != NULL) {
            v = eq + 3;
        } else if (ll >= 2 && strcmp(line + ll - 2, " =") == 0) {
            eq = line + ll - 2;
            v = line + ll;
        } else {
            continue;
        }
        if (r->count == BLOCK_MAX_FIELDS)
            continue;
        *eq = '\0';
        char *k = trim(line);
        v = trim(v);
        if (strncmp(v, "(empty)", 7) == 0)
            v[0] = '\0';
        else if (strcmp(k, "Algorithm") != 0 && strcmp(k, "msg_desc") != 0)
            squeeze_hex(v);
        r->key[r->count] = k;
        r->value[r->count] = v;
        r->count++;
    }
    return in_record;
}

const char *block_get(const block_rec *r, const char *key)
{
    for (size_t i = 0; i < r->count; i++)
        if (strcmp(r->key[i], key) == 0)
            return r->value[i];
    return NULL;
}

int block_next_labelled(block_file *f, char **label, char **hex)
{
    char *line;
    while ((line = next_line(f)) != NULL) {
        size_t n = strlen(line);
        if (n == 0 || line[n - 1] != ':')
            continue;
        char *data = next_line(f);
        if (data == NULL)
            return 0;
        line[n - 1] = '\0';
        *label = line;
        squeeze_hex(data);
        *hex = data;
        return 1;
    }
    return 0;
}
