#!/bin/sh
# run_robustness.sh QSTP_ACVP WORKDIR
# Every handler fed malformed tests: missing fields, empty, one-byte and 20 kB hex values, wrong
# types, unknown or missing parameter sets, for every group function/flag the prompts use.
# qstp-acvp must answer (exit 0, e.g. sigVer "testPassed": false) or refuse (exit 2 with one
# line on stderr); any other exit status (a crash, a sanitizer report) fails. Run it in the
# ASan build to check the handlers' bounds.
set -u
acvp=$1 dir=$2
mkdir -p "$dir" || exit 1
pass=0 fail=0 n=0
long=$(awk 'BEGIN { for (i = 0; i < 20000; i++) printf "AB" }')

run() { # algorithm mode group-fields test-fields
    n=$((n + 1))
    f=$dir/case$n.json
    printf '{"vsId":1,"algorithm":"%s","mode":"%s","revision":"x","testGroups":[{"tgId":1,"testType":"AFT"%s,"tests":[{"tcId":1%s}]}]}' \
        "$1" "$2" "$3" "$4" >"$f"
    "$acvp" "$f" >"$dir/out" 2>"$dir/err"
    rc=$?
    lines=$(wc -l <"$dir/err")
    if [ $rc -eq 0 ] || { [ $rc -eq 2 ] && [ "$lines" -eq 1 ]; }; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL case $n ($1 $2): exit $rc, $lines stderr lines: $f" >&2
        head -c 2000 "$dir/err" | sed 's/^/    /' >&2
    fi
}

# values for one hex field
for v in '' '"00"' '""' "\"$long\"" '7' 'null' '"zz"'; do
    val() { [ -n "$v" ] && printf ',"%s":%s' "$1" "$v"; }
    for ps in '"ML-KEM-512"' '"ML-KEM-1024"'; do
        run ML-KEM keyGen ",\"parameterSet\":$ps" "$(val d)$(val z)"
        run ML-KEM keyGen ",\"parameterSet\":$ps" "$(val d),\"z\":\"$(printf '%064d' 0)\""
        run ML-KEM encapDecap ",\"parameterSet\":$ps,\"function\":\"encapsulation\"" "$(val ek)$(val m)"
        run ML-KEM encapDecap ",\"parameterSet\":$ps,\"function\":\"decapsulation\"$(val dk)" "$(val c)"
        run ML-KEM encapDecap ",\"parameterSet\":$ps,\"function\":\"decapsulation\"" "$(val dk)$(val c)"
        run ML-KEM encapDecap ",\"parameterSet\":$ps,\"function\":\"encapsulationKeyCheck\"" "$(val ek)"
        run ML-KEM encapDecap ",\"parameterSet\":$ps,\"function\":\"decapsulationKeyCheck\"" "$(val dk)"
    done
    for ps in '"ML-DSA-44"' '"ML-DSA-87"'; do
        run ML-DSA keyGen ",\"parameterSet\":$ps" "$(val seed)"
        for det in true false; do
            run ML-DSA sigGen ",\"parameterSet\":$ps,\"deterministic\":$det" "$(val sk)$(val message)$(val rnd)"
            run ML-DSA sigGen ",\"parameterSet\":$ps,\"deterministic\":$det,\"signatureInterface\":\"external\",\"preHash\":\"pure\"" \
                "$(val sk)$(val message)$(val rnd)$(val context)"
            run ML-DSA sigGen ",\"parameterSet\":$ps,\"deterministic\":$det,\"signatureInterface\":\"internal\",\"externalMu\":true" \
                "$(val sk)$(val mu)$(val rnd)"
        done
        run ML-DSA sigVer ",\"parameterSet\":$ps$(val pk)" "$(val message)$(val signature)"
        run ML-DSA sigVer ",\"parameterSet\":$ps" "$(val pk)$(val message)$(val signature)"
    done
    for ps in '"SLH-DSA-SHAKE-128f"' '"SLH-DSA-SHAKE-256s"'; do
        run SLH-DSA keyGen ",\"parameterSet\":$ps" "$(val skSeed)$(val skPrf)$(val pkSeed)"
        run SLH-DSA sigGen ",\"parameterSet\":$ps,\"deterministic\":true" "$(val sk)$(val message)"
        run SLH-DSA sigGen ",\"parameterSet\":$ps,\"deterministic\":false" "$(val sk)$(val message)$(val additionalRandomness)"
        run SLH-DSA sigVer ",\"parameterSet\":$ps" "$(val pk)$(val message)$(val signature)"
    done
done
# parameter set missing, unknown, or not a string
for ps in '' ',"parameterSet":"X-1"' ',"parameterSet":5'; do
    run ML-KEM keyGen "$ps" ',"d":"00","z":"00"'
    run ML-KEM encapDecap "$ps,\"function\":\"encapsulation\"" ',"ek":"00","m":"00"'
    run ML-DSA keyGen "$ps" ',"seed":"00"'
    run ML-DSA sigGen "$ps,\"deterministic\":true" ',"sk":"00","message":"00"'
    run ML-DSA sigVer "$ps" ',"pk":"00","message":"00","signature":"00"'
    run SLH-DSA keyGen "$ps" ',"skSeed":"00","skPrf":"00","pkSeed":"00"'
    run SLH-DSA sigGen "$ps" ',"sk":"00","message":"00"'
    run SLH-DSA sigVer "$ps" ',"pk":"00","message":"00","signature":"00"'
done
# group function / flags of the wrong type or unknown
run ML-KEM encapDecap ',"parameterSet":"ML-KEM-768","function":"frobnicate"' ',"ek":"00","m":"00"'
run ML-KEM encapDecap ',"parameterSet":"ML-KEM-768","function":3' ',"ek":"00","m":"00"'
run ML-KEM encapDecap ',"parameterSet":"ML-KEM-768"' ',"ek":"00","m":"00"'
run ML-DSA sigGen ',"parameterSet":"ML-DSA-65","deterministic":"maybe"' ',"sk":"00","message":"00"'
run ML-DSA sigGen ',"parameterSet":"ML-DSA-65"' ',"sk":"00","message":"00"'
run SLH-DSA sigGen ',"parameterSet":"SLH-DSA-SHAKE-192s","deterministic":[]' ',"sk":"00","message":"00"'

echo "acvp_robustness: $pass passed, $fail failed"
[ $fail -eq 0 ]
