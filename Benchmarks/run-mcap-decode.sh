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

for threads in 1 2; do
    echo "== longtail, ${threads} thread(s): decode every numeric field into columns" >&2
    best=999999
    for i in 1 2 3; do
        out=$( /usr/bin/time -v $BIN decode "$F" --threads $threads 2> .bench/time.txt )
        echo "$out" >&2
        s=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])')
        r=$(grep "Maximum resident" .bench/time.txt | awk '{print $NF}')
        echo "peak RSS: ${r} KiB" >&2
        best=$(python3 -c "print(min($best, $s))")
    done
    if [ $threads = 1 ]; then best_lt=$best; rss=$r; else best_lt2=$best; rss2=$r; fi
done

echo "== peer: Python mcap + mcap-ros2-support (max ${PYSECS} s)" >&2
PY_JSON=$(/usr/bin/time -v .venv/bin/python Benchmarks/python_decode.py "$F" --max-seconds "$PYSECS" 2> .bench/time-py.txt)
echo "$PY_JSON" >&2
echo "python peak RSS: $(grep 'Maximum resident' .bench/time-py.txt | awk '{print $NF}') KiB" >&2

echo "== answer check: both decoders over the same 16 MiB file" >&2
S=.bench/check-16.mcap
[ -f "$S" ] || $BIN generate --out "$S" --megabytes 16
LT_CHECK=$($BIN decode "$S")
PY_CHECK=$(.venv/bin/python Benchmarks/python_decode.py "$S" --max-seconds 100000)

python3 - "$UNC" "$best_zstd" "$best_lt" "$best_lt2" "$PY_JSON" "$rss" "$rss2" "$LT_CHECK" "$PY_CHECK" <<'PY'
import json, sys
unc, zs, lt, lt2 = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
py, rss, rss2 = json.loads(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
a, b = json.loads(sys.argv[8]), json.loads(sys.argv[9])
z = unc / zs / 1e6; l = unc / lt / 1e6; l2 = unc / lt2 / 1e6; p = py["mb_per_s"]
print(f"uncompressed bytes: {unc}")
print(f"zstd -d:             {z:8.1f} MB/s (best of 3, single thread)")
print(f"longtail, 1 thread:  {l:8.1f} MB/s = {l/z:.2f}x zstd -d, {l/p:.0f}x python; peak RSS {rss/1024:.1f} MiB")
print(f"longtail, 2 threads: {l2:8.1f} MB/s = {l2/z:.2f}x zstd -d, {l2/p:.0f}x python; peak RSS {rss2/1024:.1f} MiB")
print(f"python:              {p:8.1f} MB/s over {py['messages']} messages")
ok = a["values"] == b["values"] and abs(a["checksum"] - b["checksum"]) <= 1e-9 * abs(b["checksum"])
print(f"answer check (16 MiB): values {a['values']} vs {b['values']}, checksum {a['checksum']:.6e} vs {b['checksum']:.6e}: {'OK' if ok else 'MISMATCH'}")
sys.exit(0 if ok else 1)
PY
