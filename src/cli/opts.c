/* Command-line parsing: a small table-driven parser ("--name VALUE", "--name=VALUE", short
 * aliases, positional arguments) plus the value parsers every command shares. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const cli_opt *find_opt(const cli_opt *opts, size_t n, const char *arg, size_t len)
{
    for (size_t i = 0; i < n; i++) {
        if (strlen(opts[i].name) == len && strncmp(opts[i].name, arg, len) == 0)
            return &opts[i];
        if (opts[i].alias != NULL && strlen(opts[i].alias) == len &&
            strncmp(opts[i].alias, arg, len) == 0)
            return &opts[i];
    }
    return NULL;
}

int cli_parse(const char *cmd, int argc, char **argv, const cli_opt *opts, size_t nopts,
              const char **pos, size_t maxpos, size_t *npos)
{
    int only_pos = 0;
    *npos = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!only_pos && strcmp(a, "--") == 0) {
            only_pos = 1;
            continue;
        }
        if (!only_pos && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0))
            return CLI_PARSE_HELP;
        if (!only_pos && a[0] == '-' && a[1] != '\0') {
            const char *eq = strchr(a, '=');
            size_t len = eq != NULL && a[1] == '-' ? (size_t)(eq - a) : strlen(a);
            const cli_opt *o = find_opt(opts, nopts, a, len);
            if (o == NULL)
                return cli_usage_error(cmd, "unknown option %.*s", (int)len, a);
            if (o->takes_value) {
                const char *v;
                if (eq != NULL && a[1] == '-') {
                    v = eq + 1;
                } else {
                    if (i + 1 >= argc)
                        return cli_usage_error(cmd, "option %s needs a value", o->name);
                    v = argv[++i];
                }
                *o->value = v;
            } else {
                if (eq != NULL && a[1] == '-')
                    return cli_usage_error(cmd, "option %s takes no value", o->name);
                *o->flag = 1;
            }
            continue;
        }
        if (*npos >= maxpos)
            return cli_usage_error(cmd, "unexpected argument '%s'", a);
        pos[(*npos)++] = a;
    }
    return 0;
}

int cli_parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
    char *end = NULL;
    unsigned long v;
    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int parse_port(const char *s, uint16_t *port)
{
    uint32_t v;
    if (cli_parse_u32(s, 1, 65535, &v) != 0)
        return -1;
    *port = (uint16_t)v;
    return 0;
}

int cli_parse_hostport(const char *s, char *host, size_t hostcap, uint16_t *port,
                       int allow_bare_port, const char *def_host)
{
    const char *colon, *h;
    size_t hlen;
    if (s == NULL || *s == '\0')
        return -1;
    if (s[0] == '[') { /* [v6]:port */
        const char *close = strchr(s, ']');
        if (close == NULL || close[1] != ':')
            return -1;
        h = s + 1;
        hlen = (size_t)(close - h);
        colon = close + 1;
    } else {
        colon = strrchr(s, ':');
        if (colon == NULL) {
            if (!allow_bare_port || parse_port(s, port) != 0)
                return -1;
            if (strlen(def_host) + 1 > hostcap)
                return -1;
            strcpy(host, def_host);
            return 0;
        }
        if (strchr(s, ':') != colon) /* a bare IPv6 address needs brackets */
            return -1;
        h = s;
        hlen = (size_t)(colon - s);
    }
    if (parse_port(colon + 1, port) != 0)
        return -1;
    if (hlen == 0) {
        if (!allow_bare_port)
            return -1;
        h = def_host;
        hlen = strlen(def_host);
    }
    if (hlen + 1 > hostcap)
        return -1;
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int cli_parse_hex(const char *s, uint8_t *out, size_t n)
{
    if (s == NULL || strlen(s) != 2 * n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

int cli_join(char *out, size_t cap, const char *dir, const char *name)
{
    int n = snprintf(out, cap, "%s/%s", dir, name);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

int cli_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int cli_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

int cli_make_dir(const char *dir, unsigned mode)
{
    if (cli_is_dir(dir))
        return 0;
    if (cli_exists(dir)) {
        cli_err("%s exists and is not a directory; choose another --out (a directory, created if "
                "missing)", dir);
        return CLI_FILE;
    }
    if (mkdir(dir, (mode_t)mode) != 0) {
        cli_err("cannot create directory %s: %s; check the path and permissions", dir,
                strerror(errno));
        return CLI_FILE;
    }
    return 0;
}

uint64_t cli_now(void)
{
    return (uint64_t)time(NULL);
}

int cli_trust_paths(const char *cmd, const char *dir, const char *root_s, const char *cert_s,
                    char rp[CLI_PATH_MAX], char cp[CLI_PATH_MAX], const char **rootpath,
                    const char **certpath)
{
    if (dir == NULL && (root_s == NULL || cert_s == NULL))
        return cli_usage_error(cmd, "give --dir DIR, or both --root FILE and --cert FILE (the "
                                    "client needs the server's certificate)");
    if (dir != NULL && !cli_is_dir(dir)) {
        cli_err("directory %s does not exist; pass the directory holding %s and %s", dir,
                CLI_ROOT_CERT_FILE, CLI_SERVER_CERT_FILE);
        return CLI_FILE;
    }
    if ((root_s == NULL && cli_join(rp, CLI_PATH_MAX, dir, CLI_ROOT_CERT_FILE) != 0) ||
        (cert_s == NULL && cli_join(cp, CLI_PATH_MAX, dir, CLI_SERVER_CERT_FILE) != 0))
        return cli_usage_error(cmd, "--dir path is too long");
    *rootpath = root_s != NULL ? root_s : rp;
    *certpath = cert_s != NULL ? cert_s : cp;
    return 0;
}
