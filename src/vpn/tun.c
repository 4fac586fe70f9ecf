/* TUN device and interface configuration through ioctl (tun.h). Linux only. */
#include "vpn/tun.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int qstp_vpn_tun_open(const char *name, char actual[IFNAMSIZ])
{
    struct ifreq ifr;
    int fd, e;
    if (name == NULL || strlen(name) >= IFNAMSIZ)
        return -EINVAL;
    fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    memset(&ifr, 0, sizeof(ifr));
    /* IFF_NO_PI: no 4-byte packet-information header, so a read is exactly one IP packet and
     * a record's plaintext can be written back unchanged. */
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    memcpy(ifr.ifr_name, name, strlen(name));
    if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
        e = errno;
        close(fd);
        return -e;
    }
    if (actual != NULL) {
        memset(actual, 0, IFNAMSIZ);
        memcpy(actual, ifr.ifr_name, strnlen(ifr.ifr_name, IFNAMSIZ - 1));
    }
    return fd;
}

/* ioctl on a throw-away datagram socket (interface ioctls need one). */
static int sock_ioctl(unsigned long req, void *arg)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), e = 0;
    if (s < 0)
        return -errno;
    if (ioctl(s, req, arg) != 0)
        e = -errno;
    close(s);
    return e;
}

static void fill_ifreq(struct ifreq *ifr, const char *ifname)
{
    memset(ifr, 0, sizeof(*ifr));
    snprintf(ifr->ifr_name, IFNAMSIZ, "%s", ifname);
}

static void fill_sin(struct sockaddr *sa, uint32_t addr)
{
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(addr);
    memcpy(sa, &sin, sizeof(sin));
}

int qstp_vpn_if_set_addr(const char *ifname, uint32_t addr, uint32_t netmask)
{
    struct ifreq ifr;
    int r;
    fill_ifreq(&ifr, ifname);
    fill_sin(&ifr.ifr_addr, addr);
    if ((r = sock_ioctl(SIOCSIFADDR, &ifr)) != 0)
        return r;
    fill_ifreq(&ifr, ifname);
    fill_sin(&ifr.ifr_netmask, netmask);
    return sock_ioctl(SIOCSIFNETMASK, &ifr);
}

int qstp_vpn_if_set_mtu(const char *ifname, unsigned mtu)
{
    struct ifreq ifr;
    fill_ifreq(&ifr, ifname);
    ifr.ifr_mtu = (int)mtu;
    return sock_ioctl(SIOCSIFMTU, &ifr);
}

int qstp_vpn_if_set_up(const char *ifname, int up)
{
    struct ifreq ifr;
    int r;
    fill_ifreq(&ifr, ifname);
    if ((r = sock_ioctl(SIOCGIFFLAGS, &ifr)) != 0)
        return r;
    if (up)
        ifr.ifr_flags |= (short)(IFF_UP | IFF_RUNNING);
    else
        ifr.ifr_flags &= (short)~IFF_UP;
    return sock_ioctl(SIOCSIFFLAGS, &ifr);
}

static int route_op(unsigned long req, const char *ifname, uint32_t net, uint32_t netmask)
{
    struct rtentry rt;
    char dev[IFNAMSIZ];
    memset(&rt, 0, sizeof(rt));
    snprintf(dev, sizeof(dev), "%s", ifname);
    fill_sin(&rt.rt_dst, net & netmask);
    fill_sin(&rt.rt_genmask, netmask);
    fill_sin(&rt.rt_gateway, 0);
    rt.rt_flags = RTF_UP | (netmask == 0xFFFFFFFFu ? RTF_HOST : 0);
    rt.rt_dev = dev;
    return sock_ioctl(req, &rt);
}

int qstp_vpn_route_add(const char *ifname, uint32_t net, uint32_t netmask)
{
    return route_op(SIOCADDRT, ifname, net, netmask);
}

int qstp_vpn_route_del(const char *ifname, uint32_t net, uint32_t netmask)
{
    return route_op(SIOCDELRT, ifname, net, netmask);
}
