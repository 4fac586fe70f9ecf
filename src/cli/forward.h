/* `qstp server --forward`: tunnels to TCP backend connections (forward.c). The server callbacks
 * call these; they never block. */
#ifndef QSTP_CLI_FORWARD_H
#define QSTP_CLI_FORWARD_H

#include <stddef.h>
#include <stdint.h>

#include "qstp/server.h"

typedef struct cli_fwd cli_fwd;

cli_fwd *cli_fwd_create(const char *host, uint16_t port);
void cli_fwd_established(cli_fwd *f, qstp_server *srv, const qstp_tunnel_info *info);
void cli_fwd_data(cli_fwd *f, qstp_tunnel_id id, const uint8_t *data, size_t len);
void cli_fwd_closed(cli_fwd *f, qstp_tunnel_id id);
/* After qstp_server_quit: waits (up to 5 s) for the tunnel threads to finish, then frees f. */
void cli_fwd_destroy(cli_fwd *f);

#endif
