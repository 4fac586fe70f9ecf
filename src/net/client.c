/* Blocking QSTP client (include/qstp/client.h): a socket around the sans-I/O session.
 * The protocol itself (handshake, records, keep-alive, close) is entirely in core/session.c;
 * this file moves bytes, keeps time and runs the optional receive thread. */
#include "qstp/client.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "crypto/ct.h"
#include "net/netutil.h"
#include "qstp/session.h"

#define CLIENT_INBUF_SIZE (QSTP_RECORD_PACKET_MAX + 4096u)
#define CLIENT_SENDBUF_SIZE (QSTP_SESSION_SEND_MAX + QSTP_SESSION_RECORD_OVERHEAD + QSTP_SESSION_CONTROL_MAX)
#define CLIENT_CLOSE_DRAIN_MS 1000u   /* how long close waits for the server's end of stream */
#define CLIENT_WRITE_TIMEOUT_MS 30000u /* a peer that accepts nothing for this long is dead */
#define CLIENT_QUEUE_MAX (4u << 20)     /* plaintext the keep-alive thread holds for the reader */

/* Plaintext read by the keep-alive thread while nobody else was reading. */
typedef struct client_chunk {
    struct client_chunk *next;
    size_t len, off;
    uint8_t data[];
} client_chunk;

struct qstp_client {
    int fd;
    int wakefd; /* eventfd: wakes the receive thread for close */
    pthread_mutex_t lock; /* the session, the socket's write side, the fields below */
    qstp_session s;
    qstp_env env;
    qstp_client_config cfg;
    uint8_t verkey[QSTP_VK_MAX]; /* cfg.server_verkey points here (session.h: must outlive it) */
    uint8_t *rxbuf;
    uint8_t *inbuf; /* raw bytes read from the socket, not yet fed to the session */
    size_t in_off, in_len;
    uint8_t *sendbuf;
    const uint8_t *stash; /* received plaintext not yet handed to qstp_client_receive */
    size_t stash_len;
    int closed;
    qstp_errors reason;
    int peer_code;
    int thread_running;
    int stop;
    pthread_t thread;
    /* keep-alive thread (keepalive_interval > 0): runs the timers, and reads (queueing data)
     * whenever neither qstp_client_receive nor the receive thread is reading */
    pthread_cond_t cv;
    pthread_t keeper;
    int keeper_running;
    int reader_active;
    client_chunk *q_head, *q_tail;
    size_t q_bytes;
    qstp_client_data_fn on_data;
    qstp_client_closed_fn on_closed;
    void *cb_ctx;
};

void qstp_client_options_default(qstp_client_options *opt)
{
    memset(opt, 0, sizeof(*opt));
    opt->timeout_ms = QSTP_CLIENT_DEFAULT_TIMEOUT_MS;
}

static void mark_closed(qstp_client *c, qstp_errors reason)
{
    if (!c->closed) {
        c->closed = 1;
        c->reason = reason;
    }
}

/* Under lock: write everything the session has queued (handshake messages, control records). */
static int flush_output(qstp_client *c, uint64_t deadline_ms)
{
    const uint8_t *o;
    size_t n;
    while ((o = qstp_session_output(&c->s, &n)) != NULL) {
        int ret = qstp_net_write_all(c->fd, o, n, deadline_ms);
        if (ret != 0)
            return ret;
        qstp_session_output_ack(&c->s, n);
    }
    return 0;
}

static uint64_t write_deadline(void)
{
    return qstp_net_mono_ms() + CLIENT_WRITE_TIMEOUT_MS;
}

/* Under lock: act on one session event. Returns 1 for application data (*data, *dlen). */
static int on_event(qstp_client *c, const qstp_event *ev, const uint8_t **data, size_t *dlen)
{
    int ret = 0;
    switch (ev->type) {
    case QSTP_EVENT_DATA:
        *data = ev->data;
        *dlen = ev->len;
        ret = 1;
        break;
    case QSTP_EVENT_PEER_CLOSED:
        if (ev->has_peer_code)
            c->peer_code = ev->peer_code;
        mark_closed(c, ev->has_peer_code ? (qstp_errors)ev->peer_code : qstp_error_none);
        break;
    case QSTP_EVENT_ERROR:
        if (ev->has_peer_code)
            c->peer_code = ev->peer_code;
        mark_closed(c, ev->error);
        break;
    default:
        break;
    }
    /* The session may have queued a reply (keep-alive, error packet, close record). */
    if (flush_output(c, write_deadline()) != 0)
        mark_closed(c, qstp_error_transmit_failure);
    return ret;
}

