#!/usr/bin/env bash
# The happy paths of the qstp command: version and --help everywhere, root init -> root sign ->
# server --echo -> client --stdio, cert show on our files and on the reference's files, cert
# verify, PEM twins, SIGHUP reload, server --stdio, revocation (list and notice).
. "$(dirname "$0")/lib.sh"
REF=$SHARED/vectors/reference/mldsa87/deterministic

# ---- version and help
check "version names the protocol" bash -c "'$QSTP' version | grep -q 'QSTP 1.4'"
check "version lists the default suite" bash -c "'$QSTP' version | grep -q '0x03.*dilithium-s5_kyber-s5_rcs-256_sha3-256.*default'"
for c in "" "root" "root init" "root sign" "root revoke" "cert" "cert show" "cert verify" "cert export" \
         "server" "client" "demo" "version"; do
  # shellcheck disable=SC2086
  check "qstp $c --help has usage and an example" bash -c "'$QSTP' $c --help | grep -q '^usage: qstp' && '$QSTP' $c --help | grep -qi 'example'"
done

# ---- root init / sign
check "root init" "$QSTP" root init --out "$T/root" --issuer QSTP_test.qrr --days 30 --pem
check "root key is 0600" bash -c "[ \"\$(stat -c %a '$T/root/root_secret_key.qsk')\" = 600 ]"
check "root cert is 0644" bash -c "[ \"\$(stat -c %a '$T/root/root_public_cert.qrr')\" = 644 ]"
check "root files have the reference sizes (set 0x03)" bash -c \
  "[ \$(stat -c %s '$T/root/root_public_cert.qrr') = 7317 ] && [ \$(stat -c %s '$T/root/root_secret_key.qsk') = 7554 ]"
check "--pem writes PEM twins" grep -q -- '-----BEGIN QSTP ROOT CERTIFICATE-----' "$T/root/root_public_cert.qrr.pem"
check "root sign" "$QSTP" root sign --root "$T/root" --out "$T/srv" --issuer QSTP_srv.qrc --days 10
check "server dir is self-contained" bash -c \
  "[ \$(stat -c %s '$T/srv/server_public_cert.qrc') = 7333 ] && [ \$(stat -c %s '$T/srv/server_secret_key.qsk') = 7586 ] && cmp -s '$T/srv/root_public_cert.qrr' '$T/root/root_public_cert.qrr'"
check "server key is 0600" bash -c "[ \"\$(stat -c %a '$T/srv/server_secret_key.qsk')\" = 600 ]"
check "root sign --root accepts the key file" "$QSTP" root sign --root "$T/root/root_secret_key.qsk" --out "$T/srv2" --issuer QSTP_srv2.qrc
# a server certificate never outlives its root: --days past the root's expiry is capped, said so,
# and the key file gets the same expiry (bytes 10..3 from the end are LE64 `to` in all three files)
check "root init (5 days)" "$QSTP" root init --out "$T/root5" --issuer QSTP_short.qrr --days 5
"$QSTP" root sign --root "$T/root5" --out "$T/srv5" --issuer QSTP_srv5.qrc --days 30 >"$T/sign5" 2>&1
check "root sign --days 30 under a 5-day root says it was capped" \
  grep -q "note: --days 30 would outlive the root certificate; the certificate and its key end with the root" "$T/sign5"
check "capped certificate and key end with the root" bash -c \
  "r=\$(tail -c 10 '$T/root5/root_public_cert.qrr' | head -c 8 | od -An -tx1); \
   c=\$(tail -c 10 '$T/srv5/server_public_cert.qrc' | head -c 8 | od -An -tx1); \
   k=\$(tail -c 10 '$T/srv5/server_secret_key.qsk' | head -c 8 | od -An -tx1); \
   [ \"\$r\" = \"\$c\" ] && [ \"\$r\" = \"\$k\" ]"
