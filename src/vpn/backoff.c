/* Reconnection backoff of the VPN client (vpn.h, docs/VPN.md "Lifetime, keep-alive and
 * reconnection"): 1 s, doubling, at most 30 s. */
#include "vpn/vpn.h"

uint32_t qstp_vpn_backoff_next(uint32_t ms)
{
    if (ms < QSTP_VPN_BACKOFF_MIN_MS)
        return QSTP_VPN_BACKOFF_MIN_MS;
    if (ms >= QSTP_VPN_BACKOFF_MAX_MS / 2)
        return QSTP_VPN_BACKOFF_MAX_MS;
    return ms * 2;
}
