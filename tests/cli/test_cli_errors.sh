#!/usr/bin/env bash
# Every error path of the qstp command: one sentence on stderr that names the file, field or peer,
# and the documented exit code (1 usage, 2 file/certificate, 3 network/handshake).
. "$(dirname "$0")/lib.sh"
[ -x "$MKCERTS" ] || { bad "cli_mkcerts helper missing ($MKCERTS)"; finish; }

"$QSTP" root init --out "$T/root" --days 30 >/dev/null 2>&1 || bad "setup: root init"
"$QSTP" root sign --root "$T/root" --out "$T/srv" >/dev/null 2>&1 || bad "setup: root sign"
"$QSTP" root sign --root "$T/root" --out "$T/srvB" >/dev/null 2>&1 || bad "setup: second server"
"$QSTP" root init --out "$T/other" >/dev/null 2>&1 || bad "setup: other root"
"$QSTP" root sign --root "$T/other" --out "$T/osrv" >/dev/null 2>&1 || bad "setup: other server"
"$QSTP" root init --out "$T/r44" --suite dilithium-s1_kyber-s1 >/dev/null 2>&1 || bad "setup: set 0x01 root"
for m in expired future rootexpired; do
  mkdir -p "$T/$m" && "$MKCERTS" "$T/$m" "$m" || bad "setup: mkcerts $m"
done
# 0xFF bytes: random ones would parse as a certificate 1 time in 128 (the algorithm byte)
head -c 7333 /dev/zero | tr '\0' '\377' >"$T/garbage.qrc"
cp "$T/srv/server_public_cert.qrc" "$T/tampered.qrc"
printf '\x55' | dd of="$T/tampered.qrc" bs=1 seek=100 conv=notrunc 2>/dev/null
cp "$T/root/root_public_cert.qrr" "$T/tampered.qrr"
printf '\x55' | dd of="$T/tampered.qrr" bs=1 seek=100 conv=notrunc 2>/dev/null
DOWN=$(free_port)

# ---- usage (exit 1)
expect_fail "no command" 1 'usage: qstp' "$QSTP"
expect_fail "unknown command" 1 "unknown command 'frobnicate'" "$QSTP" frobnicate
expect_fail "unknown option" 1 "unknown option --bogus" "$QSTP" root init --out "$T/x" --bogus
expect_fail "option without its value" 1 "option --out needs a value" "$QSTP" root init --out
expect_fail "root init without --out" 1 "--out DIR is required" "$QSTP" root init
expect_fail "root init --days 0" 1 "--days must be a whole number from 1" "$QSTP" root init --out "$T/x" --days 0
expect_fail "root init --days abc" 1 "--days must be .* not 'abc'" "$QSTP" root init --out "$T/x" --days abc
expect_fail "root init --suite unknown" 1 "unknown suite 'rot13'" "$QSTP" root init --out "$T/x" --suite rot13
expect_fail "root init --issuer too long" 1 "--issuer must be 1 to 31 bytes" "$QSTP" root init --out "$T/x" --issuer QSTP_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.qrr
expect_fail "root sign --days 731 (QSTP-WIRE 8.8 maximum)" 1 "--days must be a whole number from 1 to 730" "$QSTP" root sign --root "$T/root" --out "$T/x" --days 731
expect_fail "root sign without --root" 1 "--root DIR is required" "$QSTP" root sign --out "$T/x"
expect_fail "root unknown subcommand" 1 "unknown subcommand 'burn'" "$QSTP" root burn
expect_fail "root revoke bad serial" 1 "--serial must be 32 hex digits" "$QSTP" root revoke --root "$T/root" --serial 12zz
expect_fail "root revoke needs a serial" 1 "exactly one of --serial HEX or --cert FILE" "$QSTP" root revoke --root "$T/root"
expect_fail "cert show without a file" 1 "name the file" "$QSTP" cert show
expect_fail "cert verify without --root" 1 "--root FILE is required" "$QSTP" cert verify "$T/srv/server_public_cert.qrc"
expect_fail "server without a mode" 1 "choose exactly one mode" "$QSTP" server --dir "$T/srv"
expect_fail "server with two modes" 1 "choose exactly one mode" "$QSTP" server --dir "$T/srv" --echo --stdio
expect_fail "server without keys" 1 "give --dir DIR, or all of --key, --cert and --root" "$QSTP" server --echo
expect_fail "server bad --listen" 1 "--listen wants ADDR:PORT" "$QSTP" server --dir "$T/srv" --echo --listen 1.2.3.4:99999
expect_fail "server bad --forward" 1 "--forward wants HOST:PORT" "$QSTP" server --dir "$T/srv" --forward nowhere
expect_fail "client without --connect" 1 "--connect HOST:PORT is required" "$QSTP" client --dir "$T/srv"
expect_fail "client bad --connect" 1 "--connect wants HOST:PORT" "$QSTP" client --dir "$T/srv" --connect localhost
expect_fail "client without certificates" 1 "needs the server's certificate" "$QSTP" client --connect 127.0.0.1:1
expect_fail "client --stdio and -L" 1 "not both" "$QSTP" client --dir "$T/srv" --connect 127.0.0.1:1 --stdio -L 9
expect_fail "client bad -L" 1 "-L wants \[BIND:\]PORT" "$QSTP" client --dir "$T/srv" --connect 127.0.0.1:"$DOWN" -L nope:x
expect_fail "demo unknown suite" 1 "unknown suite" "$QSTP" demo --suite nope
expect_fail "version with an argument" 1 "unexpected argument" "$QSTP" version now

