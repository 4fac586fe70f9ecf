#!/usr/bin/env bash
# bench_tunnel: bytes per second through a forwarded TCP tunnel on loopback, QSTP next to stunnel4
# in the same run, and RCS-256 seal/open speed on one core (bench_rcs) for the ratio.
#
#   source --TCP--> qstp client -L --QSTP--> qstp server --forward --TCP--> sink
#   source --TCP--> stunnel (client) --TLS 1.3 AES-256-GCM--> stunnel (server) --TCP--> sink
#   source --TCP--> sink                                   (the loopback floor, no tunnel)
#
# The source writes SIZE MiB in 64 KiB writes; the sink counts bytes and times from the first
# byte to the last (the tunnel's set-up is not in the figure). Each path runs ROUNDS times,
# interleaved, and the best and median rates are printed. Everything is on 127.0.0.1; both
# tunnel ends and the source/sink share the machine's cores, as they would on one host.
# Target: QSTP tunnel >= 0.8x single-core RCS-256 seal speed at 16 KiB records.
#
# Congestion control: with BBR (a pacing algorithm) on lo, which has no fq qdisc, TCP spaces
# segments with kernel timers; they fire while whichever process is on the CPU and their work is
# charged to it. qstp uses cubic on loopback legs in place of BBR (src/net/netutil.c,
# qstp_net_tune_stream); the source and sink here do the same on their own sockets (they are the
# measuring instrument, not the tunnel; HARNESS_CC=system keeps them on the system's choice).
# stunnel keeps the system's choice. TCP_CC=NAME runs the whole script in a private network
# namespace (unshare -n, root) whose default congestion control is NAME, for every program alike.
#
# Usage: bench/bench_tunnel.sh [BUILD_DIR] [SIZE_MIB] [ROUNDS]
#   BUILD_DIR (default build-perfnet) must hold bin/qstp and bin/bench_rcs; they are built there
#   if missing (targets qstp_cli and bench_rcs). stunnel4 is installed with apt-get if missing
#   (this script only; no test depends on it). Set SUITE=0x01..0x0E for another set (default the
#   CLI's default).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${TCP_CC:-}" ] && [ -z "${BENCH_TUNNEL_NETNS:-}" ]; then
  [ "$(id -u)" = 0 ] || { echo "bench_tunnel: TCP_CC needs root (a private network namespace)" >&2; exit 1; }
  exec env BENCH_TUNNEL_NETNS=1 unshare -n bash -c \
    'ip link set lo up && sysctl -qw net.ipv4.tcp_congestion_control="$TCP_CC" && exec bash "$0" "$@"' \
    "$0" "$@"
fi
B=${1:-$ROOT/build-perfnet}
SIZE=${2:-256}
ROUNDS=${3:-5}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
QSTP=$B/bin/qstp
RCS=$B/bin/bench_rcs

if [ ! -x "$QSTP" ] || [ ! -x "$RCS" ]; then
  cmake -S "$ROOT" -B "$B" >/dev/null && cmake --build "$B" --target qstp_cli bench_rcs -j2 >/dev/null ||
    { echo "bench_tunnel: cannot build qstp / bench_rcs in $B" >&2; exit 1; }
fi
if ! command -v stunnel4 >/dev/null && ! command -v stunnel >/dev/null; then
  echo "bench_tunnel: installing stunnel4 (apt-get)" >&2
  (apt-get install -y stunnel4 >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y stunnel4 >/dev/null 2>&1; }) ||
    echo "bench_tunnel: stunnel4 could not be installed; its row is skipped" >&2
fi
STUNNEL=$(command -v stunnel4 || command -v stunnel || true)

T=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
wait_port() {
  for _ in $(seq 1 100); do
    python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$1)))" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# The sink: a thread per connection reads until SIZE bytes arrived (or end of stream) and, for a
# connection that carried data, writes "bytes seconds" (first byte to last) to outdir/runN, N
# counting such connections. Connections without data (readiness probes) are not counted.
cat >"$T/sink.py" <<'PY'
import socket, sys, threading, time
port, size, outdir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
import os
def no_pacing(s):  # the harness's own sockets: cubic in place of BBR, as qstp does on loopback
    cc = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16).rstrip(b"\0")
    if os.environ.get("HARNESS_CC") != "system" and cc.startswith(b"bbr"):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b"cubic")
