#!/usr/bin/env bash
# Generator benchmark (issue 4): a 2-hour driving archive and 200 robot episodes, release
# build, one core each; wall time and peak RSS from /usr/bin/time, throughput in MB/s of
# MCAP written (file bytes) and of uncompressed messages (chunk payloads).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
swift build -c release --product longtail >/dev/null
BIN=.build/release/longtail
mkdir -p .bench
rm -rf .bench/synth-drive .bench/synth-robot
/usr/bin/time -f "%e %M" -o .bench/synth-drive.time $BIN synth --kind driving --seed 101 --duration 2h --out .bench/synth-drive
/usr/bin/time -f "%e %M" -o .bench/synth-robot.time $BIN synth --kind robot --seed 102 --episodes 200 --out .bench/synth-robot
UNC=$($BIN inspect .bench/synth-drive/drive-000.mcap --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["uncompressed_bytes"])')
python3 - "$UNC" <<'PY'
import os, sys
unc = int(sys.argv[1])
def size(d): return sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
(ds, dr), (rs, rr) = [open(f".bench/synth-{k}.time").read().split() for k in ("drive", "robot")]
ds, rs = float(ds), float(rs)
print(f"driving, 2 h, 1 file: {ds:.2f} s, {size('.bench/synth-drive') / 1e6:.0f} MB of MCAP = {size('.bench/synth-drive') / ds / 1e6:.0f} MB/s written, "
      f"{unc / ds / 1e6:.0f} MB/s of uncompressed messages, peak RSS {int(dr) / 1024:.0f} MiB")
print(f"robot, 200 episodes: {rs:.2f} s, {size('.bench/synth-robot') / 1e6:.0f} MB of HDF5 = {size('.bench/synth-robot') / rs / 1e6:.0f} MB/s, peak RSS {int(rr) / 1024:.0f} MiB")
PY
