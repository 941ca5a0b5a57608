#!/usr/bin/env bash
# Longtail's main job on a demo archive, end to end. For now: generate 10 minutes of
# labelled driving with `longtail synth`, inspect the file, show its rarest labelled events
# and print a few decoded messages. It becomes synth → scan → rarest segments as the
# scanner lands.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
swift build -c release --product longtail >/dev/null
rm -rf .demo
.build/release/longtail synth --kind driving --seed 7 --duration 10m --out .demo
.build/release/longtail inspect .demo/drive-000.mcap
echo "--- ground truth (first 8 of $(wc -l < .demo/labels.jsonl) events):"
head -n 8 .demo/labels.jsonl
echo "--- two IMU messages:"
.build/release/longtail cat .demo/drive-000.mcap --topic /sensing/imu/imu_data | head -n 2
