/* Private glue between the compat files (include/qstp/compat.h). */
#ifndef QSTP_COMPAT_INTERNAL_H
#define QSTP_COMPAT_INTERNAL_H

#define QSTP_COMPAT_NO_RENAME
#include "qstp/compat.h"

/* connections table (compat_connections.c); all under its own lock */
void compat_table_lock(void);
void compat_table_unlock(void);
/* Under the lock: a new active entry bound to a tunnel, NULL if full. */
qstp_connection_state *compat_table_bind(qstp_tunnel_id id);
/* Under the lock: the entry of a tunnel, or NULL. */
qstp_connection_state *compat_table_find(qstp_tunnel_id id);
/* Under the lock: deactivate and zero an entry. */
void compat_table_release(qstp_connection_state *cns);
/* Make the table if none exists (start of the compat server). */
void compat_table_ensure(void);

/* compat_server.c: the port the guide's functions use (32119 unless qstp_compat_server_port) */
uint16_t compat_server_port_get(void);
/* compat_server.c: send to / close a tunnel of the running compat server (channel_down if none) */
qstp_errors compat_server_send(qstp_tunnel_id id, const uint8_t *data, size_t len);
qstp_errors compat_server_close(qstp_tunnel_id id, qstp_errors code);

#endif
