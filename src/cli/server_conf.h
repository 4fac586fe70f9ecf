/* `qstp server` settings of one service, from the command line or a --config file
 * (server_conf.c; docs/CLI.md "Configuration file"). */
#ifndef QSTP_CLI_SERVER_CONF_H
#define QSTP_CLI_SERVER_CONF_H

#include <stddef.h>

#define CLI_SERVER_MAX_PAIRS 8     /* --key/--cert pairs per service (key rotation) */
#define CLI_SERVER_MAX_SERVICES 16 /* [service NAME] sections per file */

/* Single-valued settings; the names are the long options without dashes. */
enum {
    CLI_SO_DIR, CLI_SO_ROOT, CLI_SO_LISTEN, CLI_SO_FORWARD, CLI_SO_ECHO, CLI_SO_STDIO,
    CLI_SO_MAXT, CLI_SO_IDLE, CLI_SO_THREADS, CLI_SO_MAXQ, CLI_SO_LOGFMT, CLI_SO_QUIET,
    CLI_SO_VERBOSE, CLI_SO_COUNT
};

typedef struct cli_server_conf {
    char name[64];                 /* service name ("default" on the command line) */
    const char *file;              /* config file, NULL for the command line */
    const char *v[CLI_SO_COUNT];   /* value or NULL; flags are "1" when set */
    int line[CLI_SO_COUNT];        /* file line of each value (0: command line) */
    int flag[CLI_SO_COUNT];        /* command-line parsing only */
    const char *keys[CLI_SERVER_MAX_PAIRS], *certs[CLI_SERVER_MAX_PAIRS];
    size_t nkeys, ncerts;
    int line0;                     /* line of the [service] header */
} cli_server_conf;

typedef struct cli_server_conf_file {
    cli_server_conf svc[CLI_SERVER_MAX_SERVICES];
    size_t n;
    char *text; /* the file, cut into the strings above */
} cli_server_conf_file;

/* Reads path. 0, or CLI_USAGE / CLI_FILE after a sentence "FILE:LINE: ...". */
int cli_server_conf_load(const char *path, cli_server_conf_file **out);
/* Command-line settings override a single-service file; with several services only
 * --log-format, --quiet and --verbose may be given (they apply to all). 0 or CLI_USAGE. */
int cli_server_conf_merge(cli_server_conf_file *f, const cli_server_conf *cl);
void cli_server_conf_free(cli_server_conf_file *f);

#endif