# ---- files and certificates (exit 2)
expect_fail "root init over an existing root" 2 "root_secret_key.qsk already exists; pass --force" "$QSTP" root init --out "$T/root"
expect_fail "root sign from a missing root" 2 "root $T/nowhere does not exist; pass the directory made by 'qstp root init'" "$QSTP" root sign --root "$T/nowhere" --out "$T/x"
expect_fail "root sign with an expired root" 2 "root certificate .* expired on .*create a new root" "$QSTP" root sign --root "$T/rootexpired" --out "$T/x"
expect_fail "root sign with a mismatched root certificate" 2 "does not belong to root key" bash -c "mkdir -p '$T/mix' && cp '$T/root/root_secret_key.qsk' '$T/mix/' && cp '$T/other/root_public_cert.qrr' '$T/mix/' && '$QSTP' root sign --root '$T/mix' --out '$T/x'"
expect_fail "cert show on a missing file" 2 "cannot read $T/none.qrc: no such file" "$QSTP" cert show "$T/none.qrc"
expect_fail "cert show on garbage" 2 "is not a QSTP certificate or key \(7333 bytes" "$QSTP" cert show "$T/garbage.qrc"
expect_fail "cert verify: expired server certificate" 2 "server certificate .* expired on [0-9-]+ [0-9:]+ UTC; ask the root operator to re-sign it" "$QSTP" cert verify --root "$T/expired/root_public_cert.qrr" "$T/expired/server_public_cert.qrc"
expect_fail "cert verify: not yet valid" 2 "is not valid before .*check this machine's clock" "$QSTP" cert verify --root "$T/future/root_public_cert.qrr" "$T/future/server_public_cert.qrc"
expect_fail "cert verify: expired root" 2 "root certificate .* expired on" "$QSTP" cert verify --root "$T/rootexpired/root_public_cert.qrr" "$T/rootexpired/server_public_cert.qrc"
expect_fail "cert verify: another root" 2 "was signed by root [0-9A-F]{32}, not by .*use the root certificate that signed it" "$QSTP" cert verify --root "$T/other/root_public_cert.qrr" "$T/srv/server_public_cert.qrc"
expect_fail "cert verify: tampered certificate" 2 "does not carry a valid signature of root" "$QSTP" cert verify --root "$T/root/root_public_cert.qrr" "$T/tampered.qrc"
expect_fail "cert verify: tampered root" 2 "root certificate $T/tampered.qrr is damaged" "$QSTP" cert verify --root "$T/tampered.qrr" "$T/srv/server_public_cert.qrc"
expect_fail "cert verify: suites differ" 2 "uses suite dilithium-s5_kyber-s5 but root .* uses dilithium-s1_kyber-s1" "$QSTP" cert verify --root "$T/r44/root_public_cert.qrr" "$T/srv/server_public_cert.qrc"
expect_fail "cert verify: a key instead of a certificate" 2 "is a secret key, not a certificate" "$QSTP" cert verify --root "$T/root/root_public_cert.qrr" "$T/srv/server_secret_key.qsk"
expect_fail "cert verify: a certificate as the root" 2 "is not a root certificate" "$QSTP" cert verify --root "$T/srv/server_public_cert.qrc" "$T/srv/server_public_cert.qrc"
expect_fail "cert verify: missing revocation list" 2 "cannot read revocation list $T/none.qrl: no such file" "$QSTP" cert verify --root "$T/root/root_public_cert.qrr" --revocation "$T/none.qrl" "$T/srv/server_public_cert.qrc"
expect_fail "server: missing directory" 2 "server directory $T/nodir does not exist" "$QSTP" server --dir "$T/nodir" --echo
expect_fail "server: expired certificate" 2 "expired on .*ask the root operator to re-sign it" "$QSTP" server --dir "$T/expired" --echo --listen 127.0.0.1:0
expect_fail "server: key of another certificate" 2 "server key .* does not belong to certificate" "$QSTP" server --key "$T/srv/server_secret_key.qsk" --cert "$T/srvB/server_public_cert.qrc" --root "$T/root/root_public_cert.qrr" --echo --listen 127.0.0.1:0
expect_fail "server: certificate of another root" 2 "was signed by root" "$QSTP" server --key "$T/osrv/server_secret_key.qsk" --cert "$T/osrv/server_public_cert.qrc" --root "$T/root/root_public_cert.qrr" --echo --listen 127.0.0.1:0
expect_fail "server: a certificate as the key" 2 "is not a server secret key" "$QSTP" server --key "$T/srv/server_public_cert.qrc" --cert "$T/srv/server_public_cert.qrc" --root "$T/root/root_public_cert.qrr" --echo --listen 127.0.0.1:0
expect_fail "client: missing root file" 2 "cannot read root certificate $T/none.qrr: no such file" "$QSTP" client --root "$T/none.qrr" --cert "$T/srv/server_public_cert.qrc" --connect 127.0.0.1:"$DOWN"
expect_fail "client: expired server certificate" 2 "expired on .*ask the root operator to re-sign it" "$QSTP" client --dir "$T/expired" --connect 127.0.0.1:"$DOWN"
expect_fail "client: wrong root" 2 "was signed by root" "$QSTP" client --root "$T/other/root_public_cert.qrr" --cert "$T/srv/server_public_cert.qrc" --connect 127.0.0.1:"$DOWN"
"$QSTP" root revoke --root "$T/root" --cert "$T/srvB/server_public_cert.qrc" >/dev/null 2>&1 || bad "setup: revoke"
expect_fail "client: revoked server certificate" 2 "is revoked by root" "$QSTP" client --root "$T/root/root_public_cert.qrr" --cert "$T/srvB/server_public_cert.qrc" --revocation "$T/root/root_revocation.qrl" --connect 127.0.0.1:"$DOWN"
expect_fail "client: revocation list of another root" 2 "revocation list .* does not verify under root .*belongs to another root" "$QSTP" client --root "$T/other/root_public_cert.qrr" --cert "$T/osrv/server_public_cert.qrc" --revocation "$T/root/root_revocation.qrl" --connect 127.0.0.1:"$DOWN"

