#!/usr/bin/env bash
# Longtail's main job on a demo archive, end to end. For now (the foundation issue)
# that is: generate a small driving-like MCAP with Longtail's own writer, then
# inspect it and print a few decoded messages.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
swift build -c release --product longtail-bench >/dev/null
swift build -c release --product longtail >/dev/null
mkdir -p .demo
.build/release/longtail-bench generate --out .demo/demo.mcap --megabytes 16
.build/release/longtail inspect .demo/demo.mcap
.build/release/longtail cat .demo/demo.mcap --topic /imu/data | head -n 2