/* Under lock: read what the socket has (non-blocking). 1 bytes read, 0 nothing, -1 closed. */
static int read_socket(qstp_client *c)
{
    ssize_t r;
    if (c->in_off < c->in_len)
        return 1;
    c->in_off = c->in_len = 0;
    r = recv(c->fd, c->inbuf, CLIENT_INBUF_SIZE, 0);
    if (r > 0) {
        c->in_len = (size_t)r;
        return 1;
    }
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    if (r == 0) {
        qstp_event ev;
        const uint8_t *d;
        size_t dl;
        /* EOF without a close record counts as a close, but not in the middle of a record:
         * then data was cut short, and the caller must not take it for a clean end. */
        const int partial = qstp_session_rx_partial(&c->s);
        qstp_session_peer_eof(&c->s, &ev);
        if (partial)
            mark_closed(c, qstp_error_receive_failure);
        (void)on_event(c, &ev, &d, &dl);
        mark_closed(c, qstp_error_none);
    } else {
        mark_closed(c, qstp_error_receive_failure);
    }
    return -1;
}

/* Under lock: milliseconds until the session's next timer (keep-alive, idle), or -1. */
static int run_timers(qstp_client *c)
{
    const uint64_t now = qstp_net_unix_now(NULL);
    uint64_t next = qstp_session_next_timeout(&c->s, now);
    if (next != UINT64_MAX && now >= next) {
        qstp_event ev;
        const uint8_t *d;
        size_t dl;
        qstp_session_timeout(&c->s, &ev);
        (void)on_event(c, &ev, &d, &dl);
        next = qstp_session_next_timeout(&c->s, now);
    }
    if (next == UINT64_MAX)
        return -1;
    /* The session clock counts whole Unix seconds: wake just after the due second starts. */
    {
        struct timespec ts;
        uint64_t now_ms, due_ms = next * 1000u + 5u;
        clock_gettime(CLOCK_REALTIME, &ts);
        now_ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
        if (due_ms <= now_ms)
            return 5;
        return due_ms - now_ms > 3600000u ? 3600000 : (int)(due_ms - now_ms);
    }
}

/* Under lock: feed buffered input until one event with data, a close, or no input left.
 * Returns 1 with data, 0 when more input is needed, -1 when closed. */
static int step(qstp_client *c, const uint8_t **data, size_t *dlen)
{
    while (!c->closed && c->in_off < c->in_len) {
        qstp_event ev;
        size_t used = qstp_session_receive(&c->s, c->inbuf + c->in_off, c->in_len - c->in_off, &ev);
        c->in_off += used;
        if (on_event(c, &ev, data, dlen) == 1)
            return 1;
        if (used == 0 && ev.type == QSTP_EVENT_NONE) {
            /* Back-pressure: output was flushed above; if the session still takes nothing the
             * stream is stuck, which cannot happen with a receive buffer attached. */
            mark_closed(c, qstp_error_internal);
        }
    }
    return c->closed ? -1 : 0;
}

static void queue_push(qstp_client *c, const uint8_t *d, size_t n)
{
    client_chunk *k = malloc(sizeof(*k) + n);
    if (k == NULL) {
        mark_closed(c, qstp_error_memory_allocation);
        return;
    }
    k->next = NULL;
    k->len = n;
    k->off = 0;
    memcpy(k->data, d, n);
    if (c->q_tail != NULL)
        c->q_tail->next = k;
    else
        c->q_head = k;
    c->q_tail = k;
    c->q_bytes += n;
}

static void queue_pop(qstp_client *c)
{
    client_chunk *k = c->q_head;
    c->q_head = k->next;
    if (c->q_head == NULL)
        c->q_tail = NULL;
    c->q_bytes -= k->len;
    qstp_wipe(k->data, k->len);
    free(k);
}

/* Keep-alive needs its timers run and its answers read even when the application reads
 * nothing for a while; this thread does both while no other reader is active. */
