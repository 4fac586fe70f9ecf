/* example_echo_client DIR HOST [PORT]: the native client API (client.h). Sends each line of
 * standard input as one record and prints what comes back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example_files.h"
#include "qstp/client.h"

int main(int argc, char **argv)
{
    static qstp_root_certificate root;
    static qstp_server_certificate cert;
    qstp_client *c = NULL;
    char line[4096];
    int r;
    if (argc < 3) {
        fprintf(stderr, "usage: %s DIR HOST [PORT]\n", argv[0]);
        return 2;
    }
    r = ex_load_client(argv[1], &root, &cert);
    if (r == 0)
        r = qstp_client_connect(&c, &root, &cert, argv[2],
                                (uint16_t)(argc > 3 ? (unsigned)atoi(argv[3]) : QSTP_CLIENT_DEFAULT_PORT), NULL);
    if (r != 0) {
        fprintf(stderr, "connect: %s\n", qstp_error_to_string(qstp_error_of(r)));
        return 1;
    }
    while (fgets(line, sizeof(line), stdin) != NULL) {
        uint8_t back[4096];
        size_t n = strlen(line), got = 0, len;
        if (qstp_client_send(c, (const uint8_t *)line, n) != 0)
            break;
        while (got < n && qstp_client_receive(c, back + got, sizeof(back) - got, &len, 5000) == 0)
            got += len;
        fwrite(back, 1, got, stdout);
        fflush(stdout);
        if (got < n)
            break;
    }
    r = qstp_client_is_connected(c) ? 0 : 1;
    if (r != 0)
        fprintf(stderr, "tunnel closed: %s\n", qstp_error_to_string(qstp_client_close_reason(c)));
    qstp_client_close(c); /* close record, then close */
    return r;
}
