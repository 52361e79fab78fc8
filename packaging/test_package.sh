#!/usr/bin/env bash
# The Debian package (`make package`), checked as an IT department would: built with CPack from
# the build tree into a throwaway folder; its contents (binaries, model pack, web UI when built,
# default configuration, three systemd units — and no secret); its control data (library and data
# dependencies, conffiles, maintainer scripts that parse); the units with `systemd-analyze verify`
# (ExecStart pointed at the extracted binaries); and the packaged server started from the
# extracted root with the packaged configuration, web UI and model pack, answering /healthz,
# /readyz and /. Exit 77 (CTest: skipped) without dpkg-deb. Usage: test_package.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
command -v dpkg-deb >/dev/null || { echo "dpkg-deb missing: skipped"; exit 77; }
tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "package: $*" >&2; exit 1; }

(cd "$build" && cpack -G DEB -B "$tmp/work" -D CPACK_OUTPUT_FILE_PREFIX="$tmp/out" \
  --config CPackConfig.cmake >"$tmp/cpack.log" 2>&1) ||
  { cat "$tmp/cpack.log"; fail "cpack failed"; }
deb=$(ls "$tmp"/out/tilsyn_*.deb)
echo "package: $(basename "$deb") ($(du -h "$deb" | cut -f1))"

contents=$(dpkg-deb -c "$deb" | awk '{print $NF}')
for p in ./usr/bin/tilsyn ./usr/bin/tilsyn-agent ./usr/share/tilsyn/models/manifest.json \
         ./usr/share/tilsyn/models/privacy.onnx ./usr/share/tilsyn/models/street.onnx \
         ./usr/share/tilsyn/models/plate_verifier.onnx \
         ./usr/share/tilsyn/models/privacy.MODEL_CARD.md ./etc/tilsyn/server.json \
         ./etc/tilsyn/agent.json ./lib/systemd/system/tilsyn.service \
         ./lib/systemd/system/tilsyn-worker.service ./lib/systemd/system/tilsyn-agent.service; do
  grep -qx "$p" <<<"$contents" || fail "missing: $p"
done
if [ -f "$root/web/dist/index.html" ]; then
  grep -qx ./usr/share/tilsyn/web/index.html <<<"$contents" || fail "missing: the web UI"
fi
# Keys are made on the machine at install, never shipped.
if grep -E '\.env$|\.key$|outbox' <<<"$contents"; then fail "a secret or state file is packaged"; fi

dpkg-deb -e "$deb" "$tmp/control"
depends=$(sed -n 's/^Depends: //p' "$tmp/control/control")
for d in libopencv-core libsqlite3 libpq5 libcurl tesseract-ocr-dan opencv-data adduser; do
  grep -q "$d" <<<"$depends" || fail "Depends lacks $d: $depends"
done
grep -qx /etc/tilsyn/server.json "$tmp/control/conffiles" || fail "server.json is not a conffile"
for s in postinst postrm; do
  [ -x "$tmp/control/$s" ] || fail "$s is missing or not executable"
  sh -n "$tmp/control/$s" || fail "$s does not parse"
done
grep -q 'adduser --system' "$tmp/control/postinst" || fail "postinst adds no system user"

dpkg-deb -x "$deb" "$tmp/root"
"$tmp/root/usr/bin/tilsyn" --version | grep -q "$(sed -n 's/^Version: //p' "$tmp/control/control")" ||
  fail "tilsyn --version differs from the package version"
if command -v systemd-analyze >/dev/null; then
  mkdir -p "$tmp/units"
  for u in tilsyn tilsyn-worker tilsyn-agent; do
    sed "s#/usr/bin/#$tmp/root/usr/bin/#" "$tmp/root/lib/systemd/system/$u.service" \
      >"$tmp/units/$u.service"
    grep -q '^NoNewPrivileges=yes' "$tmp/units/$u.service" || fail "$u.service is not hardened"
    out=$(systemd-analyze verify "$tmp/units/$u.service" 2>&1) || fail "$u.service: $out"
    [ -z "$out" ] || fail "$u.service: $out"
  done
  echo "package: 3 systemd units verified"
fi

# The packaged server from the throwaway root, on loopback, with a private data folder.
sed -e "s#/var/lib/tilsyn#$tmp/data#" -e "s#/usr/share/tilsyn/web#$tmp/root/usr/share/tilsyn/web#" \
  "$tmp/root/etc/tilsyn/server.json" >"$tmp/server.json"
TILSYN_MODEL_DIR="$tmp/root/usr/share/tilsyn/models" \
  "$tmp/root/usr/bin/tilsyn" serve --config "$tmp/server.json" --port 0 --dev-generate-key \
  >"$tmp/serve.out" 2>"$tmp/serve.log" &
pid=$!
for _ in $(seq 1 300); do
  grep -q 'serving on' "$tmp/serve.out" && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/serve.log"; fail "the packaged server exited"; }
  sleep 0.1
done
port=$(sed -n 's#.*serving on http://127.0.0.1:\([0-9]*\).*#\1#p' "$tmp/serve.out")
[ -n "$port" ] || { cat "$tmp/serve.log"; fail "the packaged server did not start"; }
get() {  # status line of GET $1 on the server
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$1" >&3
  head -1 <&3 | tr -d '\r'
  exec 3<&-
}
for path in /healthz /readyz; do
  [[ "$(get "$path")" == *" 200 "* ]] || fail "GET $path: $(get "$path")"
done
if [ -f "$root/web/dist/index.html" ]; then
  [[ "$(get /)" == *" 200 "* ]] || fail "GET / (the packaged web UI): $(get /)"
fi
if grep -q '"anonymizer.default"' "$tmp/serve.log"; then
  fail "the packaged model pack was not found (the server fell back to the cascades)"
fi
echo "package: contents, control data, units and a start from the extracted root: ok"
