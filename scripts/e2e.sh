#!/usr/bin/env bash
# End-to-end browser tests of the web UI (test/e2e/, node's test runner): installs Debian's
# chromium and the npm packages when missing, builds web/dist, then drives headless Chromium
# with playwright-core against a real `tilsyn serve` and `tilsyn-agent` from build/bin.
# Screenshots go to build/e2e-artifacts/. Registered in CTest as e2e_web.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  echo "e2e: installing chromium (Debian package)"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends chromium
fi
bash scripts/web.sh
for b in build/bin/tilsyn build/bin/tilsyn-agent; do
  if [ ! -x "$b" ]; then
    echo "e2e: $b is missing; build first (bash scripts/build.sh)" >&2
    exit 1
  fi
done
rm -rf build/e2e-artifacts
exec node --test --test-concurrency=1 --test-timeout=120000 test/e2e/
