/* Unit tests of the VPN's pure parts: framing (src/vpn/frame.c), address pool and routing
 * decisions (src/vpn/pool.c). The TUN, the tunnel and the CLI are tested end to end in network
 * namespaces by test_vpn_pair.sh and test_vpn_mesh.sh. */
#include <stdint.h>
#include <string.h>

#include "test.h"
#include "vpn/frame.h"
#include "vpn/pool.h"
#include "vpn/vpn.h"

#define A(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))

/* A minimal IPv4 header (20 bytes) + payload, total length = len. */
static void mk_ipv4(uint8_t *p, size_t len, uint32_t src, uint32_t dst)
{
    memset(p, 0, len);
    p[0] = 0x45;
    p[2] = (uint8_t)(len >> 8);
    p[3] = (uint8_t)len;
    p[8] = 64;
    p[9] = 1;
    p[12] = (uint8_t)(src >> 24);
    p[13] = (uint8_t)(src >> 16);
    p[14] = (uint8_t)(src >> 8);
    p[15] = (uint8_t)src;
    p[16] = (uint8_t)(dst >> 24);
    p[17] = (uint8_t)(dst >> 16);
    p[18] = (uint8_t)(dst >> 8);
    p[19] = (uint8_t)dst;
}

static void test_assign(void)
{
    /* docs/PROTOCOL.md "## VPN framing": the example ASSIGN, byte for byte */
    static const uint8_t want[QSTP_VPN_ASSIGN_SIZE] = {0x01, 0x01, 24,   0,    10,   99, 0, 2,
                                                       10,   99,   0,    1,    0x05, 0x78, 0, 0};
    qstp_vpn_assign a = {A(10, 99, 0, 2), A(10, 99, 0, 1), 24, 1400}, b;
    uint8_t m[QSTP_VPN_ASSIGN_SIZE], t[QSTP_VPN_ASSIGN_SIZE + 1];
    CHECK(qstp_vpn_assign_encode(m, &a) == 0);
    CHECK_BYTES(m, want, sizeof(want), "ASSIGN encoding");
    CHECK(qstp_vpn_classify(m, sizeof(m)) == QSTP_VPN_KIND_CONTROL);
    memset(&b, 0, sizeof(b));
    CHECK(qstp_vpn_assign_decode(&b, m, sizeof(m)) == 0);
    CHECK(b.client_addr == a.client_addr && b.server_addr == a.server_addr && b.prefix == 24 &&
          b.mtu == 1400);
    /* reserved bytes are ignored on receipt */
    memcpy(t, m, sizeof(m));
    t[3] = 0xAA;
    t[15] = 0x55;
    CHECK(qstp_vpn_assign_decode(&b, t, sizeof(m)) == 0);
    /* wrong lengths */
    CHECK(qstp_vpn_assign_decode(&b, m, sizeof(m) - 1) != 0);
    memcpy(t, m, sizeof(m));
    t[sizeof(m)] = 0;
    CHECK(qstp_vpn_assign_decode(&b, t, sizeof(m) + 1) != 0);
    CHECK(qstp_vpn_assign_decode(&b, m, 0) != 0);
    /* each field tampered: rejected, and b untouched */
    {
        struct { size_t at; uint8_t v; } bad[] = {
            {0, 0x02}, {1, 0x02}, {2, 15}, {2, 31}, {4, 11},  /* client outside the pool */
            {7, 0},                                           /* client = network address */
            {7, 255},                                         /* client = broadcast */
            {7, 1},                                           /* client = server */
            {11, 0}, {12, 0x01}, {12, 0}, {12, 0xFE},         /* MTU 376, 120, 65144 */
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            qstp_vpn_assign keep = {1, 2, 3, 4};
            memcpy(t, m, sizeof(m));
            t[bad[i].at] = bad[i].v;
            b = keep;
            CHECK_MSG(qstp_vpn_assign_decode(&b, t, sizeof(m)) != 0, "tampered byte %zu = %u accepted",
                      bad[i].at, bad[i].v);
            CHECK(b.client_addr == 1 && b.server_addr == 2 && b.prefix == 3 && b.mtu == 4);
        }
    }
    /* the encoder refuses what the decoder would */
    a.mtu = 100;
    CHECK(qstp_vpn_assign_encode(m, &a) != 0);
    a.mtu = 1400;
    a.client_addr = a.server_addr;
    CHECK(qstp_vpn_assign_encode(m, &a) != 0);
    {
        uint8_t no[QSTP_VPN_NOADDR_SIZE];
        qstp_vpn_noaddr_encode(no);
        CHECK(no[0] == QSTP_VPN_CTRL_NOADDR && no[1] == QSTP_VPN_CTRL_VERSION);
        CHECK(qstp_vpn_classify(no, sizeof(no)) == QSTP_VPN_KIND_CONTROL);
    }
}

