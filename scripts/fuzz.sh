#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser (issue 17): builds the harnesses in Fuzz/ with
# libFuzzer and the address sanitizer, seeds each corpus (fixtures, a short synth log,
# the profiles, hand-made schema/payload pairs), and runs each harness for SECONDS under
# -rss_limit_mb=512 -malloc_limit_mb=256 -timeout=10. Prints executions, exec/s and
# coverage per harness; crashes are kept in .fuzz/artifacts/HARNESS/ and fail the run.
#   scripts/fuzz.sh [SECONDS] [HARNESS...]      (default 60 s, every harness)
#   scripts/fuzz.sh --smoke [HARNESS...]         (what CI runs: a fixed seed and a fixed
#                                                 number of runs from the seeds alone, about
#                                                 10 s a harness, so a result reproduces here)
#   scripts/fuzz.sh --runs N [HARNESS...]        (a campaign: N executions a harness, one
#                                                 run each, from the kept corpus; no time limit)
set -euo pipefail
cd "$(dirname "$0")/.."
SMOKE=0 RUNS=""
if [ "${1:-}" = --smoke ]; then SMOKE=1; SECS=120
elif [ "${1:-}" = --runs ]; then RUNS=$2; SECS=604800; shift
else SECS=${1:-60}; fi
shift || true
ALL=(FuzzMCAPStream FuzzMCAPIndexed FuzzMessageDecoders FuzzBag FuzzHDF5 FuzzProfile FuzzCatalogText FuzzScan)
HARNESSES=("$@")
[ ${#HARNESSES[@]} -eq 0 ] && HARNESSES=("${ALL[@]}")
export ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 SWIFT_BACKTRACE=enable=no SWIFT_DETERMINISTIC_HASHING=1

echo "fuzz: building the harnesses (libFuzzer + ASan)..." >&2
swift build -c release --product longtail >/dev/null
# SwiftPM does not notice a file added to the root package; a fresh plan picks it up.
rm -f Fuzz/.build/release/description.json Fuzz/.build/*/release/description.json
(cd Fuzz && swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >/dev/null)
BIN=Fuzz/.build/release
L=.build/release/longtail

# Seeds, made once.
S=.fuzz/seeds
if [ ! -d "$S" ]; then
    mkdir -p "$S"/{mcap,bag,h5,profile,messages,time,scan}
    # Small MCAPs of every record kind (the conformance set and rosbag2's, when ../shared is
    # there), and a short synth log with the scanner's topics.
    $L synth --kind driving --seed 5 --duration 20s --out "$S/synth" >/dev/null 2>&1
    cp "$S"/synth/*.mcap "$S/mcap/"
    if [ -d ../shared/data ]; then
        k=0
        for f in $(find ../shared/data/mcap-conformance -name '*.mcap' | sort | awk 'NR % 7 == 0') \
                 $(find ../shared/data/mcap-rosbag2 -name '*.mcap' -size -64k | sort); do
            k=$((k + 1)); cp "$f" "$S/mcap/shared-$k.mcap"
        done
    fi
    cp Fixtures/ros1/*.bag "$S/bag/"
    cp Fixtures/synth/robot/episode-001-aloha.h5 "$S/h5/"
    for p in $($L profiles | awk '/^[a-z]/{print $1}'); do $L profiles --show "$p" > "$S/profile/$p.toml" 2>/dev/null || true; done
    cp docs/profiles/*.toml "$S/profile/"
    python3 - "$S/messages" <<'PY'
import struct, sys
out = sys.argv[1]
def seed(name, schema, payload):
    s = schema.encode()
    open(f"{out}/{name}", "wb").write(struct.pack("<H", len(s)) + s + payload)
seed("cdr-imu", "float64 x\nfloat64 y\nstring frame\nint32[] v\n",
     b"\x00\x01\x00\x00" + struct.pack("<dd", 1.5, -2) + struct.pack("<I", 3) + b"ab\x00" + b"\x00" + struct.pack("<Iii", 2, 7, 8))
seed("ros1-header", "Header header\nfloat32[3] a\n===\nMSG: std_msgs/Header\nuint32 seq\ntime stamp\nstring frame_id\n",
     struct.pack("<III", 1, 2, 3) + struct.pack("<I", 1) + b"m" + struct.pack("<fff", 1, 2, 3))
seed("json", "", b'{"a": [1, 2.5, {"b": null}], "c": "\\u00e9"}')
PY
    printf '2023-11-14T22:13:25Z' > "$S/time/iso"; printf '1700000950s' > "$S/time/sec"; printf '1700000950.5' > "$S/time/frac"
    cp "$S/synth/"*.mcap "$S/bag/"* "$S/h5/"* "$S/scan/"
fi
seeds_for() {
    case $1 in
        FuzzMCAPStream|FuzzMCAPIndexed) echo mcap ;; FuzzBag) echo bag ;; FuzzHDF5) echo h5 ;; FuzzProfile) echo profile ;;
        FuzzMessageDecoders) echo messages ;; FuzzCatalogText) echo time ;; FuzzScan) echo scan ;;
    esac
}

# Runs of the smoke, about 10 s each on a 2-core machine (rates from `scripts/fuzz.sh 10`).
smoke_runs() {
    case $1 in
        FuzzMCAPStream) echo 100000 ;; FuzzMCAPIndexed) echo 40000 ;; FuzzMessageDecoders) echo 150000 ;;
        FuzzBag) echo 50000 ;; FuzzHDF5) echo 10000 ;; FuzzProfile) echo 50000 ;; FuzzCatalogText) echo 30000 ;;
        FuzzScan) echo 2500 ;;
    esac
}

status=0
report=""
for h in "${HARNESSES[@]}"; do
    corpus=.fuzz/corpus/$h artifacts=.fuzz/artifacts/$h
    extra=()
    if [ $SMOKE = 1 ]; then
        corpus=.fuzz/smoke/corpus/$h artifacts=.fuzz/smoke/artifacts/$h; rm -rf "$corpus" "$artifacts"
        extra=(-seed=1 -runs="$(smoke_runs "$h")" -reload=0)
    fi
    [ -n "$RUNS" ] && extra=(-runs="$RUNS")
    # libFuzzer keys its table of recent comparisons by code address: without address
    # randomisation (and with Swift's hashing seeded) a smoke run repeats exactly.
    run=()
    [ $SMOKE = 1 ] && setarch "$(uname -m)" -R true 2>/dev/null && run=(setarch "$(uname -m)" -R)
    mkdir -p "$corpus" "$artifacts"
    log=.fuzz/$h.log
    "${run[@]}" "$BIN/$h" "$corpus" "$S/$(seeds_for "$h")" -max_total_time="$SECS" "${extra[@]}" -rss_limit_mb=512 -malloc_limit_mb=256 -timeout=10 \
        -max_len=262144 -artifact_prefix="$artifacts/" -print_final_stats=1 > "$log" 2>&1 || true
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{print $2}' | tail -1)
    rate=$(grep -o 'exec/s: *[0-9]*' "$log" | tail -1 | awk '{print $2}')
    cov=$(grep -o 'cov: *[0-9]*' "$log" | tail -1 | awk '{print $2}')
    crashes=$(find "$artifacts" -type f | wc -l)
    line=$(printf "%-20s execs %10s  exec/s %7s  cov %6s  crashes %s" "$h" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$crashes")
    echo "$line" >&2
    report="$report$line"$'\n'
    if [ "$crashes" -gt 0 ] || grep -q "ERROR: AddressSanitizer\|ERROR: libFuzzer\|SUMMARY: " "$log"; then
        status=1
        grep -m3 "ERROR\|SUMMARY\|Fatal error\|artifact" "$log" >&2 || true
        # The input itself, as a zstd patch against the seed it is closest to, so that a
        # failure on another machine (CI keeps no files) replays here:
        #   base64 -d < text > p.zst; zstd -d --patch-from=.fuzz/seeds/DIR/SEED p.zst -o input
        for a in $(find "$artifacts" -type f | head -2); do
            best="" bestn=999999999
            for seed in "$S/$(seeds_for "$h")"/*; do
                n=$(zstd -q -19 --patch-from="$seed" -c "$a" 2>/dev/null | wc -c)
                [ "$n" -gt 0 ] && [ "$n" -lt "$bestn" ] && best=$seed bestn=$n
            done
            echo "fuzz: $h input $(basename "$a"), patch from ${best#"$S"/} (zstd, base64):" >&2
            zstd -q -19 --patch-from="$best" -c "$a" 2>/dev/null | base64 -w 0 | head -c 100000 >&2; echo >&2
        done
    fi
done
if [ $SMOKE = 1 ]; then echo "== fuzz smoke (seed 1, fixed runs)"
elif [ -n "$RUNS" ]; then echo "== fuzz campaign ($RUNS runs a harness)"
else echo "== fuzz ($SECS s a harness)"; fi
printf "%s" "$report"
exit $status
