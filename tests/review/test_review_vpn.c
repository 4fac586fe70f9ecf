/* Review of the VPN's routing and framing (src/vpn/pool.c, frame.c; used by vpn_server.c and
 * vpn_client.c).
 *
 * R3-VPN-1: the server wrote any IPv4 packet a tunnel sent to its TUN, or relayed it to another
 * client, whatever its size: a peer could push 65,000-byte packets past the MTU it was told
 * (ASSIGN) into the server's network stack and other clients' TUNs. The pool now knows the MTU
 * and the route of an oversized packet is DROP.
 * R3-VPN-2: the client wrote every IPv4 and IPv6 packet from the server to its TUN. The server
 * only ever routes IPv4 for the client's own address within the MTU; the client now accepts just
 * that (qstp_vpn_client_accepts), so a misbehaving server cannot inject traffic for other hosts.
 * Regression checks: pool exhaustion and reuse (a released address is not handed out again at
 * once while others are free; a full pool refuses; the last address is reusable), malformed
 * IPv4 headers. */
#include <stdint.h>
#include <string.h>

#include "test.h"
#include "vpn/frame.h"
#include "vpn/pool.h"

#define A(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))

static uint8_t pkt[70000];

static void mk_ipv4(size_t len, uint32_t src, uint32_t dst)
{
    memset(pkt, 0, len);
    pkt[0] = 0x45;
    pkt[2] = (uint8_t)(len >> 8);
    pkt[3] = (uint8_t)len;
    pkt[8] = 64;
    pkt[9] = 17;
    for (int i = 0; i < 4; i++) {
        pkt[12 + i] = (uint8_t)(src >> (24 - 8 * i));
        pkt[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
    }
}

static void test_server_mtu(void)
{
    qstp_vpn_pool p;
    uint32_t a1 = 0, a2 = 0;
    uint64_t to = 0;
    const uint32_t outside = A(192, 0, 2, 7);

    CHECK(qstp_vpn_pool_init(&p, A(10, 99, 0, 0), 24) == 0);
    qstp_vpn_pool_set_mtu(&p, 1400);
    CHECK(qstp_vpn_pool_alloc(&p, 11, &a1) == 0 && qstp_vpn_pool_activate(&p, a1, 11) == 0);
    CHECK(qstp_vpn_pool_alloc(&p, 22, &a2) == 0 && qstp_vpn_pool_activate(&p, a2, 22) == 0);

    /* At the MTU: routed (to the TUN, and to the other client). */
    mk_ipv4(1400, a1, outside);
    CHECK(qstp_vpn_route_from_tunnel(&p, 11, pkt, 1400, &to) == QSTP_VPN_ROUTE_TUN);
    mk_ipv4(1400, a1, a2);
    CHECK(qstp_vpn_route_from_tunnel(&p, 11, pkt, 1400, &to) == QSTP_VPN_ROUTE_TUNNEL && to == 22);
    /* R3-VPN-1: one byte over, and the largest a record carries: dropped. */
    mk_ipv4(1401, a1, outside);
    CHECK_MSG(qstp_vpn_route_from_tunnel(&p, 11, pkt, 1401, &to) == QSTP_VPN_ROUTE_DROP,
              "R3-VPN-1: a 1401-byte packet on a 1400 MTU went to the TUN");
    mk_ipv4(65000, a1, a2);
    CHECK_MSG(qstp_vpn_route_from_tunnel(&p, 11, pkt, 65000, &to) == QSTP_VPN_ROUTE_DROP,
              "R3-VPN-1: a 65000-byte packet was relayed to another client");
    /* No MTU set: no limit (what the pool did before; unit users rely on it). */
    qstp_vpn_pool_set_mtu(&p, 0);
    mk_ipv4(65000, a1, outside);
    CHECK(qstp_vpn_route_from_tunnel(&p, 11, pkt, 65000, &to) == QSTP_VPN_ROUTE_TUN);
    /* Malformed headers are dropped: total length != record length, IHL < 5, IHL past the end. */
    mk_ipv4(100, a1, outside);
    CHECK(qstp_vpn_route_from_tunnel(&p, 11, pkt, 99, &to) == QSTP_VPN_ROUTE_DROP);
    pkt[0] = 0x44;
    CHECK(qstp_vpn_route_from_tunnel(&p, 11, pkt, 100, &to) == QSTP_VPN_ROUTE_DROP);
    mk_ipv4(20, a1, outside);
    pkt[0] = 0x46;
    CHECK(qstp_vpn_route_from_tunnel(&p, 11, pkt, 20, &to) == QSTP_VPN_ROUTE_DROP);
    CHECK(qstp_vpn_route_from_tunnel(&p, 11, pkt, 19, &to) == QSTP_VPN_ROUTE_DROP);
    qstp_vpn_pool_free(&p);
}

static void test_client_accepts(void)
{
    const qstp_vpn_assign a = {A(10, 99, 0, 2), A(10, 99, 0, 1), 24, 1400};

    mk_ipv4(1400, A(10, 99, 0, 1), a.client_addr);
    CHECK(qstp_vpn_client_accepts(&a, 1400, pkt, 1400));
    mk_ipv4(60, A(8, 8, 8, 8), a.client_addr);
    CHECK(qstp_vpn_client_accepts(&a, 1400, pkt, 60));
    /* R3-VPN-2: for another host, oversized, IPv6, malformed, truncated. */
    mk_ipv4(60, A(10, 99, 0, 1), A(10, 99, 0, 3));
    CHECK(!qstp_vpn_client_accepts(&a, 1400, pkt, 60));
    mk_ipv4(60, A(10, 99, 0, 1), A(192, 168, 1, 1));
    CHECK(!qstp_vpn_client_accepts(&a, 1400, pkt, 60));
    mk_ipv4(1401, A(10, 99, 0, 1), a.client_addr);
    CHECK(!qstp_vpn_client_accepts(&a, 1400, pkt, 1401));
    memset(pkt, 0, 60);
    pkt[0] = 0x60;
    CHECK(!qstp_vpn_client_accepts(&a, 1400, pkt, 60));
    mk_ipv4(60, A(10, 99, 0, 1), a.client_addr);
    CHECK(!qstp_vpn_client_accepts(&a, 1400, pkt, 59));
    CHECK(!qstp_vpn_client_accepts(&a, 1400, pkt, 19));
    CHECK(!qstp_vpn_client_accepts(&a, 1400, pkt, 0));
    CHECK(!qstp_vpn_client_accepts(NULL, 1400, pkt, 60));
}

static void test_pool_reuse(void)
{
    qstp_vpn_pool p;
    uint32_t a[8], b = 0;

    /* /30: one client address. Full pool refuses; released, the address is usable again. */
    CHECK(qstp_vpn_pool_init(&p, A(10, 1, 0, 0), 30) == 0);
    CHECK(qstp_vpn_pool_capacity(&p) == 1);
    CHECK(qstp_vpn_pool_alloc(&p, 1, &a[0]) == 0 && a[0] == A(10, 1, 0, 2));
    CHECK(qstp_vpn_pool_alloc(&p, 2, &b) != 0);
    CHECK(qstp_vpn_pool_release_id(&p, 1, NULL) == 0);
    CHECK(qstp_vpn_pool_release_id(&p, 1, NULL) != 0); /* twice: nothing held */
    CHECK(qstp_vpn_pool_alloc(&p, 3, &b) == 0 && b == a[0]);
    qstp_vpn_pool_free(&p);

    /* /29: five. A released address is not the next one handed out while others are free, so a
     * packet still in flight for the old tunnel does not reach a new client at once. */
    CHECK(qstp_vpn_pool_init(&p, A(10, 2, 0, 0), 29) == 0);
    for (unsigned i = 0; i < 5; i++)
        CHECK(qstp_vpn_pool_alloc(&p, 100 + i, &a[i]) == 0 && qstp_vpn_pool_activate(&p, a[i], 100 + i) == 0);
    CHECK(qstp_vpn_pool_alloc(&p, 200, &b) != 0);
    CHECK(qstp_vpn_pool_release_id(&p, 101, NULL) == 0 && qstp_vpn_pool_release_id(&p, 103, NULL) == 0);
    CHECK(qstp_vpn_pool_alloc(&p, 201, &b) == 0 && b == a[1]);
    CHECK(qstp_vpn_pool_release_id(&p, 201, NULL) == 0);
    CHECK(qstp_vpn_pool_alloc(&p, 202, &b) == 0 && b == a[3]); /* not a[1] again */
    {
        uint64_t id = 0;
        CHECK(qstp_vpn_pool_lookup(&p, a[1], &id) != 0); /* released: not routable */
        CHECK(qstp_vpn_pool_lookup(&p, b, &id) != 0);    /* pending: not routable until activated */
    }
    qstp_vpn_pool_free(&p);
}

int main(void)
{
    test_server_mtu();
    test_client_accepts();
    test_pool_reuse();
    return test_report();
}
