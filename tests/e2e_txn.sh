#!/usr/bin/env bash
# End-to-end: the batch as one transaction (issue 8) — reruns, resubmissions, crashes,
# concurrent runs and bad entries in the drop folder, checked against the files on disk and
# the ledger. CTSBATCH names the binary to test (a build with the fault hooks for the
# injection sweeps: fault.h).
set -u
cd "$(dirname "$0")/.."
BIN=${CTSBATCH:-./ctsbatch}
DATA=tests/data
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }

echo "e2e_txn: $pass passed, $fail failed"
[ $fail -eq 0 ]
