#!/usr/bin/env bash
# The agent's systemd unit parses cleanly (systemd-analyze verify prints nothing) with the built
# binary in place of /usr/bin/tilsyn-agent, and keeps what docs/agent-service.md promises.
# Exit 77 (CTest: skipped) where systemd is not installed.
set -u
root=$(cd "$(dirname "$0")/../../../.." && pwd)
unit=$root/packaging/systemd/tilsyn-agent.service
bin=${1:-$root/build/bin/tilsyn-agent}
command -v systemd-analyze >/dev/null || { echo "systemd-analyze missing: skipped"; exit 77; }
for line in Type=notify Restart=always WatchdogSec= NoNewPrivileges=yes ProtectSystem=strict \
            'CapabilityBoundingSet=$'; do
  grep -q "^$line" "$unit" || { echo "the unit lacks $line"; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s#/usr/bin/tilsyn-agent#$bin#" "$unit" > "$tmp/tilsyn-agent.service"
out=$(systemd-analyze verify "$tmp/tilsyn-agent.service" 2>&1)
rc=$?
if [ $rc -ne 0 ] || [ -n "$out" ]; then
  echo "systemd-analyze verify (rc $rc):"; echo "$out"; exit 1
fi
echo "tilsyn-agent.service: verified"
