/* Interface set-up shared by the VPN server and client (iface.h). */
#include "vpn/iface.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vpn/frame.h"
#include "vpn/tun.h"
#include "vpn/vpn.h"

void qstp_vpn_logf(const qstp_vpn_log *l, qstp_log_level level, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    if (l != NULL && level < l->level)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (l != NULL && l->fn != NULL)
        l->fn(l->ctx, level, line);
    else
        fprintf(stderr, "qstp vpn: %s\n", line);
}

void qstp_vpn_explain_errno(char *err, size_t errcap, const char *what, const char *ifname, int r)
{
    int e = -r;
    if (err == NULL || errcap == 0)
        return;
    if (e == EPERM || e == EACCES)
        snprintf(err, errcap, "cannot %s %s: VPN mode needs root or the CAP_NET_ADMIN capability "
                 "(run it with sudo, or grant it: setcap cap_net_admin+ep qstp)", what, ifname);
    else if (e == ENOENT || e == ENODEV)
        snprintf(err, errcap, "cannot %s %s: %s; is the tun module loaded (modprobe tun) and "
                 "/dev/net/tun present?", what, ifname, strerror(e));
    else if (e == EBUSY)
        snprintf(err, errcap, "cannot %s %s: the interface is in use by another program; choose "
                 "another name with --tun", what, ifname);
    else if (e == EEXIST)
        snprintf(err, errcap, "cannot %s %s: a route for that network already exists; remove it "
                 "or use --no-routes", what, ifname);
    else
        snprintf(err, errcap, "cannot %s %s: %s", what, ifname, strerror(e));
}

/* No IPv6 is routed in the tunnel (docs/PROTOCOL.md "## VPN framing"): switch it off on the
 * interface so the kernel does not send router solicitations into it. Best effort (no IPv6 in
 * the kernel: nothing to do). */
static void disable_ipv6(const char *ifname)
{
    char path[96];
    int fd;
    snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t w = write(fd, "1", 1);
        (void)w;
        close(fd);
    }
}

int qstp_vpn_iface_configure(qstp_vpn_iface *ifc, uint32_t addr, uint32_t pool_net, uint8_t prefix,
                             unsigned mtu, int no_routes, const qstp_vpn_log *log, char *err,
                             size_t errcap)
{
    uint32_t mask = qstp_vpn_prefix_mask(prefix);
    char a[16], n[16];
    int r;
    if (ifc->addr == addr && ifc->pool_net == pool_net && ifc->prefix == prefix && ifc->mtu == mtu)
        return 0;
    if (ifc->route_added && (ifc->pool_net != pool_net || ifc->prefix != prefix))
        qstp_vpn_iface_teardown(ifc);
    disable_ipv6(ifc->name);
    if ((r = qstp_vpn_if_set_addr(ifc->name, addr, 0xFFFFFFFFu)) != 0) {
        qstp_vpn_explain_errno(err, errcap, "set the address of", ifc->name, r);
        return r;
    }
    if ((r = qstp_vpn_if_set_mtu(ifc->name, mtu)) != 0) {
        qstp_vpn_explain_errno(err, errcap, "set the MTU of", ifc->name, r);
        return r;
    }
    if ((r = qstp_vpn_if_set_up(ifc->name, 1)) != 0) {
        qstp_vpn_explain_errno(err, errcap, "bring up", ifc->name, r);
        return r;
    }
    ifc->addr = addr;
    ifc->mtu = mtu;
    ifc->pool_net = pool_net;
    ifc->prefix = prefix;
    qstp_vpn_addr_format(a, addr);
    qstp_vpn_addr_format(n, pool_net);
    if (no_routes) {
        qstp_vpn_logf(log, QSTP_LOG_INFO, "%s is %s/32 (mtu %u); routes not configured "
                      "(--no-routes): run  ip route add %s/%u dev %s", ifc->name, a, mtu, n,
                      (unsigned)prefix, ifc->name);
        return 0;
    }
    /* Always (re-)add: replacing the only address of an interface makes the kernel flush the
     * routes through it, so after a re-assignment our route is gone. */
    r = qstp_vpn_route_add(ifc->name, pool_net, mask);
    if (r != 0 && r != -EEXIST) {
        qstp_vpn_explain_errno(err, errcap, "add the route to the pool through", ifc->name, r);
        return r;
    }
    ifc->route_added = 1;
    qstp_vpn_logf(log, QSTP_LOG_INFO, "%s is %s (mtu %u), route %s/%u dev %s", ifc->name, a, mtu, n,
                  (unsigned)prefix, ifc->name);
    return 0;
}

void qstp_vpn_iface_teardown(qstp_vpn_iface *ifc)
{
    if (ifc->route_added) {
        (void)qstp_vpn_route_del(ifc->name, ifc->pool_net, qstp_vpn_prefix_mask(ifc->prefix));
        ifc->route_added = 0;
    }
}
