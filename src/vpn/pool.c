/* Address pool and routing table of the VPN server (pool.h). */
#include "vpn/pool.h"

#include <stdlib.h>
#include <string.h>

#include "vpn/frame.h"

enum { SLOT_FREE = 0, SLOT_RESERVED = 1, SLOT_PENDING = 2, SLOT_ACTIVE = 3 };

int qstp_vpn_pool_init(qstp_vpn_pool *p, uint32_t network, uint8_t prefix)
{
    if (p == NULL || prefix < QSTP_VPN_PREFIX_MIN || prefix > QSTP_VPN_PREFIX_MAX)
        return -1;
    memset(p, 0, sizeof(*p));
    p->mask = qstp_vpn_prefix_mask(prefix);
    if ((network & ~p->mask) != 0)
        return -1;
    p->network = network;
    p->prefix = prefix;
    p->size = (uint32_t)1u << (32 - prefix);
    p->slots = calloc(p->size, sizeof(p->slots[0]));
    if (p->slots == NULL)
        return -1;
    p->slots[0].state = SLOT_RESERVED;           /* network address */
    p->slots[p->size - 1].state = SLOT_RESERVED; /* broadcast address */
    p->slots[1].state = SLOT_RESERVED;           /* the server */
    p->cursor = 2;
    return 0;
}

void qstp_vpn_pool_free(qstp_vpn_pool *p)
{
    if (p == NULL)
        return;
    free(p->slots);
    memset(p, 0, sizeof(*p));
}

uint32_t qstp_vpn_pool_server_addr(const qstp_vpn_pool *p)
{
    return p->network + 1;
}

uint32_t qstp_vpn_pool_capacity(const qstp_vpn_pool *p)
{
    return p->size - 3;
}

/* Index of addr in the pool, or -1 outside it. */
static int64_t slot_of(const qstp_vpn_pool *p, uint32_t addr)
{
    if ((addr & p->mask) != p->network)
        return -1;
    return (int64_t)(addr - p->network);
}

void qstp_vpn_pool_set_mtu(qstp_vpn_pool *p, uint32_t mtu)
{
    p->mtu = mtu;
}

int qstp_vpn_pool_alloc(qstp_vpn_pool *p, uint64_t id, uint32_t *addr)
{
    if (p == NULL || p->slots == NULL || p->used >= qstp_vpn_pool_capacity(p))
        return -1;
    for (uint32_t n = 0; n < p->size; n++) {
        uint32_t i = p->cursor;
        p->cursor = p->cursor + 1 >= p->size ? 2 : p->cursor + 1;
        if (p->slots[i].state == SLOT_FREE) {
            p->slots[i].state = SLOT_PENDING;
            p->slots[i].id = id;
            p->used++;
            *addr = p->network + i;
            return 0;
        }
    }
    return -1;
}

int qstp_vpn_pool_activate(qstp_vpn_pool *p, uint32_t addr, uint64_t id)
{
    int64_t i = slot_of(p, addr);
    if (i < 0 || p->slots[i].state != SLOT_PENDING || p->slots[i].id != id)
        return -1;
    p->slots[i].state = SLOT_ACTIVE;
    return 0;
}

int qstp_vpn_pool_release_id(qstp_vpn_pool *p, uint64_t id, uint32_t *addr)
{
    for (uint32_t i = 2; i + 1 < p->size; i++) {
        if ((p->slots[i].state == SLOT_PENDING || p->slots[i].state == SLOT_ACTIVE) &&
            p->slots[i].id == id) {
            p->slots[i].state = SLOT_FREE;
            p->slots[i].id = 0;
            p->used--;
            if (addr != NULL)
                *addr = p->network + i;
            return 0;
        }
    }
    return -1;
}

int qstp_vpn_pool_lookup(const qstp_vpn_pool *p, uint32_t addr, uint64_t *id)
{
    int64_t i = slot_of(p, addr);
    if (i < 0 || p->slots[i].state != SLOT_ACTIVE)
        return -1;
    *id = p->slots[i].id;
    return 0;
}

qstp_vpn_route qstp_vpn_route_from_tun(const qstp_vpn_pool *p, const uint8_t *pkt, size_t len,
                                       uint64_t *to)
{
    uint32_t src, dst;
    if (qstp_vpn_ipv4_addrs(pkt, len, &src, &dst) != 0)
        return QSTP_VPN_ROUTE_DROP;
    if (qstp_vpn_pool_lookup(p, dst, to) != 0)
        return QSTP_VPN_ROUTE_DROP;
    return QSTP_VPN_ROUTE_TUNNEL;
}

qstp_vpn_route qstp_vpn_route_from_tunnel(const qstp_vpn_pool *p, uint64_t from, const uint8_t *pkt,
                                          size_t len, uint64_t *to)
{
    uint32_t src, dst;
    uint64_t owner;
    int64_t i;
    if (qstp_vpn_ipv4_addrs(pkt, len, &src, &dst) != 0 || (p->mtu != 0 && len > p->mtu))
        return QSTP_VPN_ROUTE_DROP;
    if (qstp_vpn_pool_lookup(p, src, &owner) != 0 || owner != from)
        return QSTP_VPN_ROUTE_DROP; /* anti-spoofing: a client speaks only from its address */
    i = slot_of(p, dst);
    if (i < 0 || dst == qstp_vpn_pool_server_addr(p))
        return QSTP_VPN_ROUTE_TUN;
    if (qstp_vpn_pool_lookup(p, dst, to) != 0)
        return QSTP_VPN_ROUTE_DROP;
    return QSTP_VPN_ROUTE_TUNNEL;
}
