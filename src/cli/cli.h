/* The `qstp` command: shared declarations of the CLI (src/cli). Nothing here is installed; the
 * CLI is a user of the public API (include/qstp) and of src/net/keyfile.h, nothing more.
 *
 * Exit codes (docs/CLI.md "Exit codes"): every command returns one of these. */
#ifndef QSTP_CLI_H
#define QSTP_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "qstp/cert.h"
#include "qstp/errors.h"

#define CLI_OK 0        /* success */
#define CLI_USAGE 1     /* bad command line */
#define CLI_FILE 2      /* a file, key or certificate problem */
#define CLI_NET 3       /* network or handshake failure */

#define CLI_VERSION "0.1.0"
#define CLI_PROTOCOL_VERSION "QSTP 1.4"

/* The reference's file names (QSTP-WIRE §8.7; the reference apps use these names). */
#define CLI_ROOT_KEY_FILE "root_secret_key.qsk"
#define CLI_ROOT_CERT_FILE "root_public_cert.qrr"
#define CLI_SERVER_KEY_FILE "server_secret_key.qsk"
#define CLI_SERVER_CERT_FILE "server_public_cert.qrc"
#define CLI_REVOCATION_FILE "root_revocation.qrl" /* our extension (docs/PROTOCOL.md) */

#define CLI_PATH_MAX 4096
/* Stack of a per-connection thread (forwarder, -L): buffers are on the heap, so 256 KiB is ample
 * and thousands of tunnels do not reserve gigabytes of address space. */
#define CLI_THREAD_STACK (256u * 1024u)

/* ---------------- messages (msg.c) ---------------- */
/* "qstp: <message>\n" on stderr. Every error is one sentence naming the file, field or peer and
 * what to do. */
