#!/usr/bin/env bash
# Detector robustness over synth's variation matrix (issue 16): every sensor preset
# (clean, noisy, coarse) × every convention of its kind, on held-out seeds, each archive
# generated, scanned with the profile that maps it, and scored by `longtail eval`.
#   scripts/eval-matrix.sh [--quick] [OUT_DIR]
# Default: 2 h of driving and 200 robot episodes per cell. --quick: 20 min and 40.
# Prints one table (worst precision and recall over the classes of each cell, the
# classes below 0.95 / 0.90, and how often a detection at confidence ≥ 0.9 was true);
# each cell's full `longtail eval` table is kept in OUT_DIR/<cell>.eval, and all of them in
# OUT_DIR/cells.md (what docs/eval-matrix.md holds).
set -euo pipefail
cd "$(dirname "$0")/.."
duration=2h episodes=200
if [ "${1:-}" = "--quick" ]; then duration=20m episodes=40; shift; fi
out=${1:-.bench/eval-matrix}
bin=.build/release/longtail
[ -x "$bin" ] || swift build -c release --product longtail > /dev/null
mkdir -p "$out"

driving_conventions="standard yaw-rad yaw-deg-cw radar kmh"
robot_conventions="standard force-flipped tool-axis-x"
seed=7001

printf '| kind | sensors | conventions | labels | worst precision | worst recall | below target | confidence ≥ 0.9 true |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for kind in driving robot; do
    conventions=$driving_conventions
    [ $kind = robot ] && conventions=$robot_conventions
    for sensors in clean noisy coarse; do
        for c in $conventions; do
            seed=$((seed + 1))
            cell=$kind-$sensors-$c
            data=$out/$cell out_dir=$out/$cell-out
            rm -rf "$data" "$out_dir"
            args=(--kind $kind --seed $seed --sensors $sensors --conventions $c --out "$data")
            if [ $kind = driving ]; then args+=(--duration $duration); else args+=(--episodes $episodes --layout reassemble); fi
            "$bin" synth "${args[@]}" > /dev/null 2>&1
            profile=()
            [ -f "$data/profile.toml" ] && profile=(--profile "$data/profile.toml")
            "$bin" scan "$data" "${profile[@]}" --out "$out_dir" > /dev/null 2>&1 || true
            "$bin" eval --catalog "$out_dir" --labels "$data/labels.jsonl" > "$out/$cell.eval"
            "$bin" eval --catalog "$out_dir" --labels "$data/labels.jsonl" --format json > "$out/$cell.json"
            python3 - "$out/$cell.json" "$kind" "$sensors" "$c" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
rows = [e for e in d["events"] if e["event"] != "all"]
total = next(e for e in d["events"] if e["event"] == "all")
labels = total["true_positives"] + total["misses"]
low = [f'{e["event"]} {e["precision"]:.2f}/{e["recall"]:.2f}' for e in rows if e["precision"] < 0.95 or e["recall"] < 0.90]
ct, cf = total["confident_true"], total["confident_false"]
conf = f"{ct}/{ct + cf} ({ct / (ct + cf):.3f})" if ct + cf else "—"
print(f'| {sys.argv[2]} | {sys.argv[3]} | {sys.argv[4]} | {labels} | {min(e["precision"] for e in rows):.3f} | '
      f'{min(e["recall"] for e in rows):.3f} | {", ".join(low) or "—"} | {conf} |')
EOF
            rm -rf "$data"/*.mcap "$data"/*.h5 "$out_dir/pretrain" "$out_dir/alignment"
        done
    done
done
{
    echo "# The variation matrix, cell by cell"
    echo
    echo "\`scripts/eval-matrix.sh\` ($(date -u +%F)): each cell's \`longtail eval\` output, IoU 0.3."
    for f in "$out"/driving-*.eval "$out"/robot-*.eval; do
        [ -f "$f" ] || continue
        printf '\n## %s\n\n```\n' "$(basename "$f" .eval)"; cat "$f"; printf '```\n'
    done
} > "$out/cells.md"
