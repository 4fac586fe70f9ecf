#!/usr/bin/env bash
# `qstp vpn` between two network namespaces joined by a veth pair (server 10.200.0.1, client
# 10.200.0.2): address assignment, interface configuration, ping both ways, 20 MB TCP each way
# with SHA-256, --no-routes, a full pool refusing a second client, the CAP_NET_ADMIN sentence;
# the underlay silently dropping everything (keep-alive notices, the client reconnects when the
# link returns); clean-up of interfaces and routes on SIGTERM, also in the middle of a transfer.
. "$(dirname "$0")/lib.sh"
require_env

"$QSTP" root init --out "$T/root" >/dev/null 2>&1 || bad "setup: root init"
"$QSTP" root sign --root "$T/root" --out "$T/srv" >/dev/null 2>&1 || bad "setup: root sign"
mkns s
mkns c
link s 10.200.0.1 c 10.200.0.2

start_vpn s "$T/s.log" server --dir "$T/srv" --listen 10.200.0.1:32119 --tun qstp0 --pool 10.99.0.0/24
SPID=$LASTPID
wait_log "$T/s.log" 'ready on 10.200.0.1 port 32119' || { bad "server did not start: $(cat "$T/s.log")"; finish; }
check "server interface qstp0 has 10.99.0.1" [ "$(tun_addr s)" = 10.99.0.1 ]
check "server route 10.99.0.0/24 dev qstp0" has_route s 10.99.0.0/24

start_vpn c "$T/c.log" client --root "$T/srv/root_public_cert.qrr" --cert "$T/srv/server_public_cert.qrc" \
  --connect 10.200.0.1:32119 --tun qstp0 --keepalive 1 --timeout 2
CPID=$LASTPID
wait_log "$T/c.log" 'qstp0 is 10.99.0.2' || bad "client got no address: $(cat "$T/c.log")"
check "client interface qstp0 has 10.99.0.2" [ "$(tun_addr c)" = 10.99.0.2 ]
check "client interface MTU is 1400" grep -q 'mtu 1400' <(ip -n "$NSP-c" link show qstp0)
check "client route 10.99.0.0/24 dev qstp0" has_route c 10.99.0.0/24
check "client interface has no IPv6 address (IPv6 is not routed)" \
  [ -z "$(ip -n "$NSP-c" -6 -o addr show dev qstp0 2>/dev/null)" ]
check "server logged the assignment" grep -q 'is 10.99.0.2' "$T/s.log"

check "ping client -> server (10.99.0.1) through the tunnel" ping_ok c 10.99.0.1
check "ping server -> client (10.99.0.2) through the tunnel" ping_ok s 10.99.0.2
check_not "ping to an unassigned pool address gets no reply" ping_ok c 10.99.0.77 1

if transfer c s 10.99.0.1 20971520; then
  ok "20 MB TCP client -> server, SHA-256 matches ($XFER_SECONDS s)"
else
  bad "20 MB TCP client -> server: $(cat "$T/send.err" "$T/sink.err" | head -c 400)"
fi
if transfer s c 10.99.0.2 20971520; then
  ok "20 MB TCP server -> client, SHA-256 matches ($XFER_SECONDS s)"
else
  bad "20 MB TCP server -> client: $(cat "$T/send.err" "$T/sink.err" | head -c 400)"
fi