# ---- network (exit 3)
expect_fail "client: nothing listens" 3 "cannot connect to 127.0.0.1 port $DOWN.*check that 'qstp server' runs there" "$QSTP" client --dir "$T/srv" --connect 127.0.0.1:"$DOWN"
expect_fail "client -L: nothing listens" 3 "cannot connect to 127.0.0.1 port $DOWN" "$QSTP" client --dir "$T/srv" --connect 127.0.0.1:"$DOWN" -L "$(free_port)"
expect_fail "root revoke --notify: nothing listens" 3 "cannot connect to 127.0.0.1 port $DOWN" "$QSTP" root revoke --root "$T/root" --cert "$T/srv/server_public_cert.qrc" --notify 127.0.0.1:"$DOWN"
# a silent peer: a listening socket that never answers
python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', 0)); s.listen(8)
open('$T/silent.port', 'w').write(str(s.getsockname()[1])); time.sleep(30)" &
PIDS+=($!)
for _ in $(seq 1 50); do [ -s "$T/silent.port" ] && break; sleep 0.1; done
SILENT=$(cat "$T/silent.port")
expect_fail "client: the peer never answers (--timeout 1)" 3 "no answer from 127.0.0.1 port $SILENT in time" "$QSTP" client --dir "$T/srv" --connect 127.0.0.1:"$SILENT" --timeout 1
start_server "$T/srv.log" --dir "$T/srv" --echo || bad "server start"
expect_fail "server: port already in use" 3 "cannot start the server on 127.0.0.1 port $SPORT" "$QSTP" server --dir "$T/srv" --echo --listen 127.0.0.1:"$SPORT"
expect_fail "client: the server does not hold this certificate's key" 3 "port $SPORT" "$QSTP" client --dir "$T/srvB" --connect 127.0.0.1:"$SPORT"
expect_fail "client -L: local port in use" 3 "cannot listen on 127.0.0.1 port $SPORT" "$QSTP" client --dir "$T/srv" --connect 127.0.0.1:"$SPORT" -L "$SPORT"
kill -TERM "$SPID"; wait "$SPID"

finish