static void *keeper_main(void *arg)
{
    qstp_client *c = arg;
    pthread_mutex_lock(&c->lock);
    while (!c->stop) {
        struct pollfd pfd[2];
        int timer_ms, r, can_read;
        if (c->thread_running || c->reader_active || c->closed) {
            pthread_cond_wait(&c->cv, &c->lock);
            continue;
        }
        /* The receive buffer holds the reader's unconsumed record while stash_len > 0. */
        can_read = c->stash_len == 0 && c->q_bytes < CLIENT_QUEUE_MAX;
        if (can_read) {
            const uint8_t *d = NULL;
            size_t dl = 0;
            r = step(c, &d, &dl);
            if (r == 1) {
                queue_push(c, d, dl);
                continue;
            }
            if (r < 0)
                continue;
        }
        timer_ms = run_timers(c);
        if (c->closed)
            continue;
        pfd[0].fd = can_read ? c->fd : -1;
        pfd[0].events = POLLIN;
        pfd[0].revents = 0;
        pfd[1].fd = c->wakefd;
        pfd[1].events = POLLIN;
        pthread_mutex_unlock(&c->lock);
        r = poll(pfd, 2, timer_ms < 0 ? 1000 : timer_ms);
        pthread_mutex_lock(&c->lock);
        if (r > 0 && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) && !c->reader_active &&
            !c->thread_running && !c->stop)
            (void)read_socket(c);
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

int qstp_client_connect(qstp_client **out, const qstp_root_certificate *root,
                        const qstp_server_certificate *cert, const char *host, uint16_t port,
                        const qstp_client_options *opt)
{
    qstp_client_options o;
    qstp_client *c = NULL;
    uint8_t *ws = NULL;
    size_t wslen = 0;
    uint64_t deadline;
    int ret, established = 0;

    if (out == NULL)
        return qstp_fail(qstp_error_invalid_input);
    *out = NULL;
    if (root == NULL || cert == NULL || host == NULL)
        return qstp_fail(qstp_error_invalid_input);
    if (opt != NULL)
        o = *opt;
    else
        qstp_client_options_default(&o);
    if (o.timeout_ms == 0)
        o.timeout_ms = QSTP_CLIENT_DEFAULT_TIMEOUT_MS;
    deadline = qstp_net_mono_ms() + o.timeout_ms;

    /* §9.2 step 1: verify before connecting (with the real clock). */
    ret = qstp_server_certificate_verify(cert, root, qstp_net_unix_now(NULL));
    if (ret != 0)
        return ret;

    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return qstp_fail(qstp_error_memory_allocation);
    c->fd = -1;
    c->wakefd = -1;
    c->peer_code = -1;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->cv, NULL);
    qstp_net_env(&c->env);
    ret = qstp_client_config_from_certs(&c->cfg, root, cert);
    if (ret != 0)
        goto fail;
    memcpy(c->verkey, cert->verkey, sizeof(c->verkey));
    c->cfg.server_verkey = c->verkey;
    c->cfg.keepalive_interval = o.keepalive_interval;
    c->cfg.options = o.session_options;
    c->cfg.handshake_timeout = 0; /* the millisecond deadline below is enforced here */

    wslen = qstp_session_handshake_workspace_size(c->cfg.suite, QSTP_ROLE_CLIENT);
    ws = malloc(wslen);
    c->rxbuf = malloc(QSTP_SESSION_RX_BUFFER_SIZE);
    c->inbuf = malloc(CLIENT_INBUF_SIZE);
    c->sendbuf = malloc(CLIENT_SENDBUF_SIZE);
    c->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (ws == NULL || c->rxbuf == NULL || c->inbuf == NULL || c->sendbuf == NULL || c->wakefd < 0) {
        ret = qstp_fail(qstp_error_memory_allocation);
        goto fail;
    }
    ret = qstp_session_client_init(&c->s, &c->env, &c->cfg);
    if (ret == 0)
        ret = qstp_session_attach_workspace(&c->s, ws, wslen);
    if (ret == 0)
        ret = qstp_session_start(&c->s); /* §4.3: checks the certificate's expiry, queues 0x01 */
    if (ret != 0)
        goto fail;

    ret = qstp_net_connect(host, port, deadline);
    if (ret < 0)
        goto fail;
    c->fd = ret;

    /* Handshake: the session tells what to send; we carry it until ESTABLISHED. */
    while (!established) {
        qstp_event ev;
        size_t used;
        ret = flush_output(c, deadline);
        if (ret != 0)
            goto fail;
        if (c->in_off == c->in_len) {
            int w = qstp_net_wait_readable(c->fd, deadline);
            if (w == 0) {
                ret = qstp_fail(qstp_error_timeout);
                goto fail;
            }
            if (w < 0 || read_socket(c) < 0) {
                ret = qstp_fail(c->reason != qstp_error_none ? c->reason : qstp_error_connection_failure);
                goto fail;
            }
            continue;
        }
        used = qstp_session_receive(&c->s, c->inbuf + c->in_off, c->in_len - c->in_off, &ev);
        c->in_off += used;
        if (ev.type == QSTP_EVENT_ESTABLISHED) {
            established = 1;
        } else if (ev.type == QSTP_EVENT_ERROR || ev.type == QSTP_EVENT_PEER_CLOSED) {
            /* Tell the server why (the session queued an error packet), then give up. */
            (void)flush_output(c, qstp_net_mono_ms() + 200u);
            ret = qstp_fail(ev.type == QSTP_EVENT_ERROR ? ev.error : qstp_error_connection_failure);
            goto fail;
        }
    }
    /* session.h: release the workspace (wiped) and attach the receive buffer. */
    ret = qstp_session_release_workspace(&c->s);
    if (ret == 0)
        ret = qstp_session_attach_rx_buffer(&c->s, c->rxbuf, QSTP_SESSION_RX_BUFFER_SIZE);
    if (ret != 0)
        goto fail;
    free(ws);
    if (c->cfg.keepalive_interval != 0) {
        if (pthread_create(&c->keeper, NULL, keeper_main, c) != 0) {
            ret = qstp_fail(qstp_error_memory_allocation);
            ws = NULL;
            goto fail;
        }
        c->keeper_running = 1;
    }
    *out = c;
    return 0;

fail:
    if (c->fd >= 0)
        close(c->fd);
    if (c->wakefd >= 0)
        close(c->wakefd);
    qstp_session_wipe(&c->s);
    if (ws != NULL) {
        qstp_wipe(ws, wslen);
        free(ws);
    }
    if (c->rxbuf != NULL) {
        qstp_wipe(c->rxbuf, QSTP_SESSION_RX_BUFFER_SIZE);
        free(c->rxbuf);
    }
    free(c->inbuf);
    free(c->sendbuf);
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->lock);
    qstp_wipe(c, sizeof(*c));
    free(c);
    return ret < 0 ? ret : qstp_fail(qstp_error_internal);
}

