/* VPN framing: control messages and the IPv4 header fields the router needs
 * (docs/PROTOCOL.md "## VPN framing"). */
#include "vpn/frame.h"

#include <stdio.h>
#include <string.h>

static uint32_t get_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

qstp_vpn_kind qstp_vpn_classify(const uint8_t *data, size_t len)
{
    if (data == NULL || len == 0)
        return QSTP_VPN_KIND_INVALID;
    switch (data[0] >> 4) {
    case 0:
        return QSTP_VPN_KIND_CONTROL;
    case 4:
        return QSTP_VPN_KIND_IPV4;
    case 6:
        return QSTP_VPN_KIND_IPV6;
    default:
        return QSTP_VPN_KIND_INVALID;
    }
}

uint32_t qstp_vpn_prefix_mask(unsigned prefix)
{
    if (prefix == 0)
        return 0;
    if (prefix >= 32)
        return 0xFFFFFFFFu;
    return 0xFFFFFFFFu << (32 - prefix);
}

/* Both addresses are hosts (neither the network nor the broadcast address) of one pool, and
 * differ. */
static int assign_valid(const qstp_vpn_assign *a)
{
    uint32_t mask;
    if (a->prefix < QSTP_VPN_PREFIX_MIN || a->prefix > QSTP_VPN_PREFIX_MAX)
        return 0;
    if (a->mtu < QSTP_VPN_MTU_MIN || a->mtu > QSTP_VPN_MTU_MAX)
        return 0;
    mask = qstp_vpn_prefix_mask(a->prefix);
    if ((a->client_addr & mask) != (a->server_addr & mask) || a->client_addr == a->server_addr)
        return 0;
    if ((a->client_addr & ~mask) == 0 || (a->client_addr & ~mask) == ~mask)
        return 0;
    if ((a->server_addr & ~mask) == 0 || (a->server_addr & ~mask) == ~mask)
        return 0;
    return 1;
}

int qstp_vpn_assign_encode(uint8_t out[QSTP_VPN_ASSIGN_SIZE], const qstp_vpn_assign *a)
{
    if (out == NULL || a == NULL || !assign_valid(a))
        return -1;
    out[0] = QSTP_VPN_CTRL_ASSIGN;
    out[1] = QSTP_VPN_CTRL_VERSION;
    out[2] = a->prefix;
    out[3] = 0;
    put_be32(out + 4, a->client_addr);
    put_be32(out + 8, a->server_addr);
    out[12] = (uint8_t)(a->mtu >> 8);
    out[13] = (uint8_t)a->mtu;
    out[14] = 0;
    out[15] = 0;
    return 0;
}

int qstp_vpn_assign_decode(qstp_vpn_assign *a, const uint8_t *in, size_t len)
{
    qstp_vpn_assign t;
    if (a == NULL || in == NULL || len != QSTP_VPN_ASSIGN_SIZE)
        return -1;
    if (in[0] != QSTP_VPN_CTRL_ASSIGN || in[1] != QSTP_VPN_CTRL_VERSION)
        return -1;
    /* bytes 3, 14 and 15 are reserved: sent as zero, ignored on receipt (room for options) */
    t.prefix = in[2];
    t.client_addr = get_be32(in + 4);
    t.server_addr = get_be32(in + 8);
    t.mtu = (uint16_t)(((unsigned)in[12] << 8) | in[13]);
    if (!assign_valid(&t))
        return -1;
    *a = t;
    return 0;
}

void qstp_vpn_noaddr_encode(uint8_t out[QSTP_VPN_NOADDR_SIZE])
{
    out[0] = QSTP_VPN_CTRL_NOADDR;
    out[1] = QSTP_VPN_CTRL_VERSION;
}

int qstp_vpn_ipv4_addrs(const uint8_t *pkt, size_t len, uint32_t *src, uint32_t *dst)
{
    size_t ihl, total;
    if (pkt == NULL || len < 20 || (pkt[0] >> 4) != 4)
        return -1;
    ihl = (size_t)(pkt[0] & 0x0F) * 4u;
    total = ((size_t)pkt[2] << 8) | pkt[3];
    if (ihl < 20 || ihl > len || total != len)
        return -1;
    *src = get_be32(pkt + 12);
    *dst = get_be32(pkt + 16);
    return 0;
}

int qstp_vpn_client_accepts(const qstp_vpn_assign *a, unsigned mtu, const uint8_t *pkt, size_t len)
{
    uint32_t src, dst;
    if (a == NULL || len > mtu || qstp_vpn_ipv4_addrs(pkt, len, &src, &dst) != 0)
        return 0;
    return dst == a->client_addr;
}

int qstp_vpn_cidr_parse(const char *s, uint32_t *net, uint8_t *prefix)
{
    unsigned o[4], p;
    char tail;
    uint32_t a;
    if (s == NULL || sscanf(s, "%3u.%3u.%3u.%3u/%2u%c", &o[0], &o[1], &o[2], &o[3], &p, &tail) != 5)
        return -1;
    if (o[0] > 255 || o[1] > 255 || o[2] > 255 || o[3] > 255)
        return -1;
    if (p < QSTP_VPN_PREFIX_MIN || p > QSTP_VPN_PREFIX_MAX)
        return -1;
    a = (o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3];
    if ((a & ~qstp_vpn_prefix_mask(p)) != 0)
        return -1; /* host bits set: "10.99.0.5/24" is a typo for a pool */
    *net = a;
    *prefix = (uint8_t)p;
    return 0;
}

void qstp_vpn_addr_format(char out[16], uint32_t addr)
{
    snprintf(out, 16, "%u.%u.%u.%u", (unsigned)(addr >> 24), (unsigned)((addr >> 16) & 0xFF),
             (unsigned)((addr >> 8) & 0xFF), (unsigned)(addr & 0xFF));
}
