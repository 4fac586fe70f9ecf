#!/bin/sh
# run_check_selftest.sh QSTP_ACVP ACVP_CHECK WORKDIR
# The harness end to end on its own SHA-3/SHAKE handlers (tests/acvp/data/, made from NIST CAVP
# SHA3-256/512 ShortMsg/LongMsg, SHAKE128/256 ShortMsg/VariableOut), and acvp_check's ability to fail:
# a wrong value, a case missing from the expected file, too few matches, an empty result case.
set -u
acvp=$1 check=$2 dir=$3
data=tests/acvp/data
mkdir -p "$dir" || exit 1
pass=0 fail=0

expect() { # name want(0|1) command...
    name=$1 want=$2
    shift 2
    "$@" >"$dir/out.txt" 2>"$dir/err.txt"
    rc=$?
    [ $rc -ne 0 ] && rc=1
    if [ $rc -eq "$want" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $name: exit $rc, wanted $want" >&2
        sed 's/^/    /' "$dir/out.txt" "$dir/err.txt" >&2
    fi
}

expect sha3_prompt_runs 0 sh -c "'$acvp' $data/sha3-256.prompt.json >'$dir/sha3.json'"
expect shake_prompt_runs 0 sh -c "'$acvp' $data/shake-128.prompt.json >'$dir/shake.json'"
expect sha3_512_prompt_runs 0 sh -c "'$acvp' $data/sha3-512.prompt.json >'$dir/sha3-512.json'"
expect shake256_prompt_runs 0 sh -c "'$acvp' $data/shake-256.prompt.json >'$dir/shake256.json'"
expect sha3_512_matches 0 "$check" "$dir/sha3-512.json" $data/sha3-512.expected.json 5
expect shake256_matches 0 "$check" "$dir/shake256.json" $data/shake-256.expected.json 10
expect sha3_matches 0 "$check" "$dir/sha3.json" $data/sha3-256.expected.json 7
expect shake_matches 0 "$check" "$dir/shake.json" $data/shake-128.expected.json 11
expect sha3_min_count 1 "$check" "$dir/sha3.json" $data/sha3-256.expected.json 8
expect sha3_tampered 1 "$check" "$dir/sha3.json" $data/sha3-256.tampered.json 1
expect sha3_case_missing 1 "$check" "$dir/sha3.json" $data/sha3-256.subset.json 1
expect wrong_algorithm 1 "$check" "$dir/sha3.json" $data/shake-128.expected.json 0
expect missing_result 1 "$check" "$dir/nonexistent.json" $data/sha3-256.expected.json 0
expect bad_min_count 1 "$check" "$dir/sha3.json" $data/sha3-256.expected.json x
printf '{"algorithm":"SHA3-256","testGroups":[{"tgId":1,"tests":[{"tcId":1}]}]}' >"$dir/empty_case.json"
expect empty_case 1 "$check" "$dir/empty_case.json" $data/sha3-256.expected.json 0
printf '{"algorithm":"SHA3-256","testGroups":[{"tgId":1,"tests":[{"tcId":1,"md":"A7FFC6F8BF1ED76651C14756A061D662F580FF4DE43B49FA82D80A4B80F8434A","extra":true}]}]}' >"$dir/extra_field.json"
expect extra_field 1 "$check" "$dir/extra_field.json" $data/sha3-256.expected.json 0
printf '{"algorithm":"SHA3-256","testGroups":[{"tgId":1,"tests":[{"tcId":1,"md":"a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"}]}]}' >"$dir/lower.json"
expect hex_case_insensitive 0 "$check" "$dir/lower.json" $data/sha3-256.expected.json 1
# the skipped MCT group is reported on stderr and absent from the output
if "$acvp" $data/sha3-256.prompt.json 2>&1 >/dev/null | grep -q 'tgId 2 skipped'; then
    pass=$((pass + 1))
else
    fail=$((fail + 1)); echo "FAIL skip note" >&2
fi
if grep -q '"tgId":[[:space:]]*2' "$dir/sha3.json"; then
    fail=$((fail + 1)); echo "FAIL skipped group present in output" >&2
else
    pass=$((pass + 1))
fi

echo "acvp_harness: $pass passed, $fail failed"
[ $fail -eq 0 ]
