#!/usr/bin/env bash
# Scan benchmark (issue 5). Two synth driving archives of about SIZE_GIB GiB each (zstd
# chunks, every Autoware topic of `longtail synth`):
#   dynamics: vehicle status, IMU, objects, weather only (~25 h of driving): every byte is
#             a small message the scanner decodes, the hardest case against zstd;
#   lidar:    the same plus a 10 Hz roof lidar (`synth --lidar`, PointCloud2 256 KiB a
#             sweep, not decoded), the byte mix of a real log (~10 min of driving).
# For each, side by side in one run:
#   floor:    `zstd -d` on exactly the chunk payloads the reader decompresses (one thread);
#   Longtail: the full scan of `longtail scan` on one core (decode, resample, features,
#             every detector, rarity; no output writing), release build, CRCs checked;
#   peer:     python_scan.py (mcap + mcap-ros2-support + numpy, the same work) on a
#             10-minute archive of the same kind; Longtail is timed on that file too.
# Throughput = the file's uncompressed chunk bytes / seconds, best of 3 for the native
# contenders. Peak RSS with /usr/bin/time -v. Usage: Benchmarks/run-scan.sh [SIZE_GIB]
# TARGET_CPU=haswell (any `-target-cpu` name) builds Longtail for that CPU instead of the
# default x86-64 baseline, into .build-$TARGET_CPU (AVX2 for haswell: see PLATFORM.md).
set -euo pipefail
cd "$(dirname "$0")/.."
GIB=${1:-1}
scripts/bootstrap.sh
if [ -n "${TARGET_CPU:-}" ]; then
    FLAGS=(--scratch-path ".build-$TARGET_CPU" -Xswiftc -target-cpu -Xswiftc "$TARGET_CPU"); OUTDIR=".build-$TARGET_CPU/release"
else
    FLAGS=(); OUTDIR=.build/release
fi
swift build -c release --product longtail-bench "${FLAGS[@]}" >/dev/null
swift build -c release --product longtail "${FLAGS[@]}" >/dev/null
BIN=$OUTDIR/longtail-bench
LT=$OUTDIR/longtail
mkdir -p .bench
unc() { $BIN decode "$1" --no-crc --skip-extract | python3 -c 'import json,sys; print(json.load(sys.stdin)["uncompressed_bytes"])'; }
median() { python3 -c "import sys, statistics; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
best() { python3 -c "import sys; print(min(float(x) for x in sys.argv[1:]))" "$@"; }

report=""
for kind in dynamics lidar; do
    if [ $kind = dynamics ]; then
        # 2 hours make about 81 MiB of zstd-1 MCAP.
        DUR="$(python3 -c "print(max(1, round($GIB * 1024 / 81 * 2)))")h"; FLAG=""
    else
        # 2 minutes with the lidar make about 205 MiB.
        DUR="$(python3 -c "print(max(1, round($GIB * 1024 / 205 * 2)))")m"; FLAG="--lidar"
    fi
    D=.bench/scan-$kind-$DUR; F=$D/drive-000.mcap
    [ -f "$F" ] || { echo "generating $F ($DUR of driving $FLAG)..." >&2; $LT synth --kind driving --seed 424242 --duration $DUR $FLAG --out "$D" >/dev/null 2>&1; }
    S=.bench/scan-$kind-slice; FS=$S/drive-000.mcap
    [ -f "$FS" ] || $LT synth --kind driving --seed 424243 --duration 10m $FLAG --out "$S" >/dev/null 2>&1
    $BIN payloads "$F" --out "$F.zst"
    ls -l "$F" "$F.zst" >&2
    cat "$F" "$F.zst" "$FS" > /dev/null   # warm the page cache for every contender
    U=$(unc "$F"); US=$(unc "$FS")
    zs=(); ls_=(); sl=()
    for i in 1 2 3; do
        zs+=( $( { /usr/bin/time -f "%e" zstd -q -d -c "$F.zst" > /dev/null; } 2>&1 ) )
        out=$( /usr/bin/time -v $BIN scan "$F" 2> .bench/time-scan.txt )
        echo "$kind: zstd -d ${zs[-1]} s; longtail scan $out" >&2
        ls_+=( $(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])') )
        rss=$(grep "Maximum resident" .bench/time-scan.txt | awk '{print $NF}')
        sl+=( $($BIN scan "$FS" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])') )
    done
    PY=$(/usr/bin/time -v .venv/bin/python Benchmarks/python_scan.py "$FS" 2> .bench/time-py.txt)
    echo "$kind: python $PY" >&2
    pyrss=$(grep "Maximum resident" .bench/time-py.txt | awk '{print $NF}')
    line=$(python3 - "$kind" "$U" "$(best "${zs[@]}")" "$(best "${ls_[@]}")" "$US" "$(best "${sl[@]}")" "$PY" "$rss" "$pyrss" <<'PY'
import json, sys
kind, unc, zs, lt, unc_s, lt_s = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
py, rss, pyrss = json.loads(sys.argv[7]), int(sys.argv[8]), int(sys.argv[9])
z = unc / zs / 1e6; l = unc / lt / 1e6; ls = unc_s / lt_s / 1e6; p = unc_s / py["seconds"] / 1e6
print(f"{kind:8s} {unc / 2**30:5.2f} GiB: zstd -d {z:7.1f} MB/s | longtail {l:7.1f} MB/s = {l / z:.2f}x zstd -d, "
      f"peak RSS {rss / 1024:.0f} MiB | 10-min file: longtail {ls:7.1f} MB/s vs python {p:6.1f} MB/s = {ls / p:.0f}x "
      f"(python peak RSS {pyrss / 1024:.0f} MiB)")
PY
)
    report="$report$line"$'\n'
done
echo "== scan benchmark (one core, release${TARGET_CPU:+ for $TARGET_CPU}, CRCs checked)"
printf "%s" "$report"
