#!/usr/bin/env bash
# Layer-3 VPN throughput: one TCP stream through `qstp vpn` between two network namespaces,
# next to the bare veth link and wireguard-go (and kernel WireGuard when the kernel has it), all
# measured in the same run on the same machine. Needs root; installs wireguard-go and
# wireguard-tools with apt-get if they are missing (benchmark only; tests never do).
#
#   bash bench/bench_vpn.sh build/bin/qstp [SECONDS_PER_RUN]
#
# The sender (tests/vpn/vpntool.py blast) writes a 256 KiB block in a loop; the sink counts bytes
# from the first byte to end of stream. Results: MB/s (10^6 bytes) and the ratio to wireguard-go.
# Everything lives in namespaces created and deleted here (tests/vpn/lib.sh).
. "$(dirname "$0")/../tests/vpn/lib.sh"
DUR=${2:-5}
require_env

if ! command -v wireguard-go >/dev/null || ! command -v wg >/dev/null; then
  echo "installing wireguard-go and wireguard-tools for the comparison"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wireguard-go \
    wireguard-tools >/dev/null 2>&1 || echo "(could not install them: WireGuard rows skipped)"
fi

"$QSTP" root init --out "$T/root" >/dev/null 2>&1
"$QSTP" root sign --root "$T/root" --out "$T/srv" >/dev/null 2>&1
mkns s
mkns c
link s 10.200.0.1 c 10.200.0.2

# rate FROM TO ADDR: MB/s of one TCP stream from namespace FROM to a sink at ADDR in TO.
rate() {
  rm -f "$T/ready"
  ip netns exec "$NSP-$2" $TOOL sinkrate 5202 "$T/ready" >"$T/rate.out" 2>&1 &
  PIDS+=($!)
  local sp=$!
  for _ in $(seq 1 50); do [ -f "$T/ready" ] && break; sleep 0.1; done
  in_ns "$1" $TOOL blast "$3" 5202 "$DUR" >/dev/null 2>&1
  wait "$sp"
  awk '{ if ($2 > 0) printf "%.0f", $1 / $2 / 1e6; else print "0" }' "$T/rate.out"
}

ROWS=()
row() { ROWS+=("$(printf '| %-44s | %9s | %9s |' "$1" "$2" "$3")"); echo "$1: $2 / $3 MB/s"; }

row "veth, no tunnel (ceiling)" "$(rate c s 10.200.0.1)" "$(rate s c 10.200.0.2)"

qstp_rows() {
  local mtu=$1 label=$2
  start_vpn s "$T/qs.log" server --dir "$T/srv" --listen 10.200.0.1:32119 --tun qstp0 \
    --pool 10.99.0.0/24 --mtu "$mtu" --quiet
  local sp=$LASTPID
  wait_log "$T/qs.log" 'ready on' 10 || true
  start_vpn c "$T/qc.log" client --dir "$T/srv" --connect 10.200.0.1:32119 --tun qstp0
  local cp=$LASTPID
  if wait_ping c 10.99.0.1 10; then
    row "$label" "$(rate c s 10.99.0.1)" "$(rate s c 10.99.0.2)"
  else
    echo "qstp vpn did not come up: $(cat "$T/qs.log" "$T/qc.log")"
  fi
  stop "$cp"
  stop "$sp"
}
qstp_rows 1400 "qstp vpn (MTU 1400, default suite)"
qstp_rows 8000 "qstp vpn (MTU 8000)"

WG=""
if command -v wireguard-go >/dev/null && command -v wg >/dev/null; then
  umask 077
  wg genkey >"$T/ks"; wg pubkey <"$T/ks" >"$T/ps"
  wg genkey >"$T/kc"; wg pubkey <"$T/kc" >"$T/pc"
  # wireguard-go's control socket is /var/run/wireguard/IFNAME.sock, shared by all namespaces:
  # the two ends need different interface names.
  for n in s c; do
    WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 ip netns exec "$NSP-$n" wireguard-go -f "wgq$$$n" \
      >"$T/wg-$n.log" 2>&1 &
    PIDS+=($!)
  done
  for _ in $(seq 1 50); do has_link s "wgq$$s" && has_link c "wgq$$c" && break; sleep 0.1; done
  in_ns s wg set "wgq$$s" private-key "$T/ks" listen-port 51820 peer "$(cat "$T/pc")" allowed-ips 10.98.0.2/32
  in_ns c wg set "wgq$$c" private-key "$T/kc" listen-port 51821 peer "$(cat "$T/ps")" \
    allowed-ips 10.98.0.0/24 endpoint 10.200.0.1:51820
  ip -n "$NSP-s" addr add 10.98.0.1/24 dev "wgq$$s"; ip -n "$NSP-s" link set "wgq$$s" up
  ip -n "$NSP-c" addr add 10.98.0.2/24 dev "wgq$$c"; ip -n "$NSP-c" link set "wgq$$c" up
  if wait_ping c 10.98.0.1 10; then
    WG_UP=$(rate c s 10.98.0.1)
    WG_DOWN=$(rate s c 10.98.0.2)
    row "wireguard-go $(dpkg-query -W -f='${Version}' wireguard-go 2>/dev/null) (MTU 1420)" "$WG_UP" "$WG_DOWN"
    WG=1
  else
    echo "wireguard-go did not come up: $(tail -n 5 "$T/wg-s.log" "$T/wg-c.log" | head -c 600)"
  fi
  ip -n "$NSP-s" link del "wgq$$s" 2>/dev/null
  ip -n "$NSP-c" link del "wgq$$c" 2>/dev/null
  # kernel WireGuard, if this kernel has it
  if ip -n "$NSP-s" link add wg1 type wireguard 2>/dev/null && ip -n "$NSP-c" link add wg1 type wireguard 2>/dev/null; then
    in_ns s wg set wg1 private-key "$T/ks" listen-port 51820 peer "$(cat "$T/pc")" allowed-ips 10.97.0.2/32
    in_ns c wg set wg1 private-key "$T/kc" listen-port 51821 peer "$(cat "$T/ps")" allowed-ips 10.97.0.0/24 \
      endpoint 10.200.0.1:51820
    ip -n "$NSP-s" addr add 10.97.0.1/24 dev wg1; ip -n "$NSP-s" link set wg1 up
    ip -n "$NSP-c" addr add 10.97.0.2/24 dev wg1; ip -n "$NSP-c" link set wg1 up
    if wait_ping c 10.97.0.1 10; then
      row "kernel WireGuard (MTU 1420)" "$(rate c s 10.97.0.1)" "$(rate s c 10.97.0.2)"
    fi
  fi
fi

echo
echo "TCP throughput, one stream, ${DUR} s per direction, MB/s (10^6 bytes/s); $(nproc) CPUs"
echo "| path                                         | client->server | server->client |"
echo "|---|---:|---:|"
for r in "${ROWS[@]}"; do echo "$r"; done
if [ -n "$WG" ]; then
  echo
  echo "ratios to wireguard-go (higher is better for qstp):"
  for r in "${ROWS[@]}"; do
    case "$r" in
      *qstp*) echo "$r" | awk -F'|' -v u="$WG_UP" -v d="$WG_DOWN" \
        '{ printf "  %s: %.2fx / %.2fx\n", $2, ($3 + 0) / u, ($4 + 0) / d }' ;;
    esac
  done
fi
# this is a benchmark: no checks counted, exit 0 when it ran
PASS=0; FAIL=0
exit 0
