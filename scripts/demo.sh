#!/usr/bin/env bash
# Longtail's main job on a demo archive, end to end: generate 10 minutes of labelled
# driving with `longtail synth`, scan it (every detector, rarity for every segment), score
# the detections against the ground truth, and print the rarest segments. (The alignment
# set, pretraining shards and SQLite catalog arrive with the outputs issue.)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
swift build -c release --product longtail >/dev/null
rm -rf .demo
.build/release/longtail synth --kind driving --seed 7 --duration 10m --out .demo/archive
.build/release/longtail scan .demo/archive --out .demo/scan
echo "--- detections against the ground truth:"
.build/release/longtail eval --catalog .demo/scan --labels .demo/archive/labels.jsonl
echo "--- the five rarest segments:"
python3 - .demo/scan/segments.jsonl <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
for r in sorted(rows, key=lambda r: -r["rarity"])[:5]:
    print(f'{r["id"]:24s} percentile {r["percentile"]:.3f}  events: {", ".join(r["events"]) or "-"}')
PY
