#!/usr/bin/env bash
# MCAP decode benchmark (issue 2). Generates a ~1 GiB MCAP of Imu, Odometry and
# WrenchStamped messages in zstd chunks, then measures side by side in one run:
#   floor: `zstd -d` on exactly the chunk payloads the reader decompresses;
#   Longtail: decode every numeric field into columns (release build), CRCs checked;
#   peer: the Python mcap + mcap-ros2-support reader doing the same (time-capped).
# Peak RSS with /usr/bin/time -v. Usage: Benchmarks/run-mcap-decode.sh [MEGABYTES] [PY_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-1024}
PYSECS=${2:-60}
scripts/bootstrap.sh
swift build -c release --product longtail-bench >/dev/null
BIN=.build/release/longtail-bench
mkdir -p .bench
F=.bench/bench-${MB}.mcap
if [ ! -f "$F" ]; then
    echo "generating $F (${MB} MiB of uncompressed messages)..." >&2
    /usr/bin/time -f "generate: %e s, peak RSS %M KiB" $BIN generate --out "$F" --megabytes "$MB"
fi
$BIN payloads "$F" --out "$F.zst"
ls -l "$F" "$F.zst" >&2
cat "$F" "$F.zst" > /dev/null   # warm the page cache for every contender

echo "== floor: zstd -d on the chunk payloads" >&2
UNC=$($BIN decode "$F" --no-crc | python3 -c 'import json,sys; print(json.load(sys.stdin)["uncompressed_bytes"])')
best_zstd=999999
for i in 1 2 3; do
    s=$( { /usr/bin/time -f "%e" zstd -q -d -c "$F.zst" > /dev/null; } 2>&1 )
    echo "zstd -d: ${s} s" >&2
    best_zstd=$(python3 -c "print(min($best_zstd, $s))")
done

echo "== longtail: decode every numeric field into columns" >&2
best_lt=999999
for i in 1 2 3; do
    out=$( /usr/bin/time -v $BIN decode "$F" 2> .bench/time.txt )
    echo "$out" >&2
    s=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])')
    rss=$(grep "Maximum resident" .bench/time.txt | awk '{print $NF}')
    echo "peak RSS: ${rss} KiB" >&2
    best_lt=$(python3 -c "print(min($best_lt, $s))")
    LT_JSON=$out
done

echo "== peer: Python mcap + mcap-ros2-support (max ${PYSECS} s)" >&2
PY_JSON=$(/usr/bin/time -v .venv/bin/python Benchmarks/python_decode.py "$F" --max-seconds "$PYSECS" 2> .bench/time-py.txt)
echo "$PY_JSON" >&2
echo "python peak RSS: $(grep 'Maximum resident' .bench/time-py.txt | awk '{print $NF}') KiB" >&2

python3 - "$UNC" "$best_zstd" "$best_lt" "$PY_JSON" "$rss" <<'PY'
import json, sys
unc, zs, lt, py, rss = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), json.loads(sys.argv[4]), int(sys.argv[5])
z = unc / zs / 1e6; l = unc / lt / 1e6; p = py["mb_per_s"]
print(f"uncompressed bytes: {unc}")
print(f"zstd -d:   {z:8.1f} MB/s (best of 3)")
print(f"longtail:  {l:8.1f} MB/s (best of 3)  = {l/z:.2f}x zstd -d, {l/p:.1f}x python; peak RSS {rss/1024:.1f} MiB")
print(f"python:    {p:8.1f} MB/s over {py['messages']} messages")
PY
