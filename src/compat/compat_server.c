/* The guide's global server API (compat.h) over the event-driven server (server.h). The guide
 * has one server per process and a blocking start; this keeps one qstp_server and blocks the
 * starting thread until qstp_server_quit() is called. */
#include <pthread.h>
#include <string.h>

#include "compat/compat_internal.h"

static pthread_mutex_t srv_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t srv_cv = PTHREAD_COND_INITIALIZER;
static struct qstp_server *g_srv;
static int g_running, g_quit;
static void (*g_recv)(qstp_connection_state *, const char *, size_t);
static void (*g_disc)(qstp_connection_state *);

static uint16_t g_port = QSTP_SERVER_PORT;

void qstp_compat_server_port(uint16_t port)
{
    pthread_mutex_lock(&srv_mtx);
    g_port = port != 0 ? port : QSTP_SERVER_PORT;
    pthread_mutex_unlock(&srv_mtx);
}

uint16_t compat_server_port_get(void)
{
    uint16_t p;
    pthread_mutex_lock(&srv_mtx);
    p = g_port;
    pthread_mutex_unlock(&srv_mtx);
    return p;
}

qstp_errors compat_server_send(qstp_tunnel_id id, const uint8_t *data, size_t len)
{
    int ret = qstp_fail(qstp_error_channel_down);
    pthread_mutex_lock(&srv_mtx);
    if (g_srv != NULL)
        ret = qstp_server_send(g_srv, id, data, len);
    pthread_mutex_unlock(&srv_mtx);
    return qstp_error_of(ret);
}

qstp_errors compat_server_close(qstp_tunnel_id id, qstp_errors code)
{
    int ret = qstp_fail(qstp_error_channel_down);
    pthread_mutex_lock(&srv_mtx);
    if (g_srv != NULL)
        ret = qstp_server_close_tunnel(g_srv, id, code);
    pthread_mutex_unlock(&srv_mtx);
    return qstp_error_of(ret);
}

static void on_established(qstp_server *srv, const qstp_tunnel_info *info, void *ctx)
{
    qstp_connection_state *cns;
    (void)ctx;
    compat_table_lock();
    cns = compat_table_bind(info->id);
    compat_table_unlock();
    if (cns == NULL) {
        /* The table is the guide's connection limit (§9.1: hosts_exceeded). */
        qstp_server_log(srv, QSTP_LOG_WARN, "connection table full; closing %s", info->peer);
        (void)qstp_server_close_tunnel(srv, info->id, qstp_error_hosts_exceeded);
    }
}

static void on_data(qstp_server *srv, qstp_tunnel_id id, const uint8_t *data, size_t len, void *ctx)
{
    qstp_connection_state *cns;
    (void)srv;
    (void)ctx;
    compat_table_lock();
    cns = compat_table_find(id);
    compat_table_unlock();
    if (cns != NULL && g_recv != NULL)
        g_recv(cns, (const char *)data, len);
}

static void on_closed(qstp_server *srv, qstp_tunnel_id id, qstp_errors reason, void *ctx)
{
    qstp_connection_state *cns;
    (void)srv;
    (void)reason;
    (void)ctx;
    compat_table_lock();
    cns = compat_table_find(id);
    compat_table_unlock();
    if (cns == NULL)
        return;
    cns->exflag = qstp_flag_none;
    if (g_disc != NULL)
        g_disc(cns);
    compat_table_lock();
    compat_table_release(cns);
    compat_table_unlock();
}

static qstp_errors start(const char *address, const qstp_server_signature_key *kset,
                         void (*receive_callback)(qstp_connection_state *, const char *, size_t),
                         void (*disconnect_callback)(qstp_connection_state *))
{
    qstp_server_options o;
    qstp_server *srv = NULL;
    uint16_t port;
    int ret;
    if (kset == NULL || receive_callback == NULL)
        return qstp_error_invalid_input;
    pthread_mutex_lock(&srv_mtx);
    if (g_running) {
        pthread_mutex_unlock(&srv_mtx);
        return qstp_error_listener_fail;
    }
    g_running = 1;
    g_quit = 0;
    g_recv = receive_callback;
    g_disc = disconnect_callback;
    port = g_port;
    pthread_mutex_unlock(&srv_mtx);

    compat_table_ensure();
    qstp_server_options_default(&o);
    o.address = address;
    o.port = port; /* §9.1: the reference always binds 32119 (qstp_compat_server_port) */
    o.max_tunnels = (uint32_t)qstp_connections_size();
    o.cb.on_established = on_established;
    o.cb.on_data = on_data;
    o.cb.on_closed = on_closed;
    ret = qstp_server_start(&srv, &o, kset, 1, NULL);

    pthread_mutex_lock(&srv_mtx);
    if (ret == 0) {
        g_srv = srv;
        while (!g_quit)
            pthread_cond_wait(&srv_cv, &srv_mtx);
        g_srv = NULL; /* no send or close reaches it from now on */
    }
    pthread_mutex_unlock(&srv_mtx);
    if (ret == 0)
        qstp_server_quit(srv); /* close records to every tunnel, disconnect callbacks, free */
    pthread_mutex_lock(&srv_mtx);
    g_running = 0;
    pthread_mutex_unlock(&srv_mtx);
    return ret == 0 ? qstp_error_none : qstp_error_of(ret);
}

qstp_errors qstp_server_start_ipv4(qsc_socket *source, const qstp_server_signature_key *kset,
                                   void (*receive_callback)(qstp_connection_state *, const char *, size_t),
                                   void (*disconnect_callback)(qstp_connection_state *))
{
    (void)source;
    return start("0.0.0.0", kset, receive_callback, disconnect_callback);
}

qstp_errors qstp_server_start_ipv6(qsc_socket *source, const qstp_server_signature_key *kset,
                                   void (*receive_callback)(qstp_connection_state *, const char *, size_t),
                                   void (*disconnect_callback)(qstp_connection_state *))
{
    (void)source;
    return start("::", kset, receive_callback, disconnect_callback);
}

void qstp_compat_server_pause(void)
{
    pthread_mutex_lock(&srv_mtx);
    if (g_srv != NULL)
        (void)qstp_server_pause(g_srv);
    pthread_mutex_unlock(&srv_mtx);
}

void qstp_compat_server_resume(void)
{
    pthread_mutex_lock(&srv_mtx);
    if (g_srv != NULL)
        (void)qstp_server_resume(g_srv);
    pthread_mutex_unlock(&srv_mtx);
}

void qstp_compat_server_quit(void)
{
    /* Only signals: the starting thread stops the server, so this is safe from a callback. */
    pthread_mutex_lock(&srv_mtx);
    g_quit = 1;
    pthread_cond_broadcast(&srv_cv);
    pthread_mutex_unlock(&srv_mtx);
}
