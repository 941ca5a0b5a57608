#!/usr/bin/env bash
# Longtail's main job on a demo archive, end to end: generate 10 minutes of labelled
# driving with `longtail synth`, scan it into the two tiers and the catalog (alignment set
# with knowledge records, pretraining shards, catalog.sqlite), score the detections
# against the ground truth, list the rarest segments and show the rarest one.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
swift build -c release --product longtail >/dev/null
rm -rf .demo
L=.build/release/longtail
$L synth --kind driving --seed 7 --duration 10m --out .demo/archive
$L scan .demo/archive --out .demo/scan
echo "--- detections against the ground truth:"
$L eval --catalog .demo/scan --labels .demo/archive/labels.jsonl
echo "--- the five rarest segments:"
$L query --catalog .demo/scan --limit 5
echo "--- the rarest one:"
$L show --catalog .demo/scan "$($L query --catalog .demo/scan --limit 1 --format csv | tail -n 1 | cut -d, -f1)"