int qstp_client_send(qstp_client *c, const uint8_t *data, size_t len)
{
    int ret = 0;
    if (c == NULL || data == NULL || len == 0)
        return qstp_fail(qstp_error_invalid_input);
    pthread_mutex_lock(&c->lock);
    while (len > 0 && ret == 0) {
        size_t n = len > QSTP_SESSION_SEND_MAX ? QSTP_SESSION_SEND_MAX : len, outlen = 0;
        if (c->closed) {
            ret = qstp_fail(qstp_error_channel_down);
            break;
        }
        ret = qstp_session_send(&c->s, data, n, c->sendbuf, CLIENT_SENDBUF_SIZE, &outlen);
        if (ret == 0)
            ret = qstp_net_write_all(c->fd, c->sendbuf, outlen, write_deadline());
        if (ret != 0)
            mark_closed(c, qstp_error_of(ret));
        data += n;
        len -= n;
    }
    pthread_mutex_unlock(&c->lock);
    return ret;
}

int qstp_client_receive(qstp_client *c, uint8_t *buf, size_t cap, size_t *len, int timeout_ms)
{
    const uint64_t deadline = timeout_ms < 0 ? UINT64_MAX : qstp_net_mono_ms() + (uint64_t)timeout_ms;
    int ret;
    if (len != NULL)
        *len = 0;
    if (c == NULL || buf == NULL || cap == 0 || len == NULL)
        return qstp_fail(qstp_error_invalid_input);
    pthread_mutex_lock(&c->lock);
    if (c->thread_running || c->reader_active) {
        pthread_mutex_unlock(&c->lock);
        return qstp_fail(qstp_error_invalid_state);
    }
    c->reader_active = 1;
    for (;;) {
        const uint8_t *d = NULL;
        size_t dl = 0;
        int timer_ms, r;
        uint64_t wake;
        if (c->stash_len == 0 && c->q_head != NULL) {
            /* what the keep-alive thread read first: it is older than anything still unread */
            client_chunk *k = c->q_head;
            size_t n = k->len - k->off < cap ? k->len - k->off : cap;
            memcpy(buf, k->data + k->off, n);
            k->off += n;
            if (k->off == k->len)
                queue_pop(c);
            *len = n;
            ret = 0;
            break;
        }
        if (c->stash_len > 0) {
            size_t n = c->stash_len < cap ? c->stash_len : cap;
            memcpy(buf, c->stash, n);
            c->stash += n;
            c->stash_len -= n;
            *len = n;
            ret = 0;
            break;
        }
        r = step(c, &d, &dl);
        if (r == 1) {
            c->stash = d;
            c->stash_len = dl;
            continue;
        }
        if (r < 0) {
            ret = qstp_fail(qstp_error_channel_down);
            break;
        }
        timer_ms = run_timers(c);
        if (c->closed)
            continue;
        wake = timer_ms < 0 ? deadline : qstp_net_mono_ms() + (uint64_t)timer_ms;
        if (wake > deadline)
            wake = deadline;
        pthread_mutex_unlock(&c->lock);
        r = qstp_net_wait_readable(c->fd, wake);
        pthread_mutex_lock(&c->lock);
        if (r < 0) {
            mark_closed(c, qstp_error_receive_failure);
            continue;
        }
        if (r > 0) {
            (void)read_socket(c);
            continue;
        }
        if (deadline != UINT64_MAX && qstp_net_mono_ms() >= deadline) {
            ret = qstp_fail(qstp_error_timeout);
            break;
        }
    }
    c->reader_active = 0;
    pthread_cond_broadcast(&c->cv); /* the keep-alive thread may read again */
    pthread_mutex_unlock(&c->lock);
    return ret;
}

