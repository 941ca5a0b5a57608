#!/usr/bin/env bash
# Runs Longtail's whole test suite: prerequisites first, then `swift test`.
# Interop tests use .venv/bin/python; tests that read ../shared/data skip with a
# message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
# The Slurm test (SlurmTests) runs a one-node cluster with ../shared/slurm/single-node.sh.
if [ "$(id -u)" = 0 ] && ! command -v slurmctld >/dev/null; then
    echo "test: installing slurmctld slurmd slurm-client munge for the Slurm test" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi
export LONGTAIL_PYTHON="$PWD/.venv/bin/python"
swift build --build-tests
swift test --skip-build "$@"
# With no test filter: a short fuzzing smoke of every parser (issue 17), where the
# toolchain has libFuzzer. It is reproducible (a fixed seed and number of runs), so a CI
# failure reproduces here; `scripts/fuzz.sh SECONDS` runs longer, random campaigns.
if [ $# -eq 0 ] && [ "${LONGTAIL_FUZZ_SMOKE:-1}" = 1 ]; then
    scripts/fuzz.sh --smoke
fi