check "capped certificate verifies" "$QSTP" cert verify "$T/srv5/server_public_cert.qrc" --root "$T/root5/root_public_cert.qrr"
check "root sign within the root's validity prints no cap note" bash -c "! grep -q 'note:' <('$QSTP' root sign --root '$T/root5' --out '$T/srv5b' --days 2)"
check "root init --suite by full protocol string" "$QSTP" root init --out "$T/root44" --suite dilithium-s1_kyber-s1_rcs-256_sha3-256
check "the suite is in the certificate" bash -c "'$QSTP' cert show --brief '$T/root44/root_public_cert.qrr' | grep -q 'dilithium-s1_kyber-s1_rcs-256_sha3-256 (0x01'"

# ---- cert show / verify
"$QSTP" cert show "$T/srv/server_public_cert.qrc" >"$T/show" 2>&1
check "cert show: kind, issuer, serial, root serial, suite, validity" bash -c \
  "grep -q 'server certificate (binary, 7333 bytes)' '$T/show' && grep -q 'QSTP_srv.qrc' '$T/show' && grep -q 'root serial' '$T/show' && grep -q 'valid to .*days left' '$T/show' && grep -q 'ML-DSA-87' '$T/show'"
check "cert show prints the reference text form" grep -q -- '------BEGIN QSTP CHILD PUBLIC CERTIFICATE BLOCK------' "$T/show"
"$QSTP" cert show "$T/root/root_secret_key.qsk" >"$T/showk" 2>&1
check "cert show on a secret key names it and hides the key" bash -c \
  "grep -q 'root SECRET key' '$T/showk' && grep -q 'present (not shown)' '$T/showk' && [ \$(wc -c <'$T/showk') -lt 1000 ]"
check "cert show on a server secret key" bash -c "'$QSTP' cert show '$T/srv/server_secret_key.qsk' | grep -q 'server SECRET key'"
check "cert show on PEM" bash -c "'$QSTP' cert show --brief '$T/root/root_public_cert.qrr.pem' | grep -q 'root certificate (PEM'"
check "cert show on a PEM secret key" bash -c "'$QSTP' cert show '$T/root/root_secret_key.qsk.pem' | grep -q 'root SECRET key (PEM'"
# cert show --json: one object per file, for scripts; the same values as the text summary
for f in "$T/srv/server_public_cert.qrc" "$T/root/root_public_cert.qrr" "$T/srv/server_secret_key.qsk"; do
  "$QSTP" cert show --json "$f" >"$T/json" 2>&1
  "$QSTP" cert show --brief "$f" >"$T/brief" 2>&1
  check "cert show --json $(basename "$f"): one line of JSON with the text form's serial, suite and expiry" python3 -c "
import json, sys, re
lines = open('$T/json').read().splitlines()
assert len(lines) == 1, lines
j = json.loads(lines[0])
brief = open('$T/brief').read()
serial = re.search(r'serial +([0-9A-F]{32})', brief).group(1)
assert j['serial'] == serial, (j['serial'], serial)
assert j['file'] == '$f' and j['size'] > 7000 and j['suite_id'] == '0x03'
assert j['suite'] == 'dilithium-s5_kyber-s5_rcs-256_sha3-256' and j['signature'] == 'ML-DSA-87'
assert j['status'] == 'valid' and j['days_left'] == int(re.search(r'\((\d+) days left\)', brief).group(1))
assert re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ', j['valid_to'])
kind = {'qrc': 'server certificate', 'qrr': 'root certificate', 'qsk': 'server secret key'}['$f'[-3:]]
assert j['kind'] == kind, j['kind']
if kind == 'server certificate': assert re.fullmatch('[0-9A-F]{32}', j['root_serial'])
if kind == 'root certificate': assert j['self_signature'] == 'valid'
if kind == 'server secret key': assert j['secret_key'] == 'present (not shown)' and len(lines[0]) < 1000
"
done
check "cert show --json on an unsigned certificate: root_serial is null" bash -c \
  "'$QSTP' cert show --json '$REF/qstp_refhost.qrc.unsigned' | python3 -c 'import json,sys; assert json.load(sys.stdin)[\"root_serial\"] is None'"
