/* Layer-3 VPN over QSTP (docs/VPN.md): a TUN interface at each end, one IP packet per record
 * (framing: frame.h, docs/PROTOCOL.md "## VPN framing").
 *
 * Server: a qstp_server (include/qstp/server.h) whose callbacks route packets. Each established
 * tunnel gets the next free address of the pool in an ASSIGN message (its first record) and
 * releases it when it closes; the server's TUN carries the pool's first host address. A thread
 * reads the TUN and sends each packet to the tunnel holding its destination; packets between
 * clients are passed from tunnel to tunnel without touching the TUN (pool.h "Routing").
 *
 * Client: a qstp_client (include/qstp/client.h) with keep-alive; the interface is configured from
 * the ASSIGN message; when the tunnel ends the client reconnects with backoff (1 s doubling to
 * 30 s), keeping the interface (and re-configuring it if the new address differs).
 *
 * Both need CAP_NET_ADMIN. Interfaces are non-persistent TUNs: they (and their routes) vanish
 * when the process exits, even when it is killed; the stop paths also delete the routes
 * explicitly. Failures are reported as one sentence in err (a person can act on it). */
#ifndef QSTP_VPN_VPN_H
#define QSTP_VPN_VPN_H

#include <stddef.h>
#include <stdint.h>

#include "qstp/cert.h"
#include "qstp/server.h"

#define QSTP_VPN_BACKOFF_MIN_MS 1000u
#define QSTP_VPN_BACKOFF_MAX_MS 30000u
#define QSTP_VPN_DEFAULT_KEEPALIVE 10u   /* seconds; a dead server is noticed within 2x this */
#define QSTP_VPN_SERVER_IDLE_TIMEOUT 120u /* seconds; well above the clients' keep-alive */
#define QSTP_VPN_ASSIGN_TIMEOUT_MS 10000u /* the ASSIGN message must follow the handshake */

typedef struct qstp_vpn_server qstp_vpn_server;

typedef struct qstp_vpn_server_config {
    const char *tun_name; /* e.g. "qstp0" */
    uint32_t pool_net;    /* host byte order (qstp_vpn_cidr_parse) */
    uint8_t pool_prefix;
    unsigned mtu;         /* QSTP_VPN_MTU_MIN..QSTP_VPN_MTU_MAX */
    int no_routes;        /* 1: configure the address only and log the route for the user */
    qstp_log_fn log;      /* NULL: stderr */
    void *log_ctx;
    qstp_log_level log_level;
} qstp_vpn_server_config;

typedef struct qstp_vpn_counters {
    uint64_t from_tun, to_tun;       /* packets read from / written to the local TUN */
    uint64_t relayed;                /* server: client-to-client packets */
    uint64_t dropped;                /* malformed, spoofed, unroutable, or sent while down */
    uint32_t clients;                /* server: addresses assigned now */
} qstp_vpn_counters;

/* Opens and configures the TUN, then starts the QSTP server with sopt (listen address, port,
 * limits; its callbacks and logger are replaced) and one key (schash set). 0, or -1 with a
 * sentence in err. */
int qstp_vpn_server_start(qstp_vpn_server **out, const qstp_vpn_server_config *cfg,
                          const qstp_server_options *sopt, const qstp_server_key *key,
                          const qstp_root_certificate *root, char *err, size_t errcap);
uint16_t qstp_vpn_server_port(const qstp_vpn_server *v);
void qstp_vpn_server_counters(qstp_vpn_server *v, qstp_vpn_counters *c);
/* Closes every tunnel (close records), stops the TUN reader, deletes the route, removes the
 * interface, frees v. */
void qstp_vpn_server_stop(qstp_vpn_server *v);

typedef struct qstp_vpn_client_config {
    const char *tun_name;
    const qstp_root_certificate *root;
    const qstp_server_certificate *cert;
    const char *host;
    uint16_t port;
    unsigned mtu;          /* 0: the server's (from ASSIGN); else min(this, the server's) */
    int no_routes;
    uint32_t keepalive;    /* seconds; 0 = off */
    uint32_t timeout_ms;   /* connect + handshake; 0 = the client's default */
    uint32_t max_attempts; /* consecutive failed connects before giving up; 0 = never give up */
    int stop_fd;           /* readable = stop (e.g. a signalfd); -1 = none */
    qstp_log_fn log;
    void *log_ctx;
    qstp_log_level log_level;
} qstp_vpn_client_config;

/* Runs until stop_fd becomes readable (returns 0) or a fatal error (-1, sentence in err): the
 * TUN cannot be opened or configured, the server's pool is full, or max_attempts connects in a
 * row failed. */
int qstp_vpn_client_run(const qstp_vpn_client_config *cfg, char *err, size_t errcap);

/* The wait after ms: 1 s doubling to 30 s (0 -> 1 s). */
uint32_t qstp_vpn_backoff_next(uint32_t ms);

/* One sentence for a failed TUN or interface operation (r is a negated errno), e.g. the
 * "needs root or CAP_NET_ADMIN" advice for EPERM. */
void qstp_vpn_explain_errno(char *err, size_t errcap, const char *what, const char *ifname, int r);

#endif
