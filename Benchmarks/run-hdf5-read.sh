#!/usr/bin/env bash
# HDF5 read benchmark (issue 3), release build, page cache warm, side by side in one run:
#   1. an archive of 20 REASSEMBLE-like episodes (~50 MiB of float32 each, zstd chunks):
#      Longtail's scan (every numeric dataset streamed as Float) on 1 and 2 threads, against
#      h5py + hdf5plugin reading the same datasets as float32; both sums must agree;
#   2. one 4 GiB float32 dataset streamed through: peak RSS from /usr/bin/time -v.
# Usage: Benchmarks/run-hdf5-read.sh [GIGABYTES for step 2, default 4]
set -euo pipefail
cd "$(dirname "$0")/.."
GB=${1:-4}
scripts/bootstrap.sh
swift build -c release --product longtail-bench >/dev/null
BIN=.build/release/longtail-bench
mkdir -p .bench
if [ ! -d .bench/h5 ] || [ "$(ls .bench/h5 | wc -l)" != 20 ]; then
    rm -rf .bench/h5
    $BIN h5-generate --out .bench/h5 --files 20 --megabytes 50
fi
cat .bench/h5/*.h5 > /dev/null
best() { python3 -c "import sys; print(min(float(x) for x in sys.argv[1:]))" "$@"; }
secs() { python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])'; }
declare -a t1 t2 tp
for i in 1 2 3; do
    a=$($BIN h5-scan .bench/h5/*.h5 --threads 1); echo "longtail 1 thread:  $a" >&2; t1+=("$(echo "$a" | secs)"); A=$a
    b=$($BIN h5-scan .bench/h5/*.h5 --threads 2); echo "longtail 2 threads: $b" >&2; t2+=("$(echo "$b" | secs)")
    c=$(.venv/bin/python Benchmarks/python_h5_read.py .bench/h5/*.h5); echo "h5py:               $c" >&2; tp+=("$(echo "$c" | secs)"); C=$c
done
BYTES=$(echo "$A" | python3 -c 'import json,sys; print(json.load(sys.stdin)["values"] * 4)')

BIG=.bench/big-${GB}g.h5
[ -f "$BIG" ] || $BIN h5-generate-big --out "$BIG" --gigabytes "$GB"
cat "$BIG" > /dev/null
BIGOUT=$( /usr/bin/time -v $BIN h5-scan "$BIG" 2> .bench/time-h5.txt )
RSS=$(grep "Maximum resident" .bench/time-h5.txt | awk '{print $NF}')
echo "big: $BIGOUT" >&2

python3 - "$BYTES" "$(best "${t1[@]}")" "$(best "${t2[@]}")" "$(best "${tp[@]}")" "$A" "$C" "$BIGOUT" "$RSS" <<'PY'
import json, sys
b = int(sys.argv[1]); t1, t2, tp = map(float, sys.argv[2:5])
a, c, big, rss = json.loads(sys.argv[5]), json.loads(sys.argv[6]), json.loads(sys.argv[7]), int(sys.argv[8])
l1, l2, p = b / t1 / 1e6, b / t2 / 1e6, b / tp / 1e6
print(f"archive: {a['files']} files, {b / 2**20:.0f} MiB of float32 values")
print(f"longtail, 1 thread:  {l1:7.1f} MB/s = {l1 / p:.2f}x h5py (best of 3)")
print(f"longtail, 2 threads: {l2:7.1f} MB/s = {l2 / p:.2f}x h5py, {l2 / l1:.2f}x one thread")
print(f"h5py + hdf5plugin:   {p:7.1f} MB/s")
ok = a["values"] == c["values"] and abs(a["checksum"] - c["checksum"]) <= 1e-9 * abs(c["checksum"])
print(f"answer check: values {a['values']} vs {c['values']}, sum {a['checksum']:.9e} vs {c['checksum']:.9e}: {'OK' if ok else 'MISMATCH'}")
print(f"{big['values'] * 4 / 2**30:.2f} GiB dataset streamed in {big['seconds']:.1f} s ({big['mb_per_s']:.0f} MB/s), peak RSS {rss / 1024:.1f} MiB")
sys.exit(0 if ok and rss < 200 * 1024 else 1)
PY
