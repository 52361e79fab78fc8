#!/usr/bin/env bash
# Builds the web UI (web/ → web/dist) with the npm packages of package.json (Leaflet, the
# drawing plugin, Vite), installing them first when node_modules is missing or stale. `tilsyn
# serve` serves web/dist at / (ServerConfig web_dir). Needs node >= 20.19 and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null 2>&1; then
  echo "web: npm is missing (apt-get install nodejs npm)" >&2
  exit 1
fi
# Install when node_modules is absent or older than the lock file.
if [ ! -d node_modules/vite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "web: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
# Rebuild only when a source is newer than the built index.html.
if [ -f web/dist/index.html ] && [ -z "$(find web/index.html web/src web/vite.config.js package-lock.json -newer web/dist/index.html -print -quit)" ]; then
  echo "web: web/dist is up to date"
  exit 0
fi
echo "web: building web/dist"
npx --no-install vite build --config web/vite.config.js
