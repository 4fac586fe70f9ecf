/* `qstp server --config FILE` (docs/CLI.md "Configuration file"): `key = value` lines in
 * `[service NAME]` sections, `#` comments; keys are the long option names without dashes. Each
 * section is one server in the process. Errors name the file and line and, for a misspelt key,
 * the nearest known one. */
#include "cli.h"
#include "server_conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const KEYS[CLI_SO_COUNT] = {
    [CLI_SO_DIR] = "dir",         [CLI_SO_ROOT] = "root",       [CLI_SO_LISTEN] = "listen",
    [CLI_SO_FORWARD] = "forward", [CLI_SO_ECHO] = "echo",       [CLI_SO_STDIO] = "stdio",
    [CLI_SO_MAXT] = "max-tunnels", [CLI_SO_IDLE] = "idle-timeout", [CLI_SO_THREADS] = "threads",
    [CLI_SO_MAXQ] = "max-queued", [CLI_SO_LOGFMT] = "log-format", [CLI_SO_QUIET] = "quiet",
    [CLI_SO_VERBOSE] = "verbose",
};

static int is_flag(int k)
{
    return k == CLI_SO_ECHO || k == CLI_SO_STDIO || k == CLI_SO_QUIET || k == CLI_SO_VERBOSE;
}

/* Edit distance (bounded inputs: keys are short) for "did you mean". */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[40], prev, tmp;
    if (la >= 39 || lb >= 39)
        return 99;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t best = prev + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            tmp = row[j];
            row[j] = best;
            prev = tmp;
        }
    }
    return row[lb];
}

static const char *nearest(const char *k)
{
    const char *all[CLI_SO_COUNT + 2], *best = NULL;
    size_t bd = 3; /* suggest only close matches */
    for (int i = 0; i < CLI_SO_COUNT; i++)
        all[i] = KEYS[i];
    all[CLI_SO_COUNT] = "key";
    all[CLI_SO_COUNT + 1] = "cert";
    for (size_t i = 0; i < CLI_SO_COUNT + 2; i++) {
        size_t d = distance(k, all[i]);
        if (d < bd) {
            bd = d;
            best = all[i];
        }
    }
    return best;
}