if [ -x "$MKCERTS" ]; then
  mkdir -p "$T/exp" && "$MKCERTS" "$T/exp" expired >/dev/null 2>&1
  check "cert show --json on an expired certificate: status expired, days_left negative" bash -c \
    "'$QSTP' cert show --json '$T/exp/server_public_cert.qrc' | python3 -c 'import json,sys; j=json.load(sys.stdin); assert j[\"status\"] == \"expired\" and j[\"days_left\"] < 0, j'"
fi
check "cert show --brief --json is a usage error" bash -c "'$QSTP' cert show --brief --json '$T/root/root_public_cert.qrr' 2>/dev/null; [ \$? = 1 ]"

# cert export: every encoding round-trips to the same bytes; secret keys only to files, 0600
mkdir -p "$T/ex"
"$QSTP" cert export --format pem "$T/srv/server_public_cert.qrc" >"$T/ex/s.pem"
check "cert export --format pem to stdout is the PEM twin root sign --pem writes" bash -c \
  "grep -q -- '-----BEGIN QSTP SERVER CERTIFICATE-----' '$T/ex/s.pem' && '$QSTP' cert show --brief '$T/ex/s.pem' | grep -q 'server certificate (PEM'"
"$QSTP" cert export --format text "$T/root/root_public_cert.qrr" >"$T/ex/r.txt"
check "cert export --format text prints the reference text form" grep -q -- '------BEGIN QSTP ROOT PUBLIC CERTIFICATE BLOCK------' "$T/ex/r.txt"
"$QSTP" cert export --format binary --out "$T/ex/s.qrc" "$T/ex/s.pem" >/dev/null
"$QSTP" cert export --format binary --out "$T/ex/r.qrr" "$T/ex/r.txt" >/dev/null
check "cert export: PEM and text back to binary give the original bytes" bash -c \
  "cmp -s '$T/ex/s.qrc' '$T/srv/server_public_cert.qrc' && cmp -s '$T/ex/r.qrr' '$T/root/root_public_cert.qrr' && [ \"\$(stat -c %a '$T/ex/s.qrc')\" = 644 ]"
"$QSTP" cert export --format pem --out "$T/ex/k.pem" "$T/srv/server_secret_key.qsk" >/dev/null
"$QSTP" cert export --format binary --out "$T/ex/k.qsk" "$T/ex/k.pem" >/dev/null
check "cert export: a secret key through PEM and back is the same file, mode 0600 both times" bash -c \
  "cmp -s '$T/ex/k.qsk' '$T/srv/server_secret_key.qsk' && [ \"\$(stat -c %a '$T/ex/k.pem')\" = 600 ] && [ \"\$(stat -c %a '$T/ex/k.qsk')\" = 600 ]"
check "cert export: a secret key is never written to stdout (exit 1, nothing on stdout)" bash -c \
  "'$QSTP' cert export --format pem '$T/srv/server_secret_key.qsk' >'$T/ex/leak' 2>/dev/null; [ \$? = 1 ] && [ ! -s '$T/ex/leak' ]"
check "cert export: an existing --out is kept without --force (exit 2), replaced with it" bash -c \
  "'$QSTP' cert export --format binary --out '$T/ex/s.qrc' '$T/ex/s.pem' 2>/dev/null; [ \$? = 2 ] && '$QSTP' cert export --format binary --force --out '$T/ex/s.qrc' '$T/ex/s.pem' >/dev/null"
check "cert export: binary to stdout and keys as text are usage errors" bash -c \
  "'$QSTP' cert export --format binary '$T/ex/s.pem' >/dev/null 2>&1; a=\$?; '$QSTP' cert export --format text --out '$T/ex/k.txt' '$T/srv/server_secret_key.qsk' 2>/dev/null; b=\$?; [ \$a = 1 ] && [ \$b = 1 ] && [ ! -e '$T/ex/k.txt' ]"

# the reference's own files
"$QSTP" cert show "$REF/root_public_cert.qrr" >"$T/refroot" 2>&1
check "cert show on the reference root (names $REF/root_public_cert.qrr)" bash -c \
  "grep -q 'root certificate (binary, 7317 bytes)' '$T/refroot' && grep -q 'QSTP_refhost.qrr' '$T/refroot' && grep -q 'C1C8C01EC95A88AEF0872762E7DE88E2' '$T/refroot' && grep -q 'self-signature  *valid' '$T/refroot'"
