/* `qstp`: one binary, subcommands in the style of openssl/wg (docs/CLI.md). This file only
 * dispatches; each command lives in its own cmd_*.c. */
#include "cli.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "qstp/suite.h"

static const char MAIN_HELP[] =
    "usage: qstp COMMAND [options]    (qstp COMMAND --help for details)\n"
    "\n"
    "Quantum Secure Tunnelling Protocol (" CLI_PROTOCOL_VERSION
    ", wire-compatible with the QRCS reference).\n"
    "\n"
    "commands:\n"
    "  demo            make a root, a server and a client on loopback and show a tunnel working\n"
    "  root init       create a root key and self-signed root certificate\n"
    "  root sign       create a server key and a root-signed server certificate\n"
    "  root revoke     withdraw a server certificate\n"
    "  cert show       print a certificate or key file\n"
    "  cert verify     check a server certificate against its root\n"
    "  cert export     write a certificate or key file as binary, PEM or text\n"
    "  server          run a server: --echo, --forward HOST:PORT or --stdio\n"
    "  client          open a tunnel: --stdio (like nc) or -L [BIND:]PORT (port forwarding)\n"
    "  vpn             layer-3 VPN over TUN interfaces: vpn server / vpn client\n"
    "  version         print the version and the supported suites\n"
    "\n"
    "example: a tunnel in four commands\n"
    "  qstp root init --out root\n"
    "  qstp root sign --root root --out server\n"
    "  qstp server --dir server --listen 127.0.0.1:32119 --echo &\n"
    "  echo hello | qstp client --dir server --connect 127.0.0.1:32119\n"
    "\n"
    "exit status: 0 ok, 1 usage error, 2 file or certificate problem, 3 network or handshake "
    "failure,\n130 Ctrl-C before a tunnel was up\n";

int cli_cmd_vpn(int argc, char **argv); /* cmd_vpn.c */

static int cmd_version(int argc, char **argv)
{
    (void)argv;
    if (argc > 0 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
        printf("usage: qstp version\n\nPrints the version, the protocol and the supported suites.\n"
               "\nexample: qstp version\n");
        return CLI_OK;
    }
    if (argc > 0)
        return cli_usage_error("version", "unexpected argument '%s'", argv[0]);
    printf("qstp %s (%s)\n", CLI_VERSION, CLI_PROTOCOL_VERSION);
    printf("suites:\n");
    for (size_t i = 0; i < qstp_suite_count(); i++) {
        const qstp_suite *su = qstp_suite_at(i);
        printf("  0x%02X  %-42s %s + %s%s\n", su->id, su->protocol_string, su->sig_name,
               su->kem_name, su->id == QSTP_SUITE_DEFAULT_ID ? "  (default)" : "");
    }
    return CLI_OK;
}

int main(int argc, char **argv)
{
    const char *cmd;
    /* A tunnel peer that goes away must be an error return, not a silent death (write/send). */
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) {
        fputs("usage: qstp COMMAND [options]; 'qstp --help' lists the commands and 'qstp demo' "
              "shows a tunnel working.\n", stderr);
        return CLI_USAGE;
    }
    cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(MAIN_HELP, stdout);
        return CLI_OK;
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0)
        return cmd_version(argc - 2, argv + 2);
    if (strcmp(cmd, "root") == 0)
        return cli_cmd_root(argc - 2, argv + 2);
    if (strcmp(cmd, "cert") == 0)
        return cli_cmd_cert(argc - 2, argv + 2);
    if (strcmp(cmd, "server") == 0)
        return cli_cmd_server(argc - 2, argv + 2);
    if (strcmp(cmd, "client") == 0)
        return cli_cmd_client(argc - 2, argv + 2);
    if (strcmp(cmd, "demo") == 0)
        return cli_cmd_demo(argc - 2, argv + 2);
    if (strcmp(cmd, "vpn") == 0) /* cmd_vpn.c (layer-3 VPN, docs/VPN.md) */
        return cli_cmd_vpn(argc - 2, argv + 2);
    fprintf(stderr, "qstp: unknown command '%s'; run 'qstp --help' for the list.\n", cmd);
    return CLI_USAGE;
}