static char *trim(char *s)
{
    char *e;
    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

static int ferr(const char *file, int line, const char *msg, const char *a, const char *b)
{
    fprintf(stderr, "qstp: %s:%d: ", file, line);
    fprintf(stderr, msg, a, b);
    fputc('\n', stderr);
    return CLI_USAGE;
}

static int parse(cli_server_conf_file *f, const char *path)
{
    cli_server_conf *c = NULL;
    char *p = f->text;
    int ln = 0;
    while (*p != '\0') {
        char *nl = strchr(p, '\n'), *s, *eq, *key, *val;
        int k;
        if (nl != NULL)
            *nl = '\0';
        ln++;
        s = trim(p);
        p = nl != NULL ? nl + 1 : p + strlen(p);
        if (*s == '\0' || *s == '#')
            continue;
        if (*s == '[') {
            size_t l = strlen(s);
            char *name;
            if (s[l - 1] != ']' || strncmp(s, "[service", 8) != 0 || (s[8] != ' ' && s[8] != '\t'))
                return ferr(path, ln, "'%s' is not a section header; write [service NAME]%s", s,
                            "");
            s[l - 1] = '\0';
            name = trim(s + 8);
            if (*name == '\0' || strlen(name) >= sizeof(c->name) || strpbrk(name, " \t\"") != NULL)
                return ferr(path, ln, "service name '%s' must be one word of at most 63 "
                            "characters%s", name, "");
            for (size_t i = 0; i < f->n; i++)
                if (strcmp(f->svc[i].name, name) == 0)
                    return ferr(path, ln, "service '%s' is defined twice%s", name, "");
            if (f->n >= CLI_SERVER_MAX_SERVICES)
                return ferr(path, ln, "too many services (at most 16)%s%s", "", "");
            c = &f->svc[f->n++];
            strcpy(c->name, name);
            c->file = path;
            c->line0 = ln;
            continue;
        }
        eq = strchr(s, '=');
        if (eq == NULL)
            return ferr(path, ln, "expected 'key = value', not '%s'%s", s, "");
        *eq = '\0';
        key = trim(s);
        val = trim(eq + 1);
        if (c == NULL)
            return ferr(path, ln, "'%s' is outside a section; start with [service NAME]%s", key,
                        "");
        if (*val == '\0')
            return ferr(path, ln, "'%s' has no value%s", key, "");
        if (strcmp(key, "key") == 0 || strcmp(key, "cert") == 0) {
            int isk = key[0] == 'k';
            if ((isk ? c->nkeys : c->ncerts) >= CLI_SERVER_MAX_PAIRS)
                return ferr(path, ln, "too many '%s' lines (at most 8 pairs)%s", key, "");
            if (isk)
                c->keys[c->nkeys++] = val;
            else
                c->certs[c->ncerts++] = val;
            continue;
        }
        for (k = 0; k < CLI_SO_COUNT; k++)
            if (strcmp(key, KEYS[k]) == 0)
                break;
        if (k == CLI_SO_COUNT) {
            const char *near = nearest(key);
            if (near != NULL)
                return ferr(path, ln, "unknown key '%s'; did you mean '%s'?", key, near);
            return ferr(path, ln, "unknown key '%s'; see 'qstp server --help' (long option "
                        "names without dashes)%s", key, "");
        }
        if (c->v[k] != NULL || (is_flag(k) && c->line[k] != 0))
            return ferr(path, ln, "'%s' is given twice in this service%s", key, "");
        c->line[k] = ln;
        if (is_flag(k)) {
            if (strcmp(val, "yes") == 0 || strcmp(val, "true") == 0 || strcmp(val, "1") == 0)
                c->v[k] = "1";
            else if (strcmp(val, "no") != 0 && strcmp(val, "false") != 0 && strcmp(val, "0") != 0)
                return ferr(path, ln, "'%s' wants yes or no, not '%s'", key, val);
        } else {
            c->v[k] = val;
        }
    }
    if (f->n == 0)
        return ferr(path, ln, "no [service NAME] section%s%s", "", "");
    return 0;
}

int cli_server_conf_load(const char *path, cli_server_conf_file **out)
{
    cli_server_conf_file *f;
    FILE *fp = fopen(path, "r");
    long sz;
    int rc;
    *out = NULL;
    if (fp != NULL && cli_is_dir(path)) { /* fopen opens a directory; reading it then fails */
        fclose(fp);
        cli_err("configuration file %s is a directory; pass the file (e.g. /etc/qstp/qstp.conf)",
                path);
        return CLI_FILE;
    }
    if (fp == NULL) {
        cli_err("cannot read configuration file %s: %s; check the path", path,
                errno == ENOENT ? "no such file" : strerror(errno));
        return CLI_FILE;
    }
    f = calloc(1, sizeof(*f));
    if (f == NULL || fseek(fp, 0, SEEK_END) != 0 || (sz = ftell(fp)) < 0 || sz > (1L << 20) ||
        fseek(fp, 0, SEEK_SET) != 0 || (f->text = malloc((size_t)sz + 1)) == NULL ||
        fread(f->text, 1, (size_t)sz, fp) != (size_t)sz) {
        fclose(fp);
        cli_err("cannot read configuration file %s (at most 1 MiB)", path);
        cli_server_conf_free(f);
        return CLI_FILE;
    }
    fclose(fp);
    f->text[sz] = '\0';
    if (memchr(f->text, '\0', (size_t)sz) != NULL) {
        cli_err("configuration file %s is not text", path);
        cli_server_conf_free(f);
        return CLI_FILE;
    }
    if ((rc = parse(f, path)) != 0) {
        cli_server_conf_free(f);
        return rc;
    }
    *out = f;
    return 0;
}

int cli_server_conf_merge(cli_server_conf_file *f, const cli_server_conf *cl)
{
    int mode = cl->v[CLI_SO_ECHO] != NULL || cl->v[CLI_SO_STDIO] != NULL ||
               cl->v[CLI_SO_FORWARD] != NULL;
    if (f->n > 1) {
        for (int k = 0; k < CLI_SO_COUNT; k++)
            if (cl->v[k] != NULL && k != CLI_SO_LOGFMT && k != CLI_SO_QUIET &&
                k != CLI_SO_VERBOSE)
                return cli_usage_error("server", "%s has %zu services: set --%s in the file "
                                       "(command-line options override a single-service file "
                                       "only)", f->svc[0].file, f->n, KEYS[k]);
        if (cl->nkeys > 0 || cl->ncerts > 0)
            return cli_usage_error("server", "%s has %zu services: set key and cert in the file",
                                   f->svc[0].file, f->n);
    }
    for (size_t i = 0; i < f->n; i++) {
        cli_server_conf *c = &f->svc[i];
        if (mode) {
            c->v[CLI_SO_ECHO] = c->v[CLI_SO_STDIO] = c->v[CLI_SO_FORWARD] = NULL;
            c->line[CLI_SO_ECHO] = c->line[CLI_SO_STDIO] = c->line[CLI_SO_FORWARD] = 0;
        }
        for (int k = 0; k < CLI_SO_COUNT; k++)
            if (cl->v[k] != NULL) {
                c->v[k] = cl->v[k];
                c->line[k] = 0;
            }
        if (cl->nkeys > 0 || cl->ncerts > 0) {
            memcpy(c->keys, cl->keys, sizeof(c->keys));
            memcpy(c->certs, cl->certs, sizeof(c->certs));
            c->nkeys = cl->nkeys;
            c->ncerts = cl->ncerts;
        }
    }
    return 0;
}

void cli_server_conf_free(cli_server_conf_file *f)
{
    if (f == NULL)
        return;
    free(f->text);
    free(f);
}
