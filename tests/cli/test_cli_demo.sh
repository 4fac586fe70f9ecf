#!/usr/bin/env bash
# `qstp demo` (the README's first command, `make demo`): exits 0, says what it did in a few
# lines, and leaves no temporary directory behind.
. "$(dirname "$0")/lib.sh"
before=$(ls -d /tmp/qstp-demo-* 2>/dev/null | sort)
t0=$(date +%s)
"$QSTP" demo >"$T/demo.out" 2>"$T/demo.err"; rc=$?
t1=$(date +%s)
cat "$T/demo.out"
check "demo exits 0" [ "$rc" = 0 ]
check "demo says it passed" grep -q '^demo passed' "$T/demo.out"
check "demo reports the handshake time" grep -Eq 'client connected: .* [0-9]+\.[0-9] ms' "$T/demo.out"
check "demo checked every echo" [ "$(grep -c 'echoed back intact' "$T/demo.out")" = 3 ]
check "demo moved 1 MiB intact" grep -q '1 MiB through the tunnel and back .* intact' "$T/demo.out"
check "demo is quiet on stderr" [ ! -s "$T/demo.err" ]
check "demo takes under 10 s" [ $((t1 - t0)) -lt 10 ]
after=$(ls -d /tmp/qstp-demo-* 2>/dev/null | sort)
check "demo removed its temporary directory" [ "$before" = "$after" ]
"$QSTP" demo --keep >"$T/keep.out" 2>&1
kept=$(sed -n 's/^files kept in //p' "$T/keep.out")
check "demo --keep keeps a usable server directory" bash -c "[ -n '$kept' ] && '$QSTP' cert verify --root '$kept/root/root_public_cert.qrr' '$kept/server/server_public_cert.qrc' >/dev/null"
[ -n "$kept" ] && rm -rf "$kept"
check "demo with another suite (0x01)" bash -c "'$QSTP' demo --suite 0x01 | grep -q '^demo passed'"
finish
