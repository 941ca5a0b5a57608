#!/usr/bin/env bash
# Scan benchmark (issue 5). Generates a synth driving MCAP of about SIZE_GIB GiB (zstd
# chunks, all Autoware topics) and measures side by side in one run:
#   floor: `zstd -d` on exactly the chunk payloads the reader decompresses (one thread);
#   Longtail: the full scan of `longtail scan` on one core (decode, resample, features,
#             every detector, rarity; no output writing), release build, CRCs checked;
#   peer: the Python pipeline in python_scan.py (mcap + mcap-ros2-support + numpy, the same
#         work) on a 10-minute file of the same generator (it runs at ~10 MB/s).
# Throughput = the file's uncompressed chunk bytes / seconds, best of 3 for the native
# contenders. Peak RSS with /usr/bin/time -v. Usage: Benchmarks/run-scan.sh [SIZE_GIB]
set -euo pipefail
cd "$(dirname "$0")/.."
GIB=${1:-1}
scripts/bootstrap.sh
swift build -c release --product longtail-bench >/dev/null
swift build -c release --product longtail >/dev/null
BIN=.build/release/longtail-bench
mkdir -p .bench
# 2 hours of synth driving make about 81 MiB of zstd-1 MCAP.
HOURS=$(python3 -c "print(max(1, round($GIB * 1024 / 81 * 2)))")
D=.bench/scan-${HOURS}h
F=$D/drive-000.mcap
if [ ! -f "$F" ]; then
    echo "generating $F (${HOURS} h of driving)..." >&2
    /usr/bin/time -f "generate: %e s" .build/release/longtail synth --kind driving --seed 424242 --duration ${HOURS}h --out "$D" >/dev/null
fi
S=.bench/scan-slice
[ -f "$S/drive-000.mcap" ] || .build/release/longtail synth --kind driving --seed 424242 --duration 10m --out "$S" >/dev/null
$BIN payloads "$F" --out "$F.zst"
ls -l "$F" "$F.zst" >&2
cat "$F" "$F.zst" > /dev/null   # warm the page cache for every contender
UNC=$($BIN decode "$F" --no-crc --skip-extract | python3 -c 'import json,sys; print(json.load(sys.stdin)["uncompressed_bytes"])')
UNC_SLICE=$($BIN decode "$S/drive-000.mcap" --no-crc --skip-extract | python3 -c 'import json,sys; print(json.load(sys.stdin)["uncompressed_bytes"])')

best_zstd=999999; best_lt=999999; best_slice=999999
for i in 1 2 3; do
    s=$( { /usr/bin/time -f "%e" zstd -q -d -c "$F.zst" > /dev/null; } 2>&1 )
    echo "zstd -d: ${s} s" >&2
    best_zstd=$(python3 -c "print(min($best_zstd, $s))")
    out=$( /usr/bin/time -v $BIN scan "$F" 2> .bench/time-scan.txt )
    echo "longtail scan: $out" >&2
    s=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])')
    best_lt=$(python3 -c "print(min($best_lt, $s))")
    rss=$(grep "Maximum resident" .bench/time-scan.txt | awk '{print $NF}')
    cpu=$(grep "Percent of CPU" .bench/time-scan.txt | awk '{print $NF}')
    echo "peak RSS ${rss} KiB, CPU ${cpu}" >&2
    out=$($BIN scan "$S/drive-000.mcap")
    best_slice=$(python3 -c "import json; print(min($best_slice, json.loads('''$out''')['seconds']))")
done
echo "== peer: Python mcap + mcap-ros2-support + numpy on the 10-minute slice" >&2
PY=$(/usr/bin/time -v .venv/bin/python Benchmarks/python_scan.py "$S/drive-000.mcap" 2> .bench/time-py.txt)
echo "$PY" >&2
pyrss=$(grep "Maximum resident" .bench/time-py.txt | awk '{print $NF}')

python3 - "$UNC" "$best_zstd" "$best_lt" "$UNC_SLICE" "$best_slice" "$PY" "$rss" "$pyrss" <<'PY'
import json, sys
unc, zs, lt, unc_s, lt_s = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
py, rss, pyrss = json.loads(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8])
z = unc / zs / 1e6; l = unc / lt / 1e6; ls = unc_s / lt_s / 1e6; p = unc_s / py["seconds"] / 1e6
print(f"archive: {unc / 2**30:.2f} GiB uncompressed in chunks; slice {unc_s / 2**20:.1f} MiB")
print(f"zstd -d:               {z:8.1f} MB/s (best of 3, one thread)")
print(f"longtail scan, 1 core: {l:8.1f} MB/s = {l / z:.2f}x zstd -d; peak RSS {rss / 1024:.1f} MiB")
print(f"longtail on the slice: {ls:8.1f} MB/s = {ls / p:.0f}x python")
print(f"python pipeline:       {p:8.1f} MB/s on the slice ({py['seconds']:.2f} s); peak RSS {pyrss / 1024:.1f} MiB")
PY
