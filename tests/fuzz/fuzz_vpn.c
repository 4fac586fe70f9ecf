/* Fuzz target: the VPN's parsers and routing decisions (src/vpn/frame.c, pool.c), which see
 * every record a VPN peer sends. data[0] % 4 picks:
 *   0: ASSIGN decode; a decoded message re-encodes to the same bytes (reserved bytes zeroed);
 *   1: an IPv4 packet from the server at the client: header parse and qstp_vpn_client_accepts
 *      (accepted => IPv4, total length == record length, within the MTU, for our address);
 *   2: a packet from tunnel 1 (2 if data[0] & 4) at the server: the route, with the invariants of docs/VPN.md
 *      (never from a spoofed source, never longer than the MTU, a TUNNEL route goes to the
 *      holder of the destination);
 *   3: CIDR text parse; a parsed pool formats and parses back to itself.
 * Crashes and sanitizer reports are the findings; a broken invariant aborts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpn/frame.h"
#include "vpn/pool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define A(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))

static void fuzz_assign(const uint8_t *d, size_t n)
{
    qstp_vpn_assign a;
    uint8_t back[QSTP_VPN_ASSIGN_SIZE], want[QSTP_VPN_ASSIGN_SIZE];
    if (qstp_vpn_assign_decode(&a, d, n) != 0)
        return;
    if (n != QSTP_VPN_ASSIGN_SIZE || qstp_vpn_assign_encode(back, &a) != 0)
        abort();
    memcpy(want, d, sizeof want);
    want[3] = want[14] = want[15] = 0;
    if (memcmp(back, want, sizeof want) != 0)
        abort();
}

static void fuzz_client(const uint8_t *d, size_t n)
{
    const qstp_vpn_assign a = {A(10, 99, 0, 2), A(10, 99, 0, 1), 24, 1400};
    uint32_t src, dst;
    const int parsed = qstp_vpn_ipv4_addrs(d, n, &src, &dst) == 0;
    if (qstp_vpn_client_accepts(&a, a.mtu, d, n)) {
        if (!parsed || n > a.mtu || dst != a.client_addr || (d[0] >> 4) != 4 || ((size_t)d[2] << 8 | d[3]) != n)
            abort();
    }
}

static void fuzz_route(uint8_t sel, const uint8_t *d, size_t n)
{
    qstp_vpn_pool p;
    uint32_t a1, a2, src, dst;
    uint64_t to = 0, owner;
    const uint64_t from = (sel & 4) ? 2 : 1; /* the selector's bit 2: which client sends */
    qstp_vpn_route r;
    if (qstp_vpn_pool_init(&p, A(10, 99, 0, 0), 24) != 0)
        abort();
    qstp_vpn_pool_set_mtu(&p, 1400);
    if (qstp_vpn_pool_alloc(&p, 1, &a1) != 0 || qstp_vpn_pool_activate(&p, a1, 1) != 0 ||
        qstp_vpn_pool_alloc(&p, 2, &a2) != 0 || qstp_vpn_pool_activate(&p, a2, 2) != 0)
        abort();
    r = qstp_vpn_route_from_tunnel(&p, from, d, n, &to);
    if (r != QSTP_VPN_ROUTE_DROP) {
        if (qstp_vpn_ipv4_addrs(d, n, &src, &dst) != 0 || n > 1400)
            abort();
        if (qstp_vpn_pool_lookup(&p, src, &owner) != 0 || owner != from)
            abort(); /* spoofed source routed */
        if (r == QSTP_VPN_ROUTE_TUNNEL && (qstp_vpn_pool_lookup(&p, dst, &owner) != 0 || owner != to))
            abort();
    }
    r = qstp_vpn_route_from_tun(&p, d, n, &to);
    if (r == QSTP_VPN_ROUTE_TUNNEL && to != 1 && to != 2)
        abort();
    qstp_vpn_pool_free(&p);
}

static void fuzz_cidr(const uint8_t *d, size_t n)
{
    char s[64], f[16], again[24];
    uint32_t net, net2;
    uint8_t prefix, prefix2;
    if (n >= sizeof s)
        n = sizeof s - 1;
    memcpy(s, d, n);
    s[n] = '\0';
    if (qstp_vpn_cidr_parse(s, &net, &prefix) != 0)
        return;
    if (prefix < QSTP_VPN_PREFIX_MIN || prefix > QSTP_VPN_PREFIX_MAX || (net & ~qstp_vpn_prefix_mask(prefix)) != 0)
        abort();
    qstp_vpn_addr_format(f, net);
    snprintf(again, sizeof again, "%s/%u", f, (unsigned)prefix);
    if (qstp_vpn_cidr_parse(again, &net2, &prefix2) != 0 || net2 != net || prefix2 != prefix)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    switch (data[0] % 4) {
    case 0: fuzz_assign(data + 1, size - 1); break;
    case 1: fuzz_client(data + 1, size - 1); break;
    case 2: fuzz_route(data[0], data + 1, size - 1); break;
    default: fuzz_cidr(data + 1, size - 1); break;
    }
    return 0;
}
