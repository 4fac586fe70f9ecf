/* Interface set-up shared by the VPN server and client (docs/VPN.md "Addresses and routes"):
 * the address goes on the TUN as a /32 and the pool is reached through an explicit route, so
 * --no-routes leaves routing entirely to the user (the route is then logged as an `ip` command to
 * run). Internal to src/vpn. */
#ifndef QSTP_VPN_IFACE_H
#define QSTP_VPN_IFACE_H

#include <stddef.h>
#include <stdint.h>

#include "qstp/server.h"

typedef struct qstp_vpn_log {
    qstp_log_fn fn; /* NULL: stderr */
    void *ctx;
    qstp_log_level level;
} qstp_vpn_log;

void qstp_vpn_logf(const qstp_vpn_log *l, qstp_log_level level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

typedef struct qstp_vpn_iface {
    char name[16];
    uint32_t addr;     /* 0 = not configured yet */
    uint32_t pool_net;
    uint8_t prefix;
    unsigned mtu;
    int route_added;
} qstp_vpn_iface;

/* Address (as /32), MTU, UP, and the pool route unless no_routes (then it is logged). If the
 * interface already carries the same configuration nothing is done. 0, or a negated errno with
 * err filled. */
int qstp_vpn_iface_configure(qstp_vpn_iface *ifc, uint32_t addr, uint32_t pool_net, uint8_t prefix,
                             unsigned mtu, int no_routes, const qstp_vpn_log *log, char *err,
                             size_t errcap);
/* Deletes the route this module added (the interface itself goes when its descriptor closes). */
void qstp_vpn_iface_teardown(qstp_vpn_iface *ifc);

#endif
