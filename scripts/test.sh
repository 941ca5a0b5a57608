#!/usr/bin/env bash
# Runs Longtail's whole test suite: prerequisites first, then `swift test`.
# Interop tests use .venv/bin/python; tests that read ../shared/data skip with a
# message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export LONGTAIL_PYTHON="$PWD/.venv/bin/python"
swift build --build-tests
swift test --skip-build "$@"
