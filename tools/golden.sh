#!/bin/sh
# Regenerate the golden outputs in tests/golden/ (reference CSVs of the
# scenario library at a fixed seed, compared byte for byte by test_golden):
#
#     tools/golden.sh [BUILD_DIR]      (default: build)
#
# Run it after a change that is meant to move the numbers, then review what
# moved with `git diff --stat tests/golden` and `git diff tests/golden`.
# Each directory is one scenario of scenarios/ (test_golden runs `default`
# as the built-in scenario, which is scenarios/default.ini), run with the
# scenario's own seed for GOLDEN_REPLICAS replicas; run.ini is not kept (it
# records the version and command line).
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
GOLDEN_REPLICAS=64
fdsim="$build/fdsim"
[ -x "$fdsim" ] || { echo "golden.sh: no $fdsim; build first" >&2; exit 2; }
rm -rf tests/golden
mkdir -p tests/golden
for ini in scenarios/*.ini; do
    name=$(basename "$ini" .ini)
    rc=0
    "$fdsim" run "$ini" -n "$GOLDEN_REPLICAS" -j 2 -o "tests/golden/$name" >/dev/null || rc=$?
    [ "$rc" = 0 ] || [ "$rc" = 4 ] || { echo "golden.sh: $ini failed ($rc)" >&2; exit 1; }
    rm -f "tests/golden/$name/run.ini"
done
echo "golden.sh: wrote tests/golden/ ($(ls tests/golden | wc -l) scenarios, $GOLDEN_REPLICAS replicas each)"
