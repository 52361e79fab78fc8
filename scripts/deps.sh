#!/usr/bin/env bash
# Installs the Debian packages Tilsyn needs, by name, only when missing. Root or sudo.
set -euo pipefail
PKGS=(
  cmake ninja-build g++ ccache pkg-config make clang clang-format libclang-rt-14-dev git
  libgtest-dev libgmock-dev libbenchmark-dev
  libboost-dev nlohmann-json3-dev libhowardhinnant-date-dev libcli11-dev
  libcurl4-openssl-dev libsqlite3-dev libpq-dev libssl-dev tzdata ca-certificates zlib1g-dev
  postgresql-15 postgresql-15-postgis-3
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-objdetect-dev
  libopencv-dnn-dev libopencv-videoio-dev libopencv-features2d-dev libopencv-calib3d-dev
  opencv-data darknet opencv-doc libdlib-dev
  chromium
  libtesseract-dev tesseract-ocr-dan tesseract-ocr-eng
  libgps-dev libgdal-dev gdal-bin libsystemd-dev
  python3-torch python3-opencv python3-numpy python3-onnx
  python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-libav wrk libzip-dev libsodium-dev
  dpkg-dev file systemd
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#PKGS[@]} packages present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
# Installing postgresql-15 may create and start a system cluster ("main", port 5432). Tilsyn's
# tests and benchmarks run their own private clusters (scripts/pg.sh), so a server this script
# brought up is stopped again: nothing keeps running that the user did not start.
if printf '%s\n' "${missing[@]}" | grep -qx postgresql-15 && command -v pg_ctlcluster >/dev/null; then
  $SUDO pg_ctlcluster 15 main stop >/dev/null 2>&1 || true
fi