check "our text form of the reference root equals the reference's text (first 8 lines)" bash -c \
  "sed -n '/^------BEGIN/,\$p' '$T/refroot' | sed 's/\r//' | head -n 8 | sed 's/ UTC//' >'$T/a'; sed 's/\r//' '$REF/root_public_cert.encoded.txt' | head -n 8 >'$T/b'; diff '$T/a' '$T/b'"
check "cert show on the reference server certificate" bash -c \
  "'$QSTP' cert show '$REF/qstp_refhost.qrc' | grep -q 'QSTP_refhost.qrc'"
check "cert show on the reference text encoding" bash -c \
  "'$QSTP' cert show --brief '$REF/root_public_cert.encoded.txt' | grep -q 'root certificate (reference text'"
check "cert verify: the reference server certificate against the reference root" \
  bash -c "'$QSTP' cert verify --root '$REF/root_public_cert.qrr' '$REF/qstp_refhost.qrc' | grep -q OK"
check "cert verify: ours" bash -c "'$QSTP' cert verify --root '$T/root/root_public_cert.qrr' '$T/srv/server_public_cert.qrc' | grep -q ': OK'"
check "cert verify: a root against itself" "$QSTP" cert verify --root "$T/root/root_public_cert.qrr" "$T/root/root_public_cert.qrr.pem"

check "cert show on the reference server text encoding" bash -c \
  "'$QSTP' cert show --brief '$REF/server_public_cert.encoded.txt' | grep -q 'server certificate (reference text'"
check "cert show on an unsigned certificate says so" bash -c \
  "'$QSTP' cert show --brief '$REF/qstp_refhost.qrc.unsigned' | grep -q 'unsigned'"

# ---- the reference's key files serve a tunnel (valid until 2027-06-22 12:00 UTC; after that
# the server must refuse them with the expiry sentence instead)
if [ "$(date +%s)" -lt 1813665600 ]; then
  start_server "$T/ref.log" --key "$REF/server_secret_key.qsk" --cert "$REF/qstp_refhost.qrc" \
    --root "$REF/root_public_cert.qrr" --echo || bad "server with the reference keys"
  out=$(printf 'ref\n' | "$QSTP" client --root "$REF/root_public_cert.qrr" --cert "$REF/qstp_refhost.qrc" \
    --connect 127.0.0.1:"$SPORT" --linger 1)
  check "tunnel with the reference's key files ($REF)" [ "$out" = "ref" ]
  kill -TERM "$SPID"; wait "$SPID"
else
  check "the expired reference certificate is refused" bash -c \
    "'$QSTP' server --key '$REF/server_secret_key.qsk' --cert '$REF/qstp_refhost.qrc' --root '$REF/root_public_cert.qrr' --echo 2>&1 | grep -q 'expired on'"
fi

# ---- server --echo and client --stdio
start_server "$T/echo.log" --dir "$T/srv" --echo || bad "echo server start"
out=$(printf 'hi\n' | "$QSTP" client --dir "$T/srv" --connect 127.0.0.1:"$SPORT" --linger 1)
check "printf 'hi\\n' | qstp client --stdio prints the echo" [ "$out" = "hi" ]
head -c 300000 /dev/urandom >"$T/blob"
"$QSTP" client --root "$T/root/root_public_cert.qrr" --cert "$T/srv/server_public_cert.qrc" \
  --connect 127.0.0.1:"$SPORT" --stdio --linger 1 <"$T/blob" >"$T/blob.back"
check "300 KB binary echo through --stdio (--root/--cert form)" cmp -s "$T/blob" "$T/blob.back"
check "client over IPv6 literal syntax [::1] is parsed (server on v4 refuses: exit 3)" bash -c \
  "printf x | '$QSTP' client --dir '$T/srv' --connect '[::1]:$SPORT' >/dev/null 2>&1; [ \$? = 3 ]"
