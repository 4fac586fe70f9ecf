/* `--log-format json` (docs/CLI.md "Logging"): one JSON object per line on stderr for machines,
 * {"time","level","source","event","peer","tunnel","suite","serial","reason","msg"}. Text stays
 * the default (msg.c cli_log). The server library's lines are free text ("tunnel P closed: R"),
 * so json_from_line() recognises the few shapes it writes and lifts peer/reason/suite out; any
 * other line becomes event "log" with the text in "msg". */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int g_json;

void cli_log_set_json(int on)
{
    g_json = on;
}

int cli_log_is_json(void)
{
    return g_json;
}

/* Appends s as a JSON string (quotes included) to out[*n..cap); truncates safely. */
static void put_str(char *out, size_t cap, size_t *n, const char *s, size_t len)
{
    static const char hx[] = "0123456789abcdef";
    if (*n + 2 >= cap)
        return;
    out[(*n)++] = '"';
    for (size_t i = 0; i < len && *n + 8 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            out[(*n)++] = '\\';
            out[(*n)++] = (char)c;
        } else if (c < 0x20 || c == 0x7f) {
            memcpy(out + *n, "\\u00", 4);
            *n += 4;
            out[(*n)++] = hx[c >> 4];
            out[(*n)++] = hx[c & 15];
        } else {
            out[(*n)++] = (char)c;
        }
    }
    out[(*n)++] = '"';
}

static void put_raw(char *out, size_t cap, size_t *n, const char *s)
{
    size_t l = strlen(s);
    if (*n + l + 2 < cap) {
        memcpy(out + *n, s, l);
        *n += l;
    }
}

void cli_log_json(const char *who, const char *level, const char *event, const char *const *kv,
                  size_t nkv, const char *msg)
{
    char line[2048], stamp[32];
    size_t n = 0;
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
    put_raw(line, sizeof(line), &n, "{\"time\":");
    put_str(line, sizeof(line), &n, stamp, strlen(stamp));
    put_raw(line, sizeof(line), &n, ",\"level\":");
    put_str(line, sizeof(line), &n, level, strlen(level));
    put_raw(line, sizeof(line), &n, ",\"source\":");
    put_str(line, sizeof(line), &n, who, strlen(who));
    put_raw(line, sizeof(line), &n, ",\"event\":");
    put_str(line, sizeof(line), &n, event, strlen(event));
    for (size_t i = 0; i + 1 < nkv; i += 2) {
        if (kv[i + 1] == NULL)
            continue;
        put_raw(line, sizeof(line), &n, ",");
        put_str(line, sizeof(line), &n, kv[i], strlen(kv[i]));
        put_raw(line, sizeof(line), &n, ":");
        put_str(line, sizeof(line), &n, kv[i + 1], strlen(kv[i + 1]));
    }
    if (msg != NULL) {
        put_raw(line, sizeof(line), &n, ",\"msg\":");
        put_str(line, sizeof(line), &n, msg, strlen(msg));
    }
    line[n] = '\0';
    /* one write per line so lines from several threads do not interleave */
    fprintf(stderr, "%s}\n", line);
}

/* Copies the token of line starting at p up to any char of stop into out. */
static const char *token(const char *p, const char *stop, char *out, size_t cap)
{
    size_t l = strcspn(p, stop);
    if (l >= cap)
        l = cap - 1;
    memcpy(out, p, l);
    out[l] = '\0';
    return p + strcspn(p, stop);
}

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A peer ("127.0.0.1:40000", "[::1]:40000") ends at a space; a ':' right before that space ends
 * the sentence's subject ("tunnel P: cannot ..."), not the peer. Returns 1 if it was there. */
static int peer_token(const char *p, char *out, size_t cap, const char **end)
{
    size_t l;
    *end = token(p, " ", out, cap);
    l = strlen(out);
    if (l > 0 && out[l - 1] == ':') {
        out[l - 1] = '\0';
        return 1;
    }
    return 0;
}

void cli_log_json_line(const char *who, const char *level, const char *line)
{
    char peer[128] = "", extra[256] = "";
    const char *event = "log", *xkey = "reason", *p;
    const char *kv[4];
    if (starts(line, "tunnel ")) {
        if (peer_token(line + 7, peer, sizeof(peer), &p)) {
            event = "error";
            (void)token(p + (*p == ' '), "", extra, sizeof(extra));
        } else if (starts(p, " established (")) {
            event = "established";
            xkey = "suite";
            (void)token(p + 14, ")", extra, sizeof(extra));
        } else if (starts(p, " closed: ")) {
            event = "closed";
            (void)token(p + 9, "", extra, sizeof(extra));
        } else if (starts(p, " failed: ")) {
            event = "failed";
            (void)token(p + 9, "", extra, sizeof(extra));
        } else if (starts(p, " forwarded to ")) {
            event = "forwarded";
        } else if (starts(p, " idle too long")) {
            event = "idle_timeout";
        } else if (starts(p, " dropped")) {
            event = "dropped";
        }
    } else if (starts(line, "refused ")) {
        event = "refused";
        if (peer_token(line + 8, peer, sizeof(peer), &p))
            (void)token(p + (*p == ' '), "", extra, sizeof(extra));
    } else if (starts(line, "handshake with ")) {
        event = "handshake_failed";
        p = token(line + 15, " ", peer, sizeof(peer));
        if (starts(p, " failed: "))
            (void)token(p + 9, "", extra, sizeof(extra));
    } else if (starts(line, "listening on ")) {
        event = "listening";
    } else if (starts(line, "ready on ")) {
        event = "ready";
    } else if (starts(line, "stopped")) {
        event = "stopped";
    } else if (starts(line, "shutting down")) {
        event = "shutdown";
    } else if (starts(line, "SIGHUP")) {
        event = "reload";
    } else if (starts(line, "reloaded") || starts(line, "keys reloaded")) {
        event = "reloaded";
    } else if (strstr(line, "revocation") != NULL || strstr(line, "revoked") != NULL) {
        event = "revocation";
    }
    kv[0] = "peer";
    kv[1] = peer[0] != '\0' ? peer : NULL;
    kv[2] = xkey;
    kv[3] = extra[0] != '\0' ? extra : NULL;
    cli_log_json(who, level, event, kv, 4, line);
}