static void test_classify_ipv4(void)
{
    uint8_t p[64];
    uint32_t s = 0, d = 0;
    CHECK(qstp_vpn_classify(NULL, 0) == QSTP_VPN_KIND_INVALID);
    CHECK(qstp_vpn_classify(p, 0) == QSTP_VPN_KIND_INVALID);
    p[0] = 0x60;
    CHECK(qstp_vpn_classify(p, 40) == QSTP_VPN_KIND_IPV6);
    p[0] = 0x50;
    CHECK(qstp_vpn_classify(p, 40) == QSTP_VPN_KIND_INVALID);
    p[0] = 0xF1;
    CHECK(qstp_vpn_classify(p, 40) == QSTP_VPN_KIND_INVALID);
    mk_ipv4(p, 48, A(10, 99, 0, 2), A(10, 99, 0, 1));
    CHECK(qstp_vpn_classify(p, 48) == QSTP_VPN_KIND_IPV4);
    CHECK(qstp_vpn_ipv4_addrs(p, 48, &s, &d) == 0 && s == A(10, 99, 0, 2) && d == A(10, 99, 0, 1));
    CHECK(qstp_vpn_ipv4_addrs(p, 47, &s, &d) != 0); /* total length != record length */
    CHECK(qstp_vpn_ipv4_addrs(p, 19, &s, &d) != 0);
    p[0] = 0x44; /* IHL 16 < 20 */
    CHECK(qstp_vpn_ipv4_addrs(p, 48, &s, &d) != 0);
    p[0] = 0x4F; /* IHL 60 > 48 */
    CHECK(qstp_vpn_ipv4_addrs(p, 48, &s, &d) != 0);
    p[0] = 0x46; /* IHL 24 with options: fine */
    CHECK(qstp_vpn_ipv4_addrs(p, 48, &s, &d) == 0);
}

static void test_cidr(void)
{
    uint32_t n = 0;
    uint8_t pl = 0;
    char s[16];
    CHECK(qstp_vpn_cidr_parse("10.99.0.0/24", &n, &pl) == 0 && n == A(10, 99, 0, 0) && pl == 24);
    CHECK(qstp_vpn_cidr_parse("172.16.0.0/16", &n, &pl) == 0 && pl == 16);
    CHECK(qstp_vpn_cidr_parse("192.168.7.4/30", &n, &pl) == 0 && n == A(192, 168, 7, 4));
    CHECK(qstp_vpn_cidr_parse("10.99.0.5/24", &n, &pl) != 0); /* host bits */
    CHECK(qstp_vpn_cidr_parse("10.0.0.0/8", &n, &pl) != 0);   /* too large */
    CHECK(qstp_vpn_cidr_parse("10.0.0.0/31", &n, &pl) != 0);  /* too small */
    CHECK(qstp_vpn_cidr_parse("10.99.0.0", &n, &pl) != 0);
    CHECK(qstp_vpn_cidr_parse("10.99.0.0/24x", &n, &pl) != 0);
    CHECK(qstp_vpn_cidr_parse("256.0.0.0/24", &n, &pl) != 0);
    CHECK(qstp_vpn_cidr_parse("", &n, &pl) != 0);
    CHECK(qstp_vpn_cidr_parse(NULL, &n, &pl) != 0);
    CHECK(qstp_vpn_prefix_mask(24) == 0xFFFFFF00u && qstp_vpn_prefix_mask(0) == 0 &&
          qstp_vpn_prefix_mask(32) == 0xFFFFFFFFu);
    qstp_vpn_addr_format(s, A(10, 99, 0, 254));
    CHECK(strcmp(s, "10.99.0.254") == 0);
}