check "server logged the tunnel" grep -q 'established' "$T/echo.log"
# SIGHUP: reload a new key/cert in the same directory; old and new clients both work
cp -r "$T/srv" "$T/srv.old"
"$QSTP" root sign --root "$T/root" --out "$T/srv" --issuer QSTP_srv3.qrc --force >/dev/null
kill -HUP "$SPID"
wait_log "$T/echo.log" 'reloaded' && ok "SIGHUP reloads" || bad "SIGHUP reload: $(tail -3 "$T/echo.log")"
out=$(printf 'new\n' | "$QSTP" client --dir "$T/srv" --connect 127.0.0.1:"$SPORT" --linger 1)
check "client with the reloaded certificate" [ "$out" = "new" ]
kill -TERM "$SPID"; wait "$SPID"; rc=$?
check "SIGTERM: server exits 0" [ "$rc" = 0 ]
check "SIGTERM: server logged the shutdown" grep -q 'shutting down' "$T/echo.log"

# ---- PEM files everywhere, and IPv6 when the machine has ::1
"$QSTP" root sign --root "$T/root" --out "$T/srvpem" --pem >/dev/null 2>&1 || bad "root sign --pem"
if python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null; then
  LISTEN='[::1]:0'; HOST='[::1]'
else
  LISTEN='127.0.0.1:0'; HOST=127.0.0.1; echo "     (no IPv6 loopback here: PEM test over IPv4)"
fi
"$QSTP" server --key "$T/srvpem/server_secret_key.qsk.pem" --cert "$T/srvpem/server_public_cert.qrc.pem" \
  --root "$T/srvpem/root_public_cert.qrr.pem" --listen "$LISTEN" --echo 2>"$T/pem.log" &
SPID=$!; PIDS+=("$SPID")
wait_log "$T/pem.log" 'ready on' || bad "PEM server start: $(cat "$T/pem.log")"
SPORT=$(grep -o 'ready on .* port [0-9]*' "$T/pem.log" | awk '{print $NF}')
out=$(printf 'pem\n' | "$QSTP" client --root "$T/srvpem/root_public_cert.qrr.pem" \
  --cert "$T/srvpem/server_public_cert.qrc.pem" --connect "$HOST:$SPORT" --linger 1)
check "server and client from PEM files, over $HOST" [ "$out" = "pem" ]
kill -TERM "$SPID"; wait "$SPID"

# ---- SIGTERM (or Ctrl-C, SIGINT, in a terminal) ends the tunnel with a close record
start_server "$T/int.log" --dir "$T/srv" --echo || bad "server start"
mkfifo "$T/hold"
sleep 30 >"$T/hold" &    # keeps the client's stdin open
PIDS+=($!)
"$QSTP" client --dir "$T/srv" --connect 127.0.0.1:"$SPORT" <"$T/hold" 2>"$T/int.err" &
CPID=$!
wait_log "$T/int.log" 'established' || bad "client did not connect"
t0=$(date +%s)
kill -TERM "$CPID"; wait "$CPID"; rc=$?
elapsed=$(( $(date +%s) - t0 ))
check "signal: the client exits 0 at once (exit $rc after $elapsed s)" bash -c "[ $rc = 0 ] && [ $elapsed -lt 5 ]"
wait_log "$T/int.log" 'closed: normal close' && ok "signal: the server saw a normal close" || bad "signal: $(tail -2 "$T/int.log")"
kill -TERM "$SPID"; wait "$SPID"

# ---- idle timeout and keep-alive
# keep-alive every second against an idle timeout of 2 s: no race between the two timers
start_server "$T/idle.log" --dir "$T/srv" --echo --idle-timeout 2 || bad "idle server start"
rc=0
( printf 'a\n'; sleep 4 ) | "$QSTP" client --dir "$T/srv" --connect 127.0.0.1:"$SPORT" --stdio >"$T/idle.out" 2>"$T/idle.err" || rc=$?
check "server idle timeout: the client exits 3 with a sentence" bash -c \
  "[ $rc = 3 ] && grep -q 'ended abnormally: .*reconnect' '$T/idle.err' && [ \"\$(cat '$T/idle.out')\" = a ]"
