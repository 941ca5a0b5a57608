#!/usr/bin/env bash
# The main job end to end (issue 18): what a user runs, `longtail scan DIR --out OUT`, beside
# its floor and its parts, side by side in one run on the same page cache:
#   zstd -d        the chunk payloads of the 25 h dynamics archive (one thread): the floor;
#   scan alone     `longtail-bench scan` (decode, features, detectors, rarity; no outputs);
#   --out, 1 / 2   `longtail scan FILE --out OUT --threads 1` and `--threads 2`: every output
#                  (JSON lines, alignment set, pretraining shards, catalog);
#   40 files       the same job over 40 files of 15 min (10 h), --threads 1 and 2;
#   python         python_scan.py (mcap + mcap-ros2-support + numpy; the scan's work, no
#                  outputs) on a 1-hour file of the same kind, against `longtail scan --out
#                  --threads 1` on that file (process start and every output included).
# Throughput = uncompressed chunk bytes / seconds; best of 3 for every native contender;
# peak RSS from /usr/bin/time -v. Release build.
# Usage: Benchmarks/run-main-job.sh [SIZE_GIB]   (1: the 25 h archive of run-scan.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
GIB=${1:-1}
scripts/bootstrap.sh
swift build -c release --product longtail-bench >/dev/null
swift build -c release --product longtail >/dev/null
BIN=.build/release/longtail-bench
LT=.build/release/longtail
mkdir -p .bench
DUR="$(python3 -c "print(max(1, round($GIB * 1024 / 81 * 2)))")h"   # 2 h make about 81 MiB of zstd-1 MCAP
D=.bench/scan-dynamics-$DUR; F=$D/drive-000.mcap
[ -f "$F" ] || { echo "generating $F ($DUR of driving)..." >&2; $LT synth --kind driving --seed 424242 --duration "$DUR" --out "$D" >/dev/null 2>&1; }
M=.bench/scan-dynamics-40x15m
[ -d "$M" ] || { echo "generating $M (40 files of 15 min)..." >&2; $LT synth --kind driving --seed 4040 --files 40 --duration 15m --out "$M" >/dev/null 2>&1; }
S=.bench/scan-dynamics-slice-1h; FS=$S/drive-000.mcap
[ -f "$FS" ] || $LT synth --kind driving --seed 424243 --duration 1h --out "$S" >/dev/null 2>&1
$BIN payloads "$F" --out "$F.zst"
unc() { $BIN decode "$1" --no-crc --skip-extract | python3 -c 'import json,sys; print(json.load(sys.stdin)["uncompressed_bytes"])'; }
U=$(unc "$F"); US=$(unc "$FS")
UM=0; for f in "$M"/*.mcap; do UM=$((UM + $(unc "$f"))); done
cat "$F" "$F.zst" "$FS" "$M"/*.mcap > /dev/null   # warm the page cache for every contender
OUT=.bench/main-job-out
# Runs a command under /usr/bin/time; prints "seconds peak_kib".
timed() { /usr/bin/time -f "%e %M" -o .bench/time-main.txt "$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }; cat .bench/time-main.txt; }
declare -A best peak
note() { local k=$1 s=$2 r=$3; best[$k]=$(python3 -c "print(min(${best[$k]:-1e9}, $s))"); peak[$k]=$(( r > ${peak[$k]:-0} ? r : ${peak[$k]:-0} )); }
for i in 1 2 3; do   # alternated, so drift on this shared machine hits every contender alike
    read s r < <(timed zstd -q -d -c "$F.zst"); note zstd "$s" "$r"
    read s r < <(timed $BIN scan "$F"); note scan "$s" "$r"
    for t in 1 2; do rm -rf $OUT; read s r < <(timed $LT scan "$F" --out $OUT --threads $t); note out$t "$s" "$r"; done
    for t in 1 2; do rm -rf $OUT; read s r < <(timed $LT scan "$M" --out $OUT --threads $t); note many$t "$s" "$r"; done
    rm -rf $OUT; read s r < <(timed $LT scan "$FS" --out $OUT --threads 1); note slice "$s" "$r"
    echo "round $i: zstd ${best[zstd]} scan ${best[scan]} out1 ${best[out1]} out2 ${best[out2]} many1 ${best[many1]} many2 ${best[many2]} (best so far)" >&2
done
rm -rf $OUT
PY=$(/usr/bin/time -f "%e %M" -o .bench/time-py.txt .venv/bin/python Benchmarks/python_scan.py "$FS")
read pys pyr < .bench/time-py.txt
python3 - "$U" "$US" "$UM" "$pys" "$pyr" \
    "${best[zstd]}" "${best[scan]}" "${best[out1]}" "${best[out2]}" "${best[many1]}" "${best[many2]}" "${best[slice]}" \
    "${peak[scan]}" "${peak[out1]}" "${peak[out2]}" "${peak[many1]}" "${peak[many2]}" <<'PY'
import sys
u, us, um = (int(x) for x in sys.argv[1:4])
pys, pyr = float(sys.argv[4]), int(sys.argv[5])
zs, scan, out1, out2, many1, many2, slice_ = (float(x) for x in sys.argv[6:13])
rscan, rout1, rout2, rmany1, rmany2 = (int(x) // 1024 for x in sys.argv[13:18])
z = u / zs / 1e6
def line(name, b, s, rss=None):
    mb = b / s / 1e6
    print(f"  {name:34s} {s:6.2f} s {mb:7.1f} MB/s = {mb / z:.2f}x zstd -d" + (f", peak RSS {rss} MiB" if rss is not None else ""))
print(f"== the main job (release, best of 3, alternated): {u / 2**30:.2f} GiB of messages in one file; 40 files {um / 2**30:.2f} GiB")
print(f"  {'zstd -d (one thread)':34s} {zs:6.2f} s {z:7.1f} MB/s")
line("longtail-bench scan (one core)", u, scan, rscan)
line("longtail scan --out --threads 1", u, out1, rout1)
line("longtail scan --out --threads 2", u, out2, rout2)
line("40 files --out --threads 1", um, many1, rmany1)
line("40 files --out --threads 2", um, many2, rmany2)
print(f"  scaling: one file {out1 / out2:.2f}x with 2 threads (target >= 1.5), 40 files {many1 / many2:.2f}x (target >= 1.8)")
ls, p = us / slice_ / 1e6, us / pys / 1e6
print(f"  1-hour file: longtail scan --out --threads 1 {ls:.1f} MB/s vs python_scan.py {p:.1f} MB/s = {ls / p:.0f}x "
      f"(python peak RSS {pyr // 1024} MiB); the 25 h file's --threads 1 throughput is {u / out1 / 1e6 / p:.0f}x python's")
PY
