#!/usr/bin/env bash
# `qstp vpn` with one server and two clients (one started before the server), each client in its own namespace joined to the
# server's by a veth pair (10.200.1.0/24 and 10.200.2.0/24): each client gets its own address,
# client-to-client ping and TCP are routed by the server (tunnel to tunnel), then the server is
# killed (SIGKILL: no close records) and restarted, and both clients reconnect on their own and
# traffic resumes. SIGTERM removes every interface and route.
. "$(dirname "$0")/lib.sh"
require_env

"$QSTP" root init --out "$T/root" >/dev/null 2>&1 || bad "setup: root init"
"$QSTP" root sign --root "$T/root" --out "$T/srv" >/dev/null 2>&1 || bad "setup: root sign"
mkns s
mkns a
mkns b
link s 10.200.1.1 a 10.200.1.2
link s 10.200.2.1 b 10.200.2.2

server() {
  start_vpn s "$T/s$1.log" server --dir "$T/srv" --listen 0.0.0.0:32119 --tun qstp0 --pool 10.99.0.0/24
  SPID=$LASTPID
  wait_log "$T/s$1.log" 'ready on 0.0.0.0 port 32119' || { bad "server did not start: $(cat "$T/s$1.log")"; finish; }
}
# Client a starts before the server exists: it retries with backoff until the server is up.
start_vpn a "$T/a.log" client --dir "$T/srv" --connect 10.200.1.1:32119 --tun qstp0
APID=$LASTPID
check "client a started before the server: retries" wait_log "$T/a.log" 'retrying in 1 s' 10
server 1
wait_log "$T/a.log" 'qstp0 is 10\.99\.0\.' 15 || bad "client a got no address: $(cat "$T/a.log")"
start_vpn b "$T/b.log" client --dir "$T/srv" --connect 10.200.2.1:32119 --tun qstp0
BPID=$LASTPID
wait_log "$T/b.log" 'qstp0 is 10\.99\.0\.' || bad "client b got no address: $(cat "$T/b.log")"
A=$(tun_addr a)
B=$(tun_addr b)
check "clients have distinct pool addresses ($A, $B)" [ -n "$A" ] && [ -n "$B" ] && [ "$A" != "$B" ]
check "client a -> server ping" ping_ok a 10.99.0.1
check "client a -> client b ($B) ping through the server" ping_ok a "$B"
check "client b -> client a ($A) ping through the server" ping_ok b "$A"
if transfer a b "$B" 4194304; then
  ok "4 MB TCP client a -> client b through the server, SHA-256 matches ($XFER_SECONDS s)"
else
  bad "4 MB TCP client a -> client b: $(cat "$T/send.err" "$T/sink.err" | head -c 400)"
fi

# The server goes away without a word, then comes back: clients reconnect with backoff.
kill -KILL "$SPID"
wait "$SPID" 2>/dev/null
check "server killed: its interface is gone" wait_not_link s
check "client a notices and plans a reconnect" wait_log "$T/a.log" 'reconnecting in' 10
server 2
check "client a reconnected" wait_log "$T/a.log" 'connected to 10.200.1.1 port 32119.*' 15
check "server 2 assigned two addresses" wait_log "$T/s2.log" 'is 10\.99\.0\..*' 15
for _ in $(seq 1 100); do
  [ "$(grep -c ' is 10\.99\.0\.' "$T/s2.log")" -ge 2 ] && break
  sleep 0.1
done
A=$(tun_addr a)
B=$(tun_addr b)
check "after the restart: client a -> server ping" wait_ping a 10.99.0.1 15
check "after the restart: client a ($A) -> client b ($B) ping" wait_ping a "$B" 10
check "after the restart: client b ($B) -> client a ($A) ping" wait_ping b "$A" 10

# The server stops for good: the clients keep retrying, and SIGTERM ends them in their backoff.
check "server exits on SIGTERM" stop "$SPID"
check "server logged relayed packets" grep -Eq '[1-9][0-9]* relayed between clients' "$T/s2.log"
check "client a is retrying" wait_count "$T/a.log" 'retrying in' 2 10
check "client a exits on SIGTERM while retrying" stop "$APID"
check "client b exits on SIGTERM" stop "$BPID"
for n in s a b; do
  check_not "namespace $n: qstp0 removed" has_link "$n"
  check_not "namespace $n: pool route removed" has_route "$n" 10.99.0.0/24
done
finish
