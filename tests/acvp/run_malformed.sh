#!/bin/sh
# run_malformed.sh QSTP_ACVP WORKDIR
# Every malformed or unsupported prompt must make qstp-acvp exit with code 2, print exactly one
# line on stderr and nothing on stdout (no crash: a signal gives an exit code above 128).
set -u
acvp=$1 dir=$2
mkdir -p "$dir" || exit 1
pass=0 fail=0

expect_exit2() { # name file
    name=$1 file=$2
    "$acvp" "$file" >"$dir/out" 2>"$dir/err"
    rc=$?
    lines=$(wc -l <"$dir/err")
    if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && [ ! -s "$dir/out" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $name: exit $rc, $lines stderr lines, stdout $(wc -c <"$dir/out") bytes" >&2
        sed 's/^/    /' "$dir/err" >&2
    fi
}

case_json() { # name json
    printf '%s' "$2" >"$dir/$1.json"
    expect_exit2 "$1" "$dir/$1.json"
}

# truncated JSON: the first 300 bytes of a valid prompt
head -c 300 tests/acvp/data/sha3-256.prompt.json >"$dir/truncated.json"
expect_exit2 truncated "$dir/truncated.json"
: >"$dir/empty.json"
expect_exit2 empty "$dir/empty.json"
expect_exit2 nonexistent "$dir/does-not-exist.json"
case_json unknown_algorithm '{"vsId":1,"algorithm":"FOO-1","mode":"bar","revision":"1.0","testGroups":[]}'
case_json unknown_mode '{"vsId":1,"algorithm":"SHA3-256","mode":"keyGen","testGroups":[]}'
case_json missing_testgroups '{"vsId":1,"algorithm":"SHA3-256","revision":"2.0"}'
case_json missing_algorithm '{"vsId":1,"testGroups":[]}'
case_json algorithm_not_string '{"vsId":1,"algorithm":7,"testGroups":[]}'
case_json testgroups_not_array '{"algorithm":"SHA3-256","testGroups":{}}'
case_json array_without_vector_set '[{"acvpVersion":"1.0"}]'
case_json number '42'
case_json group_not_object '{"algorithm":"SHA3-256","testGroups":[1]}'
case_json group_without_tgid '{"algorithm":"SHA3-256","testGroups":[{"testType":"AFT","tests":[]}]}'
case_json tests_not_array '{"algorithm":"SHA3-256","testGroups":[{"tgId":1,"testType":"AFT","tests":"x"}]}'
case_json test_without_tcid '{"algorithm":"SHA3-256","testGroups":[{"tgId":1,"testType":"AFT","tests":[{"msg":"00","len":8}]}]}'
case_json test_bad_hex '{"algorithm":"SHA3-256","testGroups":[{"tgId":1,"testType":"AFT","tests":[{"tcId":1,"msg":"XYZ1","len":16}]}]}'
case_json test_odd_hex '{"algorithm":"SHA3-256","testGroups":[{"tgId":1,"testType":"AFT","tests":[{"tcId":1,"msg":"ABC","len":8}]}]}'
case_json test_missing_msg '{"algorithm":"SHA3-256","testGroups":[{"tgId":1,"testType":"AFT","tests":[{"tcId":1,"len":8}]}]}'
case_json test_len_too_long '{"algorithm":"SHA3-256","testGroups":[{"tgId":1,"testType":"AFT","tests":[{"tcId":1,"msg":"00","len":4096}]}]}'
case_json test_len_not_number '{"algorithm":"SHA3-256","testGroups":[{"tgId":1,"testType":"AFT","tests":[{"tcId":1,"msg":"00","len":"eight"}]}]}'
case_json shake_outlen_huge '{"algorithm":"SHAKE-128","testGroups":[{"tgId":1,"testType":"AFT","tests":[{"tcId":1,"msg":"00","len":8,"outLen":1e300}]}]}'
case_json group_without_testtype '{"algorithm":"SHA3-256","testGroups":[{"tgId":1,"tests":[]}]}'
# nesting far beyond any real prompt (cJSON refuses it instead of recursing without bound)
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "["; for (i = 0; i < 20000; i++) printf "]" }' >"$dir/deep.json"
expect_exit2 deep_nesting "$dir/deep.json"

# usage errors
"$acvp" >/dev/null 2>&1
rc=$?
if [ $rc -eq 2 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL no arguments: exit $rc" >&2; fi
# --list works and names the harness's own handlers
if "$acvp" --list | grep -q '^SHA3-256 -$'; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL --list" >&2; fi

echo "acvp_malformed: $pass passed, $fail failed"
[ $fail -eq 0 ]