no_pacing(ls)
ls.bind(("127.0.0.1", port)); ls.listen(64)
lock = threading.Lock()
count = [0]
def serve(c):
    got, t0 = 0, None
    buf = bytearray(1 << 20)
    while got < size:
        k = c.recv_into(buf)
        if k == 0:
            break
        if t0 is None:
            t0 = time.monotonic()
        got += k
    t1 = time.monotonic()
    if got:
        with lock:
            count[0] += 1
            n = count[0]
        with open("%s/run%d.tmp" % (outdir, n), "w") as f:
            f.write("%d %.6f\n" % (got, t1 - t0))
        import os
        os.rename("%s/run%d.tmp" % (outdir, n), "%s/run%d" % (outdir, n))
    c.close()
while True:
    c, _ = ls.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
# The source: connects to PORT and writes SIZE bytes, then waits for the sink's file.
cat >"$T/source.py" <<'PY'
import os, socket, sys, time
port, size, result = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
s = socket.socket()
cc = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16).rstrip(b"\0")
if os.environ.get("HARNESS_CC") != "system" and cc.startswith(b"bbr"):
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, b"cubic")  # as the sink does
s.connect(("127.0.0.1", port))
chunk = os.urandom(65536)
sent = 0
while sent < size:
    n = min(len(chunk), size - sent)
    s.sendall(chunk[:n])
    sent += n
deadline = time.monotonic() + 120
while not os.path.exists(result) and time.monotonic() < deadline:
    time.sleep(0.01)
s.close()
PY

BYTES=$((SIZE * 1048576))
SINK_PORT=$(free_port)
mkdir -p "$T/runs"
python3 "$T/sink.py" "$SINK_PORT" "$BYTES" "$T/runs" &
PIDS+=($!)
wait_port "$SINK_PORT" || { echo "bench_tunnel: sink did not start" >&2; exit 1; }

# QSTP: root, server certificate, server --forward, client -L.
SUITE_ARG=()
[ -n "${SUITE:-}" ] && SUITE_ARG=(--suite "$SUITE")
"$QSTP" root init --out "$T/root" "${SUITE_ARG[@]}" >/dev/null 2>&1 || { echo "bench_tunnel: qstp root init failed" >&2; exit 1; }
"$QSTP" root sign --root "$T/root" --out "$T/srv" >/dev/null 2>&1 || { echo "bench_tunnel: qstp root sign failed" >&2; exit 1; }
"$QSTP" server --dir "$T/srv" --listen 127.0.0.1:0 --forward 127.0.0.1:"$SINK_PORT" 2>"$T/qsrv.log" &
QSRV_PID=$!
PIDS+=($!)
QPORT=""
for _ in $(seq 1 100); do
  QPORT=$(grep -o 'ready on 127.0.0.1 port [0-9]*' "$T/qsrv.log" 2>/dev/null | awk '{print $5}')
  [ -n "$QPORT" ] && break
  sleep 0.1
done
[ -n "$QPORT" ] || { echo "bench_tunnel: qstp server did not start: $(cat "$T/qsrv.log")" >&2; exit 1; }
QLOCAL=$(free_port)
"$QSTP" client --dir "$T/srv" --connect 127.0.0.1:"$QPORT" -L 127.0.0.1:"$QLOCAL" 2>"$T/qcli.log" &
QCLI_PID=$!
PIDS+=($!)
wait_port "$QLOCAL" || { echo "bench_tunnel: qstp client -L did not start: $(cat "$T/qcli.log")" >&2; exit 1; }
SUITE_NAME=$(grep -o 'suite [^,]*' "$T/qsrv.log" | head -1)

