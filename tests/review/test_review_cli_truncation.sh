#!/usr/bin/env bash
# Review finding R-CLI-1 (fixed in dbdeb1e; this check failed before): `qstp client -L` passes the end of a tunnel
# to the local application as shutdown(SHUT_WR) whatever the reason (src/cli/cmd_client.c, after
# pump()). When the tunnel FAILED (here: the server's record is cut in the middle, which the
# client itself logs as "receiving ... came up short"), the application sees a clean end of
# stream and cannot tell a truncated response from a complete one. Expected: the local
# connection is reset (SO_LINGER 0 + close) when the tunnel ended with an error; a normal close
# stays a FIN (the control check below).
# A relay between client and server forwards half of the first server->client chunk after it is
# armed and then ends the client's stream with FIN.
. "$(dirname "$0")/../cli/lib.sh"
QSTP=$(realpath "$QSTP")
cd "$T" || exit 1
"$QSTP" root init --out root --issuer QSTP_rv.qrr --days 5 >/dev/null 2>&1
"$QSTP" root sign --root root --out srv --issuer QSTP_rvs.qrc --days 2 >/dev/null 2>&1
start_server "$T/server.log" --dir srv --echo || { finish; exit 1; }

cat >relay.py <<'PY'
import socket, select, sys, os, threading
S = int(sys.argv[1])
def serve(a):
    b = socket.create_connection(("127.0.0.1", S))
    while True:
        r, _, _ = select.select([a, b], [], [], 20)
        if not r: break
        if a in r:
            d = a.recv(65536)
            if not d: break
            b.sendall(d)
        if b in r:
            d = b.recv(65536)
            if not d: break
            if os.path.exists("arm") and len(d) > 100:
                a.sendall(d[: len(d) // 2]); a.shutdown(socket.SHUT_WR)
                try:
                    while a.recv(65536): pass
                except Exception: pass
                break
            a.sendall(d)
    a.close(); b.close()
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", 0)); l.listen(8)
open("relay.port", "w").write(str(l.getsockname()[1]))
while True:
    a, _ = l.accept(); threading.Thread(target=serve, args=(a,), daemon=True).start()
PY
cat >app.py <<'PY'
import socket, time, sys, os
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
time.sleep(1.0)
if sys.argv[2] == "cut":
    open("arm", "w").close()
s.sendall(b"x" * 10000)
if sys.argv[2] == "close":
    s.shutdown(socket.SHUT_WR)
got = 0
try:
    while True:
        d = s.recv(65536)
        if not d:
            print("EOF", got); break
        got += len(d)
except ConnectionResetError:
    print("RST", got)
PY
python3 relay.py "$SPORT" & PIDS+=($!)
for _ in $(seq 1 50); do [ -s relay.port ] && break; sleep 0.1; done
RPORT=$(cat relay.port)
LPORT=$(free_port)
"$QSTP" client --dir srv --connect 127.0.0.1:"$RPORT" -L 127.0.0.1:"$LPORT" 2>client.log & PIDS+=($!)
wait_port "$LPORT"

out=$(timeout 20 python3 app.py "$LPORT" close)
check "control: a whole echo then a clean end reaches the local app as EOF ($out)" \
  bash -c "[ \"$out\" = 'EOF 10000' ]"
out=$(timeout 20 python3 app.py "$LPORT" cut)
check "the client itself sees the cut record as a failure" grep -q "came up short" client.log
check "R-CLI-1: a tunnel that failed (record cut in the middle) must reset the local connection, not end it cleanly ($out)" \
  bash -c "[ \"\${1%% *}\" = RST ]" _ "$out"
finish
