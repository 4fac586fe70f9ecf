#!/bin/sh
# run_acvp.sh QSTP_ACVP ACVP_CHECK PROMPT EXPECTED MIN_COUNT OUT
# Runs qstp-acvp on PROMPT and compares its output (written to OUT) with EXPECTED.
# PROMPT/EXPECTED starting with "vectors/" are read from $QSTP_SHARED (default ../shared, the
# tests run from the project root); other paths are used as given. A missing file is a failure.
set -u
acvp=$1 check=$2 prompt=$3 expected=$4 min=$5 out=$6
shared=${QSTP_SHARED:-../shared}
case $prompt in vectors/*) prompt=$shared/$prompt ;; esac
case $expected in vectors/*) expected=$shared/$expected ;; esac
for f in "$prompt" "$expected"; do
    if [ ! -f "$f" ]; then
        echo "run_acvp: missing vector file $f" >&2
        echo "acvp: 0 passed, 1 failed"
        exit 1
    fi
done
"$acvp" "$prompt" >"$out"
rc=$?
if [ $rc -ne 0 ]; then
    echo "run_acvp: qstp-acvp exited with $rc on $prompt" >&2
    echo "acvp: 0 passed, 1 failed"
    exit 1
fi
exec "$check" "$out" "$expected" "$min"
