#!/usr/bin/env bash
# README.md "A tunnel in five minutes", run as written: the block is taken from README.md itself
# (so the README cannot drift from the command), the VPN lines left out (they need root and TUN).
# Only the ports are swapped for free ones (tests run in parallel) and each `sleep 1` becomes
# `sleep 3` (an ASan build on a loaded machine starts slower than a person types).
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { bad "curl is needed (the README uses it)"; finish; }
BIN=$(cd "$(dirname "$QSTP")" && pwd)

awk '/^## A tunnel in five minutes/ { f = 1 } f && /^```sh/ { g = 1; next } g && /^```/ { exit } g' \
  README.md | grep -v 'qstp vpn\|^# a layer-3 VPN' >"$T/block"
check "README has the five-minute block with root init, root sign, server, client, curl" bash -c \
  "grep -q 'qstp root init' '$T/block' && grep -q 'qstp root sign' '$T/block' && grep -q -- '--echo' '$T/block' && grep -q -- '--forward' '$T/block' && grep -q -- ' -L ' '$T/block' && grep -q '^curl ' '$T/block'"

P1=$(free_port); P2=$(free_port); P3=$(free_port); P4=$(free_port)
sed -e "s|^B=build/bin$|B=$BIN|" -e "s/32119/$P1/g; s/32120/$P2/g; s/8080/$P3/g; s/9090/$P4/g" \
    -e 's/^sleep 1\b/sleep 3/' "$T/block" >"$T/readme.sh"
check "the block names the binary as B=build/bin (replaced by $BIN)" grep -q "^B=$BIN\$" "$T/readme.sh"
mkdir "$T/run"
rc=0
(cd "$T/run" && timeout 60 bash "$T/readme.sh" >"$T/readme.out" 2>"$T/readme.err") || rc=$?
check "the block runs to the end (exit $rc)" [ "$rc" = 0 ]
check "root init and root sign made the files" bash -c \
  "[ -s '$T/run/root/root_secret_key.qsk' ] && [ -s '$T/run/web1/server_public_cert.qrc' ] && [ \"\$(stat -c %a '$T/run/web1/server_secret_key.qsk')\" = 600 ]"
check "cert show --brief names the certificate" grep -q 'web1/server_public_cert.qrc: server certificate' "$T/readme.out"
check "the echo client printed hello" grep -qx 'hello' "$T/readme.out"
check "curl through client -L and server --forward got the web server's page" \
  grep -q 'Directory listing' "$T/readme.out"
check "no error sentence on stderr" bash -c "! grep -q '^qstp: \|error:' '$T/readme.err'"
[ "$FAIL" = 0 ] || { echo "stdout:"; head -c 2000 "$T/readme.out"; echo "stderr:"; head -c 2000 "$T/readme.err"; }
finish