static void test_pool(void)
{
    qstp_vpn_pool p;
    uint32_t a = 0, b = 0, c = 0;
    uint64_t id = 0;
    CHECK(qstp_vpn_pool_init(&p, A(10, 99, 0, 1), 24) != 0); /* host bits */
    CHECK(qstp_vpn_pool_init(&p, A(10, 99, 0, 0), 24) == 0);
    CHECK(qstp_vpn_pool_server_addr(&p) == A(10, 99, 0, 1));
    CHECK(qstp_vpn_pool_capacity(&p) == 253);
    CHECK(qstp_vpn_pool_alloc(&p, 100, &a) == 0 && a == A(10, 99, 0, 2));
    CHECK(qstp_vpn_pool_lookup(&p, a, &id) != 0); /* pending: not routable before ASSIGN */
    CHECK(qstp_vpn_pool_activate(&p, a, 999) != 0);
    CHECK(qstp_vpn_pool_activate(&p, a, 100) == 0);
    CHECK(qstp_vpn_pool_lookup(&p, a, &id) == 0 && id == 100);
    CHECK(qstp_vpn_pool_alloc(&p, 101, &b) == 0 && b == A(10, 99, 0, 3));
    CHECK(qstp_vpn_pool_activate(&p, b, 101) == 0);
    CHECK(qstp_vpn_pool_release_id(&p, 100, &c) == 0 && c == a);
    CHECK(qstp_vpn_pool_release_id(&p, 100, &c) != 0);
    CHECK(qstp_vpn_pool_lookup(&p, a, &id) != 0);
    /* round robin: the released .2 is not handed out again at once */
    CHECK(qstp_vpn_pool_alloc(&p, 102, &c) == 0 && c == A(10, 99, 0, 4));
    qstp_vpn_pool_free(&p);

    /* a /30 holds exactly one client; the next is refused; release makes room */
    CHECK(qstp_vpn_pool_init(&p, A(192, 168, 7, 4), 30) == 0);
    CHECK(qstp_vpn_pool_capacity(&p) == 1);
    CHECK(qstp_vpn_pool_alloc(&p, 1, &a) == 0 && a == A(192, 168, 7, 6));
    CHECK(qstp_vpn_pool_alloc(&p, 2, &b) != 0);
    CHECK(qstp_vpn_pool_release_id(&p, 1, NULL) == 0);
    CHECK(qstp_vpn_pool_alloc(&p, 2, &b) == 0 && b == A(192, 168, 7, 6));
    qstp_vpn_pool_free(&p);

    /* fill a /24 completely: 253 distinct addresses, never network/server/broadcast */
    CHECK(qstp_vpn_pool_init(&p, A(10, 99, 0, 0), 24) == 0);
    {
        int ok = 1;
        for (uint64_t i = 0; i < 253; i++) {
            if (qstp_vpn_pool_alloc(&p, 1000 + i, &a) != 0 || qstp_vpn_pool_activate(&p, a, 1000 + i) != 0 ||
                (a & 0xFF) < 2 || (a & 0xFF) == 255)
                ok = 0;
        }
        CHECK(ok);
        CHECK(qstp_vpn_pool_alloc(&p, 5000, &a) != 0);
        CHECK(p.used == 253);
    }
    qstp_vpn_pool_free(&p);
}