void cli_err(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* Information line on stderr with the command's prefix ("qstp server: ..."), time stamped. */
void cli_log(const char *who, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Log format (logfmt.c): text (default) or one JSON object per line (--log-format json). In
 * JSON mode cli_log() writes {"time","level","source","event",...,"msg"} instead. */
void cli_log_set_json(int on);
int cli_log_is_json(void);
/* One JSON log line; kv holds nkv/2 key, value string pairs (a NULL value is left out). */
void cli_log_json(const char *who, const char *level, const char *event, const char *const *kv,
                  size_t nkv, const char *msg);
/* A free-text line (the server library's, or ours) as JSON: known shapes give event, peer,
 * reason/suite; others are event "log". */
void cli_log_json_line(const char *who, const char *level, const char *line);
/* Usage error for command `cmd` (e.g. "server"): prints the sentence and a pointer to --help. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Explains a certificate verification failure (cert.h codes) as one sentence. what is
 * "server certificate" or "root certificate"; path names the file. Returns CLI_FILE. */
int cli_explain_verify(int ret, const char *certpath, const qstp_server_certificate *cert,
                       const char *rootpath, const qstp_root_certificate *root);
/* Explains a connection/handshake failure with host:port. Returns CLI_NET (or CLI_FILE for a
 * certificate problem found before connecting). */
int cli_explain_connect(int ret, const char *host, uint16_t port);
/* qstp_error_to_string(e) as a clause: no capital, no final period (thread-local buffer). */
const char *cli_errstr(qstp_errors e);
/* Hex of n bytes into out (2n+1). */
void cli_hex(char *out, const uint8_t *in, size_t n);

/* ---------------- options (opts.c) ---------------- */
typedef struct cli_opt {
    const char *name;   /* "--root" */
    const char *alias;  /* "-L" or NULL */
    int takes_value;    /* 1: "--name VALUE" or "--name=VALUE" */
    const char **value; /* receives the value (takes_value) */
    int *flag;          /* set to 1 when present (no value) */
} cli_opt;

#define CLI_PARSE_HELP 100 /* --help or -h was given */

/* Parses argv[0..argc-1] (after the command words) against opts. Positional arguments go to
 * pos[0..maxpos-1] (*npos counts them). Returns 0, CLI_PARSE_HELP, or CLI_USAGE after printing
 * the sentence. */
int cli_parse(const char *cmd, int argc, char **argv, const cli_opt *opts, size_t nopts,
              const char **pos, size_t maxpos, size_t *npos);
/* Unsigned decimal in [lo, hi]; 0 or -1 (the caller names the option). */
int cli_parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out);
/* "HOST:PORT", "[V6]:PORT"; with allow_bare_port, "PORT" alone and ":PORT" (host = def_host).
 * host gets a NUL-terminated copy. 0 or -1. */
int cli_parse_hostport(const char *s, char *host, size_t hostcap, uint16_t *port,
                       int allow_bare_port, const char *def_host);
/* Exactly 2*n hex digits. 0 or -1. */
int cli_parse_hex(const char *s, uint8_t *out, size_t n);
/* dir + "/" + name into out; -1 if too long. */
int cli_join(char *out, size_t cap, const char *dir, const char *name);
/* 1 if path is an existing directory. */
int cli_is_dir(const char *path);
/* 1 if path exists (any type). */
int cli_exists(const char *path);
/* The root and server certificate files a client trusts: --root/--cert when given, else the
 * standard names inside --dir (rp and cp hold those joined paths). 0, or the exit code after
 * printing why (neither given, --dir missing, path too long). Used by client and vpn client. */
int cli_trust_paths(const char *cmd, const char *dir, const char *root_s, const char *cert_s,
                    char rp[CLI_PATH_MAX], char cp[CLI_PATH_MAX], const char **rootpath,
                    const char **certpath);
/* Creates dir (and no parents) with mode if missing. 0, or CLI_FILE after printing why. */
int cli_make_dir(const char *dir, unsigned mode);
/* Unix seconds now (UTC). */
uint64_t cli_now(void);

/* ---------------- files (files.c): load with one-sentence errors ---------------- */
/* Each returns 0, or CLI_FILE after printing a sentence naming path. Keys warn (stderr) if the
 * file is readable by others. */
int cli_load_root_cert(const char *path, qstp_root_certificate *cert);
int cli_load_server_cert(const char *path, qstp_server_certificate *cert);
int cli_load_root_key(const char *path, qstp_root_key *key);
int cli_load_server_key(const char *path, qstp_server_key *key);
/* Writes with keyfile.c's atomic writer; prints a sentence on failure. enc: binary or PEM. */
int cli_save_root_cert(const char *path, const qstp_root_certificate *cert, qstp_encoding enc);
int cli_save_server_cert(const char *path, const qstp_server_certificate *cert, qstp_encoding enc);
int cli_save_root_key(const char *path, const qstp_root_key *key, qstp_encoding enc);
int cli_save_server_key(const char *path, const qstp_server_key *key, qstp_encoding enc);
/* Reads the revocation list and checks cert against it (revoke.h). 0 or CLI_FILE after a
 * sentence. */
int cli_check_revocation(const char *listpath, const qstp_server_certificate *cert,
                         const char *certpath, const qstp_root_certificate *root,
                         const char *rootpath);
/* Suite by id, short name ("dilithium-s5_kyber-s5") or full protocol string; NULL if unknown. */
const struct qstp_suite *cli_suite_lookup(const char *s);
/* Prints the known suites (one per line) to stderr, for "unknown suite" errors and help. */
void cli_list_suites(void);

/* ---------------- cert show --json (cert_json.c) ---------------- */
/* The public fields of one certificate or key file. */
typedef struct cli_cert_summary {
    const char *path, *kind, *encoding; /* kind: "root certificate", "server secret key", ... */
    size_t size;
    const uint8_t *issuer, *serial;     /* QSTP_ISSUER_SIZE, QSTP_SERIAL_SIZE bytes */
    uint8_t algorithm;
    uint64_t from, to;
    int has_root_serial;                /* a server certificate: root_serial, NULL if unsigned */
    const uint8_t *root_serial;
    int self_signature;                 /* a root certificate: 1 valid, 0 not; else -1 */
    const uint8_t *hash;                /* QSTP_HASH_SIZE bytes, or NULL */
    int secret_key;                     /* a key file: says the key is present, never shows it */
} cli_cert_summary;
/* Prints f as one JSON object on one line on stdout. */
void cli_cert_json(const cli_cert_summary *f);

/* cert show on a revocation list (cert_revlist.c): prints it and returns 0, or -1 (nothing
 * printed) if data is not a well-formed list. The signature is not checked (no root here). */
int cli_show_revocation_list(const char *path, const uint8_t *data, size_t len);

/* ---------------- key material generation (cmd_root.c, also used by the demo) ---------------- */
/* Root key + self-signed certificate written to dir (created 0700 if missing). */
int cli_root_init(const char *dir, const char *issuer, uint32_t days, const struct qstp_suite *suite,
                  int pem, int force, int quiet);
/* Server key + root-signed certificate + a root certificate copy written to outdir. rootdir is
 * the root directory (or the root key file). */
int cli_root_sign(const char *rootdir, const char *outdir, const char *issuer, uint32_t days,
                  int pem, int force, int quiet);

/* ---------------- commands ---------------- */
int cli_cmd_root(int argc, char **argv);
int cli_cmd_cert(int argc, char **argv);
int cli_cmd_server(int argc, char **argv);
int cli_cmd_client(int argc, char **argv);
int cli_cmd_demo(int argc, char **argv);

#endif
