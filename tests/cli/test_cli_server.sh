#!/usr/bin/env bash
# `qstp server` service options: key rotation (several --key/--cert pairs under one root, chosen
# by the serial of the client's connect request), SIGHUP reloading all pairs, --log-format json
# (every line parses), and --config (two services from one file, errors with file:line).
. "$(dirname "$0")/lib.sh"

"$QSTP" root init --out "$T/root" >/dev/null 2>&1 || bad "setup: root init"
"$QSTP" root sign --root "$T/root" --out "$T/a" >/dev/null 2>&1 || bad "setup: root sign a"
"$QSTP" root sign --root "$T/root" --out "$T/b" >/dev/null 2>&1 || bad "setup: root sign b"
R="$T/root/root_public_cert.qrr"
K=server_secret_key.qsk; C=server_public_cert.qrc

# echo_via PORT CERT TEXT: one client with that certificate; prints the echo
echo_via() {
  printf '%s\n' "$3" | "$QSTP" client --root "$R" --cert "$2" --connect 127.0.0.1:"$1" --linger 1 2>>"$T/cli.err"
}

# ---- 1. key rotation: one server, two pairs; a client of each certificate connects
start_server "$T/rot.log" --key "$T/a/$K" --cert "$T/a/$C" --key "$T/b/$K" --cert "$T/b/$C" \
  --root "$R" --echo --log-format json || bad "rotation server start"
check "rotation server logs 2 keys" grep -q '2 key(s)' "$T/rot.log"
check "client with certificate A echoes" [ "$(echo_via "$SPORT" "$T/a/$C" alpha)" = alpha ]
check "client with certificate B echoes" [ "$(echo_via "$SPORT" "$T/b/$C" beta)" = beta ]
SA=$("$QSTP" cert show "$T/a/$C" 2>/dev/null | grep -io 'serial[^0-9A-F]*[0-9A-F]\{32\}' | head -1 | grep -o '[0-9A-F]\{32\}$')
SB=$("$QSTP" cert show "$T/b/$C" 2>/dev/null | grep -io 'serial[^0-9A-F]*[0-9A-F]\{32\}' | head -1 | grep -o '[0-9A-F]\{32\}$')
check "tunnels were served by key A and by key B (serials in the json log)" \
  bash -c "[ -n '$SA' ] && [ -n '$SB' ] && grep -q '\"serial\":\"$SA\"' '$T/rot.log' && grep -q '\"serial\":\"$SB\"' '$T/rot.log'"
kill -HUP "$SPID"
wait_log "$T/rot.log" '"event":"reloaded"' && ok "SIGHUP reloads both pairs" || bad "SIGHUP: $(tail -3 "$T/rot.log")"
check "after SIGHUP, certificate B still echoes" [ "$(echo_via "$SPORT" "$T/b/$C" again)" = again ]
kill -TERM "$SPID"; wait "$SPID"; rc=$?
check "rotation server exits 0" [ "$rc" = 0 ]

# ---- 2. --log-format json: every line of the run is one JSON object with time/level/event
check "json log: every line parses, each has time, level and event" python3 -c '
import json, sys
n = 0
for l in open(sys.argv[1]):
    o = json.loads(l); n += 1
    assert all(k in o for k in ("time", "level", "event")), l
assert n >= 6, n
' "$T/rot.log"
check "json log: tunnel_open with peer, tunnel id and suite" python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
o = [e for e in ev if e["event"] == "tunnel_open"]
assert len(o) >= 3 and all("peer" in e and "tunnel" in e and "suite" in e for e in o)
c = [e for e in ev if e["event"] == "tunnel_close"]
assert len(c) >= 3 and all("reason" in e for e in c)
assert any(e["event"] == "ready" for e in ev)
est = [e for e in ev if e["event"] == "established"]
assert len(est) >= 3 and all(e["peer"].startswith("127.0.0.1:") and "suite" in e for e in est), est
cl = [e for e in ev if e["event"] == "closed"]
assert len(cl) >= 3 and all(e["peer"].startswith("127.0.0.1:") and "reason" in e for e in cl), cl and any(e["event"] == "stopped" for e in ev)
' "$T/rot.log"
expect_fail "--log-format xml is refused" 1 "log-format is text or json" \
  "$QSTP" server --dir "$T/a" --echo --log-format xml