# stunnel: TLS 1.3 only, TLS_AES_256_GCM_SHA384, a self-signed P-256 certificate.
SPORT_TLS=""
SLOCAL=""
if [ -n "$STUNNEL" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=bench \
    -keyout "$T/tls.key" -out "$T/tls.crt" >/dev/null 2>&1
  SPORT_TLS=$(free_port)
  SLOCAL=$(free_port)
  cat >"$T/stunnel-server.conf" <<EOF
foreground = yes
pid =
[srv]
accept = 127.0.0.1:$SPORT_TLS
connect = 127.0.0.1:$SINK_PORT
cert = $T/tls.crt
key = $T/tls.key
sslVersionMin = TLSv1.3
ciphersuites = TLS_AES_256_GCM_SHA384
EOF
  cat >"$T/stunnel-client.conf" <<EOF
foreground = yes
pid =
[cli]
client = yes
accept = 127.0.0.1:$SLOCAL
connect = 127.0.0.1:$SPORT_TLS
sslVersionMin = TLSv1.3
ciphersuites = TLS_AES_256_GCM_SHA384
EOF
  "$STUNNEL" "$T/stunnel-server.conf" >"$T/stunnel-server.log" 2>&1 &
  SSRV_PID=$!
  PIDS+=($!)
  "$STUNNEL" "$T/stunnel-client.conf" >"$T/stunnel-client.log" 2>&1 &
  SCLI_PID=$!
  PIDS+=($!)
  if ! wait_port "$SPORT_TLS" || ! wait_port "$SLOCAL"; then
    echo "bench_tunnel: stunnel did not start" >&2
    STUNNEL=""
  fi
fi

RUN=0
# one_run PORT: SIZE MiB through PORT; sets RATE to MB/s (10^6 bytes per second), 0 on failure.
one_run() {
  local got secs
  RUN=$((RUN + 1))
  RATE=0
  python3 "$T/source.py" "$1" "$BYTES" "$T/runs/run$RUN" || return
  [ -f "$T/runs/run$RUN" ] || return
  read -r got secs <"$T/runs/run$RUN"
  [ "$got" = "$BYTES" ] || return
  RATE=$(python3 -c "print('%.0f' % ($got / $secs / 1e6))")
}

# CPU seconds (user + system, all threads) a process has used so far.
cpu_s() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0
}
# timed_run NAME PORT PID1 PID2: one run, adding its rate to R[NAME] and the two processes' CPU
# seconds to C1[NAME] / C2[NAME] (bytes per CPU-second of each tunnel end is load-independent:
# the machine is shared, so wall-clock rates move with other tenants' load).
declare -A R C1 C2 N
timed_run() {
  local a1 a2 b1 b2
  a1=$(cpu_s "$3"); a2=$(cpu_s "$4")
  one_run "$2"
  b1=$(cpu_s "$3"); b2=$(cpu_s "$4")
  R[$1]+="$RATE "
  if [ "$RATE" != 0 ]; then
    C1[$1]=$(python3 -c "print(${C1[$1]:-0} + $b1 - $a1)")
    C2[$1]=$(python3 -c "print(${C2[$1]:-0} + $b2 - $a2)")
    N[$1]=$(( ${N[$1]:-0} + 1 ))
  fi
}
for _ in $(seq 1 "$ROUNDS"); do
  one_run "$SINK_PORT"; R[direct]+="$RATE "
  timed_run qstp "$QLOCAL" "$QCLI_PID" "$QSRV_PID"
  if [ -n "$STUNNEL" ]; then timed_run stunnel "$SLOCAL" "$SCLI_PID" "$SSRV_PID"; fi
done
# MB per CPU-second of one end over all good runs of a path.
per_cpu() { python3 -c "import sys; n,c=float(sys.argv[1] or 0),float(sys.argv[2] or 0); print('%.0f' % (n*$BYTES/c/1e6) if c > 0 else '-')" "${N[$1]:-0}" "$2"; }

stats() { # "best median" of the numbers in $1
  python3 -c "import sys,statistics; v=[float(x) for x in sys.argv[1].split()]; print('%.0f %.0f' % (max(v), statistics.median(v)))" "$1"
}

# RCS-256 on one core: bench_rcs's first table (record, seal MB/s, open MB/s, ...), 16384-byte row.
RCSOUT=$("$RCS" 2>/dev/null)
SEAL=$(printf '%s\n' "$RCSOUT" | awk '$1 == "16384" { print $2; exit }')
OPEN=$(printf '%s\n' "$RCSOUT" | awk '$1 == "16384" { print $3; exit }')

