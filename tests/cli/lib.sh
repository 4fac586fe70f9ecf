# Shared helpers for the tests/cli scripts (sourced). Usage of a script:
#   bash tests/cli/test_cli_X.sh PATH/TO/qstp PATH/TO/cli_mkcerts
# Every check counts as passed or failed; the script ends with "N passed, M failed".
set -u

QSTP=${1:?usage: $0 path/to/qstp path/to/cli_mkcerts}
MKCERTS=${2:-}
PASS=0
FAIL=0
SHARED=${QSTP_SHARED:-../shared}
T=$(mktemp -d /tmp/qstp-clitest-XXXXXX)
PIDS=()

cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$T"
}
trap cleanup EXIT

ok()   { PASS=$((PASS + 1)); echo "ok   $*"; }
bad()  { FAIL=$((FAIL + 1)); echo "FAIL $*"; }

# check DESC CMD...: passes if CMD succeeds
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }

# expect_fail DESC RC PATTERN CMD...: CMD exits with RC and its stderr matches PATTERN (grep -E)
expect_fail() {
  local d=$1 want=$2 pat=$3; shift 3
  local rc=0
  "$@" >"$T/out" 2>"$T/err" </dev/null || rc=$?
  if [ "$rc" != "$want" ]; then
    bad "$d: exit $rc, want $want; stderr: $(head -c 400 "$T/err")"
  elif ! grep -Eq -- "$pat" "$T/err"; then
    bad "$d: stderr does not match /$pat/: $(head -c 400 "$T/err")"
  elif [ "$(grep -vc '^  ' "$T/err")" -gt 3 ]; then  # indented lines are lists (e.g. suites)
    bad "$d: more than a sentence on stderr: $(head -c 400 "$T/err")"
  else
    ok "$d (exit $rc: $(head -n 1 "$T/err" | head -c 160))"
  fi
}

# A TCP port nobody listens on right now. Racy: another program (a test running in parallel) may
# take it before it is used; for a port that must stay closed use fake_peer closed.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# "${WITH_SIGINT[@]}" CMD... &: runs CMD with SIGINT at its default action, as a foreground
# program in a terminal gets it (a non-interactive shell starts background jobs with SIGINT
# ignored, so `kill -INT` would not be the user's Ctrl-C). An array, not a function: a function
# in the background is a bash subshell, and $! would be that shell's pid, not CMD's.
WITH_SIGINT=(python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])')

# wait_file FILE: until FILE is not empty (60 s: python's start-up on a loaded machine is slow,
# and a short wait here once failed a test with no reason shown)
wait_file() {
  for _ in $(seq 1 600); do
    [ -s "$1" ] && return 0
    sleep 0.1
  done
  return 1
}

# fake_peer MODE: a python3 TCP peer on 127.0.0.1 that is not a QSTP server; sets FPORT (empty
# and a FAIL line if it did not start). Modes:
#   closed  the port is bound but not listening, so connecting is refused; held until the
#           script ends, so no other program can take it meanwhile (unlike free_port)
#   silent  accepts and never answers
#   http    answers whatever it reads like an HTTP server ("HTTP/1.1 400 ...")
#   close   accepts and closes at once
fake_peer() {
  local f="$T/fake.$1.$RANDOM.port"
  python3 - "$1" "$f" <<'PY' &
import os, socket, sys, time
mode, portfile = sys.argv[1], sys.argv[2]
s = socket.socket()
s.bind(("127.0.0.1", 0))
if mode != "closed":
    s.listen(16)
with open(portfile + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(portfile + ".tmp", portfile)  # the reader sees the whole number or nothing
deadline = time.time() + 600
held = []
while time.time() < deadline:
    if mode == "closed":
        time.sleep(1)
        continue
    c, _ = s.accept()
    if mode == "http":
        c.settimeout(10)
        try:
            c.recv(65536)
            c.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        except OSError:
            pass
        c.close()
    elif mode == "close":
        c.close()
    else:
        held.append(c)  # silent: keep it open, never answer
PY
  PIDS+=($!)
  FPORT=""
  if wait_file "$f"; then FPORT=$(cat "$f"); else bad "fake peer '$1' did not start in 60 s"; fi
}

# start_server LOG ARGS...: runs "qstp server ARGS" in the background with --listen
# 127.0.0.1:0 and sets SPORT to the port it logged (SPID to its pid).
start_server() {
  local log=$1; shift
  "$QSTP" server --listen 127.0.0.1:0 "$@" 2>"$log" &
  SPID=$!
  PIDS+=("$SPID")
  SPORT=""
  for _ in $(seq 1 300); do  # 30 s: an ASan server on a loaded machine starts slowly
    SPORT=$(grep -o 'ready on 127.0.0.1 port [0-9]*' "$log" 2>/dev/null | awk '{print $5}')
    [ -n "$SPORT" ] && return 0
    kill -0 "$SPID" 2>/dev/null || break
    sleep 0.1
  done
  echo "server did not start:"; cat "$log"
  return 1
}

# wait_port PORT: until something listens on 127.0.0.1:PORT (5 s)
wait_port() {
  for _ in $(seq 1 50); do
    python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$1)))" && return 0
    sleep 0.1
  done
  return 1
}

finish() {
  # a sanitizer report in any background process's log is a failure too
  if grep -l 'Sanitizer\|runtime error:' "$T"/*.log "$T"/*.err "$T"/err 2>/dev/null | head -3 | grep -q .; then
    bad "sanitizer report in: $(grep -l 'Sanitizer\|runtime error:' "$T"/*.log "$T"/*.err "$T"/err 2>/dev/null | tr '\n' ' ')"
  fi
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ]
  exit $?
}

# wait_log FILE PATTERN: until FILE contains PATTERN (10 s)
wait_log() {
  for _ in $(seq 1 100); do
    grep -Eq -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
