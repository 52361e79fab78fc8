#!/usr/bin/env bash
# `make faults`: the fault matrix of issue 16 with the real binaries on loopback — agent kill -9
# ×100 amid capture and upload, server kill -9 ×20 amid uploads, pipeline work and webhooks, a
# full disk on the server and on the vehicle (tmpfs mounts: root, else that row is skipped), a
# dead, garbage-answering and slow remote recognizer with and without a local fallback and its
# recovery, and uploads arriving 31–400 days after capture. Prints one row per fault and, last,
# `faults: trials=N lost=0 dup_assessments=0 dup_deliveries_unrecorded=0`; the table is also
# written to build/faults.txt. Exit 1 when any scenario's checks fail.
# FAULTS_AGENT_KILLS / FAULTS_SERVER_KILLS change the counts; GTEST_FILTER picks scenarios.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh tilsyn tilsyn-agent faults_test
set +e
build/bin/faults_test --gtest_brief=1 2>build/faults.log | tee build/faults.out
rc=${PIPESTATUS[0]}
set -e
sed -n '/^fault  /,/^faults:/p' build/faults.out > build/faults.txt
echo "faults: table in build/faults.txt, test log in build/faults.log (exit $rc)"
exit "$rc"
