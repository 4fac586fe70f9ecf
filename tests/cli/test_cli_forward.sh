#!/usr/bin/env bash
# Port forwarding end to end: python3 -m http.server serves a 5 MB file; curl fetches it through
# `qstp client -L` -> tunnel -> `qstp server --forward`; the SHA-256 must match. Also: parallel
# fetches (3 of 5 MB, then 20 of 1 MB through one client -L), a client that half-closes (request,
# shutdown(SHUT_WR), read to EOF), a client killed (SIGKILL) mid-transfer (the server logs the
# tunnel closed and serves new ones), a slow reader (back-pressure, nothing dropped), and a backend
# that is down.
. "$(dirname "$0")/lib.sh"
for tool in curl python3 sha256sum; do
  command -v "$tool" >/dev/null || { bad "$tool is not installed (scripts/deps.sh installs it)"; finish; }
done

"$QSTP" root init --out "$T/root" >/dev/null 2>&1 || bad "setup: root init"
"$QSTP" root sign --root "$T/root" --out "$T/srv" >/dev/null 2>&1 || bad "setup: root sign"
mkdir "$T/www"
head -c 5242880 /dev/urandom >"$T/www/file.bin"
head -c 1048576 /dev/urandom >"$T/www/small.bin"
WANT_SMALL=$(sha256sum <"$T/www/small.bin" | cut -d' ' -f1)
truncate -s 64M "$T/www/big.bin"   # sparse: more than every buffer on the way holds
WANT=$(sha256sum <"$T/www/file.bin" | cut -d' ' -f1)

HPORT=$(free_port)
python3 -m http.server --bind 127.0.0.1 "$HPORT" --directory "$T/www" >"$T/http.log" 2>&1 &
PIDS+=($!)
wait_port "$HPORT" || bad "http.server did not start"
start_server "$T/fwd.log" --dir "$T/srv" --forward 127.0.0.1:"$HPORT" || bad "forward server start"
LPORT=$(free_port)
"$QSTP" client --dir "$T/srv" --connect 127.0.0.1:"$SPORT" -L 127.0.0.1:"$LPORT" 2>"$T/cli.log" &
CPID=$!; PIDS+=("$CPID")
wait_log "$T/cli.log" 'forwarding 127.0.0.1 port' || bad "client -L did not start: $(cat "$T/cli.log")"

t0=$(date +%s.%N)
curl -sS --max-time 60 -o "$T/got.bin" "http://127.0.0.1:$LPORT/file.bin" || bad "curl failed"
t1=$(date +%s.%N)
GOT=$(sha256sum <"$T/got.bin" | cut -d' ' -f1)
check "5 MB through -L -> --forward: SHA-256 matches" [ "$GOT" = "$WANT" ]
echo "     (5 MB via curl -> qstp client -L -> qstp server --forward -> http.server: $(python3 -c "print('%.0f ms, %.1f MB/s' % (($t1-$t0)*1000, 5.0/($t1-$t0)))"))"

for i in 1 2 3; do
  curl -sS --max-time 60 -o "$T/par$i.bin" "http://127.0.0.1:$LPORT/file.bin" &
  PIDS+=($!)
done
wait "${PIDS[-1]}" "${PIDS[-2]}" "${PIDS[-3]}"
for i in 1 2 3; do
  check "parallel fetch $i: SHA-256 matches" [ "$(sha256sum <"$T/par$i.bin" | cut -d' ' -f1)" = "$WANT" ]
done
check "each local connection got its own tunnel" [ "$(grep -c 'tunnel to 127.0.0.1 port' "$T/cli.log")" -ge 4 ]

# half-close: the local client sends its request, shuts its write side and reads to EOF
python3 - "$LPORT" "$T/half.bin" <<'PY' || bad "half-close client failed"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /file.bin HTTP/1.0\r\nHost: x\r\n\r\n")
s.shutdown(socket.SHUT_WR)
data = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    data += b
open(sys.argv[2], "wb").write(data.split(b"\r\n\r\n", 1)[1])
PY
check "half-closed local connection still receives the whole reply" [ "$(sha256sum <"$T/half.bin" | cut -d' ' -f1)" = "$WANT" ]
check "server logged each forwarded tunnel" [ "$(grep -c 'forwarded to 127.0.0.1 port' "$T/fwd.log")" -ge 5 ]

# 20 parallel fetches through the one client -L: 20 tunnels at once
CURLS=()
for i in $(seq 1 20); do
  curl -sS --max-time 120 -o "$T/p20_$i.bin" "http://127.0.0.1:$LPORT/small.bin" 2>"$T/p20_$i.err" &
  CURLS+=($!)
done
wait "${CURLS[@]}"
good=0
for i in $(seq 1 20); do
  [ "$(sha256sum <"$T/p20_$i.bin" 2>/dev/null | cut -d' ' -f1)" = "$WANT_SMALL" ] && good=$((good + 1))
