# Shared helpers for the VPN end-to-end tests (sourced). Usage of a script:
#   bash tests/vpn/test_vpn_X.sh PATH/TO/qstp
# Everything runs inside network namespaces created here (names qv<pid>-...), joined by veth
# pairs created directly inside them, with underlay addresses 10.200.x.0/24; the host's own
# interfaces and routes are never touched. The EXIT trap kills what was started and deletes the
# namespaces. Every check counts as passed or failed; the script ends with "N passed, M failed".
set -u

QSTP=${1:?usage: $0 path/to/qstp}
QSTP=$(readlink -f "$QSTP")
TOOL="python3 $(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/vpntool.py"
PASS=0
FAIL=0
T=$(mktemp -d /tmp/qstp-vpntest-XXXXXX)
NSP="qv$$"
NAMESPACES=()
PIDS=()

cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  for n in "${NAMESPACES[@]}"; do ip netns del "$n" 2>/dev/null; done
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok()   { PASS=$((PASS + 1)); echo "ok   [${SECONDS}s] $*"; }
bad()  { FAIL=$((FAIL + 1)); echo "FAIL [${SECONDS}s] $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
# check_not DESC CMD...: passes if CMD fails
check_not() { local d=$1; shift; if "$@"; then bad "$d"; else ok "$d"; fi; }
finish() {
  # A sanitizer report in any background process's log is a failure (ASan/UBSan builds).
  local f
  for f in "$T"/*.log; do
    [ -f "$f" ] || continue
    if grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$f"; then
      bad "sanitizer report in $(basename "$f"): $(grep -Em1 'Sanitizer|runtime error' "$f")"
    fi
  done
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ]
  exit $?
}

# The environment must allow the test; if not, fail with a sentence (never pass silently).
require_env() {
  local why=""
  [ "$(id -u)" = 0 ] || why="these tests need root (network namespaces and TUN devices)"
  [ -z "$why" ] && [ ! -c /dev/net/tun ] && why="/dev/net/tun is missing (modprobe tun)"
  [ -z "$why" ] && ! command -v ip >/dev/null && why="the ip command is missing (install iproute2)"
  [ -z "$why" ] && ! command -v python3 >/dev/null && why="python3 is missing (install python3)"
  if [ -z "$why" ]; then
    if ip netns add "$NSP-probe" 2>"$T/probe.err"; then
      ip netns del "$NSP-probe"
    else
      why="cannot create a network namespace: $(head -c 200 "$T/probe.err")"
    fi
  fi
  if [ -n "$why" ]; then
    bad "environment: $why"
    finish
  fi
}

# mkns NAME: a namespace with lo up; prints nothing. The real name is $NSP-NAME.
mkns() {
  ip netns add "$NSP-$1" || { bad "ip netns add $NSP-$1"; finish; }
  NAMESPACES+=("$NSP-$1")
  ip -n "$NSP-$1" link set lo up
}

# link A ADDR_A B ADDR_B: a veth pair between namespaces A and B (created inside A).
link() {
  local a=$1 aa=$2 b=$3 ba=$4 ia="v-$3" ib="v-$1"
  ip -n "$NSP-$a" link add "$ia" type veth peer name "$ib" netns "$NSP-$b" || { bad "veth $a-$b"; finish; }
  ip -n "$NSP-$a" addr add "$aa/24" dev "$ia"
  ip -n "$NSP-$b" addr add "$ba/24" dev "$ib"
  ip -n "$NSP-$a" link set "$ia" up
  ip -n "$NSP-$b" link set "$ib" up
}

in_ns() { local n=$1; shift; ip netns exec "$NSP-$n" "$@"; }

# wait_log FILE PATTERN [SECONDS]: until FILE contains PATTERN
wait_log() {
  local n=$(( ${3:-10} * 10 ))
  for _ in $(seq 1 "$n"); do
    grep -Eq -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# wait_count FILE PATTERN N [SECONDS]: until PATTERN occurs on at least N lines of FILE
wait_count() {
  local n=$(( ${4:-10} * 10 ))
  for _ in $(seq 1 "$n"); do
    [ "$(grep -Ec -- "$2" "$1" 2>/dev/null)" -ge "$3" ] && return 0
    sleep 0.1
  done
  return 1
}

# start_vpn NS LOG ARGS...: "qstp vpn ARGS" in namespace NS in the background; sets LASTPID.
start_vpn() {
  local n=$1 log=$2; shift 2
  ip netns exec "$NSP-$n" "$QSTP" vpn "$@" >"$log" 2>&1 &
  LASTPID=$!
  PIDS+=("$LASTPID")
}

# stop PID: SIGTERM and wait (5 s), then SIGKILL. 0 if it exited by itself after SIGTERM.
stop() {
  kill -TERM "$1" 2>/dev/null || return 1
  for _ in $(seq 1 50); do
    kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null; return 0; }
    sleep 0.1
  done
  kill -KILL "$1" 2>/dev/null
  wait "$1" 2>/dev/null
  return 1
}

# tun_addr NS [IF]: the IPv4 address on the interface (empty if none / no interface)
tun_addr() {
  ip -n "$NSP-$1" -4 -o addr show dev "${2:-qstp0}" 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -n1
}
# wait_not_link NS [IF]: until the interface is gone (5 s)
wait_not_link() {
  for _ in $(seq 1 50); do
    has_link "$@" || return 0
    sleep 0.1
  done
  return 1
}
has_link() { ip -n "$NSP-$1" link show dev "${2:-qstp0}" >/dev/null 2>&1; }
has_route() { ip -n "$NSP-$1" route show "$2" 2>/dev/null | grep -q "dev ${3:-qstp0}"; }

# ping_ok NS ADDR [COUNT]: at least one ICMP echo reply
ping_ok() { in_ns "$1" $TOOL ping "$2" "${3:-3}" 2 >>"$T/ping.log" 2>&1; }

# wait_ping NS ADDR SECONDS: until a ping gets through
wait_ping() {
  local end=$(( $(date +%s) + $3 ))
  while [ "$(date +%s)" -lt "$end" ]; do
    in_ns "$1" $TOOL ping "$2" 1 1 >>"$T/ping.log" 2>&1 && return 0
  done
  return 1
}

# transfer FROM TO TOADDR NBYTES: a TCP stream of NBYTES from namespace FROM to a sink in TO
# (listening on TOADDR:5201); passes if byte counts and SHA-256 agree. Sets XFER_SECONDS.
transfer() {
  local from=$1 to=$2 addr=$3 n=$4 sent got
  rm -f "$T/ready"
  ip netns exec "$NSP-$to" $TOOL sink 5201 "$T/ready" >"$T/sink.out" 2>"$T/sink.err" &
  PIDS+=($!)
  local sp=$!
  for _ in $(seq 1 50); do [ -f "$T/ready" ] && break; sleep 0.1; done
  sent=$(in_ns "$from" timeout 60 $TOOL send "$addr" 5201 "$n" $$ 2>"$T/send.err")
  wait "$sp"
  got=$(cat "$T/sink.out")
  XFER_SECONDS=$(echo "$sent" | awk '{print $3}')
  [ -n "$sent" ] && [ "$(echo "$sent" | awk '{print $1, $2}')" = "$got" ] && [ "${got%% *}" = "$n" ]
}