echo "bench_tunnel: $SIZE MiB per run, $ROUNDS runs per path (interleaved), loopback, $(nproc) cores"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
SYSCC=$(sysctl -n net.ipv4.tcp_congestion_control 2>/dev/null || echo unknown)
case $SYSCC in
  bbr*) LOCC="qstp and source/sink sockets use cubic on loopback instead (stunnel keeps $SYSCC)"
        [ "${HARNESS_CC:-}" = system ] && LOCC="qstp uses cubic on loopback instead; source/sink and stunnel keep $SYSCC" ;;
  *) LOCC="every program uses it" ;;
esac
echo "TCP congestion control: $SYSCC (system default$([ -n "${BENCH_TUNNEL_NETNS:-}" ] && echo " of this script's private network namespace, TCP_CC=$TCP_CC")); $LOCC"
echo "QSTP: qstp client -L -> qstp server --forward ($SUITE_NAME); stunnel: $("${STUNNEL:-true}" -version 2>&1 | grep -m1 -o 'stunnel [0-9.]*' || echo 'not available'), TLS 1.3 TLS_AES_256_GCM_SHA384"
echo
printf '%-40s %10s %10s %12s %12s %8s\n' "path" "best MB/s" "median" "client MB/cpu-s" "server MB/cpu-s" "vs RCS"
printf -- '-%.0s' $(seq 1 98); echo
read -r db dm <<<"$(stats "${R[direct]}")"
read -r qb qm <<<"$(stats "${R[qstp]}")"
ratio() { python3 -c "import sys; a,b=float(sys.argv[1] or 0),float(sys.argv[2] or 0); print('%.2fx' % (a/b) if b else '-')" "${1:-0}" "${2:-0}"; }
printf '%-40s %10s %10s %12s %12s %8s\n' "TCP loopback, no tunnel (floor)" "$db" "$dm" "-" "-" "-"
QC=$(per_cpu qstp "${C1[qstp]:-0}"); QS=$(per_cpu qstp "${C2[qstp]:-0}")
printf '%-40s %10s %10s %12s %12s %8s\n' "QSTP client -L -> server --forward" "$qb" "$qm" "$QC" "$QS" "$(ratio "$qm" "$SEAL")"
if [ -n "$STUNNEL" ]; then
  read -r sb sm <<<"$(stats "${R[stunnel]}")"
  SC=$(per_cpu stunnel "${C1[stunnel]:-0}"); SS=$(per_cpu stunnel "${C2[stunnel]:-0}")
  printf '%-40s %10s %10s %12s %12s %8s\n' "stunnel4 TLS 1.3 AES-256-GCM" "$sb" "$sm" "$SC" "$SS" "$(ratio "$sm" "$SEAL")"
fi
printf '%-40s %10s %10s %12s %12s %8s\n' "RCS-256 seal, 16 KiB records, 1 core" "${SEAL:-?}" "" "" "" "1.00x"
printf '%-40s %10s %10s %12s %12s %8s\n' "RCS-256 open, 16 KiB records, 1 core" "${OPEN:-?}" "" "" "" "$(ratio "${OPEN:-0}" "$SEAL")"
printf -- '-%.0s' $(seq 1 98); echo
echo "MB/cpu-s: bytes through the tunnel per CPU-second of that end (user+system, all threads): what"
echo "one end would carry on a core of its own. RCS rows: bench_rcs (thread CPU time)."
if [ -n "$STUNNEL" ]; then
  echo "QSTP / stunnel (median wall-clock): $(ratio "$qm" "$sm")"
fi
QMIN=$(python3 -c "import sys; v=[float(x) for x in sys.argv[1:] if x not in ('-', '')]; print(min(v) if v else 0)" "$QC" "$QS")
echo "target: QSTP tunnel >= 0.80x RCS-256 seal. wall clock: $(ratio "$qm" "$SEAL"); busier end per CPU-second: $(ratio "$QMIN" "$SEAL") ($(python3 -c "import sys; a,b=float(sys.argv[1] or 0),float(sys.argv[2] or 0); print('met' if b and a >= 0.8*b else 'NOT met')" "$QMIN" "${SEAL:-0}"))"
