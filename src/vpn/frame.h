/* VPN framing (docs/PROTOCOL.md "## VPN framing"): what the plaintext of each QSTP record carries
 * in `qstp vpn` mode. One record = one IP packet, or one control message. The two are told apart
 * by the first nibble, which is the IP version in an IP packet (4 or 6) and 0 in a control
 * message. No I/O here; everything is a pure function of its arguments (unit-tested in
 * tests/vpn/test_vpn_units.c).
 *
 * Addresses are IPv4 in host byte order (uint32_t) everywhere in src/vpn; the wire carries them in
 * network order. Return values: 0 or -1 (the only failure is "malformed"). */
#ifndef QSTP_VPN_FRAME_H
#define QSTP_VPN_FRAME_H

#include <stddef.h>
#include <stdint.h>

/* Control message types (first byte; its high nibble is 0). */
#define QSTP_VPN_CTRL_ASSIGN 0x01u  /* server -> client: your address, the pool, the MTU */
#define QSTP_VPN_CTRL_NOADDR 0x02u  /* server -> client: the pool is full; the server closes */
#define QSTP_VPN_CTRL_VERSION 0x01u /* second byte of every control message */

#define QSTP_VPN_ASSIGN_SIZE 16u
#define QSTP_VPN_NOADDR_SIZE 2u

/* Limits of the tunnel MTU: IPv4's minimum reassembly size, and the record plaintext maximum
 * rounded down (a packet is always one record, QSTP_SESSION_SEND_MAX = 65504). */
#define QSTP_VPN_MTU_MIN 576u
#define QSTP_VPN_MTU_MAX 65000u
#define QSTP_VPN_MTU_DEFAULT 1400u
/* Pool prefix lengths accepted: at least the server and one client (/30), at most 65534 hosts. */
#define QSTP_VPN_PREFIX_MIN 16u
#define QSTP_VPN_PREFIX_MAX 30u

typedef enum qstp_vpn_kind {
    QSTP_VPN_KIND_INVALID = 0, /* empty, or a first nibble that is neither 0, 4 nor 6 */
    QSTP_VPN_KIND_CONTROL = 1,
    QSTP_VPN_KIND_IPV4 = 4,
    QSTP_VPN_KIND_IPV6 = 6
} qstp_vpn_kind;

typedef struct qstp_vpn_assign {
    uint32_t client_addr; /* the address the client puts on its TUN */
    uint32_t server_addr; /* the server's own tunnel address (the pool's first host) */
    uint8_t prefix;       /* the pool's prefix length */
    uint16_t mtu;         /* the server's tunnel MTU */
} qstp_vpn_assign;

/* What a record's plaintext is, from its first nibble. Says nothing of validity beyond that. */
qstp_vpn_kind qstp_vpn_classify(const uint8_t *data, size_t len);

/* ASSIGN (16 bytes): type 0x01 | version 0x01 | prefix | 0 | client (4, BE) | server (4, BE) |
 * MTU (2, BE) | 0 0. Encoding checks the values as decoding does. */
int qstp_vpn_assign_encode(uint8_t out[QSTP_VPN_ASSIGN_SIZE], const qstp_vpn_assign *a);
/* Decodes and validates: exact length, version, prefix in range, both addresses hosts of the same
 * pool and different, MTU in range. *a is untouched on failure. */
int qstp_vpn_assign_decode(qstp_vpn_assign *a, const uint8_t *in, size_t len);
/* NOADDR (2 bytes): type 0x02 | version 0x01. */
void qstp_vpn_noaddr_encode(uint8_t out[QSTP_VPN_NOADDR_SIZE]);

/* The source and destination of an IPv4 packet, after checking that it is one: version 4,
 * header length >= 20 and within len, total length == len (TUN reads and records hold exactly
 * one packet). */
int qstp_vpn_ipv4_addrs(const uint8_t *pkt, size_t len, uint32_t *src, uint32_t *dst);

/* Whether the client writes a packet from the server to its TUN (R3-VPN-2): an IPv4 packet
 * (qstp_vpn_ipv4_addrs) addressed to the client's own address, at most mtu bytes (the
 * interface's MTU). The server routes only such packets; anything else (IPv6, a packet for
 * another host, an oversized one) would be injected into the client's network stack and, with
 * forwarding on, beyond it. */
int qstp_vpn_client_accepts(const qstp_vpn_assign *a, unsigned mtu, const uint8_t *pkt, size_t len);

/* Netmask of a prefix length (0..32). */
uint32_t qstp_vpn_prefix_mask(unsigned prefix);
/* "A.B.C.D/N" with no host bits set and N in [QSTP_VPN_PREFIX_MIN, QSTP_VPN_PREFIX_MAX]. */
int qstp_vpn_cidr_parse(const char *s, uint32_t *net, uint8_t *prefix);
/* Dotted quad of a host-order address into out (16 bytes). */
void qstp_vpn_addr_format(char out[16], uint32_t addr);

#endif
