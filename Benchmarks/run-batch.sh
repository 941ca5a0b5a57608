#!/usr/bin/env bash
# Batch benchmark (issue 7): a ~4 GiB archive of 40 synth driving files (60 s each with
# the 10 Hz roof lidar: a real log's byte mix), scanned end to end by `longtail scan`
# (every file decoded, all detectors, rarity, alignment set, pretraining shards, catalog)
# with --threads 1 and --threads 2; wall time best of 3, peak RSS from /usr/bin/time -v.
# Release build. Usage: Benchmarks/run-batch.sh [FILES] [SECONDS_PER_FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=${1:-40}; SECS=${2:-60}
scripts/bootstrap.sh
swift build -c release --product longtail >/dev/null
L=.build/release/longtail
D=.bench/batch-$FILES-$SECS
[ -d "$D" ] || { echo "generating $D..." >&2; $L synth --kind driving --seed 777 --files "$FILES" --duration "${SECS}s" --lidar --out "$D" >/dev/null 2>&1; }
BYTES=$(cat "$D"/*.mcap | wc -c)
cat "$D"/*.mcap > /dev/null   # warm the page cache for both runs
declare -A best rss
for t in 1 2; do
    best[$t]=999999; rss[$t]=0
    for i in 1 2 3; do
        rm -rf .bench/batch-out
        /usr/bin/time -v $L scan "$D" --out .bench/batch-out --threads $t > /dev/null 2> .bench/time-batch.txt
        s=$(grep "Elapsed (wall clock)" .bench/time-batch.txt | awk '{print $NF}' | awk -F: '{print ($1 * 60) + $2}')
        r=$(grep "Maximum resident" .bench/time-batch.txt | awk '{print $NF}')
        echo "threads $t run $i: $s s, peak RSS $((r / 1024)) MiB" >&2
        best[$t]=$(python3 -c "print(min(${best[$t]}, $s))"); rss[$t]=$(( r > rss[$t] ? r : rss[$t] ))
    done
done
python3 - "$BYTES" "${best[1]}" "${best[2]}" "${rss[1]}" "${rss[2]}" "$FILES" <<'PY'
import sys
b, t1, t2, r1, r2, n = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
print(f"{n} files, {b / 2**30:.2f} GiB: 1 thread {t1:.2f} s ({b / t1 / 1e6:.0f} MB/s), 2 threads {t2:.2f} s ({b / t2 / 1e6:.0f} MB/s): "
      f"{t1 / t2:.2f}x; peak RSS {r1 // 1024} / {r2 // 1024} MiB (targets: >= 1.7x, < 512 MiB)")
PY
