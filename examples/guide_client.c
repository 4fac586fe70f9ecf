/* example_guide_client DIR IPV4: the integration guide's client (compat.h). send_func reads lines
 * and sends each the guide's way (qstp_encrypt_packet, qstp_packet_to_stream, a socket write);
 * receive_callback prints the echo. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "example_files.h"
#include "qstp/compat.h"

static void receive_callback(qstp_connection_state *cns, const char *message, size_t msglen)
{
    (void)cns;
    fwrite(message, 1, msglen, stdout);
    fflush(stdout);
}

static void send_func(qstp_connection_state *cns)
{
    static uint8_t body[4096 + QSTP_MACTAG_SIZE], stream[QSTP_PACKET_HEADER_SIZE + sizeof(body)];
    char line[4096];
    while (fgets(line, sizeof(line), stdin) != NULL) {
        qstp_network_packet pkt;
        size_t n;
        memset(&pkt, 0, sizeof(pkt));
        pkt.pmessage = body;
        if (qstp_encrypt_packet(cns, &pkt, (const uint8_t *)line, strlen(line)) != qstp_error_none)
            break;
        n = qstp_packet_to_stream(&pkt, stream);
        if (send(cns->target, stream, n, MSG_NOSIGNAL) != (ssize_t)n)
            break;
    }
}

int main(int argc, char **argv)
{
    static qstp_root_certificate root;
    static qstp_server_certificate cert;
    qsc_ipinfo_ipv4_address addr;
    qstp_errors err;
    if (argc != 3 || inet_pton(AF_INET, argv[2], addr.ipv4) != 1) {
        fprintf(stderr, "usage: %s DIR IPV4\n", argv[0]);
        return 2;
    }
    if (ex_load_client(argv[1], &root, &cert) != 0) {
        fprintf(stderr, "cannot load the certificates from %s\n", argv[1]);
        return 1;
    }
    err = qstp_client_connect_ipv4(&root, &cert, &addr, QSTP_SERVER_PORT, send_func, receive_callback);
    if (err != qstp_error_none)
        fprintf(stderr, "client: %s\n", qstp_error_to_string(err));
    return err == qstp_error_none ? 0 : 1;
}
