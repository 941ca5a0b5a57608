#!/usr/bin/env bash
# A/B timing of two builds on the scan benchmark's dynamics archive, alternated so that
# the shared machine's drift hits both sides alike (PLATFORM.md: tell small changes apart
# only this way). Each round runs, for A then B:
#   longtail-bench scan F                         (decode, features, detectors, rarity; no outputs)
#   longtail scan F --out OUT --threads 1 --force (the real CLI end to end, outputs included)
# Usage: Benchmarks/run-ab.sh A_DIR B_DIR [ROUNDS] [FILE]
#   A_DIR, B_DIR: release build folders holding longtail and longtail-bench.
#   FILE: default the 1 GiB dynamics archive of Benchmarks/run-scan.sh (generated if absent).
set -euo pipefail
cd "$(dirname "$0")/.."
A=$1 B=$2 ROUNDS=${3:-4}
F=${4:-.bench/scan-dynamics-25h/drive-000.mcap}
if [ ! -f "$F" ]; then
    echo "generating $F (25 h of driving, about 1 GiB)..." >&2
    "$B/longtail" synth --kind driving --seed 424242 --duration 25h --out "$(dirname "$F")" >/dev/null 2>&1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cat "$F" > /dev/null
secs() { python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])'; }
declare -A bench cli
for r in $(seq 1 "$ROUNDS"); do
    for side in A B; do
        dir=$A; [ $side = B ] && dir=$B
        s=$("$dir/longtail-bench" scan "$F" | secs)
        t0=$(date +%s.%N)
        "$dir/longtail" scan "$F" --out "$out/$side" --threads 1 --force > /dev/null 2>&1
        t=$(python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 3))" "$t0" "$(date +%s.%N)")
        bench[$side]+="$s "; cli[$side]+="$t "
        echo "round $r $side: longtail-bench scan $s s, longtail scan --threads 1 $t s" >&2
    done
done
python3 - "${bench[A]}" "${bench[B]}" "${cli[A]}" "${cli[B]}" <<'PY'
import sys, statistics
bA, bB, cA, cB = ([float(x) for x in s.split()] for s in sys.argv[1:5])
def row(name, a, b):
    print(f"{name:32s} A best {min(a):6.2f} s median {statistics.median(a):6.2f} s | B best {min(b):6.2f} s median {statistics.median(b):6.2f} s | B/A median {statistics.median(b) / statistics.median(a):.3f}")
row("longtail-bench scan (one core)", bA, bB)
row("longtail scan --out, --threads 1", cA, cB)
PY
