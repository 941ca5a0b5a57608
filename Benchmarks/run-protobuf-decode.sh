#!/usr/bin/env bash
# Protobuf MCAP decode benchmark (issue 14). Writes an MCAP (zstd chunks) of MEGABYTES of
# protobuf Imu-, Odometry- and WrenchStamped-shaped messages (Benchmarks/make_protobuf_mcap.py),
# then measures side by side in one run, one core each:
#   floor:    `zstd -d` on exactly the chunk payloads the reader decompresses;
#   Longtail: every numeric field of every message into columns (`longtail-bench decode`,
#             release build: ProtobufColumnExtractor over every leaf path), CRCs checked;
#   peer:     Python mcap + mcap-protobuf-support decoding every message and collecting
#             every number (Benchmarks/python_protobuf_decode.py, time-capped), same file.
# Best of 3 for the native contenders; peak RSS with /usr/bin/time -v.
# Usage: Benchmarks/run-protobuf-decode.sh [MEGABYTES] [PY_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-1024}
PYSECS=${2:-30}
scripts/bootstrap.sh
swift build -c release --product longtail-bench >/dev/null
BIN=.build/release/longtail-bench
mkdir -p .bench
F=.bench/protobuf-$MB.mcap
if [ ! -f "$F" ]; then
    echo "generating $F ($MB MB of protobuf messages)..." >&2
    .venv/bin/python Benchmarks/make_protobuf_mcap.py "$F" "$MB" >&2
fi
$BIN payloads "$F" --out "$F.zst"
ls -l "$F" "$F.zst" >&2
cat "$F" "$F.zst" > /dev/null
zs=(); lt=()
for i in 1 2 3; do
    zs+=( $( { /usr/bin/time -f "%e" zstd -q -d -c "$F.zst" > /dev/null; } 2>&1 ) )
    out=$( /usr/bin/time -v $BIN decode "$F" 2> .bench/time-pb.txt )
    echo "zstd -d ${zs[-1]} s; longtail $out" >&2
    lt+=( $(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])') )
    rss=$(grep "Maximum resident" .bench/time-pb.txt | awk '{print $NF}')
    last=$out
done
PY=$(/usr/bin/time -v .venv/bin/python Benchmarks/python_protobuf_decode.py "$F" --max-seconds "$PYSECS" 2> .bench/time-pypb.txt)
pyrss=$(grep "Maximum resident" .bench/time-pypb.txt | awk '{print $NF}')
echo "python $PY" >&2
echo "== protobuf decode benchmark (one core, release)"
python3 - "$last" "$(python3 -c "import sys; print(min(float(x) for x in sys.argv[1:]))" "${zs[@]}")" \
    "$(python3 -c "import sys; print(min(float(x) for x in sys.argv[1:]))" "${lt[@]}")" "$PY" "$rss" "$pyrss" <<'PY'
import json, sys
lt, zs, best, py, rss, pyrss = json.loads(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), json.loads(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
unc = lt["uncompressed_bytes"]
z = unc / zs / 1e6; l = unc / best / 1e6; p = py["mb_per_s"]
print(f"protobuf: {unc / 2**30:5.2f} GiB uncompressed, {lt['messages']} messages, {lt['values']} values: zstd -d {z:7.1f} MB/s | "
      f"longtail {l:7.1f} MB/s = {l / z:.2f}x zstd -d, peak RSS {rss / 1024:.0f} MiB | python {p:6.1f} MB/s = {l / p:.0f}x "
      f"(python peak RSS {pyrss / 1024:.0f} MiB)")
PY