static void *receiver_main(void *arg)
{
    qstp_client *c = arg;
    pthread_mutex_lock(&c->lock);
    while (!c->stop && c->q_head != NULL) {
        /* records the keep-alive thread read before this thread started come first */
        client_chunk *k = c->q_head;
        c->q_head = k->next;
        if (c->q_head == NULL)
            c->q_tail = NULL;
        c->q_bytes -= k->len;
        pthread_mutex_unlock(&c->lock);
        if (c->on_data != NULL && k->off < k->len)
            c->on_data(c, k->data + k->off, k->len - k->off, c->cb_ctx);
        qstp_wipe(k->data, k->len);
        free(k);
        pthread_mutex_lock(&c->lock);
    }
    while (!c->stop) {
        const uint8_t *d = NULL;
        size_t dl = 0;
        struct pollfd pfd[2];
        int r = step(c, &d, &dl), timer_ms;
        if (r == 1) {
            /* data points into the receive buffer, which only this thread feeds: it stays
             * valid while the lock is released for the callback (which may send). */
            pthread_mutex_unlock(&c->lock);
            if (c->on_data != NULL)
                c->on_data(c, d, dl, c->cb_ctx);
            pthread_mutex_lock(&c->lock);
            continue;
        }
        if (r < 0)
            break;
        timer_ms = run_timers(c);
        if (c->closed)
            break;
        pfd[0].fd = c->fd;
        pfd[0].events = POLLIN;
        pfd[1].fd = c->wakefd;
        pfd[1].events = POLLIN;
        pthread_mutex_unlock(&c->lock);
        r = poll(pfd, 2, timer_ms);
        pthread_mutex_lock(&c->lock);
        if (r < 0 && errno != EINTR)
            mark_closed(c, qstp_error_receive_failure);
        else if (r > 0 && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
            (void)read_socket(c);
    }
    if (c->closed && !c->stop) {
        qstp_errors why = c->reason;
        pthread_mutex_unlock(&c->lock);
        if (c->on_closed != NULL)
            c->on_closed(c, why, c->cb_ctx);
        return NULL;
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

int qstp_client_start_receiver(qstp_client *c, qstp_client_data_fn on_data,
                               qstp_client_closed_fn on_closed, void *ctx)
{
    int ret = 0;
    if (c == NULL || on_data == NULL)
        return qstp_fail(qstp_error_invalid_input);
    pthread_mutex_lock(&c->lock);
    if (c->thread_running || c->reader_active || c->stash_len > 0) {
        ret = qstp_fail(qstp_error_invalid_state);
    } else {
        c->on_data = on_data;
        c->on_closed = on_closed;
        c->cb_ctx = ctx;
        if (pthread_create(&c->thread, NULL, receiver_main, c) != 0)
            ret = qstp_fail(qstp_error_memory_allocation);
        else
            c->thread_running = 1;
    }
    pthread_mutex_unlock(&c->lock);
    return ret;
}

int qstp_client_ratchet(qstp_client *c)
{
    int ret;
    if (c == NULL)
        return qstp_fail(qstp_error_invalid_input);
    pthread_mutex_lock(&c->lock);
    ret = c->closed ? qstp_fail(qstp_error_channel_down) : qstp_session_ratchet(&c->s);
    if (ret == 0 && flush_output(c, write_deadline()) != 0) {
        mark_closed(c, qstp_error_transmit_failure);
        ret = qstp_fail(qstp_error_transmit_failure);
    }
    pthread_mutex_unlock(&c->lock);
    return ret;
}

int qstp_client_seal(qstp_client *c, const uint8_t *data, size_t len, uint8_t *out, size_t cap,
                     size_t *outlen)
{
    int ret;
    if (outlen != NULL)
        *outlen = 0;
    if (c == NULL || data == NULL || out == NULL || outlen == NULL || len == 0 ||
        len > QSTP_SESSION_SEND_MAX)
        return qstp_fail(qstp_error_invalid_input);
    pthread_mutex_lock(&c->lock);
    if (c->closed) {
        ret = qstp_fail(qstp_error_channel_down);
    } else if (flush_output(c, write_deadline()) != 0) {
        mark_closed(c, qstp_error_transmit_failure);
        ret = qstp_fail(qstp_error_transmit_failure);
    } else {
        /* Nothing is pending now, so the output is this record alone. */
        ret = qstp_session_send(&c->s, data, len, out, cap, outlen);
    }
    pthread_mutex_unlock(&c->lock);
    return ret;
}

int qstp_client_socket(const qstp_client *c)
{
    return c != NULL ? c->fd : -1;
}

int qstp_client_is_connected(const qstp_client *c)
{
    int up;
    if (c == NULL)
        return 0;
    pthread_mutex_lock((pthread_mutex_t *)&c->lock);
    up = !c->closed;
    pthread_mutex_unlock((pthread_mutex_t *)&c->lock);
    return up;
}

qstp_errors qstp_client_close_reason(const qstp_client *c)
{
    qstp_errors r;
    if (c == NULL)
        return qstp_error_invalid_input;
    pthread_mutex_lock((pthread_mutex_t *)&c->lock);
    r = c->reason;
    pthread_mutex_unlock((pthread_mutex_t *)&c->lock);
    return r;
}

int qstp_client_peer_code(const qstp_client *c)
{
    int r;
    if (c == NULL)
        return -1;
    pthread_mutex_lock((pthread_mutex_t *)&c->lock);
    r = c->peer_code;
    pthread_mutex_unlock((pthread_mutex_t *)&c->lock);
    return r;
}

void qstp_client_close(qstp_client *c)
{
    uint64_t one = 1, deadline;
    if (c == NULL)
        return;
    if (c->thread_running && pthread_equal(pthread_self(), c->thread))
        return; /* documented: not from a callback (the join below would deadlock) */
    pthread_mutex_lock(&c->lock);
    if (!c->closed) {
        /* §3.4 / §9.2 step 7: close record with code 0, then close TCP. */
        if (qstp_session_close(&c->s, qstp_error_none) == 0)
            (void)flush_output(c, qstp_net_mono_ms() + CLIENT_CLOSE_DRAIN_MS);
        mark_closed(c, qstp_error_none);
    }
    c->stop = 1;
    pthread_mutex_unlock(&c->lock);
    pthread_cond_broadcast(&c->cv);
    (void)shutdown(c->fd, SHUT_WR);
    (void)!write(c->wakefd, &one, sizeof(one));
    if (c->thread_running) {
        pthread_join(c->thread, NULL);
        c->thread_running = 0;
    }
    if (c->keeper_running) {
        pthread_join(c->keeper, NULL);
        c->keeper_running = 0;
    }
    while (c->q_head != NULL)
        queue_pop(c);
    /* Read until the server's end of stream so our close does not turn into a reset that could
     * discard the close record before the server reads it. */
    deadline = qstp_net_mono_ms() + CLIENT_CLOSE_DRAIN_MS;
    while (qstp_net_wait_readable(c->fd, deadline) > 0) {
        ssize_t r = recv(c->fd, c->inbuf, CLIENT_INBUF_SIZE, 0);
        if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN))
            break;
    }
    close(c->fd);
    close(c->wakefd);
    qstp_session_wipe(&c->s);
    qstp_wipe(c->rxbuf, QSTP_SESSION_RX_BUFFER_SIZE);
    qstp_wipe(c->inbuf, CLIENT_INBUF_SIZE);
    qstp_wipe(c->sendbuf, CLIENT_SENDBUF_SIZE);
    free(c->rxbuf);
    free(c->inbuf);
    free(c->sendbuf);
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->lock);
    qstp_wipe(c, sizeof(*c));
    free(c);
}