static void test_routing(void)
{
    qstp_vpn_pool p;
    uint32_t c1 = 0, c2 = 0, srv = A(10, 99, 0, 1);
    uint64_t to = 0;
    uint8_t pkt[60];
    CHECK(qstp_vpn_pool_init(&p, A(10, 99, 0, 0), 24) == 0);
    CHECK(qstp_vpn_pool_alloc(&p, 7, &c1) == 0 && qstp_vpn_pool_activate(&p, c1, 7) == 0);
    CHECK(qstp_vpn_pool_alloc(&p, 8, &c2) == 0 && qstp_vpn_pool_activate(&p, c2, 8) == 0);

    /* from the TUN */
    mk_ipv4(pkt, sizeof(pkt), srv, c2);
    CHECK(qstp_vpn_route_from_tun(&p, pkt, sizeof(pkt), &to) == QSTP_VPN_ROUTE_TUNNEL && to == 8);
    mk_ipv4(pkt, sizeof(pkt), srv, A(10, 99, 0, 77)); /* unassigned */
    CHECK(qstp_vpn_route_from_tun(&p, pkt, sizeof(pkt), &to) == QSTP_VPN_ROUTE_DROP);
    mk_ipv4(pkt, sizeof(pkt), srv, A(8, 8, 8, 8));
    CHECK(qstp_vpn_route_from_tun(&p, pkt, sizeof(pkt), &to) == QSTP_VPN_ROUTE_DROP);
    CHECK(qstp_vpn_route_from_tun(&p, pkt, sizeof(pkt) - 1, &to) == QSTP_VPN_ROUTE_DROP);

    /* from tunnel 7 (c1) */
    mk_ipv4(pkt, sizeof(pkt), c1, c2);
    CHECK(qstp_vpn_route_from_tunnel(&p, 7, pkt, sizeof(pkt), &to) == QSTP_VPN_ROUTE_TUNNEL && to == 8);
    mk_ipv4(pkt, sizeof(pkt), c1, srv);
    CHECK(qstp_vpn_route_from_tunnel(&p, 7, pkt, sizeof(pkt), &to) == QSTP_VPN_ROUTE_TUN);
    mk_ipv4(pkt, sizeof(pkt), c1, A(192, 0, 2, 1)); /* beyond the pool: the kernel decides */
    CHECK(qstp_vpn_route_from_tunnel(&p, 7, pkt, sizeof(pkt), &to) == QSTP_VPN_ROUTE_TUN);
    mk_ipv4(pkt, sizeof(pkt), c1, A(10, 99, 0, 200)); /* unassigned pool address */
    CHECK(qstp_vpn_route_from_tunnel(&p, 7, pkt, sizeof(pkt), &to) == QSTP_VPN_ROUTE_DROP);
    mk_ipv4(pkt, sizeof(pkt), c1, A(10, 99, 0, 255)); /* broadcast */
    CHECK(qstp_vpn_route_from_tunnel(&p, 7, pkt, sizeof(pkt), &to) == QSTP_VPN_ROUTE_DROP);
    /* spoofing: tunnel 7 claiming c2's address, the server's, or one outside the pool */
    mk_ipv4(pkt, sizeof(pkt), c2, srv);
    CHECK(qstp_vpn_route_from_tunnel(&p, 7, pkt, sizeof(pkt), &to) == QSTP_VPN_ROUTE_DROP);
    mk_ipv4(pkt, sizeof(pkt), srv, c2);
    CHECK(qstp_vpn_route_from_tunnel(&p, 7, pkt, sizeof(pkt), &to) == QSTP_VPN_ROUTE_DROP);
    mk_ipv4(pkt, sizeof(pkt), A(1, 2, 3, 4), srv);
    CHECK(qstp_vpn_route_from_tunnel(&p, 7, pkt, sizeof(pkt), &to) == QSTP_VPN_ROUTE_DROP);
    /* a tunnel with no address (pending or unknown) sends nothing */
    mk_ipv4(pkt, sizeof(pkt), c1, srv);
    CHECK(qstp_vpn_route_from_tunnel(&p, 9, pkt, sizeof(pkt), &to) == QSTP_VPN_ROUTE_DROP);
    /* after c2's tunnel closes its address is no longer routable */
    CHECK(qstp_vpn_pool_release_id(&p, 8, NULL) == 0);
    mk_ipv4(pkt, sizeof(pkt), c1, c2);
    CHECK(qstp_vpn_route_from_tunnel(&p, 7, pkt, sizeof(pkt), &to) == QSTP_VPN_ROUTE_DROP);
    /* IPv6 and control messages are not routed */
    pkt[0] = 0x60;
    CHECK(qstp_vpn_route_from_tunnel(&p, 7, pkt, sizeof(pkt), &to) == QSTP_VPN_ROUTE_DROP);
    pkt[0] = 0x01;
    CHECK(qstp_vpn_route_from_tun(&p, pkt, sizeof(pkt), &to) == QSTP_VPN_ROUTE_DROP);
    qstp_vpn_pool_free(&p);
}

static void test_backoff(void)
{
    /* 1 s doubling to 30 s, and staying there */
    static const uint32_t want[] = {1000, 2000, 4000, 8000, 16000, 30000, 30000};
    uint32_t ms = 0;
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        ms = qstp_vpn_backoff_next(ms);
        CHECK_MSG(ms == want[i], "backoff step %zu: %u ms, want %u", i, (unsigned)ms, (unsigned)want[i]);
    }
    CHECK(qstp_vpn_backoff_next(UINT32_MAX) == 30000);
}

int main(void)
{
    test_backoff();
    test_assign();
    test_classify_ipv4();
    test_cidr();
    test_pool();
    test_routing();
    return test_report();
}
