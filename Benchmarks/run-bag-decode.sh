#!/usr/bin/env bash
# ROS 1 bag decode benchmark (issue 14). Writes a bag of MEGABYTES of Imu, Odometry and
# WrenchStamped messages with rosbags (Benchmarks/make_bag.py), once in bz2 and once in lz4
# chunks, then measures side by side in one run, one core each:
#   floor:    `bzip2 -d` / `lz4 -d` on exactly the chunk payloads the reader decompresses;
#   Longtail: every numeric field of every message into columns (`longtail-bench bag-decode`,
#             release build): chunk decompression, record walk, ROS 1 extraction;
#   peer:     Python rosbags deserializing every message and collecting every number
#             (Benchmarks/python_bag_decode.py, time-capped), on the same file.
# Throughput = the chunks' uncompressed bytes / seconds, best of 3 for the native
# contenders; the Python ratio compares messages per second on the same file. Peak RSS
# with /usr/bin/time -v. Usage: Benchmarks/run-bag-decode.sh [MEGABYTES] [PY_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-1024}
PYSECS=${2:-30}
scripts/bootstrap.sh
for tool in bzip2 lz4; do
    command -v $tool >/dev/null || { echo "run-bag-decode: installing $tool" >&2; apt-get install -y -qq $tool >/dev/null; }
done
swift build -c release --product longtail-bench >/dev/null
BIN=.build/release/longtail-bench
mkdir -p .bench
best() { python3 -c "import sys; print(min(float(x) for x in sys.argv[1:]))" "$@"; }
report=""
for comp in bz2 lz4; do
    F=.bench/bag-$comp-$MB.bag
    if [ ! -f "$F" ]; then
        echo "generating $F ($MB MB of messages, $comp chunks)..." >&2
        .venv/bin/python Benchmarks/make_bag.py "$F" "$MB" "$comp" >&2
    fi
    P=$F.$comp
    $BIN bag-payloads "$F" --out "$P"
    ls -l "$F" "$P" >&2
    cat "$F" "$P" > /dev/null   # warm the page cache for every contender
    floor=()
    lt=()
    for i in 1 2 3; do
        if [ $comp = bz2 ]; then
            floor+=( $( { /usr/bin/time -f "%e" bzip2 -d -c "$P" > /dev/null; } 2>&1 ) )
        else
            floor+=( $( { /usr/bin/time -f "%e" lz4 -d -c "$P" > /dev/null; } 2>&1 ) )
        fi
        out=$( /usr/bin/time -v $BIN bag-decode "$F" 2> .bench/time-bag.txt )
        echo "$comp: floor ${floor[-1]} s; longtail $out" >&2
        lt+=( $(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])') )
        rss=$(grep "Maximum resident" .bench/time-bag.txt | awk '{print $NF}')
        last=$out
    done
    PY=$(/usr/bin/time -v .venv/bin/python Benchmarks/python_bag_decode.py "$F" --max-seconds "$PYSECS" 2> .bench/time-pybag.txt)
    pyrss=$(grep "Maximum resident" .bench/time-pybag.txt | awk '{print $NF}')
    echo "$comp: python $PY" >&2
    line=$(python3 - "$comp" "$last" "$(best "${floor[@]}")" "$(best "${lt[@]}")" "$PY" "$rss" "$pyrss" <<'PY'
import json, sys
comp, lt = sys.argv[1], json.loads(sys.argv[2])
floor, best, py, rss, pyrss = float(sys.argv[3]), float(sys.argv[4]), json.loads(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
unc = lt["uncompressed_bytes"]
f = unc / floor / 1e6; l = unc / best / 1e6
lmps = lt["messages"] / best; pmps = py["messages"] / py["seconds"]
print(f"{comp}: {unc / 2**30:5.2f} GiB uncompressed, {lt['messages']} messages: {comp} -d {f:7.1f} MB/s | longtail {l:7.1f} MB/s "
      f"= {l / f:.2f}x the floor, peak RSS {rss / 1024:.0f} MiB | python rosbags {pmps:8.0f} msg/s vs longtail {lmps:9.0f} msg/s "
      f"= {lmps / pmps:.0f}x (python peak RSS {pyrss / 1024:.0f} MiB)")
PY
)
    report="$report$line"$'\n'
done
echo "== bag decode benchmark (one core, release)"
printf "%s" "$report"
