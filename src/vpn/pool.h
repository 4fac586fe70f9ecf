/* The server's address pool and routing table (one structure: a slot per address of the pool,
 * holding the tunnel that owns it). The server takes the pool's first host address; clients get
 * the next free ones, round robin so a just-released address is reused last; an address is
 * released when its tunnel closes. Lookups are O(1) (index = address - network).
 *
 * Not thread-safe: the VPN server holds its own mutex around every call. Heap memory: one slot
 * array of 2^(32 - prefix) entries (at most 65536 for a /16). Return values: 0 or -1. */
#ifndef QSTP_VPN_POOL_H
#define QSTP_VPN_POOL_H

#include <stddef.h>
#include <stdint.h>

typedef enum qstp_vpn_route {
    QSTP_VPN_ROUTE_DROP = 0,   /* malformed, spoofed, unassigned destination, not IPv4 */
    QSTP_VPN_ROUTE_TUN = 1,    /* to the server's own TUN (its address, or beyond the pool) */
    QSTP_VPN_ROUTE_TUNNEL = 2  /* to the client tunnel *to */
} qstp_vpn_route;

typedef struct qstp_vpn_slot {
    uint64_t id;   /* owning tunnel (valid when state != FREE) */
    uint8_t state; /* SLOT_* in pool.c */
} qstp_vpn_slot;

typedef struct qstp_vpn_pool {
    uint32_t network;
    uint32_t mask;
    uint8_t prefix;
    uint32_t size;   /* addresses in the pool, network and broadcast included */
    uint32_t cursor; /* where the next allocation starts looking */
    uint32_t used;   /* client addresses held (pending or active) */
    uint32_t mtu;    /* largest packet a tunnel may send (the tunnel MTU); 0: no limit */
    qstp_vpn_slot *slots;
} qstp_vpn_pool;

/* net/prefix as qstp_vpn_cidr_parse gives them. Reserves the network, broadcast and server
 * addresses. */
int qstp_vpn_pool_init(qstp_vpn_pool *p, uint32_t network, uint8_t prefix);
void qstp_vpn_pool_free(qstp_vpn_pool *p);
/* The pool's first host address (network + 1): the server's. */
uint32_t qstp_vpn_pool_server_addr(const qstp_vpn_pool *p);
/* Client addresses the pool can hold at once. */
uint32_t qstp_vpn_pool_capacity(const qstp_vpn_pool *p);

/* Reserves a free address for tunnel id in the PENDING state (not routable yet: the server sends
 * the ASSIGN message first, then activates). -1 when the pool is full. */
int qstp_vpn_pool_alloc(qstp_vpn_pool *p, uint64_t id, uint32_t *addr);
/* PENDING -> ACTIVE for the address held by id. */
int qstp_vpn_pool_activate(qstp_vpn_pool *p, uint32_t addr, uint64_t id);
/* Frees the address held by tunnel id (found by scanning; closes are rare). -1 if it holds none. */
int qstp_vpn_pool_release_id(qstp_vpn_pool *p, uint64_t id, uint32_t *addr);
/* The ACTIVE tunnel holding addr, or -1. */
int qstp_vpn_pool_lookup(const qstp_vpn_pool *p, uint32_t addr, uint64_t *id);

/* Sets the tunnel MTU the server announced: a packet longer than it from a tunnel is dropped
 * (R3-VPN-1: the client's TUN never produces one, so only a misbehaving peer sends it, and the
 * server's TUN and the other clients' TUNs are configured for mtu). 0: no limit. */
void qstp_vpn_pool_set_mtu(qstp_vpn_pool *p, uint32_t mtu);

/* Routing decisions of the server (docs/VPN.md "Routing"):
 * - a packet read from the server's TUN goes to the tunnel holding its destination, else DROP;
 * - a packet from tunnel `from` must be IPv4 with the source address `from` was assigned (else
 *   DROP: no spoofing of other clients); a destination held by another client goes straight to
 *   that tunnel; the server's address, and everything outside the pool, goes to the TUN (the
 *   kernel then delivers or forwards it as configured); the pool's unassigned addresses,
 *   network and broadcast are dropped. So is a packet from a tunnel longer than the pool's MTU. */
qstp_vpn_route qstp_vpn_route_from_tun(const qstp_vpn_pool *p, const uint8_t *pkt, size_t len,
                                       uint64_t *to);
qstp_vpn_route qstp_vpn_route_from_tunnel(const qstp_vpn_pool *p, uint64_t from, const uint8_t *pkt,
                                          size_t len, uint64_t *to);

#endif