done
check "20 parallel curls through one client -L: $good of 20 SHA-256 match" [ "$good" = 20 ]

# a client killed with SIGKILL mid-transfer: the server closes that tunnel and keeps serving
KPORT=$(free_port)
"$QSTP" client --dir "$T/srv" --connect 127.0.0.1:"$SPORT" -L 127.0.0.1:"$KPORT" 2>"$T/kill.log" &
KPID=$!; PIDS+=("$KPID")
wait_log "$T/kill.log" 'forwarding 127.0.0.1 port' || bad "client -L (to be killed) did not start"
nclosed=$(grep -c 'closed' "$T/fwd.log")
curl -sS --max-time 30 --limit-rate 1M -o "$T/killed.bin" "http://127.0.0.1:$KPORT/big.bin" 2>/dev/null &
KCURL=$!; PIDS+=("$KCURL")
for _ in $(seq 1 50); do [ "$(stat -c %s "$T/killed.bin" 2>/dev/null || echo 0)" -gt 100000 ] && break; sleep 0.1; done
check "killed client: curl is still fetching when the client is killed" kill -0 "$KCURL"
kill -KILL "$KPID"; wait "$KPID" 2>/dev/null
wait "$KCURL" 2>/dev/null
check "killed client: the transfer was cut short ($(stat -c %s "$T/killed.bin" 2>/dev/null) bytes)" \
  bash -c "[ \$(stat -c %s '$T/killed.bin') -gt 0 ] && [ \$(stat -c %s '$T/killed.bin') -lt 67108864 ]"
for _ in $(seq 1 100); do [ "$(grep -c 'closed' "$T/fwd.log")" -gt "$nclosed" ] && break; sleep 0.1; done
check "killed client: the server logged the tunnel closed" [ "$(grep -c 'closed' "$T/fwd.log")" -gt "$nclosed" ]
curl -sS --max-time 60 -o "$T/after.bin" "http://127.0.0.1:$LPORT/small.bin" || bad "curl after the kill failed"
check "after the kill the server serves a new tunnel" [ "$(sha256sum <"$T/after.bin" | cut -d' ' -f1)" = "$WANT_SMALL" ]
check "server still running after the kill" kill -0 "$SPID"

# a backend that is down: the tunnel is closed and the server says why
DEAD=$(free_port)
kill -TERM "$CPID"; wait "$CPID" 2>/dev/null
kill -TERM "$SPID"; wait "$SPID"; rc=$?
check "forward server exits 0 on SIGTERM" [ "$rc" = 0 ]

# a slow reader: curl at 20 MB/s fetches 64 MB through a server that drops a tunnel with more than
# 1 MiB queued (--max-queued 1). --forward pauses the backend instead (back-pressure in the
# server's loop), so the transfer completes intact and nothing is dropped.
WANT_BIG=$(sha256sum <"$T/www/big.bin" | cut -d' ' -f1)
start_server "$T/slow.log" --dir "$T/srv" --forward 127.0.0.1:"$HPORT" --max-queued 1 || bad "slow-reader server start"
SLPORT=$(free_port)
"$QSTP" client --dir "$T/srv" --connect 127.0.0.1:"$SPORT" -L 127.0.0.1:"$SLPORT" 2>"$T/slowcli.log" &
SCPID=$!; PIDS+=("$SCPID")
wait_log "$T/slowcli.log" 'forwarding 127.0.0.1 port' || bad "slow-reader client -L did not start"
ts0=$(date +%s.%N)
curl -sS --max-time 120 --limit-rate 20M -o "$T/slow.bin" "http://127.0.0.1:$SLPORT/big.bin" || bad "slow curl failed"
check "slow reader (64 MB at 20 MB/s, server --max-queued 1): SHA-256 matches" [ "$(sha256sum <"$T/slow.bin" | cut -d' ' -f1)" = "$WANT_BIG" ]
echo "     (slow reader: $(stat -c %s "$T/slow.bin") bytes in $(python3 -c "import time; print('%.1f s' % (time.time() - $ts0))"))"
check "slow reader: the server dropped nothing" bash -c "! grep -q 'dropped' '$T/slow.log'"
kill -TERM "$SCPID"; wait "$SCPID" 2>/dev/null
kill -TERM "$SPID"; wait "$SPID" 2>/dev/null
start_server "$T/dead.log" --dir "$T/srv" --forward 127.0.0.1:"$DEAD" || bad "server start"
rc=0
printf 'x' | "$QSTP" client --dir "$T/srv" --connect 127.0.0.1:"$SPORT" --linger 5 >/dev/null 2>"$T/dead.err" || rc=$?
check "backend down: the server logs it" grep -q "cannot connect to backend 127.0.0.1 port $DEAD" "$T/dead.log"
check "backend down: the client ends (exit $rc) with a sentence" bash -c "[ $rc -ne 0 ] && grep -q 'tunnel to 127.0.0.1 port $SPORT' '$T/dead.err'"
kill -TERM "$SPID"; wait "$SPID"

finish
