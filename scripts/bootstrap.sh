#!/usr/bin/env bash
# Installs what Longtail needs on a fresh Debian machine: the C libraries (zstd, lz4, bzip2,
# zlib, libdeflate, ISA-L, HDF5, SQLite), pkg-config, GNU time, and a Python venv (.venv) with the independent
# implementations the interop tests compare against. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi
need=()
for pkg in libzstd-dev liblz4-dev libbz2-dev zlib1g-dev libdeflate-dev libisal-dev libhdf5-dev libsqlite3-dev hdf5-tools pkg-config zstd time python3-venv; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    echo "bootstrap: installing ${need[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import mcap, mcap_ros2, mcap_ros1, mcap_protobuf, rosbags, h5py, hdf5plugin, numpy, pyarrow" 2>/dev/null; then
    echo "bootstrap: creating .venv with mcap, mcap-ros2-support, mcap-ros1-support, mcap-protobuf-support, rosbags, h5py, hdf5plugin, numpy, pyarrow" >&2
    python3 -m venv .venv
    .venv/bin/pip install -q --upgrade pip >/dev/null
    .venv/bin/pip install -q mcap mcap-ros2-support mcap-ros1-support mcap-protobuf-support rosbags h5py hdf5plugin numpy pyarrow
fi
