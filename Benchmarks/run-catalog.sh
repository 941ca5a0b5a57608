#!/usr/bin/env bash
# Catalog query benchmark (issue 6): a generated catalog of 1 million segments (1000
# sources × 1000 segments, one in 12 with an event), then every `longtail query` flag alone
# and combined, each run 60 times (open the catalog, query, fetch rows with their events);
# p50 and p95 latency per query. Release build. Usage: Benchmarks/run-catalog.sh [SEGMENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
scripts/bootstrap.sh
swift build -c release --product longtail-bench >/dev/null
mkdir -p .bench
F=.bench/catalog-$N.sqlite
/usr/bin/time -v .build/release/longtail-bench catalog --out "$F" --segments "$N" --repeats 60 2> .bench/time-catalog.txt | tee .bench/catalog.jsonl
grep -E "generated" .bench/time-catalog.txt || true
ls -l "$F"
python3 - <<'PY'
import json
rows = [json.loads(l) for l in open(".bench/catalog.jsonl")]
print(f"queries: {len(rows)}; worst p50 {max(r['p50_ms'] for r in rows):.1f} ms, worst p95 {max(r['p95_ms'] for r in rows):.1f} ms "
      f"(targets: p50 < 50 ms, p95 < 100 ms)")
PY
