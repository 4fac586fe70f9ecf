/* TUN interfaces and their configuration by ioctl (no `ip` command is run): open
 * /dev/net/tun with IFF_TUN | IFF_NO_PI (each read/write is exactly one IP packet), set the
 * address, netmask, MTU and UP flag (SIOCSIFADDR, SIOCSIFNETMASK, SIOCSIFMTU, SIOCSIFFLAGS),
 * add and delete routes (SIOCADDRT / SIOCDELRT). The interface is not persistent: it disappears,
 * with its routes, when the last descriptor closes, including when the process is killed.
 *
 * All of these need CAP_NET_ADMIN. Return values: 0 (or a descriptor) on success, a negated errno
 * on failure, so the caller can tell EPERM/EACCES ("run as root") from the rest. */
#ifndef QSTP_VPN_TUN_H
#define QSTP_VPN_TUN_H

#include <net/if.h>
#include <stdint.h>

/* Opens (creating) TUN interface `name` (at most IFNAMSIZ - 1 characters; "qstp%d" lets the
 * kernel number it). actual receives the kernel's name. Descriptor is close-on-exec, blocking. */
int qstp_vpn_tun_open(const char *name, char actual[IFNAMSIZ]);

/* addr and netmask in host byte order. */
int qstp_vpn_if_set_addr(const char *ifname, uint32_t addr, uint32_t netmask);
int qstp_vpn_if_set_mtu(const char *ifname, unsigned mtu);
int qstp_vpn_if_set_up(const char *ifname, int up);

/* Route to net/netmask through the interface (no gateway: a TUN is point-to-point). */
int qstp_vpn_route_add(const char *ifname, uint32_t net, uint32_t netmask);
int qstp_vpn_route_del(const char *ifname, uint32_t net, uint32_t netmask);

#endif