# ---- 3. --config: two services in one file, one process
cat >"$T/qstp.conf" <<CONF
# two services
[service alpha]
dir = $T/a
listen = 127.0.0.1:0
echo = yes
log-format = json

[service beta]
key = $T/b/$K
cert = $T/b/$C
root = $R
listen = 127.0.0.1:0
echo = yes
CONF
"$QSTP" server --config "$T/qstp.conf" 2>"$T/conf.log" &
CSPID=$!; PIDS+=("$CSPID")
wait_log "$T/conf.log" '"source":"server beta","event":"ready"' || bad "config server: $(cat "$T/conf.log")"
wait_log "$T/conf.log" '"source":"server alpha","event":"ready"' || true
PA=$(python3 -c 'import json,sys,re
for l in open(sys.argv[1]):
    o=json.loads(l)
    if o["event"]=="ready" and o["source"]==sys.argv[2]: print(re.search(r"port (\d+)", o["msg"]).group(1))' "$T/conf.log" "server alpha")
PB=$(python3 -c 'import json,sys,re
for l in open(sys.argv[1]):
    o=json.loads(l)
    if o["event"]=="ready" and o["source"]==sys.argv[2]: print(re.search(r"port (\d+)", o["msg"]).group(1))' "$T/conf.log" "server beta")
check "config: two services on two ports ($PA, $PB)" bash -c "[ -n '$PA' ] && [ -n '$PB' ] && [ '$PA' != '$PB' ]"
check "config: service alpha echoes" [ "$(echo_via "$PA" "$T/a/$C" one)" = one ]
check "config: service beta echoes" [ "$(echo_via "$PB" "$T/b/$C" two)" = two ]
kill -HUP "$CSPID"
wait_log "$T/conf.log" '"source":"server beta","event":"reloaded"' && ok "config: SIGHUP reloads every service" || bad "config SIGHUP: $(tail -3 "$T/conf.log")"
kill -TERM "$CSPID"; wait "$CSPID"; rc=$?
check "config server exits 0" [ "$rc" = 0 ]

# single-service file: the command line overrides it
printf '[service one]\ndir = %s\nlisten = 127.0.0.1:1\nforward = 127.0.0.1:9\n' "$T/a" >"$T/one.conf"
start_server "$T/one.log" --config "$T/one.conf" --echo || bad "single-service config with overrides"
check "command line overrides the file (listen, mode)" grep -q 'mode echo' "$T/one.log"
check "override: echoes" [ "$(echo_via "$SPORT" "$T/a/$C" over)" = over ]
kill -TERM "$SPID"; wait "$SPID"

# errors name the file and line
printf '[service x]\ndir = %s\n# comment\nlisen = 1\n' "$T/a" >"$T/bad1.conf"
expect_fail "config: misspelt key" 1 "bad1.conf:4: unknown key 'lisen'; did you mean 'listen'\\?" \
  "$QSTP" server --config "$T/bad1.conf"
printf 'listen = 1\n' >"$T/bad2.conf"
expect_fail "config: key outside a section" 1 "bad2.conf:1: 'listen' is outside a section" \
  "$QSTP" server --config "$T/bad2.conf"
printf '[service x]\ndir = %s\necho = yes\nmax-tunnels = lots\n' "$T/a" >"$T/bad3.conf"
expect_fail "config: bad value" 1 "bad3.conf:4: max-tunnels must be" \
  "$QSTP" server --config "$T/bad3.conf"
expect_fail "config: several services refuse --listen" 1 "has 2 services" \
  "$QSTP" server --config "$T/qstp.conf" --listen 1
expect_fail "config: missing file" 2 "cannot read configuration file" \
  "$QSTP" server --config "$T/nope.conf"
expect_fail "examples/qstp.conf parses (then wants its /etc directory)" 2 \
  "server directory /etc/qstp/server does not exist" "$QSTP" server --config examples/qstp.conf
expect_fail "rotation: key without cert" 1 "in pairs" \
  "$QSTP" server --key "$T/a/$K" --cert "$T/a/$C" --key "$T/b/$K" --root "$R" --echo

finish