# A /30 pool holds one client: a second one is refused with a sentence and exits.
start_vpn s "$T/s2.log" server --dir "$T/srv" --listen 10.200.0.1:32120 --tun qstp1 --pool 10.98.0.4/30
S2=$LASTPID
wait_log "$T/s2.log" 'ready on' || bad "second server did not start: $(cat "$T/s2.log")"
start_vpn c "$T/c2.log" client --dir "$T/srv" --connect 10.200.0.1:32120 --tun qstp1 --no-routes
C2=$LASTPID
wait_log "$T/c2.log" 'qstp1 is 10.98.0.6' || bad "client of the /30 pool got no address: $(cat "$T/c2.log")"
# --no-routes: the address only (as /32), and the route printed for the user instead
check "--no-routes: address 10.98.0.6 on qstp1" [ "$(tun_addr c qstp1)" = 10.98.0.6 ]
check_not "--no-routes: no route through qstp1" has_route c 10.98.0.4/30 qstp1
check "--no-routes: the route to add is printed" grep -q 'ip route add 10.98.0.4/30 dev qstp1' "$T/c2.log"
ip -n "$NSP-c" route add 10.98.0.4/30 dev qstp1
check "--no-routes: after adding the printed route, ping 10.98.0.5" ping_ok c 10.98.0.5
rc=0
timeout 20 ip netns exec "$NSP-c" "$QSTP" vpn client --dir "$T/srv" --connect 10.200.0.1:32120 \
  --tun qstp2 >"$T/c3.log" 2>&1 || rc=$?
check "third client of a full /30 pool exits 3 (got $rc)" [ "$rc" = 3 ]
check "... saying the pool is full" grep -q 'pool is full' "$T/c3.log"
check_not "... and its interface qstp2 is gone" has_link c qstp2
stop "$C2"
stop "$S2"

# Without CAP_NET_ADMIN: one sentence saying so.
if command -v setpriv >/dev/null; then
  rc=0
  ip netns exec "$NSP-c" setpriv --bounding-set -net_admin --inh-caps -net_admin "$QSTP" vpn client \
    --dir "$T/srv" --connect 10.200.0.1:32119 --tun qstp9 >"$T/nocap.log" 2>&1 || rc=$?
  check "without CAP_NET_ADMIN: exit 3 (got $rc)" [ "$rc" = 3 ]
  check "... and the sentence names CAP_NET_ADMIN: $(head -c 160 "$T/nocap.log")" \
    grep -q 'needs root or the CAP_NET_ADMIN capability' "$T/nocap.log"
else
  echo "skip: setpriv (util-linux) is not installed; the CAP_NET_ADMIN sentence is not checked"
fi

# The underlay goes dark (no FIN, no RST): only the keep-alive (1 s here) can notice.
ip -n "$NSP-s" link set v-c down
check "link down: keep-alive declares the tunnel dead" wait_log "$T/c.log" 'tunnel to 10.200.0.1 ended' 8
sleep 1
ip -n "$NSP-s" link set v-c up
check "link up: the client reconnects" wait_count "$T/c.log" 'connected to 10.200.0.1 port 32119' 2 20
check "... and traffic resumes" wait_ping c 10.99.0.1 15
check "... from the address the server assigned last ($(tun_addr c))" \
  grep -q "is $(tun_addr c)\$" <(grep ' is 10\.99' "$T/s.log" | tail -n 1)

# The server stops while its TUN reader is busy sending to the client: a clean exit (under ASan
# a use-after-free here would be reported), interface and route gone, the client notices.
CADDR=$(tun_addr c)
rm -f "$T/ready"
ip netns exec "$NSP-c" $TOOL sinkrate 5203 "$T/ready" >/dev/null 2>&1 &
PIDS+=($!)
for _ in $(seq 1 50); do [ -f "$T/ready" ] && break; sleep 0.1; done
ip netns exec "$NSP-s" timeout 20 $TOOL blast "$CADDR" 5203 10 >/dev/null 2>&1 &
PIDS+=($!)
sleep 1
check "server exits on SIGTERM during a transfer" stop "$SPID"
check "server released the address" grep -q "address $CADDR released" "$T/s.log"
check_not "server interface removed" has_link s
check_not "server route removed" has_route s 10.99.0.0/24
check "client notices the server's close" wait_count "$T/c.log" 'tunnel to 10.200.0.1 ended' 2 5

check "client exits on SIGTERM" stop "$CPID"
check_not "client interface removed" has_link c
check_not "client route removed" has_route c 10.99.0.0/24
finish
