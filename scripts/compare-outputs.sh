#!/usr/bin/env bash
# Refactor check: scans the same inputs with two longtail binaries and compares every
# output byte for byte (cmp), plus the catalog's query output. The run-dependent files
# (scan.json's seconds, the catalog file's run times) are compared through what users read.
#   scripts/compare-outputs.sh OLD_BINARY NEW_BINARY INPUT... [-- SCAN FLAGS]
set -euo pipefail
old=$1 new=$2; shift 2
inputs=() flags=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do inputs+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift && flags=("$@")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for input in "${inputs[@]}"; do
    for side in old new; do
        bin=$old; [ $side = new ] && bin=$new
        "$bin" scan "$input" --out "$work/$side" --force "${flags[@]}" > "$work/$side.summary" 2> "$work/$side.stderr" || true
        "$bin" query --catalog "$work/$side" --limit 0 --format jsonl > "$work/$side.query" 2>&1 || true
        "$bin" query --catalog "$work/$side" --limit 0 --tier alignment --sort rarity --format csv > "$work/$side.query-alignment" 2>&1 || true
    done
    files=$(cd "$work/old" && find . -type f ! -path './.work/*' ! -name scan.json ! -name catalog.sqlite | sort)
    checked=0
    for f in $files; do
        if cmp -s "$work/old/$f" "$work/new/$f"; then checked=$((checked + 1)); else echo "DIFFERS: $input: $f"; status=1; fi
    done
    for f in query query-alignment; do
        if cmp -s "$work/old.$f" "$work/new.$f"; then checked=$((checked + 1)); else echo "DIFFERS: $input: catalog $f"; status=1; fi
    done
    # scan.json without its timing.
    if diff <(sed 's/"seconds":[^,]*,//' "$work/old/scan.json") <(sed 's/"seconds":[^,]*,//' "$work/new/scan.json") > /dev/null; then
        checked=$((checked + 1)); else echo "DIFFERS: $input: scan.json"; status=1; fi
    # The summary without its timing line.
    if diff <(grep -v '^bytes in:' "$work/old.summary" | sed "s|$work/old|OUT|") \
            <(grep -v '^bytes in:' "$work/new.summary" | sed "s|$work/new|OUT|") > /dev/null; then
        checked=$((checked + 1)); else echo "DIFFERS: $input: summary"; status=1; fi
    echo "$input: $checked outputs identical ($(wc -l < "$work/new.query") catalog rows)"
    rm -rf "$work/old" "$work/new"
done
exit $status
