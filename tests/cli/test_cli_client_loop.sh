#!/usr/bin/env bash
# `qstp client -L` as one event loop (src/net/local_fwd.c), end to end through the real binary:
# 60 local connections each get a tunnel (an echo round trip) while the client stays at one
# thread; SIGTERM with them open closes every tunnel with a close record (the server logs a
# normal close for each, the local programs see end of stream) and the client exits 0; a server
# that no longer holds the certificate's key refuses a new tunnel: the local connection is closed
# and the client logs why, with the same sentence as at start-up, and keeps serving.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { bad "python3 is not installed"; finish; }

"$QSTP" root init --out "$T/root" >/dev/null 2>&1 || bad "setup: root init"
"$QSTP" root sign --root "$T/root" --out "$T/srv" >/dev/null 2>&1 || bad "setup: root sign"
"$QSTP" root sign --root "$T/root" --out "$T/srv2" >/dev/null 2>&1 || bad "setup: second key"
start_server "$T/srv.log" --dir "$T/srv" --echo || bad "server start"
LPORT=$(free_port)
"$QSTP" client --dir "$T/srv" --connect 127.0.0.1:"$SPORT" -L 127.0.0.1:"$LPORT" --linger 30 \
  2>"$T/cli.log" &
CPID=$!; PIDS+=("$CPID")
wait_log "$T/cli.log" 'forwarding 127.0.0.1 port' || bad "client -L did not start: $(cat "$T/cli.log")"

# 60 connections (the server admits 100 handshakes at once from one address), held open while
# the client is stopped; each reports what it read after the stop.
python3 - "$LPORT" "$CPID" "$T" <<'PY' &
import socket, sys, time, os
port, pid, t = int(sys.argv[1]), sys.argv[2], sys.argv[3]
socks = []
for i in range(60):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"conn %02d" % i)
    socks.append(s)
ok = 0
for i, s in enumerate(socks):
    s.settimeout(20)
    got = b""
    while len(got) < 7:
        b = s.recv(7 - len(got))
        if not b: break
        got += b
    ok += got == b"conn %02d" % i
threads = [l.split()[1] for l in open("/proc/%s/status" % pid) if l.startswith("Threads")][0]
open(t + "/open.txt", "w").write("%d %s\n" % (ok, threads))
while not os.path.exists(t + "/stopped"):
    time.sleep(0.05)
eof = 0
for s in socks:
    s.settimeout(10)
    try:
        eof += s.recv(16) == b""
    except Exception:
        pass
open(t + "/eof.txt", "w").write("%d\n" % eof)
PY
PYPID=$!; PIDS+=("$PYPID")
for _ in $(seq 1 300); do [ -s "$T/open.txt" ] && break; sleep 0.1; done
read -r nok nthreads <"$T/open.txt" || { nok=0; nthreads=?; }
check "60 local connections, each echoed through its own tunnel ($nok)" [ "$nok" = 60 ]
check "the client runs them all on one thread ($nthreads)" [ "$nthreads" = 1 ]
check "one 'open' log line per connection" [ "$(grep -c ': tunnel to 127.0.0.1 port .* open' "$T/cli.log")" = 60 ]

nclosed=$(grep -c 'closed: normal close' "$T/srv.log")
t0=$(date +%s%N)
kill -TERM "$CPID"; wait "$CPID"; rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
touch "$T/stopped"
check "SIGTERM with 60 open tunnels: exit $rc in $ms ms" bash -c "[ $rc = 0 ] && [ $ms -lt 5000 ]"
check "the client logged each tunnel closed by the local side, then stopped" \
  bash -c "[ \$(grep -c 'tunnel closed by the local side' '$T/cli.log') = 60 ] && grep -q 'stopped' '$T/cli.log'"
for _ in $(seq 1 50); do [ "$(grep -c 'closed: normal close' "$T/srv.log")" -ge $((nclosed + 60)) ] && break; sleep 0.1; done
check "the server saw 60 normal closes" [ "$(grep -c 'closed: normal close' "$T/srv.log")" -ge $((nclosed + 60)) ]
wait "$PYPID"
check "every local program saw end of stream ($(cat "$T/eof.txt" 2>/dev/null))" [ "$(cat "$T/eof.txt" 2>/dev/null)" = 60 ]

# The server is replaced by one that holds another key: new tunnels are refused.
"$QSTP" client --dir "$T/srv" --connect 127.0.0.1:"$SPORT" -L 127.0.0.1:"$LPORT" 2>"$T/cli2.log" &
CPID=$!; PIDS+=("$CPID")
wait_log "$T/cli2.log" 'forwarding 127.0.0.1 port' || bad "client -L did not start again"
kill -TERM "$SPID"; wait "$SPID" 2>/dev/null
"$QSTP" server --listen 127.0.0.1:"$SPORT" --dir "$T/srv2" --echo 2>"$T/srv2.log" &
SPID=$!; PIDS+=("$SPID")
wait_log "$T/srv2.log" "ready on 127.0.0.1 port $SPORT" || bad "second server did not start: $(cat "$T/srv2.log")"
out=$(python3 - "$LPORT" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(15)
try:
    print("EOF" if s.recv(16) == b"" else "DATA")
except ConnectionResetError:
    print("RST")
except socket.timeout:
    print("TIMEOUT")
PY
)
check "refused handshake: the local connection is closed ($out)" bash -c "[ '$out' = EOF ] || [ '$out' = RST ]"
# (the server's refusal arrives as connection_failure, WIRE §2.5: the same sentence as before)
check "refused handshake: the client says why, as at start-up" \
  grep -q "cannot connect to 127.0.0.1 port $SPORT (refused, unreachable, or the server refused the tunnel)" "$T/cli2.log"
check "refused handshake: and that the local connection was closed" \
  grep -q "no tunnel (see above); closing the local connection" "$T/cli2.log"
check "the client keeps running" kill -0 "$CPID"
kill -TERM "$CPID"; wait "$CPID"; rc=$?
check "SIGTERM with no tunnel: exit $rc" [ "$rc" = 0 ]
finish