out=$( ( printf 'a\n'; sleep 4; printf 'b\n' ) | "$QSTP" client --dir "$T/srv" --connect 127.0.0.1:"$SPORT" --keepalive 1 --linger 1 )
check "--keepalive keeps an idle tunnel open past the server's idle timeout" [ "$out" = "$(printf 'a\nb')" ]
kill -TERM "$SPID"; wait "$SPID"

# ---- server --stdio
mkfifo "$T/sin"
( sleep 3; printf 'from-server\n' ) >"$T/sin" &
PIDS+=($!)
"$QSTP" server --dir "$T/srv" --listen 127.0.0.1:0 --stdio <"$T/sin" >"$T/sout" 2>"$T/stdio.log" &
SPID=$!; PIDS+=("$SPID")
wait_log "$T/stdio.log" 'ready on' || bad "stdio server start"
SPORT=$(grep -o 'ready on 127.0.0.1 port [0-9]*' "$T/stdio.log" | awk '{print $5}')
( printf 'from-client\n'; sleep 4 ) | "$QSTP" client --dir "$T/srv" --connect 127.0.0.1:"$SPORT" --linger 1 >"$T/cout"
check "server --stdio: client data on the server's stdout" grep -q from-client "$T/sout"
check "server --stdio: server's stdin reaches the client" grep -q from-server "$T/cout"
kill -INT "$SPID"; wait "$SPID"; rc=$?
check "SIGINT: server exits 0" [ "$rc" = 0 ]

# ---- revocation: list and notice
start_server "$T/rev.log" --dir "$T/srv" --echo || bad "revocation server start"
SERIAL=$("$QSTP" cert show --brief "$T/srv/server_public_cert.qrc" | awk '$1=="serial"{print $2}')
check "root revoke --notify: the server accepts the notice" \
  "$QSTP" root revoke --root "$T/root" --serial "$SERIAL" --notify 127.0.0.1:"$SPORT"
check "revocation list written" test -s "$T/root/root_revocation.qrl"
wait_log "$T/rev.log" 'revocation' && ok "server logged the notice" || bad "server did not log the notice"
check "cert verify --revocation refuses the revoked certificate" bash -c \
  "! '$QSTP' cert verify --root '$T/root/root_public_cert.qrr' --revocation '$T/root/root_revocation.qrl' '$T/srv/server_public_cert.qrc' 2>/dev/null"
check "cert verify --revocation accepts another certificate" \
  "$QSTP" cert verify --root "$T/root/root_public_cert.qrr" --revocation "$T/root/root_revocation.qrl" "$T/srv2/server_public_cert.qrc"
check "root revoke --cert appends to the list" "$QSTP" root revoke --root "$T/root" --cert "$T/srv2/server_public_cert.qrc"
check "both serials are now refused" bash -c \
  "! '$QSTP' cert verify --root '$T/root/root_public_cert.qrr' --revocation '$T/root/root_revocation.qrl' '$T/srv2/server_public_cert.qrc' 2>/dev/null"
"$QSTP" cert show "$T/root/root_revocation.qrl" >"$T/showl" 2>&1
check "cert show on the revocation list: its root serial and both revoked serials" bash -c \
  "grep -q 'root_revocation.qrl: revocation list (binary' '$T/showl' && grep -q \"root serial  *\$('$QSTP' cert show --brief '$T/root/root_public_cert.qrr' | awk '\$1==\"serial\"{print \$2}')\" '$T/showl' && grep -q 'revoked  *2 serial' '$T/showl' && grep -q '^    $SERIAL  since ' '$T/showl' && grep -q \"^    \$('$QSTP' cert show --brief '$T/srv2/server_public_cert.qrc' | awk '\$1==\"serial\"{print \$2}')  since\" '$T/showl'"
head -c 100 "$T/root/root_revocation.qrl" >"$T/short.qrl"
check "cert show on a cut revocation list: not shown as a list (exit 2)" bash -c "'$QSTP' cert show '$T/short.qrl' >/dev/null 2>&1; [ \$? = 2 ]"
kill -TERM "$SPID"; wait "$SPID"

finish
